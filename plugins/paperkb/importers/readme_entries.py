"""The paper in one line of a reading list: a list item or a table row, as awesome-* lists write them.

Shapes read (each also with ``*``, ``+``, ``1.`` markers, emoji and ``[Aug 2023]`` before the title)::

    - [Title](url) - P. Weinzaepfel et al., ICCV2017. [[code]](url)
    * **Title**. Authors. *CVPR 2020*. [[paper](url)] [[code](url)]
    1. Title, NeurIPS, 2021 [pdf](url)
    | 2022 | TKDE | [Title](url) | [Code](url) |        (columns named by the table's header row)

What is found becomes an ``EntryLine``: title, year, venue, paper URL, other links, authors and,
for a row, the cells that are the paper's notes; plus the line as a *template* with ``{title}``,
``{year}``, ``{url}`` and ``{venue}`` where those values stood, so an export writes the line back
exactly, with a note's edits in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]

# -- Markdown links ------------------------------------------------------------------------------


def link_at(text: str, start: int) -> tuple[Span, Span] | None:
    """Spans of (label, URL) of a Markdown link ``[label](url "title")`` starting at ``start``."""
    if start >= len(text) or text[start] != "[":
        return None
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                break
        i += 1
    else:
        return None
    close = i
    if close + 1 >= len(text) or text[close + 1] != "(":
        return None
    j = close + 2
    while j < len(text) and text[j] in " \t":
        j += 1
    if j < len(text) and text[j] == "<":
        url_start = j + 1
        url_end = text.find(">", url_start)
        if url_end < 0:
            return None
        j = url_end + 1
    else:
        url_start, parens = j, 0
        while j < len(text) and not text[j].isspace():
            if text[j] == "(":
                parens += 1
            elif text[j] == ")":
                if parens == 0:
                    break
                parens -= 1
            j += 1
        url_end = j
    rest = text[j:]
    title_match = re.match(r"""[ \t]*(?:"[^"]*"|'[^']*')?[ \t]*\)""", rest)
    if title_match is None or url_end == url_start:
        return None
    label_start, label_end = start + 1, close
    inner = text[label_start:label_end]
    label_start += len(inner) - len(inner.lstrip())
    label_end -= len(inner) - len(inner.rstrip())
    return (label_start, label_end), (url_start, url_end)


@dataclass
class Link:
    label: Span  # inside the brackets, trimmed
    url: Span
    end: int  # just after the closing parenthesis
    image: bool  # ![alt](src)


def find_links(line: str, start: int = 0, end: int | None = None) -> list[Link]:
    """Every Markdown link and image between ``start`` and ``end``, outermost first."""
    end = len(line) if end is None else end
    found, i = [], start
    while i < end:
        if line[i] == "\\":
            i += 2
            continue
        if line[i] == "[" and (spans := link_at(line, i)) and spans[1][1] <= end:
            close = line.index(")", spans[1][1])
            found.append(Link(spans[0], spans[1], close + 1, i > 0 and line[i - 1] == "!"))
            i = close + 1
            continue
        i += 1
    return found


def is_navigation(line: str) -> bool:
    """``- [Name](#anchor)`` / ``- [Name](other.md)``: a list item leading to a part of the repository."""
    match = _BULLET.match(line)
    if match is None:
        return False
    links = find_links(line, match.start("text"))
    return bool(links) and links[0].label[0] - 1 == match.start("text") and not is_external(
        line[links[0].url[0]:links[0].url[1]])


def is_external(url: str) -> bool:
    return bool(re.match(r"(?i)^(?:https?:)?//", url.strip()))


