"""Base measures: sums per (day, platform, account) from daily account rows and posts.

Account-level figures come from `account_daily`; where a platform/account has no daily value for
a measure in a bucket, the sum over its posts published in that bucket fills in (an X content
export alone still gives impressions). Every KPI of the catalogue is derived from these sums, so
ratios are always ratios of sums.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl

from dashboard.metrics.filters import Filters
from dashboard.metrics.memo import memoised
from dashboard.store.db import Store

# measures summed from both sources (daily wins, posts fill in)
SHARED = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "video_views",
          "watch_time_s", "engagements")
DAILY_ONLY = ("profile_visits", "followers_gained", "followers_lost")
_INTERACTIONS = "coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(saves, 0)"
_PARTS = ("likes", "comments", "shares", "saves")
# per-part sums over the posts whose follower count at publish time is known (the followers denominator)
_FOLLOWER_BASIS = ", ".join(
    f"CAST(sum({m}) FILTER (WHERE followers_at_post IS NOT NULL AND interactions_post IS NOT NULL) AS DOUBLE)"
    f" AS {m}_followers_basis"
    for m in _PARTS)
_ANY_INTERACTION = "(likes IS NOT NULL OR comments IS NOT NULL OR shares IS NOT NULL OR saves IS NOT NULL)"


def bucket_sql(column: str, granularity: str | None) -> str:
    """SQL for the time bucket of a DATE column ('all' for one bucket over the whole period)."""
    if granularity is None:
        return "DATE '1970-01-01'"
    return f"CAST(date_trunc('{ {'day': 'day', 'week': 'week', 'month': 'month'}[granularity] }', {column}) AS DATE)"


def scope_sql(filters: Filters, alias: str = "") -> tuple[str, list[Any]]:
    """Platform/account filter as SQL with bound parameters."""
    prefix = f"{alias}." if alias else ""
    clauses, params = [], []
    if filters.platforms:
        clauses.append(f"list_contains(?, {prefix}platform)")
        params.append(list(filters.platforms))
    if filters.accounts:
        clauses.append(f"list_contains(?, {prefix}account)")
        params.append(list(filters.accounts))
    return (" AND ".join(clauses) or "TRUE"), params


def utc_window(start: date, end: date) -> tuple[datetime, datetime]:
    """A UTC range that holds every instant whose local date is in [start, end] in any time zone
    (offsets stay within ±14 h): a cheap filter on a timestamp column before the time zone
    conversion, which then decides exactly."""
    return (datetime.combine(start - timedelta(days=2), time(), tzinfo=UTC),
            datetime.combine(end + timedelta(days=3), time(), tzinfo=UTC))


@memoised  # the tiles, trends, badges and breakdowns of one page all start here
def base_frame(store: Store, filters: Filters) -> pl.DataFrame:
    """One row per (day, platform, account) with every base measure (nulls where unknown), the
    followers total reported that day, and the last total known before the period."""
    granularity = "day"
    scope, scope_params = scope_sql(filters)
    d_bucket = bucket_sql("date", granularity)
    p_bucket = bucket_sql("local_date", granularity)
    daily_cols = ", ".join(f"CAST(sum({m}) AS DOUBLE) AS {m}" for m in (*SHARED, *DAILY_ONLY))
    post_cols = ", ".join(f"CAST(sum({m}) AS DOUBLE) AS {m}" for m in SHARED)
    merged = ", ".join(f"coalesce(d.{m}, p.{m}) AS {m}" for m in SHARED)
    daily_only = ", ".join(f"d.{m}" for m in DAILY_ONLY)
    sql = f"""
    WITH daily AS (
        SELECT platform, account, {d_bucket} AS bucket, {daily_cols},
               CAST(sum(coalesce(followers_net, followers_gained - followers_lost)) AS DOUBLE) AS followers_net,
               CAST(sum(posts_published) AS DOUBLE) AS posts_published,
               count(*) AS daily_rows
        FROM account_daily WHERE date BETWEEN ? AND ? AND {scope}
        GROUP BY ALL
    ),
    followers_known AS (
        SELECT platform, account, date, followers FROM account_daily WHERE followers IS NOT NULL AND {scope}
    ),
    local_posts AS (
        SELECT *, CAST(timezone(?, published_at) AS DATE) AS local_date,
               CASE WHEN {_ANY_INTERACTION} THEN {_INTERACTIONS} END AS interactions_post
        FROM posts WHERE published_at IS NOT NULL AND {scope} AND published_at >= ? AND published_at < ?
    ),
    posts_in AS (
        SELECT p.*, f.followers AS followers_at_post
        FROM (SELECT * FROM local_posts WHERE local_date BETWEEN ? AND ?) p
        ASOF LEFT JOIN followers_known f
          ON p.platform = f.platform AND p.account = f.account AND p.local_date >= f.date
    ),
    post_sums AS (
        SELECT platform, account, {p_bucket} AS bucket, {post_cols}, CAST(count(*) AS DOUBLE) AS posts,
               CAST(sum(interactions_post) FILTER (WHERE followers_at_post IS NOT NULL) AS DOUBLE)
                   AS interactions_followers_basis,
               {_FOLLOWER_BASIS},
               CAST(sum(followers_at_post) FILTER (WHERE interactions_post IS NOT NULL) AS DOUBLE) AS followers_at_posts
        FROM posts_in GROUP BY ALL
    ),
    followers_end AS (
        SELECT platform, account, {d_bucket} AS bucket, CAST(arg_max(followers, date) AS DOUBLE) AS followers_end
        FROM followers_known WHERE date BETWEEN ? AND ? GROUP BY ALL
    )
    SELECT coalesce(d.bucket, p.bucket) AS bucket, coalesce(d.platform, p.platform) AS platform,
           coalesce(d.account, p.account) AS account, {merged}, {daily_only},
           d.followers_net, coalesce(p.posts, d.posts_published) AS posts,
           p.interactions_followers_basis, {", ".join(f"p.{m}_followers_basis" for m in _PARTS)},
           p.followers_at_posts, f.followers_end AS followers,
           d.daily_rows IS NOT NULL AS has_daily, p.posts IS NOT NULL AS has_posts
    FROM daily d
    FULL OUTER JOIN post_sums p ON d.platform = p.platform AND d.account = p.account AND d.bucket = p.bucket
    LEFT JOIN followers_end f ON f.platform = coalesce(d.platform, p.platform)
         AND f.account = coalesce(d.account, p.account) AND f.bucket = coalesce(d.bucket, p.bucket)
    ORDER BY 1, 2, 3
    """
    params = [filters.start, filters.end, *scope_params, *scope_params, filters.tz, *scope_params,
              *utc_window(filters.start, filters.end), filters.start, filters.end, filters.start, filters.end]
    frame = store.frame(sql, params).rename({"bucket": "day"})
    return _with_followers_before(store, filters, frame)


def _with_followers_before(store: Store, filters: Filters, frame: pl.DataFrame) -> pl.DataFrame:
    """Attach, per platform/account, the last follower total known before the period."""
    scope, scope_params = scope_sql(filters)
    before = store.frame(
        f"SELECT platform, account, CAST(arg_max(followers, date) AS DOUBLE) AS followers_before FROM account_daily "
        f"WHERE followers IS NOT NULL AND date < ? AND {scope} GROUP BY ALL",
        [filters.start, *scope_params],
    )
    if before.is_empty():
        return frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("followers_before"))
    return frame.join(before, on=["platform", "account"], how="left")
