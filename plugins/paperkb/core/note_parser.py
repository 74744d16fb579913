"""Turn one Markdown file into a validated Note, reporting every problem with its line."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from pathlib import Path

from .bib.pandoc_cites import pandoc_cite_keys
from .body_scan import Prose, find_insights, find_links, find_wikilinks, iter_prose_lines
from .front_matter_fields import CITEKEY_ALIASES, FrontMatterFields, describe_kind, link_target
from .frontmatter_source import FrontMatter, FrontMatterError, parse_front_matter
from .note_type import TypeKind, accepted_types_hint, classify_type
from .projects import PROJECT_MARKER, Project, is_project_front_matter, project_from_front_matter
from .model import (
    DEFAULT_ROLE, KNOWN_KEYS, LEVEL_ALIASES, LEVELS, NOTE_MARKER_KEYS, PAGE_KEYS, RELATIONS,
    ROLES, BodyLink, Citation, Insight, LinkKind, Note,
)
from .problems import ProblemLog
from .script_links import find_script_links, script_link_message
from .text_encoding import not_utf8
from .slug import is_safe_key
from .tags import split_tag_text
from .urls import safe_url

_MAX_YEAR = _dt.date.today().year + 2


def is_note_front_matter(fm: FrontMatter) -> bool:
    """A paper note sets one of paperkb's keys; a title and the vault's own kind of page alone
    (`title: Diffusion models` / `type: moc`) make a plain page."""
    markers = NOTE_MARKER_KEYS & fm.data.keys()
    if "type" not in markers:
        return bool(markers)
    page_type = classify_type(fm.data["type"])
    if page_type is None or page_type.names_a_note:
        return True
    paper_keys = (markers - {"type", "title"}) | set(CITEKEY_ALIASES)
    return any(fm.data.get(k) not in (None, "", [], {}) for k in paper_keys)  # (a template's empty `authors:`: no)


def read_text(path: Path, log: ProblemLog, raw: bytes | None = None) -> str | None:
    """The file's text (``raw``: its bytes, when the caller has read them already)."""
    raw = path.read_bytes() if raw is None else raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        log.error(*not_utf8(raw, exc))
        return None


class UnpublishedPage:
    """A page that is neither a note nor a project, marked ``draft: true`` or ``publish: false``."""


UNPUBLISHED_PAGE = UnpublishedPage()


def parse_page(path: Path, src_uri: str, log: ProblemLog, *, require_marker: bool = True,
               raw: bytes | None = None,
               front_matter_to: Callable[[FrontMatter], object] | None = None) -> Note | Project | UnpublishedPage | None:
    """Parse ``path`` (or ``raw``, the bytes read from it) into a paper note or a research project
    page (``project: true``), or UNPUBLISHED_PAGE for another page that must not be published;
    None when it is another page or when it has errors (logged). ``front_matter_to``: given the
    front-matter as parsed, before the page is made from it (the note cache keeps its values for
    MkDocs, core/page_source.py)."""
    text = read_text(path, log, raw)
    if text is None:
        return None
    try:
        fm = parse_front_matter(text)
    except FrontMatterError as exc:
        log.error(exc.line, exc.message)
        return None
    if front_matter_to is not None:
        front_matter_to(fm)
    if fm.misplaced and fm.misplaced[2] & (NOTE_MARKER_KEYS | {PROJECT_MARKER}):  # keys MkDocs would not see
        log.error(fm.misplaced[0], fm.misplaced[1])
        return None
    if is_project_front_matter(fm):
        return project_from_front_matter(fm, path, src_uri, log)
    if require_marker and not is_note_front_matter(fm):
        return UNPUBLISHED_PAGE if fm.present and FrontMatterFields(fm, log).unpublished() else None
    return note_from_front_matter(fm, path, src_uri, log)


def parse_note(path: Path, src_uri: str, log: ProblemLog, *, require_marker: bool = True,
               raw: bytes | None = None) -> Note | None:
    """The paper note in ``path`` (None when it is another page, or has errors: logged)."""
    page = parse_page(path, src_uri, log, require_marker=require_marker, raw=raw)
    return page if isinstance(page, Note) else None


