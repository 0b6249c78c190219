"""KPI values, breakdowns and time series: base sums combined, then the registry's expressions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import polars as pl

from dashboard.metrics.base import base_frame
from dashboard.metrics.filters import Filters
from dashboard.metrics.registry import INTERACTIONS, METRICS, STATES, SUMMED, paired_columns
from dashboard.store.db import Store

_TRUNCATE = {"day": "1d", "week": "1w", "month": "1mo"}
_EPOCH = date(1970, 1, 1)


def _null_preserving_sum(column: str) -> pl.Expr:
    return pl.when(pl.col(column).is_not_null().any()).then(pl.col(column).sum()).alias(column)


def combine(frame: pl.DataFrame, granularity: str | None, by_platform: bool = False) -> pl.DataFrame:
    """Day rows -> one row per bucket (and platform): pairs masked per day, sums per account,
    follower states per account, then sums across accounts."""
    by = ["bucket", "platform"] if by_platform else ["bucket"]
    if frame.is_empty():
        return pl.DataFrame(schema={"bucket": pl.Date, **({"platform": pl.String} if by_platform else {}),
                                    **{c: pl.Float64 for c in (*SUMMED, *STATES)}})
    bucket = pl.lit(_EPOCH) if granularity is None else pl.col("day").dt.truncate(_TRUNCATE[granularity])
    rows = frame.with_columns(INTERACTIONS.alias("interactions")).with_columns(
        *paired_columns(), bucket.alias("bucket"))
    summed = [c for c in SUMMED if c in rows.columns]
    accounts = rows.sort("day").group_by(["bucket", "platform", "account"], maintain_order=True).agg(
        *[_null_preserving_sum(c) for c in summed],
        pl.col("followers").drop_nulls().last().alias("followers_end"),
        pl.col("followers_before").first(),
    ).sort(["platform", "account", "bucket"])
    accounts = accounts.with_columns(
        pl.coalesce(pl.col("followers_end").forward_fill().shift(1).over(["platform", "account"]),
                    pl.col("followers_before")).alias("followers_start"))
    accounts = accounts.with_columns(
        # a platform that gives only totals: net is the change of the total
        pl.coalesce("followers_net", pl.col("followers_end") - pl.col("followers_start")).alias("followers_net"))
    accounts = accounts.with_columns(
        pl.when(pl.col("followers_start").is_not_null()).then(pl.col("followers_net"))
        .alias("followers_net_known_start"))
    return accounts.group_by(by, maintain_order=True).agg(
        *[_null_preserving_sum(c) for c in (*summed, *STATES)]).sort(by)


def evaluate(frame: pl.DataFrame, denominator: str, keys: Iterable[str] | None = None,
             keep: list[str] | None = None) -> pl.DataFrame:
    """The registry's metrics over combined base measures, plus the `keep` columns."""
    keys = list(keys or METRICS)
    return frame.select(*(keep or []), *[METRICS[k].expression(denominator).alias(k) for k in keys])


def _social(store: Store, filters: Filters, granularity: str | None, by_platform: bool) -> pl.DataFrame:
    return combine(base_frame(store, filters), granularity, by_platform)


def _paid(store: Store, filters: Filters, granularity: str | None, by_platform: bool) -> pl.DataFrame:
    from dashboard.metrics.channels import paid_measures  # channels builds on this module

    return paid_measures(store, filters, granularity, by_platform)


# Metric.source -> its base measures, summed per bucket (and platform; for paid: the channel)
SOURCES: dict[str, Callable[[Store, Filters, str | None, bool], pl.DataFrame]] = {"social": _social, "paid": _paid}


def measures(store: Store, filters: Filters, granularity: str | None, by_platform: bool = False,
             keys: Iterable[str] | None = None) -> pl.DataFrame:
    """The base measures of every source the metrics `keys` use, side by side per bucket (and platform)."""
    by = ["bucket", "platform"] if by_platform else ["bucket"]
    names = dict.fromkeys(METRICS[k].source for k in (keys or METRICS))
    frames = [SOURCES[name](store, filters, granularity, by_platform) for name in names]
    merged = frames[0]
    for frame in frames[1:]:
        merged = merged.join(frame, on=by, how="full", coalesce=True)
    return merged.sort(by)


def kpis(store: Store, filters: Filters, keys: Iterable[str] | None = None) -> dict[str, Any]:
    """Every KPI for the period, as plain Python values (None: no data)."""
    keys = None if keys is None else list(keys)
    total = measures(store, filters, None, keys=keys)
    if total.is_empty():
        return dict.fromkeys(keys or METRICS)
    return evaluate(total, filters.denominator, keys).row(0, named=True)


def kpi_comparison(store: Store, filters: Filters, keys: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    keys = list(keys or METRICS)
    return {"current": kpis(store, filters, keys), "previous": kpis(store, filters.previous(), keys)}


def breakdown(store: Store, filters: Filters, keys: Iterable[str] | None = None) -> pl.DataFrame:
    """One row per platform (paid metrics: per channel) with its KPIs."""
    frame = measures(store, filters, None, True, keys)
    return evaluate(frame, filters.denominator, keys, keep=["platform"])


def series(store: Store, filters: Filters, keys: Iterable[str], by_platform: bool = False) -> pl.DataFrame:
    """KPIs per time bucket (filters.granularity), optionally per platform."""
    frame = measures(store, filters, filters.granularity, by_platform, keys)
    by = ["bucket", "platform"] if by_platform else ["bucket"]
    return evaluate(frame, filters.denominator, keys, keep=by)


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change; None when either side is unknown or the previous value is zero."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous)
