"""Global filters in the sidebar, shared by every page and written to the URL for sharing.

URL parameters: period (a preset or 'custom'), start, end (ISO dates, for custom), platforms and
accounts (comma-separated), grain (day/week/month). Widget state starts from the URL once per
session; afterwards the URL follows the widgets.
"""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from dashboard.metrics.filters import GRANULARITIES, PRESETS, Filters, preset_period
from dashboard.metrics.scope import data_span, platforms_and_accounts
from dashboard.settings import get_setting, workspace_tz
from dashboard.ui.cache import cached
from dashboard.ui.context import labeller, store, tr

_DEFAULT_PRESET = "last_28"


def _from_url() -> None:
    """Seed widget state from the URL the first time a session sees it."""
    if st.session_state.get("_filters_seeded"):
        return
    params = st.query_params
    preset = params.get("period", _DEFAULT_PRESET)
    st.session_state["f_preset"] = preset if preset in PRESETS else _DEFAULT_PRESET
    for key in ("start", "end"):
        try:
            st.session_state[f"f_{key}"] = date.fromisoformat(params[key])
        except (KeyError, ValueError):
            pass
    for key in ("platforms", "accounts"):
        if params.get(key):
            st.session_state[f"f_{key}"] = [v for v in params[key].split(",") if v]
    if params.get("grain") in GRANULARITIES:
        st.session_state["f_grain"] = params["grain"]
    st.session_state["_filters_seeded"] = True


def anchor_day() -> date:
    """Presets end on the last day with data when that is before today (old exports stay visible)."""
    db = store()
    tz = str(workspace_tz(db))
    today = datetime.now(workspace_tz(db)).date()
    _, last = cached(data_span, tz)
    return min(today, last) if last else today


def sidebar_filters() -> Filters:
    _from_url()
    db = store()
    tz = str(workspace_tz(db))
    anchor = anchor_day()
    sidebar = st.sidebar
    sidebar.markdown(f"**{tr('filters.title')}**")
    preset = sidebar.selectbox(tr("filters.period"), PRESETS, key="f_preset", format_func=labeller("preset."))
    if preset == "custom":
        default = preset_period(_DEFAULT_PRESET, anchor)
        start = sidebar.date_input(tr("filters.start"), value=st.session_state.get("f_start", default[0]),
                                   key="f_start")
        end = sidebar.date_input(tr("filters.end"), value=st.session_state.get("f_end", default[1]), key="f_end")
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
