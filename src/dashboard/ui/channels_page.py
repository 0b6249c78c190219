"""Channels & ROI: what each channel costs and what it brings back, and where the budget should go.

KPI tiles against the previous period, plain-language findings, per-channel (or per-group) and
per-campaign tables, budget share against conversion share, trends, cost against return per
campaign; the editors for manual costs, exchange rates, channel groups and order event types.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import polars as pl
import streamlit as st

from dashboard.channel_inputs import (
    CATEGORIES,
    Problem,
    list_costs,
    save_channel_groups,
    save_costs,
    save_fx,
)
from dashboard.charts import channel_trend_chart, cost_return_scatter, format_value, share_comparison
from dashboard.i18n import fmt_percent, has, t
from dashboard.metrics.channels import (
    GROUPS,
    LEVELS,
    REVENUE_SOURCES,
    Recommendation,
    campaign_table,
    channel_data_span,
    channel_groups,
    channel_table,
    channel_trend,
    conversion_events,
    currencies_in_data,
    currency_issues,
    event_types,
    fx_rates,
    has_channel_data,
    known_channels,
    recommendations,
    revenue_source,
    workspace_currency,
)
from dashboard.metrics.filters import Filters
from dashboard.metrics.registry import METRICS
from dashboard.settings import set_setting
from dashboard.ui.auth import can, permitted, require
from dashboard.ui.cache import cached
from dashboard.ui.context import labeller, lang, store, tr
from dashboard.ui.filters import sidebar_filters
from dashboard.ui.kpi_tiles import kpi_tiles
from dashboard.ui.shell import DATA_PAGE
from dashboard.ui.target_badges import chart_target

TILES = ("spend", "cost", "revenue", "roas", "roi", "conversions", "cpa", "cac")
# what decides the budget first; the ad delivery figures after
TABLE = ("spend", "manual_cost", "orders_revenue", "conversion_value", "roas", "roi", "conversions", "cpa",
         "new_customers", "cac", "ad_impressions", "ad_clicks", "ad_click_rate", "cpm", "cpc", "cvr")
SOURCE_DEPENDENT = frozenset({"conversions", "cvr", "cpa", "roas", "roi"})
TREND = ("spend", "cost", "conversions", "revenue", "roas", "roi", "cpa", "cac", "ad_clicks", "cpc")
CAMPAIGN_COLUMNS = ("spend", "conversion_value", "roas", "conversions", "cpa", "ad_impressions", "ad_clicks",
                    "ad_click_rate", "cpc")


def render() -> None:
    st.title(tr("page.channels"))
    filters = sidebar_filters()
    if not cached(has_channel_data):
        _empty_state()
        _cost_editor(expanded=True)
        return
    currency = cached(workspace_currency)
    source = cached(revenue_source)
    previous = filters.previous()
    st.caption(tr("channels.period", start=filters.start.isoformat(), end=filters.end.isoformat(),
                  prev_start=previous.start.isoformat(), prev_end=previous.end.isoformat(), currency=currency))
    _source_picker(source)
    kpi_tiles(filters, TILES)
    level = st.segmented_control(tr("channels.level"), LEVELS, default="channel", key="channels_level",
                                 format_func=labeller("channels.level.")) or "channel"
    table = cached(channel_table, filters, level)
    _notes(filters, table, source, currency)
    _findings(filters, level, currency)
    st.subheader(tr("channels.by_level." + level))
    if table.is_empty():
        first, last = cached(channel_data_span, filters.tz)
        st.info(tr("channels.no_data_in_period", first=first.isoformat() if first else "—",
                   last=last.isoformat() if last else "—"))
    else:
        _channel_table(table, level, source, currency)
        left, right = st.columns(2)
        with left:
            _shares(table, level)
        with right:
            _trend(filters, level)
    _campaigns(filters, currency)
    _cost_editor(expanded=False)
    _settings()


def _empty_state() -> None:
    st.info(tr("channels.empty"))
    st.page_link(DATA_PAGE, label=tr("channels.go_to_data"), icon=":material/upload_file:")


# -- labels ----------------------------------------------------------------------------------------

def _channel_names() -> Callable[[Any], str]:
    """Channel key -> its name (the key itself for a channel the catalogue does not know); bound to
    the current language, safe as a format_func."""
    code = lang()
    return lambda value: t(f"platform.{value}", code) if has(f"platform.{value}") else str(value)


def _namer(level: str) -> Callable[[Any], str]:
    return _channel_names() if level == "channel" else labeller("channel_group.")


def _column(key: str, source: str) -> str:
    if key == "orders_revenue":
        return tr("channels.col.orders_revenue")
    if key == "conversion_value":
        return tr("channels.col.platform_revenue")
    label = tr(f"metric.{key}")
    return tr("channels.col.sourced", label=label, source=tr(f"channels.source_short.{source}")) \
        if key in SOURCE_DEPENDENT else label


def _unit(key: str) -> str:
    return METRICS[key].unit if key in METRICS else "money"


def _cell(value: float | None, key: str) -> str:
    """A table cell: counts whole (prorating and platform attribution give fractions), else as the tiles."""
    unit = _unit(key)
    if unit == "count" and value is not None:
        value = round(value)
    return format_value(value, unit, lang())


# -- revenue source, notes, findings ------------------------------------------------------------------

def _source_picker(source: str) -> None:
    choice = st.radio(tr("channels.source_label"), REVENUE_SOURCES, index=REVENUE_SOURCES.index(source),
                      format_func=labeller("channels.source."), horizontal=True, key="channels_source",
                      help=tr("channels.source_help"), disabled=not can("edit_settings"))
    if choice != source and require("edit_settings"):
        set_setting(store(), "revenue_source", choice)
        st.rerun()


def _notes(filters: Filters, table: pl.DataFrame, source: str, currency: str) -> None:
    notes = [tr(f"channels.note_source.{source}", events=", ".join(cached(conversion_events)) or "—")]
    spend = table["spend"].sum() if not table.is_empty() else 0
    prorated = table["spend_prorated"].sum() if not table.is_empty() else 0
    if spend and prorated:
        notes.append(tr("channels.note_prorated", share=fmt_percent(prorated / spend, 0)))
    if filters.accounts:
        notes.append(tr("channels.note_accounts"))
    st.caption(" ".join(notes))
    issues = cached(currency_issues, filters)
    names = _channel_names()
    code = lang()
    for no_rate, key in ((True, "channels.unconverted"), (False, "channels.assumed_currency")):
        part = issues.filter(pl.col("no_rate") == no_rate)
        if part.is_empty():
            continue
        items = "；".join if code == "zh" else "; ".join
        text = items([tr("channels.currency_item", source=tr(f"channels.issue_source.{r['source']}"),
                         channel=names(r["channel"]), amount=format_value(r["amount"], "money", code),
                         currency=r["currency"], rows=r["rows"]) for r in part.iter_rows(named=True)])
        (st.warning if no_rate else st.caption)(tr(key, items=text, workspace=currency))


def _param(name: str, value: Any, names: Callable[[Any], str], currency: str) -> str:
    code = lang()
    if name == "channel":
        return names(value)
    if name == "campaign":
        return value or tr("channels.whole_account")
    if name.endswith("_share") or name == "roi":
        return fmt_percent(value, 0)
    if name == "roas":
        return format_value(value, "multiple", code)
    if name.endswith("_amount"):
        return f"{format_value(value, 'money', code)} {currency}"
    return str(value)


def _findings(filters: Filters, level: str, currency: str) -> None:
    st.subheader(tr("channels.findings"))
    found: list[Recommendation] = cached(recommendations, filters, level)
    if not found:
        st.caption(tr("channels.no_findings"))
        return
    names = _namer(level)
    channel_names = _channel_names()
    for item in found:
        params = {k: _param(k, v, channel_names if "campaign" in item.params else names, currency)
                  for k, v in item.params.items()}
        (st.success if item.tone == "good" else st.warning)(tr(f"channels.rec.{item.kind}", **params),
                                                             icon=":material/lightbulb:")


# -- tables and charts -------------------------------------------------------------------------------

def _channel_table(table: pl.DataFrame, level: str, source: str, currency: str) -> None:
    names = _namer(level)
    groups = cached(channel_groups)
    group_names = labeller("channel_group.")
    rows = []
    for row in table.iter_rows(named=True):
        line = {tr(f"channels.level.{level}"): names(row[level])}
        if level == "channel":
            line[tr("channels.level.group")] = group_names(groups.get(row["channel"], "other"))
        line.update({_column(k, source): _cell(row[k], k) for k in TABLE})
        line[tr("channels.col.prorated")] = fmt_percent(row["prorated_share"], 0)
        rows.append(line)
    st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(tr("channels.table_note", currency=currency))


def _shares(table: pl.DataFrame, level: str) -> None:
    st.markdown(f"**{tr('channels.shares_title')}**")
    paying = table.filter(pl.col("cost_share").is_not_null())
    if paying.is_empty():
        st.info(tr("channels.shares_none"))
        return
    names = _namer(level)
    st.plotly_chart(share_comparison([names(v) for v in paying[level].to_list()], paying["cost_share"].to_list(),
                                     paying["conversion_share"].to_list(), lang(), key="channel_shares"),
                    key="channels_shares", width="stretch")
    st.caption(tr("channels.shares_caption"))


def _trend(filters: Filters, level: str) -> None:
    labels = {k: tr(f"metric.{k}") for k in TREND}
    key = st.selectbox(tr("channels.trend_metric"), TREND, format_func=labels.get, key="channels_trend_metric")
    st.markdown(f"**{tr('channels.trend_title', metric=labels[key], grain=tr('grain.' + filters.granularity))}**")
    trend = cached(channel_trend, filters, (key,), level)
    known = trend.group_by(level).agg(pl.col(key).is_not_null().any().alias("_known")).filter(pl.col("_known"))
    trend = trend.filter(pl.col(level).is_in(known[level].to_list())).rename({level: "platform"})
    if trend.is_empty():
        st.info(tr("channels.trend_none", metric=labels[key]))
        return
    namer = _namer(level)
    names = {v: namer(v) for v in trend["platform"].unique().to_list()}
    figure = channel_trend_chart(trend, key, METRICS[key].unit, lang(), names, key=f"channels-{key}")
    st.plotly_chart(chart_target(figure, key, filters), key=f"channels_trend_{key}", width="stretch")


def _campaigns(filters: Filters, currency: str) -> None:
    st.subheader(tr("channels.campaigns"))
    table = cached(campaign_table, filters)
    if table.is_empty():
        st.info(tr("channels.campaigns_none"))
        return
    code = lang()
    names = _channel_names()
    table = table.with_columns(pl.col("campaign").replace("", tr("channels.whole_account")).alias("label"))
    rows = [{tr("channels.level.channel"): names(r["channel"]), tr("channels.col.campaign"): r["label"],
             **{_column(k, "platform"): _cell(r[k], k) for k in CAMPAIGN_COLUMNS},
             tr("channels.col.prorated"): fmt_percent(r["prorated_share"], 0)}
            for r in table.iter_rows(named=True)]
    st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(tr("channels.campaigns_note"))
    measures = ("conversion_value", "conversions")
    # by default the measure more campaigns report (a Google Ads campaign report has no value column)
    counts = {m: table.filter(pl.col("spend").is_not_null() & pl.col(m).is_not_null()).height for m in measures}
    measure = st.segmented_control(tr("channels.scatter_return"), measures,
                                   default=max(measures, key=lambda m: counts[m]), key="channels_scatter_y",
                                   format_func=labeller("channels.scatter.")) or "conversion_value"
    drawn = table.filter(pl.col("spend").is_not_null() & pl.col(measure).is_not_null())
    if drawn.is_empty():
        st.info(tr("channels.scatter_none", measure=tr(f"channels.scatter.{measure}")))
        return
    channel_names = {c: names(c) for c in drawn["channel"].unique().to_list()}
    y_title = tr(f"channels.scatter.{measure}") + (f" ({currency})" if measure == "conversion_value" else "")
    st.plotly_chart(cost_return_scatter(drawn, measure, METRICS[measure].unit, code, channel_names,
                                        tr("channels.axis_spend", currency=currency), y_title),
                    key=f"channels_scatter_{measure}", width="stretch")
    left_out = table.height - drawn.height
    st.caption(tr(f"channels.scatter_caption.{measure}") + (" " + tr("channels.scatter_left_out", count=left_out)
                                                            if left_out else ""))


# -- editors -----------------------------------------------------------------------------------------

def _problem_text(problem: Problem) -> str:
    params = {k: v for k, v in problem.params.items() if k != "row"}
    message = tr(f"inputs.error.{problem.code}", **params)
    field = tr(f"inputs.field.{problem.field}")
    if problem.row:
        return tr("inputs.problem", row=problem.row, field=field, message=message)
    return tr("inputs.problem_field", field=field, message=message)


def _records(edited: Any) -> list[dict[str, Any]]:
    """The editor's table as plain rows (dates from the date columns come back as datetimes)."""
    frame = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    return [{k: (v.date() if isinstance(v, datetime) else v) for k, v in row.items()} for row in frame.to_dicts()]


