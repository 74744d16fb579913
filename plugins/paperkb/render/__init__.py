"""Renderers: records in, Markdown / HTML / SVG strings out (no MkDocs imports)."""
