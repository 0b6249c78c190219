"""The canonical tables (DESIGN.md section 2) as data, and the migrations that build them.

Tables are described once here; the loader, the undo log, the CSV templates and the migrations
are all derived from these descriptions instead of repeating column lists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableDef:
    name: str
    key: tuple[str, ...]
    columns: dict[str, str]  # column -> DuckDB type, in table order (key columns included)
    # how an incoming row merges with a stored row of the same key:
    #   "coalesce": the newer import's non-null values win (daily series from several files)
    #   "newer":    the row with the newer `version_column` wins whole (post metrics snapshots)
    merge: str = "coalesce"
    version_column: str | None = None
    imported: bool = True  # rows come from files (carry import_id) rather than from the app

    @property
    def value_columns(self) -> list[str]:
        return [c for c in self.columns if c not in self.key and c != "import_id"]


_COUNT = "BIGINT"
_NUM = "DOUBLE"

ACCOUNT_DAILY = TableDef(
    name="account_daily",
    key=("platform", "account", "date"),
    columns={
        "platform": "VARCHAR", "account": "VARCHAR", "date": "DATE",
        "followers": _COUNT, "followers_gained": _COUNT, "followers_lost": _COUNT,
        "followers_net": _COUNT, "impressions": _COUNT, "reach": _COUNT, "views": _COUNT,
        "profile_visits": _COUNT, "engagements": _COUNT, "likes": _COUNT, "comments": _COUNT,
        "shares": _COUNT, "saves": _COUNT, "clicks": _COUNT, "video_views": _COUNT,
        "watch_time_s": _NUM, "posts_published": _COUNT, "import_id": "VARCHAR",
    },
)

POSTS = TableDef(
    name="posts",
    key=("platform", "account", "post_id"),
    columns={
        "platform": "VARCHAR", "account": "VARCHAR", "post_id": "VARCHAR",
        "published_at": "TIMESTAMPTZ", "content_type": "VARCHAR", "title": "VARCHAR",
        "text": "VARCHAR", "url": "VARCHAR", "impressions": _COUNT, "reach": _COUNT,
        "views": _COUNT, "likes": _COUNT, "comments": _COUNT, "shares": _COUNT, "saves": _COUNT,
        "clicks": _COUNT, "follows": _COUNT, "engagements": _COUNT, "video_views": _COUNT,
        "watch_time_s": _NUM, "avg_watch_s": _NUM, "completion_rate": _NUM,
        "is_paid": "BOOLEAN", "metrics_as_of": "TIMESTAMPTZ", "import_id": "VARCHAR",
    },
    merge="newer",
    version_column="metrics_as_of",
)

AD_STATS = TableDef(
    name="ad_stats",
    key=("channel", "account", "campaign", "ad_group", "ad", "date_start", "date_end"),
    columns={
        "channel": "VARCHAR", "account": "VARCHAR", "campaign": "VARCHAR", "ad_group": "VARCHAR",
        "ad": "VARCHAR", "date_start": "DATE", "date_end": "DATE", "spend": _NUM,
        "currency": "VARCHAR", "impressions": _COUNT, "reach": _COUNT, "clicks": _COUNT,
        "conversions": _NUM, "conversion_value": _NUM, "video_views": _COUNT,
        "import_id": "VARCHAR",
    },
)

EVENTS = TableDef(
    name="events",
    key=("event_key",),
    columns={
        "event_key": "VARCHAR", "user_id": "VARCHAR", "occurred_at": "TIMESTAMPTZ",
        "event_type": "VARCHAR", "channel": "VARCHAR", "revenue": _NUM, "currency": "VARCHAR",
        "quantity": _NUM, "properties": "JSON", "import_id": "VARCHAR",
    },
)

COMMENTS = TableDef(
    name="comments",
    key=("platform", "post_id", "comment_id"),
    columns={
        "platform": "VARCHAR", "post_id": "VARCHAR", "comment_id": "VARCHAR", "author": "VARCHAR",
        "text": "VARCHAR", "created_at": "TIMESTAMPTZ", "replied_at": "TIMESTAMPTZ",
        "is_negative": "BOOLEAN", "import_id": "VARCHAR",
    },
)

COSTS = TableDef(
    name="costs",
    key=("cost_id",),
    columns={
        "cost_id": "VARCHAR", "channel": "VARCHAR", "date_start": "DATE", "date_end": "DATE",
        "amount": _NUM, "currency": "VARCHAR", "category": "VARCHAR", "note": "VARCHAR",
    },
    imported=False,
)

# Tables whose rows arrive through the import pipeline, by name.
CANONICAL: dict[str, TableDef] = {t.name: t for t in (ACCOUNT_DAILY, POSTS, AD_STATS, EVENTS, COMMENTS)}
ALL_DATA_TABLES: dict[str, TableDef] = {**CANONICAL, COSTS.name: COSTS}


def _create(table: TableDef) -> str:
    cols = ", ".join(f'"{c}" {t}' for c, t in table.columns.items())
    key = ", ".join(f'"{c}"' for c in table.key)
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" ({cols}, PRIMARY KEY ({key}))'


def _rebuild_without_key_index(table: TableDef) -> list[str]:
    """The table again, its key columns NOT NULL but without the PRIMARY KEY index: load.upsert
    alone keeps the key unique (DuckDB cannot drop a primary key, so the rows move to a new table)."""
    cols = ", ".join(f'"{c}" {t}' + (" NOT NULL" if c in table.key else "") for c, t in table.columns.items())
    names = ", ".join(f'"{c}"' for c in table.columns)
    rebuilt = f"{table.name}__rebuilt"
    return [
        f'CREATE TABLE "{rebuilt}" ({cols})',
        f'INSERT INTO "{rebuilt}" ({names}) SELECT {names} FROM "{table.name}"',
        f'DROP TABLE "{table.name}"',
        f'ALTER TABLE "{rebuilt}" RENAME TO "{table.name}"',
    ]


def _replaced(table: TableDef) -> str:
    """Rows an import overwrote, kept so that undoing the import can put them back."""
    cols = ", ".join(f'"{c}" {t}' for c, t in table.columns.items())
    return f'CREATE TABLE IF NOT EXISTS "{table.name}__replaced" (replaced_by VARCHAR NOT NULL, {cols})'


# Each migration is a list of statements; the store applies the ones newer than its version.
MIGRATIONS: list[list[str]] = [
    # 1: the canonical store
    [
        """CREATE TABLE IF NOT EXISTS imports (
            import_id VARCHAR PRIMARY KEY, file_name VARCHAR, file_sha256 VARCHAR, size_bytes BIGINT,
            platform VARCHAR, export_kind VARCHAR, account VARCHAR, rows_read BIGINT,
            rows_inserted BIGINT, rows_updated BIGINT, rows_skipped BIGINT, warnings JSON,
            status VARCHAR, imported_at TIMESTAMPTZ)""",
        *[_create(t) for t in ALL_DATA_TABLES.values()],
        *[_replaced(t) for t in CANONICAL.values()],
        """CREATE TABLE IF NOT EXISTS targets (
            target_id VARCHAR PRIMARY KEY, metric VARCHAR NOT NULL, platform VARCHAR, channel VARCHAR,
            period_type VARCHAR NOT NULL, period_start DATE NOT NULL, value DOUBLE NOT NULL,
            floor DOUBLE, stretch DOUBLE, note VARCHAR, updated_at TIMESTAMPTZ, updated_by VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS targets_history (
            change_id BIGINT, target_id VARCHAR, action VARCHAR, before JSON, after JSON,
            changed_at TIMESTAMPTZ, changed_by VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS review_notes (
            iso_week VARCHAR PRIMARY KEY, notes VARCHAR, action_items JSON, updated_at TIMESTAMPTZ)""",
        "CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value JSON)",
        """CREATE TABLE IF NOT EXISTS mappings (
            header_signature VARCHAR PRIMARY KEY, platform VARCHAR, export_kind VARCHAR,
            table_name VARCHAR, column_map JSON, created_at TIMESTAMPTZ)""",
    ],
    # 2: lookups the pages and the duplicate check make on every run
    [
        "CREATE INDEX IF NOT EXISTS imports_sha ON imports (file_sha256)",
        "CREATE INDEX IF NOT EXISTS posts_published ON posts (published_at)",
        "CREATE INDEX IF NOT EXISTS events_user ON events (user_id)",
    ],
    # 3: target history entries that undo an earlier entry say which one (targets.undo_last)
    [
        "ALTER TABLE targets_history ADD COLUMN IF NOT EXISTS undoes BIGINT",
    ],
    # 4: derived from `events`, rebuilt when they change (metrics/lifecycle.py): one row per user and
    # active day in the workspace time zone (the next active day; per event type the first time, the
    # number of distinct events and their revenue), and one row per user (first touch channel)
    [
        """CREATE TABLE IF NOT EXISTS lifecycle_days (
            user_id VARCHAR, day DATE, next_day DATE, first_at TIMESTAMPTZ,
            types STRUCT(t VARCHAR, ts TIMESTAMPTZ, n BIGINT, revenue DOUBLE)[])""",
        """CREATE TABLE IF NOT EXISTS lifecycle_users (
            user_id VARCHAR, first_at TIMESTAMPTZ, first_day DATE, last_day DATE, channel VARCHAR)""",
    ],
    # 5: derived from `events`, rebuilt when they, the time zone or the conversion event types change
    # (metrics/channels.py, ensure_orders): one row per order with its local day, its user's first-touch
    # channel and whether it is the user's first order, so channel ROI reads orders, not every event
    [
        """CREATE TABLE IF NOT EXISTS channel_orders (
            user_id VARCHAR, occurred_at TIMESTAMPTZ, day DATE, channel VARCHAR, revenue DOUBLE,
            raw_currency VARCHAR, is_first BOOLEAN)""",
    ],
    # 6: lifecycle_days gives way to lifecycle_activity (metrics/lifecycle.py, ensure_activity): one row per
    # user, active day and event type with the user's first day and first-touch channel, flat (lists of
    # structs cost more to store than the rest of the rebuild) and stored in day order, so that date
    # filters skip most of it; users get their revenue
    [
        "DROP TABLE IF EXISTS lifecycle_days",
        """CREATE TABLE IF NOT EXISTS lifecycle_activity (
            user_id VARCHAR, day DATE, t VARCHAR, ts TIMESTAMPTZ, n BIGINT, revenue DOUBLE,
            prev_day DATE, next_day DATE, first_day DATE, channel VARCHAR)""",
        "ALTER TABLE lifecycle_users ADD COLUMN IF NOT EXISTS revenue DOUBLE",
    ],
    # 7: posts without index. Keeping the primary key's and published_at's ART indexes up to date took
    # a quarter of a million-row posts import (issue 7) and no query reads them: date filters scan
    # with zone maps. load.upsert keeps (platform, account, post_id) unique: it collapses an import's
    # duplicate keys, updates stored keys, inserts only the others; undo puts back only keys now gone
    [
        "DROP INDEX IF EXISTS posts_published",
        *_rebuild_without_key_index(POSTS),
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
