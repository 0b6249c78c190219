"""facebook exports (see FORMATS.md)."""

SPECS: list = []
