"""The DuckDB store: one connection per file, one writer under a lock, cursors for readers.

DuckDB 2.0 wants every result read to the end before the next statement on the same cursor, so
every helper here consumes its result (`.pl()` / `fetchall()`) before returning.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dashboard.store.schema import MIGRATIONS, SCHEMA_VERSION

DEFAULT_DB = Path(__file__).resolve().parents[3] / "data" / "dashboard.duckdb"


class StoreError(Exception):
    """A store that cannot be opened or written; code is an i18n key suffix."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


def default_db_path() -> str:
    return os.environ.get("DASHBOARD_DB") or str(DEFAULT_DB)


def quote_ident(name: str) -> str:
    """Quote an identifier for SQL; used for column names taken from table definitions."""
    return '"' + name.replace('"', '""') + '"'


class Cursor:
    """A thin wrapper that always consumes results (DuckDB 2.0 strictness)."""

    def __init__(self, raw: duckdb.DuckDBPyConnection):
        self.raw = raw

    def run(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        return self.raw.execute(sql, list(params) if params is not None else None).fetchall()

    def frame(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
        return self.raw.sql(sql, params=list(params) if params is not None else None).pl()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        rows = self.run(sql, params)
        return rows[0][0] if rows else None

    def register(self, name: str, frame: pl.DataFrame) -> None:
        self.raw.register(name, frame)

    def unregister(self, name: str) -> None:
        self.raw.unregister(name)


_DATA_VERSIONS: dict[str, int] = {}  # file -> data version, forgotten by every write to that file
_WRITES: dict[str, int] = {}  # file -> writes finished: a version read while one finished is not kept
_VERSIONS_LOCK = threading.Lock()


class Store:
    """One DuckDB database file. Readers get a fresh cursor per call; writers take the lock."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = str(path)
        # one key per database file; in-memory and MotherDuck databases are not remembered
        self._version_key = None if self.path == ":memory:" or self.path.startswith("md:") \
            else os.path.realpath(self.path)
        self._write_lock = threading.RLock()
        self._conn = self._connect()
        self._migrate()
        self._recover()

    # -- opening -----------------------------------------------------------------------------
    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self.path != ":memory:" and not self.path.startswith("md:"):
            target = Path(self.path)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError("cannot_create", path=self.path, reason=str(exc)) from exc
            if target.exists() and not os.access(target, os.W_OK):
                raise StoreError("read_only", path=self.path)
        try:
            return duckdb.connect(self.path)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreError("locked", path=self.path) from exc
            raise StoreError("cannot_open", path=self.path, reason=text.splitlines()[0]) from exc
        except duckdb.Error as exc:
            raise StoreError("cannot_open", path=self.path, reason=str(exc).splitlines()[0]) from exc

    def _migrate(self) -> None:
        with self.write(bump=False) as cur:
            cur.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
            current = cur.scalar("SELECT max(version) FROM schema_version") or 0
            if current > SCHEMA_VERSION:
                raise StoreError("newer_schema", path=self.path, version=current)
            for number in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    cur.run(statement)
                cur.run("INSERT INTO schema_version VALUES (?)", [number])

    def _recover(self) -> None:
        """An import whose process died between its 'started' history row and its data transaction
        left only that row (the data rolled back): the history says it was interrupted."""
        with self.write(bump=False) as cur:
            cur.run("UPDATE imports SET status = 'interrupted' WHERE status = 'started'")

    @property
    def schema_version(self) -> int:
        return int(self.scalar("SELECT max(version) FROM schema_version") or 0)

    # -- reading -----------------------------------------------------------------------------
    def cursor(self) -> Cursor:
        return Cursor(self._conn.cursor())

    @contextmanager
    def _reader(self, frames: dict[str, pl.DataFrame] | None) -> Iterator[Cursor]:
        """A cursor that sees `frames` (name -> polars frame) as tables, for its one query."""
        cur = self.cursor()
        try:
            for name, frame in (frames or {}).items():
                cur.register(name, frame)
            yield cur
        finally:
            cur.raw.close()

    def frame(self, sql: str, params: Sequence[Any] | None = None,
              frames: dict[str, pl.DataFrame] | None = None) -> pl.DataFrame:
        with self._reader(frames) as cur:
            return cur.frame(sql, params)

    def rows(self, sql: str, params: Sequence[Any] | None = None,
             frames: dict[str, pl.DataFrame] | None = None) -> list[tuple]:
        with self._reader(frames) as cur:
            return cur.run(sql, params)

    def scalar(self, sql: str, params: Sequence[Any] | None = None,
               frames: dict[str, pl.DataFrame] | None = None) -> Any:
        rows = self.rows(sql, params, frames)
        return rows[0][0] if rows else None

    @property
    def data_version(self) -> int:
        """Bumped by every write; caches key on it so a new import shows up at once.

        Pages ask for it once per cached call (20-30 times a view), so it is remembered per file
        until a write in this process; no other process can write a local file this one holds
        open (DuckDB locks it). A MotherDuck database can have other writers: read every time."""
        key = self._version_key
        known = _DATA_VERSIONS.get(key) if key else None
        if known is None:
            writes = _WRITES.get(key, 0)
            known = int(self.scalar("SELECT value FROM settings WHERE key = '__data_version'") or 0)
            with _VERSIONS_LOCK:
                if key and _WRITES.get(key, 0) == writes:
                    _DATA_VERSIONS[key] = known
        return known

    # -- writing -----------------------------------------------------------------------------
    @contextmanager
    def write(self, bump: bool = True) -> Iterator[Cursor]:
        """The one write path: one lock, one transaction; any exception rolls everything back."""
        acquired = self._write_lock.acquire(timeout=30)
        if not acquired:
            raise StoreError("busy", path=self.path)
        cur = self.cursor()
        try:
            cur.run("BEGIN TRANSACTION")
            try:
                yield cur
                if bump:
                    cur.run(
                        "INSERT INTO settings VALUES ('__data_version', '1') ON CONFLICT (key) DO UPDATE "
                        "SET value = to_json(CAST(settings.value AS BIGINT) + 1)"
                    )
                cur.run("COMMIT")
            except BaseException:
                cur.run("ROLLBACK")
                raise
        finally:
            if self._version_key:
                with _VERSIONS_LOCK:
                    _DATA_VERSIONS.pop(self._version_key, None)
                    _WRITES[self._version_key] = _WRITES.get(self._version_key, 0) + 1
            cur.raw.close()
            self._write_lock.release()

    def close(self) -> None:
        self._conn.close()


_open: dict[str, Store] = {}
_open_lock = threading.Lock()


def open_store(path: str | os.PathLike[str] | None = None) -> Store:
    """The process-wide Store for a path (DuckDB allows one writer process per file)."""
    key = str(path or default_db_path())
    with _open_lock:
        store = _open.get(key)
        if store is None:
            store = _open[key] = Store(key)
        return store


def forget_store(path: str | os.PathLike[str]) -> None:
    """Close and drop a cached store (tests, and after the file is replaced)."""
    with _open_lock:
        store = _open.pop(str(path), None)
    if store is not None:
        store.close()
