"""The author's note text (Markdown) as it goes into a draft: LaTeX, or Markdown for pandoc.

The words are the note's; only the markup changes. In LaTeX, special characters are escaped as
in the BibTeX paperkb writes (``&`` -> ``\\&``, ``ε`` -> a command, ``é`` as it is) while
``$math$`` stays math; ``**bold**`` and ``*emphasis*`` become ``\\textbf`` / ``\\emph``, code
``\\texttt``. Links to other notes (``[[key]]``, ``[[key|label]]``, ``[@key]``,
``[text](other-note.md)``) become citations when the key has a reference (``\\cite{key}`` /
``[@key]``), else their text; every key cited is recorded, so the bibliography written beside
the draft holds it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from ..core.bib.pandoc_cites import find_cite_groups
from ..core.bib.latex import latex_text
from ..core.body_scan import WIKILINK
from .escape import CODE_OR_MATH

FORMATS = ("latex", "markdown")

# Inline Markdown a note's one-paragraph fields use (code and math are split off first).
_INLINE = re.compile(
    r"(?P<wiki>!?\[\[[^\[\]\n]+?\]\](?!\())"
    r"|(?P<cite>(?<![\\!\]])\[[^\[\]\n]*@[^\[\]\n]*\](?![(\[:]))"
    r"|(?P<link>!?\[(?P<ltext>[^\[\]\n]*)\]\((?P<lurl>[^()\s]*(?:\s+\"[^\"]*\")?)\))"
    r"|(?P<strong>\*\*(?=\S)(?P<stext>.+?)(?<=\S)\*\*)"
    r"|(?P<em>\*(?=[^\s*])(?P<etext>.+?)(?<=[^\s*])\*)"
    r"|(?P<esc>\\[\\`*_{}\[\]()#+\-.!$@|<>~])"
)
# Characters pandoc's Markdown gives a meaning to in plain text (titles): escaped with "\".
_PANDOC_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#$@|~^])")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[。！？]")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "al", "etc", "vs", "cf", "fig", "figs", "eq", "eqs", "sec", "approx",
                            "resp", "no", "dr", "prof", "st", "ca", "viz", "incl"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")


def latex_escape(text: str) -> str:
    """Plain text as LaTeX: every special character escaped, nothing left to interpret."""
    return latex_text(" ".join(text.split()))


def pandoc_escape(text: str) -> str:
    """Plain text as pandoc Markdown (``@`` would start a citation, ``$`` math)."""
    return _PANDOC_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def first_sentence(markdown: str) -> str:
    """The first sentence of a Markdown value (math, code and links never cut), ended with its mark."""
    text = " ".join(markdown.split())
    masked = CODE_OR_MATH.sub(lambda m: "x" * len(m.group(0)), text)
    masked = _INLINE.sub(lambda m: "x" * len(m.group(0)) if not (m.group("esc")) else m.group(0), masked)
    for match in _SENTENCE_END.finditer(masked):
        end = match.end()
        if match.group(0) == ".":
            word = re.search(r"([\w.]+)\.$", masked[:end])
            before = word.group(1).lower() if word else ""
            if before in _ABBREVIATIONS or before.endswith(tuple("." + a for a in _ABBREVIATIONS)) or (
                    len(before) == 1 and before.isalpha()):  # an initial: "J. Ho"
                continue
            after = masked[end:].lstrip()
            if after[:1].islower():  # "approx. three", "v.s. them": not a sentence end
                continue
        return text[:end].strip()
    text = text.strip().rstrip(",;:")
    if not text or text[-1] in ".!?。！？":
        return text
    return text + ("。" if has_cjk(text[-1]) else ".")


class DraftText:
    """Converts note text for one output format; ``reference`` tells which keys can be cited
    (a note or a .bib entry); ``cited`` collects the keys the converted text cites.

    pdflatex cannot typeset Chinese, Japanese or Korean: unless ``keep_cjk`` (for xelatex with
    xeCJK), LaTeX drafts leave such text out (``usable``) and say where (``left_out``)."""

    def __init__(self, fmt: str, reference: Callable[[str], bool], note_key_at: Callable[[str], str | None], *,
                 keep_cjk: bool = False) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        self.fmt = fmt
        self.reference = reference
        self.note_key_at = note_key_at  # docs-relative .md path -> the key of the note there
        self.keep_cjk = keep_cjk or fmt != "latex"
        self.cited: set[str] = set()
        self.left_out: list[str] = []  # "key (field)" of CJK text a LaTeX draft left out
        self.has_math = False  # notes' math is written for KaTeX: LaTeX needs amsmath and amssymb for it

    def packages(self, *base: str) -> str:
        """The LaTeX comment naming the packages the output needs ("" for none or Markdown)."""
        names = [*base, *(("amsmath", "amssymb") if self.has_math else ())]
        return f"% Needs \\usepackage{{{','.join(names)}}}.\n" if names and self.fmt == "latex" else ""

    def usable(self, text: str, where: str) -> bool:
        """Whether ``text`` may go into this draft; ``where`` ("key (results)") is recorded if not."""
        if self.keep_cjk or not has_cjk(text):
            return True
        self.left_out.append(where)
        return False

    # -- pieces ------------------------------------------------------------------------------------
    def plain(self, text: str) -> str:
        return latex_escape(text) if self.fmt == "latex" else pandoc_escape(text)

    def cite(self, keys: list[str]) -> str:
        self.cited.update(keys)
        if self.fmt == "latex":
            return f"\\cite{{{','.join(keys)}}}"
        return "[" + "; ".join(f"@{key}" for key in keys) + "]"

    def emphasis(self, text: str) -> str:
        return f"\\emph{{{text}}}" if self.fmt == "latex" else f"*{text}*"

    # -- the author's Markdown ---------------------------------------------------------------------
    def text(self, markdown: str, here: str = "") -> str:
        """``markdown`` (one paragraph) converted; ``here``: the note it comes from (for relative links)."""
        markdown = " ".join(markdown.split())
        out, last = [], 0
        for match in CODE_OR_MATH.finditer(markdown):
            out.append(self._inline(markdown[last:match.start()], here))
            span = match.group(0)
            if span.startswith("`"):
                code = span.strip("`").strip()
                out.append(f"\\texttt{{{latex_escape(code)}}}" if self.fmt == "latex" else span)
            else:
                out.append(span)  # math stays math (pandoc reads $...$ too)
                self.has_math = True
            last = match.end()
        out.append(self._inline(markdown[last:], here))
        return "".join(out)

    def _inline(self, text: str, here: str) -> str:
        out, last = [], 0
        for match in _INLINE.finditer(text):
            out.append(self._words(text[last:match.start()]))
            out.append(self._token(match, here))
            last = match.end()
        out.append(self._words(text[last:]))
        return "".join(out)

    def _words(self, text: str) -> str:
        if self.fmt == "latex":
            return latex_text(text)
        return text

    def _token(self, match: re.Match[str], here: str) -> str:
        token = match.group(0)
        if match.group("wiki"):
            wiki = WIKILINK.fullmatch(token)
            if wiki is None:
                return self._words(token)
            key, label = wiki.group(2).strip(), (wiki.group(4) or "").strip()
            if self.reference(key):
                cite = self.cite([key])
                return f"{self._inline(label, here)}{'~' if self.fmt == 'latex' else ' '}{cite}" if label else cite
            return self._inline(label or key, here)
        if match.group("cite"):
            groups = find_cite_groups(token)
            keys = [c.key for c in groups[0].cites] if len(groups) == 1 and groups[0].end == len(token) else []
            if keys and all(self.reference(k) for k in keys):
                return self.cite(keys)
            return self._words(token) if self.fmt == "latex" else token
        if match.group("link"):
            label = self._inline(match.group("ltext"), here)
            url = match.group("lurl").split()[0] if match.group("lurl").strip() else ""
            key = self._linked_note(url, here)
            if key is not None and self.reference(key):
                return f"{label}{'~' if self.fmt == 'latex' else ' '}{self.cite([key])}"
            return label if self.fmt == "latex" else token
        if match.group("strong"):
            inner = self._inline(match.group("stext"), here)
            return f"\\textbf{{{inner}}}" if self.fmt == "latex" else f"**{inner}**"
        if match.group("em"):
            return self.emphasis(self._inline(match.group("etext"), here))
        return self._words(token[1]) if self.fmt == "latex" else token  # a backslash escape

    def _linked_note(self, url: str, here: str) -> str | None:
        if not url or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith(("/", "#")):
            return None
        path = url.split("#", 1)[0]
        target = posixpath.normpath(posixpath.join(posixpath.dirname(here), path)) if here else path
        return self.note_key_at(target)
