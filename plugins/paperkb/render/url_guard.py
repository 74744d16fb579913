"""Links in finished HTML that would run code when clicked are made inert.

A ``javascript:`` (or ``vbscript:``, or ``data:``) address in a Markdown link becomes a live link
in python-markdown's output, whatever its case, entities or the tabs inside it; so does one in
raw HTML. Every page's HTML passes through here: the attribute goes, the link text stays."""

from __future__ import annotations

import re

from ..core.urls import script_scheme

# An address-carrying attribute, its value quoted or not.
_ADDRESS = re.compile(
    r"""(\s)(href|xlink:href|action|formaction|src|poster|data|background|srcdoc)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>=`]+)""",
    re.I)
_ADDRESS_NAMES = {"href", "xlink:href", "action", "formaction", "src", "poster", "data", "background", "srcdoc"}
_NAVIGATING = {"href", "xlink:href", "action", "formaction", "srcdoc"}  # any script scheme is refused
_FRAMES = {"iframe", "frame", "embed", "object"}  # a data: source is an image's right, not a frame's
_TAG_NAME = re.compile(r"<([A-Za-z][\w:-]*)")
# The fast first look (a page has hundreds of addresses): a value whose scheme, what comes before
# its first colon (or an encoded one), is anything but the usual harmless ones.
_SCHEME_OF_VALUE = re.compile(r"""=\s*["']?([^"'<>:/?#=]{0,40})(?::|&#0*58;?|&#[xX]0*3[aA];?|&colon;)""")
_NAME_BEFORE = re.compile(r"([\w:-]+)\s*$")
_USUAL_SCHEMES = {"http", "https", "mailto", "ftp", "tel", "doi"}
_PROBE = 64  # characters of a long part looked for first (_find)
# Where that look can flag anything, found in one pass of the regex engine (no Python call per
# value): an ``=`` right after a name ending like an address attribute's, or after a space
# (``href = ...``), whose value is not a usual scheme with its colon. Every ``=`` the fast first
# look flags is among these; each is then judged exactly as before (``_suspicious``).
_CANDIDATE = re.compile(
    r"=(?:(?i:" + "|".join(f"(?<={name}=)" for name in ("href", "src", "action", "poster", "data", "background",
                                                         "srcdoc")) + r")|(?<=\s=))"
    r"""\s*["']?(?!(?i:https?|mailto|ftp|tel|doi):)[^"'<>:/?#=]{0,40}(?::|&#0*58;?|&#[xX]0*3[aA];?|&colon;)""")


def _suspicious(html: str, value: re.Match[str]) -> bool:
    if value.group(1).lower() in _USUAL_SCHEMES:
        return False
    name = _NAME_BEFORE.search(html, max(0, value.start() - 24), value.start())
    return name is not None and name.group(1).lower() in _ADDRESS_NAMES


def is_inert(html: str) -> bool:
    """True when ``neutralize_script_urls`` leaves ``html`` as it is: no address can run code."""
    return not any((value := _SCHEME_OF_VALUE.match(html, candidate.start())) and _suspicious(html, value)
                   for candidate in _CANDIDATE.finditer(html))


def neutralize_script_urls(html: str) -> str:
    """``html`` with every attribute that would run code through its address removed."""
    if is_inert(html):
        return html

    def clean(match: re.Match[str]) -> str:
        value = match.group(3)
        if ":" not in value and "&" not in value:  # no scheme can be read without a colon
            return match.group(0)
        scheme = script_scheme(value.strip("\"'"))
        if scheme is None:
            return match.group(0)
        opened, closed = html.rfind("<", 0, match.start()), html.rfind(">", 0, match.start())
        if opened <= closed:  # text (an example in a code block), not an attribute
            return match.group(0)
        if scheme == "data" and match.group(2).lower() not in _NAVIGATING:
            tag = _TAG_NAME.match(html, opened)
            if not tag or tag.group(1).lower() not in _FRAMES:
                return match.group(0)
        return match.group(1)

    return _ADDRESS.sub(clean, html)


def neutralize_around(html: str, checked: str, known: InertTexts | None = None) -> str:
    """``html`` made inert like ``neutralize_script_urls``, where the part equal to ``checked``
    (already made inert: a page's content inside the theme's template) is not scanned again;
    ``known`` remembers the parts of the template that many pages share."""
    at = _find(html, checked) if len(checked) > 256 else -1
    if at < 0:
        return neutralize_script_urls(html)
    end = at + len(checked)
    before, after = html[:at], html[end:]
    if known is not None and known.inert(before) and known.inert(after):  # the common case
        return html
    before, after = neutralize_script_urls(before), neutralize_script_urls(after)
    if len(before) == at and len(after) == len(html) - end:  # nothing removed: the common case
        return html
    return before + checked + after


def _find(html: str, part: str) -> int:
    """``html.find(part)`` for a long ``part``: a short probe is looked for and the rest compared
    where it is (str.find's search for a needle of many KB cost as much as a regex scan)."""
    probe = part[:_PROBE]
    at = html.find(probe)
    while at >= 0 and not html.startswith(part, at):
        at = html.find(probe, at + 1)
    return at


class InertTexts:
    """Whether text around a page's content is inert (``is_inert``), remembering the shared parts.

    mkdocs-material writes the page's title in the head and header, and its tags just before
    its content; what lies between (the stylesheets, the rest of the header, the tabs and
    navigation, ~12 KB) is the same for the pages of a folder, and the footer after the
    content for every page. A shared part found inert is remembered by value (its hash costs a
    tenth of the scan); the rest is scanned. Splitting before a ``<`` keeps the verdict: no
    flagged address, nor the name before it, nor a look around it reaches across a tag's ``<``."""

    TITLE_END, SHARED_FROM, SHARED_TO = "</title>", "</header>", '<div class="md-content"'
    HEADER_TITLE, HEADER_TITLE_END = '<div class="md-header__topic" data-md-component="header-topic">', "</span>"
    # Texts remembered at most (~1-12 KB each), forgotten all at once beyond that: pages come
    # folder by folder, and their navigation is the same within one.
    LIMIT = 16

    def __init__(self) -> None:
        self._known: set[str] = set()

    def inert(self, text: str) -> bool:
        cuts = self._cuts(text)
        pieces = [text[a:b] for a, b in zip((0, *cuts), (*cuts, len(text)))]
        if not all(is_inert(piece) for piece in pieces[0::2]):
            return False
        for shared in pieces[1::2]:
            if shared in self._known:
                continue
            if not is_inert(shared):
                return False
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            self._known.add(shared)
        return True

    def _cuts(self, text: str) -> list[int]:
        """Where ``text`` is cut, each before a ``<``: the pieces between the first and second
        cut, the third and fourth, are the shared ones (the title's two places left out)."""
        end = text.rfind(self.SHARED_TO)
        title = text.find(self.TITLE_END)
        topic = text.find(self.HEADER_TITLE, title) if title >= 0 else -1
        topic_end = text.find(self.HEADER_TITLE_END, topic) if topic >= 0 else -1
        if 0 <= title < topic < topic_end < end:
            return [title, topic, topic_end, end]
        start = max(text.rfind(self.SHARED_FROM), 0)
        return [start, end if end >= start else len(text)]
