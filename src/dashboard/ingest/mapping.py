"""User-confirmed column mappings: a file nobody recognised, mapped once, imports by itself after.

A mapping is turned into an ordinary ExportSpec, so the one interpreter handles it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from dashboard.ingest.spec import ExportSpec, col, normalise_header
from dashboard.store.db import Store
from dashboard.store.schema import CANONICAL

# canonical column -> parser, where the column's SQL type alone does not say enough
_PARSE_BY_NAME = {
    "post_id": "id", "user_id": "id", "event_key": "id", "comment_id": "id",
    "completion_rate": "rate", "watch_time_s": "duration", "avg_watch_s": "duration",
    "spend": "money", "conversion_value": "money", "revenue": "money",
    "content_type": "map", "properties": "text",
}
_PARSE_BY_TYPE = {
    "VARCHAR": "text", "BIGINT": "int", "DOUBLE": "number", "DATE": "date", "TIMESTAMPTZ": "datetime",
    "BOOLEAN": "bool", "JSON": "text",
}
CONTENT_TYPES = ("image", "carousel", "video", "short_video", "live", "text", "link", "article", "other")
CONTENT_TYPE_WORDS = {
    **{t: t for t in CONTENT_TYPES},
    "photo": "image", "photos": "image", "图文": "image", "图片": "image", "视频": "video",
    "短视频": "short_video", "reel": "short_video", "reels": "short_video", "直播": "live",
    "文章": "article", "链接": "link", "轮播": "carousel", "album": "carousel", "status": "text",
}


def default_parse(table: str, column: str) -> str:
    if column in _PARSE_BY_NAME:
        return _PARSE_BY_NAME[column]
    return _PARSE_BY_TYPE[CANONICAL[table].columns[column]]


def mappable_columns(table: str) -> list[str]:
    """Canonical columns a user may map (import_id is ours; platform/account may come from the form)."""
    return [c for c in CANONICAL[table].columns if c != "import_id"]


def header_signature(header: list[str]) -> str:
    names = "|".join(normalise_header(h) for h in header if h.strip())
    return hashlib.sha1(names.encode("utf-8")).hexdigest()


def spec_from_mapping(header: list[str], platform: str, kind: str, table: str,
                      column_map: dict[str, str], constants: dict[str, str] | None = None,
                      headerless: bool = False) -> ExportSpec:
    """constants: canonical values for every row the file does not carry (an orders file: event_type).
    headerless: the file has no header row; `header` is spec.column_names(width)."""
    columns = {}
    for canonical, source in column_map.items():
        parse = default_parse(table, canonical)
        options = {"mapping": CONTENT_TYPE_WORDS, "default": "other"} if parse == "map" else {}
        columns[canonical] = col(source, parse=parse, **options)
    return ExportSpec(
        platform=platform, kind=kind, table=table,
        signature=frozenset(h for h in header if h.strip()),
        columns=columns,
        constants={**({"channel": platform} if table == "ad_stats" else {}), **(constants or {})},
        key_from=("published_at", "title") if table == "posts" and "post_id" not in column_map else (),
        headerless=headerless,
        note="confirmed by a user",
    )


def mapping_key(header: list[str], headerless: bool = False) -> str:
    """Mappings are kept per header; files without one, per number of columns (mapping such a file
    again replaces the earlier mapping for that width)."""
    return f"headerless|{len(header)}" if headerless else header_signature(header)


def save_mapping(store: Store, header: list[str], platform: str, kind: str, table: str,
                 column_map: dict[str, str], constants: dict[str, str] | None = None,
                 headerless: bool = False) -> None:
    with store.write() as cur:
        cur.run(
            "INSERT INTO mappings VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (header_signature) DO UPDATE SET "
            "platform = excluded.platform, export_kind = excluded.export_kind, table_name = excluded.table_name, "
            "column_map = excluded.column_map, created_at = excluded.created_at",
            [mapping_key(header, headerless), platform, kind, table,
             json.dumps({"header": header, "columns": column_map, "constants": constants or {},
                         "headerless": headerless}, ensure_ascii=False), datetime.now(UTC)],
        )


def saved_specs(store: Store) -> list[ExportSpec]:
    specs = []
    for platform, kind, table, raw in store.rows(
        "SELECT platform, export_kind, table_name, column_map FROM mappings ORDER BY created_at"
    ):
        saved = json.loads(raw)
        specs.append(spec_from_mapping(saved["header"], platform, kind, table, saved["columns"],
                                       saved.get("constants"), bool(saved.get("headerless"))))
    return specs
