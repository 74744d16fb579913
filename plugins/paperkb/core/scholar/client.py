"""A small client for the Semantic Scholar Graph API v1 (httpx + tenacity).

Only what paperkb needs: paper metadata in batches (``POST /paper/batch``, at most 500 ids a
request), a paper's citations and references page by page (``offset`` / ``limit`` / ``next``),
and the best title match (``/paper/search/match``). Every request is counted (the summary
and the benchmarks report it). 429 and 5xx answers, timeouts and dropped connections are
retried with exponential backoff; a ``Retry-After`` header sets the wait instead. A server
that cannot be reached at all raises ``Unreachable``, whose text is the one line the CLI prints.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ... import __version__

DEFAULT_API = "https://api.semanticscholar.org/graph/v1"
BATCH_SIZE = 500  # the API's limit of ids per POST /paper/batch
PAGE_SIZE = 1000  # the API's limit of citations / references per page
# Fields of a paper paperkb stores (the same for batches, list items and title matches).
PAPER_FIELDS = ("paperId", "externalIds", "url", "title", "year", "venue", "publicationDate", "authors", "abstract",
                "citationCount", "influentialCitationCount", "referenceCount")
LINK_FIELDS = ("intents", "isInfluential")  # what a citation / reference adds to its paper
ATTEMPTS = 5  # per request, the first one included
BACKOFF = 1.0  # seconds before the first retry; doubles each time
MAX_WAIT = 120.0  # never wait longer than this for one retry, whatever Retry-After says


class ScholarError(Exception):
    """A request that failed for good; ``str()`` is one line fit for the terminal."""


class Unreachable(ScholarError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot reach Semantic Scholar at {url}: {reason}")
        self.url = url
        self.reason = reason


class NotFound(ScholarError):
    pass


class _Retryable(Exception):
    """A 429 / 5xx answer worth another try (carries the server's Retry-After, if any)."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = retry_after_seconds(response.headers.get("retry-after"))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def pause(seconds: float) -> None:
    """Wait before a retry (one name, so tests can record the waits instead of sleeping)."""
    time.sleep(seconds)


def api_base() -> str:
    return (os.environ.get("PAPERKB_S2_API") or DEFAULT_API).rstrip("/")


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_offset: int | None


class ScholarClient:
    """Requests to the Graph API; ``requests`` counts those sent, retries included."""

    def __init__(self, base_url: str | None = None, api_key: str | None = None, *, timeout: float = 30.0,
                 attempts: int | None = None, backoff: float | None = None,
                 sleep: Callable[[float], None] | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = (base_url or api_base()).rstrip("/")
        key = api_key if api_key is not None else os.environ.get("S2_API_KEY")
        headers = {"user-agent": f"paperkb/{__version__}"}
        if key:
            headers["x-api-key"] = key
        self.http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout, transport=transport)
        self.attempts = max(1, attempts if attempts is not None else ATTEMPTS)
        self.backoff = backoff if backoff is not None else BACKOFF
        self.sleep = sleep or (lambda seconds: pause(seconds))
        self.requests = 0
        self.waited = 0.0  # seconds spent waiting before retries

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "ScholarClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one request, retried -------------------------------------------------------------------
    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        wait = self.backoff * (2 ** (state.attempt_number - 1))
        if isinstance(error, _Retryable) and error.retry_after is not None:
            wait = error.retry_after
        wait = min(wait, MAX_WAIT)
        self.waited += wait
        return wait

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.requests += 1
        response = self.http.request(method, path, **kwargs)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(response)
        return response

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """The decoded JSON of a successful answer. Raises NotFound (404), Unreachable, ScholarError."""
        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, (_Retryable, httpx.TransportError))),
            stop=stop_after_attempt(self.attempts), wait=self._wait, sleep=self.sleep, reraise=True)
        try:
            response = retrying(self._send, method, path, **kwargs)
        except _Retryable as exc:
            status = exc.response.status_code
            what = "too many requests (HTTP 429; an API key in S2_API_KEY raises the limit)" if status == 429 \
                else f"HTTP {status} {_error_text(exc.response)}".rstrip()
            raise ScholarError(f"Semantic Scholar at {self.base_url} keeps answering {what} "
                               f"after {self.attempts} tries") from None
        except httpx.TimeoutException:
            raise Unreachable(self.base_url, f"no answer within {self.http.timeout.read or 0:g} s") from None
        except httpx.TransportError as exc:
            raise Unreachable(self.base_url, _transport_reason(exc)) from None
        if response.status_code == 404:
            raise NotFound(_error_text(response) or "not found")
        if response.status_code >= 400:
            raise ScholarError(f"Semantic Scholar at {self.base_url} refused {method} {path}: "
                               f"HTTP {response.status_code} {_error_text(response)}".rstrip())
        try:
            return response.json()
        except ValueError:
            raise ScholarError(f"Semantic Scholar at {self.base_url} sent an answer that is not JSON "
                               f"for {method} {path}") from None

    # -- the endpoints --------------------------------------------------------------------------
    def papers(self, ids: list[str], fields: tuple[str, ...] = PAPER_FIELDS) -> Iterator[tuple[list[str], list[dict | None]]]:
        """(ids, papers) per batch of at most 500 ids; a paper is None when the id is unknown."""
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start:start + BATCH_SIZE]
            answer = self.request("POST", "/paper/batch", params={"fields": ",".join(fields)}, json={"ids": chunk})
            if not isinstance(answer, list) or len(answer) != len(chunk):
                raise ScholarError(f"Semantic Scholar at {self.base_url} answered a batch of {len(chunk)} ids "
                                   f"with {len(answer) if isinstance(answer, list) else 'no'} papers")
            yield chunk, [p if isinstance(p, dict) else None for p in answer]

    def links(self, paper_id: str, direction: str, *, limit: int | None = None, start: int = 0,
              page_size: int = PAGE_SIZE,
              fields: tuple[str, ...] = PAPER_FIELDS + LINK_FIELDS) -> Iterator[Page]:
        """The pages of a paper's ``citations`` or ``references`` from ``start`` (at most ``limit`` in all)."""
        assert direction in ("citations", "references")
        offset = start
        while True:
            size = page_size if limit is None else min(page_size, limit - offset)
            if size <= 0:
                return
            answer = self.request("GET", f"/paper/{paper_id}/{direction}",
                                  params={"fields": ",".join(fields), "offset": offset, "limit": size})
            data = answer.get("data") if isinstance(answer, dict) else None
            items = [item for item in data or [] if isinstance(item, dict)]
            next_offset = answer.get("next") if isinstance(answer, dict) else None
            if not isinstance(next_offset, int) or next_offset <= offset or not items:
                next_offset = None
            yield Page(items, next_offset)
            if next_offset is None:
                return
            offset = next_offset

    def match_title(self, title: str, fields: tuple[str, ...] = PAPER_FIELDS) -> dict | None:
        """The API's best match for ``title`` (None when it has none)."""
        try:
            answer = self.request("GET", "/paper/search/match", params={"query": title, "fields": ",".join(fields)})
        except NotFound:
            return None
        data = answer.get("data") if isinstance(answer, dict) else None
        return data[0] if data and isinstance(data[0], dict) else None


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if isinstance(data, dict):
        for key in ("error", "message"):
            if isinstance(data.get(key), str):
                return " ".join(data[key].split())[:200]
    return ""


def _transport_reason(exc: httpx.TransportError) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "Temporary failure in name" in text:
        return "the host name does not resolve (offline?)"
    return text[:200]
