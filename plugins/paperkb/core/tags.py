"""Tags as written in front-matter (a list, or one string: ``tags: vim, dev-tools``) as a list."""

from __future__ import annotations

from typing import Any


def split_tag_text(text: str) -> list[str]:
    """One string of tags: comma-separated (Obsidian and Jekyll read ``vim, dev-tools`` as two)."""
    return [part.strip() for part in text.split(",") if part.strip()]


def tag_list(value: Any) -> tuple[list[str], str | None]:
    """(the tags in ``value``, what was wrong with it or None).

    A string becomes its comma-separated parts; numbers become text; anything else is left out
    and named in the message, so mkdocs-material's tags plugin (which stops the build on a tag
    that is not a string) never sees it."""
    if value is None:
        return [], None
    if isinstance(value, str):
        return split_tag_text(value), None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)], None
    if not isinstance(value, list):
        return [], f"'tags' must be a list of strings or one string, got {type(value).__name__}; the tags are left out"
    tags: list[str] = []
    wrong = 0
    for item in value:
        if isinstance(item, str) and item.strip():
            tags.append(item.strip())
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            tags.append(str(item))
        elif item is not None:
            wrong += 1
    problem = f"'tags' items must be strings; {wrong} other item(s) left out" if wrong else None
    return list(dict.fromkeys(tags)), problem
