"""BibTeX in and out: read .bib files, complete notes, write BibTeX, format references."""
