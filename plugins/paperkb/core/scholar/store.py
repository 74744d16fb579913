"""``.paperkb/scholar.json``: everything fetched from Semantic Scholar, in one file of the notes folder.

The file is the only thing builds read of Semantic Scholar (they never reach the network), and
users may commit it, so it is written deterministically (sorted keys, one value a line, lists
in a fixed order) and reads well in a diff. Layout::

    {"format": 1,
     "notes":      {note key: {"paperId", "by" (the id it was resolved by), "checked"}},
     "unresolved": {note key: {"tried": [...], "by": [...], "checked"}},
     "papers":     {paperId: {title, year, venue, authors, abstract, citationCount, ..., "fetched"}},
     "references": {paperId: {"fetched", "complete", "unlinked", "items": [{"paperId", "intents", "influential"}]}},
     "citations":  {paperId: {"fetched", "complete", "items": [...]}}}   # newest first

Dates are UTC ISO timestamps. Values are kept as the API sent them (strings, numbers): every
place that shows one escapes it there."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ids import PaperRef, clean_arxiv

FORMAT = 1
STORE_DIR = ".paperkb"
STORE_NAME = "scholar.json"
DISMISSED_NAME = "dismissed.txt"
KEPT_FIELDS = ("paperId", "externalIds", "title", "year", "venue", "publicationDate", "abstract",
               "citationCount", "influentialCitationCount", "referenceCount")


def store_path(notes_dir: Path) -> Path:
    return Path(notes_dir) / STORE_DIR / STORE_NAME


def now_stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_stamp(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


def is_fresh(stamp: object, max_age_days: float, now: dt.datetime | None = None) -> bool:
    when = parse_stamp(stamp)
    if when is None:
        return False
    now = now or dt.datetime.now(dt.timezone.utc)
    return now - when < dt.timedelta(days=max_age_days)


def paper_record(raw: dict[str, Any], fetched: str) -> dict[str, Any]:
    """What is kept of a paper the API sent: its own fields, author names, the fetch time."""
    record = {name: raw.get(name) for name in KEPT_FIELDS if raw.get(name) not in (None, "", [], {})}
    authors = [a.get("name") for a in raw.get("authors") or [] if isinstance(a, dict) and a.get("name")]
    if authors:
        record["authors"] = authors
    if not isinstance(record.get("externalIds"), dict):
        record.pop("externalIds", None)
    record["fetched"] = fetched
    return record


def link_record(item: dict[str, Any], paper_id: str) -> dict[str, Any]:
    record: dict[str, Any] = {"paperId": paper_id}
    intents = [i for i in item.get("intents") or [] if isinstance(i, str)]
    if intents:
        record["intents"] = sorted(set(intents))
    if item.get("isInfluential") is True:
        record["influential"] = True
    return record


def _indented(value: Any, depth: int) -> str:
    """``value`` as indented JSON that starts ``depth`` levels deep (its first line unindented)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1).replace("\n", "\n" + " " * depth)


def _links_json(table: dict[str, dict]) -> str:
    if not table:
        return "{}"
    papers = []
    for pid in sorted(table):
        entry = table[pid]
        fields = []
        for name in sorted(entry):
            if name == "items":
                items = entry["items"]
                body = ",\n".join("    " + json.dumps(i, ensure_ascii=False, sort_keys=True) for i in items)
                fields.append(f'   "items": [\n{body}\n   ]' if items else '   "items": []')
            else:
                fields.append(f"   {json.dumps(name)}: {json.dumps(entry[name], ensure_ascii=False, sort_keys=True)}")
        papers.append(f"  {json.dumps(pid)}: {{\n" + ",\n".join(fields) + "\n  }")
    return "{\n" + ",\n".join(papers) + "\n }"


_cached: dict[Path, tuple[tuple[int, int], ScholarStore]] = {}


def load_store_cached(notes_dir: Path) -> "ScholarStore":
    """The store as a build reads it (read-only), parsed again only when the file changed
    (`mkdocs serve` rebuilds do not re-read a large unchanged file)."""
    path = store_path(notes_dir)
    try:
        stat = path.stat()
    except OSError:
        _cached.pop(path, None)
        return ScholarStore(path)
    stamp = (stat.st_mtime_ns, stat.st_size)
    hit = _cached.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    store = ScholarStore.load(notes_dir)
    _cached[path] = (stamp, store)
    return store


def _year(paper: dict | None) -> int:
    year = (paper or {}).get("year")
    return year if isinstance(year, int) else 0


