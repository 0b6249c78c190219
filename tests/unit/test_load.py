"""Re-import, overlap, newer-wins, undo: the loader's promises (DESIGN.md section 2)."""

import io
import zipfile
from datetime import date

from dashboard.ingest.pipeline import import_bytes, undo_import
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
