"""Per-session context for pages: the store, the language, translation, guarded rendering."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.i18n import LANGUAGES, normalise_language, t
from dashboard.store.db import Store, StoreError, default_db_path, open_store

log = logging.getLogger("dashboard")


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return open_store(path)


def store() -> Store:
    return _store(default_db_path())


def lang() -> str:
    """The session language: the sidebar choice, else the URL (?lang=), else the browser's."""
    if "lang" not in st.session_state:
        chosen = st.query_params.get("lang") or getattr(st.context, "locale", None)
        st.session_state["lang"] = normalise_language(chosen)
    value = st.session_state["lang"]
    return value if value in LANGUAGES else "zh"


def tr(key: str, **params: Any) -> str:
    return t(key, lang(), **params)


def labeller(prefix: str) -> Callable[[Any], str]:
    """A label function bound to the current language (safe to call outside the script thread,
    as selectbox format_func and dataframe callbacks are)."""
    code = lang()
    return lambda value: t(f"{prefix}{value}", code)


def guarded(render: Callable[[], None]) -> None:
    """Run a page; an unexpected error becomes a plain message (the traceback goes to the log).
    With login on, a visitor without access sees the sign-in screen instead (ui/auth.gate): a page
    Streamlit runs directly (the first run after start, before the shell's st.navigation) is closed too."""
    from dashboard.ui.auth import gate  # late: ui.auth uses this module

    try:
        if not gate():
            return
        render()
    except StoreError as exc:
        st.error(tr(f"issue.store_{exc.code}", **exc.params))
    except Exception:  # noqa: BLE001 - last line of defence: users never see a traceback
        log.error("page failed:\n%s", traceback.format_exc())
        st.error(tr("app.unexpected_error"))
