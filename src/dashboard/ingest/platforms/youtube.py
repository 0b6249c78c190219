"""youtube exports (see FORMATS.md)."""

SPECS: list = []
