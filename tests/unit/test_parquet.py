"""Parquet backup and restore of the whole workspace; a MotherDuck name as DASHBOARD_DB."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import duckdb
import pytest

from dashboard.ingest.pipeline import import_bytes
from dashboard.settings import set_setting
from dashboard.store import db as store_db
from dashboard.store.db import Store, StoreError, default_db_path, open_store
from dashboard.store.parquet import export_parquet, restore_parquet, store_tables
from dashboard.targets import create_target
from tests.conftest import ROOT, TODAY

POSTS = ("platform,account,post_id,published_at,title,text,likes,completion_rate\n"
         "x,acme,p1,2026-03-01 10:00:00,Hi,\"a, b\",5,35%\n"
         "douyin,店铺,p2,2026-03-02 11:30:00,你好,正文,7,\n").encode()
EVENTS = b"user_id,occurred_at,event_type,revenue\nu1,2026-03-01 10:00:00,purchase,12.5\nu2,2026-03-02 09:00:00,visit,\n"


def _workspace(store: Store) -> None:
    set_setting(store, "timezone", "Asia/Shanghai")
    for name, data in (("posts.csv", POSTS), ("events.csv", EVENTS)):
        assert import_bytes(store, name, data, today=TODAY)[0].status == "imported"
    # an overlapping newer export: posts__replaced gets a row too
    newer = POSTS.replace(b",5,35%", b",9,40%")
    # read a day later: both rows carry a newer metrics_as_of, so both are updated
    assert import_bytes(store, "posts_v2.csv", newer, today=TODAY + timedelta(days=1))[0].rows_updated == 2
    create_target(store, {"metric": "posts", "period_type": "week", "period_start": date(2026, 3, 2), "value": 7.0},
                  "ann")


def _table(store: Store, table: str) -> list[tuple]:
    where = " WHERE key <> '__data_version'" if table == "settings" else ""  # a restore is a write: it moves on
    return store.rows(f'SELECT * FROM "{table}"{where} ORDER BY ALL')


def test_export_then_restore_into_an_empty_store_is_exact_table_by_table(tmp_path):
    source = Store(tmp_path / "a.duckdb")
    _workspace(source)
    manifest = export_parquet(source, tmp_path / "backup")
    assert manifest["tables"]["posts"] == 2 and manifest["tables"]["posts__replaced"] == 2
    assert sorted(p.name for p in (tmp_path / "backup").iterdir()) == sorted(
        [f"{t}.parquet" for t in store_tables(source)] + ["manifest.json"])

    target = Store(tmp_path / "b.duckdb")
    loaded = restore_parquet(target, tmp_path / "backup")
    assert loaded == manifest["tables"]
    for table in store_tables(source):
        assert _table(target, table) == _table(source, table), table
    # other engines read the files as they are
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{tmp_path / 'backup' / 'events.parquet'}')").fetchall() == [(2,)]


def test_restore_refuses_a_store_with_data_and_a_folder_that_is_no_backup(tmp_path):
    source = Store(tmp_path / "a.duckdb")
    _workspace(source)
    export_parquet(source, tmp_path / "backup")
    with pytest.raises(StoreError) as info:
        restore_parquet(source, tmp_path / "backup")
    assert info.value.code == "not_empty"
    with pytest.raises(StoreError) as info:
        restore_parquet(Store(tmp_path / "c.duckdb"), tmp_path / "nothing")
    assert info.value.code == "bad_backup"
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    manifest["schema_version"] = 999
    (tmp_path / "backup" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreError) as info:
        restore_parquet(Store(tmp_path / "d.duckdb"), tmp_path / "backup")
    assert info.value.code == "newer_schema"


def test_cli_export_and_restore(tmp_path):
    source = Store(tmp_path / "a.duckdb")
    _workspace(source)
    source.close()
    env = {"PYTHONPATH": str(ROOT / "src")}

    def cli(*args):
        import os
        return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, **env}, timeout=120)

    out = cli("export", "--parquet", str(tmp_path / "dump"), "--db", str(tmp_path / "a.duckdb"), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["counts"]["events"] == 2
    out = cli("restore", "--parquet", str(tmp_path / "dump"), "--db", str(tmp_path / "b.duckdb"))
    assert out.returncode == 0 and out.stdout.startswith("restored"), out.stderr
    again = cli("restore", "--parquet", str(tmp_path / "dump"), "--db", str(tmp_path / "b.duckdb"), "--lang", "zh")
    assert again.returncode == 2 and "只能恢复到空的数据库" in again.stderr and "Traceback" not in again.stderr
    restored = Store(tmp_path / "b.duckdb")
    assert restored.rows("SELECT post_id, likes FROM posts ORDER BY 1") == [("p1", 9), ("p2", 7)]


def test_a_motherduck_name_is_passed_to_duckdb_as_it_is(monkeypatch, tmp_path):
    """`DASHBOARD_DB=md:team_ws` never goes through file-path handling (no folder is made, no file
    mode is checked); no connection is made here: duckdb.connect is replaced by a local database."""
    seen = []
    local = duckdb.connect

    def fake_connect(name, *args, **kwargs):
        seen.append(name)
        return local(":memory:")

    monkeypatch.setattr(store_db.duckdb, "connect", fake_connect)
    monkeypatch.setattr(store_db.Path, "mkdir", lambda *a, **k: (_ for _ in ()).throw(AssertionError("mkdir")))
    monkeypatch.setenv("DASHBOARD_DB", "md:team_ws?motherduck_token=secret")
    assert default_db_path() == "md:team_ws?motherduck_token=secret"
    store = open_store()
    assert seen == ["md:team_ws?motherduck_token=secret"]
    assert store.path == "md:team_ws?motherduck_token=secret"
    set_setting(store, "timezone", "UTC")
    assert import_bytes(store, "posts.csv", POSTS, today=TODAY)[0].rows_inserted == 2
    store_db.forget_store(store.path)
