"""The metric catalogue (DESIGN.md section 4): one definition per key.

A metric is a Polars expression over the summed base measures of `base.py`, so the same
definition gives a period total, a per-platform breakdown and a time series. Names and formula
texts live in the i18n catalogue under `metric.<key>` and `formula.<key>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from dashboard.metrics.base import DAILY_ONLY, SHARED

# numerator/denominator pairs of the catalogue's rates; each pair is summed only over the rows
# where both are known, so a platform that reports likes but no reach cannot inflate a rate
PARTS = ("interactions", "likes", "comments", "shares", "saves")
PAIRS = (*((part, den) for part in PARTS for den in ("reach", "impressions")), ("clicks", "impressions"))
# base columns that are summed when rows are combined (followers are states, handled apart)
SUMMED = (*SHARED, *DAILY_ONLY, "followers_net", "posts", "interactions", "interactions_followers_basis",
          "followers_at_posts", *(f"{p}_followers_basis" for p in PARTS[1:]),
          *(f"{n}__{d}_num" for n, d in PAIRS), *(f"{n}__{d}_den" for n, d in PAIRS))
STATES = ("followers_end", "followers_start", "followers_net_known_start")


def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator, null when either is unknown or the denominator is not positive
    (a period without reach has no engagement rate: shown as 'no data', never 0 or inf)."""
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None)


def null_sum(*columns: str) -> pl.Expr:
    """Sum of the parts that are known; null only when every part is unknown."""
    parts = [pl.col(c) for c in columns]
    return pl.when(pl.any_horizontal([p.is_not_null() for p in parts])).then(pl.sum_horizontal(parts))


INTERACTIONS = null_sum("likes", "comments", "shares", "saves")


def paired_columns(pairs: tuple[tuple[str, str], ...] = PAIRS) -> list[pl.Expr]:
    """Row-level masked numerators and denominators for every pair (added before summing)."""
    exprs = []
    for numerator, denominator in pairs:
        both = pl.col(numerator).is_not_null() & pl.col(denominator).is_not_null()
        exprs.append(pl.when(both).then(pl.col(numerator)).alias(f"{numerator}__{denominator}_num"))
        exprs.append(pl.when(both).then(pl.col(denominator)).alias(f"{numerator}__{denominator}_den"))
    return exprs


def paired(numerator: str, denominator: str) -> pl.Expr:
    return ratio(pl.col(f"{numerator}__{denominator}_num"), pl.col(f"{numerator}__{denominator}_den"))


def _denominator(kind: str) -> Callable[[str], pl.Expr]:
    """part -> rate expression for one denominator (followers: at post time, over posts)."""
    def rate(part: str) -> pl.Expr:
        if kind == "followers":
            return ratio(pl.col(f"{part}_followers_basis"), pl.col("followers_at_posts"))
        return paired(part, kind)
    return rate


@dataclass(frozen=True)
class Metric:
    key: str
    unit: str  # count | rate | seconds | money | multiple (ROAS: 3.2×)
    better: str  # up | down | neutral (spend: more is neither good nor bad)
    additive: bool  # sums over time (pacing scales the target by elapsed time) or a ratio/state
    expression: Callable[[str], pl.Expr]  # denominator kind -> expression over summed base columns
    group: str  # growth | reach | engagement | content | paid
    source: str = "social"  # which base measures it needs (kpis.SOURCES): social | paid


def _fixed(expr: pl.Expr) -> Callable[[str], pl.Expr]:
    return lambda _denominator_kind: expr


def _count(key: str, group: str, column: str | None = None) -> Metric:
    return Metric(key, "count", "up", True, _fixed(pl.col(column or key)), group)


def _rate_of(part: str) -> Callable[[str], pl.Expr]:
    return lambda kind: _denominator(kind)(part)