# -- words in a line -------------------------------------------------------------------------------
YEAR = re.compile(r"(?<![\d.])(?:19[5-9]\d|20[0-4]\d)(?!\d)")
_SHORT_YEAR = re.compile(r"(?<![\w])['’‘](?P<yy>\d{2})(?!\d)")
_VENUES = (
    "CVPR", "ICCV", "ECCV", "NeurIPS", "NIPS", "ICML", "ICLR", "AAAI", "IJCAI", "ACL", "EMNLP", "NAACL", "EACL",
    "COLING", "TACL", "KDD", "WWW", "SIGIR", "CIKM", "WSDM", "RecSys", "ACM MM", "BMVC", "WACV", "ACCV", "TPAMI",
    "PAMI", "TIP", "TMM", "TCSVT", "TKDE", "IJCV", "JMLR", "TMLR", "TNNLS", "ICRA", "IROS", "RSS", "CoRL",
    "SIGGRAPH Asia", "SIGGRAPH", "TOG", "ICASSP", "Interspeech", "MICCAI", "arXiv", "OSDI", "SOSP", "NSDI",
    "ISCA", "MICRO", "ASPLOS", "USENIX Security", "CCS", "NDSS", "UAI", "AISTATS", "COLT", "ICDE", "VLDB",
    "SIGMOD", "3DV", "ICME", "ICIP", "ICDM", "SDM", "ECAI", "ICCVW", "CVPRW", "RA-L", "T-RO", "Nature",
    "Science", "PNAS", "MLSys", "FAST", "EuroSys", "ATC", "ICSE", "FSE", "ASE", "ISSTA", "TOSEM",
)
VENUE = re.compile(
    r"(?<![A-Za-z])(?P<venue>" + "|".join(re.escape(v) for v in sorted(_VENUES, key=len, reverse=True))
    + r")(?![A-Za-z])",
    re.IGNORECASE,
)
_CANONICAL_VENUE = {v.casefold(): v for v in _VENUES} | {"nips": "NeurIPS", "pami": "TPAMI"}
_LINK_WORDS = {
    "paper": "paper", "pdf": "paper", "arxiv": "paper", "论文": "paper", "openreview": "paper", "abs": "paper",
    "code": "code", "github": "code", "official": "code", "official code": "code", "repo": "code", "代码": "code",
    "pytorch": "code", "tensorflow": "code", "project": "project", "project page": "project",
    "project web": "project", "website": "project", "homepage": "project", "page": "project", "web": "project",
    "主页": "project", "项目": "project", "blog": "blog", "video": "video", "slides": "slides", "demo": "demo",
    "data": "data", "dataset": "data", "bib": "bib", "bibtex": "bib", "link": "paper", "url": "paper",
}


def canonical_venue(text: str) -> str:
    return _CANONICAL_VENUE.get(text.casefold(), text)


def link_word(label: str) -> str | None:
    """``[[code]]``, ``[PDF]``, ``[Project Page]``: a resource label, not a title."""
    word = re.sub(r"[\[\]*_`]+", "", label).strip().strip(":").casefold()
    if word in _LINK_WORDS:
        return _LINK_WORDS[word]
    first, _, rest = word.partition(" ")
    if first not in ("code", "paper", "pdf", "project", "arxiv", "official"):
        return None
    # `[Code (PyTorch)]`, `[paper link]`: a resource; `[Paper Copilot]`, a title
    plain = re.sub(r"[\[\]*_`]+", "", label).strip()
    return _LINK_WORDS[first] if rest.startswith(("(", "（")) or plain.partition(" ")[2].islower() else None


