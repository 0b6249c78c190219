"""The Content & engagement page: engagement rate over time (denominator switch, named beside every
rate), interactions by type, top and bottom posts, a searchable post table, content types
compared, a weekday x hour heatmap, posting cadence against plan, and video watch figures.

Post titles and texts come from files: they are only shown inside st.dataframe cells (plain text)
or as escaped markdown, never as HTML.
"""

from __future__ import annotations

import re
from dataclasses import replace

import polars as pl
import streamlit as st

from dashboard.charts import (
    cadence_bars,
    content_type_bars,
    engagement_heatmap_chart,
    engagement_rate_lines,
    format_value,
    interactions_stacked,
    rate_label,
)
from dashboard.i18n import has
from dashboard.metrics.content import (
    RANK_METRICS,
    content_type_mix,
    count_posts,
    date_only_posts,
    denominator_coverage,
    engagement_heatmap,
    has_posts,
    post_span,
    post_table,
    posting_cadence,
    top_bottom,
    video_stats,
)
from dashboard.metrics.filters import DENOMINATORS, Filters
from dashboard.metrics.kpis import series
from dashboard.metrics.scope import has_social_data, platforms_and_accounts
from dashboard.settings import get_setting, set_setting
from dashboard.ui.auth import permitted, require
from dashboard.ui.cache import cached
from dashboard.ui.context import lang, store, tr
from dashboard.ui.filters import sidebar_filters
from dashboard.ui.kpi_tiles import kpi_tiles
from dashboard.ui.shell import DATA_PAGE
from dashboard.ui.target_badges import chart_target

KPI_KEYS = ("engagement_rate", "interactions", "posts", "share_rate")
SERIES_KEYS = ("engagement_rate", "interactions", "likes", "comments", "shares", "saves")
TABLE_LIMIT = 2000
COUNT_COLUMNS = ("impressions", "reach", "views", "likes", "comments", "shares", "saves")
_CHART_CONFIG = {"displaylogo": False}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def render() -> None:
    st.title(tr("page.content"))
    st.caption(tr("content.intro"))
    denominator = _denominator_switch()
    filters = sidebar_filters()
    if filters.denominator != denominator:
        filters = replace(filters, denominator=denominator)
    if not cached(has_social_data):
        _empty_state()
        return
    _over_time(filters)
    if not cached(has_posts):
        _empty_state()
        return
    if not cached(count_posts, filters):
        _no_posts_in_period(filters)
        return
    _denominator_hint(filters)
    _ranking(filters)
    _post_table(filters)
    _content_types(filters)
    _heatmap(filters)
    _cadence(filters)
    _video(filters)


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _denominator_switch() -> str:
    """The switch writes st.session_state['denominator'], which the sidebar filters (drawn by the
    shell before the page) read on later runs and every other page shares; this run applies it
    with dataclasses.replace. The widget's own key starts from it, so the choice survives page
    changes."""
    current = st.session_state.get("denominator") or cached(get_setting, "engagement_denominator")
    if current not in DENOMINATORS:
        current = DENOMINATORS[0]
    if st.session_state.get("content_denominator") not in DENOMINATORS:
        st.session_state["content_denominator"] = current
    options = {d: f"÷ {tr('content.denom_option.' + d)}" for d in DENOMINATORS}
    choice = st.segmented_control(
        tr("content.denominator"), DENOMINATORS, key="content_denominator", required=True,
        format_func=options.get,
        help=tr("content.denominator_help"))
    choice = choice if choice in DENOMINATORS else current
    st.session_state["denominator"] = choice
    return choice


def _denominator_hint(filters: Filters) -> None:
    """When no post has a rate under the chosen denominator, say which one would give rates
    (X exports have impressions but no reach, for instance)."""
    coverage = cached(denominator_coverage, filters)
    if coverage.get(filters.denominator):
        return
    better = [d for d in DENOMINATORS if coverage.get(d)]
    if better:
        st.info(tr("content.denominator_hint", denominator=tr(f"denominator.{filters.denominator}"),
                   others=" / ".join(f"÷ {tr('content.denom_option.' + d)}" for d in better)))


def _empty_state() -> None:
    with st.container(border=True):
        st.subheader(tr("content.empty_title"))
        st.info(tr("content.empty_body"))
        st.page_link(DATA_PAGE, label=tr("content.go_to_data"), icon=":material/upload_file:")