METRICS: dict[str, Metric] = {m.key: m for m in [
    Metric("followers_end", "count", "up", False, _fixed(pl.col("followers_end")), "growth"),
    Metric("followers_start", "count", "up", False, _fixed(pl.col("followers_start")), "growth"),
    Metric("followers_net", "count", "up", True, _fixed(pl.col("followers_net")), "growth"),
    _count("followers_gained", "growth"),
    Metric("followers_lost", "count", "down", True, _fixed(pl.col("followers_lost")), "growth"),
    Metric("follower_growth_rate", "rate", "up", False,
           _fixed(ratio(pl.col("followers_net_known_start"), pl.col("followers_start"))), "growth"),
    _count("impressions", "reach"),
    _count("reach", "reach"),
    _count("views", "reach"),
    _count("profile_visits", "reach"),
    _count("video_views", "reach"),
    Metric("watch_time_s", "seconds", "up", True, _fixed(pl.col("watch_time_s")), "reach"),
    _count("posts", "content"),
    Metric("interactions", "count", "up", True, _fixed(pl.col("interactions")), "engagement"),
    _count("likes", "engagement"),
    _count("comments", "engagement"),
    _count("shares", "engagement"),
    _count("saves", "engagement"),
    _count("clicks", "engagement"),
    Metric("engagement_rate", "rate", "up", False, _rate_of("interactions"), "engagement"),
    Metric("engagement_rate_reach", "rate", "up", False, _fixed(_denominator("reach")("interactions")), "engagement"),
    Metric("engagement_rate_impressions", "rate", "up", False,
           _fixed(_denominator("impressions")("interactions")), "engagement"),
    Metric("engagement_rate_followers", "rate", "up", False,
           _fixed(_denominator("followers")("interactions")), "engagement"),
    Metric("like_rate", "rate", "up", False, _rate_of("likes"), "engagement"),
    Metric("comment_rate", "rate", "up", False, _rate_of("comments"), "engagement"),
    Metric("share_rate", "rate", "up", False, _rate_of("shares"), "engagement"),
    Metric("save_rate", "rate", "up", False, _rate_of("saves"), "engagement"),
    Metric("ctr", "rate", "up", False, _fixed(paired("clicks", "impressions")), "engagement"),
]}

# metrics whose value depends on the chosen engagement denominator (shown beside the rate)
DENOMINATOR_DEPENDENT = frozenset({"engagement_rate", "like_rate", "comment_rate", "share_rate", "save_rate"})


# -- paid and channels (DESIGN.md section 4): over the channel measures of metrics/channels.py ------
# ad impressions/clicks are their own keys (the social impressions/clicks come from other tables);
# every ratio pairs numerator and denominator channel by channel, so organic revenue cannot inflate
# ROAS and a channel without clicks cannot deflate CVR
PAID_PAIRS = (("spend", "ad_impressions"), ("spend", "ad_clicks"), ("ad_clicks", "ad_impressions"),
              ("conversions", "ad_clicks"), ("spend", "conversions"), ("revenue", "spend"), ("revenue", "cost"),
              ("cost", "new_customers"))


def _paid(key: str, unit: str, better: str, expr: pl.Expr, additive: bool = False) -> Metric:
    return Metric(key, unit, better, additive, _fixed(expr), "paid", "paid")


METRICS.update({m.key: m for m in [
    _paid("spend", "money", "neutral", pl.col("spend"), True),
    _paid("manual_cost", "money", "neutral", pl.col("manual_cost"), True),
    _paid("cost", "money", "neutral", pl.col("cost"), True),
    _paid("ad_impressions", "count", "up", pl.col("ad_impressions"), True),
    _paid("ad_clicks", "count", "up", pl.col("ad_clicks"), True),
    _paid("ad_click_rate", "rate", "up", paired("ad_clicks", "ad_impressions")),
    _paid("cpm", "money", "down", paired("spend", "ad_impressions") * 1000),
    _paid("cpc", "money", "down", paired("spend", "ad_clicks")),
    _paid("conversions", "count", "up", pl.col("conversions"), True),
    _paid("cvr", "rate", "up", paired("conversions", "ad_clicks")),
    _paid("cpa", "money", "down", paired("spend", "conversions")),
    _paid("conversion_value", "money", "up", pl.col("conversion_value"), True),
    _paid("revenue", "money", "up", pl.col("revenue"), True),
    _paid("roas", "multiple", "up", paired("revenue", "spend")),
    _paid("roi", "rate", "up", ratio(pl.col("revenue__cost_num") - pl.col("revenue__cost_den"),
                                     pl.col("revenue__cost_den"))),
    _paid("new_customers", "count", "up", pl.col("new_customers"), True),
    _paid("cac", "money", "down", paired("cost", "new_customers")),
]})
