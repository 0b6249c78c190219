"""Faults: a process killed mid-import, concurrent sessions, and store files that are missing,
read-only, garbage or from an older version. Each ends in a clear message or a recovered store,
never a traceback and never half an import.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard.ingest.pipeline import FAULT_PAUSE_ENV, import_bytes
from dashboard.settings import set_setting
from dashboard.store.db import Store, StoreError
from dashboard.store.schema import MIGRATIONS, SCHEMA_VERSION
from dashboard.targets import create_target, list_targets
from tests.conftest import ROOT, TODAY


def _posts_csv(first: int, n: int) -> bytes:
    lines = ["platform,account,post_id,published_at,title,likes"]
    lines += [f"x,acme,p{i},2026-03-{1 + i % 28:02d} 10:00:00,post {i},{i}" for i in range(first, first + n)]
    return ("\n".join(lines) + "\n").encode()


def _cli(db: Path, *args: str, env: dict[str, str] | None = None, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dashboard", *args, "--db", str(db)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the import ended early: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("the import never reached its transaction")
        time.sleep(0.05)


# -- killed in the middle of an import -----------------------------------------------------------

def test_an_import_killed_inside_its_transaction_leaves_nothing_and_history_says_interrupted(tmp_path):
    db = tmp_path / "store.duckdb"
    store = Store(db)
    set_setting(store, "timezone", "UTC")
    assert import_bytes(store, "before.csv", _posts_csv(0, 3), today=TODAY)[0].status == "imported"
    store.close()
    data = tmp_path / "big_posts.csv"
    data.write_bytes(_posts_csv(100, 500))
    marker = tmp_path / "inside"
    process = _cli(db, "import", str(data), env={FAULT_PAUSE_ENV: "60", FAULT_PAUSE_ENV + "_MARKER": str(marker)})
    try:
        _wait_for(marker, process)  # the rows are written, the transaction is open
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL

    reopened = Store(db)  # opens after the crash, and recovers
    assert reopened.scalar("SELECT count(*) FROM posts") == 3  # only the import before
    assert reopened.rows("SELECT post_id FROM posts ORDER BY post_id") == [("p0",), ("p1",), ("p2",)]
    history = reopened.rows("SELECT file_name, status, rows_inserted FROM imports ORDER BY imported_at")
    assert history == [("before.csv", "imported", 3), ("big_posts.csv", "interrupted", 0)]
    # the same file imports cleanly afterwards (the interrupted row does not make it a duplicate)
    again = import_bytes(reopened, "big_posts.csv", data.read_bytes(), today=TODAY)[0]
    assert (again.status, again.rows_inserted) == ("imported", 500)
    assert reopened.scalar("SELECT count(*) FROM posts") == 503
    reopened.close()


def test_a_failed_import_transaction_leaves_no_started_row(store, monkeypatch):
    from dashboard.ingest import load

    def broken(*args, **kwargs):
        raise StoreError("busy", path="x")

    monkeypatch.setattr(load, "upsert", broken)
    result = import_bytes(store, "posts.csv", _posts_csv(0, 2), today=TODAY)[0]
    assert result.status == "failed" and result.error.code == "store_busy"
    assert store.rows("SELECT status FROM imports") == []
    assert store.scalar("SELECT count(*) FROM posts") == 0


# -- two sessions at once ------------------------------------------------------------------------

def test_threads_importing_and_editing_targets_on_one_store_all_land(store):
    errors: list[BaseException] = []

    def importer(k: int) -> None:
        try:
            for j in range(3):
                result = import_bytes(store, f"posts_{k}_{j}.csv", _posts_csv(1000 * k + 100 * j, 50), today=TODAY)[0]
                assert result.status == "imported", result
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    def editor(k: int) -> None:
        try:
            for j in range(5):
                create_target(store, {"metric": "posts", "period_type": "week",
                                      "period_start": date(2026, 3, 2 + 7 * j), "value": float(k * 10 + j),
                                      "platform": ["x", "douyin"][k]}, f"editor{k}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=importer, args=(k,)) for k in range(2)]
    threads += [threading.Thread(target=editor, args=(k,)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert store.scalar("SELECT count(*) FROM posts") == 2 * 3 * 50
    assert store.scalar("SELECT count(*) FROM imports WHERE status = 'imported'") == 6
    assert len(list_targets(store)) == 10
    assert sorted(list_targets(store)["value"].to_list()) == [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]


def test_a_second_process_gets_a_clear_locked_message_and_nothing_is_lost(tmp_path):
    db = tmp_path / "store.duckdb"
    Store(db).close()
    first_file, second_file = tmp_path / "first.csv", tmp_path / "second.csv"
    first_file.write_bytes(_posts_csv(0, 20))
    second_file.write_bytes(_posts_csv(500, 20))
    marker = tmp_path / "inside"
    first = _cli(db, "import", str(first_file), env={FAULT_PAUSE_ENV: "5", FAULT_PAUSE_ENV + "_MARKER": str(marker)})
    try:
        _wait_for(marker, first)
        second = _cli(db, "import", str(second_file), "--json")
        out, err = second.communicate(timeout=60)
        assert second.returncode == 2
        assert "another program holds the store" in err and "Traceback" not in err + out
        first_out, first_err = first.communicate(timeout=60)
    finally:
        for process in (first,):
            if process.poll() is None:
                process.kill()
    assert first.returncode == 0, first_err
    assert "Traceback" not in first_err
    # the second one tries again once the first is done, and both imports are there
    retry = _cli(db, "import", str(second_file))
    retry.communicate(timeout=60)
    assert retry.returncode == 0
    store = Store(db)
    assert store.scalar("SELECT count(*) FROM posts") == 40
    assert store.scalar("SELECT count(*) FROM imports WHERE status = 'imported'") == 2
    store.close()


# -- the store file ------------------------------------------------------------------------------

def test_a_missing_store_file_and_folder_are_created(tmp_path):
    path = tmp_path / "new" / "deeper" / "store.duckdb"
    store = Store(path)
    assert path.exists() and store.schema_version == SCHEMA_VERSION
    store.close()


@pytest.fixture
def immutable(tmp_path):
    """A store file nobody may write, root included (chattr +i; the file system here supports it)."""
    path = tmp_path / "locked" / "store.duckdb"
    Store(path).close()
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {done.stderr.decode().strip()}")
    yield path
    subprocess.run(["chattr", "-i", str(path)], check=False)


def test_a_read_only_store_file_gives_a_clear_message(immutable):
    with pytest.raises(StoreError) as info:
        Store(immutable)
    assert info.value.code == "read_only"


def test_the_cli_on_a_read_only_store_prints_the_message_not_a_traceback(immutable, tmp_path):
    data = tmp_path / "posts.csv"
    data.write_bytes(_posts_csv(0, 2))
    out, err = _cli(immutable, "import", str(data)).communicate(timeout=60)
    assert "the store file is read-only" in err and "Traceback" not in out + err


def test_a_read_only_store_opened_by_duckdb_read_only_refuses_writes_cleanly(tmp_path):
    """DuckDB's own read-only mode: reads work, a write is refused with its own error (the app
    never opens stores this way; this pins what a read replica does)."""
    path = tmp_path / "replica.duckdb"
    Store(path).close()
    conn = duckdb.connect(str(path), read_only=True)
    assert conn.execute("SELECT count(*) FROM posts").fetchall() == [(0,)]
    with pytest.raises(duckdb.InvalidInputException, match="read-only"):
        conn.execute("INSERT INTO settings VALUES ('k', '1')")
    conn.close()


def test_an_older_store_is_upgraded_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE schema_version (version INTEGER)").fetchall()
    for statement in MIGRATIONS[0]:
        conn.execute(statement).fetchall()
    conn.execute("INSERT INTO schema_version VALUES (1)").fetchall()
    conn.execute("INSERT INTO imports (import_id, file_name, status) VALUES ('a', 'old.csv', 'started')").fetchall()
    conn.execute("INSERT INTO posts (platform, account, post_id, likes) VALUES ('x', 'a', '1', 5)").fetchall()
    conn.close()
    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION
    assert store.rows("SELECT likes FROM posts") == [(5,)]
    assert store.rows("SELECT status FROM imports") == [("interrupted",)]
    store.close()


@pytest.mark.parametrize("content, code", [
    (b"this is not a database" * 100, "cannot_open"),
    (b"", "cannot_open"),  # an empty file named like the store is no DuckDB database either
])
def test_a_broken_store_file_gives_a_clear_message_in_the_cli(tmp_path, content, code):
    path = tmp_path / "broken.duckdb"
    path.write_bytes(content)
    out, err = _cli(path, "kpis", "--start", "2026-03-01", "--end", "2026-03-07", "--json").communicate(timeout=60)
    assert "cannot open the store" in err and "Traceback" not in out + err
    with pytest.raises(StoreError) as info:
        Store(path)
    assert info.value.code == code
