"""A large workspace, generated inside DuckDB with a fixed seed (no Python loop over rows).

At scale 1.0: 20 accounts over 3 years of daily rows, 1 million posts, 100 thousand ad rows and
10 million events for 1 million users. `scale` shrinks everything but the daily rows (tests run it
at 0.001). Pseudo-random values come from DuckDB's hash() of the row number and the seed, so the
same seed gives the same workspace on every machine and every thread count.

Also writes a canonical posts template CSV (English headers) of N rows for the import benchmark.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dashboard.ingest.platforms.canonical import template_headers
from dashboard.store.db import Store

END = date(2026, 11, 23)  # the last day with data (a Monday); the workspace covers 3 years before it
DAYS = 3 * 365
SEED = 20261123
PLATFORMS = ("douyin", "xiaohongshu", "wechat_channels", "weibo", "bilibili", "tiktok", "instagram", "x",
             "youtube", "linkedin")
CHANNELS = ("google_ads", "meta_ads", "tiktok_ads", "ocean_engine", "qianchuan")
USER_CHANNELS = ("douyin", "xiaohongshu", "wechat", "kol", "organic", "meta_ads", "ocean_engine", "email")
CONTENT_TYPES = ("image", "carousel", "video", "short_video", "live", "text", "link", "article")
EVENT_TYPES = ("visit", "like", "comment", "message", "check_in", "join_group", "visit", "purchase")


@dataclass(frozen=True)
class Sizes:
    accounts: int
    days: int
    posts: int
    ads: int
    users: int
    events_target: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        return cls(accounts=20, days=DAYS, posts=max(100, int(1_000_000 * scale)), ads=max(50, int(100_000 * scale)),
                   users=max(100, int(1_000_000 * scale)), events_target=max(1000, int(10_000_000 * scale)))


def _lists(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def _macros(cur, seed: int) -> None:
    # r(i, tag): a fixed pseudo-random fraction in [0, 1) for row i and a tag naming the column
    cur.run(f"CREATE OR REPLACE TEMP MACRO r(i, tag) AS (hash(i, tag, {int(seed)}) % 1000003) / 1000003.0")
    # a skewed count: most rows small, a few large (reach and likes of posts are long-tailed)
    cur.run("CREATE OR REPLACE TEMP MACRO skew(i, tag, top) AS "
            "CAST(floor(top * pow(r(i, tag), 3)) AS BIGINT)")


def generate(path: str | Path, scale: float = 1.0, seed: int = SEED, end: date = END, tz: str = "Asia/Shanghai",
             log=print) -> dict[str, int]:
    """Fill a new store at `path` (it must not exist). Returns the row count of every table."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    sizes = Sizes.at(scale)
    store = Store(path)
    start = end - timedelta(days=sizes.days - 1)
    timings = {}
    try:
        with store.write() as cur:
            _macros(cur, seed)
            cur.run("INSERT INTO settings VALUES ('timezone', ?), ('demo', ?), ('currency', '\"CNY\"')",
                    [json.dumps(tz), json.dumps({"import_ids": [], "dismissed": True})])
            for table in ("account_daily", "posts", "ad_stats", "events"):
                cur.run("INSERT INTO imports VALUES (?, ?, ?, 0, NULL, 'bench', NULL, 0, 0, 0, 0, '[]', "
                        "'imported', now())", [f"bench_{table}", f"bench_{table}.parquet", f"bench-{table}-{seed}"])
            t0 = time.perf_counter()
            _account_daily(cur, sizes, start)
            timings["account_daily"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            _posts(cur, sizes, start, end)
            timings["posts"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            _ads(cur, sizes, start)
            timings["ad_stats"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            _events(cur, sizes, start, end)
            timings["events"] = time.perf_counter() - t0
            counts = {t: cur.scalar(f'SELECT count(*) FROM "{t}"') for t in ("account_daily", "posts", "ad_stats", "events")}
            counts["users"] = cur.scalar("SELECT count(DISTINCT user_id) FROM events")
            for table, n in counts.items():
                if table != "users":
                    cur.run("UPDATE imports SET rows_read = ?, rows_inserted = ? WHERE import_id = ?",
                            [n, n, f"bench_{table}"])
        store.rows("CHECKPOINT")
    finally:
        store.close()
    for table, seconds in timings.items():
        log(f"  generated {table}: {counts[table]:,} rows in {seconds:.1f} s")
    return counts


def _account_daily(cur, sizes: Sizes, start: date) -> None:
    accounts = sizes.accounts
    cur.run(f"""
    INSERT INTO account_daily
    WITH grid AS (
        SELECT a, d, a * 100000 + d AS i, {_lists(PLATFORMS)}[1 + a % {len(PLATFORMS)}] AS platform,
               'account_' || lpad(CAST(a AS VARCHAR), 2, '0') AS account
        FROM range({accounts}) ta(a), range({sizes.days}) td(d)
    ), base AS (
        SELECT *, 20 + skew(i, 'gain', 400) + CAST(d / 10 AS BIGINT) AS gained, 5 + skew(i, 'lost', 120) AS lost,
               2000 + skew(i, 'imp', 60000) + 40 * d AS impressions
        FROM grid
    )
    SELECT platform, account, CAST(? AS DATE) + CAST(d AS INTEGER) AS date,
           1000 * (a + 1) + sum(gained - lost) OVER (PARTITION BY a ORDER BY d) AS followers,
           gained, lost, gained - lost, impressions, CAST(impressions * (0.5 + 0.3 * r(i, 'reach')) AS BIGINT),
           CAST(impressions * 0.4 AS BIGINT), skew(i, 'visits', 900),
           NULL, skew(i, 'likes', 3000), skew(i, 'comments', 300), skew(i, 'shares', 200), skew(i, 'saves', 250),
           skew(i, 'clicks', 800), skew(i, 'vv', 20000), round(skew(i, 'watch', 90000) * 1.0, 1),
           CAST(floor(r(i, 'posts') * 4) AS BIGINT), 'bench_account_daily'
    FROM base
    """, [start])


def _posts(cur, sizes: Sizes, start: date, end: date) -> None:
    seconds = sizes.days * 86400
    cur.run(f"""
    INSERT INTO posts
    WITH p AS (
        SELECT i, i % {sizes.accounts} AS a,
               {_lists(CONTENT_TYPES)}[1 + CAST(floor(r(i, 'type') * {len(CONTENT_TYPES)}) AS BIGINT)] AS content_type,
               CAST(? AS TIMESTAMPTZ) + to_seconds(CAST(floor(r(i, 'when') * {seconds}) AS BIGINT)) AS published_at,
               100 + skew(i, 'imp', 200000) AS impressions
        FROM range({sizes.posts}) t(i)
    )
    SELECT {_lists(PLATFORMS)}[1 + a % {len(PLATFORMS)}], 'account_' || lpad(CAST(a AS VARCHAR), 2, '0'),
           'p' || i, published_at, content_type,
           CASE WHEN i % 3 = 0 THEN '新品上市 第' || i || '期' ELSE 'Post ' || i END,
           CASE WHEN i % 3 = 0 THEN '今天的茶单 #' || i || ' 欢迎来店' ELSE 'Tea of the day #' || i || ', see you' END,
           'https://example.com/p/' || i,
           impressions, CAST(impressions * (0.4 + 0.5 * r(i, 'reach')) AS BIGINT),
           CAST(impressions * 0.6 AS BIGINT), skew(i, 'likes', 8000), skew(i, 'comments', 600),
           skew(i, 'shares', 400), skew(i, 'saves', 500), skew(i, 'clicks', 1500), skew(i, 'follows', 80), NULL,
           CASE WHEN content_type IN ('video', 'short_video', 'live') THEN skew(i, 'vv', 150000) END,
           CASE WHEN content_type IN ('video', 'short_video', 'live') THEN round(skew(i, 'wt', 900000) * 1.0, 1) END,
           CASE WHEN content_type IN ('video', 'short_video', 'live') THEN round(3 + r(i, 'aw') * 40, 1) END,
           CASE WHEN content_type IN ('video', 'short_video', 'live') THEN round(r(i, 'cr') * 0.6, 3) END,
           i % 10 = 0, CAST(? AS TIMESTAMPTZ), 'bench_posts'
    FROM p
    """, [start, end + timedelta(days=1)])


def _ads(cur, sizes: Sizes, start: date) -> None:
    # one row per (ad slot, day): an ad slot is channel/account/campaign/ad group/ad
    cur.run(f"""
    INSERT INTO ad_stats
    WITH s AS (SELECT i, i // {sizes.days} AS slot, i % {sizes.days} AS d FROM range({sizes.ads}) t(i))
    SELECT {_lists(CHANNELS)}[1 + slot % {len(CHANNELS)}], 'ads_' || (slot % 3), 'campaign_' || (slot % 40),
           'group_' || (slot % 120), 'ad_' || slot, CAST(? AS DATE) + CAST(d AS INTEGER),
           CAST(? AS DATE) + CAST(d AS INTEGER), round(50 + r(i, 'spend') * 2000, 2), 'CNY',
           1000 + skew(i, 'imp', 90000), 800 + skew(i, 'reach', 60000), 10 + skew(i, 'clicks', 3000),
           round(skew(i, 'conv', 120) * 1.0, 0), round(skew(i, 'cv', 24000) * 1.0, 2), skew(i, 'vv', 30000),
           'bench_ad_stats'
    FROM s
    """, [start, start])


def _events(cur, sizes: Sizes, start: date, end: date) -> None:
    # users: a first day, an acquisition channel, how many events and how far apart
    mean_events = sizes.events_target / sizes.users  # 10 at every scale
    span = (end - start).days
    cur.run(f"""
    CREATE OR REPLACE TEMP TABLE bench_users AS
    SELECT u, 'u' || u AS user_id, CAST(floor(r(u, 'first') * {span}) AS INTEGER) AS first_day,
           {_lists(USER_CHANNELS)}[1 + CAST(floor(r(u, 'ch') * {len(USER_CHANNELS)}) AS BIGINT)] AS channel,
           1 + CAST(floor(r(u, 'n') * {2 * mean_events - 1}) AS BIGINT) AS n,
           1 + CAST(floor(pow(r(u, 'gap'), 2) * 40) AS INTEGER) AS gap
    FROM range({sizes.users}) t(u)
    """)
    cur.run(f"""
    INSERT INTO events
    WITH e AS (SELECT u, user_id, first_day, channel, gap, unnest(range(n)) AS j FROM bench_users),
    k AS (SELECT *, u * 1000 + j AS i, first_day + (j * gap) % ({span} - first_day + 1) AS day FROM e)
    SELECT 'e' || u || '_' || j, user_id,
           CAST(? AS TIMESTAMPTZ) + to_days(day) + to_seconds(CAST(floor(r(i, 'sec') * 86400) AS BIGINT)),
           CASE WHEN j = 0 THEN 'sign_up'
                ELSE {_lists(EVENT_TYPES)}[1 + CAST(floor(r(i, 'type') * {len(EVENT_TYPES)}) AS BIGINT)] END AS event_type,
           channel, NULL, NULL, NULL, NULL, 'bench_events'
    FROM k
    """, [start])
    cur.run("UPDATE events SET revenue = round(20 + (hash(event_key) % 30000) / 100.0, 2), currency = 'CNY', "
            "quantity = 1 + hash(event_key) % 3 WHERE event_type = 'purchase'")
    cur.run("DROP TABLE bench_users")


def write_posts_csv(path: str | Path, rows: int, seed: int = SEED, end: date = END) -> int:
    """A canonical posts template CSV (English headers) of `rows` posts, as a user would fill it in:
    a third of the titles and texts in Chinese, quoted text with commas, empty cells for unknown values."""
    import duckdb

    path = Path(path)
    start = end - timedelta(days=DAYS - 1)
    headers = template_headers("posts", "en")
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TEMP MACRO r(i, tag) AS (hash(i, tag, {int(seed)}) % 1000003) / 1000003.0")
        con.execute("CREATE TEMP MACRO skew(i, tag, top) AS CAST(floor(top * pow(r(i, tag), 3)) AS BIGINT)")
        select = f"""
        SELECT {_lists(PLATFORMS)}[1 + i % {len(PLATFORMS)}] AS platform,
               'account_' || lpad(CAST(i % 20 AS VARCHAR), 2, '0') AS account, 'c' || i AS post_id,
               strftime(TIMESTAMP '{start.isoformat()}' + to_seconds(CAST(floor(r(i, 'when') * {DAYS * 86400}) AS BIGINT)),
                        '%Y-%m-%d %H:%M:%S') AS published_at,
               {_lists(CONTENT_TYPES)}[1 + i % {len(CONTENT_TYPES)}] AS content_type,
               CASE WHEN i % 3 = 0 THEN '新品上市 第' || i || '期' ELSE 'Post ' || i END AS title,
               CASE WHEN i % 3 = 0 THEN '今天的茶单 #' || i || '，欢迎来店' ELSE 'Tea of the day #' || i || ', see you' END AS text,
               'https://example.com/p/' || i AS url,
               100 + skew(i, 'imp', 200000) AS impressions, 50 + skew(i, 'reach', 100000) AS reach,
               skew(i, 'views', 90000) AS views, skew(i, 'likes', 8000) AS likes, skew(i, 'comments', 600) AS comments,
               skew(i, 'shares', 400) AS shares, skew(i, 'saves', 500) AS saves, skew(i, 'clicks', 1500) AS clicks,
               skew(i, 'follows', 80) AS follows, NULL AS engagements,
               CASE WHEN i % 8 IN (2, 3, 4) THEN skew(i, 'vv', 150000) END AS video_views,
               CASE WHEN i % 8 IN (2, 3, 4) THEN round(skew(i, 'wt', 900000) * 1.0, 1) END AS watch_time_s,
               CASE WHEN i % 8 IN (2, 3, 4) THEN round(3 + r(i, 'aw') * 40, 1) END AS avg_watch_s,
               CASE WHEN i % 8 IN (2, 3, 4) THEN round(r(i, 'cr') * 0.6, 3) END AS completion_rate,
               CASE WHEN i % 10 = 0 THEN 'true' ELSE 'false' END AS is_paid,
               '{end.isoformat()} 23:00:00' AS metrics_as_of
        FROM range({int(rows)}) t(i)
        """
        names = ", ".join(f'"{h}"' for h in headers)
        con.execute(f"COPY (SELECT {names} FROM ({select})) TO '{path}' (HEADER, DELIMITER ',')")
    finally:
        con.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the large benchmark workspace")
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    print(generate(args.db, args.scale, args.seed))


if __name__ == "__main__":
    main()
