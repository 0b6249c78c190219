"""The weekly review (review.py) and its report (report.py): a hand-built ISO week with exact KPI
numbers, statuses and missing reasons; notes and action items round trip and validation; last
week's open items carried, done ones not; the HTML report (the week's numbers, escaped hostile
text, no external reference), the CSV (neutralised), the PDF (Chromium), and the CLI."""

import csv
import io
import os
import sys
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.metrics.filters import Filters
from dashboard.report import (
    ReportError,
    chromium_path,
    kpi_csv,
    kpi_display,
    report_html,
    report_pdf,
    safe_url,
)
from dashboard.review import (
    BadWeek,
    KpiRow,
    NotesValidationError,
    carried_items,
    carry_forward,
    default_week,
    last_complete_week,
    load_notes,
    parse_week,
    previous_week,
    ranked_posts,
    save_notes,
    set_done,
    weekly_review,
    weeks_with_data,
)
from dashboard.settings import set_setting
from dashboard.store.db import Store
from dashboard.targets import create_target

HOSTILE_TITLE = "Launch <script>alert(1)</script> & more"
HOSTILE_NOTE = "Reach fell:\n<script>alert('note')</script>\n<img src=x onerror=alert(2)>"


def put(store, table, columns, rows):
    with store.write() as cur:
        for row in rows:
            cur.run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", list(row))


def at(month, day, hour=12):
    return datetime(2026, month, day, hour, tzinfo=UTC)


# ISO weeks: 2026-W07 = Feb 9-15, W08 = Feb 16-22, W09 = Feb 23-Mar 1, W10 = Mar 2-8, W11 = Mar 9-15.
DAILY = ("platform", "account", "date", "followers", "impressions", "reach", "likes", "comments", "shares", "saves")
DAILY_ROWS = [
    ("x", "a", date(2026, 2, 13), 990, None, None, None, None, None, None),   # the follower total before W09
    ("x", "a", date(2026, 2, 27), 1000, 1000, 500, 20, 5, 0, 0),
    ("x", "a", date(2026, 3, 1), 1010, 1000, 500, 30, 0, 0, 0),
    ("x", "a", date(2026, 3, 3), 1030, 2000, 800, 40, 8, 2, 0),
    ("x", "a", date(2026, 3, 5), 1040, 1000, 200, 10, 0, 0, 0),
]
# W09: impressions 2000, reach 1000, interactions 25 + 30 = 55, followers 990 -> 1010 (net 20)
# W10: impressions 3000, reach 1000, interactions 50 + 10 = 60, followers 1010 -> 1040 (net 30)
POST = ("platform", "account", "post_id", "published_at", "content_type", "title", "url", "reach", "likes",
        "comments")
POST_ROWS = [  # on days with daily rows, so the daily sums above stay the week's totals
    ("x", "a", "p0", at(2, 27), "image", "Old post", None, 100, 3, None),
    ("x", "a", "p1", at(3, 3, 10), "short_video", HOSTILE_TITLE, "https://x.com/a/1", 400, 30, 5),   # rate 0.0875
    ("x", "a", "p2", at(3, 5, 9), "image", "Tea 101", "javascript:alert(3)", 200, 10, None),          # rate 0.05
    ("x", "a", "p3", at(3, 5, 15), "short_video", "Matcha", None, 100, 2, None),                       # rate 0.02
]
EVENTS = ("event_key", "user_id", "occurred_at", "event_type", "channel")
EVENT_ROWS = [
    ("e1", "u1", at(2, 25), "visit", "organic"), ("e2", "u1", at(3, 4), "visit", "organic"),  # retained in W10
    ("e3", "u2", at(3, 6), "visit", "wechat"),                                                  # new in W10
    ("e4", "u3", at(2, 26), "visit", "organic"),                                                # dormant in W10
]


def build(store: Store) -> Store:
    put(store, "account_daily", DAILY, DAILY_ROWS)
    put(store, "posts", POST, POST_ROWS)
    put(store, "events", EVENTS, EVENT_ROWS)
    for target in (
        {"metric": "engagement_rate", "period_type": "month", "period_start": date(2026, 3, 1), "value": 0.05},
        {"metric": "posts", "period_type": "week", "period_start": date(2026, 3, 2), "value": 2},
        {"metric": "impressions", "period_type": "week", "period_start": date(2026, 3, 2), "value": 4000,
         "floor": 3500},
        {"metric": "negative_comment_share", "period_type": "month", "period_start": date(2026, 3, 1),
         "value": 0.05},
        {"metric": "video_views", "period_type": "week", "period_start": date(2026, 3, 2), "value": 100},
        {"metric": "spend", "channel": "=1+2", "period_type": "week", "period_start": date(2026, 3, 2),
         "value": 100},
    ):
        create_target(store, target, "test")
    return store


