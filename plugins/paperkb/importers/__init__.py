"""Bring existing notes in and take them out again (no MkDocs import).

- ``readme``: the hand-written reading-list README (``### 2022 - [Title](url)`` entries under
  ``## Field`` sections) to one note per entry, and the notes back to such a README.
- ``posts``: Hexo / Astro / Jekyll blog posts to mkdocs-material blog posts.
- ``writer``: the shared safe writer (never overwrites, dry-run, summary) every importer uses.
"""
