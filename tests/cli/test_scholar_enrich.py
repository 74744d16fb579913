"""`paperkb enrich` and the Semantic Scholar client, against a local stand-in of the Graph API."""

from __future__ import annotations

import hashlib
import json
import socket

import pytest

from paperkb.cli import main
from paperkb.core.scholar import client as client_module
from paperkb.core.scholar.client import ScholarClient
from paperkb.core.scholar.store import ScholarStore

from ..conftest import note, write_tree
from ..scholar_fake import (DRAFT_PAPER, GAUSSIANS, INSTANT, MIPNERF, NERF, ZIPNERF, fake_id, radiance_notes,
                           scholar, server_error, too_many_requests, waits)  # noqa: F401 (fixtures)


@pytest.fixture
def notes(tmp_path):
    write_tree(tmp_path / "notes", radiance_notes())
    return tmp_path / "notes"


def _digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.md"))}


def test_enrich_resolves_notes_and_stores_papers_links_and_dates(scholar, notes, capsys, monkeypatch):
    monkeypatch.setenv("S2_API_KEY", "secret-key")
    before = _digest(notes)
    assert main(["enrich", "--notes", str(notes), "-q"]) == 0
    out = capsys.readouterr().out
    assert _digest(notes) == before  # notes are never rewritten

    store = ScholarStore.load(notes)
    by = {key: entry["by"].split(":")[0] for key, entry in store.notes.items()}
    assert by == {"nerf": "arxiv", "mipnerf": "doi", "gaussians": "arxiv", "zipnerf": "title"}
    assert store.paper_of("gaussians") == GAUSSIANS
    assert "draft" not in store.notes and "draft" not in store.unresolved
    assert not any(DRAFT_PAPER in json.dumps(q) or "2401.00001" in json.dumps(q) for _m, _p, q in scholar.requests)
    assert "notes/papers/idea.md:2: not found on Semantic Scholar (tried: doi, title)" in out
    assert store.unresolved["idea"]["tried"] == ["doi", "title"]

    nerf = store.papers[NERF]
    assert nerf["title"].startswith("NeRF") and nerf["year"] == 2020 and nerf["authors"][0] == "B. Mildenhall"
    assert nerf["externalIds"]["ArXiv"] == "2003.08934" and nerf["fetched"].endswith("Z")
    assert nerf["citationCount"] == 5 and "abstract" in nerf
    # References keep their intents; a reference without a paperId is counted, not stored.
    refs = store.references[GAUSSIANS]
    assert refs["complete"] and refs["unlinked"] == 1
    assert {i["paperId"]: i.get("intents") for i in refs["items"]}[MIPNERF] == ["result"]
    # Citations are stored newest first.
    years = [store.papers[i["paperId"]]["year"] for i in store.citations[NERF]["items"]]
    assert years == sorted(years, reverse=True) and len(years) == 5
    assert store.papers[INSTANT]["title"].startswith("Instant")  # a cited paper's metadata came with the list
    assert all(h.get("x-api-key") == "secret-key" for h in scholar.headers)
    assert "4 notes resolved, 1 unresolved" in out and "requests" in out


def test_store_is_deterministic_and_readable(scholar, notes):
    assert main(["enrich", "--notes", str(notes), "-q"]) == 0
    path = notes / ".paperkb" / "scholar.json"
    text = path.read_text(encoding="utf-8")
    store = ScholarStore.load(notes)
    assert store.to_json() == text  # reading and writing again changes nothing
    data = json.loads(text)
    assert list(data["papers"]) == sorted(data["papers"])
    assert text.count("\n") > 200  # one value a line: a diff shows what changed


def test_second_run_makes_no_requests_unless_refresh_or_too_old(scholar, notes, capsys):
    assert main(["enrich", "--notes", str(notes), "-q"]) == 0
    first = len(scholar.requests)
    assert first > 0
    assert main(["enrich", "--notes", str(notes), "-q"]) == 0
    assert len(scholar.requests) == first
    assert "0 requests" in capsys.readouterr().out.splitlines()[-1]
    assert main(["enrich", "--notes", str(notes), "-q", "--max-age", "0"]) == 0
    second = len(scholar.requests)
    assert second > first
    assert main(["enrich", "--notes", str(notes), "-q", "--refresh"]) == 0
    assert len(scholar.requests) > second


def test_requests_stay_within_two_per_note_plus_batches(scholar, notes):
    assert main(["enrich", "--notes", str(notes), "-q"]) == 0
    batches = scholar.count("/paper/batch")
    matches = scholar.count("/search/match")
    links = scholar.count("/citations") + scholar.count("/references")
    assert batches <= 2  # first ids of every note, then the next id of those not found
    assert matches == 2  # zipnerf (title only) and idea (doi unknown)
    assert links <= 2 * 4


