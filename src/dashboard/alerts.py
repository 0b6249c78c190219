"""Alerts (DESIGN.md section 6): robust anomaly flags on daily series, spend without conversions,
and days with too many negative comments. No streamlit here; the Alerts page and the weekly
review call `alerts(store, filters)`.

Anomalies (per platform and account, each day of the period)
- The day's value x is compared with the trailing WINDOW_DAYS = 28 days before it (the day itself
  excluded; days without a value are skipped, never read as 0). With fewer than MIN_HISTORY = 14
  known days in that window nothing is flagged.
- normal = median of the window; robust z = (x - median) / (1.4826 x MAD), MAD being the median
  absolute deviation from that median (1.4826 x MAD estimates the standard deviation of normal
  data). When MAD is 0 (more than half the window equal) the scale is 1.2533 x the mean absolute
  deviation instead; when that is 0 too (a flat window) the day is not judged.
- A day is flagged when |z| > THRESHOLD = 3.5 (Iglewicz and Hoaglin's cut-off) in the rule's
  direction and the change is large enough to matter:
  unfollow_spike   followers_lost up, at least 5 more and 50% more than normal; for accounts that
                   report no unfollows, net followers down into a loss of at least 5 below normal
                   (metric followers_net)
  engagement_drop  engagement rate (the workspace denominator) down at least 20% below normal
  reach_collapse   reach (impressions where the account reports no reach) down at least 30%
- spend_no_conversions: per channel, account and campaign, daily ad rows (date_start = date_end)
  with spend > 0 and conversions 0 or unknown on SPEND_STREAK_DAYS = 3 or more consecutive days;
  one alert per streak that reaches that length inside the period (streaks are traced back up to
  90 days), dated on its last day in the period, value = spend over the streak so far, days = its
  length. Range rows (a monthly report) cannot say which days converted and are not judged.
- negative_comments: a day and platform with at least MIN_COMMENTS = 10 comments whose negative
  share (metrics.comments) is above the negative_comment_share target that applies that day (the
  default 5% when there is none); normal = that target.

Every alert: kind, metric, platform, account, channel, campaign, date, start_date, value, normal,
robust_z, change ((value - normal) / |normal|), days, page (the page key that shows it).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import polars as pl

from dashboard.metrics.base import base_frame
from dashboard.metrics.comments import daily_comment_stats
from dashboard.metrics.filters import Filters
from dashboard.metrics.kpis import combine, evaluate
from dashboard.store.db import Store

WINDOW_DAYS = 28
MIN_HISTORY = 14
THRESHOLD = 3.5
MAD_SCALE = 1.4826
MEAN_AD_SCALE = 1.2533
SPEND_STREAK_DAYS = 3
STREAK_LOOKBACK_DAYS = 90
MIN_COMMENTS = 10
DEFAULT_NEGATIVE_SHARE = 0.05
KINDS = ("unfollow_spike", "engagement_drop", "reach_collapse", "spend_no_conversions", "negative_comments")
PAGE_FOR = {"unfollow_spike": "growth", "engagement_drop": "content", "reach_collapse": "overview",
            "spend_no_conversions": "channels", "negative_comments": "alerts"}
ALERT_SCHEMA: dict[str, Any] = {
    "kind": pl.String, "metric": pl.String, "platform": pl.String, "account": pl.String, "channel": pl.String,
    "campaign": pl.String, "date": pl.Date, "start_date": pl.Date, "value": pl.Float64, "normal": pl.Float64,
    "robust_z": pl.Float64, "change": pl.Float64, "days": pl.Int64, "page": pl.String,
}
_SEP = "\x1f"


@dataclass(frozen=True)
class Flag:
    index: int
    value: float
    median: float
    z: float


def robust_flags(values: Sequence[float | None], *, window: int = WINDOW_DAYS, min_history: int = MIN_HISTORY,
                 threshold: float = THRESHOLD, direction: str = "both", start: int = 0) -> list[Flag]:
    """Flags on a daily series (one value per consecutive day, None where unknown) from index
    `start` on: the day against the median and MAD of the `window` days before it."""
    flags = []
    for index in range(max(start, 0), len(values)):
        x = values[index]
        if x is None:
            continue
        history = [v for v in values[max(0, index - window):index] if v is not None]
        if len(history) < min_history:
            continue
        median = statistics.median(history)
        deviations = [abs(v - median) for v in history]
        scale = MAD_SCALE * statistics.median(deviations)
        if scale == 0:
            scale = MEAN_AD_SCALE * statistics.fmean(deviations)
        if scale == 0:
            continue
        z = (x - median) / scale
        if (direction in ("up", "both") and z > threshold) or (direction in ("down", "both") and z < -threshold):
            flags.append(Flag(index, float(x), float(median), z))
    return flags


@dataclass(frozen=True)
class Rule:
    kind: str
    metric: str
    direction: str

    def matters(self, flag: Flag) -> bool:
        """Large enough to act on, beyond being unusual (see the module docstring)."""
        x, normal = flag.value, flag.median
        if self.metric == "followers_lost":
            return x - normal >= max(5.0, 0.5 * normal)
        if self.metric == "followers_net":
            return x < 0 and normal - x >= 5.0
        if self.kind == "engagement_drop":
            return x <= 0.8 * normal
        return x <= 0.7 * normal  # reach collapse


def _change(value: float | None, normal: float | None) -> float | None:
    if value is None or normal is None or normal == 0:
        return None
    return (value - normal) / abs(normal)


def _alert(kind: str, metric: str, day: date, value: float | None, normal: float | None, **where: Any) -> dict:
    row = dict.fromkeys(ALERT_SCHEMA)
    row.update(kind=kind, metric=metric, date=day, start_date=day, value=value, normal=normal,
               change=_change(value, normal), days=1, page=PAGE_FOR[kind])
    row.update(where)
    return row


def daily_account_series(store: Store, filters: Filters) -> pl.DataFrame:
    """Per day, platform and account over the period and the WINDOW_DAYS before it:
    followers_lost, followers_net, engagement_rate (filters.denominator), reach, impressions."""
    wide = replace(filters, start=filters.start - timedelta(days=WINDOW_DAYS), granularity="day")
    frame = base_frame(store, wide)
    keys = ("followers_lost", "followers_net", "engagement_rate", "reach", "impressions")
    schema = {"day": pl.Date, "platform": pl.String, "account": pl.String, **dict.fromkeys(keys, pl.Float64)}
    if frame.is_empty():
        return pl.DataFrame(schema=schema)
    # one "platform" per account: combine() then keeps each account's series apart
    frame = frame.with_columns(pl.concat_str("platform", "account", separator=_SEP).alias("platform"))
    series = evaluate(combine(frame, "day", by_platform=True), wide.denominator, keys, keep=["bucket", "platform"])
    return series.with_columns(
        pl.col("platform").str.split_exact(_SEP, 1).struct.rename_fields(["_p", "account"]).alias("_s"),
    ).unnest("_s").drop("platform").rename({"_p": "platform", "bucket": "day"}).select(list(schema)).cast(schema)


def _daily_values(part: pl.DataFrame, column: str, first: date, last: date) -> list[float | None]:
    known = dict(zip(part["day"].to_list(), part[column].to_list(), strict=True))
    return [known.get(first + timedelta(days=i)) for i in range((last - first).days + 1)]


def _known(values: Iterable[float | None]) -> int:
    return sum(v is not None for v in values)


def anomaly_alerts(store: Store, filters: Filters, kinds: Sequence[str] = KINDS) -> list[dict[str, Any]]:
    series = daily_account_series(store, filters)
    out: list[dict[str, Any]] = []
    if series.is_empty():
        return out
    first = filters.start - timedelta(days=WINDOW_DAYS)
    offset = WINDOW_DAYS
    for (platform, account), part in series.group_by("platform", "account", maintain_order=True):
        rules: list[tuple[Rule, list[float | None]]] = []
        if "unfollow_spike" in kinds:
            lost = _daily_values(part, "followers_lost", first, filters.end)
            if _known(lost):
                rules.append((Rule("unfollow_spike", "followers_lost", "up"), lost))
            else:
                rules.append((Rule("unfollow_spike", "followers_net", "down"),
                              _daily_values(part, "followers_net", first, filters.end)))
        if "engagement_drop" in kinds:
            rules.append((Rule("engagement_drop", "engagement_rate", "down"),
                          _daily_values(part, "engagement_rate", first, filters.end)))
        if "reach_collapse" in kinds:
            reach = _daily_values(part, "reach", first, filters.end)
            metric = "reach" if _known(reach) else "impressions"
            rules.append((Rule("reach_collapse", metric, "down"),
                          reach if metric == "reach" else _daily_values(part, "impressions", first, filters.end)))
        for rule, values in rules:
            for flag in robust_flags(values, direction=rule.direction, start=offset):
                if rule.matters(flag):
                    row = _alert(rule.kind, rule.metric, first + timedelta(days=flag.index), flag.value, flag.median,
                                 platform=platform, account=account)
                    row["robust_z"] = flag.z
                    out.append(row)
    return out


def spend_alerts(store: Store, filters: Filters, streak_days: int = SPEND_STREAK_DAYS) -> list[dict[str, Any]]:
    """Streaks of days with spend and no conversion (daily ad rows), see the module docstring."""
    scope = "list_contains(?, channel)" if filters.platforms else "TRUE"
    params = [list(filters.platforms)] if filters.platforms else []
    lookback = filters.start - timedelta(days=STREAK_LOOKBACK_DAYS)
    frame = store.frame(
        f"""WITH days AS (
                SELECT channel, account, campaign, date_start AS day, sum(spend) AS spend,
                       sum(conversions) AS conversions
                FROM ad_stats WHERE date_start = date_end AND date_start BETWEEN ? AND ? AND {scope}
                GROUP BY ALL),
            dry AS (SELECT *, day - CAST(row_number() OVER (PARTITION BY channel, account, campaign ORDER BY day)
                                         AS INTEGER) AS run
                    FROM days WHERE spend > 0 AND coalesce(conversions, 0) = 0)
            SELECT channel, account, campaign, min(day) AS first_day, max(day) AS last_day,
                   list(spend ORDER BY day) AS spends
            FROM dry GROUP BY channel, account, campaign, run ORDER BY last_day, channel, campaign""",
        [lookback, filters.end, *params])
    out = []
    for row in frame.iter_rows(named=True):
        last = min(row["last_day"], filters.end)
        length = (last - row["first_day"]).days + 1
        if length < streak_days or last < filters.start:
            continue
        if row["first_day"] + timedelta(days=streak_days - 1) > filters.end:
            continue
        alert = _alert("spend_no_conversions", "spend", last, float(sum(row["spends"][:length])), None,
                       channel=row["channel"], account=row["account"], campaign=row["campaign"])
        alert.update(start_date=row["first_day"], days=length, normal=0.0, change=None)
        out.append(alert)
    return out


def comment_alerts(store: Store, filters: Filters, min_comments: int = MIN_COMMENTS) -> list[dict[str, Any]]:
    from dashboard.targets import applicable_target, has_started  # targets builds on metrics, as alerts does

    daily = daily_comment_stats(store, filters)
    out = []
    limits: dict[tuple[str, date], float] = {}
    for row in daily.filter(pl.col("comments") >= min_comments).iter_rows(named=True):
        key = (row["platform"], row["day"])
        if key not in limits:
            limit = None
            for platform in (row["platform"], None):
                target = applicable_target(store, "negative_comment_share", platform, row["day"])
                if target and has_started(target, row["day"]):
                    limit = target["value"]
                    break
            limits[key] = DEFAULT_NEGATIVE_SHARE if limit is None else float(limit)
        if row["negative_share"] > limits[key]:
            out.append(_alert("negative_comments", "negative_comment_share", row["day"], row["negative_share"],
                              limits[key], platform=row["platform"]))
    return out


def alerts(store: Store, filters: Filters, kinds: Sequence[str] = KINDS) -> pl.DataFrame:
    """Every alert dated inside filters' period (ALERT_SCHEMA), newest first, the furthest from
    normal first within a day. Platforms in the filters narrow platforms and ad channels; accounts
    narrow the account series."""
    rows: list[dict[str, Any]] = []
    if {"unfollow_spike", "engagement_drop", "reach_collapse"} & set(kinds):
        rows += anomaly_alerts(store, filters, kinds)
    if "spend_no_conversions" in kinds:
        rows += spend_alerts(store, filters)
    if "negative_comments" in kinds:
        rows += comment_alerts(store, filters)
    rows = [r for r in rows if filters.start <= r["date"] <= filters.end]
    if not rows:
        return pl.DataFrame(schema=ALERT_SCHEMA)
    frame = pl.DataFrame(rows, schema=ALERT_SCHEMA, orient="row")
    return frame.sort(["date", pl.col("robust_z").abs(), "kind", "platform", "account"],
                      descending=[True, True, False, False, False], nulls_last=True)
