"""toutiao exports (see FORMATS.md)."""

SPECS: list = []
