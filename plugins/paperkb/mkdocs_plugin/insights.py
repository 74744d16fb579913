"""The ``[idea]`` / ``[想法]`` badge on insight bullets, on every page (render/insight_marks.py)."""

from __future__ import annotations

from ..core.body_scan import LineTransform
from ..render.insight_marks import has_insight_marks, insight_mark_transform
from .feature import Feature, PageRender


class InsightMarks(Feature):
    def prose_transforms(self, page: PageRender, markdown: str) -> list[LineTransform]:
        return [insight_mark_transform(page.hold)] if has_insight_marks(markdown) else []