@pytest.fixture
def week(store):
    return build(store)


def rows_by_key(review) -> dict[tuple, KpiRow]:
    return {(r.metric, r.platform, r.channel): r for r in review.kpis}


# -- weeks ----------------------------------------------------------------------------------------

def test_week_labels_are_parsed_strictly():
    assert parse_week("2026-W47") == ("2026-W47", date(2026, 11, 16), date(2026, 11, 22))
    assert parse_week(" 2026w5 ") == ("2026-W05", date(2026, 1, 26), date(2026, 2, 1))
    assert parse_week("2026-W53")[1] == date(2026, 12, 28)  # 2026 has 53 ISO weeks
    for bad in ("2026-47", "2025-W53", "2026-W00", "2026-W54", "W47", "", "2026-W47x", None):
        with pytest.raises(BadWeek):
            parse_week(bad)
    assert previous_week("2026-W01") == "2025-W52"


def test_the_default_week_is_the_last_complete_one(store):
    assert last_complete_week(date(2026, 11, 24)) == "2026-W47"  # a Tuesday
    assert last_complete_week(date(2026, 11, 23)) == "2026-W47"  # Monday: the week that ended yesterday
    assert last_complete_week(date(2026, 11, 22)) == "2026-W46"  # Sunday: this week is not over
    assert default_week(store, date(2026, 3, 10)) == "2026-W10"


def test_weeks_with_data_newest_first(week):
    assert weeks_with_data(week) == ["2026-W10", "2026-W09", "2026-W07"]


# -- the KPI table --------------------------------------------------------------------------------

def test_kpi_table_has_the_hand_computed_numbers_statuses_and_reasons(week):
    review = weekly_review(week, "2026-W10", "en")
    assert (review.iso_week, review.start, review.end) == ("2026-W10", date(2026, 3, 2), date(2026, 3, 8))
    assert (review.previous_week, review.previous_start, review.previous_end) == (
        "2026-W09", date(2026, 2, 23), date(2026, 3, 1))
    rows = rows_by_key(review)
    assert [k for k in rows] == [
        (k, None, None) for k in ("followers_end", "followers_net", "follower_growth_rate", "impressions", "reach",
                                  "interactions", "engagement_rate", "posts", "short_videos",
                                  "negative_comment_share", "crisis_reply_minutes", "video_views")
    ] + [("spend", None, "=1+2")]

    def check(key, this, last, change, reasons, scope=(None, None)):
        row = rows[(key, *scope)]
        assert row.this_week == pytest.approx(this) if this is not None else row.this_week is None, key
        assert row.last_week == pytest.approx(last) if last is not None else row.last_week is None, key
        assert row.change == pytest.approx(change) if change is not None else row.change is None, key
        assert row.reasons == reasons, key
        return row

    no_target = [("target", "no_target")]
    check("followers_end", 1040, 1010, 30 / 1010, no_target)
    check("followers_net", 30, 20, 0.5, no_target)
    growth = check("follower_growth_rate", 30 / 1010, 20 / 990, (30 / 1010 - 20 / 990) / (20 / 990), no_target)
    assert growth.change_points == pytest.approx(30 / 1010 - 20 / 990)
    check("reach", 1000, 1000, 0.0, no_target)
    check("interactions", 60, 55, 5 / 55, no_target)
    check("short_videos", 2, 0, None, no_target)  # last week 0: no relative change

    impressions = check("impressions", 3000, 2000, 0.5, [])
    assert (impressions.target, impressions.target_period, impressions.status, impressions.band) == (
        4000, "week", "behind", "below_floor")  # 3000 / 4000 = 0.75 of the pace; under the 3500 floor
    rate = check("engagement_rate", 0.06, 0.055, 0.06 / 0.055 - 1, [])
    assert rate.change_points == pytest.approx(0.005)
    # a monthly target: judged month to date on Sunday Mar 8: (30 + 50 + 10) / (500 + 800 + 200) = 6% vs 5%
    assert (rate.target, rate.target_period, rate.status) == (0.05, "month", "ahead")
    assert rate.target_actual == pytest.approx(0.06)
    assert (rate.target_start, rate.target_end) == (date(2026, 3, 1), date(2026, 3, 31))
    posts = check("posts", 3, 1, 2.0, [])
    assert (posts.target, posts.status) == (2, "ahead")

    # missing values say why
    share = check("negative_comment_share", None, None, None,
                  [("this_week", "no_data"), ("last_week", "no_data")])  # no comments imported at all
    assert (share.target, share.status, share.target_reason) == (0.05, None, "no_data")
    check("crisis_reply_minutes", None, None, None, [("this_week", "no_data"), ("last_week", "no_data"),
                                                     ("target", "no_target")])
    # daily rows and posts are there, but nothing reports video views: said once for both weeks
    check("video_views", None, None, None, [("this_week", "not_reported")])
    spend = check("spend", None, None, None, [("this_week", "no_data"), ("last_week", "no_data")],
                  scope=(None, "=1+2"))
    assert (spend.target, spend.target_period) == (100, "week")


