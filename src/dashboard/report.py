"""The weekly review as a report (DESIGN.md section 6): one self-contained HTML file, a PDF printed
from it by headless Chromium, and the KPI table as CSV. No streamlit here; the Weekly review page
and `python -m dashboard report` write the same files.

- HTML: inline CSS; charts are Plotly figures of charts.py drawn by plotly.js inlined from the
  installed plotly package (no CDN, no external reference: the file opens offline). Every text
  from the data or the team (post titles, channel names, notes, action items) goes through
  html.escape; chart data is JSON with < > & escaped, so no text can close the script it sits in;
  a post link is kept only when it is an http(s) URL.
- PDF: the HTML printed by Chromium (`chromium --headless --print-to-pdf`) in a subprocess with a
  timeout; `chromium_path()` finds it (env DASHBOARD_CHROMIUM, else chromium / chromium-browser /
  google-chrome on PATH, else /usr/bin/chromium). Without it: ReportError('no_chromium').
- CSV: the KPI table with raw numbers (rates as fractions), text cells neutralised by export.py.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import format_value, lifecycle_flows_chart, week_over_week
from dashboard.export import csv_bytes
from dashboard.i18n import fmt_percent, has, t
from dashboard.metrics.registry import DENOMINATOR_DEPENDENT
from dashboard.review import DAILY_KEYS, KpiRow, Review

STATUS_COLOURS = {"ahead": "#1f7a4d", "on_track": "#1d5fbf", "behind": "#b35900"}
CHART_WIDTH = 680  # px: fits an A4 page with 12 mm margins, and the report column on screen
PDF_TIMEOUT = 120.0
TITLE_CHARS = 90
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ReportError(Exception):
    """A report that could not be made; code is an i18n key suffix (review.error.<code>)."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


# -- texts shared by the page, the HTML and the CSV -------------------------------------------------

def value_text(value: float | None, unit: str | None, lang: str) -> str:
    """A value in its metric's unit: 5.00%, 1.2万, '30 min' for minutes, '—' when unknown."""
    if unit == "minutes":
        if value is None:
            return "—"
        return t("targets.minutes", lang, value=f"{value:,.0f}" if value >= 10 else f"{value:.1f}")
    return format_value(value, unit or "count", lang)


def change_text(row: KpiRow, lang: str) -> str:
    """+12.3% (relative); for rates the difference in percentage points."""
    if row.unit == "rate" and row.change_points is not None:
        return t("kpi.points", lang, value=f"{row.change_points * 100:+.2f}")
    if row.change is None:
        return "—"
    return f"{row.change * 100:+.1f}%"


def channel_name(channel: str | None, lang: str) -> str:
    """A channel or platform key by its name; a channel the catalogue does not know as typed."""
    if not channel:
        return ""
    return t(f"platform.{channel}", lang) if has(f"platform.{channel}") else str(channel)


def scope_text(row: KpiRow, lang: str) -> str:
    if row.platform:
        return channel_name(row.platform, lang)
    if row.channel:
        return channel_name(row.channel, lang)
    return t("targets.all_platforms", lang)


def metric_text(key: str, denominator: str, lang: str) -> str:
    label = t(f"metric.{key}", lang)
    if key in DENOMINATOR_DEPENDENT:
        label += f" (÷ {t('denominator.' + denominator, lang)})"
    return label


def target_text(row: KpiRow, lang: str) -> str:
    """'Month target at least 5.00% · so far 5.41%' (the value the status was judged on, as the
    Overview tiles say it); '—' without a target."""
    if row.target is None:
        return "—"
    direction = {"down": t("targets.at_most", lang), "up": t("targets.at_least", lang)}.get(row.better, "")
    return t("targets.tile_caption", lang, period=t(f"targets.period.{row.target_period}", lang),
             target=f"{direction} {value_text(row.target, row.unit, lang)}".strip(),
             actual=value_text(row.target_actual, row.unit, lang))


def status_text(row: KpiRow, lang: str) -> str:
    if not row.status:
        return "—"
    text = t(f"targets.status.{row.status}", lang)
    if row.band:
        text += " · " + t(f"targets.band.{row.band}", lang)
    return text


def reason_text(row: KpiRow, lang: str) -> str:
    """Why values are missing: 'no data imported for this week · no target set'."""
    return " · ".join(t(f"review.reason.{side}.{code}", lang) for side, code in row.reasons)