def _editor_form(name: str, frame: pl.DataFrame, column_config: dict[str, Any], column_order: tuple[str, ...],
                 save: Callable[[list[dict[str, Any]]], list[Problem]], saved: str, action: str) -> None:
    """A data editor in a form: edits stay in the browser until saved; the input is always the stored
    data (never the editor's own output), and after a save the editor starts again from it. A role
    that may not do `action` (dashboard.auth) sees it read-only, with the reason."""
    version_key = f"{name}_version"
    version = st.session_state.get(version_key, 0)
    if message := st.session_state.pop(f"{name}_saved", None):
        st.success(message)
    may_edit = permitted(action)
    with st.form(f"{name}_form", border=False):
        edited = st.data_editor(frame, key=f"{name}_{version}", num_rows="dynamic", hide_index=True,
                                column_config=column_config, column_order=column_order, width="stretch",
                                disabled=not may_edit)
        submitted = st.form_submit_button(tr("inputs.save"), type="primary", key=f"{name}_save",
                                          disabled=not may_edit)
    if not submitted or not require(action):
        return
    problems = save(_records(edited))
    if problems:
        st.error(tr("inputs.not_saved") + "\n\n" + "\n".join(f"- {_problem_text(p)}" for p in problems))
        return
    st.session_state[version_key] = version + 1
    st.session_state[f"{name}_saved"] = saved
    st.rerun()


