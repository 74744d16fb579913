"""What a post's body needs on its way from another generator: kramdown's inline ``$$x$$``
made ``$x$``, and warnings for links that only worked on the old site (site-root paths,
web addresses written without their scheme)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from ..core.body_scan import iter_prose_lines
from ..core.display_math import dollars_in_text
from ..core.problems import ProblemLog, display_path

_INLINE_LINK = re.compile(r"(!?)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
# A web address without its scheme: a host name ending in a common top-level domain.
_BARE_DOMAIN = re.compile(
    r"^(?:www\.)?(?:[a-z0-9-]+\.)+(?:com|org|net|io|edu|gov|ai|dev|app|co|me|info|xyz|cn|uk|de|fr|jp|ru|in|"
    r"ca|au|us|eu|tv|ly|gl|gg|sh|so|site|tech|blog|page|science|cc)(?:[/:?#]|$)", re.IGNORECASE)


def kramdown_inline_math(body: str) -> tuple[str, int]:
    """``$$x$$`` inside a line of text -> ``$x$`` (kramdown's inline math), outside code;
    returns the body and how many."""
    return dollars_in_text(body, display=False)


def warn_old_site_links(body: str, body_line: int, log: ProblemLog, *, post_dir: str, notes_dir: str) -> None:
    """Warn, with the line, about links that break on the new site: site-root paths
    (``/assets/a.pdf``: MkDocs does not rewrite them, and they miss when the site is not at the
    domain's root) and web addresses without ``https://`` (``[x](example.com)`` is a relative
    link). Images are checked with the files they name (posts._missing_images)."""
    for index, line in iter_prose_lines(body):
        for match in _INLINE_LINK.finditer(line):
            target = match.group(2)
            if match.group(1):
                continue
            if target.startswith("/") and not target.startswith("//"):
                relative = posixpath.relpath(posixpath.join(notes_dir, target.lstrip("/")), post_dir)
                log.warning(body_line + index,
                            f"link '{target}' is a site-root path, which breaks when the site is not at the "
                            f"domain's root: copy the file into the notes folder and write '{relative}'")
            elif _BARE_DOMAIN.match(target):
                log.warning(body_line + index, f"link '{target}' looks like a web address without 'https://', "
                                               f"so it is a relative link: write 'https://{target}'")


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def warn_missing_relative_links(body: str, body_line: int, log: ProblemLog, *, out_dir: Path, root: Path,
                                written_beside: str) -> None:
    """Warn, with the line, about relative links and images whose file is not beside the imported
    note (``./Slides/talk.pdf`` worked next to ``written_beside``, a README in another repository):
    at import, where the fix is known, not first as a broken link at ``build --strict``."""
    for index, line in iter_prose_lines(body):
        for match in _INLINE_LINK.finditer(line):
            target = match.group(2)
            if target.startswith(("#", "/")) or _SCHEME.match(target) or _BARE_DOMAIN.match(target):
                continue  # an anchor, a site-root path, an address: warned about elsewhere or fine
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if not path or (out_dir / path).exists():
                continue
            what = "image" if match.group(1) else "link"
            log.warning(body_line + index,
                        f"{what} '{target}' is relative to {written_beside}, and "
                        f"{display_path(out_dir / path, root)} does not exist: copy the file there or write its full address")


# Code blocks as Jekyll ({% highlight python linenos %} ... {% endhighlight %}) and Hexo
# ({% codeblock lang:python %} ... {% endcodeblock %}) write them, each tag on a line of its own.
_CODE_TAG_OPEN = re.compile(r"^(?P<indent>\s*)\{%-?\s*(?P<tag>highlight|codeblock)\b(?P<args>[^%]*?)-?%\}\s*$")
_CODE_TAG_CLOSE = {"highlight": re.compile(r"^\s*\{%-?\s*endhighlight\s*-?%\}\s*$"),
                   "codeblock": re.compile(r"^\s*\{%-?\s*endcodeblock\s*-?%\}\s*$")}


def _code_language(tag: str, args: str) -> str:
    words = args.split()
    if tag == "codeblock":
        return next((w[len("lang:"):] for w in words if w.startswith("lang:")), "")
    return words[0] if words and re.fullmatch(r"[\w+#.-]+", words[0]) else ""


def code_tags_to_fences(body: str) -> tuple[str, int]:
    """Jekyll's and Hexo's code-block tags as fenced code blocks (the language kept; options such
    as ``linenos`` dropped); the line count stays, so warnings keep their lines. Returns the
    body and how many blocks."""
    if "{%" not in body:
        return body, 0
    lines = body.split("\n")
    count = 0
    index = 0
    while index < len(lines):
        opening = _CODE_TAG_OPEN.match(lines[index])
        closing = None
        if opening:
            closes = _CODE_TAG_CLOSE[opening.group("tag")]
            closing = next((i for i in range(index + 1, len(lines)) if closes.match(lines[i])), None)
        if opening is None or closing is None:
            index += 1
            continue
        indent = opening.group("indent")
        fence = "~~~~" if any(line.lstrip().startswith("```") for line in lines[index + 1:closing]) else "```"
        lines[index] = indent + fence + _code_language(opening.group("tag"), opening.group("args"))
        lines[closing] = indent + fence
        count += 1
        index = closing + 1
    return "\n".join(lines), count
