"""The web layer: the JSON API, the pages, and the one place errors become HTTP."""