def _no_posts_in_period(filters: Filters) -> None:
    first, last = cached(post_span, filters)
    if first is None:
        _empty_state()
        return
    st.info(tr("content.no_posts_in_period", start=filters.start.isoformat(), end=filters.end.isoformat(),
               first=first.isoformat(), last=last.isoformat()))


# -- over time ----------------------------------------------------------------------------------

def _over_time(filters: Filters) -> None:
    st.subheader(tr("content.section_over_time"))
    kpi_tiles(filters, KPI_KEYS)
    frame = cached(series, filters, SERIES_KEYS, by_platform=True)
    if frame.is_empty() or frame["interactions"].is_null().all():
        st.info(tr("content.no_series"))
        return
    left, right = st.columns(2)
    code = lang()
    left.plotly_chart(chart_target(engagement_rate_lines(frame, filters.denominator, code), "engagement_rate", filters),
                      key="content_rate_chart", config=_CHART_CONFIG)
    right.plotly_chart(interactions_stacked(frame, code), key="content_parts_chart", config=_CHART_CONFIG)
    st.caption(tr("content.over_time_caption"))


# -- posts ---------------------------------------------------------------------------------------

def _metric_name(metric: str, denominator: str) -> str:
    return rate_label(denominator, lang()) if metric == "engagement_rate" else tr(f"metric.{metric}")


def _display(frame: pl.DataFrame) -> pl.DataFrame:
    """Platform and content type names in the session language; only http(s) links are kept."""
    if frame.is_empty():
        return frame
    platforms = {p: tr(f"platform.{p}") for p in frame["platform"].drop_nulls().unique()}
    types = {c: tr(f"content.type.{c}") if has(f"content.type.{c}") else c
             for c in frame["content_type"].drop_nulls().unique()}
    return frame.with_columns(
        pl.col("platform").replace_strict(platforms, default=pl.col("platform")),
        pl.col("content_type").replace_strict(types, default=pl.col("content_type")),
        pl.when(pl.col("url").str.contains(r"(?i)^https?://")).then(pl.col("url")).alias("url"),
    )


def _column_config(frame: pl.DataFrame, denominator: str, compact: bool = False) -> dict:
    rates = frame["engagement_rate"].drop_nulls() if "engagement_rate" in frame.columns else pl.Series([])
    top_rate = max(float(rates.max()), 1e-9) if len(rates) else 1.0
    config = {
        "rank": st.column_config.NumberColumn(tr("content.rank"), format="%d", width=40),
        "title": st.column_config.TextColumn(tr("field.title"), width=220 if compact else "large"),
        "platform": st.column_config.TextColumn(tr("field.platform")),
        "account": st.column_config.TextColumn(tr("field.account")),
        "content_type": st.column_config.TextColumn(tr("field.content_type")),
        "published_at": st.column_config.DatetimeColumn(tr("field.published_at"), format="YYYY-MM-DD HH:mm"),
        "interactions": st.column_config.NumberColumn(tr("metric.interactions"), format="localized"),
        "followers_at_post": st.column_config.NumberColumn(tr("content.followers_at_post"), format="localized"),
        "engagement_rate": st.column_config.NumberColumn(
            rate_label(denominator, lang()), format="percent", help=tr("content.denominator_help"))
        if compact else st.column_config.ProgressColumn(
            rate_label(denominator, lang()), format="percent", min_value=0.0, max_value=top_rate,
            help=tr("content.denominator_help")),
        "url": st.column_config.LinkColumn(tr("field.url"), display_text=tr("content.open_link"), width="small"),
    }
    for column in COUNT_COLUMNS:
        config[column] = st.column_config.NumberColumn(tr(f"field.{column}"), format="localized")
    return config


