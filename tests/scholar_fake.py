"""A local stand-in for the Semantic Scholar Graph API v1, for tests and bench/scholar.py.

It answers the endpoints paperkb uses in the real API's shape (modelled on responses recorded
from the live API: ``POST /paper/batch`` -> a list with ``null`` for unknown ids; citations /
references -> ``{"offset", "next", "data": [{"intents", "isInfluential", "citingPaper" | "citedPaper"}]}``
with ``next`` left out on the last page and ``paperId: null`` for unmatched references;
``/paper/search/match`` -> ``{"data": [{..., "matchScore"}]}`` or 404 ``{"error": "Title match not
found"}``; only the requested fields, plus ``paperId``). Faults are queued per path prefix
(429 with Retry-After, 500)."""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

BATCH_LIMIT = 500
PAGE_LIMIT = 1000


def fake_id(n: int | str) -> str:
    """A 40-hex paperId made from a number or name (stable across runs)."""
    import hashlib

    return hashlib.sha1(str(n).encode()).hexdigest()


@dataclass
class FakeLink:
    paper: str | None  # paperId, or None for a reference Semantic Scholar could not match
    title: str = ""  # shown for unmatched references
    intents: list[str] = field(default_factory=list)
    influential: bool = False


class FakeScholar:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.papers: dict[str, dict[str, Any]] = {}
        self.references: dict[str, list[FakeLink]] = defaultdict(list)
        self.citations: dict[str, list[FakeLink]] = defaultdict(list)
        self.faults: list[tuple[str, Response]] = []  # (path prefix, the answer to give once)
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, query)
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        server.expect_request(re.compile(r"^/graph/v1/.*")).respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/graph/v1")

    # -- building the world --------------------------------------------------------------------
    def add_paper(self, pid: str, title: str, *, year: int | None = None, venue: str = "", authors: list[str] = (),
                  doi: str | None = None, arxiv: str | None = None, corpus: int | None = None,
                  abstract: str | None = None, citations: int | None = None, date: str | None = None) -> str:
        ids: dict[str, Any] = {}
        if doi:
            ids["DOI"] = doi
        if arxiv:
            ids["ArXiv"] = arxiv
        ids["CorpusId"] = corpus if corpus is not None else int(pid[:7], 16)
        self.papers[pid] = {
            "paperId": pid, "externalIds": ids, "url": f"https://www.semanticscholar.org/paper/{pid}",
            "title": title, "abstract": abstract, "venue": venue, "year": year,
            "publicationDate": date or (f"{year}-06-01" if year else None),
            "authors": [{"authorId": str(1000 + i), "name": name} for i, name in enumerate(authors)],
            "citationCount": citations, "influentialCitationCount": 0, "referenceCount": 0,
        }
        return pid

    def cite(self, citing: str, cited: str | None, *, intents: list[str] = (), influential: bool = False,
             title: str = "") -> None:
        """``citing`` cites ``cited`` (None: an unmatched reference of ``citing``)."""
        link = FakeLink(cited, title, list(intents), influential)
        self.references[citing].append(link)
        self.papers[citing]["referenceCount"] = len(self.references[citing])
        if cited is not None:
            self.citations[cited].append(FakeLink(citing, "", list(intents), influential))
            paper = self.papers[cited]
            paper["citationCount"] = max(paper.get("citationCount") or 0, len(self.citations[cited]))

    def fail(self, prefix: str, response: Response, times: int = 1) -> None:
        self.faults.extend([(prefix, response)] * times)

    def count(self, path_part: str = "") -> int:
        return sum(1 for _m, path, _q in self.requests if path_part in path)

    # -- answering -------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        path = request.path[len("/graph/v1"):]
        with self._lock:
            self.requests.append((request.method, path, dict(request.args)))
            self.headers.append({k.lower(): v for k, v in request.headers.items()})
            where = path + (f"?offset={request.args['offset']}" if "offset" in request.args else "")
            for index, (prefix, response) in enumerate(self.faults):
                if where.startswith(prefix):
                    del self.faults[index]
                    return response
        fields = [f for f in request.args.get("fields", "").split(",") if f]
        if path == "/paper/batch" and request.method == "POST":
            return self._batch(request, fields)
        if path == "/paper/search/match":
            return self._match(request.args.get("query", ""), fields)
        match = re.fullmatch(r"/paper/(.+)/(citations|references)", path)
        if match:
            return self._links(match.group(1), match.group(2), request, fields)
        match = re.fullmatch(r"/paper/(.+)", path)
        if match:
            pid = self._lookup(match.group(1))
            return _json(self._shape(pid, fields)) if pid else _not_found(match.group(1))
        return _json({"error": "Not found"}, 404)

    def _lookup(self, api_id: str) -> str | None:
        if api_id in self.papers:
            return api_id
        kind, _, value = api_id.partition(":")
        names = {"DOI": "DOI", "ARXIV": "ArXiv", "CORPUSID": "CorpusId"}
        name = names.get(kind.upper())
        if not name:
            return None
        for pid, paper in self.papers.items():
            if str(paper["externalIds"].get(name, "")).lower() == value.lower():
                return pid
        return None

    def _shape(self, pid: str, fields: list[str]) -> dict:
        paper = self.papers[pid]
        return {"paperId": pid, **{f: paper.get(f) for f in fields if f in paper and f != "paperId"}}

    def _batch(self, request: Request, fields: list[str]) -> Response:
        body = json.loads(request.get_data(as_text=True) or "{}")
        ids = body.get("ids") or []
        if len(ids) > BATCH_LIMIT:
            return _json({"error": f"Too many ids (max {BATCH_LIMIT})"}, 400)
        return _json([self._shape(pid, fields) if (pid := self._lookup(i)) else None for i in ids])

    def _match(self, query: str, fields: list[str]) -> Response:
        def norm(text: str) -> str:
            return " ".join(re.findall(r"\w+", text.casefold()))

        wanted = norm(query)
        for pid, paper in self.papers.items():
            title = norm(paper["title"])
            if wanted and (wanted in title or title in wanted):
                return _json({"data": [{**self._shape(pid, fields), "matchScore": 120.5}]})
        return _json({"error": "Title match not found"}, 404)

    def _links(self, api_id: str, direction: str, request: Request, fields: list[str]) -> Response:
        pid = self._lookup(api_id)
        if pid is None:
            return _not_found(api_id)
        offset = int(request.args.get("offset", 0))
        limit = int(request.args.get("limit", 100))
        if limit > PAGE_LIMIT:
            return _json({"error": f"Requested limit {limit} exceeds {PAGE_LIMIT}"}, 400)
        links = self.references[pid] if direction == "references" else sorted(
            self.citations[pid], key=lambda l: self.papers[l.paper].get("publicationDate") or "", reverse=True)
        side = "citedPaper" if direction == "references" else "citingPaper"
        paper_fields = [f for f in fields if f not in ("intents", "isInfluential", "contexts")]
        data = []
        for link in links[offset: offset + limit]:
            item: dict[str, Any] = {}
            if "intents" in fields:
                item["intents"] = link.intents
            if "isInfluential" in fields:
                item["isInfluential"] = link.influential
            item[side] = self._shape(link.paper, paper_fields) if link.paper else {
                "paperId": None, **({"title": link.title} if "title" in fields else {})}
            data.append(item)
        answer: dict[str, Any] = {"offset": offset, "data": data}
        if offset + limit < len(links):
            answer["next"] = offset + limit
        return _json(answer)


