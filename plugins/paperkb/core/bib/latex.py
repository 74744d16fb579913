"""LaTeX in BibTeX values: decoded to Unicode for display, written safely for export.

Decoding uses pylatexenc's LatexNodes2Text set up the way bibtexparser's
LatexDecodingMiddleware sets it up (``\\url{x}`` -> ``x``), plus the logos BibTeX files
use. Values without any LaTeX syntax skip the parser: most fields are plain text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc import latex2text
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec
from pylatexenc.latexencode import UnicodeToLatexEncoder

# Characters that can start LaTeX syntax worth decoding (``--`` is an en dash, ``~`` a space).
_NEEDS_DECODING = re.compile(r"[\\{}$~`']|--")
_SPACES = re.compile(r"\s+")
_EMPTY_ACCENT = re.compile(r"\\([\^~])\{\}")
_EMPTY_ACCENTS = {"^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    context = latex2text.get_default_latex_context_db()
    context.add_context_category(
        "paperkb-bibtex",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            MacroTextSpec("LaTeX", simplify_repl="LaTeX"),
            MacroTextSpec("TeX", simplify_repl="TeX"),
            MacroTextSpec("BibTeX", simplify_repl="BibTeX"),
            MacroTextSpec("textasciicircum", simplify_repl="^"),
            MacroTextSpec("textasciitilde", simplify_repl="~"),
            MacroTextSpec("textbackslash", simplify_repl="\\"),
            MacroTextSpec("textless", simplify_repl="<"),
            MacroTextSpec("textgreater", simplify_repl=">"),
            # biblatex's punctuation and hyphenation commands (biblatex manual §4.6.2, §4.7.4):
            # they stand for characters, which the default context would drop.
            MacroTextSpec("hyphen", simplify_repl="-"),
            MacroTextSpec("nbhy", simplify_repl="-"),
            MacroTextSpec("hyphenate", simplify_repl=""),
            MacroTextSpec("slash", simplify_repl="/"),
            MacroTextSpec("textslash", simplify_repl="/"),
            MacroTextSpec("addcolon", simplify_repl=":"),
            MacroTextSpec("addsemicolon", simplify_repl=";"),
            MacroTextSpec("addcomma", simplify_repl=","),
            MacroTextSpec("adddot", simplify_repl="."),
            MacroTextSpec("addperiod", simplify_repl="."),
            MacroTextSpec("addspace", simplify_repl=" "),
            MacroTextSpec("addnbspace", simplify_repl=" "),
            MacroTextSpec("addthinspace", simplify_repl=" "),
            MacroTextSpec("addabbrvspace", simplify_repl=" "),
            MacroTextSpec("S", simplify_repl="§"),
            MacroTextSpec("P", simplify_repl="¶"),
            MacroTextSpec("texttt", simplify_repl="%s"),
            MacroTextSpec("mbox", simplify_repl="%s"),
        ],
    )
    # math_mode="text": `$\alpha$-GAN` reads as "α-GAN" in a card, a title or a table cell.
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="text")


# Zotero writes a spacing accent that PDF metadata has beside its letter ("Hubaˇcek", "Sˇourek")
# as `{\textasciicaron}`. Text pulled from a PDF puts the accent before a small letter and after
# a capital (the accent sits over the letter's middle): it belongs to that letter (Hubaček, Šourek).
_ACCENT_NAMES = "caron|acute|grave|dieresis|macron|breve"
_SPACING_ACCENT = re.compile(r"(?P<before>[A-Za-z]?)(?:\{\\textascii(?P<a>" + _ACCENT_NAMES + r")\}[ \t]*"
                             r"|\\textascii(?P<b>" + _ACCENT_NAMES + r")(?:\{\}|[ \t]+))(?P<after>[A-Za-z]?)")
_ACCENT_COMMANDS = {"caron": "v", "acute": "'", "grave": "`", "dieresis": '"', "macron": "=", "breve": "u"}


def _accent_on_letter(match: re.Match[str]) -> str:
    command = "\\" + _ACCENT_COMMANDS[match.group("a") or match.group("b")]
    before, after = match.group("before"), match.group("after")
    if before.isupper():
        return f"{command}{{{before}}}{after}"
    if after:
        return f"{before}{command}{{{after}}}"
    return match.group(0)


def spacing_accents(value: str) -> str:
    """``Huba{\\textasciicaron}cek`` -> ``Huba\\v{c}ek``: an accent written beside its letter, put on it."""
    return _SPACING_ACCENT.sub(_accent_on_letter, value) if "textascii" in value else value


@lru_cache(maxsize=65536)
def latex_to_text(value: str) -> str:
    """``{\\"o}`` -> ö, ``\\&`` -> &, ``{GPT}`` -> GPT, ``--`` -> en dash; spaces collapsed."""
    if _NEEDS_DECODING.search(value):
        # An accent command over nothing is the character itself: `x\^{}2` is "x^2", `\~{}` a tilde.
        value = _EMPTY_ACCENT.sub(lambda m: _EMPTY_ACCENTS[m.group(1)], spacing_accents(value))
        try:
            value = _decoder().latex_to_text(value)
        except Exception:  # pylatexenc is tolerant; never let one odd value break a build
            value = value.replace("{", "").replace("}", "")
    return _SPACES.sub(" ", value.replace("\u00a0", " ")).strip()


# -- writing Unicode text as a BibTeX value -------------------------------------------------
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # Plain `<` prints as "¡" in LaTeX's default font encoding; the commands are right, and they
    # keep markup out of the published all.bib.
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}
_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^<>]")
# A word whose capitals must survive styles that lower-case titles: GPT, ImageNet, LLaMA, GPT-3.
_CAPITALIZED_WORD = re.compile(r"(?<![\w{\\])(\w*[A-Z]\w*(?:[-/]\w+)*)")


