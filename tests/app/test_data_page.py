"""AppTest of the Data page: upload, result lines, duplicate, history, undo, mapping, templates."""

from tests.app.conftest import make_app, texts
from tests.conftest import sample

DAILY = b"platform,account,date,followers,reach\nx,a,2026-01-01,100,\nx,a,2026-01-02,110,50\n"
UNKNOWN = "会员编号,下单时间,金额\nM001,2026-03-01 10:00,88.5\nM002,2026-03-02 11:30,120\n".encode()


def upload(at, files):
    at.file_uploader(key="uploads").set_value(files)
    at.run()
    at.button(key="import_button").click()
    at.run()
    return at


def test_empty_store_shows_what_to_upload(empty_store):
    at = make_app("views/data.py")
    assert not at.exception
    assert at.title[0].value == "Data"
    assert "Nothing imported yet" in texts(at)


def test_upload_shows_one_result_line_per_file_and_duplicates(empty_store):
    at = make_app("views/data.py")
    tweets = sample("twitter/tweet_activity_metrics_rOpenSci_20190501_20190601_en.csv")
    upload(at, [("daily.csv", DAILY, "text/csv"), (tweets.name, tweets.read_bytes(), "text/csv")])
    assert not at.exception
    lines = [s.value for s in at.success]
    assert any("daily.csv" in line and "inserted 2" in line for line in lines)
    assert any("Tweet activity" in line and "account rOpenSci" in line and "inserted 29" in line for line in lines)
    assert empty_store.scalar("SELECT count(*) FROM posts") == 29

    at.button(key="import_button").click()  # the same files again
    at.run()
    duplicates = [s.value for s in at.info if "duplicate" in s.value]
    assert len(duplicates) == 2
    assert any("X (Twitter) · Tweet activity" in line and "account rOpenSci" in line for line in duplicates)
    assert empty_store.scalar("SELECT count(*) FROM posts") == 29


def test_history_lists_imports_and_undo_restores(empty_store):
    at = make_app("views/data.py")
    upload(at, [("daily.csv", DAILY, "text/csv")])
    assert empty_store.scalar("SELECT count(*) FROM account_daily") == 2
    history = at.dataframe[0].value
    assert list(history["File"]) == ["daily.csv"]
    assert list(history["Inserted"]) == [2]
    at.button(key="undo_button").click()
    at.run()
    assert not at.exception
    assert empty_store.scalar("SELECT count(*) FROM account_daily") == 0
    assert "Undid daily.csv" in texts(at)
    assert "undone" in str(list(at.dataframe[0].value["Status"]))


def test_failed_file_names_the_problem_in_chinese(empty_store):
    at = make_app("views/data.py", lang="zh")
    upload(at, [("empty.csv", b"", "text/csv")])
    assert not at.exception
    assert any("empty.csv" in e.value and "失败" in e.value for e in at.error)
    assert "文件是空的" in "\n".join(t.value for t in at.text)


def test_unknown_file_is_mapped_then_imported_and_remembered(empty_store):
    at = make_app("views/data.py")
    upload(at, [("orders.csv", UNKNOWN, "text/csv")])
    assert any("not recognised" in e.value for e in at.error)
    assert "Map the columns of orders.csv" in texts(at)
    key = next(s.key for s in at.selectbox if s.key and s.key.endswith("_table"))
    prefix = key[: -len("_table")]
    at.selectbox(key=key).set_value("events")
    at.run()
    at.selectbox(key=f"{prefix}_events_user_id").set_value("会员编号")
    at.selectbox(key=f"{prefix}_events_occurred_at").set_value("下单时间")
    at.selectbox(key=f"{prefix}_events_revenue").set_value("金额")
    at.run()
    preview = at.dataframe[0].value
    assert list(preview["User ID"]) == ["M001", "M002"]
    at.button(key=f"{prefix}_go").click()
    at.run()
    assert not at.exception
    assert empty_store.rows("SELECT user_id, event_type, revenue FROM events ORDER BY user_id") == [
        ("M001", "purchase", 88.5), ("M002", "purchase", 120.0)]
    # the next file with the same header imports with no questions
    upload(at, [("orders2.csv", "会员编号,下单时间,金额\nM003,2026-04-01 09:00,66\n".encode(), "text/csv")])
    assert any("orders2.csv" in s.value and "inserted 1" in s.value for s in at.success)


def test_templates_tab_offers_both_languages_per_table(empty_store):
    at = make_app("views/data.py")
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("Download template (Chinese headers)") == 5
    assert labels.count("Download template (English headers)") == 5