def plain_text(markdown: str) -> str:
    """Text of an inline Markdown fragment: links become their labels, images, badges, HTML and
    emphasis markers go, ``<br>`` becomes a space."""
    text = re.sub(r"<!--.*?-->", "", markdown)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"(?i)<br\s*/?>", " ", text)
    text = re.sub(r"<[^>]+>", "", text)
    for _ in range(2):
        text = re.sub(r"\[([^\[\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|~~|`)", "", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


# -- one entry -------------------------------------------------------------------------------------
@dataclass
class EntryLine:
    title: str
    template: str
    url: str | None = None
    year: int | None = None
    venue: str | None = None
    authors: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # code, project, ... (the paper's is `url`)
    details: list[str] = field(default_factory=list)  # Markdown lines for the note's body (table cells)
    fixed: dict[str, object] = field(default_factory=dict)  # values the template holds literally


def make_template(line: str, spans: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, stop, name in sorted(spans):
        out.append(line[last:start].replace("{", "{{").replace("}", "}}"))
        out.append("{" + name + "}")
        last = stop
    out.append(line[last:].replace("{", "{{").replace("}", "}}"))
    return "".join(out).rstrip()


def _collect_links(line: str, links: list[Link], found: dict[str, str], skip: set[int]) -> Link | None:
    """Resource links into ``found`` (code, project, ...); returns the first link naming the paper."""
    paper = None
    for link in links:
        if link.image or id(link) in skip:
            continue
        url = line[link.url[0]:link.url[1]]
        if not is_external(url):
            continue
        label = line[link.label[0]:link.label[1]]
        kind = link_word(label)
        if kind == "paper" and paper is None:
            paper = link
        else:
            found.setdefault(link_key(kind, label), url)
    return paper


def link_key(kind: str | None, label: str) -> str:
    """The key of a resource link in a note's ``links``: its kind (code, project, ...), else its
    label as a slug (a second paper link: ``pdf``, ``openreview``), never ``paper`` itself."""
    if kind and kind != "paper":
        return kind
    key = re.sub(r"[^\w]+", "-", plain_text(label).casefold()).strip("-") or "link"
    return "paper-link" if key == "paper" else key


def _year_and_venue(line: str, start: int, end: int, spans: list, entry: EntryLine, *, want_year: bool = True,
                    want_venue: bool = True) -> None:
    """The first year and known venue between ``start`` and ``end`` (outside links' URLs)."""
    masked = _mask_urls(line, start, end)
    if want_year and entry.year is None:
        if match := YEAR.search(masked, start, end):
            entry.year = int(match.group())
            spans.append((match.start(), match.end(), "year"))
        elif match := _SHORT_YEAR.search(masked, start, end):
            entry.year = 2000 + int(match.group("yy")) if int(match.group("yy")) < 50 else 1900 + int(match.group("yy"))
            entry.fixed["year"] = entry.year
    if want_venue and entry.venue is None and (match := VENUE.search(masked, start, end)):
        entry.venue = canonical_venue(match.group("venue"))
        spans.append((match.start(), match.end(), "venue"))
        entry.fixed["venue"] = match.group("venue")  # as written: `NIPS` stays `NIPS`


def _mask_urls(line: str, start: int, end: int) -> str:
    """``line`` with link targets, images and HTML blanked, so '2017' in a URL is no year."""
    chars = list(line)
    for link in find_links(line, start, end):
        blank = range(link.label[0], link.end) if link.image else range(link.url[0], link.url[1])
        for i in blank:
            chars[i] = " "
    for match in re.finditer(r"<[^>]*>", line[:end]):
        for i in range(max(match.start(), start), match.end()):
            chars[i] = " "
    return "".join(chars)


# -- list items --------------------------------------------------------------------------------------
_BULLET = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<marker>[-*+]|\d{1,9}[.)])(?P<space>[ \t]+)(?P<text>\S.*)$")
_LEAD = re.compile(r"(?:[^\w\s\[*\"“'(<`]|\[(?:[A-Z][a-z]{2,8}\.? )?(?:19|20)\d{2}(?:[./-]\d{1,2})?\](?!\()|[ \t])+")
_CHECKBOX = re.compile(r"\[[ xX]\][ \t]+")
_BRACKET_TITLE = re.compile(r"\[([^\[\]]{8,})\](?![(\[])")
_INSIGHT_MARK = re.compile(r"^(?:想法|idea|来自|from|new|NEW|updated?)", re.IGNORECASE)
_PLAIN_VENUE = re.compile(r"[,.，]\s+(?P<venue>[A-Z][^,.\[\]*\d]{1,38}?)[,.\s]+\(?(?:19|20)\d{2}\b")
_AUTHORS_SPLIT = re.compile(r"\s*(?:,|;|，|、|\band\b|&)\s*")


