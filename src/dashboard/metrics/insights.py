"""'What changed most', in words: the largest KPI moves and the platform that drove each.

Returns i18n keys with parameters so the sentences come out in either language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from dashboard.metrics.filters import Filters
from dashboard.metrics.kpis import breakdown, change, kpi_comparison
from dashboard.metrics.registry import METRICS
from dashboard.store.db import Store

WATCHED = ("followers_net", "impressions", "reach", "views", "interactions", "engagement_rate", "posts")
MIN_RELATIVE_CHANGE = 0.10  # smaller moves are noise for a weekly review


@dataclass(frozen=True)
class Insight:
    key: str  # i18n key of the sentence
    metric: str
    change: float  # relative change
    good: bool  # in the metric's better direction
    params: dict[str, Any]


def biggest_changes(store: Store, filters: Filters, limit: int = 3) -> list[Insight]:
    both = kpi_comparison(store, filters, WATCHED)
    moves = []
    for key in WATCHED:
        relative = change(both["current"][key], both["previous"][key])
        if relative is None or abs(relative) < MIN_RELATIVE_CHANGE:
            continue
        moves.append((abs(relative), key, relative))
    moves.sort(reverse=True)
    if not moves:
        return []
    now = breakdown(store, filters, [k for _, k, _ in moves[:limit]])
    before = breakdown(store, filters.previous(), [k for _, k, _ in moves[:limit]])
    insights = []
    for _, key, relative in moves[:limit]:
        metric = METRICS[key]
        good = (relative > 0) == (metric.better == "up")
        driver = _driver(now, before, key, relative)
        params = {"current": both["current"][key], "previous": both["previous"][key], "change": relative}
        sentence = "insight.up" if relative > 0 else "insight.down"
        if driver:
            sentence += "_driver"
            params.update(driver)
        insights.append(Insight(sentence, key, relative, good, params))
    return insights


def _driver(now: pl.DataFrame, before: pl.DataFrame, key: str, relative: float) -> dict[str, Any] | None:
    """The platform whose own change moved the total most in the same direction (additive metrics)."""
    if not METRICS[key].additive or now.is_empty() or key not in now.columns:
        return None
    joined = now.select("platform", pl.col(key).alias("now"))
    if not before.is_empty() and key in before.columns:
        joined = joined.join(before.select("platform", pl.col(key).alias("before")), on="platform", how="full",
                             coalesce=True)
    else:
        joined = joined.with_columns(pl.lit(None, dtype=pl.Float64).alias("before"))
    joined = joined.with_columns((pl.col("now").fill_null(0) - pl.col("before").fill_null(0)).alias("delta"))
    joined = joined.sort("delta", descending=relative > 0)
    top = joined.row(0, named=True)
    if top["delta"] == 0 or (top["delta"] > 0) != (relative > 0):
        return None
    return {"platform": top["platform"], "platform_delta": top["delta"]}
