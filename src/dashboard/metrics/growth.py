"""Follower growth: the daily follower series, gained / lost / net per bucket, growth rate, and the
follows that posts brought.

Platforms export followers in different shapes, and the series here says for every day how its
figure was obtained:

- `followers_source`
  - 'reported': the export's total for that day.
  - 'derived_from_deltas': no total that day, but a daily change (net, or gained and lost). Where a
    total is known on an earlier day the value is that total plus the changes since; before the
    first total of an account, that total minus the changes up to it (both `is_total` true). Where
    no total was ever exported (up to the period end) it is the cumulative net change since the
    period start, from a baseline of 0 (`is_total` false): a change, not a follower count.
  - 'carried': no change known that day: the value of the day before, carried forward.
- `net_source`: 'reported' (the export's net), 'gained_minus_lost', 'total_change' (the day's total
  minus the total of the day before), or null (unknown).

Only values with `is_total` count towards followers at the start/end of a bucket and the growth
rate; growth rate = net / followers at the start, as a ratio of sums over the accounts whose start
and net are both known (None when no account has both).

An account's days run from its first to its last day with any follower figure (nothing is
invented after the last export); days before the period still anchor totals and changes.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from dashboard.metrics.base import bucket_sql, scope_sql, utc_window
from dashboard.metrics.filters import Filters
from dashboard.metrics.memo import memoised
from dashboard.store.db import Store

FOLLOWER_SOURCES = ("reported", "derived_from_deltas", "carried")
NET_SOURCES = ("reported", "gained_minus_lost", "total_change")

_ANY_FOLLOWER_FIGURE = ("(followers IS NOT NULL OR followers_gained IS NOT NULL OR followers_lost IS NOT NULL "
                        "OR followers_net IS NOT NULL)")

_SERIES_SCHEMA = {
    "platform": pl.String, "account": pl.String, "date": pl.Date, "followers": pl.Float64,
    "followers_source": pl.String, "is_total": pl.Boolean, "gained": pl.Float64, "lost": pl.Float64,
    "net": pl.Float64, "net_source": pl.String,
}


def _daily_sql(filters: Filters) -> tuple[str, list[Any]]:
    """CTEs ending in `valued`: one row per account and day (whole history up to filters.end, so
    earlier totals anchor the period), with the followers value, its source and the day's net."""
    scope, scope_params = scope_sql(filters)
    sql = f"""
    src AS (
        SELECT platform, account, date,
               CAST(followers AS DOUBLE) AS r_followers, CAST(followers_gained AS DOUBLE) AS r_gained,
               CAST(followers_lost AS DOUBLE) AS r_lost, CAST(followers_net AS DOUBLE) AS r_net
        FROM account_daily
        WHERE {_ANY_FOLLOWER_FIGURE} AND date <= ? AND {scope}
    ),
    spans AS (
        SELECT platform, account, min(date) AS first_day, max(date) AS last_day
        FROM src GROUP BY ALL HAVING max(date) >= ?
    ),
    grid AS (
        SELECT platform, account,
               CAST(unnest(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS DATE) AS date
        FROM spans
    ),
    joined AS (
        SELECT g.platform, g.account, g.date, s.r_followers, s.r_gained, s.r_lost, s.r_net,
               coalesce(s.r_net, s.r_gained - s.r_lost) AS delta
        FROM grid g LEFT JOIN src s ON s.platform = g.platform AND s.account = g.account AND s.date = g.date
    ),
    cumulated AS (
        SELECT *,
               sum(coalesce(delta, 0)) OVER upto AS cum_delta,
               sum(CASE WHEN date >= ? THEN coalesce(delta, 0) ELSE 0 END) OVER upto AS cum_in_period,
               count(delta) FILTER (WHERE date >= ?) OVER upto AS deltas_in_period,
               last_value(r_followers IGNORE NULLS) OVER upto AS anchor_total,
               first_value(r_followers IGNORE NULLS) OVER ahead AS next_total
        FROM joined
        WINDOW upto AS (PARTITION BY platform, account ORDER BY date
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
               ahead AS (PARTITION BY platform, account ORDER BY date
                         ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
    ),
    anchored AS (
        SELECT *,
               last_value(CASE WHEN r_followers IS NOT NULL THEN cum_delta END IGNORE NULLS) OVER
                   (PARTITION BY platform, account ORDER BY date
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS anchor_cum,
               first_value(CASE WHEN r_followers IS NOT NULL THEN cum_delta END IGNORE NULLS) OVER
                   (PARTITION BY platform, account ORDER BY date
                    ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_cum
        FROM cumulated
    ),
    values_pre AS (
        SELECT *,
               CASE WHEN anchor_total IS NOT NULL THEN anchor_total + cum_delta - anchor_cum
                    WHEN next_total IS NOT NULL THEN next_total - (next_cum - cum_delta)
                    WHEN deltas_in_period > 0 THEN cum_in_period END AS followers,
               anchor_total IS NOT NULL OR next_total IS NOT NULL AS is_total
        FROM anchored
    ),
    valued AS (
        SELECT platform, account, date, followers, is_total,
               CASE WHEN r_followers IS NOT NULL THEN 'reported'
                    WHEN delta IS NOT NULL THEN 'derived_from_deltas'
                    ELSE 'carried' END AS followers_source,
               r_gained AS gained, r_lost AS lost,
               coalesce(delta, r_followers - prev_total) AS net,
               CASE WHEN r_net IS NOT NULL THEN 'reported'
                    WHEN delta IS NOT NULL THEN 'gained_minus_lost'
                    WHEN r_followers IS NOT NULL AND prev_total IS NOT NULL THEN 'total_change' END AS net_source,
               coalesce(prev_total, CASE WHEN is_total THEN followers - delta END) AS start_total
        FROM (
            SELECT *, lag(CASE WHEN is_total THEN followers END) OVER
                          (PARTITION BY platform, account ORDER BY date) AS prev_total
            FROM values_pre
        )
    )"""
    params = [filters.end, *scope_params, filters.start, filters.start, filters.start]
    return sql, params


