"""The example site's own hook: every example note must link the paper it summarises."""

from __future__ import annotations

from ..conftest import REPO, note


def test_example_quality_hook_flags_notes_without_a_paper_link(site_builder):
    site = site_builder(
        {
            "papers/linked.md": note("Linked", year=2020, arxiv="1706.03762"),
            "papers/unlinked.md": note("Unlinked", year=2020),
        },
        config={"hooks": [str(REPO / "hooks" / "example_quality.py")]},
    )
    warnings = site.warnings()
    assert "WARNING: notes/papers/unlinked.md:1: example notes must link the paper (links.paper, arxiv or doi)" in warnings
    assert not [w for w in warnings if "linked.md" in w and "unlinked" not in w]
