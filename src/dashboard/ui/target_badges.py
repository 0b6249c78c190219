"""Target status as the pages show it: badges, value texts, the KPI-tile caption, chart lines.

Shared by the Targets page, the KPI tiles (Overview, Content) and the charts of the same metric.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboard.charts import add_target_band, add_target_line, format_value
from dashboard.metrics.filters import Filters
from dashboard.metrics.scope import data_span
from dashboard.settings import workspace_tz
from dashboard.targets import seed_defaults, statuses_for, target_for_chart
from dashboard.ui.cache import cached
from dashboard.ui.context import lang, store, tr

STATUS_COLOUR = {"ahead": "green", "on_track": "blue", "behind": "orange"}
STATUS_ICON = {"ahead": ":material/trending_up:", "on_track": ":material/check_circle:",
               "behind": ":material/trending_down:"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: str) -> str:
    """User text (channel names, notes) inside markdown: shown literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def ensure_default_targets() -> None:
    """Seed the default targets once per store (targets.seed_defaults decides; this only saves
    the check on later runs of the session). They start with the first period that has data."""
    if st.session_state.get("_targets_defaults_checked"):
        return
    db = store()
    zone = workspace_tz(db)
    first, _ = cached(data_span, str(zone))
    seed_defaults(db, first or datetime.now(zone).date())
    st.session_state["_targets_defaults_checked"] = True


def value_text(value: float | None, unit: str | None, code: str | None = None) -> str:
    """A target or actual in the metric's unit ('30 min' for minutes)."""
    code = code or lang()
    if unit == "minutes":
        return "—" if value is None else tr("targets.minutes", value=f"{value:,.0f}" if value >= 10 else f"{value:.1f}")
    return format_value(value, unit or "count", code)


def scope_text(row: Mapping[str, Any]) -> str:
    """Platform name, the channel as typed (escaped), or 'all platforms'."""
    if row.get("platform"):
        return tr(f"platform.{row['platform']}")
    if row.get("channel"):
        return escape_markdown(str(row["channel"]))
    return tr("targets.all_platforms")


def badge_markdown(row: Mapping[str, Any]) -> str:
    """':green-badge[:material/trending_up: Ahead]'; a grey badge naming why there is no status."""
    status = row.get("status")
    if status in STATUS_COLOUR:
        return f":{STATUS_COLOUR[status]}-badge[{STATUS_ICON[status]} {tr('targets.status.' + status)}]"
    return f":gray-badge[{tr('targets.reason.' + (row.get('reason') or 'no_data'))}]"


def band_markdown(row: Mapping[str, Any]) -> str:
    band = row.get("band")
    if band == "below_floor":
        return f" :red-badge[{tr('targets.band.below_floor')}]"
    if band == "stretch_met":
        return f" :violet-badge[{tr('targets.band.stretch_met')}]"
    return ""


def tile_statuses(filters: Filters, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    ensure_default_targets()
    return cached(statuses_for, filters, tuple(keys))


def tile_caption(container: Any, row: Mapping[str, Any]) -> None:
    """Under a KPI tile: the badge, then the period's target and the value so far."""
    unit = row.get("unit")
    text = tr("targets.tile_caption", period=tr(f"targets.period.{row['period_type']}"),
              target=value_text(row.get("target"), unit), actual=value_text(row.get("actual"), unit))
    container.caption(f"{badge_markdown(row)}{band_markdown(row)} {text}",
                      help=tr("targets.tile_help", start=row["period_start"].isoformat(),
                              end=row["period_end"].isoformat()))


def chart_target(fig: go.Figure, metric: str, filters: Filters, per_platform_lines: bool = True) -> go.Figure:
    """Draw the metric's target on a chart of that metric (line, and floor-stretch band when set)."""
    target = cached(target_for_chart, metric, filters, per_platform_lines)
    if target is None:
        return fig
    code = lang()
    if target["floor"] is not None or target["stretch"] is not None:
        low = target["floor"] if target["floor"] is not None else target["value"]
        high = target["stretch"] if target["stretch"] is not None else target["value"]
        add_target_band(fig, min(low, high), max(low, high))
    unit = target["unit"] if target["unit"] in ("count", "rate", "seconds", "money") else "count"
    return add_target_line(fig, target["value"], unit, code)
