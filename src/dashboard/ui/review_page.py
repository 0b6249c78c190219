"""Weekly review: one ISO week against last week and the targets, for the Monday meeting.

The week picker (default: the last complete week; weeks with data listed), the KPI table with
status badges and why values are missing, the week day by day, top and bottom posts, channel
ROI, lifecycle flows, the week's alerts with links to their pages, last week's open action items
carried into view, and the notes and action items (saved on submit). Presentation mode: full
width, no sidebar, big tiles. Downloads: the HTML report, a PDF where Chromium is installed, the
KPI table as CSV.

The action-item editor sits in a form: edits stay in the browser until Save, its input is always
the stored list (never its own output), and its key follows the stored record's updated_at, so a
save shows the stored list afresh while unsaved edits survive every other rerun.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

import polars as pl
import streamlit as st

from dashboard.charts import lifecycle_flows_chart, week_over_week
from dashboard.i18n import has
from dashboard.report import (
    ReportError,
    channel_name,
    chromium_path,
    file_name,
    kpi_csv,
    kpi_display,
    lifecycle_week,
    published_text,
    report_html,
    report_pdf,
    safe_url,
    short_title,
    value_text,
)
from dashboard.review import (
    DAILY_KEYS,
    NOTES_MAX,
    BadWeek,
    NotesValidationError,
    Review,
    WeekFigures,
    carried_items,
    carry_forward,
    default_week,
    has_any_data,
    load_notes,
    parse_week,
    save_notes,
    set_done,
    week_figures,
    weeks_with_data,
)
from dashboard.settings import workspace_tz
from dashboard.store.db import Store, StoreError
from dashboard.targets import RowError
from dashboard.ui.alerts_page import alert_sentence, page_path, page_title
from dashboard.ui.auth import can, permitted, require
from dashboard.ui.cache import cached
from dashboard.ui.context import lang, store, tr
from dashboard.ui.shell import DATA_PAGE
from dashboard.ui.target_badges import badge_markdown, band_markdown, ensure_default_targets, escape_markdown

log = logging.getLogger("dashboard")
TILES_PER_ROW = 4
MAX_ALERTS = 30
ITEM_SCHEMA = {"id": pl.String, "text": pl.String, "owner": pl.String, "due": pl.Date, "done": pl.Boolean,
               "carried_from": pl.String}
# layout only, no user data: hide the sidebar and the app header, use the full width, bigger tiles
PRESENTATION_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"] {display: none !important;}
[data-testid="stMainBlockContainer"] {max-width: 100% !important; padding: 1.5rem 3rem 3rem !important;}
[data-testid="stMetricValue"] {font-size: 2.8rem !important;}
[data-testid="stMetricLabel"] p {font-size: 1.15rem !important;}
[data-testid="stMetricDelta"] {font-size: 1.1rem !important;}
</style>"""
_FIELD_LABEL = {"text": "review.col.item", "owner": "review.col.owner", "due": "review.col.due",
                "done": "review.col.done", "notes": "review.notes"}


def render() -> None:
    presentation = bool(st.session_state.get("review_presentation"))
    if presentation:
        st.html(PRESENTATION_CSS)
    st.title(tr("page.review"))
    if not cached(has_any_data):
        st.caption(tr("review.intro"))
        st.info(tr("review.empty"))
        st.page_link(DATA_PAGE, label=tr("review.go_to_data"), icon=":material/upload_file:")
        return
    if not presentation:
        st.caption(tr("review.intro"))
    ensure_default_targets()
    db = store()
    week = _week_picker(db)
    figures: WeekFigures = cached(week_figures, week)
    review = Review(figures=figures, notes=load_notes(db, week), carried=carried_items(db, week), lang=lang())
    _downloads(db, review)
    if message := st.session_state.pop("review_message", None):
        st.success(message)
    st.caption(tr("review.period", start=figures.start.isoformat(), end=figures.end.isoformat(),
                  previous=figures.previous_week, prev_start=figures.previous_start.isoformat(),
                  prev_end=figures.previous_end.isoformat()))
    if not figures.week_has_data:
        st.warning(tr("review.week_empty", week=week))
    st.subheader(tr("review.section_kpis"))
    if presentation:
        _kpi_tiles(review)
    else:
        _kpi_table(review)
    st.caption(tr("review.status_caption", end=figures.end.isoformat()))
    _daily(review)
    _posts(review)
    _channels(review)
    _lifecycle(review)
    _alerts(review)
    _notes(db, review, presentation)


