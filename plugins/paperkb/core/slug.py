"""Slugs for keys and generated page names."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# A note key is also a BibTeX key, a URL fragment and a graph node id: keep it to a safe alphabet.
SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+-]*$")


def is_safe_key(key: str) -> bool:
    return bool(SAFE_KEY.match(key)) and ".." not in key


def slugify(text: str, fallback: str = "item") -> str:
    """Lower-case, hyphen-separated slug that keeps CJK and other word characters."""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    slug = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return slug or fallback


def ascii_slug(text: str, max_words: int = 6, fallback: str = "note") -> str:
    """ASCII-only slug (for file names and keys made from titles)."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    return "-".join(words[:max_words]) or fallback


def key_from_text(text: str, max_words: int = 6) -> str:
    """A note key made from a title or file name: its ASCII words, or for text without any
    (a Chinese title) a stable ``paper-<hash>``, so two such notes never share a key."""
    slug = ascii_slug(text, max_words=max_words, fallback="")
    digest = hashlib.sha1(str(text).encode("utf-8")).hexdigest()[:8]
    if len(slug) > MAX_KEY_CHARS:  # a 5,000-letter "word" in a table cell: the file name must fit
        return f"{slug[:MAX_KEY_CHARS - 9].rstrip('-')}-{digest}"
    return slug or f"paper-{digest}"


MAX_KEY_CHARS = 100  # far above six real words; a file name holds 255 bytes


# A page name longer than this is cut and given a hash of the whole value: a file name holds 255
# bytes at most (a thesis .bib has a `journal` that is a whole acknowledgement), and a CJK
# character takes three of them.
MAX_SLUG_CHARS = 60
# Names MkDocs reads as a folder's index page: a value slugged to one would replace that page.
RESERVED_SLUGS = frozenset({"index", "readme"})


def bounded_slug(text: str, limit: int = MAX_SLUG_CHARS) -> str:
    """``slugify(text)`` no longer than ``limit`` characters; a cut one ends with a hash of
    the whole text, so two long values that share their start still get different names."""
    slug = slugify(text)
    if len(slug) <= limit:
        return slug
    digest = hashlib.sha1(str(text).encode("utf-8")).hexdigest()[:8]
    return f"{slug[: limit - len(digest) - 1].rstrip('-_')}-{digest}"


class SlugRegistry:
    """Hands out unique, bounded slugs: the second 'a b' and 'a-b' become 'a-b-2'; a value
    named 'index' becomes 'index-2' (the folder's own index page keeps its name)."""

    def __init__(self, reserved: frozenset[str] = RESERVED_SLUGS) -> None:
        self._taken: dict[str, str] = {slug: "" for slug in reserved}
        self._by_name: dict[str, str] = {}

    def slug_for(self, name: str) -> str:
        if name in self._by_name:
            return self._by_name[name]
        base = bounded_slug(name)
        slug, n = base, 2
        while slug in self._taken:
            slug, n = f"{base}-{n}", n + 1
        self._taken[slug] = name
        self._by_name[name] = slug
        return slug


# Words a citation key skips when it takes the title's first word (Google Scholar's style).
_TITLE_STOPWORDS = frozenset({"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "towards", "toward",
                              "via", "is", "are", "do", "does", "what", "how", "why", "when", "from", "by", "at"})


def family_name(author: str) -> str:
    """The family name of "First Last" or "Last, First", in ASCII lower case ('' if none)."""
    author = " ".join(str(author).split())
    family = author.split(",")[0] if "," in author else (author.split(" ")[-1] if author else "")
    return ascii_slug(family, max_words=3, fallback="").replace("-", "")


def citation_key(title: str, author: str | None = None, year: int | None = None) -> str:
    """A key in the style of the example notes and Google Scholar, ``vaswani2017attention``:
    the first author's family name, the year and the title's first word that says something;
    without an author, the title's words (``key_from_text``)."""
    family = family_name(author) if author else ""
    if not family:
        return key_from_text(title, max_words=6)
    words = ascii_slug(title, max_words=40, fallback="").split("-")
    word = next((w for w in words if w and w not in _TITLE_STOPWORDS), "")
    return f"{family}{year if year is not None else ''}{word}"