def parse_item(line: str, *, paragraph: bool = False) -> EntryLine | None:
    """The paper of a list item, or None when the item is no paper (a table of contents line,
    plain words, a link to a section or another file of the repository). With ``paragraph``, the
    first line of a paragraph entry (``**Title** \\``, its links on the next lines): no bullet,
    and the caller decides whether the rest of the paragraph makes it a paper."""
    if paragraph:
        start = len(line) - len(line.lstrip())
        if not line.startswith(("**", "__", "[**"), start):
            return None
    else:
        bullet = _BULLET.match(line)
        if bullet is None:
            return None
        start = bullet.start("text")
    end = len(line.rstrip())
    if paragraph and line[:end].endswith("\\"):  # a hard line break
        end = len(line[:end - 1].rstrip())
    checkbox = _CHECKBOX.match(line, start)  # `- [x] [BERT](notes/bert.md)`: a reading list's own item
    if checkbox:
        start = checkbox.end()
    lead = _LEAD.match(line, start)
    pos = lead.end() if lead else start
    if pos >= end:
        return None
    spans: list[tuple[int, int, str]] = []
    entry = EntryLine(title="", template="")
    links = find_links(line, pos, end)
    used: set[int] = set()
    title_end = None
    weak = False  # a title in plain words: a paper only when a paper link, a year or a venue follows

    bold = re.match(r"(\*\*|__)(.+?)\1", line[pos:end])
    link_first = next((l for l in links if l.label[0] - 1 == pos or (bold and l.label[0] - 1 == pos + 2)), None)
    if link_first is not None and not link_first.image:
        label = line[link_first.label[0]:link_first.label[1]]
        url = line[link_first.url[0]:link_first.url[1]]
        if link_word(label) or not plain_text(label) or (not is_external(url) and not checkbox):
            return None  # `[[code]](...)`, `[LLM](#llm)`, `[notes](docs/x.md)`: no paper
        if not is_external(url):  # a ticked item's own notes file: the title, no paper URL
            entry.title = plain_text(label)
            _title_span(line, link_first.label, entry, spans)
            entry.template = make_template(line, spans)
            return entry
        inner = _strip_wrappers(line, link_first.label[0], link_first.label[1])
        if line[inner[0]] == "[" and line[inner[1] - 1] == "]":  # `[[Name, #tag]](url)`
            inner = (inner[0] + 1, inner[1] - 1)
        entry.title = plain_text(line[inner[0]:inner[1]])
        if line[inner[0]:inner[1]] == entry.title:
            spans.append((inner[0], inner[1], "title"))
        else:
            entry.fixed["title"] = entry.title
        entry.url = url
        spans.append((link_first.url[0], link_first.url[1], "url"))
        used.add(id(link_first))
        title_end = link_first.end
    elif bold is not None:
        inner_start, inner_end = pos + 2, pos + bold.end() - 2
        content = line[inner_start:inner_end]
        after = pos + bold.end()
        quoted = re.match(r"\s*[\"“](.+?)[\"”]", line[after:end])
        if content.rstrip().endswith(":") and quoted:  # **DeepTMO:** "Deep Tone Mapping Operator ..."
            inner_start, inner_end = after + quoted.start(1), after + quoted.end(1)
            title_end = after + quoted.end()
        else:
            title_end = after
        inner_start, inner_end = _strip_wrappers(line, inner_start, inner_end)
        weak = True  # `- **utils.py**`: bold words alone are no paper
        _sentence_title(line, inner_start, inner_end, entry, spans)
    elif (bracket := _BRACKET_TITLE.match(line, pos, end)) and not _INSIGHT_MARK.match(bracket.group(1)):
        inner_start, inner_end = bracket.start(1), bracket.end(1)  # `[Title] - Authors, ICCV2017. [[code]](url)`
        title_end = bracket.end()
        _sentence_title(line, inner_start, inner_end, entry, spans)
        weak = True
    else:
        quoted = re.match(r"[\"“](.+?)[\"”]", line[pos:end])
        resource = next((l for l in links if not l.image and link_word(line[l.label[0]:l.label[1]])
                         and is_external(line[l.url[0]:l.url[1]])), None)
        if quoted:
            inner_start, inner_end = pos + quoted.start(1), pos + quoted.end(1)
            title_end = pos + quoted.end()
        elif resource is not None:  # `Title, Venue, 2021 [pdf](url)`: words up to the link
            stop = resource.label[0] - 1
            while stop > pos and line[stop - 1] in "[ \t":
                stop -= 1
            inner_start, inner_end = pos, _title_stop(line, pos, stop)
            title_end = inner_end
        elif checkbox:  # `- [ ] Latent Consistency Models`: a paper still to read
            inner_start, inner_end = pos, end
            title_end = end
        else:
            return None  # words without a paper link: a note of the list, not a paper
        weak = not checkbox
        _sentence_title(line, inner_start, inner_end, entry, spans)
    if not entry.title or len(entry.title) < 2:
        return None

    paper = _collect_links(line, [l for l in links if l.label[0] >= title_end], entry.links, used)
    if paper is not None and entry.url is None:
        entry.url = line[paper.url[0]:paper.url[1]]
        spans.append((paper.url[0], paper.url[1], "url"))
    _year_and_venue(line, title_end, end, spans, entry)
    if entry.venue is None and (match := _PLAIN_VENUE.match(line, title_end, end)):  # `Title, Neural Computation, 1997`
        entry.venue = entry.fixed["venue"] = match.group("venue").strip()
        spans.append((match.start("venue"), match.start("venue") + len(entry.venue), "venue"))
    if entry.year is None and lead and (match := YEAR.search(line, start, pos)):  # `[Aug 2023] **Title**`
        entry.year = int(match.group())
        spans.append((match.start(), match.end(), "year"))
    if weak and not paragraph and not (entry.url or entry.year or entry.venue):
        return None  # `代码 [code](url)`: words and a code link
    entry.authors = [name for name in _authors(line, title_end, end) if name != entry.venue]
    entry.template = make_template(line, spans)
    return entry