def test_kpi_display_texts(week):
    review = weekly_review(week, "2026-W10", "en")
    shown = {r["key"] + ("·" + r["scope"] if r["scope"] != "all platforms" else ""): r for r in kpi_display(review)}
    assert shown["impressions"] | {} == shown["impressions"]
    assert (shown["impressions"]["this_week"], shown["impressions"]["last_week"], shown["impressions"]["change"]) == (
        "3,000", "2,000", "+50.0%")
    assert shown["impressions"]["status"] == "Behind · Below floor"
    assert shown["engagement_rate"]["metric"] == "Engagement rate (÷ reach)"
    assert shown["engagement_rate"]["change"] == "+0.50 pts"
    assert shown["engagement_rate"]["target"] == "Month target at least 5.00% · so far 6.00%"
    assert shown["followers_end"]["reason"] == "no target set"
    assert shown["video_views"]["reason"] == "the platform does not report this metric"
    assert shown["spend·=1+2"]["reason"] == "no data imported for this week · no data imported for last week"
    zh = {r["key"]: r for r in kpi_display(review, "zh")}
    assert zh["negative_comment_share"]["reason"] == "本周没有导入数据 · 上周没有导入数据"
    assert zh["impressions"]["this_week"] == "3,000" and zh["followers_end"]["reason"] == "未设目标"


def test_a_week_without_any_data_says_so_on_every_row(week):
    review = weekly_review(week, "2026-W12", "en")
    assert not review.week_has_data and review.has_data
    assert all(r.this_week is None and r.this_week_reason == "no_data" for r in review.kpis)
    assert review.top_posts.is_empty() and review.bottom_posts.is_empty()
    assert "No data was imported for 2026-W12" in report_html(review, include_plotlyjs=False)


def test_top_and_bottom_posts_by_engagement_rate(week):
    review = weekly_review(week, "2026-W10", "en")
    assert review.posts_metric == "engagement_rate"
    assert review.top_posts["post_id"].to_list() == ["p1", "p2", "p3"]  # 3 posts: all in the top 5
    assert review.top_posts["engagement_rate"].to_list() == pytest.approx([35 / 400, 10 / 200, 2 / 100])
    assert review.bottom_posts.is_empty()  # a post is never in both lists
    filters = Filters(date(2026, 3, 2), date(2026, 3, 8))
    metric, top, bottom = ranked_posts(week, filters, n=1)
    assert (metric, top["post_id"].to_list(), bottom["post_id"].to_list()) == ("engagement_rate", ["p1"], ["p3"])
    set_setting(week, "engagement_denominator", "impressions")  # no post reports impressions: rank by interactions
    metric, top, _ = ranked_posts(week, Filters(date(2026, 3, 2), date(2026, 3, 8), denominator="impressions"), n=1)
    assert (metric, top["post_id"].to_list()) == ("interactions", ["p1"])


def test_lifecycle_flows_of_the_week_and_no_channel_data(week):
    review = weekly_review(week, "2026-W10", "en")
    frame = review.lifecycle
    assert frame.height == 8 and frame["period_start"].to_list()[-1] == date(2026, 3, 2)
    this = frame.row(-1, named=True)
    assert {k: this[k] for k in ("new", "retained", "resurrected", "dormant", "churned", "active")} == {
        "new": 1, "retained": 1, "resurrected": 0, "dormant": -1, "churned": 0, "active": 2}
    last = frame.row(-2, named=True)
    assert (last["new"], last["active"]) == (2, 2)
    assert review.channels is None  # no ads, costs or orders
    assert review.alerts.is_empty()