def test_citations_are_paginated_and_capped_newest_first(scholar, notes):
    for n in range(2500):
        pid = scholar.add_paper(fake_id(f"citing-{n}"), f"Follow-up {n}", year=2000 + n % 25,
                                date=f"{2000 + n % 25}-01-{1 + n % 28:02d}")
        scholar.cite(pid, ZIPNERF, intents=["background"])
    assert main(["enrich", "--notes", str(notes), "-q", "--max-citations", "2000"]) == 0
    pages = [q for _m, p, q in scholar.requests if p == f"/paper/{ZIPNERF}/citations"]
    assert [(q["offset"], q["limit"]) for q in pages] == [("0", "1000"), ("1000", "1000")]
    stored = ScholarStore.load(notes).citations[ZIPNERF]
    assert len(stored["items"]) == 2000 and not stored["complete"]
    assert ScholarStore.load(notes).papers[stored["items"][0]["paperId"]]["year"] == 2024
    # Asking for more later fetches again; asking for fewer or as many does not.
    count = len(scholar.requests)
    assert main(["enrich", "--notes", str(notes), "-q", "--max-citations", "1500"]) == 0
    assert len(scholar.requests) == count


def test_429_waits_as_retry_after_says_then_succeeds(scholar, notes, waits):
    scholar.fail("/paper/batch", too_many_requests(retry_after=7))
    scholar.fail(f"/paper/{MIPNERF}/references", server_error(), times=2)
    assert main(["enrich", "--notes", str(notes), "-q"]) == 0
    assert waits[0] == 7.0  # Retry-After honoured
    assert waits[1:3] == [client_module.BACKOFF, client_module.BACKOFF * 2]  # 5xx: exponential backoff
    assert ScholarStore.load(notes).references[MIPNERF]["complete"]


