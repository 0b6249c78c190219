"""Pure chart builders: Polars frames in, Plotly figures out. No streamlit here.

Every platform keeps one colour on every page; numbers follow the language (万/亿 in Chinese);
figures use transparent backgrounds so they read in light and dark themes; `uirevision` keeps the
user's zoom across reruns.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard.i18n import fmt_number, fmt_percent, t

PLATFORM_COLOURS = {
    "x": "#1D9BF0", "facebook": "#1877F2", "instagram": "#E1306C", "tiktok": "#25F4EE", "youtube": "#FF0000",
    "linkedin": "#0A66C2", "xiaohongshu": "#FF2442", "douyin": "#161823", "wechat_channels": "#FA9D3B",
    "wechat_oa": "#07C160", "toutiao": "#F04142", "zhihu": "#0066FF", "kuaishou": "#FF5000",
    "bilibili": "#00A1D6", "weibo": "#E6162D", "google_ads": "#FBBC04", "meta_ads": "#0081FB",
    "tiktok_ads": "#FE2C55", "ocean_engine": "#3370FF", "qianchuan": "#FF6A00", "ga4": "#E37400",
    "search_console": "#34A853", "custom": "#8E8E93",
}
_FALLBACK = ["#6E56CF", "#12A594", "#E5484D", "#F76B15", "#0090FF", "#8E4EC6", "#30A46C"]
FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, Segoe UI, sans-serif"


def platform_colour(platform: str) -> str:
    if platform in PLATFORM_COLOURS:
        return PLATFORM_COLOURS[platform]
    return _FALLBACK[sum(map(ord, platform)) % len(_FALLBACK)]


def format_value(value: float | None, unit: str, lang: str) -> str:
    if unit == "rate":
        return fmt_percent(value, 2)
    if unit == "multiple" and value is not None and math.isfinite(value):  # ROAS: 3.20×
        return f"{value:.2f}×"
    if unit == "seconds" and value is not None:
        hours = value / 3600
        return f"{fmt_number(hours, lang)} h" if hours >= 1 else f"{fmt_number(value, lang)} s"
    return fmt_number(value, lang)


# -- figure pieces as plain dicts -------------------------------------------------------------------
# Each builder assembles its traces and layout as dicts and validates them once in go.Figure: every
# incremental update (update_layout, update_xaxes, add_trace ...) walks and validates Plotly's
# object model again, several times the cost of the whole figure. Every chart here has one x and
# one y axis, so 'xaxis' / 'yaxis' are all the axes there are.

Traces = list[dict]


def _merge(layout: dict, *updates: dict) -> dict:
    """Merge `updates` into `layout` (in place) the way update_layout merges: nested dicts key by
    key, anything else (lists too) replaced."""
    for update in updates:
        for key, value in update.items():
            if isinstance(value, dict):
                current = layout.get(key)
                layout[key] = _merge(current if isinstance(current, dict) else {}, value)
            else:
                layout[key] = value
    return layout


def _figure(traces: Traces, layout: dict) -> go.Figure:
    return go.Figure(data=traces, layout=layout)


def _base_layout(height: int = 360, key: str = "chart") -> dict:
    return {
        "height": height, "margin": {"l": 8, "r": 8, "t": 36, "b": 8}, "font": {"family": FONT},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "hovermode": "x unified",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        "uirevision": key, "separators": ".,",  # the same in both languages
        "xaxis": {"showgrid": False},
        "yaxis": {"gridcolor": "rgba(128,128,128,0.2)", "zerolinecolor": "rgba(128,128,128,0.4)"},
    }


def _hover_trace(kind: str, customdata: list, **props) -> dict:
    """A trace whose hover shows its formatted value and the trace name."""
    return {"type": kind, **props, "customdata": customdata,
            "hovertemplate": "%{customdata}<extra>%{fullData.name}</extra>"}


def _split_by(frame: pl.DataFrame, column: str) -> list[tuple[Any, pl.DataFrame]]:
    """(value, rows) per value of `column` in order of first appearance, in one pass rather than a
    filter per value."""
    if frame.is_empty():
        return []
    return [(part[column][0], part) for part in frame.partition_by(column, maintain_order=True)]


def _axis_ticks(values: Sequence[float], unit: str, lang: str) -> dict:
    """Tick labels formatted like the rest of the app (Plotly alone cannot write 万)."""
    finite = [v for v in values if v is not None]
    if not finite or unit == "rate":
        return {"tickformat": ".1%"} if unit == "rate" else {}
    low, high = min(0.0, min(finite)), max(finite)
    if high == low:
        return {}
    step = _nice_step((high - low) / 4)
    start = (low // step) * step
    ticks = [start + i * step for i in range(int((high - start) / step) + 2)]
    return {"tickvals": ticks, "ticktext": [format_value(v, unit, lang) for v in ticks]}


def _nice_step(raw: float) -> float:
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _line_by_platform_spec(frame: pl.DataFrame, x: str, y: str, unit: str, lang: str, title: str = "",
                           target: float | None = None, key: str = "line",
                           names: dict[str, str] | None = None) -> tuple[Traces, dict]:
    traces: Traces = []
    for platform, part in _split_by(frame, "platform"):
        values = part[y].to_list()
        traces.append(_hover_trace(
            "scatter", [format_value(v, unit, lang) for v in values],
            x=part[x].to_list(), y=values, name=(names or {}).get(platform) or t(f"platform.{platform}", lang),
            mode="lines+markers", line={"color": platform_colour(platform), "width": 2}, marker={"size": 4}))
    ticks = _axis_ticks(frame[y].to_list() if not frame.is_empty() else [], unit, lang)
    layout = _merge(_base_layout(key=key), {"title": {"text": title}, "yaxis": ticks}, _dates_on(frame, x, lang))
    if target is not None:
        line, note = _target_line(target, unit, lang)
        layout["shapes"], layout["annotations"] = [line], [note]
    return traces, layout


def line_by_platform(frame: pl.DataFrame, x: str, y: str, unit: str, lang: str, title: str = "",
                     target: float | None = None, key: str = "line", names: dict[str, str] | None = None) -> go.Figure:
    """One line per platform (frame columns: x, 'platform', y); `names` overrides the platform names
    (channel groups)."""
    return _figure(*_line_by_platform_spec(frame, x, y, unit, lang, title, target, key, names))


def _target_line(target: float, unit: str, lang: str) -> tuple[dict, dict]:
    """The dashed target line across the plot and its label at the left end (what add_hline draws)."""
    line = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": target, "y1": target,
            "line": {"color": "#E5484D", "dash": "dash", "width": 1.5}}
    note = {"text": f"{t('chart.target', lang)} {format_value(target, unit, lang)}", "showarrow": False,
            "xref": "x domain", "x": 0, "xanchor": "left", "yref": "y", "y": target, "yanchor": "bottom"}
    return line, note


def _append_to_layout(fig: go.Figure, **items: list[dict]) -> None:
    """Append shapes / annotations to a built figure in one update. add_hline and add_hrect cost ten
    times as much (they look for subplots to span); overwrite=True sets each list whole, where a plain
    update would revisit every shape already there property by property."""
    fig.update_layout({name: [*fig.layout[name], *added] for name, added in items.items()}, overwrite=True)


def add_target_line(fig: go.Figure, target: float, unit: str, lang: str) -> go.Figure:
    line, note = _target_line(target, unit, lang)
    _append_to_layout(fig, shapes=[line], annotations=[note])
    return fig


def add_target_band(fig: go.Figure, low: float, high: float) -> go.Figure:
    """The floor-to-stretch range of a target, shaded behind the data."""
    band = {"type": "rect", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": low, "y1": high,
            "fillcolor": "#E5484D", "opacity": 0.08, "line": {"width": 0}, "layer": "below"}
    _append_to_layout(fig, shapes=[band])
    return fig


def _stacked_bars_spec(frame: pl.DataFrame, x: str, parts: Sequence[str], lang: str, title: str = "",
                       colours: Sequence[str] | None = None, key: str = "bars") -> tuple[Traces, dict]:
    palette = list(colours or _FALLBACK)
    traces: Traces = []
    for index, part in enumerate(parts):
        values = frame[part].to_list() if part in frame.columns else []
        traces.append(_hover_trace(
            "bar", [format_value(v, "count", lang) for v in values], x=frame[x].to_list(), y=values,
            name=t(f"field.{part}", lang), marker={"color": palette[index % len(palette)]}))
    return traces, _merge(_base_layout(key=key), {"barmode": "relative", "title": {"text": title}},
                          _dates_on(frame, x, lang))


def sparkline(values: Sequence[float | None], colour: str = "#2F6FEB") -> go.Figure:
    trace = {"type": "scatter", "y": list(values), "mode": "lines", "line": {"color": colour, "width": 2},
             "fill": "tozeroy", "fillcolor": "rgba(47,111,235,0.08)", "hoverinfo": "skip"}
    return _figure([trace], {"height": 48, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "showlegend": False,
                             "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
                             "xaxis": {"visible": False}, "yaxis": {"visible": False}})


# -- growth ---------------------------------------------------------------------------------------

def _exact_count(value: float | None) -> str:
    """A count in full for hover labels (5,013 rather than 5.0K)."""
    return "—" if value is None else f"{value:,.0f}"


def _span_ticks(values: Sequence[float | None], unit: str, lang: str) -> dict:
    """Tick labels over the data's own range (a follower total of 5,000 ± 10 should not be drawn
    from zero), formatted like the rest of the app."""
    finite = [v for v in values if v is not None]
    if not finite:
        return {}
    low, high = min(finite), max(finite)
    if high == low:
        return {"tickvals": [low], "ticktext": [format_value(low, unit, lang)]}
    step = _nice_step((high - low) / 4)
    start = (low // step) * step
    ticks = [start + i * step for i in range(int((high - start) / step) + 2)]
    return {"tickvals": ticks, "ticktext": [format_value(v, unit, lang) for v in ticks]}


def _titled(title: str) -> dict:
    """The title in its own band above the legend (Plotly draws both top left otherwise)."""
    if not title:
        return {}
    return {"title": {"text": title, "x": 0, "xanchor": "left", "xref": "paper", "y": 0.985, "yanchor": "top",
                      "font": {"size": 15}}, "margin": {"t": 76}}


def _date_axis(lang: str) -> dict:
    """Dates on the x axis written the way the language writes them (11月2日 in Chinese)."""
    if lang == "zh":
        return {"xaxis": {"tickformat": "%-m月%-d日\n%Y", "hoverformat": "%Y年%-m月%-d日"}}
    return {}


def _dates_on(frame: pl.DataFrame, x: str, lang: str) -> dict:
    """_date_axis when the x column holds dates (a category axis must keep its own labels)."""
    return _date_axis(lang) if x in frame.columns and frame.schema[x].is_temporal() else {}


def _series_name(platform: str, account: str, single_account: bool, lang: str) -> str:
    name = t(f"platform.{platform}", lang)
    return name if single_account else f"{name} · {account}"


def followers_over_time(frame: pl.DataFrame, lang: str, title: str = "", key: str = "followers") -> go.Figure:
    """One line per platform and account (frame: growth.follower_series rows with columns platform,
    account, date, followers, followers_source). Reported days are drawn solid; derived and carried
    days dashed (with hollow markers on short series), and every hover says how the value was
    obtained."""
    traces: Traces = []
    frame = frame.filter(pl.col("followers").is_not_null()) if not frame.is_empty() else frame
    pairs = frame.select("platform", "account").unique(maintain_order=True).rows() if not frame.is_empty() else []
    accounts_per_platform: dict[str, int] = {}
    for platform, _ in pairs:
        accounts_per_platform[platform] = accounts_per_platform.get(platform, 0) + 1
    any_estimated = False
    for platform, account in pairs:
        part = frame.filter((pl.col("platform") == platform) & (pl.col("account") == account)).sort("date")
        name = _series_name(platform, account, accounts_per_platform[platform] == 1, lang)
        colour = platform_colour(platform)
        dates, values, sources = part["date"].to_list(), part["followers"].to_list(), part["followers_source"].to_list()
        labels = [f"{_exact_count(v)} · {t(f'growth.source.{s}', lang)}" for v, s in zip(values, sources, strict=True)]
        estimated = [s != "reported" for s in sources]
        any_estimated = any_estimated or any(estimated)
        # the whole series dashed underneath: it carries the hover for every day
        traces.append(_hover_trace(
            "scatter", labels, x=dates, y=values, name=name, legendgroup=name, showlegend=False, mode="lines",
            line={"color": colour, "width": 1.5, "dash": "dot"}))
        # reported days drawn solid on top (gaps where a value is derived or carried)
        solid = [v if not e else None for v, e in zip(values, estimated, strict=True)]
        traces.append({"type": "scatter", "x": dates, "y": solid, "name": name, "legendgroup": name,
                       "mode": "lines", "connectgaps": False, "line": {"color": colour, "width": 2.5},
                       "hoverinfo": "skip"})
        if any(estimated) and not all(estimated) and len(values) <= 120:
            traces.append({
                "type": "scatter", "x": [d for d, e in zip(dates, estimated, strict=True) if e],
                "y": [v for v, e in zip(values, estimated, strict=True) if e],
                "name": name, "legendgroup": name, "showlegend": False, "mode": "markers", "hoverinfo": "skip",
                "marker": {"symbol": "circle-open", "size": 7, "color": colour, "line": {"width": 1.5}}})
    if any_estimated:
        traces.append({"type": "scatter", "x": [None], "y": [None], "mode": "lines",
                       "name": t("growth.legend_estimated", lang),
                       "line": {"color": "#8E8E93", "width": 1.5, "dash": "dot"}, "hoverinfo": "skip"})
    ticks = _span_ticks(frame["followers"].to_list() if not frame.is_empty() else [], "count", lang)
    return _figure(traces, _merge(_base_layout(key=key), {"yaxis": ticks}, _titled(title), _date_axis(lang)))


def gained_lost_net(frame: pl.DataFrame, lang: str, title: str = "", key: str = "gained_lost") -> go.Figure:
    """Per bucket, over every platform of the frame (growth.growth_table): followers gained as bars
    above zero, lost below zero, and net as a line."""
    if frame.is_empty():
        totals = pl.DataFrame(schema={"bucket": pl.Date, "followers_gained": pl.Float64,
                                      "followers_lost": pl.Float64, "followers_net": pl.Float64})
    else:
        def known_sum(column: str) -> pl.Expr:
            return pl.when(pl.col(column).is_not_null().any()).then(pl.col(column).sum())

        totals = frame.group_by("bucket", maintain_order=True).agg(
            known_sum("gained").alias("followers_gained"), (-known_sum("lost")).alias("followers_lost"),
            known_sum("net").alias("followers_net")).sort("bucket")
    traces, layout = _stacked_bars_spec(totals, "bucket", ["followers_gained", "followers_lost"], lang, title=title,
                                        colours=["#30A46C", "#E5484D"], key=key)
    net = totals["followers_net"].to_list()
    traces.append(_hover_trace(
        "scatter", [format_value(v, "count", lang) for v in net], x=totals["bucket"].to_list(), y=net,
        name=t("field.followers_net", lang), mode="lines+markers", line={"color": "#6E56CF", "width": 2.5},
        marker={"size": 6}))
    values = [*totals["followers_gained"].to_list(), *totals["followers_lost"].to_list(), *net]
    ticks = _axis_ticks([v for v in values if v is not None], "count", lang)
    return _figure(traces, _merge(layout, {"yaxis": ticks}, _titled(title), _date_axis(lang)))


def growth_rate_by_platform(frame: pl.DataFrame, lang: str, title: str = "", target: float | None = None,
                            key: str = "growth_rate") -> go.Figure:
    """Growth rate (net ÷ followers at the start) per bucket, one line per platform that has one
    (growth.growth_table); buckets without a known start are gaps."""
    if not frame.is_empty():
        known = frame.group_by("platform").agg(pl.col("growth_rate").is_not_null().any().alias("_known"))
        frame = frame.join(known, on="platform").filter(pl.col("_known")).drop("_known")
    traces, layout = _line_by_platform_spec(frame, "bucket", "growth_rate", "rate", lang, title=title,
                                            target=target, key=key)
    return _figure(traces, _merge(layout, _titled(title), _date_axis(lang)))


# -- content & engagement -------------------------------------------------------------------------

INTERACTION_PARTS = ("likes", "comments", "shares", "saves")
_PART_COLOURS = ("#E5484D", "#0090FF", "#30A46C", "#F76B15")
_PLAN_COLOUR = "#1C2024"


def _title_over_legend() -> dict:
    """Room for the title above a one-row legend (the base layout puts both at the top edge)."""
    return {"margin": {"t": 76}, "title": {"x": 0, "xanchor": "left", "y": 0.985, "yref": "container",
                                           "yanchor": "top"},
            "legend": {"y": 1.0, "yanchor": "bottom"}}


def rate_label(denominator: str, lang: str) -> str:
    """'Engagement rate (÷ reach)': the denominator is named beside every rate."""
    return t("content.rate_label", lang, denominator=t(f"denominator.{denominator}", lang))


def engagement_rate_lines(frame: pl.DataFrame, denominator: str, lang: str,
                          key: str = "content_rate") -> go.Figure:
    """Engagement rate per platform over time (frame: bucket, platform, engagement_rate)."""
    if not frame.is_empty():
        known = frame.group_by("platform").agg(pl.col("engagement_rate").is_not_null().any().alias("known"))
        frame = frame.join(known, on="platform").filter(pl.col("known")).drop("known")
    label = rate_label(denominator, lang)
    traces, layout = _line_by_platform_spec(frame, "bucket", "engagement_rate", "rate", lang, title=label, key=key)
    for trace in traces:
        # a day without posts has no rate: the line joins the days that have one (markers show them)
        trace["connectgaps"] = True
    return _figure(traces, _merge(layout, {"showlegend": True,
                                           "yaxis": {"title": {"text": label}, "rangemode": "tozero"}},
                                  _title_over_legend()))


def interactions_stacked(frame: pl.DataFrame, lang: str, key: str = "content_parts") -> go.Figure:
    """Likes, comments, shares and saves per time bucket, stacked (summed over platforms)."""
    if "platform" in frame.columns and not frame.is_empty():
        frame = frame.group_by("bucket", maintain_order=True).agg(
            [pl.col(p).sum() for p in INTERACTION_PARTS if p in frame.columns]).sort("bucket")
    traces, layout = _stacked_bars_spec(frame, "bucket", [p for p in INTERACTION_PARTS if p in frame.columns], lang,
                                        title=t("content.chart_interactions", lang), colours=_PART_COLOURS, key=key)
    ticks = _axis_ticks([v for p in INTERACTION_PARTS if p in frame.columns for v in frame[p].to_list()],
                        "count", lang)
    return _figure(traces, _merge(layout, {"yaxis": ticks}, _title_over_legend()))


def content_type_bars(frame: pl.DataFrame, denominator: str, lang: str, key: str = "content_types") -> go.Figure:
    """Median and pooled engagement rate per content type (frame: content_mix rows); the number
    of posts is written under each type."""
    labels = [f"{t(f'content.type.{c}', lang)} ({fmt_number(n, lang)})"
              for c, n in zip(frame["content_type"].to_list(), frame["posts"].to_list(), strict=True)] \
        if not frame.is_empty() else []
    traces: Traces = []
    for column, name, colour in (("engagement_rate_median", t("content.rate_median", lang), "#2F6FEB"),
                                 ("engagement_rate_pooled", t("content.rate_pooled", lang), "#9EB9F3")):
        values = frame[column].to_list() if not frame.is_empty() else []
        traces.append(_hover_trace("bar", [fmt_percent(v, 2) for v in values], x=labels, y=values, name=name,
                                   marker={"color": colour}))
    label = t("content.types_title", lang, denominator=t(f"denominator.{denominator}", lang))
    return _figure(traces, _merge(_base_layout(key=key), {
        "barmode": "group", "title": {"text": label},
        "yaxis": {"tickformat": ".1%", "title": {"text": rate_label(denominator, lang)}, "rangemode": "tozero"},
    }, _title_over_legend()))


def engagement_heatmap_chart(frame: pl.DataFrame, denominator: str, tz: str, lang: str,
                             key: str = "content_heatmap") -> go.Figure:
    """Weekday (rows, Monday on top) x hour (columns) of the median per-post engagement rate;
    cells without posts stay empty. Frame: weekday, hour, posts, engagement_rate_median."""
    z: list[list[float | None]] = [[None] * 24 for _ in range(7)]
    hover: list[list[str]] = [[""] * 24 for _ in range(7)]
    weekdays = [t(f"weekday.{d}", lang) for d in range(7)]
    for row in frame.iter_rows(named=True) if not frame.is_empty() else []:
        day, hour = int(row["weekday"]), int(row["hour"])
        z[day][hour] = row["engagement_rate_median"]
        hover[day][hour] = t("content.heatmap_hover", lang, weekday=weekdays[day], hour=f"{hour:02d}",
                             rate=fmt_percent(row["engagement_rate_median"], 2), posts=row["posts"])
    heatmap = {"type": "heatmap", "z": z, "x": list(range(24)), "y": weekdays, "customdata": hover,
               "hovertemplate": "%{customdata}<extra></extra>",
               "colorscale": [[0, "#EAF1FF"], [0.5, "#6E9BF5"], [1, "#123EA8"]], "hoverongaps": False,
               "xgap": 2, "ygap": 2, "colorbar": {"tickformat": ".1%", "thickness": 12, "outlinewidth": 0}}
    return _figure([heatmap], _merge(_base_layout(height=320, key=key), {
        "title": {"text": t("content.heatmap_title", lang, denominator=t(f"denominator.{denominator}", lang))},
        "hovermode": "closest",
        "xaxis": {"title": {"text": t("content.hour_axis", lang, tz=tz)}, "tickmode": "array",
                  "tickvals": list(range(0, 24, 2)), "ticktext": [f"{h:02d}" for h in range(0, 24, 2)],
                  "range": [-0.5, 23.5]},
        "yaxis": {"autorange": "reversed", "gridcolor": "rgba(0,0,0,0)", "type": "category"},
    }))


def cadence_bars(frame: pl.DataFrame, lang: str, key: str = "content_cadence") -> go.Figure:
    """Posts per ISO week per platform (grouped bars) with the plan as a dash over each bar.
    Frame: iso_week, platform, posts, plan (null: no plan)."""
    traces: Traces = []
    parts = _split_by(frame, "platform")
    for platform, part in parts:
        posts = part["posts"].to_list()
        traces.append(_hover_trace(
            "bar", [format_value(v, "count", lang) for v in posts], x=part["iso_week"].to_list(), y=posts,
            name=t(f"platform.{platform}", lang), marker={"color": platform_colour(platform)},
            offsetgroup=platform, legendgroup=platform))
    plan_shown = False
    for platform, part in parts:  # after the bars, so 'Plan' comes last in the legend
        name = t(f"platform.{platform}", lang)
        plans = part["plan"].to_list()
        if any(p is not None for p in plans):
            traces.append(_hover_trace(
                "scatter", [f"{name}: {fmt_number(p, lang)}" for p in plans], x=part["iso_week"].to_list(), y=plans,
                mode="markers", offsetgroup=platform, name=t("content.plan", lang), legendgroup="plan",
                showlegend=not plan_shown,
                marker={"symbol": "line-ew-open", "size": 26, "color": _PLAN_COLOUR,
                        "line": {"width": 3, "color": _PLAN_COLOUR}}))
            plan_shown = True
    values = [v for c in ("posts", "plan") for v in (frame[c].to_list() if not frame.is_empty() else [])
              if v is not None]
    return _figure(traces, _merge(_base_layout(key=key), {
        "barmode": "group", "scattermode": "group", "title": {"text": t("content.cadence_title", lang)},
        "xaxis": {"type": "category"}, "yaxis": {**_axis_ticks(values, "count", lang), "rangemode": "tozero"},
    }, _title_over_legend()))


# -- channels ---------------------------------------------------------------------------------------

def share_comparison(labels: Sequence[str], cost_share: Sequence[float | None],
                     conversion_share: Sequence[float | None], lang: str, key: str = "channel_shares") -> go.Figure:
    """Share of the budget beside share of the conversions, one pair of bars per channel."""
    traces: Traces = []
    for values, name, colour in ((cost_share, t("channels.share_cost", lang), "#F76B15"),
                                 (conversion_share, t("channels.share_conversions", lang), "#12A594")):
        text = [fmt_percent(v, 0) for v in values]
        traces.append(_hover_trace("bar", text, y=list(labels), x=[v if v is not None else 0 for v in values],
                                   name=name, orientation="h", marker={"color": colour}, text=text,
                                   textposition="outside"))
    top = max([v for v in (*cost_share, *conversion_share) if v is not None] or [0])
    return _figure(traces, _merge(_base_layout(height=max(240, 64 * len(labels) + 90), key=key), {
        "barmode": "group", "hovermode": "y unified", "yaxis": {"autorange": "reversed"},
        "xaxis": {"tickformat": ".0%", "range": [0, max(top * 1.18, 0.05)]},  # room for the labels
    }))


def channel_trend_chart(frame: pl.DataFrame, y: str, unit: str, lang: str, names: dict[str, str],
                        key: str = "channel_trend") -> go.Figure:
    """One line per channel or group over time (frame: bucket, platform, y)."""
    traces, layout = _line_by_platform_spec(frame, "bucket", y, unit, lang, key=key, names=names)
    return _figure(traces, _merge(layout, _date_axis(lang)))


def cost_return_scatter(frame: pl.DataFrame, y: str, y_unit: str, lang: str, names: dict[str, str],
                        x_title: str, y_title: str, key: str = "campaign_scatter") -> go.Figure:
    """One point per campaign (frame: channel, label, spend, y, roas): spend across, return up, one
    colour per channel; against conversion value, the break-even diagonal (ROAS 1)."""
    traces: Traces = []
    data = frame.filter(pl.col("spend").is_not_null() & pl.col(y).is_not_null())
    for channel, part in _split_by(data, "channel"):
        traces.append({
            "type": "scatter", "x": part["spend"].to_list(), "y": part[y].to_list(), "mode": "markers",
            "name": names.get(channel, channel),
            "marker": {"color": platform_colour(channel), "size": 13, "opacity": 0.85,
                       "line": {"width": 1, "color": "white"}},
            "customdata": [[html.escape(r["label"]), format_value(r["spend"], "money", lang),
                            format_value(r[y], y_unit, lang), format_value(r["roas"], "multiple", lang)]
                           for r in part.iter_rows(named=True)],
            "hovertemplate": (f"<b>%{{customdata[0]}}</b><br>{html.escape(x_title)}: %{{customdata[1]}}<br>"
                              f"{html.escape(y_title)}: %{{customdata[2]}}<br>ROAS %{{customdata[3]}}"
                              "<extra>%{fullData.name}</extra>")})
    if y == "conversion_value" and not data.is_empty():
        top = max(data["spend"].max(), data[y].max())
        traces.append({"type": "scatter", "x": [0, top], "y": [0, top], "mode": "lines",
                       "name": t("channels.break_even", lang),
                       "line": {"color": "#8E8E93", "dash": "dash", "width": 1}, "hoverinfo": "skip"})
    return _figure(traces, _merge(_base_layout(height=420, key=key), {
        "hovermode": "closest",
        "xaxis": {"title": {"text": x_title}, "rangemode": "tozero",
                  **_axis_ticks(data["spend"].to_list() if not data.is_empty() else [], "money", lang)},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero",
                  **_axis_ticks(data[y].to_list() if not data.is_empty() else [], y_unit, lang)},
    }))


# -- lifecycle ------------------------------------------------------------------------------------

LIFECYCLE_COLOURS = {"new": "#30A46C", "retained": "#0090FF", "resurrected": "#8E4EC6", "dormant": "#F76B15",
                     "churned": "#E5484D"}
_COHORT_SCALE = [[0, "#F1F6FF"], [0.35, "#9EB9F3"], [1, "#123EA8"]]


def format_days(value: float | None, lang: str) -> str:
    """A duration given in days, in the unit that reads best: minutes, hours or days."""
    if value is None or not math.isfinite(value):
        return "—"
    if value < 1 / 24:
        return t("lifecycle.minutes", lang, value=f"{value * 1440:.0f}")
    if value < 1:
        return t("lifecycle.hours", lang, value=f"{value * 24:.1f}")
    return t("lifecycle.days", lang, value=f"{value:.1f}")


def lifecycle_flows_chart(frame: pl.DataFrame, lang: str, title: str = "", period: str = "week",
                          key: str = "lifecycle_flows") -> go.Figure:
    """Per period (metrics.lifecycle.flows): new, retained and resurrected stacked above zero, dormant
    below it, churned as a line below zero; a period not yet complete is drawn lighter."""
    parts = ("new", "retained", "resurrected", "dormant")
    shown = frame.rename({p: f"lifecycle_{p}" for p in parts})
    traces, layout = _stacked_bars_spec(shown, "period_start", [f"lifecycle_{p}" for p in parts], lang, title=title,
                                        colours=[LIFECYCLE_COLOURS[p] for p in parts], key=key)
    complete = frame["complete"].to_list() if not frame.is_empty() else []
    for trace in traces:
        trace["marker"]["opacity"] = [1.0 if c else 0.45 for c in complete]
    starts = frame["period_start"].to_list() if not frame.is_empty() else []
    churned = frame["churned"].to_list() if not frame.is_empty() else []
    traces.append(_hover_trace(
        "scatter", [format_value(v, "count", lang) for v in churned], x=starts, y=[-v for v in churned],
        name=t("field.lifecycle_churned", lang), mode="lines+markers",
        line={"color": LIFECYCLE_COLOURS["churned"], "width": 2, "dash": "dot"}, marker={"size": 6}))
    active = frame["active"].to_list() if not frame.is_empty() else []
    traces.append(_hover_trace(
        "scatter", [format_value(v, "count", lang) for v in active], x=starts, y=active, mode="markers",
        name=t("lifecycle.flow.active", lang),
        marker={"symbol": "line-ew-open", "size": 18, "color": "#1C2024",
                "line": {"width": 2, "color": "#1C2024"}}))
    values = [v for p in parts for v in (frame[p].to_list() if not frame.is_empty() else [])]
    values += [-v for v in churned] + active
    _merge(layout, {"yaxis": _axis_ticks(values, "count", lang)}, _date_axis(lang))
    if period == "month":  # one tick per bar, named by its month
        _merge(layout, {"xaxis": {"dtick": "M1", "tickformat": "%Y年%-m月" if lang == "zh" else "%b %Y"}})
    return _figure(traces, _merge(layout, _title_over_legend()))


def active_users_chart(frame: pl.DataFrame, lang: str, title: str = "", key: str = "lifecycle_active") -> go.Figure:
    """DAU, WAU and MAU per day (metrics.lifecycle.active_users)."""
    traces: Traces = []
    days = frame["day"].to_list() if not frame.is_empty() else []
    for column, colour, label in (("mau", "#9EB9F3", "lifecycle.mau"), ("wau", "#2F6FEB", "lifecycle.wau"),
                                  ("dau", "#123EA8", "lifecycle.dau")):
        values = frame[column].to_list() if not frame.is_empty() else []
        traces.append(_hover_trace(
            "scatter", [format_value(v, "count", lang) for v in values], x=days, y=values, name=t(label, lang),
            mode="lines", line={"color": colour, "width": 2.5 if column == "dau" else 2}))
    values = [v for c in ("dau", "wau", "mau") for v in (frame[c].to_list() if not frame.is_empty() else [])]
    ticks = _axis_ticks(values, "count", lang)
    return _figure(traces, _merge(_base_layout(height=320, key=key), {
        "title": {"text": title}, "yaxis": {"rangemode": "tozero", **ticks},
    }, _date_axis(lang), _title_over_legend()))


def funnel_chart(frame: pl.DataFrame, lang: str, title: str = "", key: str = "lifecycle_funnel") -> go.Figure:
    """The funnel (metrics.lifecycle.funnel, overall): users per step, the step rate written on each
    bar, the median time from the previous step in the hover."""
    steps = frame.to_dicts() if not frame.is_empty() else []
    labels = [t(f"lifecycle.step.{s['step']}", lang) for s in steps]
    text = [t("lifecycle.funnel_text", lang, users=fmt_number(s["users"], lang),
              rate=fmt_percent(s["rate_from_previous"], 1)) for s in steps]
    hover = [t("lifecycle.funnel_hover", lang, step=label, users=fmt_number(s["users"], lang),
               rate=fmt_percent(s["rate_from_previous"], 1), overall=fmt_percent(s["rate_from_start"], 1),
               median=format_days(s["median_days_from_previous"], lang))
             for s, label in zip(steps, labels, strict=True)]
    funnel = {"type": "funnel", "y": labels, "x": [s["users"] for s in steps], "text": text, "textinfo": "text",
              "textposition": "inside", "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
              "marker": {"color": ["#123EA8", "#2F6FEB", "#6E9BF5", "#30A46C"][: len(steps)]},
              "connector": {"line": {"color": "rgba(128,128,128,0.4)", "width": 1}}}
    return _figure([funnel], _merge(_base_layout(height=320, key=key), {
        "title": {"text": title}, "hovermode": "closest", "showlegend": False,
    }, _title_over_legend()))


def cohort_heatmap(frame: pl.DataFrame, value: str, unit: str, period: str, lang: str, title: str = "",
                   key: str = "lifecycle_cohorts") -> go.Figure:
    """Cohorts (rows, the weighted average on top) x age (columns) of one value column of
    metrics.lifecycle.cohort_retention / cohort_revenue; cells not yet observed stay empty."""
    rows = frame.filter(~pl.col("is_average")) if not frame.is_empty() else frame
    cohorts = rows["cohort"].unique(maintain_order=True).sort().to_list() if not rows.is_empty() else []
    ages = sorted(set(frame["age"].to_list())) if not frame.is_empty() else []
    average = t("lifecycle.average_row", lang)
    sizes = {r["cohort"]: r["cohort_size"] for r in rows.iter_rows(named=True) if r["age"] == 0}
    labels = [average] + [t("lifecycle.cohort_label", lang, cohort=c.isoformat(), size=fmt_number(sizes.get(c), lang))
                          for c in cohorts]
    index = {None: 0, **{c: i + 1 for i, c in enumerate(cohorts)}}
    z: list[list[float | None]] = [[None] * len(ages) for _ in labels]
    text: list[list[str]] = [[""] * len(ages) for _ in labels]
    hover: list[list[str]] = [[""] * len(ages) for _ in labels]
    age_names = [t(f"lifecycle.age.{period}", lang, n=a) for a in ages]
    for r in frame.iter_rows(named=True) if not frame.is_empty() else []:
        i, j = index[None if r["is_average"] else r["cohort"]], ages.index(r["age"])
        z[i][j] = r[value]
        shown = fmt_percent(r[value], 1) if unit == "rate" else format_value(r[value], unit, lang)
        text[i][j] = shown if r[value] is not None else ""
        if unit == "rate" and "users" in r:
            hover[i][j] = t("lifecycle.heatmap_hover", lang, cohort=labels[i], age=age_names[j], value=shown,
                            users=fmt_number(r["users"], lang), size=fmt_number(r["cohort_size"], lang))
        else:
            hover[i][j] = t("lifecycle.heatmap_hover_money", lang, cohort=labels[i], age=age_names[j], value=shown)
    heatmap = {"type": "heatmap", "z": z, "x": age_names, "y": labels, "text": text, "texttemplate": "%{text}",
               "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>", "colorscale": _COHORT_SCALE,
               "hoverongaps": False, "xgap": 2, "ygap": 2, "zmin": 0,
               "colorbar": {"thickness": 12, "outlinewidth": 0}}
    if unit == "rate":
        heatmap["zmax"] = 1
        heatmap["colorbar"]["tickformat"] = ".0%"
    return _figure([heatmap], _merge(_base_layout(height=max(260, 90 + 28 * len(labels)), key=key), {
        "title": {"text": title}, "hovermode": "closest",
        "xaxis": {"side": "top", "type": "category", "title": {"text": t(f"lifecycle.age_axis.{period}", lang)}},
        "yaxis": {"autorange": "reversed", "type": "category", "gridcolor": "rgba(0,0,0,0)"},
    }))


# -- weekly review ----------------------------------------------------------------------------------

def week_over_week(frame: pl.DataFrame, column: str, unit: str, lang: str, title: str = "",
                   key: str = "review_week") -> go.Figure:
    """One metric day by day, last week's bar beside this week's for each weekday (frame:
    review.daily_comparison: weekday 0-6, `column` this week, `column`_last last week)."""
    days = [t(f"weekday.{d}", lang) for d in frame["weekday"].to_list()] if not frame.is_empty() else []
    traces: Traces = []
    shown: list[float | None] = []
    for name, source, colour in ((t("review.last_week", lang), f"{column}_last", "#9EB9F3"),
                                 (t("review.this_week", lang), column, "#2F6FEB")):
        values = frame[source].to_list() if source in frame.columns else []
        shown += values
        traces.append(_hover_trace("bar", [format_value(v, unit, lang) for v in values], x=days, y=values,
                                   name=name, marker={"color": colour}))
    return _figure(traces, _merge(_base_layout(height=300, key=key), {
        "barmode": "group", "title": {"text": title}, "xaxis": {"type": "category"},
        "yaxis": {"rangemode": "tozero", **_axis_ticks(shown, unit, lang)},
    }, _title_over_legend()))
