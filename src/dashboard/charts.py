"""Pure chart builders: Polars frames in, Plotly figures out. No streamlit here.

Every platform keeps one colour on every page; numbers follow the language (万/亿 in Chinese);
figures use transparent backgrounds so they read in light and dark themes; `uirevision` keeps the
user's zoom across reruns.
"""

from __future__ import annotations

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
                     target: float | None = None, key: str = "line") -> go.Figure:
    """One line per platform (frame columns: x, 'platform', y)."""
    fig = go.Figure()
    for platform in frame["platform"].unique(maintain_order=True).to_list() if not frame.is_empty() else []:
        part = frame.filter(pl.col("platform") == platform)
        values = part[y].to_list()
        fig.add_trace(go.Scatter(
            x=part[x].to_list(), y=values, name=t(f"platform.{platform}", lang), mode="lines+markers",
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
        if any(estimated) and len(values) <= 120:
            fig.add_trace(go.Scatter(
                x=[d for d, e in zip(dates, estimated, strict=True) if e],
                y=[v for v, e in zip(values, estimated, strict=True) if e],
                name=name, legendgroup=name, showlegend=False, mode="markers", hoverinfo="skip",
                marker=dict(symbol="circle-open", size=7, color=colour, line=dict(width=1.5))))
    if any_estimated:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=t("growth.legend_estimated", lang),
                                 line=dict(color="#8E8E93", width=1.5, dash="dot"), hoverinfo="skip"))
    fig.update_layout(title=title)
    fig.update_yaxes(**_span_ticks(frame["followers"].to_list() if not frame.is_empty() else [], "count", lang))
    return base_layout(fig, lang, key=key)


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
    return fig


def growth_rate_by_platform(frame: pl.DataFrame, lang: str, title: str = "", target: float | None = None,
                            key: str = "growth_rate") -> go.Figure:
    """Growth rate (net ÷ followers at the start) per bucket, one line per platform
    (growth.growth_table); buckets without a known start are gaps."""
    return line_by_platform(frame, "bucket", "growth_rate", "rate", lang, title=title, target=target, key=key)


# -- content & engagement -------------------------------------------------------------------------

INTERACTION_PARTS = ("likes", "comments", "shares", "saves")
_PART_COLOURS = ("#E5484D", "#0090FF", "#30A46C", "#F76B15")
_PLAN_COLOUR = "#1C2024"


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
    fig.update_yaxes(title_text=label, rangemode="tozero")
    return fig


def interactions_stacked(frame: pl.DataFrame, lang: str, key: str = "content_parts") -> go.Figure:
    """Likes, comments, shares and saves per time bucket, stacked (summed over platforms)."""
    if "platform" in frame.columns and not frame.is_empty():
        frame = frame.group_by("bucket", maintain_order=True).agg(
            [pl.col(p).sum() for p in INTERACTION_PARTS if p in frame.columns]).sort("bucket")
    fig = stacked_bars(frame, "bucket", [p for p in INTERACTION_PARTS if p in frame.columns], lang,
                       title=t("content.chart_interactions", lang), colours=_PART_COLOURS, key=key)
    fig.update_yaxes(**_axis_ticks([v for p in INTERACTION_PARTS if p in frame.columns
                                    for v in frame[p].to_list()], "count", lang))
    return fig


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
    return base_layout(fig, lang, key=key)


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
    plan_shown = False
    for platform in platforms:
        part = frame.filter(pl.col("platform") == platform)
        name = t(f"platform.{platform}", lang)
        posts = part["posts"].to_list()
        fig.add_trace(go.Bar(
            x=part["iso_week"].to_list(), y=posts, name=name, marker_color=platform_colour(platform),
            offsetgroup=platform, legendgroup=platform,
            customdata=[format_value(v, "count", lang) for v in posts],
            hovertemplate="%{customdata}<extra>%{fullData.name}</extra>"))
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
    return base_layout(fig, lang, key=key)
