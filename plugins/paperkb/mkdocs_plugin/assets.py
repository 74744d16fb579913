"""Where the files paperkb ships to every site (CSS, scripts, KaTeX) live in the package."""

from __future__ import annotations

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
