"""Re-import, overlap, newer-wins, undo: the loader's promises (DESIGN.md section 2)."""

import io
import zipfile
from datetime import UTC, date, datetime

import duckdb
import pytest

from dashboard.ingest.pipeline import import_bytes, undo_import
from dashboard.settings import set_setting
from dashboard.store.db import Store, StoreError
from dashboard.store.parquet import export_parquet, restore_parquet
from dashboard.store.schema import CANONICAL, MIGRATIONS, SCHEMA_VERSION
from tests.conftest import import_one

DAILY_A = b"platform,account,date,followers,reach\nx,a,2026-01-01,100,\nx,a,2026-01-02,110,50\n"
DAILY_B = b"platform,account,date,followers,reach\nx,a,2026-01-02,,70\nx,a,2026-01-03,120,80\n"


def daily(store):
    return store.rows("SELECT date, followers, reach FROM account_daily ORDER BY date")


def test_same_file_twice_is_a_duplicate_and_writes_nothing(store):
    first = import_one(store, "a.csv", DAILY_A)
    assert (first.status, first.rows_inserted, first.rows_updated) == ("imported", 2, 0)
    version = store.data_version
    again = import_one(store, "renamed.csv", DAILY_A)
    assert (again.status, again.rows_inserted, again.rows_updated) == ("duplicate", 0, 0)
    assert store.data_version == version
    assert store.rows("SELECT status FROM imports ORDER BY imported_at") == [("imported",), ("duplicate",)]


def test_overlapping_daily_export_updates_shared_days_and_keeps_non_null_values(store):
    import_one(store, "a.csv", DAILY_A)
    b = import_one(store, "b.csv", DAILY_B)
    assert (b.rows_inserted, b.rows_updated) == (1, 1)
    # 2026-01-02: B had no followers, so A's 110 stays; B's reach 70 wins over A's 50
    assert daily(store) == [(date(2026, 1, 1), 100, None), (date(2026, 1, 2), 110, 70), (date(2026, 1, 3), 120, 80)]


def test_undo_restores_exactly_what_the_import_replaced(store):
    import_one(store, "a.csv", DAILY_A)
    b = import_one(store, "b.csv", DAILY_B)
    removed = undo_import(store, b.import_id)
    assert removed == 2
    assert daily(store) == [(date(2026, 1, 1), 100, None), (date(2026, 1, 2), 110, 50)]
    assert store.scalar("SELECT status FROM imports WHERE import_id = ?", [b.import_id]) == "undone"
    # an undone file may be imported again
    again = import_one(store, "b.csv", DAILY_B)
    assert (again.status, again.rows_inserted, again.rows_updated) == ("imported", 1, 1)


def test_undo_of_an_older_import_keeps_the_newer_rows(store):
    a = import_one(store, "a.csv", DAILY_A)
    b = import_one(store, "b.csv", DAILY_B)
    undo_import(store, a.import_id)
    # 01-01 was A's alone; 01-02 now belongs to B (merged with A's followers, which stay as B stored them)
    assert daily(store) == [(date(2026, 1, 2), 110, 70), (date(2026, 1, 3), 120, 80)]
    undo_import(store, b.import_id)
    assert daily(store) == []  # A's old version of 01-02 must not come back: A was undone


POST = "platform,post_id,published_at,likes,metrics_as_of\nx,p1,2026-01-01 10:00,{likes},{as_of}\n"


def test_posts_newer_metrics_win_and_older_snapshots_are_kept_out(store):
    import_one(store, "p1.csv", POST.format(likes=5, as_of="2026-01-05").encode())
    older = import_one(store, "p0.csv", POST.format(likes=3, as_of="2026-01-03").encode())
    assert (older.rows_inserted, older.rows_updated, older.rows_skipped) == (0, 0, 1)
    assert [w.code for w in older.warnings] == ["older_than_stored"]
    assert store.rows("SELECT likes FROM posts") == [(5,)]
    newer = import_one(store, "p2.csv", POST.format(likes=9, as_of="2026-01-10").encode())
    assert newer.rows_updated == 1
    assert store.rows("SELECT likes FROM posts") == [(9,)]
    undo_import(store, newer.import_id)
    assert store.rows("SELECT likes FROM posts") == [(5,)]


def test_a_file_with_no_valid_row_fails_and_leaves_the_store_unchanged(store):
    import_one(store, "a.csv", DAILY_A)
    snapshot = daily(store)
    bad = import_one(store, "bad.csv", b"platform,account,date,followers\nx,a,2026-01-05,lots\nx,a,never,1\n")
    assert bad.status == "failed"
    assert bad.error.code == "no_valid_rows"
    assert (bad.error.line, bad.error.column) == (2, "followers")
    assert bad.rows_skipped == 2
    assert daily(store) == snapshot


def test_bad_rows_are_skipped_with_reasons_and_good_rows_import(store):
    result = import_one(store, "mixed.csv", b"platform,account,date,followers\nx,a,2026-01-05,10\nx,a,2026-01-06,abc\n")
    assert (result.status, result.rows_inserted, result.rows_skipped) == ("imported", 1, 1)
    skip = result.warnings[0]
    assert (skip.code, skip.line, skip.column, skip.params["value"]) == ("not_a_number", 3, "followers", "abc")


def test_zip_gives_one_result_per_member(store):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", DAILY_A)
        archive.writestr("b.csv", DAILY_B)
    results = import_bytes(store, "export.zip", buffer.getvalue(), today=date(2026, 11, 24))
    assert [(r.file, r.status) for r in results] == [("export.zip/a.csv", "imported"), ("export.zip/b.csv", "imported")]
    assert len(daily(store)) == 3


