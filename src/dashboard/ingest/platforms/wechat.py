"""wechat exports (see FORMATS.md)."""

SPECS: list = []