# Beyond the Latin letters and the punctuation LaTeX's UTF-8 input reads as they are: Greek,
# arrows, math symbols need commands (pdflatex stops at a bare "ε"); CJK has none and stays.
_BEYOND_LATIN = re.compile(r"[^\x00-\u024f\u2010-\u2027\u2030-\u203a]")


@lru_cache(maxsize=1)
def _symbol_encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-after-macro",
                                 unknown_char_policy="keep", unknown_char_warning=False)


def latex_text(text: str) -> str:
    """Plain Unicode text as LaTeX, spacing kept: special characters escaped, symbols beyond the
    Latin script as commands (``ε`` -> ``\\ensuremath{\\varepsilon}``), letters (``ö``, ``中``) as written."""
    text = _SPECIAL_RE.sub(lambda m: _SPECIALS[m.group(0)], str(text))
    return _BEYOND_LATIN.sub(lambda m: _symbol_encoder().unicode_to_latex(m.group(0)), text)


def text_to_latex(text: str) -> str:
    """Plain Unicode text as a BibTeX value (see latex_text), whitespace runs made one space."""
    return latex_text(" ".join(str(text).split()))


def title_to_latex(title: str) -> str:
    """A title as a BibTeX value whose acronyms and inner capitals keep their case."""
    escaped = text_to_latex(title)

    def protect(match: re.Match[str]) -> str:
        word = match.group(1)
        inner_capital = any(c.isupper() for c in word[1:])
        return "{" + word + "}" if inner_capital else word

    # Protect only outside the escapes written above (they hold no capitals except \textbackslash).
    return _CAPITALIZED_WORD.sub(protect, escaped)


def url_value(url: str) -> str:
    """A URL or DOI as a BibTeX value: braces would unbalance the entry, so percent-encode them."""
    return str(url).strip().replace("{", "%7B").replace("}", "%7D")


def url_from_latex(value: str) -> str:
    """A url/doi field as written (``\\url{...}``, escaped ``\\_``) -> the plain URL."""
    value = value.strip()
    match = re.fullmatch(r"\\url\s*\{(.*)\}", value, re.DOTALL)
    if match:
        value = match.group(1)
    value = re.sub(r"\\([_%#&~$])", r"\1", value)
    return value.replace("{", "").replace("}", "").strip()


# -- biblatex commands pybtex does not know -------------------------------------------------
# pybtex's LaTeX reader decodes accents, braces, dashes and quotes, and leaves every other
# command as text ("methodology\hyphen independent", "\emph <span>in vivo</span>"). These are
# the commands .bib files use in titles and journals, as the LaTeX pybtex reads: a character,
# quotes, or the braced text alone (the style's own italics carry no meaning a reader misses).
_COMMAND_CHARACTERS = {"hyphen": "-", "nbhy": "-", "slash": "/", "textslash": "/", "addcolon": ":",
                       "addsemicolon": ";", "addcomma": ",", "adddot": ".", "addperiod": ".", "addspace": " ",
                       "addnbspace": "~", "addthinspace": " ", "addabbrvspace": " ", "hyphenate": "",
                       # what paperkb's own BibTeX (note_entry) writes for "<" and ">" in a title
                       "textless": "<", "textgreater": ">", "textbar": "|", "textunderscore": "_",
                       # a spacing accent with no letter beside it (see spacing_accents)
                       "textasciicaron": "ˇ", "textasciiacute": "´", "textasciigrave": "`", "textasciidieresis": "¨",
                       "textasciimacron": "¯", "textasciibreve": "˘"}
_QUOTING_COMMANDS = ("mkbibquote", "enquote", "textquote")
_TEXT_COMMANDS = ("emph", "mkbibemph", "textit", "textbf", "mkbibbold", "textsc", "texttt", "textrm", "textsf",
                  "textup", "textmd", "textnormal", "textsl", "mbox", "autocap", "mkbibitalic", "NoCaseChange",
                  "url")  # \url{...} outside the url field (a publisher, a note): the address as text
_COMMAND = re.compile(r"\\(" + "|".join(sorted([*_COMMAND_CHARACTERS, *_QUOTING_COMMANDS, *_TEXT_COMMANDS],
                                                 key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\}|\s*)")


def _braced_end(value: str, start: int) -> int | None:
    """Index just past the brace group opening at ``value[start]`` ("{"), or None."""
    depth = 0
    for index in range(start, len(value)):
        char = value[index]
        if char == "\\":
            continue
        if char == "{" and (index == 0 or value[index - 1] != "\\"):
            depth += 1
        elif char == "}" and value[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def biblatex_for_pybtex(value: str) -> str:
    """``value`` with the biblatex and text-formatting commands pybtex leaves as text written
    as the LaTeX it reads: ``\\hyphen`` -> ``-``, ``\\mkbibquote{X}`` -> ````X''``,
    ``\\emph{X}`` -> ``{X}``."""
    if "\\" not in value:
        return value
    value = spacing_accents(value)
    out: list[str] = []
    position = 0
    for match in _COMMAND.finditer(value):
        if match.start() < position:
            continue  # inside a group already rewritten
        name = match.group(1)
        out.append(value[position:match.start()])
        position = match.end()
        if name in _COMMAND_CHARACTERS:
            out.append(_COMMAND_CHARACTERS[name])
            continue
        end = _braced_end(value, match.end()) if value[match.end():match.end() + 1] == "{" else None
        if end is None:
            continue  # the command alone: dropped, its argument (if any) stays
        inner = biblatex_for_pybtex(value[match.end() + 1:end - 1])
        out.append(f"``{inner}''" if name in _QUOTING_COMMANDS else "{" + inner + "}")
        position = end
    out.append(value[position:])
    return "".join(out)
