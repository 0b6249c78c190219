"""xiaohongshu exports (see FORMATS.md)."""

SPECS: list = []
