"""Global filters in the sidebar, shared by every page and written to the URL for sharing.

URL parameters: period (a preset or 'custom'), start, end (ISO dates, for custom), platforms and
accounts (comma-separated), grain (day/week/month). Widget state starts from the URL once per
session; afterwards the URL follows the widgets.

The widgets are drawn by the app shell before the page runs: Streamlit ties a widget's identity
to the page that draws it, so filters drawn by each page would reset on every page change.
Pages read the result with `sidebar_filters()`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import streamlit as st

from dashboard.metrics.filters import GRANULARITIES, PRESETS, Filters, preset_period
from dashboard.metrics.scope import data_span, platforms_and_accounts
from dashboard.settings import get_setting, workspace_tz
from dashboard.ui.cache import cached
from dashboard.ui.context import labeller, store, tr

_DEFAULT_PRESET = "last_28"


def _from_url() -> None:
    """Seed the widgets from the URL the first time a session sees it."""
    state = st.session_state
    if state.get("_filters_seeded"):
        return
    params = st.query_params
    preset = params.get("period")
    if preset in PRESETS:
        state["f_preset"] = preset
    for key in ("start", "end"):
        try:
            state[f"f_{key}"] = date.fromisoformat(params[key])
        except (KeyError, ValueError):
            pass
    for key in ("platforms", "accounts"):
        if params.get(key):
            state[f"f_{key}"] = [v for v in params[key].split(",") if v]
    if params.get("grain") in GRANULARITIES:
        state["f_grain"] = params["grain"]
    state["_filters_seeded"] = True


def anchor_day() -> date:
    """Presets end on the last day with data when that is before today (old exports stay visible)."""
    db = store()
    tz = str(workspace_tz(db))
    today = datetime.now(workspace_tz(db)).date()
    _, last = cached(data_span, tz)
    return min(today, last) if last else today


_drawn = threading.local()  # the filters the shell drew in this script run (same thread as the page)


def sidebar_filters() -> Filters:
    """The filters the shell drew for this run; drawn here when a page runs on its own (AppTest
    reruns a page script without the entrypoint)."""
    filters = getattr(_drawn, "filters", None)
    return filters if filters is not None else draw_sidebar_filters()


_KEYS = ("f_preset", "f_start", "f_end", "f_platforms", "f_accounts", "f_grain")


@contextmanager
def shell_filters(draw: bool = True) -> Iterator[None]:
    """Draw the filters in the shell and lend them to the page that runs inside this block.
    On pages without filters nothing is drawn; Streamlit drops the state of widgets that are not
    drawn, so their values wait in kept_* keys and come back on the next page that has filters."""
    state = st.session_state
    _drawn.filters = None
    if draw:
        for key in _KEYS:
            if key not in state and f"kept_{key}" in state:
                state[key] = state[f"kept_{key}"]
        try:
            _drawn.filters = draw_sidebar_filters()
        except Exception:  # noqa: BLE001 - the page draws them itself inside its own guard
            _drawn.filters = None
    for key in _KEYS:
        if key in state:
            state[f"kept_{key}"] = state[key]
    try:
        yield
    finally:
        _drawn.filters = None


def draw_sidebar_filters() -> Filters:
    _from_url()
    db = store()
    tz = str(workspace_tz(db))
    anchor = anchor_day()
    default_start, default_end = preset_period(_DEFAULT_PRESET, anchor)
    st.session_state.setdefault("f_preset", _DEFAULT_PRESET)
    st.session_state.setdefault("f_start", default_start)
    st.session_state.setdefault("f_end", default_end)
    sidebar = st.sidebar
    sidebar.markdown(f"**{tr('filters.title')}**")
    preset = sidebar.selectbox(tr("filters.period"), PRESETS, key="f_preset", format_func=labeller("preset."))
    if preset == "custom":
        start = sidebar.date_input(tr("filters.start"), key="f_start")
        end = sidebar.date_input(tr("filters.end"), key="f_end")
        if end < start:
            sidebar.warning(tr("filters.end_before_start"))
            end = start
    else:
        start, end = preset_period(preset, anchor)
    sidebar.caption(tr("filters.span", start=start.isoformat(), end=end.isoformat()))

    pairs = cached(platforms_and_accounts)
    platform_options = sorted({p for p, _ in pairs})
    _keep_valid("f_platforms", platform_options)
    platforms = sidebar.multiselect(tr("filters.platforms"), platform_options, key="f_platforms",
                                    format_func=labeller("platform."), placeholder=tr("filters.all"))
    account_options = sorted({a for p, a in pairs if not platforms or p in platforms})
    _keep_valid("f_accounts", account_options)
    accounts = sidebar.multiselect(tr("filters.accounts"), account_options, key="f_accounts",
                                   placeholder=tr("filters.all"))
    grain = sidebar.selectbox(tr("filters.granularity"), GRANULARITIES, key="f_grain",
                              format_func=labeller("grain."))
    _to_url(preset, start, end, platforms, accounts, grain)
    denominator = st.session_state.get("denominator") or get_setting(db, "engagement_denominator")
    return Filters(start, end, tuple(platforms), tuple(accounts), grain, tz, denominator)


def _keep_valid(key: str, options: list[str]) -> None:
    """Drop choices the store no longer has (after an undo) instead of failing the widget."""
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]


def _to_url(preset: str, start: date, end: date, platforms: list[str], accounts: list[str], grain: str) -> None:
    wanted = {"period": preset, "grain": grain}
    if preset == "custom":
        wanted.update(start=start.isoformat(), end=end.isoformat())
    if platforms:
        wanted["platforms"] = ",".join(platforms)
    if accounts:
        wanted["accounts"] = ",".join(accounts)
    keep = {k: v for k, v in st.query_params.items() if k == "lang"}
    if {**keep, **wanted} != dict(st.query_params):
        st.query_params.from_dict({**keep, **wanted})
