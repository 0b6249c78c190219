"""read -> recognise -> normalise -> validate -> load, one file at a time, one transaction per file."""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dashboard.ingest import load
from dashboard.ingest.bulk import try_bulk
from dashboard.ingest.mapping import saved_specs
from dashboard.ingest.normalise import ImportContext, Issue, Normalised, find_header, normalise
from dashboard.ingest.platforms import ALL_SPECS
from dashboard.ingest.read import ReadError, Table, expand_archive, read_tables
from dashboard.ingest.spec import ExportSpec
from dashboard.settings import get_setting, pseudonym_salt, workspace_tz
from dashboard.store.db import Store, StoreError
from dashboard.store.schema import CANONICAL

MAX_FILE_BYTES = int(os.environ.get("DASHBOARD_MAX_UPLOAD_MB", "200")) * 1024 * 1024
MAX_SKIP_DETAILS = 50  # skipped rows listed one by one; the rest are counted


@dataclass
class FileResult:
    file: str
    status: str  # imported | duplicate | failed
    platform: str | None = None
    kind: str | None = None
    account: str | None = None
    rows_read: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_skipped: int = 0
    warnings: list[Issue] = field(default_factory=list)
    error: Issue | None = None
    import_id: str | None = None
    unrecognised: list[Table] = field(default_factory=list)  # tables the mapping step can offer

    def to_json(self, describe: Callable[[Issue], str]) -> dict[str, Any]:
        return {
            "file": self.file, "status": self.status, "platform": self.platform, "kind": self.kind,
            "account": self.account, "rows_read": self.rows_read, "rows_inserted": self.rows_inserted,
            "rows_updated": self.rows_updated, "rows_skipped": self.rows_skipped,
            "warnings": [describe(w) for w in self.warnings],
            "error": describe(self.error) if self.error else None,
        }


def import_paths(store: Store, paths: Iterable[str | Path], **options: Any) -> list[FileResult]:
    results = []
    for path in paths:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            results.append(FileResult(path.name, "failed", error=Issue("cannot_open_file", path.name,
                                                                         params={"reason": exc.strerror or str(exc)})))
            continue
        results.extend(import_bytes(store, path.name, data, **options))
    return results


def import_bytes(store: Store, name: str, data: bytes, *, account: str | None = None,
                 today: date | None = None, max_bytes: int = MAX_FILE_BYTES,
                 extra_specs: list[ExportSpec] | None = None, pseudonymise: bool | None = None) -> list[FileResult]:
    """Import one uploaded file (a zip gives one result per member).

    pseudonymise: store user ids hashed with the workspace salt (None: the workspace's setting)."""
    if len(data) > max_bytes:
        return [_fail(store, name, data, Issue("file_too_large", name, params={
            "size_mb": round(len(data) / 1024 / 1024, 1), "limit_mb": round(max_bytes / 1024 / 1024)}))]
    try:
        members = expand_archive(name, data)
    except ReadError as exc:
        return [_fail(store, name, data, Issue(exc.code, name, params=exc.params))]
    if not members:  # an empty zip, or one holding nothing but __MACOSX/ and .DS_Store
        return [_fail(store, name, data, Issue("no_table", name))]
    tz = workspace_tz(store)
    now = datetime.now(UTC)
    if today and today < now.astimezone(tz).date():  # an import "as of" an earlier day: one clock for both
        now = datetime(today.year, today.month, today.day, 23, 59, 59, tzinfo=tz).astimezone(UTC)
    if pseudonymise is None:
        pseudonymise = bool(get_setting(store, "pseudonymise"))
    ctx_base = dict(tz=tz, today=today or now.astimezone(tz).date(), now=now,
                    account=account or get_setting(store, "default_account") or None,
                    salt=pseudonym_salt(store) if pseudonymise else None)
    specs = [*(extra_specs or []), *saved_specs(store), *ALL_SPECS]
    return [_import_one(store, member_name, member_data, ImportContext(file_name=member_name, **ctx_base), specs)
            for member_name, member_data in members]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _import_one(store: Store, name: str, data: bytes, ctx: ImportContext, specs: list[ExportSpec]) -> FileResult:
    sha = _sha256(data)
    previous = store.rows("SELECT import_id, platform, export_kind, account FROM imports "
                          "WHERE file_sha256 = ? AND status = 'imported'", [sha])
    if previous:
        import_id, platform, kind, account = previous[0]
        result = FileResult(name, "duplicate", platform=platform, kind=kind, account=account, import_id=import_id)
        result.warnings.append(Issue("already_imported", name))
        _record(store, result, sha, len(data))
        return result
    fast = try_bulk(name, data, specs, ctx)  # a large plain CSV: the same result, column by column
    if fast is not None:
        return _load(store, name, data, sha, [fast], [])
    try:
        tables = read_tables(name, data, expand=False)  # import_bytes expanded the upload already
    except ReadError as exc:
        return _fail(store, name, data, Issue(exc.code, name, params=exc.params))

    normalised: list[Normalised] = []
    unrecognised: list[Table] = []
    for table in tables:
        found = find_header(table, specs, name)
        if found is None:
            unrecognised.append(table)
            continue
        normalised.append(normalise(table, found[0], found[1], ctx))
    if not normalised:
        result = _fail(store, name, data, Issue("unrecognised", name, params={"columns": _preview_header(tables)}))
        result.unrecognised = unrecognised
        return result
    return _load(store, name, data, sha, normalised, unrecognised)