@dataclass
class ScholarStore:
    path: Path
    notes: dict[str, dict] = field(default_factory=dict)
    unresolved: dict[str, dict] = field(default_factory=dict)
    papers: dict[str, dict] = field(default_factory=dict)
    references: dict[str, dict] = field(default_factory=dict)
    citations: dict[str, dict] = field(default_factory=dict)
    problem: str | None = None  # why the file could not be read (it is then treated as empty)
    _index: dict[str, str] | None = field(default=None, repr=False, compare=False)
    _indexed: int = field(default=-1, repr=False, compare=False)

    @classmethod
    def load(cls, notes_dir: Path) -> "ScholarStore":
        path = store_path(notes_dir)
        store = cls(path)
        if not path.is_file():
            return store
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            store.problem = f"cannot read the Semantic Scholar store ({' '.join(str(exc).split())})"
            return store
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            store.problem = f"not a paperkb Semantic Scholar store of format {FORMAT}"
            return store
        for name in ("notes", "unresolved", "papers", "references", "citations"):
            value = data.get(name)
            if isinstance(value, dict):
                setattr(store, name, {str(k): v for k, v in value.items() if isinstance(v, dict)})
        return store

    @property
    def exists(self) -> bool:
        return bool(self.papers or self.notes)

    # -- reading -------------------------------------------------------------------------------
    def paper_of(self, note_key: str) -> str | None:
        entry = self.notes.get(note_key)
        pid = entry.get("paperId") if entry else None
        return pid if isinstance(pid, str) else None

    def note_papers(self) -> dict[str, str]:
        """paperId -> note key, for the notes that are resolved."""
        return {pid: key for key in sorted(self.notes) if (pid := self.paper_of(key))}

    def find(self, ref: PaperRef) -> str | None:
        """The stored paper ``ref`` names (by paperId, DOI, arXiv id or CorpusId), if any."""
        if ref.kind == "s2" and not ref.api_id.startswith("CorpusId:"):
            return ref.api_id if ref.api_id in self.papers else None
        if ref.kind == "title":
            return None
        if self._index is None or self._indexed != len(self.papers):
            index: dict[str, str] = {}
            for pid, paper in sorted(self.papers.items()):
                ids = paper.get("externalIds") or {}
                for name, kind in (("DOI", "doi"), ("ArXiv", "arxiv"), ("CorpusId", "corpusid")):
                    if ids.get(name):
                        index.setdefault(f"{kind}:{clean_arxiv(str(ids[name])) if kind == 'arxiv' else ids[name]}"
                                         .lower(), pid)
            self._index, self._indexed = index, len(self.papers)
        return self._index.get(ref_name(ref))

    def link_ids(self, table: dict[str, dict], paper_id: str) -> list[dict]:
        entry = table.get(paper_id)
        items = entry.get("items") if entry else None
        return [i for i in items or [] if isinstance(i, dict) and isinstance(i.get("paperId"), str)]

    # -- writing -------------------------------------------------------------------------------
    def add_paper(self, raw: dict[str, Any], fetched: str) -> str | None:
        pid = raw.get("paperId")
        if not isinstance(pid, str) or not pid:
            return None
        record = paper_record(raw, fetched)
        old = self.papers.get(pid)
        if old and "abstract" in old and "abstract" not in record:  # a list item without one
            record["abstract"] = old["abstract"]
        self.papers[pid] = record
        return pid

    def set_links(self, table: dict[str, dict], paper_id: str, items: list[dict], *, fetched: str,
                  complete: bool, unlinked: int = 0, next_offset: int | None = None,
                  newest_first: bool = False) -> None:
        unique = list({i["paperId"]: i for i in items}.values())
        if newest_first:
            unique.sort(key=lambda i: (_year(self.papers.get(i["paperId"])),
                                       str((self.papers.get(i["paperId"]) or {}).get("publicationDate") or ""),
                                       i["paperId"]), reverse=True)
        else:
            unique.sort(key=lambda i: i["paperId"])
        entry: dict[str, Any] = {"fetched": fetched, "complete": complete, "items": unique}
        if unlinked:
            entry["unlinked"] = unlinked
        if not complete and next_offset is not None:
            entry["next"] = next_offset  # where an interrupted fetch goes on
        table[paper_id] = entry

    def to_json(self) -> str:
        """Sorted keys, one value a line; a citation or reference is one line of its own (a diff
        then shows each citation added or lost, and the file stays about half the size)."""
        sections = {"format": FORMAT, "notes": self.notes, "unresolved": self.unresolved, "papers": self.papers,
                    "references": self.references, "citations": self.citations}
        out = ["{"]
        for index, name in enumerate(sorted(sections)):
            value = sections[name]
            text = _links_json(value) if name in ("references", "citations") else _indented(value, 1)
            out.append(f' "{name}": {text}' + ("," if index < len(sections) - 1 else ""))
        out.append("}")
        return "\n".join(out) + "\n"

    def save(self) -> None:
        """Write atomically: an interrupted save leaves the previous file whole."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = self.to_json()
        fd, tmp = tempfile.mkstemp(prefix=".scholar-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise


# -- dismissed papers -------------------------------------------------------------------------
def dismissed_path(notes_dir: Path) -> Path:
    return Path(notes_dir) / STORE_DIR / DISMISSED_NAME


def read_dismissed(notes_dir: Path) -> set[str]:
    """Ids in dismissed.txt (one a line, ``#`` starts a comment), folded to lower case."""
    path = dismissed_path(notes_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    found = set()
    for line in text.splitlines():
        value = line.split("#", 1)[0].strip()
        if value:
            found.add(value.lower())
    return found


def ref_name(ref: PaperRef) -> str:
    """How a paper id is written in dismissed.txt and matched: a paperId, doi:…, arxiv:…, corpusid:N."""
    if ref.kind == "doi":
        return "doi:" + ref.api_id[4:].lower()
    if ref.kind == "arxiv":
        return "arxiv:" + ref.api_id[6:].lower()
    if ref.api_id.startswith("CorpusId:"):
        return "corpusid:" + ref.api_id.split(":", 1)[1]
    return ref.api_id.lower()


def is_dismissed(paper: dict, dismissed: set[str]) -> bool:
    if not dismissed:
        return False
    if str(paper.get("paperId", "")).lower() in dismissed:
        return True
    ids = paper.get("externalIds") or {}
    names = {"DOI": "doi", "ArXiv": "arxiv", "CorpusId": "corpusid"}
    return any(f"{prefix}:{clean_arxiv(str(ids[name])) if name == 'ArXiv' else ids[name]}".lower() in dismissed
               for name, prefix in names.items() if ids.get(name))