def test_channel_roi_and_the_alerts_of_the_week(week):
    put(week, "ad_stats", ("channel", "account", "campaign", "ad_group", "ad", "date_start", "date_end", "spend",
                           "currency", "conversions"),
        [("google_ads", "acct", "Spring", "", "", date(2026, 3, d), date(2026, 3, d), 10.0, "CNY", 0.0)
         for d in (3, 4, 5)])
    review = weekly_review(week, "2026-W10", "en")
    channels = review.channels.to_dicts()
    assert [(c["channel"], c["cost"], c["spend"], c["conversions"]) for c in channels] == [
        ("google_ads", 30.0, 30.0, 0.0)]
    rows = rows_by_key(review)
    assert (rows[("spend", None, None)].this_week, rows[("spend", None, None)].last_week) == (30.0, None)
    assert rows[("spend", None, None)].reasons == [("last_week", "no_data"), ("target", "no_target")]
    alerts = review.alerts.to_dicts()
    assert [(a["kind"], a["channel"], a["start_date"], a["date"], a["value"], a["days"]) for a in alerts] == [
        ("spend_no_conversions", "google_ads", date(2026, 3, 3), date(2026, 3, 5), 30.0, 3)]
    page = report_html(review, include_plotlyjs=False)
    assert "30 spent over 3 days (2026-03-03 to 2026-03-05) with no conversion" in page
    assert "Google Ads" in page


def test_the_review_works_without_the_channel_and_lifecycle_modules(week, monkeypatch):
    monkeypatch.setitem(sys.modules, "dashboard.metrics.channels", None)  # import fails
    monkeypatch.setitem(sys.modules, "dashboard.metrics.lifecycle", None)
    review = weekly_review(week, "2026-W10", "en")
    assert review.channels is None and review.lifecycle is None
    assert rows_by_key(review)[("impressions", None, None)].this_week == 3000
    page = report_html(review, include_plotlyjs=False)
    assert "No channel data" in page and "No user events" in page


# -- notes and action items -----------------------------------------------------------------------

def test_notes_and_action_items_round_trip(store):
    saved = save_notes(store, "2026-W10", "  We agreed to post at 8 pm.  ", [
        {"text": "Brief the KOL", "owner": "Ann", "due": "2026-03-12", "done": False},
        {"text": "Fix the bio", "owner": None, "due": None, "done": True},
        {"text": None, "owner": None, "due": None, "done": None},  # an empty new row: dropped
    ])
    loaded = load_notes(store, "2026-W10")
    assert loaded.notes == "We agreed to post at 8 pm."
    assert [(i.text, i.owner, i.due, i.done) for i in loaded.action_items] == [
        ("Brief the KOL", "Ann", date(2026, 3, 12), False), ("Fix the bio", None, None, True)]
    assert [i.id for i in loaded.action_items] == [i.id for i in saved.action_items]
    assert loaded.updated_at == saved.updated_at is not None
    assert load_notes(store, "2026-W11").action_items == [] and load_notes(store, "2026-W11").notes == ""
    # ids are kept on the next save: edit one, remove the other
    first = loaded.action_items[0]
    save_notes(store, "2026-W10", "", [{"id": first.id, "text": "Brief the KOL today", "owner": "Ann",
                                        "due": date(2026, 3, 10), "done": True}])
    again = load_notes(store, "2026-W10")
    assert [(i.id, i.text, i.due, i.done) for i in again.action_items] == [
        (first.id, "Brief the KOL today", date(2026, 3, 10), True)]
    assert again.notes == ""


def test_invalid_action_items_are_named_and_nothing_is_written(store):
    save_notes(store, "2026-W10", "kept", [{"text": "kept item"}])
    before = load_notes(store, "2026-W10")
    with pytest.raises(NotesValidationError) as caught:
        save_notes(store, "2026-W10", "changed", [
            {"text": "ok"}, {"text": "", "owner": "Lee"}, {"text": "x", "due": "next week"},
            {"text": "y", "owner": "o" * 81}])
    assert [(e.row, e.field, e.code) for e in caught.value.errors] == [
        (2, "text", "required"), (3, "due", "not_a_date"), (4, "owner", "string_too_long")]
    assert caught.value.errors[2].params == {"max_length": 80}
    assert load_notes(store, "2026-W10") == before
    # a save based on an older version is refused when asked to check
    with pytest.raises(NotesValidationError) as stale:
        save_notes(store, "2026-W10", "late", [], expected_updated_at=datetime(2020, 1, 1, tzinfo=UTC), check=True)
    assert [e.code for e in stale.value.errors] == ["changed_elsewhere"]
    with pytest.raises(BadWeek):
        save_notes(store, "2026-W99", "", [])


