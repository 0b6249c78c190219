"""Helpers shared by the validated editors (targets, action items, costs)."""

from __future__ import annotations

import math
from typing import Any


def is_blank(value: Any) -> bool:
    """An editor cell the user left empty: None, NaN (pandas-backed editors) or whitespace."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()
