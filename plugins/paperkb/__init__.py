"""paperkb: research-paper reading notes as a cross-linked static site."""

__version__ = "0.1.0"