def test_last_weeks_open_items_are_carried_and_done_ones_are_not(store):
    save_notes(store, "2026-W09", "", [{"text": "A open", "owner": "Ann"}, {"text": "B done", "done": True},
                                       {"text": "C open", "due": "2026-03-04"}])
    ids = {i.text: i.id for i in load_notes(store, "2026-W09").action_items}
    assert [i.text for i in carried_items(store, "2026-W10")] == ["A open", "C open"]
    assert load_notes(store, "2026-W10").action_items == []  # shown as carried, never copied silently

    assert carry_forward(store, "2026-W10", [ids["A open"]]) == 1
    this_week = load_notes(store, "2026-W10").action_items
    assert [(i.text, i.owner, i.carried_from, i.done) for i in this_week] == [("A open", "Ann", "2026-W09", False)]
    assert this_week[0].id != ids["A open"]
    assert {i.text: i.carried_to for i in load_notes(store, "2026-W09").action_items} == {
        "A open": "2026-W10", "B done": None, "C open": None}
    assert [i.text for i in carried_items(store, "2026-W10")] == ["C open"]

    assert set_done(store, "2026-W09", ids["C open"]) is True
    assert carried_items(store, "2026-W10") == []
    assert set_done(store, "2026-W09", "no-such-id") is False
    assert carry_forward(store, "2026-W10") == 0  # nothing open is left

    # saving this week's table keeps the carried marker of the copied item (the table does not carry it)
    copied = load_notes(store, "2026-W10").action_items[0]
    save_notes(store, "2026-W10", "notes", [{"id": copied.id, "text": "A open, started", "owner": "Ann"},
                                            {"text": "new one"}])
    assert [(i.text, i.carried_from) for i in load_notes(store, "2026-W10").action_items] == [
        ("A open, started", "2026-W09"), ("new one", None)]


def test_the_review_shows_the_weeks_notes_and_last_weeks_open_items(week):
    save_notes(week, "2026-W09", "", [{"text": "Open from W09", "owner": "Lee"}, {"text": "Done in W09", "done": True}])
    save_notes(week, "2026-W10", HOSTILE_NOTE, [{"text": "Item <b>bold</b>", "owner": "Ann", "due": "2026-03-12"}])
    review = weekly_review(week, "2026-W10", "en")
    assert review.notes.notes == HOSTILE_NOTE.strip()
    assert [i.text for i in review.carried] == ["Open from W09"]


# -- the report -----------------------------------------------------------------------------------