def note_from_front_matter(fm: FrontMatter, path: Path, src_uri: str, log: ProblemLog) -> Note | None:
    f = FrontMatterFields(fm, log)
    f.report_source_problems()
    # Obsidian's convention: a note without a title is titled by its first `# heading`, else by
    # its file name. (A .bib entry with the note's key still gives the title: see bib.merge.)
    title = f.title(default=lambda: first_heading(fm.body) or path.stem.strip())
    key = f.page_key(path)

    year = _year(f)
    fields = f.text_list("fields") + [x for x in f.text_list("field") if x not in f.text_list("fields")]
    links = _links(f)
    cites = _cites(f)
    insights = [
        Insight(text, f.item_line("insights", i), in_body=False) for i, text in enumerate(f.text_list("insights"))
    ]
    draft = f.unpublished()
    paper_type, type_extra = _paper_type(f)

    prose = list(iter_prose_lines(fm.body))  # one scan of the body for insights, links and citations
    note = Note(
        key=key,
        src_uri=src_uri,
        path=path,
        display_path=log.display_path,
        title=title or "",
        year=year,
        venue=f.text("venue") or None,
        authors=_authors(f),
        fields=fields,
        type=paper_type,
        level=f.choice("level", LEVELS, LEVEL_ALIASES),
        relation=f.choice("relation", RELATIONS),
        links=links,
        arxiv=f.text("arxiv") or None,
        doi=f.text("doi") or None,
        s2=f.text("s2") or None,
        tags=split_tag_text(fm.data["tags"]) if isinstance(fm.data.get("tags"), str) else f.text_list("tags"),
        problem=f.text("problem") or None,
        method=f.text("method") or None,
        results=f.text("results") or None,
        datasets=f.text_list("datasets"),
        metrics=f.text_list("metrics"),
        cites=cites,
        insights=insights + find_insights(fm.body, fm.body_line, prose),
        draft=draft,
        extra={**type_extra,
               **{k: v for k, v in fm.data.items() if k not in KNOWN_KEYS and k not in PAGE_KEYS}},
        body=fm.body,
        body_line=fm.body_line,
        body_links=_front_matter_wikilinks(f) + find_links(fm.body, fm.body_line, src_uri, prose)
        + _citation_links(fm.body, fm.body_line, prose),
        key_lines=dict(fm.key_lines),
    )
    for line, scheme in _script_links(f, prose):
        log.warning(line, script_link_message(scheme))
    return None if log.has_errors else note


def _script_links(f: FrontMatterFields, prose: Prose) -> list[tuple[int, str]]:
    """Links to ``javascript:`` / ``data:`` addresses in the body and the Markdown sections
    (a section's problems are named at its key's or item's line)."""
    found = find_script_links(f.fm.body, f.fm.body_line, prose)
    for key in ("problem", "method", "results"):
        if isinstance(f.data.get(key), str):
            found += [(f.line(key), scheme) for _, scheme in find_script_links(f.data[key], 1)]
    insights = f.data.get("insights")
    for index, text in enumerate(insights if isinstance(insights, list) else []):
        if isinstance(text, str):
            found += [(f.item_line("insights", index), scheme) for _, scheme in find_script_links(text, 1)]
    return found


_H1 = re.compile(r"^\s{0,3}#(?!#)\s+(.+?)(?:\s+#+)?\s*$")


def first_heading(body: str) -> str | None:
    """The text of the body's first level-1 ATX heading (outside code), if any."""
    for _, line in iter_prose_lines(body):
        match = _H1.match(line)
        if match and match.group(1).strip():
            return match.group(1).strip()
    return None


def _citation_links(text: str, first_line: int, prose: Prose | None = None) -> list[BodyLink]:
    """``[@key]`` citations count as edges too (unknown keys are the BibTeX layer's to report)."""
    return [BodyLink(key, line, LinkKind.PANDOC_CITE)
            for key, line in pandoc_cite_keys(text, first_line, prose)]


def _front_matter_wikilinks(f: FrontMatterFields) -> list:
    links = []
    for key in ("problem", "method", "results"):
        if isinstance(f.data.get(key), str):
            links += find_wikilinks(f.data[key], f.line(key)) + _citation_links(f.data[key], f.line(key))
    for index, text in enumerate(f.data.get("insights") or [] if isinstance(f.data.get("insights"), list) else []):
        if isinstance(text, str):
            links += find_wikilinks(text, f.item_line("insights", index))
    return links


def _paper_type(f: FrontMatterFields) -> tuple[str | None, dict[str, str]]:
    """The note's paperkb type, and what to show on its card of a ``type`` that is none: a
    publication type (``type: journalArticle``, Zotero's vaults) as ``item_type``, the vault's own
    kind (``type: method``) as ``type``, with a warning, since a paper note was meant."""
    page_type = classify_type(f.data.get("type"))
    if page_type is None or page_type.kind is TypeKind.READING_NOTE:
        return None, {}
    if page_type.kind is TypeKind.PAPER:
        return page_type.value, {}
    if page_type.kind is TypeKind.ITEM:
        return None, {"item_type": page_type.value}
    line = f.line("type")
    if page_type.kind is TypeKind.TYPO:
        f.log.warning(line, f"'type' is '{page_type.value}': did you mean '{page_type.suggestion}'? It should be "
                            f"{accepted_types_hint()}; the note is published without a type")
        return None, {}
    if not page_type.value:
        f.log.warning(line, f"'type' must be {accepted_types_hint()}, got {describe_kind(f.data['type'])}; "
                            "the note is published without a type")
        return None, {}
    f.log.warning(line, f"'type' is '{page_type.value}', not {accepted_types_hint()}; the note is published "
                        f"without a type (its card shows '{page_type.value}')")
    return None, {"type": page_type.value}