def _preview_header(tables: list[Table]) -> str:
    first = tables[0].rows[0] if tables and tables[0].rows else []
    return ", ".join(c for c in first[:8] if c)


def _load(store: Store, name: str, data: bytes, sha: str, parts: list[Normalised],
          unrecognised: list[Table]) -> FileResult:
    stored = [p for p in parts if p.spec.table]
    main = stored[0] if stored else parts[0]
    result = FileResult(name, "imported", platform=main.spec.platform, kind=main.spec.kind,
                        import_id=uuid.uuid4().hex)
    accounts = sorted({a for p in parts for a in p.accounts})
    result.account = ", ".join(accounts) if accounts else None
    for part in parts:
        result.rows_read += part.rows_read
        result.warnings.extend(part.warnings)
        result.rows_skipped += len(part.skipped)
        if part.spec.table is None:
            source = part.table.source + (f" [{part.table.sheet}]" if part.table.sheet else "")
            result.warnings.append(Issue("not_stored", source, params={"kind": part.spec.label}))
    for table in unrecognised:
        result.warnings.append(Issue("sheet_ignored", table.source, params={"sheet": table.sheet or ""}))
    skipped = [s for p in parts for s in p.skipped]

    by_table: dict[str, list[dict[str, Any]]] = {}
    sources: dict[str, list[str]] = {}
    bulk: dict[str, list[Any]] = {}
    for part in stored:
        by_table.setdefault(part.spec.table, []).extend(part.rows)
        sources.setdefault(part.spec.table, []).extend(part.table.source for _ in part.rows)
        if part.frame is not None:
            bulk.setdefault(part.spec.table, []).append(part.frame)
    frames = {}
    for table_name, rows in by_table.items():
        good, bad = load.validate(table_name, rows)
        for problem in bad:
            skipped.append(Issue("invalid_value", sources[table_name][problem.index],
                                 rows[problem.index].get("__line"), problem.column, {"reason": problem.message}))
        result.rows_skipped += len(bad)
        if table_name in bulk:  # file order of the rows the bulk path left to the interpreter
            refused = {problem.index for problem in bad}
            good = [{**g, "__line": r.get("__line")} for g, r in
                    zip(good, (r for i, r in enumerate(rows) if i not in refused), strict=True)]
        frames[table_name] = load.to_frame(CANONICAL[table_name], good, result.import_id, bulk.get(table_name))

    if stored and not any(not f.is_empty() for f in frames.values()) and skipped:
        first = skipped[0]
        fail = _fail(store, name, data, Issue("no_valid_rows", first.source, first.line, first.column,
                                              {"reason_code": first.code, **first.params}))
        fail.rows_read, fail.rows_skipped, fail.warnings = result.rows_read, result.rows_skipped, skipped[:MAX_SKIP_DETAILS]
        fail.platform, fail.kind = result.platform, result.kind
        return fail
    result.warnings = skipped[:MAX_SKIP_DETAILS] + result.warnings
    if len(skipped) > MAX_SKIP_DETAILS:
        result.warnings.append(Issue("more_skipped", name, params={"count": len(skipped) - MAX_SKIP_DETAILS}))
    try:
        _mark_started(store, result, sha, len(data))
        with store.write() as cur:
            for table_name, frame in frames.items():
                counts = load.upsert(cur, CANONICAL[table_name], frame, result.import_id)
                result.rows_inserted += counts.inserted
                result.rows_updated += counts.updated
                if counts.stale:
                    result.rows_skipped += counts.stale
                    result.warnings.append(Issue("older_than_stored", name, params={"count": counts.stale}))
            _pause_for_fault_tests()
            cur.run("DELETE FROM imports WHERE import_id = ? AND status = 'started'", [result.import_id])
            _insert_import(cur, result, sha, len(data))
    except StoreError as exc:
        _forget_started(store, result.import_id)
        return _fail(store, name, data, Issue(f"store_{exc.code}", name, params=exc.params), record=False)
    except BaseException:
        _forget_started(store, result.import_id)
        raise
    return result


