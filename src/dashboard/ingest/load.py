"""Validate canonical rows and upsert them, remembering what they replaced so undo can restore it.

All statements take identifiers from the table definitions (quoted) and values as bound
parameters or registered frames; nothing from a file is pasted into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

import polars as pl
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic import Field as Bounds

from dashboard.store.db import Cursor, quote_ident
from dashboard.store.schema import CANONICAL, TableDef

_PL_TYPES = {
    "VARCHAR": pl.String, "BIGINT": pl.Int64, "DOUBLE": pl.Float64, "DATE": pl.Date,
    "TIMESTAMPTZ": pl.Datetime("us", "UTC"), "BOOLEAN": pl.Boolean, "JSON": pl.String,
}
_PY_TYPES = {  # a count past int64 is a bad row, not a crash when the frame is built
    "VARCHAR": str, "BIGINT": Annotated[int, Bounds(ge=-(2**63), le=2**63 - 1)], "DOUBLE": float,
    "DATE": date, "TIMESTAMPTZ": datetime, "BOOLEAN": bool, "JSON": str,
}


def _model(table: TableDef) -> type[BaseModel]:
    """A pydantic model of a canonical row: key columns required, the rest nullable."""
    fields: dict[str, Any] = {}
    for name, sql_type in table.columns.items():
        py = _PY_TYPES[sql_type]
        fields[name] = (py, ...) if name in table.key else (py | None, None)
    config = ConfigDict(extra="ignore", strict=False)
    return create_model(f"{table.name.title()}Row", __config__=config, **fields)


MODELS: dict[str, type[BaseModel]] = {name: _model(t) for name, t in CANONICAL.items()}


@dataclass(frozen=True)
class RowProblem:
    index: int
    column: str
    message: str


def validate(table_name: str, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[RowProblem]]:
    """Rows that fit the canonical model, and the index/column/reason of those that do not."""
    model = MODELS[table_name]
    good: list[dict[str, Any]] = []
    bad: list[RowProblem] = []
    for index, row in enumerate(rows):
        try:
            good.append(model.model_validate(row).model_dump())
        except ValidationError as exc:
            first = exc.errors()[0]
            column = ".".join(str(p) for p in first.get("loc", ())) or "?"
            bad.append(RowProblem(index, column, first.get("msg", "invalid")))
    return good, bad


def to_frame(table: TableDef, rows: list[dict[str, Any]], import_id: str,
             bulk: list[pl.DataFrame] | None = None) -> pl.DataFrame:
    """The rows as a frame of the table. bulk: rows read column by column (ingest/bulk.py), typed
    and carrying `__line`; they and `rows` (which then carry `__line` too) go in file order."""
    schema = {name: _PL_TYPES[t] for name, t in table.columns.items()}
    if not bulk:
        frame = pl.DataFrame([{**{c: r.get(c) for c in table.columns}, "import_id": import_id} for r in rows],
                             schema=schema, orient="row")
        return _collapse_duplicates(table, frame)
    schema["__line"] = pl.Int64
    parts = [b.with_columns(pl.lit(import_id).alias("import_id")).select(list(schema)) for b in bulk]
    if rows:
        parts.insert(0, pl.DataFrame([{**{c: r.get(c) for c in table.columns}, "import_id": import_id,
                                       "__line": r.get("__line")} for r in rows], schema=schema, orient="row"))
    frame = pl.concat(parts) if len(parts) > 1 else parts[0]
    if not frame["__line"].is_sorted():  # a file read in one piece is in order already
        frame = frame.sort("__line", maintain_order=True)
    return _collapse_duplicates(table, frame.drop("__line"))


def _collapse_duplicates(table: TableDef, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of one import that share a key become one: several sheets fill one day's row."""
    key = list(table.key)
    if frame.select(key).hash_rows().n_unique() == frame.height:
        return frame  # keys with distinct hashes are distinct (a cheap test of a million rows)
    if frame.select(pl.struct(key).is_duplicated().any()).item() is False:
        return frame
    if table.merge == "newer" and table.version_column:
        frame = frame.sort(table.version_column, nulls_last=False)
    rest = [c for c in frame.columns if c not in key]
    return frame.group_by(key, maintain_order=True).agg([pl.col(c).drop_nulls().last() for c in rest]) \
        .select(frame.columns)


@dataclass
class LoadCounts:
    inserted: int = 0
    updated: int = 0
    stale: int = 0  # older than what is stored: kept out