# -- the week and the downloads -------------------------------------------------------------------

def _week_picker(db: Store) -> str:
    """The ISO week to review: the picker's value; first the one kept from an earlier visit, the
    URL's (?week=2026-W47), else the last complete week."""
    state = st.session_state
    default = default_week(db)
    options = set(cached(weeks_with_data, str(workspace_tz(db)))) | {default}
    if "review_week" not in state:
        wanted = state.get("_review_week_kept") or st.query_params.get("week")
        try:
            wanted = parse_week(wanted)[0] if wanted else None
        except BadWeek:
            wanted = None
        state["review_week"] = wanted or default
    options.add(state["review_week"])
    with_data = set(cached(weeks_with_data, str(workspace_tz(db))))
    ordered = sorted(options, reverse=True)
    labels = {}
    for label in ordered:
        _, start, end = parse_week(label)
        key = "review.week_option" if label in with_data else "review.week_option_empty"
        labels[label] = tr(key, week=label, start=start.isoformat(), end=end.isoformat())
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    week = left.selectbox(tr("review.week"), ordered, key="review_week", format_func=labels.get,
                          help=tr("review.week_help"))
    right.toggle(tr("review.presentation"), key="review_presentation", help=tr("review.presentation_help"))
    state["_review_week_kept"] = week
    if st.query_params.get("week") != week:
        st.query_params["week"] = week
    return week


def _html_bytes(db: Store, figures: WeekFigures, code: str) -> bytes:
    """Run on click (deferred download): the report with the notes as stored at that moment."""
    review = Review(figures=figures, notes=load_notes(db, figures.iso_week),
                    carried=carried_items(db, figures.iso_week), lang=code)
    return report_html(review).encode("utf-8")


def _downloads(db: Store, review: Review) -> None:
    code = review.lang
    html_col, pdf_col, csv_col = st.columns(3)
    html_col.download_button(tr("review.download_html"), data=partial(_html_bytes, db, review.figures, code),
                             file_name=file_name(review, "html"), mime="text/html", key="review_download_html",
                             on_click="ignore", icon=":material/download:", width="stretch")
    csv_col.download_button(tr("review.download_csv"), data=kpi_csv(review), file_name=file_name(review, "csv"),
                            mime="text/csv", key="review_download_csv", on_click="ignore",
                            icon=":material/table_view:", width="stretch")
    if not chromium_path():
        pdf_col.caption(tr("review.pdf_unavailable"))
        return
    signature = (review.iso_week, code, db.data_version, review.notes.updated_at, len(review.carried))
    made = st.session_state.get("review_pdf")
    if made and made[0] == signature:
        pdf_col.download_button(tr("review.download_pdf"), data=made[1], file_name=file_name(review, "pdf"),
                                mime="application/pdf", key="review_download_pdf", on_click="ignore",
                                icon=":material/picture_as_pdf:", width="stretch")
        return
    if pdf_col.button(tr("review.make_pdf"), key="review_make_pdf", icon=":material/picture_as_pdf:",
                      width="stretch"):
        with st.spinner(tr("review.making_pdf")):
            try:
                st.session_state["review_pdf"] = (signature, report_pdf(report_html(review)))
            except ReportError as exc:
                log.warning("PDF failed: %s", exc)
                st.error(tr(f"review.error.{exc.code}", **exc.params))
                return
        st.rerun()


# -- KPIs -----------------------------------------------------------------------------------------

def _status_cell(row: Any) -> str:
    if not row.status:
        return "—"
    return badge_markdown({"status": row.status}) + band_markdown({"band": row.band})


def _change_cell(shown: dict[str, Any]) -> str:
    value, text = shown["change_value"], escape_markdown(shown["change"])
    if value is None or value == 0 or shown["better"] not in ("up", "down"):
        return text
    good = (value > 0) == (shown["better"] == "up")
    return f":{'green' if good else 'red'}[{text}]"


def _metric_cell(shown: dict[str, Any]) -> str:
    label = escape_markdown(shown["metric"])
    if shown["scope"] != tr("targets.all_platforms"):
        label += f" · {escape_markdown(shown['scope'])}"
    return label


