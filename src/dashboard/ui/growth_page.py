"""The Growth page: followers over time per platform and account, gained / lost / net per bucket,
growth rate, how each figure was obtained, and the follows that posts brought."""

from __future__ import annotations

import re
from typing import Any

import polars as pl
import streamlit as st

from dashboard.charts import followers_over_time, format_value, gained_lost_net, growth_rate_by_platform
from dashboard.metrics.filters import Filters
from dashboard.metrics.growth import (
    account_summary,
    follower_data_span,
    follower_series,
    follows_from_posts,
    follows_summary,
    growth_table,
    has_growth_data,
)
from dashboard.metrics.kpis import change, kpi_comparison
from dashboard.metrics.registry import METRICS
from dashboard.ui.cache import cached
from dashboard.ui.context import lang, tr
from dashboard.ui.filters import sidebar_filters
from dashboard.ui.shell import DATA_PAGE
from dashboard.ui.target_badges import chart_target

KPI_KEYS = ("followers_end", "followers_net", "follower_growth_rate", "followers_gained", "followers_lost")
TOP_POSTS = 10
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def render() -> None:
    st.title(tr("page.growth"))
    filters = sidebar_filters()
    if not cached(has_growth_data):
        _empty_state()
        return
    st.caption(tr("growth.intro"))
    _kpi_strip(filters)
    series = cached(follower_series, filters)
    if series.is_empty():
        _no_data_in_period(filters)
    else:
        _charts(filters, series)
        _accounts(filters)
    _follows(filters)


def _empty_state() -> None:
    st.subheader(tr("growth.empty_title"))
    st.info(tr("growth.empty_body"))
    st.page_link(DATA_PAGE, label=tr("growth.go_to_data"), icon=":material/upload_file:")


def _no_data_in_period(filters: Filters) -> None:
    first, last = cached(follower_data_span, filters)
    if first is None:
        st.info(tr("growth.no_follower_rows"))
        return
    st.info(tr("growth.no_data_in_period", start=filters.start.isoformat(), end=filters.end.isoformat(),
               first=first.isoformat(), last=last.isoformat()))


# -- KPI strip ----------------------------------------------------------------------------------

def _delta(key: str, current: float | None, previous: float | None) -> str | None:
    if current is None or previous is None:
        return None
    if METRICS[key].unit == "rate":
        return tr("growth.delta_pp", value=f"{(current - previous) * 100:+.2f}")
    relative = change(current, previous)
    return None if relative is None else f"{relative * 100:+.1f}%"


def _kpi_strip(filters: Filters) -> None:
    comparison = cached(kpi_comparison, filters, KPI_KEYS)
    code = lang()
    previous = filters.previous()
    columns = st.columns(len(KPI_KEYS))
    for column, key in zip(columns, KPI_KEYS, strict=True):
        metric = METRICS[key]
        current, before = comparison["current"].get(key), comparison["previous"].get(key)
        column.metric(
            tr(f"metric.{key}"), format_value(current, metric.unit, code), delta=_delta(key, current, before),
            delta_color="inverse" if metric.better == "down" else "normal", help=tr(f"formula.{key}"),
            border=True)
    st.caption(f"{tr('growth.kpi_compare', start=previous.start.isoformat(), end=previous.end.isoformat())} · "
               f"{tr('growth.kpi_note')}")


# -- charts -------------------------------------------------------------------------------------

def _charts(filters: Filters, series: pl.DataFrame) -> None:
    code = lang()
    grain = tr(f"grain.{filters.granularity}")
    totals = series.filter(pl.col("is_total") & pl.col("followers").is_not_null())
    changes = series.filter(~pl.col("is_total") & pl.col("followers").is_not_null())
    if not totals.is_empty():
        st.markdown(f"**{tr('growth.chart_followers')}**")
        st.plotly_chart(followers_over_time(totals, code, key="followers"), key="growth_followers", width="stretch")
    if not changes.is_empty():
        st.markdown(f"**{tr('growth.chart_change', start=filters.start.isoformat())}**")
        st.plotly_chart(followers_over_time(changes, code, key="changes"), key="growth_changes", width="stretch")
        st.caption(tr("growth.chart_change_caption"))
    table = cached(growth_table, filters)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{tr('growth.chart_gain_loss', grain=grain)}**")
        st.plotly_chart(gained_lost_net(table, code), key="growth_gain_loss", width="stretch")
        st.caption(tr("growth.gain_loss_caption"))
    with right:
        st.markdown(f"**{tr('growth.chart_rate', grain=grain)}**")
        if table.filter(pl.col("growth_rate").is_not_null()).is_empty():
            st.info(tr("growth.rate_unknown"))
        else:
            st.plotly_chart(chart_target(growth_rate_by_platform(table, code), "follower_growth_rate", filters),
                            key="growth_rate", width="stretch")


# -- per-account table and notes ----------------------------------------------------------------

def _account_label(platform: str, account: str) -> str:
    return tr("growth.account_label", platform=tr(f"platform.{platform}"), account=account)