def _cost_editor(expanded: bool) -> None:
    currency = cached(workspace_currency)
    with st.expander(tr("channels.costs_title"), expanded=expanded, icon=":material/payments:"):
        st.caption(tr("channels.costs_help", currency=currency))
        costs = cached(list_costs)
        channels = sorted(set(cached(known_channels)) | set(costs["channel"].drop_nulls().to_list()))
        config = {
            "channel": st.column_config.SelectboxColumn(tr("inputs.field.channel"), options=channels, required=True,
                                                        format_func=_channel_names()),
            "date_start": st.column_config.DateColumn(tr("inputs.field.date_start"), required=True),
            "date_end": st.column_config.DateColumn(tr("inputs.field.date_end"),
                                                    help=tr("channels.costs_end_help")),
            "amount": st.column_config.NumberColumn(tr("inputs.field.amount"), min_value=0.0, format="%.2f",
                                                    required=True),
            "currency": st.column_config.TextColumn(tr("inputs.field.currency"), default=currency, max_chars=3),
            "category": st.column_config.SelectboxColumn(tr("inputs.field.category"), options=CATEGORIES,
                                                         default="other", format_func=labeller("cost_category.")),
            "note": st.column_config.TextColumn(tr("inputs.field.note")),
        }
        _editor_form("cost_editor", costs, config,
                     ("channel", "date_start", "date_end", "amount", "currency", "category", "note"),
                     lambda rows: save_costs(store(), rows, currency), tr("channels.costs_saved"), "edit_costs")


