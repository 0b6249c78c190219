"""Content metrics: per-post engagement, ranking, content-type mix, when posts do best, posting
cadence against plan, and video watch figures (DESIGN.md section 4, "Content").

Every function takes (store, filters, ...) and returns a polars.DataFrame; the work is done in
DuckDB SQL with bound parameters. A post belongs to the period by its publish day in the
workspace time zone (`filters.tz`), like everywhere else.

Per post:
- interactions = likes + comments + shares + saves (the known parts; null only when all four are)
- engagement_rate = interactions / denominator, where the denominator is the post's reach, its
  impressions, or the account's followers at post time (the last known follower total on or
  before the local publish day: an ASOF join on account_daily), as `filters.denominator` says.
  A post whose denominator is unknown or 0 has no rate (null), never 0 or infinity.
- views = the post's views, else its video views (exports that only report plays)

Rates over a group of posts are given two ways: the median of the per-post rates (what a typical
post does) and the pooled rate, a ratio of sums over the posts that have a rate
(sum of interactions / sum of denominators), as the metric catalogue requires for ratios.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from dashboard.metrics.base import scope_sql, utc_window
from dashboard.metrics.filters import Filters
from dashboard.metrics.memo import memoised
from dashboard.store.db import Store, quote_ident

# metrics a post can be ranked by (columns of post_table)
RANK_METRICS = ("engagement_rate", "interactions", "impressions", "reach", "views", "likes", "comments", "shares",
                "saves")
VIDEO_TYPES = ("video", "short_video")
TITLE_CHARS = 80

_DENOMINATOR_SQL = {"reach": "p.reach", "impressions": "p.impressions", "followers": "f.followers"}
_INTERACTIONS = ("CASE WHEN likes IS NOT NULL OR comments IS NOT NULL OR shares IS NOT NULL OR saves IS NOT NULL "
                 "THEN coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(saves, 0) END")
_TABLE_COLUMNS = ("platform", "account", "post_id", "title", "content_type", "published_at", "impressions", "reach",
                  "views", "likes", "comments", "shares", "saves", "interactions", "followers_at_post",
                  "engagement_rate", "url")


def like_pattern(search: str) -> str:
    """A case-insensitive substring pattern for ILIKE ... ESCAPE '\\': the user's text taken
    literally (backslash, % and _ escaped)."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _rated_posts_sql(filters: Filters, search: str = "") -> tuple[str, list[Any]]:
    """SQL (a WITH clause ending in the relation `rated`) and its parameters: one row per post
    published in the period, with local publish time, interactions, followers at post time and
    the engagement rate under filters.denominator."""
    scope, scope_params = scope_sql(filters)
    search = (search or "").strip()
    search_sql, search_params = "", []
    if search:
        search_sql = "AND (title ILIKE ? ESCAPE '\\' OR text ILIKE ? ESCAPE '\\')"
        search_params = [like_pattern(search)] * 2
    denominator = _DENOMINATOR_SQL[filters.denominator]
    sql = f"""
    WITH followers_known AS (
        SELECT platform, account, date, followers FROM account_daily WHERE followers IS NOT NULL AND {scope}
    ),
    local_posts AS (
        SELECT platform, account, post_id,
               timezone(?, published_at) AS published_at,
               CAST(timezone(?, published_at) AS DATE) AS local_date,
               coalesce(content_type, 'other') AS content_type,
               coalesce(nullif(trim(title), ''),
                        left(trim(regexp_replace(text, '\\s+', ' ', 'g')), {TITLE_CHARS})) AS title,
               text, url, impressions, reach, coalesce(views, video_views) AS views,
               likes, comments, shares, saves, watch_time_s, avg_watch_s, completion_rate,
               {_INTERACTIONS} AS interactions
        FROM posts WHERE published_at IS NOT NULL AND {scope} AND published_at >= ? AND published_at < ?
    ),
    rated AS (
        SELECT p.*, f.followers AS followers_at_post,
               CAST({denominator} AS DOUBLE) AS denominator_value,
               CASE WHEN {denominator} > 0 THEN p.interactions / CAST({denominator} AS DOUBLE) END
                   AS engagement_rate
        FROM (SELECT * FROM local_posts WHERE local_date BETWEEN ? AND ? {search_sql}) p
        ASOF LEFT JOIN followers_known f
          ON p.platform = f.platform AND p.account = f.account AND p.local_date >= f.date
    )
    """
    params = [*scope_params, filters.tz, filters.tz, *scope_params, *utc_window(filters.start, filters.end),
              filters.start, filters.end, *search_params]
    return sql, params


