"""Pure chart builders: Polars frames in, Plotly figures out. No streamlit here.

Every platform keeps one colour on every page; numbers follow the language (万/亿 in Chinese);
figures use transparent backgrounds so they read in light and dark themes; `uirevision` keeps the
user's zoom across reruns.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

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


def base_layout(fig: go.Figure, lang: str, height: int = 360, key: str = "chart") -> go.Figure:
    fig.update_layout(
        height=height, margin=dict(l=8, r=8, t=36, b=8), font=dict(family=FONT),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", hovermode="x unified",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0), uirevision=key,
        separators=".," if lang == "en" else ".,",
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="rgba(128,128,128,0.2)", zerolinecolor="rgba(128,128,128,0.4)")
    return fig


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


def line_by_platform(frame: pl.DataFrame, x: str, y: str, unit: str, lang: str, title: str = "",
                     target: float | None = None, key: str = "line", names: dict[str, str] | None = None) -> go.Figure:
    """One line per platform (frame columns: x, 'platform', y); `names` overrides the platform names
    (channel groups)."""
    fig = go.Figure()
    for platform in frame["platform"].unique(maintain_order=True).to_list() if not frame.is_empty() else []:
        part = frame.filter(pl.col("platform") == platform)
        values = part[y].to_list()
        fig.add_trace(go.Scatter(
            x=part[x].to_list(), y=values, name=(names or {}).get(platform) or t(f"platform.{platform}", lang),
            mode="lines+markers",
            line=dict(color=platform_colour(platform), width=2), marker=dict(size=4),
            customdata=[format_value(v, unit, lang) for v in values],
            hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    if target is not None:
        add_target_line(fig, target, unit, lang)
    fig.update_layout(title=title)
    fig.update_yaxes(**_axis_ticks(frame[y].to_list() if not frame.is_empty() else [], unit, lang))
    return base_layout(fig, lang, key=key)


def add_target_line(fig: go.Figure, target: float, unit: str, lang: str) -> go.Figure:
    fig.add_hline(y=target, line=dict(color="#E5484D", dash="dash", width=1.5),
                  annotation_text=f"{t('chart.target', lang)} {format_value(target, unit, lang)}",
                  annotation_position="top left")
    return fig


def add_target_band(fig: go.Figure, low: float, high: float) -> go.Figure:
    """The floor-to-stretch range of a target, shaded behind the data."""
    fig.add_hrect(y0=low, y1=high, fillcolor="#E5484D", opacity=0.08, line_width=0, layer="below")
    return fig


def stacked_bars(frame: pl.DataFrame, x: str, parts: Sequence[str], lang: str, title: str = "",
                 colours: Sequence[str] | None = None, key: str = "bars") -> go.Figure:
    """Stacked bars of several count columns (negative parts are drawn below zero)."""
    fig = go.Figure()
    palette = list(colours or _FALLBACK)
    for index, part in enumerate(parts):
        values = frame[part].to_list() if part in frame.columns else []
        fig.add_trace(go.Bar(x=frame[x].to_list(), y=values, name=t(f"field.{part}", lang),
                             marker_color=palette[index % len(palette)],
                             customdata=[format_value(v, "count", lang) for v in values],
                             hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="relative", title=title)
    return base_layout(fig, lang, key=key)


def sparkline(values: Sequence[float | None], colour: str = "#2F6FEB") -> go.Figure:
    fig = go.Figure(go.Scatter(y=list(values), mode="lines", line=dict(color=colour, width=2),
                               fill="tozeroy", fillcolor="rgba(47,111,235,0.08)", hoverinfo="skip"))
    fig.update_layout(height=48, margin=dict(l=0, r=0, t=0, b=0), showlegend=False,
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


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


def _titled(fig: go.Figure, title: str) -> go.Figure:
    """The title in its own band above the legend (Plotly draws both top left otherwise)."""
    if title:
        fig.update_layout(title=dict(text=title, x=0, xanchor="left", xref="paper", y=0.985, yanchor="top",
                                     font=dict(size=15)), margin=dict(t=76))
    return fig


def _date_axis(fig: go.Figure, lang: str) -> go.Figure:
    """Dates on the x axis written the way the language writes them (11月2日 in Chinese)."""
    if lang == "zh":
        fig.update_xaxes(tickformat="%-m月%-d日\n%Y", hoverformat="%Y年%-m月%-d日")
    return fig


def _series_name(platform: str, account: str, single_account: bool, lang: str) -> str:
    name = t(f"platform.{platform}", lang)
    return name if single_account else f"{name} · {account}"


def followers_over_time(frame: pl.DataFrame, lang: str, title: str = "", key: str = "followers") -> go.Figure:
    """One line per platform and account (frame: growth.follower_series rows with columns platform,
    account, date, followers, followers_source). Reported days are drawn solid; derived and carried
    days dashed (with hollow markers on short series), and every hover says how the value was
    obtained."""
    fig = go.Figure()
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
        fig.add_trace(go.Scatter(
            x=dates, y=values, name=name, legendgroup=name, showlegend=False, mode="lines",
            line=dict(color=colour, width=1.5, dash="dot"), customdata=labels,
            hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
        # reported days drawn solid on top (gaps where a value is derived or carried)
        solid = [v if not e else None for v, e in zip(values, estimated, strict=True)]
        fig.add_trace(go.Scatter(
            x=dates, y=solid, name=name, legendgroup=name, mode="lines", connectgaps=False,
            line=dict(color=colour, width=2.5), hoverinfo="skip"))
        if any(estimated) and not all(estimated) and len(values) <= 120:
            fig.add_trace(go.Scatter(
                x=[d for d, e in zip(dates, estimated, strict=True) if e],
                y=[v for v, e in zip(values, estimated, strict=True) if e],
                name=name, legendgroup=name, showlegend=False, mode="markers", hoverinfo="skip",
                marker=dict(symbol="circle-open", size=7, color=colour, line=dict(width=1.5))))
    if any_estimated:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=t("growth.legend_estimated", lang),
                                 line=dict(color="#8E8E93", width=1.5, dash="dot"), hoverinfo="skip"))
    fig.update_yaxes(**_span_ticks(frame["followers"].to_list() if not frame.is_empty() else [], "count", lang))
    return _date_axis(_titled(base_layout(fig, lang, key=key), title), lang)


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
    fig = stacked_bars(totals, "bucket", ["followers_gained", "followers_lost"], lang, title=title,
                       colours=["#30A46C", "#E5484D"], key=key)
    net = totals["followers_net"].to_list()
    fig.add_trace(go.Scatter(
        x=totals["bucket"].to_list(), y=net, name=t("field.followers_net", lang), mode="lines+markers",
        line=dict(color="#6E56CF", width=2.5), marker=dict(size=6),
        customdata=[format_value(v, "count", lang) for v in net],
        hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    values = [*totals["followers_gained"].to_list(), *totals["followers_lost"].to_list(), *net]
    fig.update_yaxes(**_axis_ticks([v for v in values if v is not None], "count", lang))
    return _date_axis(_titled(fig, title), lang)


def growth_rate_by_platform(frame: pl.DataFrame, lang: str, title: str = "", target: float | None = None,
                            key: str = "growth_rate") -> go.Figure:
    """Growth rate (net ÷ followers at the start) per bucket, one line per platform that has one
    (growth.growth_table); buckets without a known start are gaps."""
    if not frame.is_empty():
        known = frame.group_by("platform").agg(pl.col("growth_rate").is_not_null().any().alias("_known"))
        frame = frame.join(known, on="platform").filter(pl.col("_known")).drop("_known")
    fig = line_by_platform(frame, "bucket", "growth_rate", "rate", lang, title=title, target=target, key=key)
    return _date_axis(_titled(fig, title), lang)


# -- content & engagement -------------------------------------------------------------------------

INTERACTION_PARTS = ("likes", "comments", "shares", "saves")
_PART_COLOURS = ("#E5484D", "#0090FF", "#30A46C", "#F76B15")
_PLAN_COLOUR = "#1C2024"


def _title_over_legend(fig: go.Figure) -> go.Figure:
    """Room for the title above a one-row legend (base_layout puts both at the top edge)."""
    fig.update_layout(margin=dict(t=76), title=dict(x=0, xanchor="left", y=0.985, yref="container", yanchor="top"),
                      legend=dict(y=1.0, yanchor="bottom"))
    return fig


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
    fig = line_by_platform(frame, "bucket", "engagement_rate", "rate", lang, title=label, key=key)
    # a day without posts has no rate: the line joins the days that have one (markers show them)
    fig.update_traces(connectgaps=True)
    fig.update_layout(showlegend=True)
    fig.update_yaxes(title_text=label, rangemode="tozero")
    return _title_over_legend(fig)


def interactions_stacked(frame: pl.DataFrame, lang: str, key: str = "content_parts") -> go.Figure:
    """Likes, comments, shares and saves per time bucket, stacked (summed over platforms)."""
    if "platform" in frame.columns and not frame.is_empty():
        frame = frame.group_by("bucket", maintain_order=True).agg(
            [pl.col(p).sum() for p in INTERACTION_PARTS if p in frame.columns]).sort("bucket")
    fig = stacked_bars(frame, "bucket", [p for p in INTERACTION_PARTS if p in frame.columns], lang,
                       title=t("content.chart_interactions", lang), colours=_PART_COLOURS, key=key)
    fig.update_yaxes(**_axis_ticks([v for p in INTERACTION_PARTS if p in frame.columns
                                    for v in frame[p].to_list()], "count", lang))
    return _title_over_legend(fig)


def content_type_bars(frame: pl.DataFrame, denominator: str, lang: str, key: str = "content_types") -> go.Figure:
    """Median and pooled engagement rate per content type (frame: content_mix rows); the number
    of posts is written under each type."""
    labels = [f"{t(f'content.type.{c}', lang)} ({fmt_number(n, lang)})"
              for c, n in zip(frame["content_type"].to_list(), frame["posts"].to_list(), strict=True)] \
        if not frame.is_empty() else []
    fig = go.Figure()
    for column, name, colour in (("engagement_rate_median", t("content.rate_median", lang), "#2F6FEB"),
                                 ("engagement_rate_pooled", t("content.rate_pooled", lang), "#9EB9F3")):
        values = frame[column].to_list() if not frame.is_empty() else []
        fig.add_trace(go.Bar(x=labels, y=values, name=name, marker_color=colour,
                             customdata=[fmt_percent(v, 2) for v in values],
                             hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    label = t("content.types_title", lang, denominator=t(f"denominator.{denominator}", lang))
    fig.update_layout(barmode="group", title=label)
    fig.update_yaxes(tickformat=".1%", title_text=rate_label(denominator, lang), rangemode="tozero")
    return _title_over_legend(base_layout(fig, lang, key=key))


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
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(24)), y=weekdays, customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        colorscale=[[0, "#EAF1FF"], [0.5, "#6E9BF5"], [1, "#123EA8"]], hoverongaps=False, xgap=2, ygap=2,
        colorbar=dict(tickformat=".1%", thickness=12, outlinewidth=0)))
    fig.update_layout(title=t("content.heatmap_title", lang, denominator=t(f"denominator.{denominator}", lang)),
                      hovermode="closest")
    base_layout(fig, lang, height=320, key=key)
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(title_text=t("content.hour_axis", lang, tz=tz), tickmode="array", tickvals=list(range(0, 24, 2)),
                     ticktext=[f"{h:02d}" for h in range(0, 24, 2)], range=[-0.5, 23.5])
    fig.update_yaxes(autorange="reversed", gridcolor="rgba(0,0,0,0)", type="category")
    return fig


def cadence_bars(frame: pl.DataFrame, lang: str, key: str = "content_cadence") -> go.Figure:
    """Posts per ISO week per platform (grouped bars) with the plan as a dash over each bar.
    Frame: iso_week, platform, posts, plan (null: no plan)."""
    fig = go.Figure()
    platforms = frame["platform"].unique(maintain_order=True).to_list() if not frame.is_empty() else []
    for platform in platforms:
        part = frame.filter(pl.col("platform") == platform)
        posts = part["posts"].to_list()
        fig.add_trace(go.Bar(
            x=part["iso_week"].to_list(), y=posts, name=t(f"platform.{platform}", lang),
            marker_color=platform_colour(platform), offsetgroup=platform, legendgroup=platform,
            customdata=[format_value(v, "count", lang) for v in posts],
            hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    plan_shown = False
    for platform in platforms:  # after the bars, so 'Plan' comes last in the legend
        part = frame.filter(pl.col("platform") == platform)
        name = t(f"platform.{platform}", lang)
        plans = part["plan"].to_list()
        if any(p is not None for p in plans):
            fig.add_trace(go.Scatter(
                x=part["iso_week"].to_list(), y=plans, mode="markers", offsetgroup=platform,
                name=t("content.plan", lang), legendgroup="plan", showlegend=not plan_shown,
                marker=dict(symbol="line-ew-open", size=26, color=_PLAN_COLOUR, line=dict(width=3, color=_PLAN_COLOUR)),
                customdata=[f"{name}: {fmt_number(p, lang)}" for p in plans],
                hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
            plan_shown = True
    fig.update_layout(barmode="group", scattermode="group", title=t("content.cadence_title", lang))
    fig.update_xaxes(type="category")
    values = [v for c in ("posts", "plan") for v in (frame[c].to_list() if not frame.is_empty() else [])
              if v is not None]
    fig.update_yaxes(**_axis_ticks(values, "count", lang), rangemode="tozero")
    return _title_over_legend(base_layout(fig, lang, key=key))


# -- channels ---------------------------------------------------------------------------------------

def share_comparison(labels: Sequence[str], cost_share: Sequence[float | None],
                     conversion_share: Sequence[float | None], lang: str, key: str = "channel_shares") -> go.Figure:
    """Share of the budget beside share of the conversions, one pair of bars per channel."""
    fig = go.Figure()
    for values, name, colour in ((cost_share, t("channels.share_cost", lang), "#F76B15"),
                                 (conversion_share, t("channels.share_conversions", lang), "#12A594")):
        text = [fmt_percent(v, 0) for v in values]
        fig.add_trace(go.Bar(y=list(labels), x=[v if v is not None else 0 for v in values], name=name,
                             orientation="h", marker_color=colour, text=text, textposition="outside",
                             customdata=text, hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="group", yaxis=dict(autorange="reversed"))
    top = max([v for v in (*cost_share, *conversion_share) if v is not None] or [0])
    fig.update_xaxes(tickformat=".0%", range=[0, max(top * 1.18, 0.05)])  # room for the labels
    base_layout(fig, lang, height=max(240, 64 * len(labels) + 90), key=key)
    return fig.update_layout(hovermode="y unified")


def channel_trend_chart(frame: pl.DataFrame, y: str, unit: str, lang: str, names: dict[str, str],
                        key: str = "channel_trend") -> go.Figure:
    """One line per channel or group over time (frame: bucket, platform, y)."""
    return _date_axis(line_by_platform(frame, "bucket", y, unit, lang, key=key, names=names), lang)


def cost_return_scatter(frame: pl.DataFrame, y: str, y_unit: str, lang: str, names: dict[str, str],
                        x_title: str, y_title: str, key: str = "campaign_scatter") -> go.Figure:
    """One point per campaign (frame: channel, label, spend, y, roas): spend across, return up, one
    colour per channel; against conversion value, the break-even diagonal (ROAS 1)."""
    fig = go.Figure()
    data = frame.filter(pl.col("spend").is_not_null() & pl.col(y).is_not_null())
    for channel in data["channel"].unique(maintain_order=True).to_list():
        part = data.filter(pl.col("channel") == channel)
        fig.add_trace(go.Scatter(
            x=part["spend"].to_list(), y=part[y].to_list(), mode="markers", name=names.get(channel, channel),
            marker=dict(color=platform_colour(channel), size=13, opacity=0.85, line=dict(width=1, color="white")),
            customdata=[[html.escape(r["label"]), format_value(r["spend"], "money", lang),
                         format_value(r[y], y_unit, lang), format_value(r["roas"], "multiple", lang)]
                        for r in part.iter_rows(named=True)],
            hovertemplate=(f"<b>%{{customdata[0]}}</b><br>{html.escape(x_title)}: %{{customdata[1]}}<br>"
                           f"{html.escape(y_title)}: %{{customdata[2]}}<br>ROAS %{{customdata[3]}}"
                           "<extra>%{fullData.name}</extra>")))
    if y == "conversion_value" and not data.is_empty():
        top = max(data["spend"].max(), data[y].max())
        fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", name=t("channels.break_even", lang),
                                 line=dict(color="#8E8E93", dash="dash", width=1), hoverinfo="skip"))
    fig.update_xaxes(title=x_title, rangemode="tozero",
                     **_axis_ticks(data["spend"].to_list() if not data.is_empty() else [], "money", lang))
    fig.update_yaxes(title=y_title, rangemode="tozero",
                     **_axis_ticks(data[y].to_list() if not data.is_empty() else [], y_unit, lang))
    base_layout(fig, lang, height=420, key=key)
    return fig.update_layout(hovermode="closest")


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
    fig = stacked_bars(shown, "period_start", [f"lifecycle_{p}" for p in parts], lang, title=title,
                       colours=[LIFECYCLE_COLOURS[p] for p in parts], key=key)
    complete = frame["complete"].to_list() if not frame.is_empty() else []
    fig.update_traces(marker_opacity=[1.0 if c else 0.45 for c in complete])
    churned = frame["churned"].to_list() if not frame.is_empty() else []
    fig.add_trace(go.Scatter(
        x=frame["period_start"].to_list() if not frame.is_empty() else [], y=[-v for v in churned],
        name=t("field.lifecycle_churned", lang), mode="lines+markers",
        line=dict(color=LIFECYCLE_COLOURS["churned"], width=2, dash="dot"), marker=dict(size=6),
        customdata=[format_value(v, "count", lang) for v in churned],
        hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    active = frame["active"].to_list() if not frame.is_empty() else []
    fig.add_trace(go.Scatter(
        x=frame["period_start"].to_list() if not frame.is_empty() else [], y=active, mode="markers",
        name=t("lifecycle.flow.active", lang), marker=dict(symbol="line-ew-open", size=18, color="#1C2024",
                                                          line=dict(width=2, color="#1C2024")),
        customdata=[format_value(v, "count", lang) for v in active],
        hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    values = [v for p in parts for v in (frame[p].to_list() if not frame.is_empty() else [])]
    values += [-v for v in churned] + active
    fig.update_yaxes(**_axis_ticks(values, "count", lang))
    _date_axis(fig, lang)
    if period == "month":  # one tick per bar, named by its month
        fig.update_xaxes(dtick="M1", tickformat="%Y年%-m月" if lang == "zh" else "%b %Y")
    return _title_over_legend(fig)


def active_users_chart(frame: pl.DataFrame, lang: str, title: str = "", key: str = "lifecycle_active") -> go.Figure:
    """DAU, WAU and MAU per day (metrics.lifecycle.active_users)."""
    fig = go.Figure()
    for column, colour, label in (("mau", "#9EB9F3", "lifecycle.mau"), ("wau", "#2F6FEB", "lifecycle.wau"),
                                  ("dau", "#123EA8", "lifecycle.dau")):
        values = frame[column].to_list() if not frame.is_empty() else []
        fig.add_trace(go.Scatter(
            x=frame["day"].to_list() if not frame.is_empty() else [], y=values, name=t(label, lang),
            mode="lines", line=dict(color=colour, width=2.5 if column == "dau" else 2),
            customdata=[format_value(v, "count", lang) for v in values],
            hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    fig.update_layout(title=title)
    fig.update_yaxes(rangemode="tozero", **_axis_ticks(
        [v for c in ("dau", "wau", "mau") for v in (frame[c].to_list() if not frame.is_empty() else [])],
        "count", lang))
    return _title_over_legend(_date_axis(base_layout(fig, lang, height=320, key=key), lang))


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
    fig = go.Figure(go.Funnel(
        y=labels, x=[s["users"] for s in steps], text=text, textinfo="text", textposition="inside",
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        marker=dict(color=["#123EA8", "#2F6FEB", "#6E9BF5", "#30A46C"][: len(steps)]),
        connector=dict(line=dict(color="rgba(128,128,128,0.4)", width=1))))
    fig.update_layout(title=title)
    base_layout(fig, lang, height=320, key=key)
    return _title_over_legend(fig.update_layout(hovermode="closest", showlegend=False))


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
    fig = go.Figure(go.Heatmap(
        z=z, x=age_names, y=labels, text=text, texttemplate="%{text}", customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", colorscale=_COHORT_SCALE, hoverongaps=False,
        xgap=2, ygap=2, zmin=0, zmax=1 if unit == "rate" else None,
        colorbar=dict(tickformat=".0%" if unit == "rate" else None, thickness=12, outlinewidth=0)))
    fig.update_layout(title=title)
    base_layout(fig, lang, height=max(260, 90 + 28 * len(labels)), key=key)
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(side="top", type="category", title_text=t(f"lifecycle.age_axis.{period}", lang))
    fig.update_yaxes(autorange="reversed", type="category", gridcolor="rgba(0,0,0,0)")
    return fig


# -- weekly review ----------------------------------------------------------------------------------

def week_over_week(frame: pl.DataFrame, column: str, unit: str, lang: str, title: str = "",
                   key: str = "review_week") -> go.Figure:
    """One metric day by day, last week's bar beside this week's for each weekday (frame:
    review.daily_comparison: weekday 0-6, `column` this week, `column`_last last week)."""
    days = [t(f"weekday.{d}", lang) for d in frame["weekday"].to_list()] if not frame.is_empty() else []
    fig = go.Figure()
    shown: list[float | None] = []
    for name, source, colour in ((t("review.last_week", lang), f"{column}_last", "#9EB9F3"),
                                 (t("review.this_week", lang), column, "#2F6FEB")):
        values = frame[source].to_list() if source in frame.columns else []
        shown += values
        fig.add_trace(go.Bar(x=days, y=values, name=name, marker_color=colour,
                             customdata=[format_value(v, unit, lang) for v in values],
                             hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="group", title=title)
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero", **_axis_ticks(shown, unit, lang))
    return _title_over_legend(base_layout(fig, lang, height=300, key=key))