def _settings() -> None:
    with st.expander(tr("channels.settings"), icon=":material/tune:"):
        rates_tab, groups_tab, orders_tab = st.tabs([tr("channels.tab_currency"), tr("channels.tab_groups"),
                                                     tr("channels.tab_orders")])
        with rates_tab:
            _fx_editor()
        with groups_tab:
            _groups_editor()
        with orders_tab:
            _orders_settings()


def _fx_editor() -> None:
    currency = cached(workspace_currency)
    rates = cached(fx_rates)
    st.caption(tr("channels.fx_help", currency=currency))
    codes = sorted((set(cached(currencies_in_data)) | set(rates)) - {currency})
    frame = pl.DataFrame({"currency": codes, "rate": [rates.get(c) for c in codes]},
                         schema={"currency": pl.String, "rate": pl.Float64})
    workspace = st.text_input(tr("channels.workspace_currency"), value=currency, max_chars=3, key="channels_currency",
                              disabled=not can("edit_settings"))
    config = {"currency": st.column_config.TextColumn(tr("inputs.field.currency"), max_chars=3, required=True),
              "rate": st.column_config.NumberColumn(tr("channels.fx_rate", currency=currency), min_value=0.0,
                                                    format="%.6g")}
    _editor_form("fx_editor", frame, config, ("currency", "rate"),
                 lambda rows: save_fx(store(), workspace, rows), tr("channels.fx_saved"), "edit_settings")