def _kpi_table(review: Review) -> None:
    """The KPI table: markdown cells (user text escaped), status badges, why values are missing."""
    rows = []
    for row, shown in zip(review.kpis, kpi_display(review), strict=True):
        rows.append({
            tr("review.col.metric"): _metric_cell(shown),
            tr("review.col.this_week"): escape_markdown(shown["this_week"]),
            tr("review.col.last_week"): escape_markdown(shown["last_week"]),
            tr("review.col.change"): _change_cell(shown),
            tr("review.col.target"): escape_markdown(shown["target"]),
            tr("review.col.status"): _status_cell(row),
            tr("review.col.reason"): escape_markdown(shown["reason"]) or "—",
        })
    st.table(pl.DataFrame(rows), hide_index=True, border="horizontal")


def _kpi_tiles(review: Review) -> None:
    """Presentation mode: one big tile per KPI with its badge, target and last week."""
    pairs = list(zip(review.kpis, kpi_display(review), strict=True))
    for start in range(0, len(pairs), TILES_PER_ROW):
        columns = st.columns(TILES_PER_ROW)
        for column, (row, shown) in zip(columns, pairs[start:start + TILES_PER_ROW], strict=False):
            with column.container(border=True):
                st.metric(_metric_cell(shown), shown["this_week"],
                          None if shown["change_value"] is None else shown["change"],
                          delta_color={"up": "normal", "down": "inverse"}.get(row.better, "off"),
                          delta_description=tr("kpi.vs_previous", value=shown["last_week"]))
                parts = (_status_cell(row) if row.status else "",
                         escape_markdown(shown["target"]) if row.target is not None else "")
                if any(parts):
                    st.markdown(" ".join(p for p in parts if p))
                if shown["reason"]:
                    st.caption(escape_markdown(shown["reason"]))


# -- charts, posts, channels, lifecycle, alerts --------------------------------------------------

def _daily(review: Review) -> None:
    if not review.week_has_data:
        return
    st.subheader(tr("review.section_daily"))
    code = review.lang
    for column, key in zip(st.columns(len(DAILY_KEYS)), DAILY_KEYS, strict=True):
        title = tr("review.chart_daily", metric=tr(f"metric.{key}"))
        column.plotly_chart(week_over_week(review.daily, key, "count", code, title=title, key=f"review-{key}"),
                            key=f"review_daily_{key}")


def _post_frame(frame: pl.DataFrame, code: str) -> pl.DataFrame:
    return pl.DataFrame([{
        "rank": post["rank"], "title": short_title(post["title"] or post["post_id"]),
        "platform": channel_name(post["platform"], code), "published": published_text(post["published_at"]),
        "interactions": value_text(post["interactions"], "count", code),
        "engagement_rate": value_text(post["engagement_rate"], "rate", code), "url": safe_url(post["url"]),
    } for post in frame.iter_rows(named=True)], schema={
        "rank": pl.Int64, "title": pl.String, "platform": pl.String, "published": pl.String,
        "interactions": pl.String, "engagement_rate": pl.String, "url": pl.String})


def _posts(review: Review) -> None:
    st.subheader(tr("review.section_posts"))
    st.caption(tr("review.posts_ranked_by", metric=tr(f"metric.{review.posts_metric}"),
                  denominator=tr(f"denominator.{review.denominator}")))
    config = {"rank": st.column_config.NumberColumn("#", width="small"),
              "title": st.column_config.TextColumn(tr("field.title"), width="large"),
              "platform": st.column_config.TextColumn(tr("field.platform")),
              "published": st.column_config.TextColumn(tr("field.published_at")),
              "interactions": st.column_config.TextColumn(tr("metric.interactions")),
              "engagement_rate": st.column_config.TextColumn(tr("metric.engagement_rate")),
              "url": st.column_config.LinkColumn(tr("field.url"), display_text="↗", width="small")}
    for title, frame, key in ((tr("review.top_posts"), review.top_posts, "review_top"),
                              (tr("review.bottom_posts"), review.bottom_posts, "review_bottom")):
        st.markdown(f"**{title}**")
        if frame.is_empty():
            st.caption(tr("review.no_posts_ranked"))
            continue
        st.dataframe(_post_frame(frame, review.lang), hide_index=True, width="stretch", column_config=config,
                     key=key, placeholder="—")


