"""Header-less transaction logs (CDNOW layout: `customer_id date quantity amount`), pseudonymised
user ids, and safe CSV downloads."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import polars as pl
import pytest

from dashboard.export import csv_bytes, neutralise
from dashboard.ingest.mapping import save_mapping, saved_specs
from dashboard.ingest.normalise import pseudonym
from dashboard.ingest.spec import column_names
from dashboard.metrics.lifecycle import cohort_revenue, params_from_settings, stage_users
from dashboard.settings import get_setting, set_setting
from dashboard.store.db import Store
from tests.conftest import import_one

# customer id, date (YYYYMMDD), CDs bought, dollars; whitespace runs, a stray tab, CRLF, no header
CDNOW = (b" 00004 19970101  2\t  29.33\r\n"
         b" 00004 19970118  2   29.73\r\n"
         b" 00004 19970802  1   14.96\r\n"
         b" 00018 19970102  2   52.55\r\n"
         b" 00018 19970102  2   52.55\r\n"  # the same line twice: one purchase
         b" 00021 19970101  3    0.00\r\n")
NEXT = b" 00030 19970105  1   11.77\r\n 00030 19970301  2   25.98\r\n"
COLUMNS = {"user_id": "Column 1", "occurred_at": "Column 2", "quantity": "Column 3", "revenue": "Column 4"}


def map_transactions(store: Store) -> None:
    save_mapping(store, column_names(4), "custom", "transactions", "events", COLUMNS, {"event_type": "purchase"},
                 headerless=True)


def test_a_headerless_log_is_offered_for_mapping_with_its_first_row_as_data(store_shanghai):
    result = import_one(store_shanghai, "CDNOW_sample.txt", CDNOW)
    assert (result.status, result.error.code) == ("failed", "unrecognised")
    assert result.unrecognised[0].rows[0] == ["00004", "19970101", "2", "29.33"]
    assert store_shanghai.scalar("SELECT count(*) FROM events") == 0


def test_mapped_once_then_every_log_of_that_layout_imports(store_shanghai):
    map_transactions(store_shanghai)
    assert saved_specs(store_shanghai)[0].headerless
    result = import_one(store_shanghai, "CDNOW_sample.txt", CDNOW)
    assert (result.status, result.platform, result.kind, result.rows_read, result.rows_inserted) == (
        "imported", "custom", "transactions", 6, 5)
    rows = store_shanghai.rows(
        "SELECT user_id, occurred_at, event_type, quantity, revenue FROM events ORDER BY occurred_at, user_id")
    # a date alone is local midnight in the workspace (Asia/Shanghai): 16:00 UTC the day before
    assert rows[0] == ("00004", datetime(1996, 12, 31, 16, 0, tzinfo=UTC), "purchase", 2.0, 29.33)
    assert rows[1] == ("00021", datetime(1996, 12, 31, 16, 0, tzinfo=UTC), "purchase", 3.0, 0.0)
    assert [r[0] for r in rows] == ["00004", "00021", "00018", "00004", "00004"]  # ids keep their zeros
    second = import_one(store_shanghai, "CDNOW_more.txt", NEXT)
    assert (second.status, second.kind, second.rows_inserted) == ("imported", "transactions", 2)


def test_the_lifecycle_engine_reads_the_imported_log(store_shanghai):
    map_transactions(store_shanghai)
    import_one(store_shanghai, "CDNOW_sample.txt", CDNOW)
    params = params_from_settings(store_shanghai)
    frame = cohort_revenue(store_shanghai, params, "month", date(1997, 1, 1), date(1997, 1, 31))
    january = frame.filter(pl.col("cohort") == date(1997, 1, 1)).sort("age")
    # 00004 (Jan 1, Jan 18, Aug 2), 00018 (Jan 2, the duplicate line once), 00021 (Jan 1, $0.00)
    assert january["age"].to_list() == list(range(8))  # January to August 1997
    assert january["cohort_size"][0] == 3
    assert january["buyers"].to_list() == [3] * 8
    assert january["repeat_buyers"].to_list() == [1] * 8
    assert january["revenue"][0] == pytest.approx(29.33 + 29.73 + 52.55)
    assert january["revenue_per_user"][7] == pytest.approx((29.33 + 29.73 + 52.55 + 14.96) / 3)
    assert stage_users(store_shanghai, params, date(1997, 8, 2), "active")["user_id"].to_list() == ["00004"]


def test_a_file_with_a_header_or_another_width_is_not_taken_for_the_log(store_shanghai):
    map_transactions(store_shanghai)
    headed = import_one(store_shanghai, "with_header.txt", b"id date qty amount\n1 19970101 2 3.5\n2 19970102 1 4\n")
    assert (headed.status, headed.error.code) == ("failed", "unrecognised")
    wider = import_one(store_shanghai, "CDNOW_master.txt", b" 00004 0001 19970101  2   29.33\n 00005 0002 19970102 1 9.5\n")
    assert (wider.status, wider.error.code) == ("failed", "unrecognised")
    # mapping the 5-column layout too: both are kept (one mapping per width)
    save_mapping(store_shanghai, column_names(5), "custom", "cdnow_master", "events",
                 {"user_id": "Column 1", "occurred_at": "Column 3", "quantity": "Column 4", "revenue": "Column 5"},
                 {"event_type": "purchase"}, headerless=True)
    assert len(saved_specs(store_shanghai)) == 2
    assert import_one(store_shanghai, "CDNOW_master.txt", b" 00004 0001 19970101  2   29.33\n").kind == "cdnow_master"


# -- pseudonymised user ids ---------------------------------------------------------------------

EVENTS = b"user_id,occurred_at,event_type\nu1,2026-03-01 10:00,signup\nu2,2026-03-02 11:00,purchase\n"
MORE = b"user_id,occurred_at,event_type\nu1,2026-03-05 09:00,like\n"


def sha(salt: str, user: str) -> str:
    return hashlib.sha256((salt + user).encode()).hexdigest()[:20]


def test_pseudonymised_import_hashes_ids_with_a_salt_made_once(store):
    assert get_setting(store, "pseudonym_salt") is None
    result = import_one(store, "events.csv", EVENTS, pseudonymise=True)
    assert result.rows_inserted == 2
    salt = get_setting(store, "pseudonym_salt")
    assert isinstance(salt, str) and len(salt) == 32
    assert sorted(r[0] for r in store.rows("SELECT user_id FROM events")) == sorted([sha(salt, "u1"), sha(salt, "u2")])
    assert pseudonym(salt, "u1") == sha(salt, "u1") and len(pseudonym(salt, "u1")) == 20
    # a later file: the same salt, so the same user gets the same pseudonym
    import_one(store, "more.csv", MORE, pseudonymise=True)
    assert get_setting(store, "pseudonym_salt") == salt
    assert store.scalar("SELECT count(DISTINCT user_id) FROM events") == 2
    assert "u1" not in {r[0] for r in store.rows("SELECT user_id FROM events")}


def test_ids_are_kept_unless_asked_and_the_workspace_setting_is_the_default(store, tmp_path):
    import_one(store, "events.csv", EVENTS)
    assert sorted(r[0] for r in store.rows("SELECT user_id FROM events")) == ["u1", "u2"]
    set_setting(store, "pseudonymise", True)
    import_one(store, "more.csv", MORE)  # no option given: the workspace setting decides
    salt = get_setting(store, "pseudonym_salt")
    assert sha(salt, "u1") in {r[0] for r in store.rows("SELECT user_id FROM events")}
    other = Store(tmp_path / "other.duckdb")  # another workspace has its own salt
    try:
        import_one(other, "events.csv", EVENTS, pseudonymise=True)
        assert get_setting(other, "pseudonym_salt") != salt
        assert sha(salt, "u1") not in {r[0] for r in other.rows("SELECT user_id FROM events")}
    finally:
        other.close()


def test_a_headerless_log_can_be_pseudonymised_too(store_shanghai):
    map_transactions(store_shanghai)
    import_one(store_shanghai, "CDNOW_sample.txt", CDNOW, pseudonymise=True)
    salt = get_setting(store_shanghai, "pseudonym_salt")
    assert {r[0] for r in store_shanghai.rows("SELECT user_id FROM events")} == {
        sha(salt, "00004"), sha(salt, "00018"), sha(salt, "00021")}


# -- CSV downloads ------------------------------------------------------------------------------

def test_csv_cells_that_could_run_as_formulas_are_neutralised():
    assert [neutralise(v) for v in ("=1+1", "+86 138", "-x", "@SUM(A1)", "\tx", "ok", "")] == [
        "'=1+1", "'+86 138", "'-x", "'@SUM(A1)", "'\tx", "ok", ""]
    frame = pl.DataFrame({"user_id": ["=HYPERLINK(\"x\")", "u2", None], "revenue": [-5.0, 10.0, None],
                          "last_active": [date(2026, 3, 1), date(2026, 3, 2), None]})
    data = csv_bytes(frame, {"user_id": "用户ID"})
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == [
        "用户ID,revenue,last_active", "\"'=HYPERLINK(\"\"x\"\")\",-5.0,2026-03-01", "u2,10.0,2026-03-02", ",,"]