def _groups_editor() -> None:
    groups = cached(channel_groups)
    channels = sorted(set(groups) | set(cached(known_channels)))
    names = _channel_names()
    frame = pl.DataFrame({"channel": channels, "name": [names(c) for c in channels],
                          "group": [groups.get(c, "other") for c in channels]})
    st.caption(tr("channels.groups_help"))
    config = {"channel": st.column_config.TextColumn(tr("inputs.field.channel"), required=True),
              "name": st.column_config.TextColumn(tr("channels.channel_name"), disabled=True),
              "group": st.column_config.SelectboxColumn(tr("inputs.field.group"), options=GROUPS, required=True,
                                                        default="other", format_func=labeller("channel_group."))}
    _editor_form("groups_editor", frame, config, ("channel", "name", "group"),
                 lambda rows: save_channel_groups(store(), rows), tr("channels.groups_saved"), "edit_settings")


def _orders_settings() -> None:
    current = cached(conversion_events)
    options = sorted(set(cached(event_types)) | set(current))
    st.caption(tr("channels.orders_help"))
    may_edit = permitted("edit_settings")
    with st.form("channels_orders_form", border=False):
        chosen = st.multiselect(tr("channels.order_events"), options, default=current, key="channels_order_events",
                                accept_new_options=True, disabled=not may_edit)
        if st.form_submit_button(tr("inputs.save"), type="primary", key="channels_orders_save",
                                 disabled=not may_edit) and require("edit_settings"):
            cleaned = [str(c).strip().lower() for c in chosen if str(c).strip()]
            if not cleaned:
                st.error(tr("channels.order_events_required"))
            else:
                set_setting(store(), "conversion_events", cleaned)
                st.success(tr("channels.orders_saved"))

