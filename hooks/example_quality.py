"""Site-only quality gate for the example knowledge base.

The example notes are a showcase of real papers: every one must point at the paper itself
(a `links.paper` URL, an `arxiv` id or a `doi`), so readers can check our summaries.
This is a policy of this site, not of paperkb, hence a hook and not a plugin option."""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

log = logging.getLogger("mkdocs.hooks.example_quality")


@event_priority(-100)  # after paperkb has loaded the notes
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    paperkb = config.plugins.get("paperkb")
    library = getattr(paperkb, "library", None)
    for note in library or ():
        if not (note.links.get("paper") or note.arxiv or note.doi):
            log.warning(f"{note.display_path}:1: example notes must link the paper (links.paper, arxiv or doi)")
    return files
