"""What the store holds, for filter choices and empty states."""

from __future__ import annotations

from datetime import date

from dashboard.store.db import Store


def platforms_and_accounts(store: Store) -> list[tuple[str, str]]:
    """Every platform or ad channel with its accounts (the sidebar's choices)."""
    return store.rows(
        "SELECT DISTINCT platform, account FROM (SELECT platform, account FROM account_daily "
        "UNION ALL SELECT platform, account FROM posts UNION ALL SELECT channel, account FROM ad_stats) "
        "ORDER BY 1, 2")


def data_span(store: Store, tz: str) -> tuple[date | None, date | None]:
    """First and last day with account, post or ad data, in the workspace time zone."""
    # only posts within a day of the first and last instant can hold the first and last local day:
    # converting those few instead of every post's time is ten times faster on a million posts
    row = store.rows(
        "WITH edge AS (SELECT min(published_at) AS lo, max(published_at) AS hi FROM posts) "
        "SELECT min(d), max(d) FROM (SELECT date AS d FROM account_daily UNION ALL "
        "SELECT CAST(timezone(?, published_at) AS DATE) FROM posts, edge "
        "WHERE published_at <= lo + INTERVAL 1 DAY OR published_at >= hi - INTERVAL 1 DAY "
        "UNION ALL SELECT date_start FROM ad_stats UNION ALL SELECT date_end FROM ad_stats)", [tz])[0]
    return row[0], row[1]


def has_social_data(store: Store) -> bool:
    return bool(store.scalar("SELECT (SELECT count(*) FROM account_daily) + (SELECT count(*) FROM posts)"))