# A period's posts are read once per page view and data version: the table, the count, the
# rankings, the mix, the heatmap, the cadence and the video figures all query this small frame
# instead of each filtering a million posts again. A long period is not kept (memory).
MAX_KEPT_POSTS = 200_000


@memoised
def _period_posts(store: Store, filters: Filters) -> pl.DataFrame | None:
    cte, params = _rated_posts_sql(filters)
    frame = store.frame(f"{cte} SELECT * EXCLUDE (text) FROM rated", params)
    return frame if frame.height <= MAX_KEPT_POSTS else None


def _rated_posts(store: Store, filters: Filters, search: str = "") -> tuple[str, list[Any], dict[str, pl.DataFrame]]:
    """A WITH clause ending in the relation `rated` (see _rated_posts_sql), its parameters, and the
    frames the query must see (Store.frame's `frames`)."""
    kept = None if search.strip() else _period_posts(store, filters)
    if kept is None:
        cte, params = _rated_posts_sql(filters, search)
        return cte, params, {}
    return "WITH rated AS (SELECT * FROM period_posts)", [], {"period_posts": kept}


def post_table(store: Store, filters: Filters, search: str = "", limit: int | None = None) -> pl.DataFrame:
    """Posts published in the period, newest first: title (else the first 80 characters of the
    text), platform, account, content type, local publish time, metrics, interactions, followers
    at post time, engagement rate under filters.denominator, url. `search` keeps the posts whose
    title or text contains it (case-insensitive, taken literally)."""
    cte, params, frames = _rated_posts(store, filters, search)
    limit_sql = ""
    if limit is not None:
        limit_sql = "LIMIT ?"
        params = [*params, max(0, int(limit))]
    columns = ", ".join(quote_ident(c) for c in _TABLE_COLUMNS)
    return store.frame(
        f"{cte} SELECT {columns} FROM rated ORDER BY published_at DESC, platform, account, post_id {limit_sql}",
        params, frames)


def count_posts(store: Store, filters: Filters, search: str = "") -> int:
    """How many posts post_table would return without a limit."""
    cte, params, frames = _rated_posts(store, filters, search)
    return int(store.scalar(f"{cte} SELECT count(*) FROM rated", params, frames) or 0)