def _how(row: dict[str, Any]) -> str:
    if not row["days_with_value"]:
        return tr("growth.how.partial")
    if row["days_baseline"]:
        return tr("growth.how.changes_only")
    if row["days_reported"] == row["days"]:
        return tr("growth.how.reported")
    return tr("growth.how.mixed", reported=row["days_reported"], derived=row["days_derived"],
              carried=row["days_carried"])


def _accounts(filters: Filters) -> None:
    summary = cached(account_summary, filters)
    if summary.is_empty():
        return
    st.subheader(tr("growth.accounts_title"))
    rows = summary.to_dicts()
    numbers = ("followers_end", "net", "growth_rate", "gained", "lost")  # start = end - net: left out for width
    columns = {
        "account": tr("growth.col_account"),
        "followers_end": tr("metric.followers_end"),
        "gained": tr("metric.followers_gained"), "lost": tr("metric.followers_lost"),
        "net": tr("metric.followers_net"), "growth_rate": tr("metric.follower_growth_rate"),
        "how": tr("growth.col_how"),
    }
    table = pl.DataFrame(
        [{columns["account"]: _account_label(r["platform"], r["account"]),
          **{columns[k]: r[k] for k in numbers}, columns["how"]: _how(r)} for r in rows],
        schema={columns["account"]: pl.String, **{columns[k]: pl.Float64 for k in numbers},
                columns["how"]: pl.String})
    config: dict[str, Any] = {columns[k]: st.column_config.NumberColumn(format="localized")
                              for k in numbers if k != "growth_rate"}
    config[columns["growth_rate"]] = st.column_config.NumberColumn(format="percent")
    config[columns["how"]] = st.column_config.TextColumn(width="medium")
    st.dataframe(table, hide_index=True, column_config=config, key="growth_accounts", placeholder="—")
    _notes(filters, rows)


def _escape(text: str) -> str:
    """User text (account names) inside markdown: shown literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _notes(filters: Filters, rows: list[dict[str, Any]]) -> None:
    notes: list[str] = []
    for row in rows:
        who = f"**{_escape(_account_label(row['platform'], row['account']))}**"
        if not row["days_with_value"]:
            notes.append(tr("growth.note.partial", account=who))
        if row["days_baseline"]:
            notes.append(tr("growth.note.baseline", account=who, start=filters.start.isoformat()))
        if row["days_derived_total"]:
            notes.append(tr("growth.note.derived_total", account=who, days=row["days_derived_total"]))
        if row["days_carried"]:
            notes.append(tr("growth.note.carried", account=who, days=row["days_carried"]))
        if row["net_total_change"]:
            notes.append(tr("growth.note.total_change", account=who, days=row["net_total_change"]))
        if row["net_gained_minus_lost"]:
            notes.append(tr("growth.note.gained_minus_lost", account=who, days=row["net_gained_minus_lost"]))
        if row["followers_start"] is None and not row["days_baseline"] and row["net"] is not None:
            notes.append(tr("growth.note.no_start", account=who))
    with st.expander(tr("growth.notes_title"), expanded=bool(notes)):
        st.markdown("\n".join(f"- {n}" for n in notes) if notes else tr("growth.note.all_reported"))


# -- follows from posts -------------------------------------------------------------------------

def _safe_url(url: str | None) -> str | None:
    return url if url and re.match(r"^https?://", url, re.IGNORECASE) else None


def _follows(filters: Filters) -> None:
    code = lang()
    st.subheader(tr("growth.follows_title"))
    posts = cached(follows_from_posts, filters, TOP_POSTS)
    if posts.is_empty():
        st.caption(tr("growth.follows_empty"))
        return
    summary = cached(follows_summary, filters)
    if summary["share"] is not None:
        st.caption(tr("growth.follows_summary", posts=summary["posts"], follows=format_value(summary["follows"],
                      "count", code), share=format_value(summary["share"], "rate", code),
                      net=format_value(summary["net"], "count", code)))
    else:
        st.caption(tr("growth.follows_summary_no_net", posts=summary["posts"],
                      follows=format_value(summary["follows"], "count", code)))
    names = {"post": tr("growth.col_post"), "follows": tr("growth.col_follows"), "share": tr("growth.col_share"),
             "account": tr("growth.col_account"), "published": tr("growth.col_published"),
             "link": tr("growth.col_link")}
    table = pl.DataFrame(
        [{names["post"]: r["label"], names["follows"]: r["follows"], names["share"]: r["share_of_net"],
          names["account"]: _account_label(r["platform"], r["account"]), names["published"]: r["published_local"],
          names["link"]: _safe_url(r["url"])} for r in posts.to_dicts()],
        schema={names["post"]: pl.String, names["follows"]: pl.Float64, names["share"]: pl.Float64,
                names["account"]: pl.String, names["published"]: pl.Datetime("us"), names["link"]: pl.String})
    st.markdown(f"**{tr('growth.follows_top', count=min(TOP_POSTS, posts.height))}**")
    st.dataframe(table, hide_index=True, key="growth_follows", placeholder="—", column_config={
        names["post"]: st.column_config.TextColumn(width="large"),
        names["follows"]: st.column_config.NumberColumn(format="localized"),
        names["share"]: st.column_config.NumberColumn(format="percent"),
        names["published"]: st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        names["link"]: st.column_config.LinkColumn(display_text=tr("growth.open_link")),
    })
