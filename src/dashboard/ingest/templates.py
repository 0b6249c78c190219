"""Canonical CSV templates for data from anywhere else (orders, activity logs, other platforms)."""

from __future__ import annotations

import csv
import io

from dashboard.export import neutralise
from dashboard.ingest.mapping import mappable_columns
from dashboard.ingest.platforms.canonical import ZH_HEADERS, template_headers

# Fields a mapping must provide for each table; posts may do without an id (published_at + title).
REQUIRED = {
    "account_daily": ("date",),
    "posts": ("published_at",),
    "ad_stats": ("date_start",),
    "events": ("user_id", "occurred_at", "event_type"),
    "comments": ("post_id", "comment_id"),
}


def zh_header(column: str) -> str:
    return ZH_HEADERS.get(column, column)


def template_csv(table: str, language: str) -> bytes:
    """Header-only CSV with a UTF-8 BOM, so Excel opens the Chinese headers correctly."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(neutralise(h) for h in template_headers(table, language))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_file_name(table: str, language: str) -> str:
    return f"template_{table}_{language}.csv"


def missing_required(table: str, column_map: dict[str, str], constants: dict[str, str] | None = None) -> list[str]:
    given = {**column_map, **(constants or {})}
    needed = [c for c in REQUIRED[table] if c not in given]
    if table == "posts" and "post_id" not in column_map and "title" not in column_map:
        needed.append("title")
    return [c for c in needed if c in mappable_columns(table)]
