"""Alerts & comments: the anomalies of the period with a link to the page that shows each, the
comment figures against their targets, and the negative-keyword list (a workspace setting)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import polars as pl
import streamlit as st

from dashboard.alerts import MIN_COMMENTS, THRESHOLD, WINDOW_DAYS, alerts
from dashboard.i18n import fmt_percent, has
from dashboard.metrics.comments import comment_stats, comments_frame, has_comments
from dashboard.metrics.filters import Filters
from dashboard.metrics.scope import has_social_data
from dashboard.settings import get_setting, set_setting
from dashboard.store.db import StoreError
from dashboard.targets import applicable_target, has_started, status_of
from dashboard.ui.auth import permitted, require
from dashboard.ui.cache import cached
from dashboard.ui.context import lang, store, tr
from dashboard.ui.filters import sidebar_filters
from dashboard.ui.shell import DATA_PAGE, PAGES, ROOT
from dashboard.ui.target_badges import (
    STATUS_COLOUR,
    STATUS_ICON,
    ensure_default_targets,
    escape_markdown,
    value_text,
)

MAX_LISTED = 60
_ICON = {"unfollow_spike": ":material/person_remove:", "engagement_drop": ":material/thumb_down:",
         "reach_collapse": ":material/visibility_off:", "spend_no_conversions": ":material/money_off:",
         "negative_comments": ":material/sentiment_dissatisfied:"}


def render() -> None:
    st.title(tr("page.alerts"))
    st.caption(tr("alerts.intro"))
    filters = sidebar_filters()
    ensure_default_targets()
    if message := st.session_state.pop("alerts_message", None):
        st.success(message)
    _alerts_section(filters)
    _comments_section(filters)
    _keywords_section()


# -- alerts --------------------------------------------------------------------------------------

def page_path(page_key: str) -> str:
    """The registered page for an alert's page key (Overview when that page does not exist)."""
    paths = {path.removeprefix("views/").removesuffix(".py"): path for path, _, _ in PAGES}
    return str(ROOT / paths.get(page_key, "views/overview.py"))


def page_title(page_key: str) -> str:
    titles = {path.removeprefix("views/").removesuffix(".py"): title for path, title, _ in PAGES}
    return tr(titles.get(page_key, "page.overview"))


def _name(platform: str | None) -> str | None:
    if not platform:
        return None
    return tr(f"platform.{platform}") if has(f"platform.{platform}") else platform


def _where(row: dict[str, Any]) -> str:
    parts = [_name(row["platform"]), _name(row["channel"]), row["account"], row["campaign"]]
    return " · ".join(escape_markdown(str(p)) for p in parts if p)


def alert_sentence(row: dict[str, Any]) -> str:
    code = lang()
    unit = "rate" if row["metric"] in ("engagement_rate", "negative_comment_share") else "count"
    values = {"where": _where(row), "date": row["date"].isoformat(), "start": row["start_date"].isoformat(),
              "days": row["days"], "metric": tr(f"metric.{row['metric']}"),
              "value": value_text(row["value"], unit, code), "normal": value_text(row["normal"], unit, code),
              "change": fmt_percent(abs(row["change"]), 0) if row["change"] is not None else "—",
              "z": f"{row['robust_z']:+.1f}" if row["robust_z"] is not None else "—"}
    key = f"alerts.text.{row['kind']}"
    if row["kind"] == "unfollow_spike" and row["metric"] == "followers_net":
        key += "_net"
    return tr(key, **values)


def _alerts_section(filters: Filters) -> None:
    st.subheader(tr("alerts.section_alerts", start=filters.start.isoformat(), end=filters.end.isoformat()))
    frame = cached(alerts, filters)
    if frame.is_empty():
        if not cached(has_social_data) and not cached(has_comments):
            st.info(tr("alerts.empty_store"))
            st.page_link(DATA_PAGE, label=tr("alerts.go_to_data"), icon=":material/upload_file:")
        else:
            st.success(tr("alerts.none", start=filters.start.isoformat(), end=filters.end.isoformat()))
        st.caption(tr("alerts.method", window=WINDOW_DAYS, threshold=THRESHOLD))
        return
    counts = frame.group_by("kind").len().sort("kind").iter_rows()
    st.markdown(" ".join(f":orange-badge[{_ICON[kind]} {tr('alerts.kind.' + kind)}: {n}]" for kind, n in counts))
    for row in frame.head(MAX_LISTED).iter_rows(named=True):
        with st.container(border=True):
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.markdown(f"{_ICON[row['kind']]} **{tr('alerts.kind.' + row['kind'])}** — {alert_sentence(row)}")
            right.page_link(page_path(row["page"]), label=tr("alerts.open", page=page_title(row["page"])),
                            icon=":material/arrow_forward:")
    if frame.height > MAX_LISTED:
        st.caption(tr("alerts.more", count=frame.height - MAX_LISTED))
    st.caption(tr("alerts.method", window=WINDOW_DAYS, threshold=THRESHOLD))


# -- comments ------------------------------------------------------------------------------------

def _target_of(metric: str, filters: Filters) -> float | None:
    """The target value that applies on the period's last day (the single filtered platform's,
    else the all-platform one)."""
    platform = filters.platforms[0] if len(filters.platforms) == 1 else None
    row = cached(applicable_target, metric, platform, filters.end)
    return row["value"] if row is not None and has_started(row, filters.end) else None