class _References(HTMLParser):
    """Every URL the document would load by itself (scripts, styles, images, frames, objects)."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        values = dict(attrs)
        for name in ("src", "data", "poster", "srcset", "background"):
            if values.get(name):
                self.loaded.append(values[name])
        if tag == "link" and values.get("href"):
            self.loaded.append(values["href"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])


def test_the_html_report_has_the_weeks_numbers_and_is_self_contained(week):
    save_notes(week, "2026-W09", "", [{"text": "Open from W09", "owner": "Lee"}])
    save_notes(week, "2026-W10", HOSTILE_NOTE, [{"text": "Item <b>bold</b>", "owner": "Ann", "due": "2026-03-12"}])
    page = report_html(weekly_review(week, "2026-W10", "en"))
    # the week's numbers
    assert "Weekly review · 2026-W10" in page
    assert "2026-03-02 to 2026-03-08, compared with 2026-W09 (2026-02-23 to 2026-03-01)" in page
    for text in ("3,000", "2,000", "+50.0%", "1,040", "6.00%", "5.50%", "+0.50 pts", "Behind", "Ahead",
                 "Month target at least 5.00% · so far 6.00%", "no target set",
                 "the platform does not report this metric", "Tea 101", "8.75%", "Open from W09", "Ann",
                 "2026-03-12"):
        assert text in page, text
    # hostile text is escaped: post title, notes, action items
    assert "Launch &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "Item &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>alert(" not in page and "<img" not in page and "<b>bold" not in page
    # self-contained: nothing is loaded from anywhere; plotly.js is inlined; only http(s) post links
    parser = _References()
    parser.feed(page)
    assert parser.loaded == []
    assert "link" not in parser.tags and "iframe" not in parser.tags
    assert "cdn.plot.ly" not in page.split("</script>", 1)[1]  # (the bundle itself names its CDN in a comment)
    assert "url(http" not in page and "@import" not in page
    assert page.count("Plotly.newPlot(") == 3  # two day-by-day charts and the lifecycle flows
    assert parser.links == ["https://x.com/a/1"]  # javascript: links from a file are dropped
    assert 'href="javascript:' not in page


def test_the_html_report_in_chinese(week):
    page = report_html(weekly_review(week, "2026-W10", "zh"), include_plotlyjs=False)
    assert '<html lang="zh-CN">' in page
    for text in ("周会复盘 · 2026-W10", "关键指标", "曝光", "3,000", "+50.0%", "落后", "超前", "未设目标",
                 "月目标 至少 5.00% · 本期至今 6.00%"):
        assert text in page, text


def test_the_kpi_csv_is_neutralised(week):
    data = kpi_csv(weekly_review(week, "2026-W10", "en"))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["metric key", "metric", "scope", "this week 2026-W10", "last week 2026-W09",
                       "change (fraction)", "change (rate difference)", "target", "target period", "status",
                       "why missing"]
    by_key = {(r[0], r[2]): r for r in rows[1:]}
    assert by_key[("impressions", "all platforms")][3:10] == ["3000.0", "2000.0", "0.5", "", "4000.0", "week",
                                                              "behind"]
    assert by_key[("spend", "'=1+2")][10] == "no data imported for this week · no data imported for last week"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row
                   if not cell.lstrip("-").replace(".", "", 1).replace("e-", "", 1).isdigit())


def test_safe_urls():
    assert safe_url("https://x.com/a") == "https://x.com/a"
    assert safe_url(" HTTP://a.b ") == "HTTP://a.b"
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None and safe_url(None) is None


def test_pdf_needs_chromium(monkeypatch):
    monkeypatch.setenv("DASHBOARD_CHROMIUM", "/nonexistent/chromium")
    assert chromium_path() is None
    with pytest.raises(ReportError) as caught:
        report_pdf("<html></html>")
    assert caught.value.code == "no_chromium"


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Chromium is installed here and in CI")
def test_the_pdf_is_printed_by_chromium(week):
    pdf = report_pdf(report_html(weekly_review(week, "2026-W10", "zh")))
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


# -- the command line -----------------------------------------------------------------------------

def test_cli_report_writes_the_same_report(tmp_path, capsys):
    path = tmp_path / "cli.duckdb"
    db = Store(path)
    set_setting(db, "timezone", "UTC")
    build(db)
    db.close()
    out, table = tmp_path / "report.html", tmp_path / "kpis.csv"
    code = main(["report", "--week", "2026-W10", "--out", str(out), "--csv", str(table), "--lang", "en",
                 "--db", str(path)])
    printed = capsys.readouterr().out
    assert code == 0
    assert f"weekly review of 2026-W10 written to {out}" in printed
    page = out.read_text(encoding="utf-8")
    assert "Weekly review · 2026-W10" in page and "3,000" in page and "+50.0%" in page
    assert "3000.0" in table.read_text(encoding="utf-8-sig")


def test_cli_report_refuses_a_bad_week(tmp_path, capsys):
    out = tmp_path / "never.html"
    code = main(["report", "--week", "2026-W60", "--out", str(out), "--db", str(tmp_path / "x.duckdb")])
    assert code == 2
    assert "invalid week '2026-W60': use YYYY-Www, e.g. 2026-W47" in capsys.readouterr().err
    assert not out.exists()
    code = main(["report", "--week", "47", "--out", str(out), "--lang", "zh", "--db", str(tmp_path / "x.duckdb")])
    assert code == 2 and "周「47」无效" in capsys.readouterr().err


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Chromium is installed here and in CI")
def test_cli_report_pdf(tmp_path, capsys):
    path = tmp_path / "p.duckdb"
    db = Store(path)
    set_setting(db, "timezone", "UTC")
    build(db)
    db.close()
    pdf = tmp_path / "r.pdf"
    code = main(["report", "--week", "2026-W10", "--out", str(tmp_path / "r.html"), "--pdf", str(pdf),
                 "--db", str(path), "--json"])
    assert code == 0
    assert Path(pdf).read_bytes().startswith(b"%PDF")
    assert '"pdf": "' in capsys.readouterr().out