def _json(data: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(data), status=status, headers=headers or {}, content_type="application/json")


def _not_found(api_id: str) -> Response:
    return _json({"error": f"Paper with id {api_id} not found"}, 404)


def too_many_requests(retry_after: int | None = None) -> Response:
    """The API's 429 (its body is a message; the wait is in Retry-After when it sends one)."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return _json({"message": "Too Many Requests. Please wait and try again or apply for a key for higher rate "
                             "limits. https://www.semanticscholar.org/product/api#api-key-form",
                  "code": "429"}, 429, headers)


def server_error() -> Response:
    return _json({"message": "Internal server error"}, 500)


# -- a small radiance-field world shared by the tests --------------------------------------------
NERF = fake_id("nerf")
MIPNERF = fake_id("mipnerf")
GAUSSIANS = fake_id("3dgs")
ZIPNERF = fake_id("zipnerf")
MIPSPLAT = fake_id("mipsplatting")
INSTANT = fake_id("instantngp")
PLENOX = fake_id("plenoxels")
TRANSFORMER = fake_id("transformer")
DRAFT_PAPER = fake_id("draft")


def radiance_world(fake: FakeScholar) -> None:
    """Four papers that have notes, and papers around them that do not."""
    fake.add_paper(NERF, "NeRF: Representing Scenes as Neural Radiance Fields for View Synthesis", year=2020,
                   venue="European Conference on Computer Vision", authors=["B. Mildenhall", "Pratul P. Srinivasan"],
                   arxiv="2003.08934", doi="10.1007/978-3-030-58452-8_24",
                   abstract="We present a method that achieves state-of-the-art results for synthesizing novel views.")
    fake.add_paper(MIPNERF, "Mip-NeRF: A Multiscale Representation for Anti-Aliasing Neural Radiance Fields",
                   year=2021, venue="IEEE International Conference on Computer Vision", authors=["J. Barron"],
                   doi="10.1109/ICCV48922.2021.00580", arxiv="2103.13415",
                   abstract="Mip-NeRF renders anti-aliased conical frustums instead of rays.")
    fake.add_paper(GAUSSIANS, "3D Gaussian Splatting for Real-Time Radiance Field Rendering", year=2023,
                   venue="ACM Transactions on Graphics", authors=["Bernhard Kerbl", "Georgios Kopanas"],
                   arxiv="2308.04079", doi="10.1145/3592433",
                   abstract="Radiance field methods have recently revolutionized novel-view synthesis.")
    fake.add_paper(ZIPNERF, "Zip-NeRF: Anti-Aliased Grid-Based Neural Radiance Fields", year=2023,
                   venue="IEEE International Conference on Computer Vision", authors=["J. Barron"],
                   arxiv="2304.06706", abstract="Zip-NeRF combines grid-based models with anti-aliasing.")
    fake.add_paper(MIPSPLAT, "Mip-Splatting: Alias-free 3D Gaussian Splatting", year=2024,
                   venue="Computer Vision and Pattern Recognition", authors=["Zehao Yu", "Anpei Chen"],
                   arxiv="2311.16493", abstract="An anti-aliasing 3D smoothing filter for Gaussian splatting.")
    fake.add_paper(INSTANT, "Instant Neural Graphics Primitives with a Multiresolution Hash Encoding", year=2022,
                   venue="ACM Transactions on Graphics", authors=["T. Müller", "A. Evans"], doi="10.1145/3528223.3530127",
                   abstract="A multiresolution hash table of trainable feature vectors.")
    fake.add_paper(PLENOX, "Plenoxels: Radiance Fields without Neural Networks", year=2022,
                   venue="Computer Vision and Pattern Recognition", authors=["Sara Fridovich-Keil"], arxiv="2112.05131")
    fake.add_paper(TRANSFORMER, "Attention is All you Need", year=2017, venue="Neural Information Processing Systems",
                   authors=["Ashish Vaswani"], arxiv="1706.03762", citations=100000)
    fake.add_paper(DRAFT_PAPER, "A Draft Paper Nobody Should Ask About", year=2024, arxiv="2401.00001")
    fake.cite(MIPNERF, NERF, intents=["methodology"], influential=True)
    fake.cite(GAUSSIANS, NERF, intents=["background"])
    fake.cite(GAUSSIANS, MIPNERF, intents=["result"])
    fake.cite(GAUSSIANS, INSTANT, intents=["result"])
    fake.cite(GAUSSIANS, PLENOX, intents=["result"])
    fake.cite(GAUSSIANS, None, title="Unpublished lecture notes on splatting")
    fake.cite(ZIPNERF, MIPNERF, intents=["methodology"])
    fake.cite(ZIPNERF, INSTANT, intents=["methodology"])
    fake.cite(ZIPNERF, NERF)
    fake.cite(MIPSPLAT, NERF, intents=["background"])
    fake.cite(MIPSPLAT, MIPNERF, intents=["methodology"])
    fake.cite(MIPSPLAT, GAUSSIANS, intents=["methodology"])
    fake.cite(PLENOX, NERF, intents=["methodology"])


def radiance_notes() -> dict[str, str]:
    """Notes for four of the world's papers (named four different ways), one unknown, one draft."""
    from .conftest import note

    return {
        "papers/nerf.md": note("NeRF: Representing Scenes as Neural Radiance Fields for View Synthesis",
                               year=2020, arxiv="2003.08934", fields=["3D"]),
        "papers/mipnerf.md": note("Mip-NeRF", year=2021, doi="10.1109/ICCV48922.2021.00580", fields=["3D"],
                                  cites=["nerf"], problem="Aliasing when rendering at several scales."),
        "papers/gaussians.md": note("3D Gaussian Splatting for Real-Time Radiance Field Rendering", year=2023,
                                    links={"paper": "https://arxiv.org/abs/2308.04079v2"}, fields=["3D"]),
        "papers/zipnerf.md": note("Zip-NeRF: Anti-Aliased Grid-Based Neural Radiance Fields", year=2023,
                                  fields=["3D"]),
        "papers/idea.md": note("My Own Unpublished Idea About Splats", year=2025, doi="10.9999/nothing"),
        "papers/draft.md": note("A Draft Paper Nobody Should Ask About", arxiv="2401.00001", draft=True),
    }


# -- fixtures (import them into a test module to use them) ------------------------------------------
@pytest.fixture
def waits(monkeypatch):
    """The client's waits before retries, recorded instead of slept."""
    from paperkb.core.scholar import client as client_module

    recorded: list[float] = []
    monkeypatch.setattr(client_module, "pause", recorded.append)
    return recorded


@pytest.fixture
def scholar(httpserver, monkeypatch, waits):
    """The stand-in API holding the radiance-field world; PAPERKB_S2_API points at it."""
    fake = FakeScholar(httpserver)
    monkeypatch.setenv("PAPERKB_S2_API", fake.url)
    monkeypatch.delenv("S2_API_KEY", raising=False)
    radiance_world(fake)
    return fake
