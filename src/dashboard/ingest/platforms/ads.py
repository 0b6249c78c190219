"""ads exports (see FORMATS.md)."""

SPECS: list = []
