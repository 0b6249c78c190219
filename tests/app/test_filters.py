"""Sidebar filters: state and URL. (That they keep their values across pages is a property of the
shell, which AppTest runs only on the first run: tests/e2e checks it in a real browser.)"""

from datetime import date

from tests.app.conftest import make_app
from tests.conftest import import_one

DAILY = "platform,account,date,impressions\nx,a,2026-03-01,100\ndouyin,b,2026-03-02,300\n"


def impressions(at):
    return next(m for m in at.metric if m.label == "Impressions").value


def test_filters_drive_the_numbers_and_the_url(empty_store):
    import_one(empty_store, "daily.csv", DAILY.encode())
    at = make_app()
    assert {w.key for w in at.selectbox} >= {"lang_picker", "f_preset", "f_grain"}
    # AppTest shows the shell's sidebar widgets on the first run only: drive them through state
    at.session_state["f_preset"] = "custom"
    at.session_state["f_start"] = date(2026, 3, 1)
    at.session_state["f_end"] = date(2026, 3, 2)
    at.session_state["f_platforms"] = ["douyin"]
    at.run()
    assert impressions(at) == "300"
    assert not at.exception
    at.session_state["f_platforms"] = []
    at.run()
    assert impressions(at) == "400"
