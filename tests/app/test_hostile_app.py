"""AppTest: markup in file names and post text is shown as text on every page, and a broken,
read-only or newer store shows a message instead of a traceback."""

from __future__ import annotations

import subprocess

import duckdb
import pytest

from dashboard.ingest.pipeline import import_bytes
from dashboard.store.db import Store, forget_store
from tests.app.conftest import make_app, texts
from tests.conftest import TODAY

FILE = "<img src=x onerror=alert(1)>.csv"
TEXT = '<script>alert("x")</script> <b>bold</b>'
TITLE = "<i>title</i><script>alert(2)</script>"


def _markup_elements(at):
    """Every element whose text holds our markup, with whether it may render HTML."""
    found = []
    for kind in ("markdown", "caption", "success", "error", "warning", "info", "title", "subheader", "text"):
        for element in getattr(at, kind):
            value = str(element.value)
            if "<script>" in value or "<img" in value or "<i>" in value:
                found.append((kind, bool(getattr(element.proto, "allow_html", False))))
    return found


@pytest.fixture
def hostile_store(empty_store):
    data = ("platform,account,post_id,published_at,title,text,likes,reach\n"
            f'x,acme,p1,2026-11-20 10:00:00,"{TITLE}","{TEXT.replace(chr(34), chr(34) * 2)}",5,50\n').encode()
    assert import_bytes(empty_store, FILE, data, today=TODAY)[0].status == "imported"
    return empty_store


def test_file_names_and_post_text_stay_text_on_every_page(hostile_store):
    for page in ("views/data.py", "views/content.py", "views/overview.py"):
        at = make_app(page)
        at.query_params["period"] = "custom"
        assert not at.exception, page
        assert all(not allow_html for _, allow_html in _markup_elements(at)), (page, _markup_elements(at))
    at = make_app("views/data.py")
    history = at.dataframe[0].value
    assert FILE in list(history.iloc[:, 0]) or FILE in history.to_string()


def test_the_upload_result_line_holds_the_file_name_as_text(empty_store):
    at = make_app("views/data.py")
    at.file_uploader(key="uploads").set_value([(FILE, b"platform,account,date,followers\nx,a,2026-01-01,5\n",
                                                "text/csv")])
    at.run()
    at.button(key="import_button").click()
    at.run()
    assert not at.exception
    lines = [s for s in at.success if FILE in s.value]
    assert lines and all(not getattr(s.proto, "allow_html", False) for s in lines)


def test_content_post_table_shows_the_markup_verbatim(hostile_store):
    at = make_app()
    at.query_params.update({"period": "custom", "start": "2026-11-01", "end": "2026-11-24"})
    at.switch_page("views/content.py")
    at.run()
    assert not at.exception
    cells = [str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()]
    assert TITLE in cells


# -- the store file --------------------------------------------------------------------------------

def test_a_garbage_store_file_shows_a_message_on_the_page(db_path):
    db_path.write_bytes(b"not a database" * 100)
    for page in (None, "views/data.py", "views/overview.py"):
        at = make_app(page)
        assert not at.exception
        assert "cannot open the store" in texts(at)


def test_a_store_from_a_newer_version_shows_a_message(db_path):
    Store(db_path).close()
    conn = duckdb.connect(str(db_path))
    conn.execute("INSERT INTO schema_version VALUES (999)").fetchall()
    conn.close()
    forget_store(db_path)
    at = make_app("views/data.py", lang="zh")
    assert not at.exception
    assert "999" in texts(at)


def test_a_read_only_store_shows_a_message(db_path):
    Store(db_path).close()
    forget_store(db_path)
    if subprocess.run(["chattr", "+i", str(db_path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not supported here")
    try:
        at = make_app("views/overview.py")
        assert not at.exception
        assert "the store file is read-only" in texts(at)
    finally:
        subprocess.run(["chattr", "-i", str(db_path)], check=False)