def follower_series(store: Store, filters: Filters) -> pl.DataFrame:
    """Per (platform, account, day) of the period: followers, how that value was obtained, and the
    day's gained, lost and net with the net's source (see the module docstring)."""
    daily, params = _daily_sql(filters)
    sql = f"""
    WITH {daily}
    SELECT platform, account, date, followers, followers_source, is_total,
           gained, lost, net, net_source
    FROM valued WHERE date BETWEEN ? AND ?
    ORDER BY platform, account, date
    """
    frame = store.frame(sql, [*params, filters.start, filters.end])
    return frame if not frame.is_empty() else pl.DataFrame(schema=_SERIES_SCHEMA)


_ACCOUNT_SCHEMA = {
    "bucket": pl.Date, "platform": pl.String, "account": pl.String, "gained": pl.Float64,
    "lost": pl.Float64, "net": pl.Float64, "followers_start": pl.Float64, "followers_end": pl.Float64,
    "growth_rate": pl.Float64, "days": pl.Int64, "days_reported": pl.Int64, "days_derived": pl.Int64,
    "days_derived_total": pl.Int64, "days_carried": pl.Int64, "days_with_value": pl.Int64,
    "days_baseline": pl.Int64, "net_reported": pl.Int64,
    "net_gained_minus_lost": pl.Int64, "net_total_change": pl.Int64, "net_unknown": pl.Int64,
}