def _mark_started(store: Store, result: FileResult, sha: str, size: int) -> None:
    """The history row of an import, written before its data: status 'started' until the data
    transaction replaces it with the 'imported' row. A process killed in between leaves 'started',
    which the store turns into 'interrupted' when it is next opened (store/db.py)."""
    with store.write(bump=False) as cur:
        _insert_import(cur, replace(result, status="started", warnings=[]), sha, size)


def _forget_started(store: Store, import_id: str | None) -> None:
    try:
        with store.write(bump=False) as cur:
            cur.run("DELETE FROM imports WHERE import_id = ? AND status = 'started'", [import_id])
    except StoreError:
        pass  # the store itself is the problem; reopening it marks the row 'interrupted'


# Test only (tests/unit/test_faults.py): seconds to wait inside the data transaction, so a test can
# kill the process mid-import. Never set in production.
FAULT_PAUSE_ENV = "DASHBOARD_TEST_PAUSE_IN_IMPORT_S"


def _pause_for_fault_tests() -> None:
    pause = os.environ.get(FAULT_PAUSE_ENV)
    if pause:
        marker = os.environ.get(FAULT_PAUSE_ENV + "_MARKER")
        if marker:
            Path(marker).write_text("inside the import transaction")
        time.sleep(float(pause))


def _fail(store: Store, name: str, data: bytes, error: Issue, record: bool = True) -> FileResult:
    result = FileResult(name, "failed", error=error)
    if record:
        _record(store, result, _sha256(data), len(data))
    return result


def _record(store: Store, result: FileResult, sha: str, size: int) -> None:
    """Duplicates and failures go to the history too (their own write: no data changes)."""
    try:
        with store.write(bump=False) as cur:
            _insert_import(cur, result, sha, size)
    except StoreError:
        pass  # the history is best effort when the store itself is the problem


def _insert_import(cur, result: FileResult, sha: str, size: int) -> None:
    import_id = result.import_id if result.status in ("imported", "started") else uuid.uuid4().hex
    warnings = [{"code": w.code, "source": w.source, "line": w.line, "column": w.column, "params": w.params}
                for w in ([result.error] if result.error else []) + result.warnings]
    cur.run(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [import_id, result.file, sha, size, result.platform, result.kind, result.account, result.rows_read,
         result.rows_inserted, result.rows_updated, result.rows_skipped,
         json.dumps(warnings, ensure_ascii=False, default=str), result.status, datetime.now(UTC)],
    )


def undo_import(store: Store, import_id: str) -> int:
    """Undo an import: its rows go, the rows it replaced come back. Returns rows removed."""
    with store.write() as cur:
        status = cur.scalar("SELECT status FROM imports WHERE import_id = ?", [import_id])
        if status != "imported":
            raise StoreError("not_undoable", import_id=import_id, status=status)
        removed = load.undo(cur, import_id)
        cur.run("UPDATE imports SET status = 'undone' WHERE import_id = ?", [import_id])
    return removed