def _strip_wrappers(line: str, start: int, end: int) -> Span:
    """The span inside ``**...**`` / quotes around a title."""
    changed = True
    while changed and end - start > 2:
        changed = False
        for left, right in (("**", "**"), ("__", "__"), ('"', '"'), ("“", "”"), ("*", "*")):
            if line.startswith(left, start) and line[:end].endswith(right) and end - start > len(left) + len(right):
                start, end, changed = start + len(left), end - len(right), True
    return start, end


def _title_stop(line: str, start: int, stop: int) -> int:
    """Where the title of ``Title, Venue, 2021`` / ``Title. Venue 2021`` ends: before the venue or year."""
    text = line[start:stop]
    for match in re.finditer(r"[,.，。]\s+|\s+[-–—]\s+", text):
        rest = text[match.end():]
        if VENUE.match(rest) or re.match(r"(?:[^,.\[\]]{1,40}?[,.\s]+)?\(?(?:19|20)\d{2}\W*$", rest):
            return start + match.start()
    return start + len(text.rstrip(" ,.-–—"))


def _authors(line: str, start: int, end: int) -> list[str]:
    """``- P. Weinzaepfel et al., ICCV2017`` / ``*Binfeng Xu, Li Wei*`` after the title: the names."""
    text = _mask_urls(line, start, end)[start:end]
    text = re.sub(r"\[[^\]]*\]", " ", text)  # link labels: [[code]]
    italic = re.search(r"(?<!\*)\*(?!\*)([^*]+?)\*(?!\*)", text)
    candidate = italic.group(1) if italic and not YEAR.search(italic.group(1)) else None
    if candidate is None:
        match = re.match(r"[\s.:,]*(?:[-–—]\s+)?([^()\[\]*]*?)\s*[,.]?\s*(?=\*?(?:" + VENUE.pattern + r"|(?:19|20)\d{2}))",
                         text)
        candidate = match.group(1) if match else None
    if not candidate:
        return []
    candidate = re.sub(r"\bet al\.?|\s*\([^)]*\)", "", candidate).strip(" ,.-–—")
    names = [n.strip(" .") for n in _AUTHORS_SPLIT.split(candidate) if n.strip(" .")]
    good = [n for n in names if re.fullmatch(r"[A-Z][\w.'\- ]{0,40}|[\u4e00-\u9fff·]{2,8}", n)
            and not VENUE.fullmatch(n) and not YEAR.search(n)]
    return good if good and len(good) == len(names) and len(names) <= 30 else []


# -- tables ----------------------------------------------------------------------------------------
_DELIMITER = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$")
_ROLES = {
    "title": ("title", "paper title", "name", "论文标题", "标题", "题目", "论文名称", "文章", "论文名", "paper name"),
    "paper": ("paper", "papers", "论文", "publication title"),
    "year": ("year", "date", "time", "published", "年份", "日期", "时间", "发表时间", "release"),
    "venue": ("venue", "conference", "conf", "conf.", "journal", "publication", "pub", "pub.", "published in",
              "source", "会议", "期刊", "会议/期刊", "期刊/会议", "来源", "conference/journal", "booktitle"),
    "code": ("code", "github", "repo", "repository", "implementation", "代码", "official code"),
    "project": ("project", "project page", "homepage", "website", "主页", "项目主页"),
    "link": ("link", "links", "paper link", "pdf", "url", "arxiv", "链接", "论文链接"),
    "authors": ("author", "authors", "作者", "first author"),
    "notes": ("notes", "note", "comment", "comments", "description", "remark", "remarks", "summary", "tldr",
              "tl;dr", "highlight", "highlights", "contribution", "contributions", "备注", "简介", "说明",
              "方法特点", "核心思想", "笔记", "评论", "描述", "亮点", "核心发现", "摘要", "主要贡献", "关键创新"),
    "ignore": ("#", "no", "no.", "id", "序号", "index", "编号", "num"),
}
_ROLE_OF = {name: role for role, names in _ROLES.items() for name in names}


