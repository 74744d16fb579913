"""The ``[idea]`` / ``[想法]`` badge on insight bullets, on every page (render/insight_marks.py)."""

from __future__ import annotations

from ..core.body_scan import LineTransform
from ..render.insight_marks import has_insight_marks, insight_mark
from .feature import Feature, PageRender


class InsightMarks(Feature):
    def prose_transforms(self, page: PageRender, markdown: str) -> list[LineTransform]:
        return [insight_mark] if has_insight_marks(markdown) else []