def _per_account(store: Store, filters: Filters, granularity: str | None) -> pl.DataFrame:
    """Per (bucket, platform, account): sums of gained/lost/net, followers at the start and end of
    the bucket (totals only), growth rate and how many days came from which source."""
    daily, params = _daily_sql(filters)
    bucket = bucket_sql("date", granularity)
    sql = f"""
    WITH {daily},
    in_period AS (
        SELECT *, {bucket} AS bucket,
               first_value(start_total) OVER (PARTITION BY platform, account, {bucket} ORDER BY date) AS bucket_start
        FROM valued WHERE date BETWEEN ? AND ?
    )
    SELECT bucket, platform, account,
           CAST(sum(gained) AS DOUBLE) AS gained, CAST(sum(lost) AS DOUBLE) AS lost,
           CAST(sum(net) AS DOUBLE) AS net,
           CAST(any_value(bucket_start) AS DOUBLE) AS followers_start,
           CAST(arg_max(followers, date) FILTER (WHERE is_total) AS DOUBLE) AS followers_end,
           CASE WHEN any_value(bucket_start) > 0 AND count(net) > 0
                THEN sum(net) / any_value(bucket_start) END AS growth_rate,
           count(*) AS days,
           count(*) FILTER (WHERE followers_source = 'reported') AS days_reported,
           count(*) FILTER (WHERE followers_source = 'derived_from_deltas') AS days_derived,
           count(*) FILTER (WHERE followers_source = 'derived_from_deltas' AND is_total) AS days_derived_total,
           count(*) FILTER (WHERE followers_source = 'carried' AND followers IS NOT NULL) AS days_carried,
           count(followers) AS days_with_value,
           count(*) FILTER (WHERE NOT is_total AND followers IS NOT NULL) AS days_baseline,
           count(*) FILTER (WHERE net_source = 'reported') AS net_reported,
           count(*) FILTER (WHERE net_source = 'gained_minus_lost') AS net_gained_minus_lost,
           count(*) FILTER (WHERE net_source = 'total_change') AS net_total_change,
           count(*) FILTER (WHERE net_source IS NULL) AS net_unknown
    FROM in_period
    GROUP BY ALL
    ORDER BY bucket, platform, account
    """
    frame = store.frame(sql, [*params, filters.start, filters.end])
    return frame if not frame.is_empty() else pl.DataFrame(schema=_ACCOUNT_SCHEMA)


def _known_sum(column: str) -> pl.Expr:
    return pl.when(pl.col(column).is_not_null().any()).then(pl.col(column).sum()).alias(column)


def growth_table(store: Store, filters: Filters) -> pl.DataFrame:
    """Per bucket (filters.granularity) and platform: gained, lost, net, followers_start,
    followers_end (sums over accounts; totals only) and growth_rate = net / followers_start over
    the accounts whose start and net are both known (None when none is)."""
    frame = _per_account(store, filters, filters.granularity)
    schema = {"bucket": pl.Date, "platform": pl.String, "gained": pl.Float64, "lost": pl.Float64,
              "net": pl.Float64, "followers_start": pl.Float64, "followers_end": pl.Float64,
              "growth_rate": pl.Float64}
    if frame.is_empty():
        return pl.DataFrame(schema=schema)
    basis = pl.col("followers_start").is_not_null() & pl.col("net").is_not_null()
    grouped = frame.group_by(["bucket", "platform"], maintain_order=True).agg(
        _known_sum("gained"), _known_sum("lost"), _known_sum("net"), _known_sum("followers_end"),
        pl.when(basis.any()).then(pl.col("followers_start").filter(basis).sum()).alias("followers_start"),
        pl.when(basis.any()).then(pl.col("net").filter(basis).sum()).alias("_rate_net"),
    )
    rate = pl.when(pl.col("followers_start") > 0).then(pl.col("_rate_net") / pl.col("followers_start"))
    return grouped.with_columns(rate.alias("growth_rate")).select(list(schema)).sort(["bucket", "platform"])


@memoised  # the page's table and both follows figures read it
def account_summary(store: Store, filters: Filters) -> pl.DataFrame:
    """Per (platform, account) over the whole period: gained, lost, net, followers_start,
    followers_end, growth_rate and the count of days per source (for the 'how obtained' note):
    days, days_reported, days_derived (of which days_derived_total are totals derived from an
    exported total and daily changes), days_carried (a value carried from the day before),
    days_with_value (0: the exports give neither a total nor a net, only gains or only losses),
    days_baseline (values that are a change from 0 at the period start, not totals), net_reported,
    net_gained_minus_lost, net_total_change, net_unknown."""
    return _per_account(store, filters, None).drop("bucket")