def upsert(cur: Cursor, table: TableDef, frame: pl.DataFrame, import_id: str) -> LoadCounts:
    """Insert new keys; update stored keys (coalescing, or only when newer); log replaced rows.
    The frame holds each key once (to_frame), so the table's keys stay unique: for posts, which has
    no primary-key index (schema migration 7), this is the guarantee."""
    counts = LoadCounts()
    if frame.is_empty():
        return counts
    t = quote_ident(table.name)
    replaced = quote_ident(table.name + "__replaced")
    cols = [quote_ident(c) for c in table.columns]
    values = [c for c in table.value_columns]
    join = " AND ".join(f"t.{quote_ident(k)} = i.{quote_ident(k)}" for k in table.key)
    changed = " OR ".join(
        f"(i.{quote_ident(c)} IS NOT NULL AND i.{quote_ident(c)} IS DISTINCT FROM t.{quote_ident(c)})" for c in values
    )
    newer = "TRUE"
    if table.merge == "newer" and table.version_column:
        vc = quote_ident(table.version_column)
        newer = f"(t.{vc} IS NULL OR i.{vc} >= t.{vc})"

    cur.register("incoming_rows", frame)
    try:
        casts = ", ".join(f"CAST({q} AS {table.columns[c]}) AS {q}" for c, q in zip(table.columns, cols, strict=True))
        if not cur.scalar(f"SELECT count(*) FROM {t}"):  # an empty table: every row is new, nothing replaced
            counts.inserted = cur.scalar(f"INSERT INTO {t} ({', '.join(cols)}) SELECT {casts} FROM incoming_rows")
            return counts
        cur.run(f"CREATE OR REPLACE TEMP TABLE incoming AS SELECT {casts} FROM incoming_rows")
    finally:
        cur.unregister("incoming_rows")

    counts.stale = cur.scalar(f"SELECT count(*) FROM incoming i JOIN {t} t ON {join} WHERE NOT {newer}")
    cur.run(
        f"CREATE OR REPLACE TEMP TABLE to_update AS SELECT i.* FROM incoming i JOIN {t} t ON {join} "
        f"WHERE {newer} AND ({changed})"
    )
    counts.updated = cur.scalar("SELECT count(*) FROM to_update")
    if counts.updated:
        t_cols = ", ".join(f"t.{c}" for c in cols)
        cur.run(
            f"INSERT INTO {replaced} SELECT ? AS replaced_by, {t_cols} FROM {t} t "
            f"JOIN to_update i ON {join}", [import_id]
        )
        sets = ", ".join(f"{quote_ident(c)} = coalesce(i.{quote_ident(c)}, t.{quote_ident(c)})" for c in values)
        cur.run(f"UPDATE {t} AS t SET {sets}, import_id = i.import_id FROM to_update i WHERE {join}")
    counts.inserted = cur.scalar(f"INSERT INTO {t} ({', '.join(cols)}) SELECT * FROM incoming i "
                                 f"WHERE NOT EXISTS (SELECT 1 FROM {t} t WHERE {join})")
    cur.run("DROP TABLE IF EXISTS incoming")
    cur.run("DROP TABLE IF EXISTS to_update")
    return counts


def undo(cur: Cursor, import_id: str) -> int:
    """Remove what an import wrote and put back the rows it replaced. Returns rows removed."""
    removed = 0
    for table in CANONICAL.values():
        t = quote_ident(table.name)
        replaced = quote_ident(table.name + "__replaced")
        cols = ", ".join(quote_ident(c) for c in table.columns)
        join = " AND ".join(f"t.{quote_ident(k)} = r.{quote_ident(k)}" for k in table.key)
        removed += cur.scalar(f"SELECT count(*) FROM {t} WHERE import_id = ?", [import_id])
        cur.run(f"DELETE FROM {t} WHERE import_id = ?", [import_id])
        cur.run(
            f"INSERT INTO {t} ({cols}) SELECT {cols} FROM {replaced} r WHERE r.replaced_by = ? "
            f"AND NOT EXISTS (SELECT 1 FROM {t} t WHERE {join})", [import_id]
        )
        # this import's own versions, kept for a later import's undo, must not come back either
        cur.run(f"DELETE FROM {replaced} WHERE replaced_by = ? OR import_id = ?", [import_id, import_id])
    return removed