def kpi_display(review: Review, lang: str | None = None) -> list[dict[str, Any]]:
    """The KPI table as the page and the report show it: one dict per row with the texts
    (metric, scope, this_week, last_week, change, target, status, reason) and the codes
    (key, status_code, band, better, change_value) a page may colour by."""
    lang = lang or review.lang
    rows = []
    for row in review.kpis:
        rows.append({
            "key": row.metric, "metric": metric_text(row.metric, review.denominator, lang),
            "scope": scope_text(row, lang), "this_week": value_text(row.this_week, row.unit, lang),
            "last_week": value_text(row.last_week, row.unit, lang), "change": change_text(row, lang),
            "target": target_text(row, lang), "status": status_text(row, lang), "reason": reason_text(row, lang),
            "status_code": row.status, "band": row.band, "better": row.better,
            "change_value": row.change_points if row.unit == "rate" else row.change,
        })
    return rows


def alert_text(row: Mapping[str, Any], lang: str) -> str:
    """An alert as one sentence (the Alerts page's wording), plain text."""
    unit = "rate" if row["metric"] in ("engagement_rate", "negative_comment_share") else "count"
    where = " · ".join(str(p) for p in (channel_name(row.get("platform"), lang), channel_name(row.get("channel"), lang),
                                         row.get("account"), row.get("campaign")) if p)
    key = f"alerts.text.{row['kind']}"
    if row["kind"] == "unfollow_spike" and row["metric"] == "followers_net":
        key += "_net"
    return t(key, lang, where=where, date=row["date"].isoformat(), start=row["start_date"].isoformat(),
             days=row["days"], metric=t(f"metric.{row['metric']}", lang), value=value_text(row["value"], unit, lang),
             normal=value_text(row["normal"], unit, lang),
             change=fmt_percent(abs(row["change"]), 0) if row["change"] is not None else "—",
             z=f"{row['robust_z']:+.1f}" if row["robust_z"] is not None else "—")