def follower_data_span(store: Store, filters: Filters) -> tuple[Any, Any]:
    """First and last day with any follower figure for the chosen platforms/accounts (any period);
    (None, None) when there is none."""
    scope, params = scope_sql(filters)
    row = store.rows(f"SELECT min(date), max(date) FROM account_daily WHERE {_ANY_FOLLOWER_FIGURE} AND {scope}",
                     params)[0]
    return row[0], row[1]


def has_growth_data(store: Store) -> bool:
    """Whether anything the Growth page shows was ever imported (follower figures or post follows)."""
    return bool(store.scalar(
        f"SELECT EXISTS (SELECT 1 FROM account_daily WHERE {_ANY_FOLLOWER_FIGURE}) "
        "OR EXISTS (SELECT 1 FROM posts WHERE follows IS NOT NULL)"))


_POSTS_SCHEMA = {
    "platform": pl.String, "account": pl.String, "post_id": pl.String, "published_local": pl.Datetime("us"),
    "label": pl.String, "content_type": pl.String, "url": pl.String, "follows": pl.Float64,
    "account_net": pl.Float64, "share_of_net": pl.Float64,
}


def _posts_with_follows(store: Store, filters: Filters, limit: int | None) -> pl.DataFrame:
    scope, scope_params = scope_sql(filters)
    limit_sql = "LIMIT ?" if limit is not None else ""
    sql = f"""
    SELECT platform, account, post_id, published_local,
           left(coalesce(nullif(trim(title), ''), nullif(trim(text), ''), post_id), 120) AS label,
           content_type, url, CAST(follows AS DOUBLE) AS follows
    FROM (SELECT *, timezone(?, published_at) AS published_local FROM posts
          WHERE published_at IS NOT NULL AND follows IS NOT NULL AND {scope}
            AND published_at >= ? AND published_at < ?)
    WHERE CAST(published_local AS DATE) BETWEEN ? AND ?
    ORDER BY follows DESC, published_local DESC, platform, account, post_id
    {limit_sql}
    """
    params: list[Any] = [filters.tz, *scope_params, *utc_window(filters.start, filters.end), filters.start,
                         filters.end]
    if limit is not None:
        params.append(limit)
    return store.frame(sql, params)


def _account_net(store: Store, filters: Filters) -> pl.DataFrame:
    return account_summary(store, filters).select("platform", "account", pl.col("net").alias("account_net"))


def follows_from_posts(store: Store, filters: Filters, limit: int = 10) -> pl.DataFrame:
    """Posts published in the period (workspace time zone) with their `follows`, most first, and
    the share of their account's net follower growth in the period that each explains
    (share_of_net: None when that net is unknown or not positive)."""
    posts = _posts_with_follows(store, filters, limit)
    if posts.is_empty():
        return pl.DataFrame(schema=_POSTS_SCHEMA)
    nets = _account_net(store, filters)
    joined = posts.join(nets, on=["platform", "account"], how="left") if not nets.is_empty() else \
        posts.with_columns(pl.lit(None, dtype=pl.Float64).alias("account_net"))
    share = pl.when(pl.col("account_net") > 0).then(pl.col("follows") / pl.col("account_net"))
    return joined.with_columns(share.alias("share_of_net")).select(list(_POSTS_SCHEMA))


def follows_summary(store: Store, filters: Filters) -> dict[str, Any]:
    """All posts of the period with follows: how many, their follows in total, the net growth of
    their accounts and the share of it they explain (None when that net is unknown or not positive)."""
    posts = _posts_with_follows(store, filters, None)
    if posts.is_empty():
        return {"posts": 0, "follows": None, "net": None, "share": None}
    follows = float(posts["follows"].sum())
    accounts = posts.select("platform", "account").unique()
    nets = _account_net(store, filters)
    net = None
    if not nets.is_empty():
        known = accounts.join(nets, on=["platform", "account"], how="inner")["account_net"].drop_nulls()
        net = float(known.sum()) if len(known) else None
    return {"posts": posts.height, "follows": follows, "net": net,
            "share": follows / net if net is not None and net > 0 else None}
