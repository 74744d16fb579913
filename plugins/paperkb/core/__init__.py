"""Plain-Python core of paperkb: no MkDocs imports live below this package."""
