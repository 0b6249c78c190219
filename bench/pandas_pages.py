"""The same page metrics written the way a typical dashboard does it: every table loaded into pandas
once (cached, as st.cache_data would), then filtered and grouped in pandas on each page view.

Benchmark code only: pandas never appears in src/. Each function computes the figures its page shows
(period and previous period sums, per-platform breakdowns, daily series, rankings, mixes, heatmaps,
first-touch revenue, lifecycle flows, stages, funnel and cohorts) from the same rows, so the timing
is like for like. tests/unit/test_bench_smoke.py checks a handful of them against the product's
metrics on a tiny workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

SHARED = ["impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "video_views"]
PARTS = ["likes", "comments", "shares", "saves"]


@dataclass
class Frames:
    daily: pd.DataFrame
    posts: pd.DataFrame
    ads: pd.DataFrame
    events: pd.DataFrame
    tz: str


def load(con: duckdb.DuckDBPyConnection, tz: str) -> Frames:
    """SELECT * of each table into pandas (what `pd.read_sql('SELECT * FROM posts')` does)."""
    frames = Frames(con.sql("SELECT * FROM account_daily").df(), con.sql("SELECT * FROM posts").df(),
                    con.sql("SELECT * FROM ad_stats").df(), con.sql("SELECT * FROM events").df(), tz)
    frames.daily["date"] = pd.to_datetime(frames.daily["date"])
    return frames


def _local_day(series: pd.Series, tz: str) -> pd.Series:
    return series.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()


def _previous(start: date, end: date) -> tuple[date, date]:
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def _in(series: pd.Series, start: date, end: date) -> pd.Series:
    return (series >= pd.Timestamp(start)) & (series <= pd.Timestamp(end))


def _posts_in(f: Frames, start: date, end: date) -> pd.DataFrame:
    """Posts published in the period, in workspace days (computed on each view, as the queries do)."""
    local_day = _local_day(f.posts["published_at"], f.tz)
    return f.posts[_in(local_day, start, end)].assign(local_day=local_day)


def _kpis(f: Frames, start: date, end: date) -> dict[str, float]:
    daily = f.daily[_in(f.daily["date"], start, end)]
    posts = _posts_in(f, start, end)
    out = {m: float(daily[m].sum()) for m in SHARED}
    out["followers_gained"] = float(daily["followers_gained"].sum())
    out["followers_lost"] = float(daily["followers_lost"].sum())
    out["followers_net"] = out["followers_gained"] - out["followers_lost"]
    last = f.daily[f.daily["date"] <= pd.Timestamp(end)].sort_values("date").groupby(["platform", "account"]).tail(1)
    out["followers_end"] = float(last["followers"].sum())
    out["posts"] = float(len(posts))
    interactions = sum(out[p] for p in PARTS)
    out["interactions"] = interactions
    out["engagement_rate"] = interactions / out["reach"] if out["reach"] else np.nan
    out["ctr"] = out["clicks"] / out["impressions"] if out["impressions"] else np.nan
    return out


def overview(f: Frames, start: date, end: date) -> dict:
    current, previous = _kpis(f, start, end), _kpis(f, *_previous(start, end))
    daily = f.daily[_in(f.daily["date"], start, end)]
    by_platform = daily.groupby("platform")[SHARED + ["followers_gained", "followers_lost"]].sum()
    by_platform["engagement_rate"] = by_platform[PARTS].sum(axis=1) / by_platform["reach"]
    series = daily.groupby(["date", "platform"])[SHARED].sum().reset_index()
    prev = f.daily[_in(f.daily["date"], *_previous(start, end))].groupby("platform")[SHARED].sum()
    changes = ((by_platform[SHARED] - prev) / prev).stack().sort_values(key=np.abs, ascending=False).head(5)
    # the paid tiles (spend, revenue, ROAS ...) of a workspace with channel data, this period and the last
    paid = channels(f, start, end), channels(f, *_previous(start, end))
    return {"kpis": current, "previous": previous, "by_platform": by_platform, "series": series, "changes": changes,
            "paid": paid}


def growth(f: Frames, start: date, end: date) -> dict:
    daily = f.daily[_in(f.daily["date"], start, end)].sort_values("date")
    per_day = daily.groupby(["date", "platform"])[["followers", "followers_gained", "followers_lost"]].sum()
    per_account = daily.groupby(["platform", "account"]).agg(
        followers_end=("followers", "last"), gained=("followers_gained", "sum"), lost=("followers_lost", "sum"))
    before = f.daily[f.daily["date"] < pd.Timestamp(start)].sort_values("date").groupby(["platform", "account"])[
        "followers"].last()
    per_account["growth_rate"] = (per_account["gained"] - per_account["lost"]) / before.reindex(per_account.index)
    posts = _posts_in(f, start, end)
    top_follows = posts.nlargest(10, "follows")[["platform", "account", "post_id", "title", "follows"]]
    return {"kpis": _kpis(f, start, end), "previous": _kpis(f, *_previous(start, end)), "per_day": per_day,
            "per_account": per_account, "top_follows": top_follows, "follows": float(posts["follows"].sum())}


def content(f: Frames, start: date, end: date) -> dict:
    posts = _posts_in(f, start, end).copy()
    posts["interactions"] = posts[PARTS].fillna(0).sum(axis=1)
    posts["engagement_rate"] = posts["interactions"] / posts["reach"]
    ranked = posts.dropna(subset=["engagement_rate"]).sort_values("engagement_rate", ascending=False)
    local = posts["published_at"].dt.tz_convert(f.tz)
    heat = posts.assign(weekday=local.dt.day_of_week, hour=local.dt.hour).groupby(["weekday", "hour"])[
        "engagement_rate"].median()
    mix = posts.groupby("content_type").agg(posts=("post_id", "count"), interactions=("interactions", "sum"),
                                            reach=("reach", "sum"))
    cadence = posts.groupby([pd.Grouper(key="local_day", freq="W-MON"), "platform"]).size()
    video = posts[posts["video_views"].notna()]
    video_stats = video.groupby("platform").agg(views=("video_views", "sum"), watch=("watch_time_s", "sum"),
                                                completion=("completion_rate", "mean"))
    table = posts.sort_values("published_at", ascending=False).head(2000)
    return {"kpis": _kpis(f, start, end), "previous": _kpis(f, *_previous(start, end)), "top": ranked.head(5),
            "bottom": ranked.tail(5), "heatmap": heat, "mix": mix, "cadence": cadence, "video": video_stats,
            "table": table, "count": len(posts)}


def _first_touch(f: Frames) -> pd.Series:
    events = f.events[f.events["channel"].notna() & (f.events["channel"].str.strip() != "")]
    first = events.sort_values("occurred_at").drop_duplicates("user_id")
    return first.set_index("user_id")["channel"].str.strip()


def channels(f: Frames, start: date, end: date, conversion_events=("purchase",)) -> dict:
    ads = f.ads[(f.ads["date_end"] >= pd.Timestamp(start)) & (f.ads["date_start"] <= pd.Timestamp(end))]
    spend = ads.groupby("channel")[["spend", "impressions", "clicks", "conversions", "conversion_value"]].sum()
    touch = _first_touch(f)
    orders = f.events[f.events["event_type"].str.lower().isin(conversion_events)].copy()
    orders["day"] = _local_day(orders["occurred_at"], f.tz)
    first_order = orders.groupby("user_id")["occurred_at"].transform("min") == orders["occurred_at"]
    orders = orders[_in(orders["day"], start, end)].assign(first=first_order)
    orders["channel"] = orders["user_id"].map(touch).fillna(orders["channel"])
    revenue = orders.groupby("channel").agg(orders=("event_key", "count"), revenue=("revenue", "sum"),
                                            new_customers=("first", "sum"))
    table = spend.join(revenue, how="outer")
    table["roas"] = table["revenue"] / table["spend"]
    table["cpa"] = table["spend"] / table["orders"]
    trend = ads.groupby(["date_start", "channel"])["spend"].sum()
    campaigns = ads.groupby(["channel", "campaign"])[["spend", "clicks", "conversions", "conversion_value"]].sum()
    return {"table": table, "trend": trend, "campaigns": campaigns}


def lifecycle(f: Frames, start: date, end: date, new_days=7, active_days=7, churn_days=30) -> dict:
    events = f.events[f.events["user_id"].notna()]
    days = pd.DataFrame({"user_id": events["user_id"], "day": _local_day(events["occurred_at"], f.tz)})
    days = days[days["day"] <= pd.Timestamp(end)].drop_duplicates()
    users = days.groupby("user_id")["day"].agg(first_day="min", last_day="max")
    # daily flows over the period
    flows = []
    active_by_day = days.groupby("day")["user_id"].apply(set)
    for day in pd.date_range(start, end):
        today = active_by_day.get(day, set())
        yesterday = active_by_day.get(day - pd.Timedelta(days=1), set())
        new = {u for u in today if users.at[u, "first_day"] == day}
        flows.append({"day": day, "new": len(new), "retained": len(today & yesterday),
                      "resurrected": len(today - yesterday - new), "dormant": -len(yesterday - today)})
    on = pd.Timestamp(end)
    since_first, since_last = (on - users["first_day"]).dt.days, (on - users["last_day"]).dt.days
    stage = np.select([since_first < new_days, since_last < active_days, since_last < churn_days],
                      ["new", "active", "silent"], "churned")
    stages = pd.Series(stage).value_counts()
    acquired = users[_in(users["first_day"], start, end)]
    revenue = events[events["event_type"] == "purchase"].groupby("user_id")["revenue"].sum()
    funnel = {"acquired": len(acquired), "converted": int(acquired.index.isin(revenue.index).sum())}
    cohorts = days.merge(users["first_day"], left_on="user_id", right_index=True)
    cohorts = cohorts[_in(cohorts["first_day"], start - timedelta(days=7 * 12), end)]
    cohorts["cohort"] = cohorts["first_day"].dt.to_period("W").dt.start_time
    cohorts["age"] = (cohorts["day"] - cohorts["cohort"]).dt.days // 7
    retention = cohorts.groupby(["cohort", "age"])["user_id"].nunique().unstack(fill_value=0)
    touch = _first_touch(f)
    by_channel = acquired.assign(channel=acquired.index.map(touch)).groupby("channel").size()
    return {"flows": pd.DataFrame(flows), "stages": stages, "funnel": funnel, "retention": retention,
            "revenue": revenue.sum(), "channels": by_channel,
            "active": days[_in(days["day"], start, end)].groupby("day")["user_id"].nunique()}


def targets(f: Frames, start: date, end: date) -> dict:
    return {"kpis": _kpis(f, start, end)}


PAGES = {"overview": overview, "growth": growth, "content": content, "channels": channels, "lifecycle": lifecycle,
         "targets": targets}
