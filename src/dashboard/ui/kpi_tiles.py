"""KPI tiles: value, change against the previous period, sparkline, denominator beside rates."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.charts import format_value
from dashboard.i18n import fmt_percent
from dashboard.metrics.filters import Filters
from dashboard.metrics.kpis import change, kpi_comparison, series
from dashboard.metrics.registry import DENOMINATOR_DEPENDENT, METRICS
from dashboard.ui.cache import cached
from dashboard.ui.context import lang, tr
from dashboard.ui.target_badges import tile_caption, tile_statuses


def metric_label(key: str, denominator: str) -> str:
    label = tr(f"metric.{key}")
    if key in DENOMINATOR_DEPENDENT:
        label += f" (÷ {tr('denominator.' + denominator)})"
    return label


def kpi_tiles(filters: Filters, keys: Sequence[str], per_row: int = 4) -> None:
    both = cached(kpi_comparison, filters, tuple(keys))
    trend = cached(series, filters, tuple(keys))
    targets = tile_statuses(filters, keys)  # the target badge under a tile whose metric has one
    rows = [keys[i:i + per_row] for i in range(0, len(keys), per_row)]
    for row in rows:
        columns = st.columns(per_row)
        for column, key in zip(columns, row, strict=False):
            metric = METRICS[key]
            current, previous = both["current"][key], both["previous"][key]
            relative = change(current, previous)
            delta = None if relative is None else fmt_percent(relative, 1)
            if metric.unit == "rate" and current is not None and previous is not None:
                delta = tr("kpi.points", value=f"{(current - previous) * 100:+.2f}")
            values = trend[key].to_list() if key in trend.columns else []
            column.metric(
                metric_label(key, filters.denominator), format_value(current, metric.unit, lang()), delta,
                delta_color={"up": "normal", "down": "inverse"}.get(metric.better, "off"), border=True,
                help=tr(f"formula.{key}"),
                chart_data=[v for v in values if v is not None] or None, chart_type="area",
                delta_description=tr("kpi.vs_previous", value=format_value(previous, metric.unit, lang())),
            )
            if key in targets:
                tile_caption(column, targets[key])