def _badge(value: float | None, target: float | None) -> str:
    status = status_of(value, target, "down")
    if status is None:
        return ""
    return f":{STATUS_COLOUR[status]}-badge[{STATUS_ICON[status]} {tr('targets.status.' + status)}]"


def _comments_section(filters: Filters) -> None:
    st.subheader(tr("alerts.section_comments"))
    if not cached(has_comments):
        st.info(tr("alerts.no_comments"))
        st.page_link(DATA_PAGE, label=tr("alerts.go_to_templates"), icon=":material/upload_file:")
        return
    stats = cached(comment_stats, filters)
    if not stats["comments"]:
        st.info(tr("alerts.no_comments_in_period", start=filters.start.isoformat(), end=filters.end.isoformat()))
        return
    share_target = _target_of("negative_comment_share", filters)
    reply_target = _target_of("crisis_reply_minutes", filters)
    code = lang()
    tiles = st.columns(4)
    tiles[0].metric(tr("alerts.comments"), value_text(stats["comments"], "count", code), border=True)
    tiles[1].metric(tr("metric.negative_comment_share"), fmt_percent(stats["negative_share"], 1), border=True,
                    help=tr("formula.negative_comment_share"))
    tiles[1].markdown(f"{_badge(stats['negative_share'], share_target)} "
                      f"{tr('alerts.target_at_most', target=value_text(share_target, 'rate', code))}")
    tiles[2].metric(tr("metric.crisis_reply_minutes"), value_text(stats["crisis_reply_minutes"], "minutes", code),
                    border=True, help=tr("formula.crisis_reply_minutes"))
    tiles[2].markdown(f"{_badge(stats['crisis_reply_minutes'], reply_target)} "
                      f"{tr('alerts.target_at_most', target=value_text(reply_target, 'minutes', code))}")
    tiles[3].metric(tr("alerts.reply_median"), value_text(stats["reply_median_minutes"], "minutes", code),
                    border=True)
    tiles[3].caption(tr("alerts.replied_within", share=fmt_percent(stats["replied_within_share"], 0),
                        minutes=f"{stats['reply_target_minutes']:.0f}"))
    st.caption(tr("alerts.comment_counts", negative=stats["negative"], unreplied=stats["negative_unreplied"],
                  within=fmt_percent(stats["negative_within_share"], 0), min_comments=MIN_COMMENTS))
    negative = cached(comments_frame, filters).filter(pl.col("is_negative"))
    if negative.is_empty():
        return
    zone = filters.tz
    shown = negative.sort("created_at", descending=True).head(200).select(
        pl.col("created_at").dt.convert_time_zone(zone).dt.strftime("%Y-%m-%d %H:%M").alias("created"),
        pl.col("platform").replace_strict({p: tr(f"platform.{p}") for p in negative["platform"].unique()},
                                          default=pl.col("platform")),
        "author", "text",
        pl.when(pl.col("flagged_by") == "file").then(pl.lit(tr("alerts.flag_file")))
        .otherwise(pl.col("matched")).alias("why"),
        pl.when(pl.col("replied_at").is_null()).then(pl.lit(tr("alerts.not_replied")))
        .otherwise(pl.col("reply_minutes").round(0).cast(pl.Int64).cast(pl.String)).fill_null("—")
        .alias("reply_minutes"))
    st.markdown(f"**{tr('alerts.negative_list')}**")
    st.dataframe(shown, hide_index=True, width="stretch", key="alerts_negative", column_config={
        "created": st.column_config.TextColumn(tr("alerts.col.created")),
        "platform": st.column_config.TextColumn(tr("field.platform")),
        "author": st.column_config.TextColumn(tr("field.author")),
        "text": st.column_config.TextColumn(tr("field.text"), width="large"),
        "why": st.column_config.TextColumn(tr("alerts.col.why")),
        "reply_minutes": st.column_config.TextColumn(tr("alerts.col.reply_minutes")),
    })


# -- keywords ------------------------------------------------------------------------------------

def _keywords_section() -> None:
    st.subheader(tr("alerts.section_keywords"))
    db = store()
    current = get_setting(db, "negative_keywords") or []
    may_edit = permitted("edit_settings")
    with st.form("negative_keywords_form", border=False):
        version = hashlib.sha1(json.dumps(current, ensure_ascii=False).encode()).hexdigest()[:10]
        text = st.text_area(tr("alerts.keywords"), value="\n".join(str(k) for k in current), height=160,
                            key=f"negative_keywords_{version}",
                            help=tr("alerts.keywords_help"), disabled=not may_edit)
        saved = st.form_submit_button(tr("alerts.keywords_save"), icon=":material/save:", key="negative_keywords_save",
                                      disabled=not may_edit)
    st.caption(tr("alerts.keywords_caption", count=len(current)))
    if not saved or not require("edit_settings"):
        return
    words = list(dict.fromkeys(w.strip() for line in text.splitlines()
                               for w in line.replace("，", ",").replace("、", ",").split(",") if w.strip()))
    try:
        set_setting(db, "negative_keywords", words)
    except StoreError as exc:
        st.error(tr(f"issue.store_{exc.code}", **exc.params))
        return
    st.session_state["alerts_message"] = (tr("alerts.keywords_saved", count=len(words)) if words
                                          else tr("alerts.keywords_cleared"))
    st.rerun()
