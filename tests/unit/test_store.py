"""Store: migrations, one write path, rollback leaves the store as it was."""

import duckdb
import pytest

from dashboard.store.db import Store, StoreError
from dashboard.store.schema import CANONICAL, MIGRATIONS, SCHEMA_VERSION


def test_new_store_has_every_table_and_version(tmp_path):
    store = Store(tmp_path / "a.duckdb")
    names = {r[0] for r in store.rows("SELECT table_name FROM information_schema.tables")}
    assert {"imports", "targets", "targets_history", "review_notes", "settings", "mappings", "costs"} <= names
    assert set(CANONICAL) <= names
    assert {f"{t}__replaced" for t in CANONICAL} <= names
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)


def test_older_store_is_upgraded_on_open(tmp_path):
    path = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE schema_version (version INTEGER)").fetchall()
    for statement in MIGRATIONS[0]:
        conn.execute(statement).fetchall()
    conn.execute("INSERT INTO schema_version VALUES (1)").fetchall()
    conn.execute("INSERT INTO posts (platform, account, post_id, likes) VALUES ('x', 'a', '1', 5)").fetchall()
    conn.close()

    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION
    indexes = {r[0] for r in store.rows("SELECT index_name FROM duckdb_indexes()")}
    assert {"imports_sha", "events_user"} <= indexes
    assert "posts_published" not in indexes  # migration 7: posts carry no index
    assert store.rows("SELECT likes FROM posts") == [(5,)]  # data survives the upgrade


def test_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    Store(path).close()
    conn = duckdb.connect(str(path))
    conn.execute("INSERT INTO schema_version VALUES (99)").fetchall()
    conn.close()
    with pytest.raises(StoreError) as info:
        Store(path)
    assert info.value.code == "newer_schema"


def test_failed_write_rolls_back(store):
    before = store.data_version
    with pytest.raises(RuntimeError):
        with store.write() as cur:
            cur.run("INSERT INTO posts (platform, account, post_id) VALUES ('x', 'a', '1')")
            raise RuntimeError("boom")
    assert store.scalar("SELECT count(*) FROM posts") == 0
    assert store.data_version == before


def test_write_bumps_data_version(store):
    before = store.data_version
    with store.write() as cur:
        cur.run("INSERT INTO posts (platform, account, post_id) VALUES ('x', 'a', '1')")
    assert store.data_version == before + 1


def test_garbage_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert info.value.code == "cannot_open"


def test_data_version_is_remembered_until_a_write_by_any_store_on_the_file(store, tmp_path):
    before = store.data_version
    other = Store(tmp_path / "test.duckdb")  # a second Store object on the same file, as the CLI would open
    with other.write():
        pass
    assert store.data_version == before + 1


def test_a_version_read_while_a_write_finished_is_not_kept(store):
    """Another session's import finishing between reading the version and keeping it: the value
    read may be the old one, but it must not be kept, or pages would show old data until the next write."""
    before = store.data_version
    with store.write():
        pass  # forget the kept version
    read = Store.scalar

    def read_then_someone_writes(sql, params=None, frames=None):
        value = read(store, sql, params, frames)
        if "__data_version" in sql:
            del store.scalar  # once
            with store.write():
                pass
        return value

    store.scalar = read_then_someone_writes
    assert store.data_version == before + 1  # what was read
    assert store.data_version == before + 2  # not kept: read again
