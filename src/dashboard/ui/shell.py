"""The app shell: page config, sidebar (language, demo banner, filters), navigation over views/.

The page files live in views/, not pages/: Streamlit treats a folder named pages/ beside the entry
script as its legacy multipage app and, on a fresh server, runs a deep-linked page without the
shell (no language, no demo, no login check).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import demo
from dashboard.i18n import LANGUAGES
from dashboard.ui.auth import gate, has_access, permitted, user_box
from dashboard.ui.context import guarded, lang, store, tr
from dashboard.ui.filters import shell_filters

ROOT = Path(__file__).resolve().parents[3]

# (file under views/, i18n title key, icon); the order is the sidebar's.
PAGES = [
    ("views/overview.py", "page.overview", ":material/dashboard:"),
    ("views/review.py", "page.review", ":material/event_note:"),
    ("views/growth.py", "page.growth", ":material/trending_up:"),
    ("views/content.py", "page.content", ":material/article:"),
    ("views/channels.py", "page.channels", ":material/paid:"),
    ("views/lifecycle.py", "page.lifecycle", ":material/group:"),
    ("views/targets.py", "page.targets", ":material/flag:"),
    ("views/alerts.py", "page.alerts", ":material/notifications:"),
    ("views/data.py", "page.data", ":material/upload_file:"),
    ("views/definitions.py", "page.definitions", ":material/menu_book:"),
]


DATA_PAGE = str(ROOT / "views" / "data.py")  # where empty states send the user

# pages that use no period or platform: the sidebar stays short there (the filters keep their values)
PAGES_WITHOUT_FILTERS = {"views/data.py", "views/definitions.py", "views/review.py"}  # review: its own week


def _language_picker() -> None:
    labels = {"zh": "中文", "en": "English"}
    current = lang()
    choice = st.sidebar.selectbox(tr("app.language"), LANGUAGES, index=LANGUAGES.index(current),
                                  format_func=labels.get, key="lang_picker")
    if choice != current:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()


def _ensure_demo() -> None:
    """An empty store opens on the demo workspace, unless the user removed it before."""
    db = store()
    if demo.store_is_empty(db) and not demo.demo_dismissed(db) and not st.session_state.get("demo_tried"):
        st.session_state["demo_tried"] = True
        with st.spinner(tr("demo.loading")):
            demo.load_demo(db)


def _demo_banner() -> None:
    db = store()
    if not demo.is_demo(db):
        return
    with st.sidebar.container(border=True):
        st.markdown(f":material/science: **{tr('demo.banner_title')}**")
        st.caption(tr("demo.banner_body"))
        if permitted("remove_demo") and st.button(tr("demo.remove"), key="remove_demo", type="secondary",
                                                  width="stretch"):
            demo.remove_demo(db)
            st.toast(tr("demo.removed"))
            st.rerun()


def run() -> None:
    st.set_page_config(page_title=tr("app.title"), page_icon=":bar_chart:", layout="wide")
    # navigation first, so the sidebar lists the pages by their translated titles
    pages = {path: st.Page(str(ROOT / path), title=tr(title), icon=icon) for path, title, icon in PAGES}
    # with login on, a visitor without access gets no page list, and no page runs
    navigation = st.navigation(list(pages.values()), position="sidebar" if has_access() else "hidden")
    current = next((path for path, page in pages.items() if page == navigation), None)
    _language_picker()
    if not gate():  # the sign-in screen (or why there is no access) and nothing else
        return
    user_box()
    guarded(_ensure_demo)
    guarded(_demo_banner)
    with shell_filters(draw=current not in PAGES_WITHOUT_FILTERS):
        navigation.run()
