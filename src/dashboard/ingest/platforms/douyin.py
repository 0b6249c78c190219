"""douyin exports (see FORMATS.md)."""

SPECS: list = []
