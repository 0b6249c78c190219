"""CSV for downloads, safe to open in a spreadsheet (DESIGN.md section 8).

A text cell that starts with = + - @ (or a tab / carriage return) would run as a formula in Excel or
WPS; it gets a leading single quote. Numbers stay numbers. Files carry a UTF-8 BOM so that Excel
reads Chinese correctly.
"""

from __future__ import annotations

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = r"^[=+\-@\t\r]"


def neutralise(text: str) -> str:
    """One text value as it is safe to write in a spreadsheet cell."""
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column neutralised (the same rule as `neutralise`, done by Polars)."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_PATTERN)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text)


def csv_bytes(frame: pl.DataFrame, headers: dict[str, str] | None = None) -> bytes:
    """The frame as CSV (BOM, neutralised text cells), columns renamed by `headers` where given."""
    safe = safe_frame(frame)
    if headers:
        safe = safe.rename({k: v for k, v in headers.items() if k in safe.columns})
    return ("\ufeff" + safe.write_csv()).encode("utf-8")
