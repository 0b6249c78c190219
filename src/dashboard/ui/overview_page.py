"""Overview: are we on track? KPI tiles, per-platform breakdown, what changed most."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.charts import format_value, line_by_platform
from dashboard.i18n import fmt_percent
from dashboard.metrics.channels import has_channel_data
from dashboard.metrics.insights import biggest_changes
from dashboard.metrics.kpis import breakdown, series
from dashboard.metrics.registry import METRICS
from dashboard.metrics.scope import has_social_data
from dashboard.ui.cache import cached
from dashboard.ui.context import lang, tr
from dashboard.ui.filters import sidebar_filters
from dashboard.ui.kpi_tiles import kpi_tiles, metric_label
from dashboard.ui.shell import DATA_PAGE
from dashboard.ui.target_badges import chart_target

TILES = ("followers_end", "followers_net", "follower_growth_rate", "impressions",
         "reach", "interactions", "engagement_rate", "posts")
PAID_TILES = ("spend", "conversions", "roas", "roi")  # when ads, costs or orders are imported
TABLE = ("followers_end", "followers_net", "impressions", "reach", "views", "interactions", "engagement_rate",
         "posts")


def render() -> None:
    st.title(tr("page.overview"))
    filters = sidebar_filters()
    if not cached(has_social_data):
        empty_state()
        return
    st.caption(tr("overview.period", start=filters.start.isoformat(), end=filters.end.isoformat(),
                  prev_start=filters.previous().start.isoformat(), prev_end=filters.previous().end.isoformat()))
    kpi_tiles(filters, TILES + PAID_TILES if cached(has_channel_data) else TILES)

    st.subheader(tr("overview.changed_most"))
    insights = cached(biggest_changes, filters)
    if not insights:
        st.caption(tr("overview.no_big_change"))
    for insight in insights:
        unit = METRICS[insight.metric].unit
        params = dict(insight.params)
        text = tr(insight.key, metric=tr(f"metric.{insight.metric}"), change=fmt_percent(abs(insight.change), 0),
                  current=format_value(params["current"], unit, lang()),
                  previous=format_value(params["previous"], unit, lang()),
                  platform=tr(f"platform.{params.get('platform')}"),
                  platform_delta=format_value(abs(params.get("platform_delta") or 0), unit, lang()))
        (st.success if insight.good else st.warning)(text)

    st.subheader(tr("overview.by_platform"))
    table = cached(breakdown, filters, TABLE)
    if not table.is_empty():
        _platform_table(table, filters.denominator)

    st.subheader(tr("overview.trend"))
    labels = {k: metric_label(k, filters.denominator) for k in TABLE}
    key = st.selectbox(tr("overview.trend_metric"), TABLE, format_func=labels.get, key="overview_trend_metric")
    trend = cached(series, filters, (key,), True)
    figure = line_by_platform(trend, "bucket", key, METRICS[key].unit, lang(), key=f"overview-{key}")
    st.plotly_chart(chart_target(figure, key, filters), key=f"overview_chart_{key}")


def _platform_table(table: pl.DataFrame, denominator: str) -> None:
    """Values formatted like the tiles ('—' for no data, 万 in Chinese); rows sorted by platform."""
    code = lang()
    rows = [{tr("field.platform"): tr(f"platform.{row['platform']}"),
             **{metric_label(k, denominator): format_value(row[k], METRICS[k].unit, code) for k in TABLE}}
            for row in table.iter_rows(named=True)]
    st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch")


def empty_state() -> None:
    st.info(tr("overview.empty"))
    st.page_link(DATA_PAGE, label=tr("overview.go_to_data"), icon=":material/upload_file:")
