"""zhihu exports (see FORMATS.md)."""

SPECS: list = []
