"""The MkDocs layer: thin event glue over paperkb.core and paperkb.render."""