def _ranking(filters: Filters) -> None:
    st.subheader(tr("content.section_ranking"))
    left, right = st.columns([3, 1])
    names = {m: _metric_name(m, filters.denominator) for m in RANK_METRICS}  # format_func may run off-thread
    metric = left.selectbox(tr("content.rank_metric"), RANK_METRICS, key="content_rank_metric", format_func=names.get)
    n = int(right.number_input(tr("content.rank_n"), min_value=1, max_value=50, value=5, step=1,
                               key="content_rank_n"))
    top, bottom = cached(top_bottom, filters, metric, n)
    if top.is_empty():
        st.info(tr("content.no_ranked", metric=_metric_name(metric, filters.denominator)))
        return
    columns = ["rank", "title", metric]
    columns += [c for c in ("interactions", "engagement_rate") if c not in columns]
    columns += ["platform", "published_at", "url"]
    config = _column_config(pl.concat([top, bottom]), filters.denominator, compact=True)
    top_column, bottom_column = st.columns(2)
    top_column.markdown(f"**{tr('content.top', n=n)}**")
    top_column.dataframe(_display(top), column_order=columns, column_config=config, hide_index=True,
                         placeholder="—")
    bottom_column.markdown(f"**{tr('content.bottom', n=n)}**")
    if bottom.is_empty():
        bottom_column.caption(tr("content.none_left"))
    else:
        bottom_column.dataframe(_display(bottom), column_order=columns, column_config=config, hide_index=True,
                                placeholder="—")
    st.caption(tr("content.ranking_note"))


def _post_table(filters: Filters) -> None:
    st.subheader(tr("content.section_posts"))
    search = st.text_input(tr("content.search"), key="content_search", placeholder=tr("content.search_placeholder"))
    search = search.strip()
    total = cached(count_posts, filters, search)
    if not total:
        st.info(tr("content.no_match", search=_escape(search)))
        return
    table = cached(post_table, filters, search, TABLE_LIMIT)
    if total > table.height:
        st.caption(tr("content.post_count_limited", shown=f"{table.height:,}", total=f"{total:,}"))
    else:
        st.caption(tr("content.post_count", total=f"{total:,}"))
    columns = ["title", "platform", "account", "content_type", "published_at", *COUNT_COLUMNS, "interactions"]
    if filters.denominator == "followers":
        columns.append("followers_at_post")
    columns += ["engagement_rate", "url"]
    st.dataframe(_display(table), column_order=columns, column_config=_column_config(table, filters.denominator),
                 hide_index=True, height=420, placeholder="—")


# -- content types, heatmap ------------------------------------------------------------------------

def _content_types(filters: Filters) -> None:
    st.subheader(tr("content.section_types"))
    mix = cached(content_type_mix, filters)
    code = lang()
    st.plotly_chart(content_type_bars(mix, filters.denominator, code), key="content_types_chart",
                    config=_CHART_CONFIG)
    shown = mix.with_columns(
        pl.col("content_type").replace_strict(
            {c: tr(f"content.type.{c}") if has(f"content.type.{c}") else c for c in mix["content_type"].unique()},
            default=pl.col("content_type")),
        pl.col("avg_views").round(0))
    denominator = tr(f"denominator.{filters.denominator}")
    st.dataframe(
        shown, hide_index=True, placeholder="—",
        column_order=["content_type", "posts", "interactions_per_post", "engagement_rate_median",
                      "engagement_rate_pooled", "avg_views"],
        column_config={
            "content_type": st.column_config.TextColumn(tr("field.content_type")),
            "posts": st.column_config.NumberColumn(tr("content.posts_count"), format="localized"),
            "interactions_per_post": st.column_config.NumberColumn(tr("content.interactions_per_post"),
                                                                   format="%.1f"),
            "engagement_rate_median": st.column_config.NumberColumn(
                f"{tr('content.rate_median')} (÷ {denominator})", format="percent"),
            "engagement_rate_pooled": st.column_config.NumberColumn(
                f"{tr('content.rate_pooled')} (÷ {denominator})", format="percent"),
            "avg_views": st.column_config.NumberColumn(tr("content.avg_views"), format="localized"),
        })
    st.caption(tr("content.types_caption", denominator=denominator))


def _heatmap(filters: Filters) -> None:
    st.subheader(tr("content.section_heatmap"))
    cells = cached(engagement_heatmap, filters)
    st.plotly_chart(engagement_heatmap_chart(cells, filters.denominator, filters.tz, lang()),
                    key="content_heatmap_chart", config=_CHART_CONFIG)
    st.caption(tr("content.heatmap_caption", tz=filters.tz))
    if undated := cached(date_only_posts, filters):
        st.caption(tr("content.heatmap_date_only", count=undated))


# -- cadence ---------------------------------------------------------------------------------------

