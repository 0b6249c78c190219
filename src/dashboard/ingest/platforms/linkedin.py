"""linkedin exports (see FORMATS.md)."""

SPECS: list = []
