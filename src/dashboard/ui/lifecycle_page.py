"""The Lifecycle page: where users are (new / active / silent / churned), how they flow period to
period, the funnel acquired -> activated -> retained -> converted, cohorts, channels compared, and
downloadable lists of users for every stage and funnel step; thresholds editable here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

import polars as pl
import streamlit as st

from dashboard.charts import (
    active_users_chart,
    cohort_heatmap,
    format_days,
    format_value,
    funnel_chart,
    lifecycle_flows_chart,
)
from dashboard.export import csv_bytes
from dashboard.i18n import fmt_number, fmt_percent, has
from dashboard.metrics.filters import Filters
from dashboard.metrics.lifecycle import (
    DAY_FIELDS,
    MAX_DAYS,
    STAGES,
    STEPS,
    LifecycleParams,
    active_summary,
    active_users,
    channel_comparison,
    channels,
    cohort_retention,
    cohort_revenue,
    event_span,
    event_types,
    flows,
    funnel,
    funnel_users,
    has_events,
    params_from_settings,
    settings_values,
    stage_snapshot,
    stage_users,
    threshold_problems,
)
from dashboard.settings import set_setting
from dashboard.ui.auth import permitted, require
from dashboard.ui.cache import cached
from dashboard.ui.context import labeller, lang, store, tr
from dashboard.ui.filters import sidebar_filters
from dashboard.ui.shell import DATA_PAGE

_CHART_CONFIG = {"displaylogo": False}
_PERCENT = st.column_config.NumberColumn(format="%.1f%%")
_STAGE_ICON = {"new": ":material/person_add:", "active": ":material/bolt:", "silent": ":material/bedtime:",
               "churned": ":material/person_off:"}


def render() -> None:
    st.title(tr("page.lifecycle"))
    if not cached(has_events):
        _empty_state()
        return
    filters = sidebar_filters()
    st.caption(tr("lifecycle.intro"))
    first, last = cached(event_span, filters.tz)
    if filters.end < first or filters.start > last:
        _outside_span(filters, first, last)
        return
    chosen = st.multiselect(tr("lifecycle.channels"), cached(channels), key="lc_channels",
                            placeholder=tr("lifecycle.all_channels"))
    params = cached(params_from_settings, tuple(chosen))
    st.caption(tr("lifecycle.scope_note", tz=filters.tz) + " " + tr("lifecycle.download_note"))
    _event_type_hints(params)
    _stages(params, filters.end)
    _flows(params, filters)
    _active(params, filters)
    _funnel(params, filters, last)
    _cohorts(params, filters)
    _purchases(params, filters)
    _channels(params, filters)
    _settings(params)


def _empty_state() -> None:
    st.subheader(tr("lifecycle.empty_title"))
    st.info(tr("lifecycle.empty_body"))
    st.page_link(DATA_PAGE, label=tr("lifecycle.go_to_data"), icon=":material/upload_file:")


def _use_span(first: date, last: date) -> None:
    """Button callback (runs before the sidebar is drawn): the custom period over the events."""
    st.session_state["f_preset"] = "custom"
    st.session_state["f_start"] = first
    st.session_state["f_end"] = last


def _outside_span(filters: Filters, first: date, last: date) -> None:
    st.info(tr("lifecycle.no_events_in_period", start=filters.start.isoformat(), end=filters.end.isoformat(),
               first=first.isoformat(), last=last.isoformat()))
    st.button(tr("lifecycle.use_span", first=first.isoformat(), last=last.isoformat()), key="lc_use_span",
              type="primary", on_click=_use_span, args=(first, last))


def _event_type_hints(params: LifecycleParams) -> None:
    types = cached(event_types)
    listed = ", ".join(types[:20])
    if not set(params.activation_events) & set(types):
        st.warning(tr("lifecycle.no_activation_types", events=", ".join(params.activation_events), types=listed))
    if not set(params.conversion_events) & set(types):
        st.warning(tr("lifecycle.no_conversion_types", events=", ".join(params.conversion_events), types=listed))


# -- downloads ----------------------------------------------------------------------------------

def _user_csv(producer: Callable[[], pl.DataFrame], headers: dict[str, str]) -> bytes:
    """Run on click (deferred download): the list as CSV, text cells neutralised."""
    return csv_bytes(producer(), headers)


def _download(label: str, key: str, file_name: str, producer: Callable[[], pl.DataFrame], count: int) -> None:
    headers = {"user_id": tr("lifecycle.col.user_id"), "channel": tr("lifecycle.col.user_channel"),
               "first_seen": tr("lifecycle.col.first_seen"), "last_active": tr("lifecycle.col.last_active"),
               "revenue": tr("lifecycle.col.revenue")}
    st.download_button(label, data=partial(_user_csv, producer, headers), file_name=file_name, mime="text/csv",
                       key=key, on_click="ignore", icon=":material/download:", disabled=not count, width="stretch")


# -- stages -------------------------------------------------------------------------------------

def _stages(params: LifecycleParams, on: date) -> None:
    st.subheader(tr("lifecycle.section_stages", date=on.isoformat()))
    snapshot = cached(stage_snapshot, params, on)
    code = lang()
    thresholds = params.thresholds()
    for column, row in zip(st.columns(len(STAGES)), snapshot.iter_rows(named=True), strict=True):
        stage = row["stage"]
        with column.container(border=True):
            st.metric(f"{_STAGE_ICON[stage]} {tr('lifecycle.stage.' + stage)}", format_value(row["users"], "count", code),
                      help=tr(f"lifecycle.stage_help.{stage}", **thresholds))
            st.caption(tr("lifecycle.share", share=fmt_percent(row["share"], 1)))
            st.markdown(tr(f"lifecycle.action.{stage}"))
            _download(tr("lifecycle.download_stage", count=fmt_number(row["users"], code)), f"lc_dl_stage_{stage}",
                      f"users_{stage}_{on.isoformat()}.csv", partial(stage_users, store(), params, on, stage),
                      row["users"])


# -- flows --------------------------------------------------------------------------------------

def _flows(params: LifecycleParams, filters: Filters) -> None:
    st.subheader(tr("lifecycle.section_flows"))
    unit = tr(f"lifecycle.unit.{filters.granularity}")
    frame = cached(flows, params, filters.granularity, filters.start, filters.end)
    st.plotly_chart(lifecycle_flows_chart(frame, lang(), title=tr("lifecycle.flows_title", unit=unit),
                                          period=filters.granularity), key="lc_flows_chart", config=_CHART_CONFIG)
    caption = tr("lifecycle.flows_caption", unit=unit, churn_days=params.churn_days)
    if not frame.is_empty() and not frame["complete"][-1]:
        caption += " " + tr("lifecycle.partial_note", unit=unit, end=filters.end.isoformat())
    st.caption(caption)


# -- active users -------------------------------------------------------------------------------

def _active(params: LifecycleParams, filters: Filters) -> None:
    st.subheader(tr("lifecycle.section_active"))
    frame = cached(active_users, params, filters.start, filters.end)
    summary = active_summary(frame)
    code, day = lang(), filters.end.isoformat()
    tiles = (("dau", "count"), ("wau", "count"), ("mau", "count"), ("stickiness", "rate"))
    for column, (key, unit) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(tr(f"lifecycle.{key}"), format_value(summary[key], unit, code), border=True,
                      help=tr(f"lifecycle.{key}_help", date=day))
    st.plotly_chart(active_users_chart(frame, code, title=tr("lifecycle.active_chart_title")),
                    key="lc_active_chart", config=_CHART_CONFIG)


# -- funnel -------------------------------------------------------------------------------------

def _funnel(params: LifecycleParams, filters: Filters, last: date) -> None:
    st.subheader(tr("lifecycle.section_funnel"))
    frame = cached(funnel, params, filters.start, filters.end)
    code = lang()
    left, right = st.columns(2)
    with left:
        st.plotly_chart(funnel_chart(frame, code), key="lc_funnel_chart", config=_CHART_CONFIG)
    names = {"step": tr("lifecycle.col.step"), "users": tr("lifecycle.col.users"),
             "rate_from_previous": tr("lifecycle.col.rate_previous"), "rate_from_start": tr("lifecycle.col.rate_start"),
             "median_days_from_previous": tr("lifecycle.col.median_days")}
    table = frame.select(list(names)).with_columns(
        pl.col("step").replace_strict({s: tr(f"lifecycle.step.{s}") for s in STEPS}),
        pl.col("rate_from_previous") * 100, pl.col("rate_from_start") * 100,
        pl.col("median_days_from_previous").map_elements(partial(format_days, lang=code), return_dtype=pl.String,
                                                         skip_nulls=False)).rename(names)
    with right:
        st.dataframe(table, hide_index=True, key="lc_funnel_table", column_config={
            names["users"]: st.column_config.NumberColumn(format="localized"),
            names["rate_from_previous"]: _PERCENT, names["rate_from_start"]: _PERCENT,
            names["median_days_from_previous"]: st.column_config.TextColumn(help=tr("lifecycle.col.median_days_help"))})
        caption = tr("lifecycle.funnel_caption", start=filters.start.isoformat(), end=filters.end.isoformat(),
                     activation_days=params.activation_days, retention_days=params.retention_days,
                     activation=", ".join(params.activation_events), conversion=", ".join(params.conversion_events))
        young = last - timedelta(days=params.retention_days)
        if filters.end > young:  # users acquired since then cannot have come back late enough yet
            caption += " " + tr("lifecycle.young_users", date=young.isoformat(), days=params.retention_days)
        st.caption(caption)
    users = frame["users"].to_list()
    for index, (column, step) in enumerate(zip(st.columns(len(STEPS)), STEPS, strict=True)):
        label = tr(f"lifecycle.step.{step}")
        with column:
            _download(tr("lifecycle.download_step", step=label, count=fmt_number(users[index], code)),
                      f"lc_dl_step_{step}", f"funnel_{step}_{filters.start}_{filters.end}.csv",
                      partial(funnel_users, store(), params, filters.start, filters.end, step), users[index])
            if index + 1 < len(STEPS):
                stopped = users[index] - users[index + 1]
                _download(tr("lifecycle.download_stopped", step=label, count=fmt_number(stopped, code)),
                          f"lc_dl_stopped_{step}", f"funnel_stopped_at_{step}_{filters.start}_{filters.end}.csv",
                          partial(funnel_users, store(), params, filters.start, filters.end, step, True), stopped)


# -- cohorts ------------------------------------------------------------------------------------

def _cohort_period(filters: Filters) -> str:
    options = ["week", "month"]
    default = "month" if filters.granularity == "month" else "week"
    return st.radio(tr("lifecycle.cohort_period"), options, index=options.index(default), horizontal=True,
                    format_func=labeller("grain."), key="lc_cohort_period")


def _cohorts(params: LifecycleParams, filters: Filters) -> None:
    st.subheader(tr("lifecycle.section_cohorts"))
    left, right = st.columns(2)
    with left:
        period = _cohort_period(filters)
    with right:
        mode = st.radio(tr("lifecycle.cohort_mode"), ["on", "on_or_after"], horizontal=True,
                        format_func=labeller("lifecycle.mode."), key="lc_cohort_mode")
    frame = cached(cohort_retention, params, period, filters.start, filters.end, mode)
    st.plotly_chart(cohort_heatmap(frame, "rate", "rate", period, lang()), key="lc_cohort_chart",
                    config=_CHART_CONFIG)
    st.caption(tr("lifecycle.cohort_caption", start=filters.start.isoformat(), end=filters.end.isoformat(),
                  unit=tr(f"lifecycle.unit.{period}")))


def _purchases(params: LifecycleParams, filters: Filters) -> None:
    st.subheader(tr("lifecycle.section_purchases"))
    period = st.session_state.get("lc_cohort_period") or ("month" if filters.granularity == "month" else "week")
    shown = st.radio(tr("lifecycle.purchase_metric"), ["revenue_per_user", "repeat_rate", "buyer_rate"],
                     horizontal=True, format_func=labeller("lifecycle.purchase."), key="lc_purchase_metric")
    frame = cached(cohort_revenue, params, period, filters.start, filters.end)
    if frame.is_empty() or not (frame["buyers"].sum() or frame["revenue"].abs().sum()):
        st.info(tr("lifecycle.no_purchases"))
        return
    unit = "money" if shown == "revenue_per_user" else "rate"
    st.plotly_chart(cohort_heatmap(frame, shown, unit, period, lang(), key="lc_purchases"),
                    key="lc_purchase_chart", config=_CHART_CONFIG)
    st.caption(tr("lifecycle.purchases_caption"))


# -- channels -----------------------------------------------------------------------------------

def _channel_name(channel: str | None) -> str:
    if channel is None:
        return tr("lifecycle.unknown_channel")
    return tr(f"platform.{channel}") if has(f"platform.{channel}") else channel


def _channels(params: LifecycleParams, filters: Filters) -> None:
    st.subheader(tr("lifecycle.section_channels"))
    frame = cached(channel_comparison, params, filters.start, filters.end)
    columns = ("acquired", "activation_rate", "retention_rate", "conversion_rate", "repeat_rate", "revenue_per_user")
    names = {"channel": tr("lifecycle.col.channel"), **{c: tr(f"lifecycle.col.{c}") for c in columns}}
    table = pl.DataFrame(
        [{names["channel"]: _channel_name(r["channel"]),
          **{names[c]: r[c] * 100 if c.endswith("_rate") and r[c] is not None else r[c] for c in columns}}
         for r in frame.iter_rows(named=True)],
        schema={names["channel"]: pl.String, names["acquired"]: pl.Int64,
                **{names[c]: pl.Float64 for c in columns[1:]}})
    config = {names[c]: _PERCENT for c in columns[1:5]}
    config[names["acquired"]] = st.column_config.NumberColumn(format="localized")
    config[names["revenue_per_user"]] = st.column_config.NumberColumn(format="%.2f")
    st.dataframe(table, hide_index=True, key="lc_channel_table", column_config=config)
    st.caption(tr("lifecycle.channels_caption", start=filters.start.isoformat(), end=filters.end.isoformat()))


# -- thresholds ---------------------------------------------------------------------------------

def _settings(params: LifecycleParams) -> None:
    st.subheader(tr("lifecycle.section_settings"))
    if message := st.session_state.pop("lc_settings_message", None):
        st.success(message)
    problems = st.session_state.pop("lc_settings_problems", None)
    for problem in problems or []:
        st.error(problem)
    current = params.thresholds()
    types = sorted(set(cached(event_types)) | set(current["activation_events"]) | set(current["conversion_events"]))
    with st.expander(tr("lifecycle.edit_thresholds", **current), expanded=bool(problems)), \
            st.form("lc_thresholds", border=False):
        st.caption(tr("lifecycle.settings_intro"))
        may_edit = permitted("edit_settings")
        values = {}
        for column, name in zip(st.columns(len(DAY_FIELDS)), DAY_FIELDS, strict=True):
            values[name] = int(column.number_input(tr(f"lifecycle.threshold.{name}"), min_value=1, max_value=MAX_DAYS,
                                                   value=int(current[name]), step=1, key=f"lc_{name}",
                                                   disabled=not may_edit))
        for name in ("activation_events", "conversion_events"):
            values[name] = st.multiselect(tr(f"lifecycle.threshold.{name}"), types, default=current[name],
                                          key=f"lc_{name}", disabled=not may_edit)
        st.caption(tr("lifecycle.conversion_shared"))
        if st.form_submit_button(tr("lifecycle.save"), type="primary", disabled=not may_edit) \
                and require("edit_settings"):
            _save(values)


def _save(values: dict) -> None:
    problems = threshold_problems(values)
    if problems:
        st.session_state["lc_settings_problems"] = [
            tr(f"lifecycle.problem.{code}", **{**params, **({"field": tr(f"lifecycle.threshold.{params['field']}")}
                                                              if "field" in params else {})})
            for code, params in problems] + [tr("lifecycle.not_saved")]
        st.rerun()
    split = settings_values(values)
    set_setting(store(), "lifecycle", split["lifecycle"])
    set_setting(store(), "conversion_events", split["conversion_events"])
    st.session_state["lc_settings_message"] = tr("lifecycle.saved")
    st.rerun()