def split_cells(line: str) -> list[tuple[int, int]]:
    """Spans of a table row's cells (leading and trailing pipes optional; ``\\|`` and pipes inside
    code spans are no separators)."""
    text = line.rstrip()
    start = len(text) - len(text.lstrip())
    if text[start:start + 1] == "|":
        start += 1
    end = len(text)
    if end > start and text[end - 1] == "|" and (end < 2 or text[end - 2] != "\\"):
        end -= 1
    cells, cell_start, i, code = [], start, start, False
    while i < end:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "`":
            code = not code
        elif char == "|" and not code:
            cells.append((cell_start, i))
            cell_start = i + 1
        i += 1
    cells.append((cell_start, end))
    return cells


def is_delimiter_row(line: str) -> bool:
    return "-" in line and bool(_DELIMITER.match(line))


def looks_like_row(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and "|" in stripped and not stripped.startswith(("```", "~~~"))


def table_columns(header: str) -> list[str] | None:
    """Each column's role (title, paper, year, venue, code, project, link, authors, notes, ignore,
    or ``other:<Header>``), or None when the table names no title or paper column."""
    roles = []
    for start, end in split_cells(header):
        name = plain_text(header[start:end])
        key = re.sub(r"[^\w#/;.\u4e00-\u9fff ]+", "", name).strip().casefold()
        roles.append(_ROLE_OF.get(key) or f"other:{name}")
    if "title" in roles:
        return [("link" if r == "paper" else r) for r in roles]
    if "paper" in roles:
        return roles
    return None


def parse_row(line: str, columns: list[str]) -> EntryLine | None:
    """The paper of a table row, or None when its title cell is empty (a group row, a filler)."""
    cells = split_cells(line)
    if len(cells) < 2:
        return None
    spans: list[tuple[int, int, str]] = []
    entry = EntryLine(title="", template="")
    role_cells = list(zip(columns, cells))
    title_role = "title" if "title" in columns else "paper"
    paper_link: Link | None = None
    for role, (start, end) in role_cells:
        if role != title_role:
            continue
        links = [l for l in find_links(line, start, end) if not l.image]
        titled = next((l for l in links if not link_word(line[l.label[0]:l.label[1]])
                       and plain_text(line[l.label[0]:l.label[1]])), None)
        if titled is not None:
            inner = _strip_wrappers(line, *titled.label)
            entry.title = plain_text(line[inner[0]:inner[1]])
            _title_span(line, inner, entry, spans)
            if is_external(line[titled.url[0]:titled.url[1]]):
                paper_link = titled
            rest = [l for l in links if l is not titled]
        else:
            core = _cell_core(line, start, end)
            entry.title = plain_text(line[core[0]:core[1]]).strip("“”\"")
            _title_span(line, _strip_wrappers(line, *core), entry, spans)
            rest = links
        found = _collect_links(line, rest, entry.links, set())
        paper_link = paper_link or found
        break
    if not entry.title or entry.title in ("-", "—", "–") or len(entry.title) < 2:
        return None
    if paper_link is None and not any(plain_text(line[s:e]).strip("-—– ") or find_links(line, s, e)
                                      for role, (s, e) in role_cells if role != title_role):
        return None  # `|  | **Transformers** |  |`: a row naming a group of the rows below
    for role, (start, end) in role_cells:
        value = plain_text(line[start:end])
        if role == "year":
            _year_and_venue(line, start, end, spans, entry, want_venue=False)
        elif role == "venue" and value not in ("", "-", "—", "–"):  # `CVPR 2022`, `NeurIPS Workshop`, `FAST '25, Best Paper`
            if entry.year is None and "year" not in columns:
                _year_and_venue(line, start, end, spans, entry, want_venue=False)
            venue = re.sub(r"\s+", " ", _SHORT_YEAR.sub("", YEAR.sub("", value.split(",")[0]))).strip(" ,.'’()")
            if venue and entry.venue is None:
                entry.venue = venue
                at = _mask_urls(line, start, end).find(venue, start, end)
                if at >= 0:
                    spans.append((at, at + len(venue), "venue"))
                entry.fixed["venue"] = venue
        elif role == "link":
            found = _collect_links(line, find_links(line, start, end), entry.links, set())
            candidates = [l for l in find_links(line, start, end) if not l.image and is_external(line[l.url[0]:l.url[1]])]
            if paper_link is None:
                paper_link = found or (candidates[0] if candidates else None)
                if paper_link is not None and paper_link is not found:
                    label = line[paper_link.label[0]:paper_link.label[1]]
                    entry.links.pop(link_key(link_word(label), label), None)
            if entry.venue is None and candidates:  # `[[ECCV'22]](https://arxiv.org/...)`, not `[arXiv](...)`
                label = line[candidates[0].label[0]:candidates[0].label[1]]
                if not link_word(label) and (match := VENUE.search(label)):
                    entry.venue = canonical_venue(match.group("venue"))
                    entry.fixed["venue"] = entry.venue
        elif role in ("code", "project"):
            for link in find_links(line, start, end):
                url = line[link.url[0]:link.url[1]]
                if not link.image and is_external(url):
                    entry.links.setdefault(role, url)
                    break
        elif role == "authors" and value not in ("", "-", "—"):
            entry.authors = [n.strip() for n in _AUTHORS_SPLIT.split(re.sub(r"\bet al\.?", "", value)) if n.strip(" .")]
        elif role == "notes" and value not in ("", "-", "—"):
            entry.details.append(_cell_markdown(line[start:end]))
        elif role.startswith("other:") and value not in ("", "-", "—", "–"):
            entry.details.append(f"- **{role[6:] or 'Column'}**: {_cell_markdown(line[start:end])}")
    if paper_link is not None:
        entry.url = line[paper_link.url[0]:paper_link.url[1]]
        spans.append((paper_link.url[0], paper_link.url[1], "url"))
    entry.template = make_template(line, spans)
    return entry


def _sentence_title(line: str, start: int, end: int, entry: EntryLine, spans: list) -> None:
    """The title written between ``start`` and ``end``, without the full stop that ends it."""
    entry.title = plain_text(line[start:end]).rstrip(".。 ")
    _title_span(line, (start, start + len(line[start:end].rstrip(".。 "))), entry, spans)


def _title_span(line: str, span: Span, entry: EntryLine, spans: list) -> None:
    if line[span[0]:span[1]] == entry.title:
        spans.append((span[0], span[1], "title"))
    else:
        entry.fixed["title"] = entry.title


def _cell_core(line: str, start: int, end: int) -> Span:
    """The cell without surrounding spaces, badges, ``<br>`` and HTML comments."""
    text = line[start:end]
    pieces = re.compile(r"\s+|!\[[^\]]*\]\([^)]*\)|<br\s*/?>|<!--.*?-->", re.IGNORECASE)
    s, e = 0, len(text)
    while True:
        match = pieces.match(text, s)
        if not match or match.end() == s:
            break
        s = match.end()
    while e > s:
        tail = re.search(r"(?:\s+|!\[[^\]]*\]\([^)]*\)|<br\s*/?>|<!--.*?-->)$", text[s:e], re.IGNORECASE)
        if not tail or tail.start() == tail.end():
            break
        e = s + tail.start()
    return start + s, start + e


def _cell_markdown(cell: str) -> str:
    """A cell's Markdown as body text: ``<br>`` becomes a line break, escaped pipes plain."""
    text = re.sub(r"(?i)\s*<br\s*/?>\s*", "\n", cell.strip())
    return text.replace("\\|", "|").strip()


def render_row(columns: list[str], *, title: str, url: str | None, year: int | None, venue: str | None,
               links: dict[str, str], authors: list[str], notes: str) -> str:
    """A new row for a note that was not in the table, in the table's columns."""
    def cell(role: str) -> str:
        if role in ("title", "paper"):
            return f"[{title}]({url})" if url and "link" not in columns else title
        if role == "link":
            return f"[Paper]({url})" if url else ""
        if role == "year":
            return str(year or "")
        if role == "venue":
            return venue or ""
        if role in ("code", "project"):
            return f"[{role.title()}]({links[role]})" if links.get(role) else ""
        if role == "authors":
            return ", ".join(authors)
        if role == "notes":
            return notes
        return ""
    return "| " + " | ".join(cell(r).replace("|", "\\|").replace("\n", " ") for r in columns) + " |"


# -- what an item's nested bullets say ---------------------------------------------------------------
_LABELLED = re.compile(r"^[-*+][ \t]+(?:[^\w\s]+[ \t]*)?(?P<label>[A-Za-z\u4e00-\u9fff ]{2,20}?)[ \t]*[:：][ \t]*"
                       r"(?P<value>\S.*)$")
_LABELS = {"date": "year", "published": "year", "year": "year", "time": "year", "日期": "year", "年份": "year",
           "publisher": "venue", "venue": "venue", "conference": "venue", "journal": "venue", "published in": "venue",
           "会议": "venue", "期刊": "venue", "author": "authors", "authors": "authors", "作者": "authors"}


def fill_from_nested(entry: "EntryLine | Any", lines: list[str]) -> None:  # an EntryLine or readme.Heading
    """Year, venue and authors from an item's nested bullets when its own line lacks them
    (``- 📅 Date: March 27, 2026``, ``- 📑 Publisher: CVPR 2026``, a first bullet of names). The
    line's template holds none of them: they are recorded as written literally."""
    for index, line in enumerate(lines):
        if match := _LABELLED.match(line.strip()):
            role, value = _LABELS.get(match.group("label").strip().casefold()), plain_text(match.group("value"))
        elif index == 0 and re.match(r"^[-*+][ \t]", line.strip()):
            role, value = "authors", plain_text(line.strip()[2:])
        else:
            continue
        if role == "year" and entry.year is None and (year := YEAR.search(value)):
            entry.year = entry.fixed["year"] = int(year.group())
        elif role == "venue" and entry.venue is None:
            venue = re.sub(r"\s+", " ", YEAR.sub("", value)).strip(" ,.()")
            if venue and venue.casefold() not in ("unknown", "n/a", "-"):
                entry.venue = entry.fixed["venue"] = venue
        elif role == "authors" and not entry.authors:
            value = re.sub(r"\bet al\.?|\s*[(（][^)）]*[)）]", "", value)  # `Tse-Hsun (Peter) Chen`
            names = [n.strip(" .") for n in _AUTHORS_SPLIT.split(value) if n.strip(" .")]
            if names and all(re.fullmatch(r"[A-Z][\w.'\- ]{0,40}|[\u4e00-\u9fff·]{2,8}", n) for n in names):
                entry.authors = names


def fill_from_paragraph(entry: "EntryLine | Any", lines: list[str]) -> bool:
    """The links, venue and year on the lines after a paragraph entry's title
    (``[[CVPR 2024](https://arxiv.org/abs/...)]``, ``[[Project](...)]``, ``*Authors* \\``); True when
    they make it a paper (a link to it, or a venue or year)."""
    for line in lines:
        for link in find_links(line):
            url = line[link.url[0]:link.url[1]]
            if link.image or not is_external(url):
                continue
            label = plain_text(line[link.label[0]:link.label[1]])
            kind = link_word(label)
            named = VENUE.search(label) or YEAR.search(label)
            if named and not kind:  # `[CVPR 2024](arxiv...)`: the paper, at that venue
                if entry.url is None:
                    entry.url = url
                if entry.year is None and (year := YEAR.search(label)):
                    entry.year = entry.fixed["year"] = int(year.group())
                if entry.venue is None and (venue := re.sub(r"\s+", " ", YEAR.sub("", label)).strip(" ,.'’")):
                    entry.venue = entry.fixed["venue"] = canonical_venue(venue)
            elif entry.url is None and (kind == "paper" or link_info_kind(url) == "paper"):
                entry.url = url  # `[[Website](https://arxiv.org/...)]` is the paper all the same
            else:
                entry.links.setdefault(link_key(kind, label), url)
        if not entry.authors and (italic := re.fullmatch(r"\s*\*([^*]+)\*\s*\\?\s*", line)):
            names = [n.strip(" .") for n in _AUTHORS_SPLIT.split(re.sub(r"\bet al\.?", "", italic.group(1))) if n.strip(" .")]
            if names and all(re.fullmatch(r"[A-Z][\w.'\- ]{0,40}|[\u4e00-\u9fff·]{2,8}", n) for n in names):
                entry.authors = names
    if entry.url is not None:
        entry.fixed["url"] = entry.url
    return bool(entry.url or entry.year or entry.venue)


def link_info_kind(url: str) -> str | None:
    """``paper`` for a link to arXiv, a DOI or a proceedings page, whatever its label says."""
    host = re.sub(r"^(?:https?:)?//", "", url.strip().casefold()).split("/")[0]
    papers = ("arxiv.org", "doi.org", "openreview.net", "thecvf.com", "aclanthology.org", "proceedings.mlr.press",
              "papers.nips.cc", "proceedings.neurips.cc", "dl.acm.org", "ieeexplore.ieee.org", "link.springer.com")
    return "paper" if any(host == h or host.endswith("." + h) for h in papers) else None
