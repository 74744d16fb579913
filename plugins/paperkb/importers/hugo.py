"""Hugo posts: TOML front-matter between ``+++`` lines, and the site a post belongs to.

Hugo reads front-matter in YAML (``---``), TOML (``+++``) or JSON; TOML is its own default
(``hugo new`` writes it), so most Hugo blogs have it. It is read with the standard library's
``tomllib``, each key's line found from its ``key =`` line so messages can name ``path:line``."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..core.body_scan import iter_prose_lines
from ..core.frontmatter_source import FrontMatter, FrontMatterError

_TOML_BLOCK = re.compile(r"\A\ufeff?\+{3}[ \t]*\r?\n(?P<toml>.*?)(?:\r?\n)?^\+{3}[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_TOML_KEY = re.compile(r"^(?P<key>[A-Za-z0-9_-]+|\"[^\"\n]+\"|'[^'\n]+')[ \t]*=")
_TOML_TABLE = re.compile(r"^\[")
_ERROR_LINE = re.compile(r"\(at line (\d+), column \d+\)")
# Shortcodes: {{< figure src="a.png" >}}, {{% notice info %}} ... {{% /notice %}}
SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}")
_CONFIG_FILES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml")


def has_toml_front_matter(text: str) -> bool:
    return text.lstrip("\ufeff").startswith("+++")


def parse_toml_front_matter(text: str) -> FrontMatter:
    """The ``+++`` block at the top of ``text`` read as TOML (FrontMatterError naming the line)."""
    match = _TOML_BLOCK.match(text)
    if match is None:
        raise FrontMatterError(1, "TOML front-matter is not closed: add a line '+++' after its last key")
    source = match.group("toml")
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        at = _ERROR_LINE.search(str(exc))
        # "(at end of document)": a value left open runs to the block's last line
        line = 1 + (int(at.group(1)) if at else len(source.rstrip("\n").split("\n")))
        message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", str(exc))
        raise FrontMatterError(line, f"TOML syntax error: {message}") from None
    key_lines: dict[str, int] = {}
    for index, line in enumerate(source.split("\n")):
        if _TOML_TABLE.match(line):
            break  # keys under [params] and other tables belong to that table
        if key := _TOML_KEY.match(line):
            key_lines.setdefault(key.group("key").strip("\"'"), index + 2)
    body = text[match.end():].lstrip("\r\n")
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    return FrontMatter(data=data, body=body, body_line=body_line, key_lines=key_lines)


def hugo_site(path: Path) -> Path | None:
    """The Hugo site a post under ``content/`` belongs to: the folder above ``content`` that holds
    a Hugo configuration file."""
    for folder in list(path.parents)[:8]:
        if folder.name == "content":
            root = folder.parent
            if any((root / name).is_file() for name in _CONFIG_FILES) or (root / "config").is_dir():
                return root
    return None


# The admonition shortcode of Hugo's LoveIt / DoIt / FixIt themes, as a block of its own:
# {{< admonition type="tip" title="A title" open=false >}} or {{% admonition tip "A title" false %}};
# and the boxes themes and blogs define for themselves: folds ({{% fold "Title" %}}, details,
# spoiler ...: collapsed) and notices ({{% notice tip %}}, {{% question %}} ...: open boxes).
_FOLDS = ("fold", "details", "collapse", "spoiler", "expand", "toggle")
_NOTICES = ("notice", "alert", "callout", "hint", "question", "answer", "note", "tip", "info", "warning",
            "important", "caution", "danger")
_BOX_NAMES = "|".join(("admonition", *_FOLDS, *_NOTICES))
_ADMONITION_OPEN = re.compile(r"^(?P<indent>[ \t]*)\{\{[<%]-?\s*(?P<name>" + _BOX_NAMES
                              + r")\b(?P<args>[^\n]*?)-?[%>]\}\}[ \t]*$")
_ADMONITION_CLOSE = re.compile(r"^[ \t]*\{\{[<%]-?\s*/(?P<name>" + _BOX_NAMES + r")\s*-?[%>]\}\}[ \t]*$")
_ARGUMENT = re.compile(r'(?:(?P<name>\w+)=)?(?:"(?P<quoted>[^"]*)"|`(?P<raw>[^`]*)`|(?P<bare>[^\s"`]+))')


def _box_head(name: str, args: str) -> str:
    """The admonition line of a box shortcode: ``admonition``'s own arguments; a fold's title
    (collapsed); a notice's type (``notice``, ``alert``, ``callout``: its first argument) and title."""
    if name == "admonition":
        return _admonition_head(args)
    positional = [next(v for v in (m.group("quoted"), m.group("raw"), m.group("bare")) if v is not None)
                  for m in _ARGUMENT.finditer(args) if not m.group("name")]
    if name in _FOLDS:
        return _admonition_head(f'note "{positional[0] if positional else name.title()}" false')
    if name in ("notice", "alert", "callout"):
        return _admonition_head(" ".join(f'"{p}"' for p in positional[:2]) or "note").replace("???+", "!!!")
    title = f'"{positional[0]}"' if positional else f'"{name.title()}"'
    return _admonition_head(f"{name} {title}").replace("???+", "!!!")


def _admonition_head(args: str) -> str:
    """``??? tip "A title"`` from the shortcode's arguments (positional: type, title, open)."""
    named: dict[str, str] = {}
    positional: list[str] = []
    for match in _ARGUMENT.finditer(args):
        value = next(v for v in (match.group("quoted"), match.group("raw"), match.group("bare")) if v is not None)
        if match.group("name"):
            named[match.group("name")] = value
        else:
            positional.append(value)
    names = ("type", "title", "open")
    for name, value in zip(names, positional):
        named.setdefault(name, value)
    kind = re.sub(r"[^\w-]", "", named.get("type", "note")) or "note"
    # The title is the box's text: a tag in it ("</summary>", which no sanitiser removes) would
    # close the box's summary early; an entity already written ("&lt;") stays as written.
    title = named.get("title", "").replace("<", "&lt;").replace('"', "&quot;")
    is_open = named.get("open", "true").strip().lower() != "false"  # the themes open it by default
    return f"???{'+' if is_open else ''} {kind}" + (f' "{title}"' if title else "")


def admonition_shortcodes(body: str, *, indent: bool = True) -> tuple[str, int]:
    """``{{< admonition >}}`` ... ``{{< /admonition >}}`` blocks as collapsible admonitions
    (pymdownx.details), and the other box shortcodes (folds, notices) as admonitions, nested
    ones too, outside code; returns the body and how many. ``indent=False``: the boxes' own
    lines blank and their text as it was (where the text's problems are looked for). A body
    whose openings and closings do not pair up is left as written (the shortcode warning names
    the lines)."""
    lines = body.split("\n")
    prose = {index for index, _ in iter_prose_lines(body)}
    if not any(_ADMONITION_OPEN.match(lines[i]) for i in prose):
        return body, 0
    out: list[str] = []
    names: list[str] = []  # the open boxes, innermost last
    count = 0
    for index, line in enumerate(lines):
        if index in prose and (opening := _ADMONITION_OPEN.match(line)) is not None:
            out.append("    " * len(names) + _box_head(opening.group("name"), opening.group("args")) if indent else "")
            names.append(opening.group("name"))
            count += 1
        elif index in prose and (closing := _ADMONITION_CLOSE.match(line)) is not None:
            if not names or names.pop() != closing.group("name"):
                return body, 0  # openings and closings that do not pair up
            out.append("")
        else:
            out.append("    " * len(names) + line if line.strip() and indent else line)
    return ("\n".join(out), count) if not names else (body, 0)
