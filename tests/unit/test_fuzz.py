"""Property-based fuzzing: generated and mutated exports end in rows or a clear error, never an
unexpected exception or a hang (every example has a deadline), and the bulk path agrees with the
row-by-row one on every generated CSV."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest import bulk
from dashboard.ingest import values as v
from dashboard.ingest.pipeline import import_bytes
from dashboard.ingest.read import ReadError, read_tables
from dashboard.settings import set_setting
from dashboard.store.db import Store
from dashboard.store.schema import CANONICAL
from tests.conftest import SAMPLES, TODAY

FUZZ = settings(max_examples=60, deadline=timedelta(seconds=5), derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SEEDS = [p.read_bytes()[:4000] for p in sorted(SAMPLES.rglob("*.csv"))[:6]]

_TOKENS = ["", "-", "--", "N/A", "undefined", "0", "12", "1,234", "1.5万", "35%", "< 10", "US$1.92", "¥30", "0:04:23",
           "1分30秒", "2026-03-05", "2026-03-05 10:00:00", "03/05/2026", "Mar 5, 2026", "3月16日", "2026年03月16日08时00分29秒",
           "true", "是", "=SUM(A1)", "<script>", "'123", "x" * 300, "１２", "1e400", "9" * 30]
cell = st.one_of(st.sampled_from(_TOKENS), st.text(max_size=40))
HEADERS = [["platform", "account", "post_id", "published_at", "title", "likes", "completion_rate"],
           ["platform", "account", "date", "followers", "reach", "likes"],
           ["user_id", "occurred_at", "event_type", "revenue", "channel"],
           ["Post id", "Date", "Post text", "Impressions", "Engagements", "Likes"],
           ["a", "b", "c"]]


@st.composite
def csv_files(draw) -> bytes:
    header = draw(st.sampled_from(HEADERS))
    rows = draw(st.lists(st.lists(cell, min_size=len(header) - 1, max_size=len(header) + 1), max_size=25))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
        [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
    return buffer.getvalue().encode(encoding, "replace")


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.one_of(csv_files(), st.sampled_from(SEEDS))))
    for _ in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(max_size=8) | st.sampled_from([b'"', b"\n", b"\r", b"\x00", b",", b"\xff\xfe"]))
        elif action == "delete" and data:
            del data[at:at + draw(st.integers(1, 20))]
        elif action == "truncate":
            data = data[:at]
    return bytes(data)


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="fuzz-") as path:
        yield Path(path)


@FUZZ
@given(data=mutated(), name=st.sampled_from(["export.csv", "export.xlsx", "export.zip", "data.txt", "x.xls"]))
def test_reader_gives_tables_or_a_read_error(data, name):
    try:
        tables = read_tables(name, data)
    except ReadError as error:
        assert error.code and str(error)
        return
    assert tables and all(t.rows and len(t.rows) == len(t.line_numbers) for t in tables)


_PARSERS = [v.parse_number, v.parse_int, v.parse_money, v.parse_rate, v.parse_duration_s, v.parse_bool,
            v.parse_date, lambda text: v.parse_datetime(text, ZoneInfo("Asia/Shanghai")), v.clean_text, v.is_missing]


@FUZZ
@given(text=cell, parser=st.sampled_from(range(len(_PARSERS))))
def test_value_parsers_give_a_value_or_a_cell_error(text, parser):
    try:
        _PARSERS[parser](text)
    except v.CellError as error:
        assert error.code and str(error)


@FUZZ
@given(data=mutated(), name=st.sampled_from(["posts.csv", "export.xlsx", "a.zip"]))
def test_import_ends_in_rows_or_a_clear_error(folder, data, name):
    store = _store(folder / "import.duckdb")
    for result in import_bytes(store, name, data, today=TODAY):
        assert result.status in ("imported", "duplicate", "failed")
        if result.status == "failed":
            assert result.error is not None and result.error.code
        for issue in result.warnings:
            assert issue.code and issue.source


_STORES: dict[Path, Store] = {}


def _store(path: Path) -> Store:
    if path not in _STORES:
        _STORES[path] = Store(path)
        set_setting(_STORES[path], "timezone", "Asia/Shanghai")
    return _STORES[path]


def _contents(store: Store) -> dict[str, list[tuple]]:
    out = {}
    for name, table in CANONICAL.items():
        cols = ", ".join("CASE WHEN metrics_as_of > now() - INTERVAL 1 HOUR THEN NULL ELSE metrics_as_of END"
                         if c == "metrics_as_of" else f'"{c}"' for c in table.columns if c != "import_id")
        out[name] = store.rows(f'SELECT {cols} FROM "{name}" ORDER BY ALL')
    return out


@settings(max_examples=40, deadline=timedelta(seconds=10), derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=csv_files())
def test_bulk_path_agrees_with_the_interpreter(folder, data):
    results = []
    for directory, min_bytes in (("slow", 1 << 60), ("fast", 0)):
        store = Store(folder / f"{directory}-{len(results)}.duckdb")
        set_setting(store, "timezone", "Asia/Shanghai")
        previous, bulk.BULK_MIN_BYTES = bulk.BULK_MIN_BYTES, min_bytes
        try:
            got = import_bytes(store, "export.csv", data, today=TODAY)
        finally:
            bulk.BULK_MIN_BYTES = previous
        results.append(([(r.status, r.rows_read, r.rows_inserted, r.rows_skipped, r.error, r.warnings) for r in got],
                        _contents(store)))
        store.close()
        for leftover in folder.glob(f"{directory}-*.duckdb*"):
            leftover.unlink()
    assert results[0] == results[1]
