"""What a note's card shows from Semantic Scholar: citation counts with the date they were
fetched, a link to the paper's page there, and the abstract (folded) when the note has no
``problem`` of its own. Every value from the API is escaped here, where it lands."""

from __future__ import annotations

from ..core.model import Note
from ..core.scholar.store import ScholarStore, parse_stamp
from .escape import Markup, html

S2_PAPER_URL = "https://www.semanticscholar.org/paper/{}"


def paper_url(paper_id: str) -> str:
    return S2_PAPER_URL.format(paper_id)


def _count(value: object) -> str | None:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else None


def scholar_card(note: Note, store: ScholarStore | None) -> Markup:
    """The Semantic Scholar lines of ``note``'s card ("" when the store knows nothing of it)."""
    pid = store.paper_of(note.key) if store else None
    paper = store.papers.get(pid) if store and pid else None
    if not paper:
        return Markup("")
    facts = []
    cited = _count(paper.get("citationCount"))
    if cited is not None:
        facts.append(html('<span class="pkb-scholar__count">{}</span> citations', cited))
    influential = _count(paper.get("influentialCitationCount"))
    if influential is not None:
        facts.append(html('<span class="pkb-scholar__count">{}</span> influential', influential))
    fetched = parse_stamp(paper.get("fetched"))
    when = html(' <span class="pkb-scholar__date">(fetched {})</span>', fetched.date().isoformat()) if fetched else ""
    link = html('<a class="pkb-link pkb-link--s2" href="{}">Semantic Scholar</a>', paper_url(pid))
    counts = Markup(" · ").join(facts)
    parts = [html('<p class="pkb-card__scholar">{}{}{}{}</p>', counts, when, Markup(" · ") if facts else "", link)]
    abstract = " ".join(str(paper.get("abstract") or "").split())
    if abstract and not note.problem:
        parts.append(html('<details class="pkb-abstract"><summary>Abstract (Semantic Scholar)</summary>'
                          '<p>{}</p></details>', abstract))
    # "[" as an entity: no wikilink or citation pass of the page can act on API text.
    return Markup(str(Markup("\n").join(parts)).replace("[", "&#91;"))