CHANNEL_SHOWN = (("cost", "money"), ("revenue", "money"), ("conversions", "count"), ("roas", "multiple"),
                 ("roi", "rate"), ("cpa", "money"), ("cac", "money"))


def _channels(review: Review) -> None:
    st.subheader(tr("review.section_channels"))
    if review.channels is None:
        st.caption(tr("review.no_channel_data"))
        return
    if review.channels.is_empty():
        st.caption(tr("review.no_channel_data_week"))
        return
    code = review.lang
    shown = [(k, u) for k, u in CHANNEL_SHOWN if k in review.channels.columns]
    rows = [{tr("field.channel"): channel_name(r["channel"], code),
             **{tr(f"metric.{k}"): value_text(r[k], u, code) for k, u in shown}}
            for r in review.channels.iter_rows(named=True)]
    st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch", key="review_channels")


_FLOW_BETTER = {"new": "normal", "retained": "normal", "resurrected": "normal", "dormant": "inverse",
                "churned": "inverse", "active": "normal"}


def _lifecycle(review: Review) -> None:
    st.subheader(tr("review.section_lifecycle"))
    if review.lifecycle is None:
        st.caption(tr("review.no_lifecycle"))
        return
    this, last = lifecycle_week(review)
    code = review.lang
    flows = [c for c in review.lifecycle.columns if c not in ("period_start", "complete")]
    for column, flow in zip(st.columns(len(flows)), flows, strict=True):
        label = tr("lifecycle.flow.active") if flow == "active" else tr(f"field.lifecycle_{flow}")
        now = abs(this[flow]) if this else None
        before = abs(last[flow]) if last else None
        delta = None if now is None or before is None else value_text(now - before, "count", code)
        if delta is not None and now - before > 0:
            delta = "+" + delta
        column.metric(label, value_text(now, "count", code), delta, delta_color=_FLOW_BETTER.get(flow, "off"),
                      border=True, delta_description=tr("kpi.vs_previous", value=value_text(before, "count", code)))
    st.plotly_chart(lifecycle_flows_chart(review.lifecycle, code, title=tr("review.chart_lifecycle"),
                                          key="review_lifecycle"), key="review_lifecycle_chart")


def _alerts(review: Review) -> None:
    st.subheader(tr("review.section_alerts"))
    if review.alerts.is_empty():
        st.caption(tr("review.no_alerts"))
        return
    for row in review.alerts.head(MAX_ALERTS).iter_rows(named=True):
        with st.container(border=True):
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.markdown(f"**{tr('alerts.kind.' + row['kind'])}** — {alert_sentence(row)}")
            right.page_link(page_path(row["page"]), label=tr("alerts.open", page=page_title(row["page"])),
                            icon=":material/arrow_forward:")


# -- notes and action items -----------------------------------------------------------------------

def _carried(db: Store, review: Review) -> None:
    """Last week's open items, shown as carried: mark done (in last week's list) or carry over."""
    if not review.carried:
        return
    with st.container(border=True):
        st.markdown(f"**{tr('review.carried_title', week=review.previous_week)}**")
        st.caption(tr("review.carried_caption"))
        editable = can("edit_notes")
        for item in review.carried:
            text, who, done, carry = st.columns([5, 2, 1, 1.4], vertical_alignment="center")
            text.markdown(escape_markdown(item.text))
            who.caption(f"{escape_markdown(item.owner or '—')} · {item.due.isoformat() if item.due else '—'}")
            if done.button(tr("review.mark_done"), key=f"review_done_{item.id}", icon=":material/check:",
                           disabled=not editable):
                _apply(lambda item=item: set_done(db, review.previous_week, item.id),
                       tr("review.marked_done", week=review.previous_week))
            if carry.button(tr("review.carry"), key=f"review_carry_{item.id}", icon=":material/redo:",
                            disabled=not editable):
                _apply(lambda item=item: carry_forward(db, review.iso_week, [item.id]),
                       tr("review.carried_done", count=1, week=review.iso_week))
        if len(review.carried) > 1 and st.button(tr("review.carry_all"), key="review_carry_all", disabled=not editable,
                                                 icon=":material/keyboard_double_arrow_right:"):
            _apply(lambda: carry_forward(db, review.iso_week),
                   tr("review.carried_done", count=len(review.carried), week=review.iso_week))