def _year(f: FrontMatterFields) -> int | None:
    value = f.data.get("year")
    if value is None or isinstance(value, str) and not value.strip():
        return None  # `year: ""`: a template's field left empty (Zotero's, for an undated item)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        f.log.error(f.line("year"), f"'year' must be an integer such as 2023, got {describe_kind(value)}")
        return None
    if not 1000 <= value <= _MAX_YEAR:
        f.log.error(f.line("year"), f"'year' {value} is out of range (1000-{_MAX_YEAR})")
        return None
    return value


def _authors(f: FrontMatterFields) -> list[str]:
    value = f.data.get("authors")
    if isinstance(value, str) and " and " in value:  # BibTeX style "A and B"
        return [a.strip() for a in value.split(" and ") if a.strip()]
    if isinstance(value, str) and ";" in value:  # Zotero's "A; B"
        return [a.strip() for a in value.split(";") if a.strip()]
    if isinstance(value, str) and "," in value:
        parts = [a.strip() for a in value.split(",") if a.strip()]
        if len(parts) > 1 and all(" " in p for p in parts):  # "Ashish Vaswani, Noam Shazeer" (not "Vaswani, A.")
            return parts
    return f.text_list("authors")


def _links(f: FrontMatterFields) -> dict[str, str]:
    value = f.data.get("links")
    if value is None:
        return {}
    if isinstance(value, str):
        return {"paper": value.strip()}
    if not isinstance(value, dict):
        f.log.error(f.line("links"), f"'links' must be a mapping such as {{paper: URL, code: URL}}, got {describe_kind(value)}")
        return {}
    links = {}
    for name, url in value.items():
        if url is None or url == "":
            continue  # a template's empty slot
        if not isinstance(url, str) or not url.strip():
            f.log.error(f.line("links"), f"link '{name}' must be a URL string, got {describe_kind(url)}")
            continue
        if safe_url(url) is None:
            f.log.warning(f.line("links"), f"link '{name}' is not a web address paperkb links to ({url.strip()[:40]!r}); "
                                           "it is left out of the card")
            continue
        links[str(name)] = url.strip()
    return links


def _cites(f: FrontMatterFields) -> list[Citation]:
    value = f.data.get("cites")
    if value is None:
        return []
    if not isinstance(value, list):
        f.log.error(f.line("cites"), f"'cites' must be a list of keys or {{key, role}} mappings, got {describe_kind(value)}")
        return []
    cites: list[Citation] = []
    for index, item in enumerate(value):
        line = f.item_line("cites", index)
        item, linked = _cited_link(item)
        if isinstance(item, str):
            key, role = item.strip(), DEFAULT_ROLE
        elif isinstance(item, dict):
            key, linked = _cited_link(item.get("key"))
            role = item.get("role", DEFAULT_ROLE)
            unknown = set(item) - {"key", "role", "note"}
            if unknown:
                f.log.warning(line, f"citation entry has unknown keys: {', '.join(sorted(map(str, unknown)))}")
            if not isinstance(key, str) or not key.strip():
                f.log.error(line, "citation entry needs a 'key' string")
                continue
            if not isinstance(role, str) or role.strip().lower() not in ROLES:
                f.log.error(line, f"citation role is '{role}'; allowed values: {', '.join(ROLES)}")
                continue
            key, role = key.strip(), role.strip().lower()
        else:
            f.log.error(line, f"'cites' items must be keys or {{key, role}} mappings, got {describe_kind(item)}")
            continue
        if not linked and not is_safe_key(key):
            f.log.error(line, f"cited key '{key}' is not a safe slug (a paper's name goes in an Obsidian link: "
                              f"\"[[{key}]]\")")
            continue
        cites.append(Citation(key, role, line, linked))
    return cites


def _cited_link(value: object) -> tuple[object, bool]:
    """A ``cites`` entry written as an Obsidian link (``"[[Some Paper]]"``, or unquoted, which
    YAML reads as a list in a list) as the link's target, and whether it was one."""
    target = link_target(value)
    return (target, True) if target is not value and isinstance(target, str) and target.strip() else (value, False)
