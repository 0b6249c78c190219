"""KPI values, breakdowns and time series: base sums combined, then the registry's expressions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from dashboard.metrics.base import base_frame
from dashboard.metrics.filters import Filters
from dashboard.metrics.registry import METRICS, STATES, SUMMED
from dashboard.store.db import Store


def _null_preserving_sum(column: str) -> pl.Expr:
    return pl.when(pl.col(column).is_not_null().any()).then(pl.col(column).sum()).alias(column)


def combine(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Add up base measures over accounts (and platforms) within each group of `by`."""
    columns = [c for c in (*SUMMED, *STATES) if c in frame.columns]
    aggregations = [_null_preserving_sum(c) for c in columns]
    if not by:
        return frame.select(aggregations) if not frame.is_empty() else _empty_row(columns)
    return frame.group_by(by, maintain_order=True).agg(aggregations).sort(by)


def _empty_row(columns: list[str]) -> pl.DataFrame:
    return pl.DataFrame({c: [None] for c in columns}, schema={c: pl.Float64 for c in columns})


def evaluate(frame: pl.DataFrame, denominator: str, keys: Iterable[str] | None = None,
             keep: list[str] | None = None) -> pl.DataFrame:
    """The registry's metrics over combined base measures, plus the `keep` columns."""
    keys = list(keys or METRICS)
    return frame.select(*(keep or []), *[METRICS[k].expression(denominator).alias(k) for k in keys])


def kpis(store: Store, filters: Filters, keys: Iterable[str] | None = None) -> dict[str, Any]:
    """Every KPI for the period, as plain Python values (None: no data)."""
    total = combine(base_frame(store, filters), [])
    return evaluate(total, filters.denominator, keys).row(0, named=True)


def kpi_comparison(store: Store, filters: Filters, keys: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    keys = list(keys or METRICS)
    return {"current": kpis(store, filters, keys), "previous": kpis(store, filters.previous(), keys)}


def breakdown(store: Store, filters: Filters, keys: Iterable[str] | None = None) -> pl.DataFrame:
    """One row per platform with its KPIs."""
    frame = base_frame(store, filters)
    if frame.is_empty():
        return pl.DataFrame()
    return evaluate(combine(frame, ["platform"]), filters.denominator, keys, keep=["platform"])


def series(store: Store, filters: Filters, keys: Iterable[str], by_platform: bool = False) -> pl.DataFrame:
    """KPIs per time bucket (filters.granularity), optionally per platform."""
    frame = base_frame(store, filters, filters.granularity)
    by = ["bucket", "platform"] if by_platform else ["bucket"]
    if frame.is_empty():
        return pl.DataFrame(schema={**{c: pl.Date if c == "bucket" else pl.String for c in by},
                                    **{k: pl.Float64 for k in keys}})
    return evaluate(combine(frame, by), filters.denominator, keys, keep=by)


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change; None when either side is unknown or the previous value is zero."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous)