def test_file_over_the_size_limit_is_refused_with_sizes(store):
    result = import_one(store, "big.csv", b"x" * (2 * 1024 * 1024), max_bytes=1024 * 1024)
    assert result.status == "failed"
    assert result.error.code == "file_too_large"
    assert result.error.params == {"size_mb": 2.0, "limit_mb": 1}
    assert store.scalar("SELECT count(*) FROM account_daily") == 0


POSTS_AB = ("platform,account,post_id,published_at,likes,metrics_as_of\n"
            "x,a,p1,2026-01-01 10:00,5,2026-01-05\nx,a,p2,2026-01-02 10:00,6,2026-01-05\n"
            "x,a,p1,2026-01-01 10:00,7,2026-01-06\n")  # p1 twice: the later snapshot wins
POSTS_BC = ("platform,account,post_id,published_at,likes,metrics_as_of\n"
            "x,a,p2,2026-01-02 10:00,8,2026-01-07\nx,a,p3,2026-01-03 10:00,9,2026-01-07\n"
            "x,b,p2,2026-01-02 10:00,1,2026-01-07\n")


def post_keys(store):
    return store.rows("SELECT platform, account, post_id, count(*) FROM posts GROUP BY ALL ORDER BY ALL")


def test_posts_keys_stay_unique_through_duplicates_overlaps_and_undo(store):
    """posts has no primary-key index (migration 7): the loader alone keeps its key unique."""
    first = import_one(store, "ab.csv", POSTS_AB.encode())
    assert (first.rows_inserted, first.rows_updated) == (2, 0)
    assert store.rows("SELECT post_id, likes FROM posts ORDER BY post_id") == [("p1", 7), ("p2", 6)]
    second = import_one(store, "bc.csv", POSTS_BC.encode())
    assert (second.rows_inserted, second.rows_updated) == (2, 1)
    assert post_keys(store) == [("x", "a", "p1", 1), ("x", "a", "p2", 1), ("x", "a", "p3", 1), ("x", "b", "p2", 1)]
    undo_import(store, first.import_id)
    undo_import(store, second.import_id)
    assert post_keys(store) == []
    again = import_one(store, "bc.csv", POSTS_BC.encode())
    assert (again.rows_inserted, again.rows_updated) == (3, 0)
    undo_import(store, again.import_id)
    assert import_one(store, "ab.csv", POSTS_AB.encode()).rows_inserted == 2
    assert post_keys(store) == [("x", "a", "p1", 1), ("x", "a", "p2", 1)]


def test_a_store_from_before_migration_7_keeps_its_posts_and_imports_on(tmp_path):
    path = tmp_path / "v6.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE schema_version (version INTEGER)").fetchall()
    for number, statements in enumerate(MIGRATIONS[:6], start=1):
        for statement in statements:
            conn.execute(statement).fetchall()
        conn.execute("INSERT INTO schema_version VALUES (?)", [number]).fetchall()
    conn.execute("INSERT INTO posts (platform, account, post_id, published_at, likes, import_id) VALUES "
                 "('x', 'a', 'p1', TIMESTAMPTZ '2026-01-01 02:00:00+00', 4, 'old'), "
                 "('x', 'a', 'p9', NULL, NULL, 'old')").fetchall()
    conn.close()

    store = Store(path)
    set_setting(store, "timezone", "UTC")
    assert store.schema_version == SCHEMA_VERSION
    assert store.rows("SELECT post_id, published_at, likes, import_id FROM posts ORDER BY post_id") == [
        ("p1", datetime(2026, 1, 1, 2, tzinfo=UTC), 4, "old"), ("p9", None, None, "old")]
    assert store.rows("SELECT index_name FROM duckdb_indexes() WHERE table_name = 'posts'") == []
    assert store.rows("SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'posts' "
                      "ORDER BY ALL") == [("NOT NULL",)] * 3  # platform, account, post_id
    assert [c for c, in store.rows("SELECT column_name FROM information_schema.columns WHERE table_name = 'posts' "
                                   "ORDER BY ordinal_position")] == list(CANONICAL["posts"].columns)
    result = import_one(store, "ab.csv", POSTS_AB.encode())
    assert (result.rows_inserted, result.rows_updated) == (1, 1)
    assert post_keys(store) == [("x", "a", "p1", 1), ("x", "a", "p2", 1), ("x", "a", "p9", 1)]
    with pytest.raises(duckdb.ConstraintException):
        with store.write() as cur:
            cur.run("INSERT INTO posts (platform, account, post_id) VALUES ('x', NULL, 'p5')")
    store.close()


def test_a_backup_that_repeats_a_post_key_is_refused(store, tmp_path):
    import_one(store, "ab.csv", POSTS_AB.encode())
    export_parquet(store, tmp_path / "backup")
    posts = tmp_path / "backup" / "posts.parquet"
    duckdb.execute(f"COPY (SELECT * FROM read_parquet('{posts}') UNION ALL SELECT * FROM read_parquet('{posts}') "
                   f"LIMIT 3) TO '{tmp_path / 'three.parquet'}'").fetchall()
    (tmp_path / "three.parquet").replace(posts)
    manifest = tmp_path / "backup" / "manifest.json"
    assert '"posts": 2' in manifest.read_text()
    manifest.write_text(manifest.read_text().replace('"posts": 2', '"posts": 3'))  # the counts agree
    target = Store(tmp_path / "restored.duckdb")
    with pytest.raises(StoreError) as info:
        restore_parquet(target, tmp_path / "backup")
    assert info.value.code == "bad_backup"
    assert target.scalar("SELECT count(*) FROM posts") == 0  # all of it or nothing
    target.close()
