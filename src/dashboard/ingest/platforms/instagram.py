"""instagram exports (see FORMATS.md)."""

SPECS: list = []
