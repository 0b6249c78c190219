"""YouTube Studio exports (FORMATS.md section 5): Advanced mode -> Export current view -> CSV.

The zip holds 'Table data.csv' (one row per dimension value), 'Chart data.csv' (long format: one row
per day and dimension value) and 'Totals.csv' (one row per day).

What is stored where:
* Table data by Content -> posts (lifetime metrics per video over the chosen period).
* Totals -> account_daily (the channel's daily series).
* Chart data by Content is per video per day. There is no canonical table for that grain (posts hold
  one snapshot per post, account_daily one row per channel and day; adding up the listed videos
  would miss the ones not shown), so it is recognised and not stored: import Totals for daily numbers.
  A Chart data file without a dimension column ('Date,<metric>') is the same as Totals and is read so.
* Geography (table or chart) -> recognised, not stored.
"""

from dashboard.ingest.spec import ExportSpec, Field, col

_CONTENT_COLUMNS: dict[str, Field] = {
    "post_id": col("Content", parse="id"),  # video id as text: '-HHGH-TTqYM', a stray leading space stripped
    "title": col("Video title", parse="text"),
    "published_at": col("Video publish time", parse="datetime"),  # '"Apr 29, 2020"', may be empty
    "views": col("Views"),
    "watch_time_s": col("Watch time (hours)", parse="number", scale=3600),
    "follows": col("Subscribers"),  # net: can be negative
    "impressions": col("Impressions"),
    "likes": col("Likes"),
    "avg_watch_s": col("Average view duration", parse="duration"),  # '0:04:23'
    # YouTube has no completion rate; its nearest measure is the average share of the video watched
    # (already x100 in the export: '42.68' -> 0.4268)
    "completion_rate": col("Average percentage viewed (%)", parse="percent"),
}

TABLE_CONTENT = ExportSpec(
    platform="youtube", kind="table_content", table="posts",
    signature=frozenset({"Content", "Video title", "Video publish time"}),
    columns=_CONTENT_COLUMNS,
    constants={"content_type": "video"},
    templates={"url": "https://www.youtube.com/watch?v={post_id}"},
    note="first data row 'Total' is dropped; Impressions click-through rate (%) is not stored "
         "(posts keep clicks, not rates)",
)

TABLE_GEOGRAPHY = ExportSpec(
    platform="youtube", kind="table_geography", table=None,
    signature=frozenset({"Geography", "Views"}), note="per-country totals: recognised, not stored",
)

CHART_CONTENT = ExportSpec(
    platform="youtube", kind="chart_content", table=None,
    signature=frozenset({"Date", "Content", "Video title", "Video publish time"}),
    note="per video per day: no canonical table at that grain (see the module docstring)",
)

CHART_GEOGRAPHY = ExportSpec(
    platform="youtube", kind="chart_geography", table=None,
    signature=frozenset({"Date", "Geography", "Views"}), note="per country per day: not stored",
)

_TOTALS_COLUMNS: dict[str, Field] = {
    "date": col("Date", parse="date"),
    "views": col("Views"),
    "watch_time_s": col("Watch time (hours)", parse="number", scale=3600),
    "followers_net": col("Subscribers"),
    "followers_gained": col("Subscribers gained"),
    "followers_lost": col("Subscribers lost"),
    "impressions": col("Impressions"),
    "likes": col("Likes"),
}


def _totals(metric: str) -> ExportSpec:
    # 'Date,<metric>' alone is a weak header: the file must be named Totals (or Chart data)
    return ExportSpec(
        platform="youtube", kind="totals", table="account_daily",
        signature=frozenset({"Date", metric}),
        columns=_TOTALS_COLUMNS,
        file_name=r"totals|chart data",
        note="daily channel totals; blank values are missing",
    )


TOTALS = [_totals(m) for m in ("Views", "Watch time (hours)", "Subscribers", "Subscribers gained",
                                "Impressions", "Likes")]

SPECS = [TABLE_CONTENT, TABLE_GEOGRAPHY, CHART_CONTENT, CHART_GEOGRAPHY, *TOTALS]
