"""What a paper link says about the paper: arXiv id, DOI and venue, from the URL alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

# New-style ids (2203.15556, 0704.0001) and old-style ones (hep-th/9901001, cs.LG/0112017).
_ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_HOSTS = ("arxiv.org", "www.arxiv.org", "export.arxiv.org", "ar5iv.org", "ar5iv.labs.arxiv.org",
                "alphaxiv.org", "www.alphaxiv.org")
_ARXIV_PATH = re.compile(rf"^/(?:abs|pdf|html|format|ps)/{_ARXIV_ID}(?:\.pdf)?/?$")
_HF_PAPER = re.compile(rf"^/papers/{_ARXIV_ID}/?$")
_DOI_PATH = re.compile(r"/doi/(?:abs/|full/|pdf/|epdf/|fullHtml/|book/)?(?P<doi>10\.\d{4,9}/[^?#\s]+)$")
_SPRINGER = re.compile(r"^/(?:article|chapter|content/pdf)/(?P<doi>10\.\d{4,9}/[^?#\s]+?)(?:\.pdf)?$")
_NATURE = re.compile(r"^/articles/(?P<id>s\d{5}-\d{3}-\d{5}-[0-9a-z]|nature\d{5})(?:\.pdf)?$")
_CVF = re.compile(r"^/content(?:/|_)(?P<venue>cvpr|iccv|eccv|wacv|accv)_?(?P<year>\d{4})", re.IGNORECASE)
_ECVA = re.compile(r"^/papers/eccv_(?P<year>\d{4})/", re.IGNORECASE)
_ACL_NEW = re.compile(r"^/(?P<year>\d{4})\.(?P<venue>[a-z]+)[-.]", re.IGNORECASE)
_ACL_OLD = re.compile(r"^/(?:anthology/)?(?P<letter>[PDNEQ])\d{2}-\d{4}")
_ACL_VENUES = {"acl": "ACL", "emnlp": "EMNLP", "naacl": "NAACL", "eacl": "EACL", "findings": "Findings",
               "coling": "COLING", "tacl": "TACL", "conll": "CoNLL", "cl": "Computational Linguistics"}
_ACL_LETTERS = {"P": "ACL", "D": "EMNLP", "N": "NAACL", "E": "EACL", "Q": "TACL"}


@dataclass(frozen=True)
class LinkInfo:
    host: str
    arxiv: str | None = None
    doi: str | None = None
    venue: str | None = None

    @property
    def kind(self) -> str:
        """A word for the summary: arxiv, doi, openreview, cvf, github, ... or 'web'."""
        if self.arxiv:
            return "arxiv"
        for name, hosts in _KINDS.items():
            if any(self.host == h or self.host.endswith("." + h) for h in hosts):
                return name
        return "doi" if self.doi else "web"


_KINDS = {
    "openreview": ("openreview.net",), "cvf": ("thecvf.com",), "acm": ("acm.org",), "github": ("github.com", "github.io"),
    "neurips": ("nips.cc", "neurips.cc"), "pmlr": ("mlr.press",), "acl": ("aclanthology.org", "aclweb.org"),
    "ieee": ("ieee.org",), "springer": ("springer.com",), "forum": ("zhihu.com", "reddit.com", "news.ycombinator.com"),
}


def link_info(url: str) -> LinkInfo:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return LinkInfo(host="")
    host = (parts.hostname or "").lower()
    path = unquote(parts.path)
    arxiv = doi = venue = None
    if host in _ARXIV_HOSTS and (m := _ARXIV_PATH.match(path)):
        arxiv = m.group("id")
    elif host in ("huggingface.co", "www.huggingface.co") and (m := _HF_PAPER.match(path)):
        arxiv = m.group("id")
    elif host in ("doi.org", "dx.doi.org", "www.doi.org") and path.startswith("/10."):
        doi = path[1:]
    elif m := _DOI_PATH.search(path):  # ACM, Wiley, Science, PNAS, Taylor & Francis, ...
        doi = m.group("doi")
    elif host == "link.springer.com" and (m := _SPRINGER.match(path)):
        doi = m.group("doi")
    elif host in ("www.nature.com", "nature.com") and (m := _NATURE.match(path)):
        doi = f"10.1038/{m.group('id')}"
    if host == "openaccess.thecvf.com" and (m := _CVF.match(path)):
        venue = m.group("venue").upper()
    elif host in ("www.ecva.net", "ecva.net") and _ECVA.match(path):
        venue = "ECCV"
    elif host in ("papers.nips.cc", "proceedings.neurips.cc", "papers.neurips.cc"):
        venue = "NeurIPS"
    elif host in ("aclanthology.org", "www.aclweb.org", "aclweb.org"):
        if m := _ACL_NEW.match(path):
            venue = _ACL_VENUES.get(m.group("venue").lower())
        elif m := _ACL_OLD.match(path):
            venue = _ACL_LETTERS[m.group("letter")]
    return LinkInfo(host=host, arxiv=arxiv, doi=doi.rstrip("/") if doi else None, venue=venue)