def top_bottom(store: Store, filters: Filters, metric: str, n: int = 5) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The n best and the n worst posts of the period by `metric` (one of RANK_METRICS).

    Posts whose metric is null are not ranked. Ties are broken by the newer post first, then by
    platform, account and post id, so the lists are stable. A post is never in both lists: the
    bottom list takes the lowest n of the posts outside the top n (3 ranked posts and n = 5 give
    a top list of 3 and an empty bottom list). Both frames carry post_table's columns and `rank`
    (1 = best in the top list, 1 = worst in the bottom list)."""
    if metric not in RANK_METRICS:
        raise ValueError(f"cannot rank posts by {metric!r}")
    n = max(0, int(n))
    cte, params, frames = _rated_posts(store, filters)
    column = quote_ident(metric)
    columns = ", ".join(quote_ident(c) for c in _TABLE_COLUMNS)
    ties = "published_at DESC, platform, account, post_id"
    frame = store.frame(
        f"""{cte}, ranked AS (
            SELECT {columns},
                   row_number() OVER (ORDER BY {column} DESC, {ties}) AS rank_top,
                   row_number() OVER (ORDER BY {column} ASC, {ties}) AS rank_bottom
            FROM rated WHERE {column} IS NOT NULL
        )
        SELECT * FROM ranked WHERE rank_top <= ? OR rank_bottom <= ?""",
        [*params, n, n], frames)
    top = (frame.filter(pl.col("rank_top") <= n).sort("rank_top")
           .rename({"rank_top": "rank"}).drop("rank_bottom"))
    bottom = (frame.filter((pl.col("rank_bottom") <= n) & (pl.col("rank_top") > n)).sort("rank_bottom")
              .rename({"rank_bottom": "rank"}).drop("rank_top"))
    return top, bottom


def content_type_mix(store: Store, filters: Filters) -> pl.DataFrame:
    """One row per content type (most posts first): posts, interactions (sum), interactions per
    post, rated_posts (posts with a rate), engagement_rate_median (median of per-post rates),
    engagement_rate_pooled (sum of interactions / sum of denominators over the rated posts) and
    avg_views (mean over the posts whose views are known)."""
    cte, params, frames = _rated_posts(store, filters)
    return store.frame(
        f"""{cte}
        SELECT content_type,
               count(*) AS posts,
               CAST(sum(interactions) AS BIGINT) AS interactions,
               avg(interactions) AS interactions_per_post,
               count(engagement_rate) AS rated_posts,
               median(engagement_rate) AS engagement_rate_median,
               CAST(sum(interactions) FILTER (WHERE engagement_rate IS NOT NULL) AS DOUBLE)
                   / sum(denominator_value) FILTER (WHERE engagement_rate IS NOT NULL) AS engagement_rate_pooled,
               avg(views) AS avg_views
        FROM rated GROUP BY content_type ORDER BY posts DESC, content_type""",
        params, frames)


# Several exports give a publish date without a time of day (TikTok's yearless 'Post time', some
# X and Meta files): those posts sit at local midnight exactly and would pile up in hour 0.
_DATE_ONLY = "CAST(published_at AS TIME) = TIME '00:00:00'"


def engagement_heatmap(store: Store, filters: Filters) -> pl.DataFrame:
    """When posts do best: one row per (weekday, hour) that has posts, in the workspace time zone
    (weekday 0 = Monday .. 6 = Sunday, hour 0-23): posts, rated_posts and the MEDIAN per-post
    engagement rate (null when no post of the cell has a rate). Posts published at exactly
    00:00:00 local time are taken to carry a date only and are left out (see date_only_posts)."""
    cte, params, frames = _rated_posts(store, filters)
    return store.frame(
        f"""{cte}
        SELECT CAST(isodow(published_at) - 1 AS INTEGER) AS weekday,
               CAST(hour(published_at) AS INTEGER) AS hour,
               count(*) AS posts,
               count(engagement_rate) AS rated_posts,
               median(engagement_rate) AS engagement_rate_median
        FROM rated WHERE NOT {_DATE_ONLY} GROUP BY ALL ORDER BY weekday, hour""",
        params, frames)


def date_only_posts(store: Store, filters: Filters) -> int:
    """Posts of the period whose publish time is exactly local midnight (a date without a time):
    the heatmap leaves them out."""
    cte, params, frames = _rated_posts(store, filters)
    return int(store.scalar(f"{cte} SELECT count(*) FROM rated WHERE {_DATE_ONLY}", params, frames) or 0)


def _clean_plan(plan: Any) -> dict[str, float]:
    if not isinstance(plan, dict):
        return {}
    clean = {}
    for platform, value in plan.items():
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            clean[str(platform)] = float(value)
    return clean


def posting_cadence(store: Store, filters: Filters, plan: dict[str, float] | None = None) -> pl.DataFrame:
    """Posts per ISO week (Monday to Sunday, workspace time zone) per platform, against the plan.

    `plan` maps platform -> posts per week (default: the `posting_plan` setting; {} = no plan).
    Rows: every week of the period x every platform that posted in the period or has a plan
    (within the platform filter), weeks without posts counted as 0. Columns: week (its Monday),
    iso_week ('2026-W10'), platform, days (days of that week inside the period), posts,
    plan_week (posts per week planned, null without a plan), plan (plan_week x days / 7: a
    partial week at either end of the period is held to its share of the plan) and vs_plan
    (posts - plan)."""
    if plan is None:
        from dashboard.settings import get_setting

        plan = get_setting(store, "posting_plan")
    plan = _clean_plan(plan)
    cte, params, frames = _rated_posts(store, filters)
    counted = store.frame(
        f"""{cte}
        SELECT CAST(date_trunc('week', published_at) AS DATE) AS week, platform, count(*) AS posts
        FROM rated GROUP BY ALL""",
        params, frames)
    platforms = set(counted["platform"].to_list()) if not counted.is_empty() else set()
    platforms |= {p for p in plan if not filters.platforms or p in filters.platforms}
    schema = {"week": pl.Date, "iso_week": pl.String, "platform": pl.String, "days": pl.Int64, "posts": pl.Int64,
              "plan_week": pl.Float64, "plan": pl.Float64, "vs_plan": pl.Float64}
    if not platforms:
        return pl.DataFrame(schema=schema)
    weeks = []
    monday = filters.start - timedelta(days=filters.start.weekday())
    while monday <= filters.end:
        sunday = monday + timedelta(days=6)
        days = (min(sunday, filters.end) - max(monday, filters.start)).days + 1
        weeks.append((monday, _iso_label(monday), days))
        monday += timedelta(days=7)
    grid = pl.DataFrame(
        [(w, label, p, days) for w, label, days in weeks for p in sorted(platforms)],
        schema={"week": pl.Date, "iso_week": pl.String, "platform": pl.String, "days": pl.Int64}, orient="row")
    plans = pl.DataFrame({"platform": list(plan), "plan_week": list(plan.values())},
                         schema={"platform": pl.String, "plan_week": pl.Float64})
    frame = (grid.join(counted.with_columns(pl.col("posts").cast(pl.Int64)), on=["week", "platform"], how="left")
             .join(plans, on="platform", how="left")
             .with_columns(pl.col("posts").fill_null(0))
             .with_columns((pl.col("plan_week") * pl.col("days") / 7).alias("plan"))
             .with_columns((pl.col("posts") - pl.col("plan")).alias("vs_plan")))
    return frame.select(list(schema)).sort(["week", "platform"])


def _iso_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def video_stats(store: Store, filters: Filters, by_platform: bool = True) -> pl.DataFrame:
    """Watch figures of the period's video and short-video posts that have any of views, watch
    time, average watch time or completion rate: one row per platform (or one total row with
    platform null when by_platform is False).

    Per post: v = views (else video views); w = watch_time_s, else avg_watch_s x v.
    - videos = posts counted; views = sum(v); watch_time_s = sum(w)
    - avg_watch_s = sum(w) / sum(v) over the posts where both w and v > 0 are known
      (the views-weighted mean of each post's average watch time)
    - completion_rate = sum(completion_rate x v) / sum(v) over the posts where both are known
      (the views-weighted mean of each post's completion rate)
    Ratios are null when no post has what they need."""
    cte, params, frames = _rated_posts(store, filters)
    watch = "coalesce(watch_time_s, avg_watch_s * views)"
    has_watch = f"views > 0 AND {watch} IS NOT NULL"
    has_completion = "views > 0 AND completion_rate IS NOT NULL"
    group = "GROUP BY platform ORDER BY views DESC NULLS LAST, platform" if by_platform else ""
    platform = "platform" if by_platform else "CAST(NULL AS VARCHAR) AS platform"
    frame = store.frame(
        f"""{cte}
        SELECT {platform},
               count(*) AS videos,
               CAST(sum(views) AS DOUBLE) AS views,
               CAST(sum({watch}) AS DOUBLE) AS watch_time_s,
               sum({watch}) FILTER (WHERE {has_watch}) / sum(views) FILTER (WHERE {has_watch}) AS avg_watch_s,
               sum(completion_rate * views) FILTER (WHERE {has_completion})
                   / sum(views) FILTER (WHERE {has_completion}) AS completion_rate
        FROM rated
        WHERE list_contains(?, content_type)
          AND (views IS NOT NULL OR watch_time_s IS NOT NULL OR avg_watch_s IS NOT NULL
               OR completion_rate IS NOT NULL)
        {group}""",
        [*params, list(VIDEO_TYPES)], frames)
    if not by_platform and not frame.is_empty() and frame["videos"][0] == 0:
        return frame.clear()
    return frame


def denominator_coverage(store: Store, filters: Filters) -> dict[str, int]:
    """How many of the period's posts have an engagement rate under each denominator (the page
    suggests another denominator when the chosen one leaves every post without a rate)."""
    cte, params, frames = _rated_posts(store, filters)
    row = store.rows(
        f"""{cte}
        SELECT count(*) FILTER (WHERE interactions IS NOT NULL AND reach > 0),
               count(*) FILTER (WHERE interactions IS NOT NULL AND impressions > 0),
               count(*) FILTER (WHERE interactions IS NOT NULL AND followers_at_post > 0)
        FROM rated""",
        params, frames)[0]
    return dict(zip(("reach", "impressions", "followers"), (int(v or 0) for v in row), strict=True))


def has_posts(store: Store) -> bool:
    """Whether any post was ever imported (the page's empty state)."""
    return bool(store.scalar("SELECT count(*) FROM (SELECT 1 FROM posts LIMIT 1)"))


def post_span(store: Store, filters: Filters) -> tuple[date | None, date | None]:
    """First and last local publish day of the posts in the platform/account scope."""
    scope, scope_params = scope_sql(filters)
    row = store.rows(
        f"SELECT min(CAST(timezone(?, published_at) AS DATE)), max(CAST(timezone(?, published_at) AS DATE)) "
        f"FROM posts WHERE published_at IS NOT NULL AND {scope}",
        [filters.tz, filters.tz, *scope_params])[0]
    return row[0], row[1]