def _cadence(filters: Filters) -> None:
    st.subheader(tr("content.section_cadence"))
    if message := st.session_state.pop("content_plan_message", None):
        st.success(message)
    frame = cached(posting_cadence, filters)
    st.plotly_chart(cadence_bars(frame, lang()), key="content_cadence_chart", config=_CHART_CONFIG)
    has_plan = not frame.is_empty() and frame["plan"].is_not_null().any()
    st.caption(tr("content.cadence_caption", tz=filters.tz))
    if has_plan:
        behind = frame.filter(pl.col("vs_plan") <= -1).sort(["week", "platform"])
        if not behind.is_empty():
            items = [f"{tr('platform.' + r['platform'])} {r['iso_week']}: {r['posts']} / {_short(r['plan'])}"
                     for r in behind.iter_rows(named=True)]
            st.warning(tr("content.cadence_behind", items=("；" if lang() == "zh" else "; ").join(items)))
    else:
        st.info(tr("content.cadence_no_plan"))
    _plan_editor(expanded=not has_plan)


def _short(value: float) -> str:
    """7.142857 -> '7.1', 10.0 -> '10'."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _plan_editor(expanded: bool) -> None:
    plan = cached(get_setting, "posting_plan") or {}
    platforms = sorted({p for p, _ in cached(platforms_and_accounts)} | set(plan))
    if not platforms:
        return
    with st.expander(tr("content.plan_editor"), expanded=expanded), st.form("content_plan_form", border=False):
        may_edit = permitted("edit_plan")
        columns = st.columns(min(4, len(platforms)))
        values = {}
        for index, platform in enumerate(platforms):
            values[platform] = columns[index % len(columns)].number_input(
                tr(f"platform.{platform}"), min_value=0.0, max_value=200.0, step=1.0,
                value=float(plan.get(platform) or 0.0), format="%g", key=f"content_plan_{platform}",
                help=tr("content.plan_help"), disabled=not may_edit)
        if st.form_submit_button(tr("content.plan_save"), type="primary", disabled=not may_edit) \
                and require("edit_plan"):
            set_setting(store(), "posting_plan", {p: v for p, v in values.items() if v and v > 0})
            st.session_state["content_plan_message"] = tr("content.plan_saved")
            st.rerun()


# -- video -----------------------------------------------------------------------------------------

def _tile_seconds(value: float | None) -> float | None:
    """Round for a tile: whole hours from 100 h up, else tenths of a second (no '2,071.92 h')."""
    if value is None:
        return None
    return round(value / 3600) * 3600 if value >= 360_000 else round(value, 1)


def _video(filters: Filters) -> None:
    st.subheader(tr("content.section_video"))
    total = cached(video_stats, filters, by_platform=False)
    if total.is_empty():
        st.info(tr("content.video_none"))
        return
    code = lang()
    row = total.row(0, named=True)
    tiles = ((tr("content.videos"), format_value(row["videos"], "count", code)),
             (tr("content.video_views"), format_value(row["views"], "count", code)),
             (tr("content.watch_time"), format_value(_tile_seconds(row["watch_time_s"]), "seconds", code)),
             (tr("content.avg_watch"), format_value(_tile_seconds(row["avg_watch_s"]), "seconds", code)),
             (tr("content.completion"), format_value(row["completion_rate"], "rate", code)))
    for column, (label, value) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(label, value, border=True)
    per_platform = cached(video_stats, filters)
    shown = per_platform.with_columns(
        pl.col("platform").replace_strict({p: tr(f"platform.{p}") for p in per_platform["platform"].unique()},
                                          default=pl.col("platform")),
        (pl.col("watch_time_s") / 3600).alias("watch_time_h"))
    st.dataframe(shown, hide_index=True, placeholder="—",
                 column_order=["platform", "videos", "views", "watch_time_h", "avg_watch_s", "completion_rate"],
                 column_config={
                     "platform": st.column_config.TextColumn(tr("field.platform")),
                     "videos": st.column_config.NumberColumn(tr("content.videos"), format="localized"),
                     "views": st.column_config.NumberColumn(tr("content.video_views"), format="localized"),
                     "watch_time_h": st.column_config.NumberColumn(tr("content.watch_time_h"), format="%.1f"),
                     "avg_watch_s": st.column_config.NumberColumn(tr("content.avg_watch_s"), format="%.1f"),
                     "completion_rate": st.column_config.NumberColumn(tr("content.completion"), format="percent"),
                 })
    st.caption(tr("content.video_caption"))
