"""The whole workspace as Parquet, one file per table: a backup, a read replica's source, and a way
into other engines (DuckDB, Polars, Spark, BigQuery, MotherDuck all read it).

`export_parquet` writes every table of the store plus `manifest.json` (schema version, row counts);
`restore_parquet` loads such a folder into an empty store in one transaction: all of it or nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dashboard.store.db import Cursor, Store, StoreError, quote_ident
from dashboard.store.schema import CANONICAL, SCHEMA_VERSION, TableDef

MANIFEST = "manifest.json"
_SKIP = {"schema_version"}  # the store's own; a restore keeps the restoring store's version


def _literal(path: Path) -> str:
    """A file path as a SQL string literal (COPY takes no bound parameter for its target)."""
    return "'" + str(path).replace("'", "''") + "'"


def store_tables(store: Store) -> list[str]:
    return [r[0] for r in store.rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
        "AND table_catalog = current_database() ORDER BY table_name") if r[0] not in _SKIP]


def export_parquet(store: Store, folder: str | Path) -> dict[str, Any]:
    """Write <folder>/<table>.parquet for every table, and the manifest. Returns the manifest."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError("cannot_create", path=str(folder), reason=exc.strerror or str(exc)) from exc
    counts = {}
    cur = store.cursor()
    try:
        cur.run("BEGIN TRANSACTION")  # one consistent snapshot of every table
        for table in store_tables(store):
            target = folder / f"{table}.parquet"
            cur.run(f"COPY (SELECT * FROM {quote_ident(table)}) TO {_literal(target)} (FORMAT parquet)")
            counts[table] = cur.scalar(f"SELECT count(*) FROM {quote_ident(table)}")
        cur.run("COMMIT")
    finally:
        cur.raw.close()
    manifest = {"format": "social-ops-dashboard parquet backup", "schema_version": store.schema_version,
                "tables": counts}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def restore_parquet(store: Store, folder: str | Path) -> dict[str, int]:
    """Load a folder written by export_parquet into this store, which must hold no data yet.
    Columns are matched by name, so a backup from an older schema restores into a newer store."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        tables = dict(manifest["tables"])
        version = int(manifest["schema_version"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError("bad_backup", path=str(folder)) from exc
    if version > SCHEMA_VERSION:
        raise StoreError("newer_schema", path=str(folder), version=version)
    present = set(store_tables(store))
    busy = [t for t in present if t != "settings" and store.scalar(f"SELECT count(*) FROM {quote_ident(t)}")]
    if busy:
        raise StoreError("not_empty", path=store.path, tables=", ".join(sorted(busy)))
    missing = [t for t in tables if not (folder / f"{t}.parquet").exists()]
    if missing:
        raise StoreError("bad_backup", path=str(folder))
    loaded = {}
    with store.write() as cur:
        cur.run("DELETE FROM settings")  # a new store's own settings give way to the workspace's
        for table in tables:
            if table not in present:
                continue  # a table this version no longer has
            source = folder / f"{table}.parquet"
            cur.run(f"INSERT INTO {quote_ident(table)} BY NAME SELECT * FROM read_parquet({_literal(source)})")
            loaded[table] = cur.scalar(f"SELECT count(*) FROM {quote_ident(table)}")
            if loaded[table] != tables[table] or (table in CANONICAL and _repeats_a_key(cur, CANONICAL[table])):
                raise StoreError("bad_backup", path=str(source))
    return loaded


def _repeats_a_key(cur: Cursor, table: TableDef) -> bool:
    """posts keep their key without an index (schema migration 7): a backup must not bring in a
    key twice."""
    key = ", ".join(quote_ident(c) for c in table.key)
    return bool(cur.scalar(f"SELECT count(*) FROM (SELECT 1 FROM {quote_ident(table.name)} GROUP BY {key} "
                           "HAVING count(*) > 1)"))