def safe_url(url: Any) -> str | None:
    """A post link worth showing: http(s) only (never javascript: or data: from a file)."""
    text = str(url or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else None


def short_title(text: Any, limit: int = TITLE_CHARS) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def published_text(at: Any) -> str:
    """'11-19 20:47'; the date alone for a post whose export gave no time (local midnight)."""
    if at is None:
        return "—"
    return at.strftime("%m-%d") if (at.hour, at.minute, at.second) == (0, 0, 0) else at.strftime("%m-%d %H:%M")


def lifecycle_week(review: Review) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The lifecycle flows row of the reviewed week and of the week before (None when absent)."""
    frame = review.lifecycle
    if frame is None or frame.is_empty():
        return None, None
    rows = {r["period_start"]: r for r in frame.iter_rows(named=True)}
    return rows.get(review.start), rows.get(review.previous_start)


def file_name(review: Review, extension: str) -> str:
    return f"weekly-review-{review.iso_week}-{review.lang}.{extension}"


# -- CSV ------------------------------------------------------------------------------------------

def kpi_csv(review: Review, lang: str | None = None) -> bytes:
    """The KPI table as CSV (UTF-8 with BOM): metric key and name, scope, both weeks, change,
    target, status and reasons; numbers raw (rates as fractions), text cells neutralised."""
    lang = lang or review.lang
    display = kpi_display(review, lang)
    frame = pl.DataFrame([{
        "metric_key": row.metric, "metric": shown["metric"], "scope": shown["scope"],
        "this_week": row.this_week, "last_week": row.last_week, "change": row.change,
        "change_points": row.change_points, "target": row.target, "target_period": row.target_period or "",
        "status": row.status or "", "reason": shown["reason"],
    } for row, shown in zip(review.kpis, display, strict=True)], schema={
        "metric_key": pl.String, "metric": pl.String, "scope": pl.String, "this_week": pl.Float64,
        "last_week": pl.Float64, "change": pl.Float64, "change_points": pl.Float64, "target": pl.Float64,
        "target_period": pl.String, "status": pl.String, "reason": pl.String})
    headers = {c: t(f"review.csv.{c}", lang, this=review.iso_week, last=review.previous_week) for c in frame.columns}
    return csv_bytes(frame, headers)


# -- charts -----------------------------------------------------------------------------------------

def report_figures(review: Review, lang: str | None = None) -> list[tuple[str, go.Figure]]:
    """(id, figure) of every chart in the report: the week day by day against the week before,
    and the lifecycle flows of the last weeks when there are events."""
    lang = lang or review.lang
    figures = []
    if review.week_has_data:
        for key in DAILY_KEYS:
            title = t("review.chart_daily", lang, metric=t(f"metric.{key}", lang))
            figures.append((f"daily-{key}", week_over_week(review.daily, key, "count", lang, title=title,
                                                          key=f"review-{key}")))
    if review.lifecycle is not None and not review.lifecycle.is_empty():
        figures.append(("lifecycle", lifecycle_flows_chart(review.lifecycle, lang,
                                                           title=t("review.chart_lifecycle", lang))))
    for _, figure in figures:
        figure.update_layout(width=CHART_WIDTH, autosize=False, paper_bgcolor="white", plot_bgcolor="white",
                             margin=dict(l=64, r=16))
        figure.update_yaxes(automargin=True)
        figure.update_xaxes(automargin=True)
    return figures


def _figure_json(figure: go.Figure) -> str:
    """The figure as JSON that is safe inside a <script> element."""
    return (figure.to_json().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


# -- HTML -----------------------------------------------------------------------------------------

def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


_CSS = """
:root { --ink: #1c2024; --muted: #60646c; --line: #e0e1e6; --soft: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink);
       font: 14px/1.5 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Segoe UI", Roboto, sans-serif,
             "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji"; }
main { max-width: 980px; margin: 0 auto; padding: 28px 24px 40px; }
header { border-bottom: 3px solid var(--ink); padding-bottom: 10px; margin-bottom: 18px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 26px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
.meta, .caption, .empty { color: var(--muted); font-size: 12.5px; }
.empty { font-style: italic; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 5px 7px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px;
         white-space: nowrap; }
.badge.none { background: none; color: var(--muted); padding: 0; }
.up { color: #1f7a4d; } .down { color: #b3261e; }
.reason { color: var(--muted); font-size: 12px; }
.chart { width: 680px; max-width: 100%; margin: 6px 0 14px; break-inside: avoid; }
.notes { white-space: pre-wrap; background: var(--soft); border-left: 3px solid var(--line); padding: 10px 14px; }
.tag { color: var(--muted); font-size: 12px; }
ul.alerts { padding-left: 18px; } ul.alerts li { margin-bottom: 4px; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 12mm; }
@media print { main { padding: 0; max-width: none; } h2 { break-after: avoid; } section { break-inside: auto; } }
"""


def _table(headers: Sequence[tuple[str, bool]], rows: Sequence[Sequence[str]], cls: str = "") -> str:
    """headers: (already escaped label, numeric); cells already escaped HTML."""
    head = "".join(f'<th class="num">{h}</th>' if num else f"<th>{h}</th>" for h, num in headers)
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if headers[i][1] else f"<td>{c}</td>"
                                     for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _badge(row: Mapping[str, Any]) -> str:
    code = row["status_code"]
    if code not in STATUS_COLOURS:
        return '<span class="badge none">—</span>'
    return f'<span class="badge" style="background:{STATUS_COLOURS[code]}">{esc(row["status"])}</span>'


def _change_cell(row: Mapping[str, Any]) -> str:
    value, better = row["change_value"], row["better"]
    if value is None or value == 0 or better not in ("up", "down"):
        return esc(row["change"])
    good = (value > 0) == (better == "up")
    return f'<span class="{"up" if good else "down"}">{esc(row["change"])}</span>'


def _kpi_section(review: Review, lang: str) -> str:
    rows = []
    for row in kpi_display(review, lang):
        metric = esc(row["metric"])
        if row["scope"] != t("targets.all_platforms", lang):
            metric += f' <span class="tag">· {esc(row["scope"])}</span>'
        if row["reason"]:
            metric += f'<div class="reason">{esc(row["reason"])}</div>'
        rows.append([metric, esc(row["this_week"]), esc(row["last_week"]), _change_cell(row), esc(row["target"]),
                     _badge(row)])
    headers = [(esc(t("review.col.metric", lang)), False), (esc(t("review.col.this_week", lang)), True),
               (esc(t("review.col.last_week", lang)), True), (esc(t("review.col.change", lang)), True),
               (esc(t("review.col.target", lang)), False), (esc(t("review.col.status", lang)), False)]
    return (f"<section><h2>{esc(t('review.section_kpis', lang))}</h2>{_table(headers, rows, 'kpi')}"
            f'<p class="caption">{esc(t("review.status_caption", lang, end=review.end.isoformat()))}</p></section>')


def _posts_table(frame: pl.DataFrame, lang: str) -> str:
    if frame.is_empty():
        return f'<p class="empty">{esc(t("review.no_posts_ranked", lang))}</p>'
    rows = []
    for post in frame.iter_rows(named=True):
        title = esc(short_title(post["title"] or post["post_id"]))
        link = safe_url(post["url"])
        if link:
            title = f'<a href="{esc(link)}">{title}</a>'
        published = published_text(post["published_at"])
        rows.append([esc(post["rank"]), title, esc(channel_name(post["platform"], lang)), esc(published),
                     esc(value_text(post["interactions"], "count", lang)),
                     esc(value_text(post["engagement_rate"], "rate", lang))])
    headers = [("#", False), (esc(t("field.title", lang)), False), (esc(t("field.platform", lang)), False),
               (esc(t("field.published_at", lang)), False), (esc(t("metric.interactions", lang)), True),
               (esc(t("metric.engagement_rate", lang)), True)]
    return _table(headers, rows)


def _posts_section(review: Review, lang: str) -> str:
    ranked_by = t(f"metric.{review.posts_metric}", lang)
    return (f"<section><h2>{esc(t('review.section_posts', lang))}</h2>"
            f'<p class="caption">{esc(t("review.posts_ranked_by", lang, metric=ranked_by, denominator=t("denominator." + review.denominator, lang)))}</p>'
            f'<h3>{esc(t("review.top_posts", lang))}</h3>{_posts_table(review.top_posts, lang)}'
            f'<h3>{esc(t("review.bottom_posts", lang))}</h3>{_posts_table(review.bottom_posts, lang)}</section>')


CHANNEL_SHOWN = (("cost", "money"), ("revenue", "money"), ("conversions", "count"), ("roas", "multiple"),
                 ("roi", "rate"), ("cpa", "money"), ("cac", "money"))


def _channels_section(review: Review, lang: str) -> str:
    body: str
    if review.channels is None:
        body = f'<p class="empty">{esc(t("review.no_channel_data", lang))}</p>'
    elif review.channels.is_empty():
        body = f'<p class="empty">{esc(t("review.no_channel_data_week", lang))}</p>'
    else:
        shown = [(k, u) for k, u in CHANNEL_SHOWN if k in review.channels.columns]
        rows = [[esc(channel_name(r["channel"], lang)), *(esc(value_text(r[k], u, lang)) for k, u in shown)]
                for r in review.channels.iter_rows(named=True)]
        headers = [(esc(t("field.channel", lang)), False), *((esc(t(f"metric.{k}", lang)), True) for k, _ in shown)]
        body = _table(headers, rows)
    return f"<section><h2>{esc(t('review.section_channels', lang))}</h2>{body}</section>"


def _lifecycle_section(review: Review, lang: str, charts: Mapping[str, str]) -> str:
    this, last = lifecycle_week(review)
    if review.lifecycle is None:
        body = f'<p class="empty">{esc(t("review.no_lifecycle", lang))}</p>'
    else:
        headers = [(esc(t("review.col.flow", lang)), False), (esc(t("review.col.this_week", lang)), True),
                   (esc(t("review.col.last_week", lang)), True)]
        flows = [c for c in review.lifecycle.columns if c not in ("period_start", "active", "complete")]
        rows = [[esc(t(f"field.lifecycle_{flow}", lang)), esc(value_text(abs(this[flow]) if this else None, "count", lang)),
                 esc(value_text(abs(last[flow]) if last else None, "count", lang))] for flow in flows]
        rows.append([esc(t("lifecycle.flow.active", lang)), esc(value_text(this["active"] if this else None, "count", lang)),
                     esc(value_text(last["active"] if last else None, "count", lang))])
        body = _table(headers, rows) + charts.get("lifecycle", "")
    return f"<section><h2>{esc(t('review.section_lifecycle', lang))}</h2>{body}</section>"


def _alerts_section(review: Review, lang: str) -> str:
    if review.alerts.is_empty():
        body = f'<p class="empty">{esc(t("review.no_alerts", lang))}</p>'
    else:
        items = "".join(f"<li><b>{esc(t('alerts.kind.' + r['kind'], lang))}</b> — {esc(alert_text(r, lang))}</li>"
                        for r in review.alerts.iter_rows(named=True))
        body = f'<ul class="alerts">{items}</ul>'
    return f"<section><h2>{esc(t('review.section_alerts', lang))}</h2>{body}</section>"


def _items_table(items: Sequence[Any], lang: str, carried: bool = False) -> str:
    headers = [(esc(t("review.col.item", lang)), False), (esc(t("review.col.owner", lang)), False),
               (esc(t("review.col.due", lang)), False), (esc(t("review.col.done", lang)), False)]
    rows = []
    for item in items:
        text = esc(item.text)
        if item.carried_from:
            text += f' <span class="tag">({esc(t("review.carried_from", lang, week=item.carried_from))})</span>'
        rows.append([text, esc(item.owner or "—"), esc(item.due.isoformat() if item.due else "—"),
                     "✓" if item.done else ("—" if carried else "")])
    return _table(headers, rows)


def _notes_section(review: Review, lang: str) -> str:
    notes = review.notes
    body = (f'<div class="notes">{esc(notes.notes)}</div>' if notes.notes
            else f'<p class="empty">{esc(t("review.no_notes", lang))}</p>')
    body += f"<h3>{esc(t('review.action_items', lang))}</h3>"
    body += _items_table(notes.action_items, lang) if notes.action_items else \
        f'<p class="empty">{esc(t("review.no_items", lang))}</p>'
    if review.carried:
        body += f"<h3>{esc(t('review.carried_title', lang, week=review.previous_week))}</h3>"
        body += _items_table(review.carried, lang, carried=True)
    return f"<section><h2>{esc(t('review.section_notes', lang))}</h2>{body}</section>"


def report_html(review: Review, lang: str | None = None, include_plotlyjs: bool = True) -> str:
    """The review as one self-contained HTML document (see the module docstring)."""
    lang = lang or review.lang
    figures = report_figures(review, lang)
    charts = {name: f'<div class="chart" id="chart-{name}"></div>' for name, _ in figures}
    calls = "".join(f'Plotly.newPlot("chart-{name}", figs[{i}].data, figs[{i}].layout, cfg);'
                    for i, (name, _) in enumerate(figures))
    data = ",".join(_figure_json(f) for _, f in figures)
    script = ""
    if figures:
        script = (f"<script>(function(){{var figs=[{data}];var cfg={{displayModeBar:false,responsive:false}};"
                  f"{calls}}})();</script>")
    daily = "".join(charts.get(f"daily-{k}", "") for k in DAILY_KEYS)
    period = t("review.period", lang, start=review.start.isoformat(), end=review.end.isoformat(),
               previous=review.previous_week, prev_start=review.previous_start.isoformat(),
               prev_end=review.previous_end.isoformat())
    meta = t("review.report_meta", lang, tz=review.tz, denominator=t(f"denominator.{review.denominator}", lang),
             generated=review.generated_at.strftime("%Y-%m-%d %H:%M UTC"))
    banner = "" if review.week_has_data else f'<p class="empty">{esc(t("review.week_empty", lang, week=review.iso_week))}</p>'
    daily_section = (f"<section><h2>{esc(t('review.section_daily', lang))}</h2>{daily}</section>" if daily else "")
    plotly = f"<script>{_plotly_js()}</script>" if figures and include_plotlyjs else ""
    title = t("review.report_title", lang, week=review.iso_week)
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f"<style>{_CSS}</style>{plotly}</head><body><main>"
        f"<header><h1>{esc(title)}</h1><div class=\"meta\">{esc(period)}</div>"
        f'<div class="meta">{esc(meta)}</div>{banner}</header>'
        f"{_kpi_section(review, lang)}{daily_section}{_posts_section(review, lang)}{_channels_section(review, lang)}"
        f"{_lifecycle_section(review, lang, charts)}{_alerts_section(review, lang)}{_notes_section(review, lang)}"
        f"<footer>{esc(t('app.title', lang))} · {esc(title)}</footer></main>{script}</body></html>")


# -- PDF ------------------------------------------------------------------------------------------

def chromium_path() -> str | None:
    """The Chromium (or Chrome) to print with, or None when none is installed."""
    named = os.environ.get("DASHBOARD_CHROMIUM")
    if named:
        return named if Path(named).is_file() and os.access(named, os.X_OK) else None
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def report_pdf(html_text: str, *, chromium: str | None = None, timeout: float = PDF_TIMEOUT) -> bytes:
    """The HTML printed to PDF (A4) by headless Chromium; ReportError('no_chromium') when it is
    not installed, ('pdf_failed', reason=...) when it fails or takes longer than timeout seconds."""
    browser = chromium or chromium_path()
    if not browser:
        raise ReportError("no_chromium")
    with tempfile.TemporaryDirectory(prefix="dashboard-report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(html_text, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--no-first-run", "--hide-scrollbars", "--no-pdf-header-footer",
                   f"--user-data-dir={Path(folder) / 'profile'}", "--virtual-time-budget=15000",
                   "--run-all-compositor-stages-before-draw", f"--print-to-pdf={target}", source.as_uri()]
        try:
            result = subprocess.run(command, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                                    check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReportError("pdf_failed", reason=f"timeout after {timeout:.0f} s") from exc
        except OSError as exc:
            raise ReportError("pdf_failed", reason=str(exc)) from exc
        data = target.read_bytes() if target.exists() else b""
        if not data.startswith(b"%PDF"):
            tail = (result.stderr or b"").decode(errors="replace").strip().splitlines()[-1:]
            raise ReportError("pdf_failed", reason=tail[0] if tail else f"exit code {result.returncode}")
        return data
