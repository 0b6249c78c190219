"""AppTest of the Data page's mapping step for a header-less transaction log (columns named by
position, first row kept as data) and of the pseudonymise option."""

from dashboard.settings import get_setting
from tests.app.conftest import make_app, texts
from tests.unit.test_transaction_logs import CDNOW, NEXT, sha


def upload(at, files):
    at.file_uploader(key="uploads").set_value(files)
    at.run()
    at.button(key="import_button").click()
    at.run()
    return at


def map_log(at):
    key = next(s.key for s in at.selectbox if s.key and s.key.endswith("_table"))
    prefix = key[: -len("_table")]
    assert at.checkbox(key=f"{prefix}_headerless").value  # every cell of the first row is a number
    at.selectbox(key=key).set_value("events")
    at.run()
    for field, column in (("user_id", "Column 1"), ("occurred_at", "Column 2"), ("quantity", "Column 3"),
                          ("revenue", "Column 4")):
        at.selectbox(key=f"{prefix}_events_{field}").set_value(column)
    at.run()
    return prefix


def test_a_headerless_log_is_mapped_by_position_and_imported_whole(empty_store):
    at = make_app("views/data.py")
    upload(at, [("CDNOW_sample.txt", CDNOW, "text/plain")])
    assert "Map the columns of CDNOW_sample.txt" in texts(at)
    prefix = map_log(at)
    user_box = at.selectbox(key=f"{prefix}_events_user_id")
    assert user_box.options[1] == "Column 1 (e.g. 00004)"  # shown with the first row's value
    preview = at.dataframe[0].value
    assert list(preview["User ID"]) == ["00004", "00004", "00004", "00018", "00018", "00021"]  # row 1 is data
    at.button(key=f"{prefix}_go").click()
    at.run()
    assert not at.exception
    assert empty_store.scalar("SELECT count(*) FROM events WHERE event_type = 'purchase'") == 5
    assert empty_store.scalar("SELECT sum(quantity) FROM events") == 10
    # the next log of the same layout needs no questions
    upload(at, [("CDNOW_more.txt", NEXT, "text/plain")])
    assert any("CDNOW_more.txt" in s.value and "inserted 2" in s.value for s in at.success)


def test_pseudonymise_checkbox_hashes_the_ids_and_is_remembered(empty_store):
    at = make_app("views/data.py", lang="zh")
    box = at.checkbox(key="upload_pseudonymise")
    assert box.label == "导入时把用户ID匿名化（加盐哈希）" and not box.value
    box.check()
    at.run()
    upload(at, [("CDNOW_sample.txt", CDNOW, "text/plain")])
    prefix = map_log(at)
    salt = get_setting(empty_store, "pseudonym_salt")
    assert list(at.dataframe[0].value["用户ID"])[0] == sha(salt, "00004")  # the preview shows what is stored
    at.button(key=f"{prefix}_go").click()
    at.run()
    assert not at.exception
    ids = {r[0] for r in empty_store.rows("SELECT user_id FROM events")}
    assert ids == {sha(salt, "00004"), sha(salt, "00018"), sha(salt, "00021")}
    assert get_setting(empty_store, "pseudonymise") is True
