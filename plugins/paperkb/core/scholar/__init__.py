"""Semantic Scholar: the Graph API client, the store in the notes folder, and what is computed from it."""