def _apply(action: Any, message: str) -> None:
    if not require("edit_notes"):
        return
    try:
        action()
    except StoreError as exc:
        st.error(tr(f"issue.store_{exc.code}", **exc.params))
        return
    st.session_state["review_message"] = message
    st.rerun()


def _items_frame(review: Review) -> pl.DataFrame:
    rows = [{"id": i.id, "text": i.text, "owner": i.owner, "due": i.due, "done": i.done,
             "carried_from": i.carried_from} for i in review.notes.action_items]
    return pl.DataFrame(rows, schema=ITEM_SCHEMA) if rows else pl.DataFrame(schema=ITEM_SCHEMA)


def _notes(db: Store, review: Review, presentation: bool) -> None:
    st.subheader(tr("review.section_notes"))
    _carried(db, review)
    notes = review.notes
    if presentation or not permitted("edit_notes"):
        if notes.notes:
            st.markdown(escape_markdown(notes.notes).replace("\n", "  \n"))
        else:
            st.caption(tr("review.no_notes"))
        if notes.action_items:
            st.dataframe(_items_frame(review).drop("id"), hide_index=True, width="stretch",
                         column_config=_item_columns(), key="review_items_view", placeholder="—")
        return
    version = int(notes.updated_at.timestamp() * 1_000_000) if notes.updated_at else 0
    suffix = f"{review.iso_week}_{version}"
    base = _items_frame(review)
    with st.form(f"review_form_{review.iso_week}", border=False):
        text = st.text_area(tr("review.notes"), value=notes.notes, key=f"review_notes_{suffix}", height=160,
                            max_chars=NOTES_MAX, placeholder=tr("review.notes_placeholder"))
        st.markdown(f"**{tr('review.action_items')}**")
        edited = st.data_editor(base, key=f"review_items_{suffix}", num_rows="dynamic", hide_index=True,
                                width="stretch", column_order=["text", "owner", "due", "done", "carried_from"],
                                column_config=_item_columns(), placeholder="—")
        st.caption(tr("review.items_caption"))
        submitted = st.form_submit_button(tr("review.save"), type="primary", icon=":material/save:",
                                          key="review_save")
    if submitted:
        _save(db, review, text, edited)


def _item_columns() -> dict[str, Any]:
    return {
        "text": st.column_config.TextColumn(tr("review.col.item"), required=True, max_chars=500, width="large"),
        "owner": st.column_config.TextColumn(tr("review.col.owner"), max_chars=80),
        "due": st.column_config.DateColumn(tr("review.col.due"), format="YYYY-MM-DD"),
        "done": st.column_config.CheckboxColumn(tr("review.col.done"), default=False),
        "carried_from": st.column_config.TextColumn(tr("review.col.carried"), disabled=True),
    }


def _records(edited: Any) -> list[dict[str, Any]]:
    if isinstance(edited, pl.DataFrame):
        return edited.to_dicts()
    return pl.from_pandas(edited).to_dicts()  # the editor answers in the input's type; never pandas here


def _save(db: Store, review: Review, text: str, edited: Any) -> None:
    if not require("edit_notes"):
        return
    rows = [{k: r.get(k) for k in ("id", "text", "owner", "due", "done")} for r in _records(edited)]
    try:
        saved = save_notes(db, review.iso_week, text, rows, expected_updated_at=review.notes.updated_at, check=True)
    except NotesValidationError as exc:
        st.error(tr("targets.invalid", count=len(exc.errors)) + "\n\n" +
                 "\n".join(f"- {_error_text(e)}" for e in exc.errors))
        return
    except StoreError as exc:
        st.error(tr(f"issue.store_{exc.code}", **exc.params))
        return
    st.session_state["review_message"] = tr("review.saved", week=review.iso_week, count=len(saved.action_items))
    st.rerun()


def _error_text(error: RowError) -> str:
    field = tr(_FIELD_LABEL[error.field]) if error.field in _FIELD_LABEL else error.field
    key = f"review.error.{error.code}"
    message = tr(key, **error.params) if has(key) else tr("review.error.invalid")
    if error.row == 0:
        return f"{field}: {message}"
    return tr("targets.error_line", row=error.row, field=field, message=message)
