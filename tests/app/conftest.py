"""AppTest fixtures: the real app.py on a throwaway store."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.settings import set_setting
from dashboard.store.db import forget_store, open_store
from tests.conftest import ROOT


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    yield path
    forget_store(path)


@pytest.fixture
def empty_store(db_path):
    """A store whose owner removed the demo: pages show their empty states."""
    store = open_store(db_path)
    set_setting(store, "timezone", "UTC")
    set_setting(store, "demo", {"import_ids": [], "dismissed": True})
    return store


def make_app(page: str | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def app_for_period(start: date, end: date, page: str | None = None, lang: str = "en",
                   timeout: int = 60, **state) -> AppTest:
    """The app with a custom period (and any other session state) set before the first run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in {"lang": lang, "f_preset": "custom", "f_start": start, "f_end": end, **state}.items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything the page shows as text, for assertions on messages."""
    parts = [e.value for kind in ("markdown", "caption", "success", "error", "warning", "info", "title",
                                  "subheader", "text") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)
