"""tiktok exports (see FORMATS.md)."""

SPECS: list = []
