"""Read a Markdown file's YAML front-matter keeping the line of every key.

python-frontmatter finds and splits the front-matter block; PyYAML's composer gives the
line marks that its plain ``load`` throws away, so every message can name ``path:line``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import frontmatter
import yaml

from .body_scan import strip_obsidian_comments

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_HANDLER = frontmatter.YAMLHandler()


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class FrontMatter:
    data: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the file where ``body`` starts
    key_lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)  # lines of sequence items per key
    duplicate_keys: list[tuple[str, int, int]] = field(default_factory=list)  # (key path, line, first line)
    present: bool = True
    # No front-matter for MkDocs, yet the file looks as if it meant one: (line, what is wrong,
    # the keys written under the '---'). Whether that is an error depends on the keys.
    misplaced: tuple[int, str, frozenset[str]] | None = None
    hints: list[tuple[int, str]] = field(default_factory=list)  # (line, warning): YAML that reads other than it looks
    # The text YAML read ``data`` from when it is a mapping (starting with the newline that ends
    # the opening '---' line), so another reader of the same text can take ``data`` instead.
    yaml_text: str | None = None


# What may be a front-matter that MkDocs does not read as one: an opening '---' line after blank
# lines, or one that no '---' line closes. The `key:` lines under it tell whether it was meant.
_OPENING = re.compile(r"\A(?P<blank>[ \t]*\r?\n(?:[ \t]*\r?\n)*)?-{3,}[ \t]*\r?\n")
_PANDOC_END = re.compile(r"^\.\.\.[ \t]*\r?$", re.M)
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|\r?$)", re.M)


def split_front_matter(text: str) -> tuple[str | None, str, int, int]:
    """Return (front-matter text or None, body, first line of the front-matter text, body line).

    Like MkDocs: no front-matter unless the file starts with a '---' line and another closes it."""
    parts = _YAML_HANDLER.FM_BOUNDARY.split(text, 2) if _YAML_HANDLER.detect(text) else []
    if len(parts) != 3:
        body = text.lstrip("\n")
        return None, body, 1, 1 + (len(text) - len(body))
    _, fm, content = parts
    fm_start = text.index(fm)
    fm_first_line = text.count("\n", 0, fm_start) + 1
    body = content.lstrip("\n")
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    return fm, body, fm_first_line, body_line


def _misplaced(text: str) -> tuple[int, str, frozenset[str]] | None:
    """A front-matter MkDocs cannot see: where it is, what is wrong, the keys under it."""
    opening = _OPENING.match(text)
    if opening is None:
        return None
    block = re.split(r"\r?\n[ \t]*\r?\n", text[opening.end():], maxsplit=1)[0]  # up to a blank line
    keys = frozenset(_KEY_LINE.findall(block))
    if not keys:
        return None  # a horizontal rule
    if opening.group("blank"):
        return (opening.group("blank").count("\n") + 1,
                "front-matter must start on the first line: remove the blank lines above '---'", keys)
    pandoc = _PANDOC_END.search(text, opening.end())
    if pandoc is not None:  # pandoc's YAML block may end with `...`
        return (text.count("\n", 0, pandoc.start()) + 1,
                "front-matter ends with pandoc's '...' line, which MkDocs does not read: write '---' there", keys)
    return 1, "front-matter is not closed: add a line '---' after its last key", keys


def _nested_duplicates(node: yaml.Node, path: str, fm_line: int,
                       walked: set[int] | None = None) -> list[tuple[str, int, int]]:
    """Keys set twice inside a nested mapping (``links: {paper: a, paper: b}``): YAML keeps the
    last silently, so the first value would vanish without a word. Each node is walked once
    (YAML aliases may repeat a node, or contain themselves)."""
    walked = set() if walked is None else walked
    if id(node) in walked:
        return []
    walked.add(id(node))
    found: list[tuple[str, int, int]] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = fm_line + key_node.start_mark.line
            if key in seen:
                found.append((f"{path}.{key}", line, seen[key]))
            seen.setdefault(key, line)
            if not isinstance(value_node, yaml.ScalarNode):
                found += _nested_duplicates(value_node, f"{path}.{key}", fm_line, walked)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            if not isinstance(item, yaml.ScalarNode):
                found += _nested_duplicates(item, f"{path}[{index}]", fm_line, walked)
    return found


# YAML aliases may repeat a value anywhere; nine levels of nine aliases (a "billion laughs") are
# 9^9 values once anything walks them. Past this many values added by aliases a key is refused.
MAX_ALIAS_EXPANSION = 1000


class _Expansion:
    """How many values a node stands for once its aliases are expanded, each node counted once
    (memoised), so a bomb is measured in time linear in what was written."""

    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}
        self._open: set[int] = set()

    def size(self, node: yaml.Node) -> int:
        known = self.sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in self._open:  # a value that contains itself never ends
            return MAX_ALIAS_EXPANSION * 1000
        self._open.add(id(node))
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(self.size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(self.size(k) + self.size(v) for k, v in node.value)
        self._open.discard(id(node))
        self.sizes[id(node)] = total
        return total


def _distinct_nodes(node: yaml.Node) -> int:
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend(part for pair in current.value for part in pair)
    return len(seen)


def _check_alias_expansion(key: str, value_node: yaml.Node, line: int, expansion: _Expansion) -> None:
    if isinstance(value_node, yaml.ScalarNode):
        return
    added = expansion.size(value_node) - _distinct_nodes(value_node)
    if added > MAX_ALIAS_EXPANSION:
        raise FrontMatterError(
            line, f"'{key}' repeats YAML anchors through aliases (*name) into more than {MAX_ALIAS_EXPANSION} "
                  "values (a 'billion laughs'); write the values out instead of nesting aliases")


_PLAIN_KEY_VALUE = re.compile(r"^(?P<indent>[ ]*)(?P<key>[A-Za-z_][\w-]*):[ ]+(?P<value>[^\s\"'\[{|>&*!#].*?)\s*$")


_PLACEHOLDER = re.compile(r"\{\{[^{}\n]*\}\}|<%[^%\n]*%>")


def _syntax_hint(lines: list[str], index: int, problem: str) -> str:
    """What the usual mistake behind a YAML error is, when the line shows it: a tab in the
    indentation, or a colon inside an unquoted value (``title: BERT: Pre-training ...``)."""
    line = lines[index] if 0 <= index < len(lines) else ""
    if "\t" in line[:len(line) - len(line.lstrip())] or ("tab" in problem and "\t" in line):
        return "; YAML does not allow tabs: indent with spaces"
    match = _PLAIN_KEY_VALUE.match(line)
    if "mapping values are not allowed" in problem and match and ": " in match.group("value"):
        value = match.group("value").replace("\\", "\\\\").replace('"', '\\"')
        return f'; a colon followed by a space cannot stand in an unquoted value: quote the value, ' \
               f'{match.group("key")}: "{value}"'
    placeholder = _PLACEHOLDER.search(line)
    if placeholder is not None:  # Templater's and Obsidian's templates: `title: {{title}}`
        return (f"; '{placeholder.group(0)}' is a template's placeholder, which YAML reads as a mapping: "
                f"quote it (\"{placeholder.group(0)}\"), or move the templates out of the notes folder")
    return ""


def _folded_list_items(node: yaml.Node, lines: list[str], fm_line: int,
                       found: list[tuple[int, str]], walked: set[int]) -> None:
    """List items that YAML folded into the item above: ``- A`` then ``  - B`` (indented under
    it) reads as the one string "A - B", not as two items."""
    if id(node) in walked:
        return
    walked.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode) and not item.style and item.end_mark.line > item.start_mark.line:
                continuation = lines[item.start_mark.line + 1:item.end_mark.line + 1]
                folded = next((i for i, text in enumerate(continuation) if text.lstrip().startswith("- ")), None)
                if folded is not None:
                    line = fm_line + item.start_mark.line + 1 + folded
                    found.append((line, f"this '- ' line is indented under the list item above, so YAML reads both "
                                        f"as one text ({item.value[:60]!r}): indent it like the other items "
                                        "(or quote the text if it is one)"))
            else:
                _folded_list_items(item, lines, fm_line, found, walked)
    elif isinstance(node, yaml.MappingNode):
        for _key, value in node.value:
            _folded_list_items(value, lines, fm_line, found, walked)


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _NotPlain(Exception):
    """A node ``_plain_data`` leaves to PyYAML's constructor."""