def test_persistent_429_is_one_line_and_exit_1(scholar, notes, capsys):
    scholar.fail("/paper/batch", too_many_requests(), times=client_module.ATTEMPTS)
    assert main(["enrich", "--notes", str(notes), "-q"]) == 1
    err = capsys.readouterr().err
    line = [l for l in err.splitlines() if l.startswith("paperkb enrich: Semantic")]
    assert line and "HTTP 429" in line[0] and "Traceback" not in err


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_unreachable_server_is_one_line_and_exit_1(notes, monkeypatch, capsys, waits):
    url = f"http://127.0.0.1:{_closed_port()}/graph/v1"
    monkeypatch.setenv("PAPERKB_S2_API", url)
    assert main(["enrich", "--notes", str(notes), "-q"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"paperkb enrich: cannot reach Semantic Scholar at {url}: connection refused"]
    assert len(waits) == client_module.ATTEMPTS - 1  # retried with backoff before giving up
    assert not (notes / ".paperkb" / "scholar.json").exists()


def test_batches_hold_at_most_500_ids(scholar):
    ids = [f"CorpusId:{n}" for n in range(1, 1201)]
    with ScholarClient(scholar.url) as client:
        answers = list(client.papers(ids))
    assert [len(chunk) for chunk, _ in answers] == [500, 500, 200]
    assert all(p is None for _, papers in answers for p in papers)  # unknown ids: null, not an error
    bodies = [q for m, p, q in scholar.requests if p == "/paper/batch"]
    assert len(bodies) == 3


def test_404_is_not_found_and_null_paper_ids_are_skipped(scholar):
    from paperkb.core.scholar.client import NotFound

    with ScholarClient(scholar.url) as client:
        with pytest.raises(NotFound, match="not found"):
            list(client.links("0" * 40, "citations"))
        assert client.match_title("A title nobody wrote") is None
        page = next(client.links(GAUSSIANS, "references"))
    assert sum(1 for item in page.items if item["citedPaper"]["paperId"] is None) == 1


def test_interrupted_run_keeps_what_it_fetched_and_resumes(scholar, notes, capsys):
    for n in range(1500):
        pid = scholar.add_paper(fake_id(f"late-{n}"), f"Later work {n}", year=2024)
        scholar.cite(pid, ZIPNERF)
    # The second page of Zip-NeRF's citations fails for good: the run stops there.
    scholar.fail(f"/paper/{ZIPNERF}/citations?offset=1000", server_error(), times=client_module.ATTEMPTS)
    assert main(["enrich", "--notes", str(notes), "-q"]) == 1
    assert "keeps answering HTTP 500" in capsys.readouterr().err
    store = ScholarStore.load(notes)
    assert store.paper_of("zipnerf") == ZIPNERF and store.references[MIPNERF]["complete"]
    assert len(store.citations[ZIPNERF]["items"]) == 1000 and store.citations[ZIPNERF]["next"] == 1000
    done = len(scholar.requests)
    assert main(["enrich", "--notes", str(notes), "-q"]) == 0
    again = scholar.requests[done:]
    assert [(p, q.get("offset")) for _m, p, q in again] == [(f"/paper/{ZIPNERF}/citations", "1000")]
    assert ScholarStore.load(notes).citations[ZIPNERF]["complete"]


def test_s2_key_corpus_id_and_semantic_scholar_links_resolve(scholar, tmp_path):
    write_tree(tmp_path / "n", {
        "a.md": note("Whatever title", s2=MIPNERF),
        "b.md": note("Another", links={"s2": f"https://www.semanticscholar.org/paper/Instant-NGP/{INSTANT}"}),
        "c.md": note("Third", s2="CorpusId:%d" % int(NERF[:7], 16)),
    })
    assert main(["enrich", "--notes", str(tmp_path / "n"), "-q"]) == 0
    store = ScholarStore.load(tmp_path / "n")
    assert (store.paper_of("a"), store.paper_of("b"), store.paper_of("c")) == (MIPNERF, INSTANT, NERF)


def test_title_match_needs_equal_normalised_titles(scholar, tmp_path, capsys):
    write_tree(tmp_path / "n", {
        "near.md": note("Zip-NeRF"),  # the stand-in matches it to Zip-NeRF's longer title: not accepted
        "exact.md": note("zip nerf   anti aliased grid based neural radiance fields"),
    })
    assert main(["enrich", "--notes", str(tmp_path / "n"), "-q"]) == 0
    store = ScholarStore.load(tmp_path / "n")
    assert store.paper_of("exact") == ZIPNERF and store.paper_of("near") is None
    assert "near.md:2: not found on Semantic Scholar (tried: title)" in capsys.readouterr().out


def test_progress_bar_on_stderr_unless_quiet(scholar, notes, capsys):
    assert main(["enrich", "--notes", str(notes)]) == 0
    captured = capsys.readouterr()
    assert "references and citations" in captured.err and "references and citations" not in captured.out
    assert main(["enrich", "--notes", str(notes), "-q", "--refresh"]) == 0
    assert capsys.readouterr().err == ""


def test_ctrl_c_keeps_what_was_fetched(scholar, notes, capsys, monkeypatch):
    from paperkb.core.scholar.fetch import Fetcher

    real = Fetcher.ensure_links
    calls = []

    def interrupted(self, pid, direction, limit=None):
        calls.append(pid)
        if len(calls) == 3:  # the second paper's references
            raise KeyboardInterrupt
        return real(self, pid, direction, limit)

    monkeypatch.setattr(Fetcher, "ensure_links", interrupted)
    assert main(["enrich", "--notes", str(notes), "-q"]) == 130
    assert "interrupted; what was fetched is kept" in capsys.readouterr().err
    store = ScholarStore.load(notes)
    assert len(store.notes) == 4 and len(store.citations) == 1


def test_a_store_that_cannot_be_read_is_never_overwritten(scholar, notes, capsys):
    path = notes / ".paperkb" / "scholar.json"
    path.parent.mkdir()
    path.write_text('{"format": 1, <<<<<<< HEAD\n', encoding="utf-8")
    assert main(["enrich", "--notes", str(notes), "-q"]) == 1
    assert "cannot read the Semantic Scholar store" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == '{"format": 1, <<<<<<< HEAD\n'
    assert scholar.requests == []


def test_timeouts_end_as_one_line(httpserver, waits):
    import time

    from paperkb.core.scholar.client import Unreachable

    httpserver.expect_request("/graph/v1/paper/batch").respond_with_handler(lambda r: time.sleep(0.6))
    with ScholarClient(httpserver.url_for("/graph/v1"), timeout=0.2, attempts=2) as client:
        with pytest.raises(Unreachable, match=r"cannot reach Semantic Scholar at .*: no answer within 0.2 s"):
            list(client.papers(["CorpusId:1"]))
    assert waits == [client_module.BACKOFF]


def test_notes_of_a_vault_generated_from_semantic_scholar_resolve(scholar, tmp_path):
    # The shape of public vaults made from Semantic Scholar: `urls:` with a ?sort= query, counts of
    # their own, " - " for the title's colon.
    write_tree(tmp_path / "vault", {
        "2023-3d-gaussian-splatting.md": (
            "---\ntitle: 3D Gaussian Splatting for Real-Time Radiance Field Rendering\nauthors:\n- Bernhard Kerbl\n"
            "numCitedBy: 1200\nref_count: 40\nreading_status: TBD\ntags:\n- gen-from-ref\n- paper\nurls:\n"
            f"- https://www.semanticscholar.org/paper/3D-Gaussian-Splatting-Kerbl/{GAUSSIANS}?sort=total-citations\n"
            "venue: ACM Trans. Graph.\nyear: 2023\n---\n\n# 3D Gaussian Splatting\n"),
        "2020-nerf.md": (
            "---\ntitle: NeRF - Representing Scenes as Neural Radiance Fields for View Synthesis\nyear: 2020\n"
            "numCitedBy: 5000\n---\n"),
    })
    assert main(["enrich", "--notes", str(tmp_path / "vault"), "-q"]) == 0
    store = ScholarStore.load(tmp_path / "vault")
    assert store.notes["2023-3d-gaussian-splatting"]["by"] == f"s2:{GAUSSIANS}"
    assert store.paper_of("2020-nerf") == NERF  # by title: " - " and ":" normalise alike
