"""Malformed and hostile uploads (tests/fixtures/malformed.py): a clear result, and the store's data
exactly as it was, or with only the good rows added (DESIGN.md section 3)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from dashboard.i18n import describe_issue, has
from dashboard.ingest.mapping import save_mapping
from dashboard.ingest.pipeline import MAX_FILE_BYTES, FileResult, import_bytes
from dashboard.store.schema import ALL_DATA_TABLES, CANONICAL
from tests.conftest import TODAY
from tests.fixtures.malformed import CASES, HUNDRED_MB, Case

SEED_FILES = {
    "daily.csv": b"platform,account,date,followers,reach\nx,seed,2026-01-01,100,\nx,seed,2026-01-02,110,50\n",
    "posts.csv": b"platform,account,post_id,published_at,text,likes,metrics_as_of\n"
                 b"x,seed,s1,2026-01-01 10:00,first post,5,2026-01-05\n",
    "ads.csv": b"channel,account,campaign,date_start,date_end,spend,currency,clicks\n"
               b"google_ads,seed,Brand,2026-01-01,2026-01-31,120.5,USD,40\n",
    "events.csv": b"user_id,occurred_at,event_type,revenue,currency\nu1,2026-01-03 09:00,purchase,19.9,CNY\n",
    "comments.csv": b"platform,post_id,comment_id,author,text,created_at\nx,s1,c1,ann,nice,2026-01-02 08:00\n",
}
# Everything a user has in a workspace: data, its undo log, targets, settings, saved mappings, history.
CANONICAL_TABLES = list(CANONICAL)
OTHER_TABLES = [*(t for t in ALL_DATA_TABLES if t not in CANONICAL), *(f"{t}__replaced" for t in CANONICAL), "targets", "targets_history", "review_notes",
                "mappings"]


def seed(store) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in SEED_FILES.items():
            archive.writestr(member, content)
    results = import_bytes(store, "seed.zip", buffer.getvalue(), today=TODAY)
    assert [(r.status, r.rows_inserted) for r in results] == [("imported", n) for n in (2, 1, 1, 1, 1)], results
    with store.write() as cur:
        cur.run("INSERT INTO targets VALUES ('t1', 'followers', 'x', NULL, 'month', DATE '2026-01-01', 1000, "
                "900, 1200, 'seed', ?, 'test')", [datetime(2026, 1, 1, tzinfo=UTC)])
        cur.run("INSERT INTO costs VALUES ('k1', 'xiaohongshu', DATE '2026-01-01', DATE '2026-01-31', 3000, "
                "'CNY', 'agency', 'seed')")
        cur.run("INSERT INTO review_notes VALUES ('2026-W01', 'seed notes', '[]', ?)", [datetime(2026, 1, 4, tzinfo=UTC)])
    save_mapping(store, ["seed_a", "seed_b"], "custom", "seed_kind", "account_daily",
                 {"date": "seed_a", "followers": "seed_b"})


def snapshot(store, table: str, where: str = "", params: list | None = None) -> list[tuple]:
    return store.rows(f'SELECT * FROM "{table}" {where} ORDER BY ALL', params)


def snapshot_all(store) -> dict[str, list[tuple]]:
    tables = {t: snapshot(store, t) for t in [*CANONICAL_TABLES, *OTHER_TABLES, "imports"]}
    tables["settings"] = snapshot(store, "settings", "WHERE key <> '__data_version'")
    return tables


def assert_clear_message(issue, case: Case) -> None:
    for lang in ("en", "zh"):
        text = describe_issue(issue, lang)
        assert case.name in text, text  # names the file
        assert "issue." not in text and "{" not in text and "Traceback" not in text, text
        if issue.line:
            assert str(issue.line) in text, text
        if issue.column:
            assert issue.column in text, text
    assert has(f"issue.{issue.code}"), f"missing i18n string issue.{issue.code}"
    if "reason_code" in issue.params:
        assert has(f"issue.{issue.params['reason_code']}"), issue.params


def check_result(result: FileResult, case: Case) -> None:
    result.to_json(lambda issue: describe_issue(issue, "en"))  # what the CLI prints never raises
    for warning in result.warnings:
        assert_clear_message(warning, case)
    if case.expect == "failed":
        assert result.status == "failed", (result.status, result.error, result.warnings[:3])
        assert result.error is not None
        assert result.error.code == case.error_code, result.error
        assert (result.rows_inserted, result.rows_updated) == (0, 0)
        assert_clear_message(result.error, case)
        if case.line is not None:  # a row-level failure names the row and the column
            assert (result.error.line, result.error.column) == (case.line, case.column), result.error
        if case.reason:
            assert result.error.params["reason_code"] == case.reason, result.error
        return
    assert result.status == "imported", (result.status, result.error)
    assert result.error is None
    assert result.rows_updated == 0  # no case touches the seeded rows
    codes = [w.code for w in result.warnings]
    if case.warning:
        assert case.warning in codes, codes
    if case.expect == "imported":
        assert result.rows_skipped == 0, result.warnings[:3]
        return
    assert result.rows_skipped == case.skipped, result.warnings[:5]
    skips = [w for w in result.warnings if w.line is not None]
    assert len(skips) == case.skipped, skips
    assert all(w.column for w in skips), skips  # every skipped row names its column
    if case.reason:
        assert skips[0].code == case.reason, skips[0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_upload_ends_clearly_and_keeps_the_store(store, case: Case):
    seed(store)
    before = snapshot_all(store)
    version = store.data_version
    options = {"max_bytes": case.max_bytes} if case.max_bytes else {}

    results = import_bytes(store, case.name, case.data, today=TODAY, **options)

    assert len(results) == case.results, [(r.file, r.status, r.error) for r in results]
    for result in results:
        check_result(result, case)

    after_imports = snapshot(store, "imports")
    new = [row for row in after_imports if row not in before["imports"]]
    assert len(after_imports) == len(before["imports"]) + case.results
    status = "failed" if case.expect == "failed" else "imported"
    assert sorted(row[12] for row in new) == [status] * case.results  # imports.status
    assert sorted(row[1] for row in new) == sorted(r.file for r in results)  # imports.file_name

    if case.expect == "failed":
        assert snapshot_all(store) | {"imports": before["imports"]} == before
        assert store.data_version == version
        return
    import_id = results[0].import_id
    for table in CANONICAL_TABLES:  # what was there is untouched ...
        assert snapshot(store, table, "WHERE import_id IS DISTINCT FROM ?", [import_id]) == before[table], table
    after = snapshot_all(store)
    for table in [*OTHER_TABLES, "settings"]:
        assert after[table] == before[table], table
    added = sum(store.scalar(f'SELECT count(*) FROM "{t}" WHERE import_id = ?', [import_id]) for t in CANONICAL)
    assert added == results[0].rows_inserted  # ... and only the good rows were added
    if case.added is not None:
        assert added == case.added
    if case.check:
        sql, expected = case.check
        assert store.rows(sql) == expected


def test_the_hundred_mb_case_meets_the_default_limit_as_expected():
    case = next(c for c in CASES if c.name == "hundred_mb.csv")
    assert 95 * 1024 * 1024 <= len(HUNDRED_MB) <= 110 * 1024 * 1024
    assert case.expect == ("failed" if len(HUNDRED_MB) > MAX_FILE_BYTES else "imported")


def test_corpus_is_large_and_named_uniquely():
    assert len(CASES) >= 35
    assert len({c.name for c in CASES}) == len(CASES)
    for case in CASES:
        assert case.expect in ("failed", "skips", "imported")
        assert (case.error_code is not None) == (case.expect == "failed"), case.name
        assert (case.skipped is not None and case.skipped > 0) == (case.expect == "skips"), case.name