def _plain_data(node: yaml.Node, loader: Any) -> Any:
    """What PyYAML's safe constructor makes of ``node`` when every mapping's keys are plain
    strings and no node is an alias: strings, lists and dicts made here, other scalars
    (numbers, dates, null) by the constructor. Raises _NotPlain for anything else (merge keys,
    other tags)."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_plain_data(item, loader) for item in node.value]
    if kind is yaml.MappingNode and node.tag == _MAP:
        data = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag != _STR:
                raise _NotPlain
            data[key_node.value] = _plain_data(value_node, loader)
        return data
    raise _NotPlain


def _construct(loader: Any, node: yaml.Node, may_alias: bool) -> Any:
    """``loader.construct_document(node)``, the same values: a note's front-matter is plain
    strings, lists and mappings, which PyYAML's constructor took ~45 us a note to make through
    its generic steps (~7 here). With aliases (shared values), or anything else it does not
    make, or a value it refuses, PyYAML's constructor makes the whole document (and says what
    it refuses, as it would have)."""
    if not may_alias:
        try:
            return _plain_data(node, loader)
        except (_NotPlain, yaml.constructor.ConstructorError):
            loader.constructed_objects, loader.recursive_objects, loader.state_generators = {}, {}, []
    return loader.construct_document(node)


def parse_front_matter(text: str) -> FrontMatter:
    """Parse ``text``; raise FrontMatterError (with a file line) on YAML syntax errors.
    The body comes without Obsidian's %% comments %%: nothing read from it may publish them."""
    fm, body, fm_line, body_line = split_front_matter(text)
    body = strip_obsidian_comments(body)
    if fm is None:
        return FrontMatter({}, body, body_line, present=False, misplaced=_misplaced(text))
    # ``fm`` starts with the newline that ends the opening '---' line, so YAML line 0 is file line fm_line.
    loader = _Loader(fm)
    try:
        node = loader.get_single_node()
        if node is None:
            return FrontMatter({}, body, body_line)
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError(fm_line + node.start_mark.line, "front-matter must be a mapping of keys to values")
        result = FrontMatter({}, body, body_line)
        expansion = _Expansion()
        may_alias = "*" in fm  # no '*', no alias (*name): nothing repeats, nothing to measure
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = fm_line + key_node.start_mark.line
            if key in result.key_lines:
                result.duplicate_keys.append((key, line, result.key_lines[key]))
                continue
            result.key_lines[key] = line
            if may_alias:
                _check_alias_expansion(str(key), value_node, line, expansion)
            if isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode)):
                result.duplicate_keys += _nested_duplicates(value_node, key, fm_line)
            if isinstance(value_node, yaml.SequenceNode):
                result.item_lines[key] = [fm_line + item.start_mark.line for item in value_node.value]
            if isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode)):
                _folded_list_items(value_node, fm.split("\n"), fm_line, result.hints, set())
        result.data = _construct(loader, node, may_alias)
        if not isinstance(result.data, dict):  # pragma: no cover - guarded by the MappingNode check
            raise FrontMatterError(fm_line, "front-matter must be a mapping")
        result.yaml_text = fm
        return result
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is found where it started (the context mark); anything
        # else where YAML stopped understanding the text (the problem mark: a tab, a stray colon).
        unclosed = bool(exc.context) and ("flow" in exc.context or "quoted" in exc.context)
        context_line = fm_line + exc.context_mark.line if exc.context_mark else None
        problem_line = fm_line + exc.problem_mark.line if exc.problem_mark else None
        line = (context_line if unclosed else problem_line) or context_line or problem_line or fm_line
        problem = exc.problem or str(exc)
        context = ""
        if exc.context:
            starts = f" that starts on line {context_line}" if context_line not in (None, line) else ""
            context = f" ({exc.context}{starts})"
        hint = _syntax_hint(fm.split("\n"), line - fm_line, problem)
        raise FrontMatterError(line, f"YAML syntax error: {problem}{context}{hint}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (a NUL byte, a control character)
        line = fm_line + fm.count("\n", 0, exc.position)
        code = ord(exc.character) if isinstance(exc.character, str) else int(exc.character)
        name = "a NUL byte" if code == 0 else f"the control character U+{code:04X}"
        raise FrontMatterError(line, f"YAML error: {name} cannot stand in a front-matter (remove it; an editor "
                                     "may show it as a blank or nothing)") from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(fm_line, f"YAML error: {exc}") from None
    except RecursionError:
        raise FrontMatterError(fm_line, "front-matter nests lists or mappings too deeply") from None
    finally:
        loader.dispose()
