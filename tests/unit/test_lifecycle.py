"""The lifecycle engine, to the letter: a hand-built log in Asia/Shanghai where every flow count,
stage, funnel step and cohort cell is worked out by hand below, then an independent cross-check
(plain Python over the rows) on a random log of a few thousand events."""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dashboard.metrics.lifecycle import (
    STAGES,
    STEPS,
    LifecycleParams,
    active_summary,
    active_users,
    channel_comparison,
    cohort_retention,
    cohort_revenue,
    event_span,
    flows,
    funnel,
    funnel_users,
    has_events,
    params_from_settings,
    settings_values,
    stage_snapshot,
    stage_users,
    threshold_problems,
)
from dashboard.settings import set_setting

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLUMNS = ("event_key", "user_id", "occurred_at", "event_type", "channel", "revenue")


def local(text: str, tz: ZoneInfo = SHANGHAI) -> datetime:
    """'2026-03-01 23:30' in the workspace zone -> the UTC instant the store keeps."""
    return datetime.fromisoformat(text).replace(tzinfo=tz).astimezone(UTC)


def put_events(store, rows) -> None:
    with store.write() as cur:
        for row in rows:
            cur.run(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", list(row))


# Local (Shanghai) times. ISO weeks: Feb 23-Mar 1, Mar 2-8, Mar 9-15, Mar 16-22, Mar 23-29 ...
# 2026-03-01 23:30 local is 15:30 UTC; 03-02 07:30 local is still Sunday 03-01 23:30 in UTC.
LOG = [
    # F: active once, long ago (churns on Feb 1 + 30 = Mar 3)
    ("f1", "F", "2026-02-01 09:00", "signup", "organic", None),
    # D: seen before the window; first event without a channel (first touch = first known channel)
    ("d1", "D", "2026-02-10 10:00", "signup", None, None),
    ("d2", "D", "2026-03-05 10:00", "view_product", "wechat", None),
    ("d3", "D", "2026-03-09 10:00", "view_product", "wechat", None),
    # A: signs up on Sunday 23:30, joins a group on Monday 07:30 (Sunday in UTC); duplicate events
    ("a1", "A", "2026-03-01 23:30", "signup", "xiaohongshu", None),
    ("a2", "A", "2026-03-02 07:30", "join_group", "xiaohongshu", None),
    ("a2-dup", "A", "2026-03-02 07:30", "join_group", "xiaohongshu", None),
    ("a3", "A", "2026-03-10 12:00", "purchase", "xiaohongshu", 100.0),
    ("a3-dup", "A", "2026-03-10 12:00", "purchase", "xiaohongshu", 100.0),
    ("a4", "A", "2026-03-20 09:00", "Purchase ", "xiaohongshu", 50.0),  # types compare trimmed, lower case
    # C: signs up Monday 00:30 (Sunday 16:30 UTC), then a gap longer than the churn window
    ("c1", "C", "2026-03-02 00:30", "signup", "douyin", None),
    ("c2", "C", "2026-03-04 10:00", "like", "douyin", None),
    ("c3", "C", "2026-04-20 10:00", "message", "douyin", None),
    # B: active only once
    ("b1", "B", "2026-03-03 10:00", "signup", "douyin", None),
    # E: Sunday 23:59 then Monday 00:01 (two weeks), a comment, a purchase
    ("e1", "E", "2026-03-08 23:59", "signup", "wechat", None),
    ("e2", "E", "2026-03-09 00:01", "check_in", "wechat", None),
    ("e3", "E", "2026-03-16 20:00", "comment", "wechat", None),
    ("e4", "E", "2026-03-18 12:00", "purchase", "wechat", 30.0),
    # H: seen once, exactly new_days (7) before 03-20; a blank channel is no channel
    ("h1", "H", "2026-03-13 08:00", "signup", "  ", None),
    # G: seen once, 6 days before 03-20
    ("g1", "G", "2026-03-14 10:00", "signup", "tiktok", None),
]


@pytest.fixture
def log(store_shanghai):
    put_events(store_shanghai, [(k, u, local(t), e, c, r) for k, u, t, e, c, r in LOG])
    return store_shanghai


@pytest.fixture
def params(log) -> LifecycleParams:
    p = params_from_settings(log)
    assert (p.tz, p.new_days, p.active_days, p.churn_days, p.activation_days, p.retention_days) == (
        "Asia/Shanghai", 7, 7, 30, 7, 7)
    assert p.activation_events == ("join_group", "message", "check_in", "comment", "like")
    assert p.conversion_events == ("purchase",)
    return p


def by_key(frame, key):
    return {r[key]: r for r in frame.iter_rows(named=True)}


def flow_rows(frame):
    return {r["period_start"]: (r["new"], r["retained"], r["resurrected"], r["dormant"], r["churned"], r["active"])
            for r in frame.iter_rows(named=True)}


# -- flows ---------------------------------------------------------------------------------------

def test_weekly_flows_by_hand(log, params):
    frame = flows(log, params, "week", date(2026, 3, 2), date(2026, 3, 29))
    assert frame["period_start"].to_list() == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16),
                                               date(2026, 3, 23)]
    assert frame["complete"].to_list() == [True] * 4
    # weeks active (local): F Jan 26 | D Feb 9, Mar 2, Mar 9 | A Feb 23, Mar 2, 9, 16 | C Mar 2 (Apr 20 is
    # after the end) | B Mar 2 | E Mar 2, 9, 16 | H Mar 9 | G Mar 9
    assert flow_rows(frame) == {
        # new C, B, E; A retained (active Feb 23); D resurrected (last seen Feb 9); F churns Mar 3
        date(2026, 3, 2): (3, 1, 1, 0, 1, 5),
        # new H, G; D, A, E retained; C, B dormant
        date(2026, 3, 9): (2, 3, 0, -2, 0, 5),
        # A, E retained; D, H, G dormant
        date(2026, 3, 16): (0, 2, 0, -3, 0, 2),
        # A, E dormant; nobody churns yet (B: Apr 2, C: Apr 3, D: Apr 8)
        date(2026, 3, 23): (0, 0, 0, -2, 0, 0),
    }


def test_monthly_flows_by_hand_with_a_gap_longer_than_the_churn_window(log, params):
    frame = flows(log, params, "month", date(2026, 2, 1), date(2026, 4, 30))
    assert flow_rows(frame) == {
        date(2026, 2, 1): (2, 0, 0, 0, 0, 2),  # F, D new
        # A, C, B, E, H, G new; D retained; F dormant and churned (Mar 3)
        date(2026, 3, 1): (6, 1, 0, -1, 1, 7),
        # C retained (March and April), though it churned on Apr 3 (Mar 4 + 30) first;
        # churned: B Apr 2, C Apr 3, D Apr 8, H Apr 12, G Apr 13, E Apr 17, A Apr 19
        date(2026, 4, 1): (0, 1, 0, -6, 7, 1),
    }


def test_churn_needs_more_than_churn_days_without_activity(store_shanghai):
    # X is back exactly 30 days later (not churned); Y after 31 days (churned on Jan 31)
    put_events(store_shanghai, [("x1", "X", local("2026-01-01 12:00"), "like", None, None),
                                ("x2", "X", local("2026-01-31 12:00"), "like", None, None),
                                ("y1", "Y", local("2026-01-01 12:00"), "like", None, None),
                                ("y2", "Y", local("2026-02-01 12:00"), "like", None, None)])
    p = params_from_settings(store_shanghai)
    days = flow_rows(flows(store_shanghai, p, "day", date(2026, 1, 30), date(2026, 2, 1)))
    assert [days[date(2026, 1, d)][4] for d in (30, 31)] == [0, 1] and days[date(2026, 2, 1)][4] == 0
    months = flow_rows(flows(store_shanghai, p, "month", date(2026, 1, 1), date(2026, 3, 31)))
    # churned: Y on Jan 31; X on Mar 2 (Jan 31 + 30), Y on Mar 3 (Feb 1 + 30)
    assert [months[date(2026, m, 1)][4] for m in (1, 2, 3)] == [1, 0, 2]
    assert stage_users(store_shanghai, p, date(2026, 1, 31), "churned")["user_id"].to_list() == ["Y"]


def test_daily_flows_follow_the_workspace_day(log, params):
    frame = flows(log, params, "day", date(2026, 3, 1), date(2026, 3, 3))
    assert flow_rows(frame) == {
        date(2026, 3, 1): (1, 0, 0, 0, 0, 1),  # A at 23:30
        date(2026, 3, 2): (1, 1, 0, 0, 0, 2),  # C new at 00:30; A retained (07:30)
        date(2026, 3, 3): (1, 0, 0, -2, 1, 1),  # B new; A, C dormant; F churned
    }


def test_the_same_log_in_utc_puts_the_boundary_events_on_sunday(store):
    put_events(store, [(k, u, local(t), e, c, r) for k, u, t, e, c, r in LOG])
    p = params_from_settings(store)
    assert p.tz == "UTC"
    days = flow_rows(flows(store, p, "day", date(2026, 3, 1), date(2026, 3, 2)))
    assert days[date(2026, 3, 1)] == (2, 0, 0, 0, 0, 2)  # A and C are both Sunday in UTC
    assert days[date(2026, 3, 2)] == (0, 0, 0, -2, 0, 0)
    weeks = flow_rows(flows(store, p, "week", date(2026, 2, 23), date(2026, 3, 1)))
    assert weeks[date(2026, 2, 23)] == (2, 0, 0, 0, 0, 2)


def test_a_partial_last_period_is_flagged(log, params):
    frame = flows(log, params, "week", date(2026, 3, 2), date(2026, 3, 10))
    assert frame["complete"].to_list() == [True, False]
    # activity after the end (A on Mar 10 is the end day, kept; H, G on Mar 13-14 are not)
    assert flow_rows(frame)[date(2026, 3, 9)] == (0, 3, 0, -2, 0, 3)


def test_channel_filter_keeps_users_by_first_touch(log):
    p = params_from_settings(log, channels=("douyin", "wechat"))
    frame = flows(log, p, "month", date(2026, 3, 1), date(2026, 3, 31))
    # D (first touch wechat, first event without channel), C, B, E; D retained from February
    assert flow_rows(frame)[date(2026, 3, 1)] == (3, 1, 0, 0, 0, 4)


# -- stages --------------------------------------------------------------------------------------

def test_stage_snapshot_by_hand(log, params):
    # on Mar 20: F churned (47 days), D silent (11), A active (0), C silent (16; Apr 20 not yet),
    # B silent (17), E active (2), H silent (first seen exactly 7 days before), G new (6 days)
    frame = stage_snapshot(log, params, date(2026, 3, 20))
    assert frame["stage"].to_list() == list(STAGES)
    assert frame["users"].to_list() == [1, 2, 4, 1]
    assert frame["share"].to_list() == [1 / 8, 2 / 8, 4 / 8, 1 / 8]


def test_stage_snapshot_at_the_churn_boundary_and_before_anyone(log, params):
    # Mar 1 local: F (28 days) and D (19) silent, A new; C (00:30 on Mar 2) not yet seen
    assert stage_snapshot(log, params, date(2026, 3, 1))["users"].to_list() == [1, 0, 2, 0]
    silent = stage_users(log, params, date(2026, 4, 1), "silent")["user_id"].to_list()
    churned = stage_users(log, params, date(2026, 4, 2), "churned")["user_id"].to_list()
    assert "B" in silent and "B" not in stage_users(log, params, date(2026, 4, 1), "churned")["user_id"]
    assert "B" in churned  # last active Mar 3: 30 days later it is churned
    empty = stage_snapshot(log, params, date(2026, 1, 1))
    assert empty["users"].to_list() == [0, 0, 0, 0] and empty["share"].to_list() == [None] * 4


def test_stage_users_carry_first_seen_last_active_revenue_and_channel(log, params):
    silent = stage_users(log, params, date(2026, 3, 20), "silent")
    assert silent.rows() == [
        ("H", None, date(2026, 3, 13), date(2026, 3, 13), 0.0),
        ("D", "wechat", date(2026, 2, 10), date(2026, 3, 9), 0.0),
        ("C", "douyin", date(2026, 3, 2), date(2026, 3, 4), 0.0),
        ("B", "douyin", date(2026, 3, 3), date(2026, 3, 3), 0.0),
    ]
    active = stage_users(log, params, date(2026, 3, 20), "active")
    # A's duplicate purchase counts once: 100 + 50
    assert active.rows() == [("A", "xiaohongshu", date(2026, 3, 1), date(2026, 3, 20), 150.0),
                             ("E", "wechat", date(2026, 3, 8), date(2026, 3, 18), 30.0)]
    assert stage_users(log, params, date(2026, 3, 20), "new")["user_id"].to_list() == ["G"]


# -- funnel --------------------------------------------------------------------------------------

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def test_funnel_overall_by_hand(log, params):
    frame = funnel(log, params, *MARCH)
    # acquired in March: A, C, B, E, H, G. Activated (activation event on days 1-7): A (join_group
    # 8 h after), C (like, 2 d 9.5 h after), E (check_in 2 min after). Retained (active on day 8+):
    # A (Mar 10 12:00), C (Apr 20 10:00), E (Mar 16 20:00). Converted: A (Mar 10 12:00, the moment
    # it was retained), E (Mar 18 12:00, 1 d 16 h after it was retained).
    rows = by_key(frame, "step")
    assert [rows[s]["users"] for s in STEPS] == [6, 3, 3, 2]
    assert [rows[s]["rate_from_previous"] for s in STEPS] == [1.0, 0.5, 1.0, 2 / 3]
    assert [rows[s]["rate_from_start"] for s in STEPS] == [1.0, 0.5, 0.5, 2 / 6]
    assert rows["acquired"]["median_days_from_previous"] is None
    assert rows["activated"]["median_days_from_previous"] == pytest.approx(8 / 24)
    # A 8 d 4.5 h, C 47 d, E 7 d 19 h 59 min
    assert rows["retained"]["median_days_from_previous"] == pytest.approx(8 + 4.5 / 24)
    assert rows["converted"]["median_days_from_previous"] == pytest.approx((0 + 1 + 16 / 24) / 2)


def test_funnel_by_channel_and_by_cohort(log, params):
    by_channel = funnel(log, params, *MARCH, by="channel")
    counts = defaultdict(list)
    for row in by_channel.iter_rows(named=True):
        counts[row["channel"]].append(row["users"])
    assert dict(counts) == {"douyin": [2, 1, 1, 0], "tiktok": [1, 0, 0, 0], "wechat": [1, 1, 1, 1],
                            "xiaohongshu": [1, 1, 1, 1], None: [1, 0, 0, 0]}
    douyin = by_key(by_channel.filter(by_channel["channel"] == "douyin"), "step")
    assert douyin["activated"]["rate_from_previous"] == 0.5 and douyin["converted"]["rate_from_previous"] == 0.0
    assert douyin["retained"]["median_days_from_previous"] == pytest.approx(47.0)

    by_cohort = funnel(log, params, *MARCH, by="cohort", period="week")
    counts = defaultdict(list)
    for row in by_cohort.iter_rows(named=True):
        counts[row["cohort"]].append(row["users"])
    # A's cohort is the week of Feb 23 (Sunday Mar 1); C, B, E the week of Mar 2; H, G of Mar 9
    assert dict(counts) == {date(2026, 2, 23): [1, 1, 1, 1], date(2026, 3, 2): [3, 2, 2, 1],
                            date(2026, 3, 9): [2, 0, 0, 0]}


def test_funnel_users_reached_and_stopped(log, params):
    assert sorted(funnel_users(log, params, *MARCH, "converted")["user_id"]) == ["A", "E"]
    assert sorted(funnel_users(log, params, *MARCH, "acquired", stopped=True)["user_id"]) == ["B", "G", "H"]
    assert funnel_users(log, params, *MARCH, "activated", stopped=True).is_empty()
    assert sorted(funnel_users(log, params, *MARCH, "retained", stopped=True)["user_id"]) == ["C"]


def test_activation_window_and_events_are_thresholds(log):
    # a 2-day window keeps A (day 2) and E (day 2) but not C (like on day 3)
    p = LifecycleParams(tz="Asia/Shanghai", activation_days=2)
    assert funnel(log, p, *MARCH)["users"].to_list() == [6, 2, 2, 2]
    # conversion = a comment: only E (Mar 16 20:00, the moment it was retained)
    p = LifecycleParams(tz="Asia/Shanghai", conversion_events=("comment",))
    rows = by_key(funnel(log, p, *MARCH), "step")
    assert rows["converted"]["users"] == 1 and rows["converted"]["median_days_from_previous"] == 0.0


def test_channel_comparison(log, params):
    rows = by_key(channel_comparison(log, params, *MARCH), "channel")
    assert rows["douyin"]["acquired"] == 2 and rows["douyin"]["activation_rate"] == 0.5
    assert rows["douyin"]["retention_rate"] == 0.5 and rows["douyin"]["conversion_rate"] == 0.0
    assert rows["douyin"]["revenue_per_user"] == 0.0 and rows["douyin"]["repeat_rate"] is None
    assert (rows["xiaohongshu"]["buyers"], rows["xiaohongshu"]["repeat_buyers"], rows["xiaohongshu"]["revenue"]) == (
        1, 1, 150.0)
    assert rows["xiaohongshu"]["repeat_rate"] == 1.0
    assert rows["wechat"]["revenue_per_user"] == 30.0 and rows["wechat"]["repeat_rate"] == 0.0
    assert rows[None]["acquired"] == 1


# -- cohorts -------------------------------------------------------------------------------------

def triangle(frame, column="users"):
    cells = defaultdict(list)
    for row in frame.sort(["is_average", "cohort", "age"]).iter_rows(named=True):
        cells["avg" if row["is_average"] else row["cohort"]].append(row[column])
    return dict(cells)


def test_weekly_cohort_triangle_on_by_hand(log, params):
    frame = cohort_retention(log, params, "week", *MARCH)
    # cohorts: Feb 23 (A), Mar 2 (C, B, E), Mar 9 (H, G), Mar 16 and Mar 30 empty; the last stored
    # activity (C, Apr 20) closes the triangle: ages up to 8, 7 and 6 weeks
    assert triangle(frame) == {
        date(2026, 2, 23): [1, 1, 1, 1, 0, 0, 0, 0, 0],
        date(2026, 3, 2): [3, 1, 1, 0, 0, 0, 0, 1],
        date(2026, 3, 9): [2, 0, 0, 0, 0, 0, 0],
        "avg": [6, 2, 2, 1, 0, 0, 0, 1, 0],
    }
    assert triangle(frame, "cohort_size")["avg"] == [6, 6, 6, 6, 6, 6, 6, 4, 1]
    rates = triangle(frame, "rate")
    assert rates[date(2026, 3, 2)][:3] == [1.0, 1 / 3, 1 / 3]
    assert rates["avg"] == [1.0, 2 / 6, 2 / 6, 1 / 6, 0.0, 0.0, 0.0, 1 / 4, 0.0]


def test_weekly_cohort_triangle_on_or_after_by_hand(log, params):
    frame = cohort_retention(log, params, "week", *MARCH, mode="on_or_after")
    # last active ages: A 3; C 7, B 0, E 2; H 0, G 0
    assert triangle(frame) == {
        date(2026, 2, 23): [1, 1, 1, 1, 0, 0, 0, 0, 0],
        date(2026, 3, 2): [3, 2, 2, 1, 1, 1, 1, 1],
        date(2026, 3, 9): [2, 0, 0, 0, 0, 0, 0],
        "avg": [6, 3, 3, 2, 1, 1, 1, 1, 0],
    }
    assert triangle(frame, "rate")["avg"] == [1.0, 0.5, 0.5, 2 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 4, 0.0]


def test_monthly_cohorts_by_hand(log, params):
    frame = cohort_retention(log, params, "month", date(2026, 2, 1), date(2026, 4, 30))
    # February: F, D (D back in March); March: A, C, B, E, H, G (C back in April)
    assert triangle(frame) == {date(2026, 2, 1): [2, 1, 0], date(2026, 3, 1): [6, 1], "avg": [8, 2, 0]}
    assert triangle(frame, "rate")["avg"] == [1.0, 2 / 8, 0.0]


def test_repeat_purchase_and_revenue_by_cohort_age(log, params):
    frame = cohort_revenue(log, params, "week", *MARCH)
    # A (Feb 23 cohort) buys 100 at age 2 (the duplicate counts once) and 50 at age 3; E (Mar 2
    # cohort) buys 30 at age 2 (Mar 18)
    assert triangle(frame, "buyers")[date(2026, 2, 23)] == [0, 0, 1, 1, 1, 1, 1, 1, 1]
    assert triangle(frame, "repeat_buyers")[date(2026, 2, 23)] == [0, 0, 0, 1, 1, 1, 1, 1, 1]
    assert triangle(frame, "revenue")[date(2026, 2, 23)] == [0, 0, 100, 150, 150, 150, 150, 150, 150]
    assert triangle(frame, "revenue_per_user")[date(2026, 3, 2)] == [0, 0, 10, 10, 10, 10, 10, 10]
    assert triangle(frame, "repeat_rate")[date(2026, 3, 2)] == [None, None, 0, 0, 0, 0, 0, 0]
    assert triangle(frame, "repeat_rate")[date(2026, 3, 9)] == [None] * 7
    assert triangle(frame, "buyer_rate")[date(2026, 3, 2)][2] == 1 / 3
    # the average row: (150 + 30) / 6 users from age 3; at age 8 only A's cohort is observed
    assert triangle(frame, "revenue_per_user")["avg"] == [0, 0, 130 / 6, 180 / 6, 30, 30, 30, 180 / 4, 150]
    assert triangle(frame, "repeat_rate")["avg"][3] == 0.5


# -- active users --------------------------------------------------------------------------------

def test_dau_wau_mau_and_stickiness(log, params):
    frame = active_users(log, params, date(2026, 3, 1), date(2026, 3, 10))
    assert frame.height == 10
    rows = by_key(frame, "day")
    # Mar 2: A, C today; the 7 days: A, C; the 30 days (Feb 1 - Mar 2): F, D, A, C
    assert (rows[date(2026, 3, 2)]["dau"], rows[date(2026, 3, 2)]["wau"], rows[date(2026, 3, 2)]["mau"]) == (2, 2, 4)
    # Mar 3: B; A, C, B; F drops out of the 30 days: D, A, C, B
    assert (rows[date(2026, 3, 3)]["dau"], rows[date(2026, 3, 3)]["wau"], rows[date(2026, 3, 3)]["mau"]) == (1, 3, 4)
    # Mar 9: D, E; Mar 3-9: D, C, B, E; Feb 8 - Mar 9: D, A, C, B, E
    assert (rows[date(2026, 3, 9)]["dau"], rows[date(2026, 3, 9)]["wau"], rows[date(2026, 3, 9)]["mau"]) == (2, 4, 5)
    assert rows[date(2026, 3, 9)]["stickiness"] == 2 / 5
    # Mar 1 (A only; the duplicate join on Mar 2 counts once on Mar 2)
    assert (rows[date(2026, 3, 1)]["dau"], rows[date(2026, 3, 1)]["wau"], rows[date(2026, 3, 1)]["mau"]) == (1, 1, 3)
    summary = active_summary(frame)
    # Mar 10: A; WAU Mar 4-10: D, A, C, E; MAU Feb 9 - Mar 10: D, A, C, B, E
    assert (summary["dau"], summary["wau"], summary["mau"]) == (1, 4, 5)
    dau = [1, 2, 1, 1, 1, 0, 0, 1, 2, 1]  # Mar 1 .. Mar 10
    assert frame["dau"].to_list() == dau
    assert summary["avg_dau"] == sum(dau) / 10 and summary["stickiness"] == sum(dau) / 10 / 5


def test_span_types_and_empty_store(log, params, store):
    assert has_events(log) and not has_events(store)
    assert event_span(log, "Asia/Shanghai") == (date(2026, 2, 1), date(2026, 4, 20))
    p = params_from_settings(store)
    empty = flows(store, p, "week", date(2026, 3, 2), date(2026, 3, 15))
    assert empty["active"].to_list() == [0, 0]
    assert funnel(store, p, *MARCH)["users"].to_list() == [0, 0, 0, 0]
    assert cohort_retention(store, p, "week", *MARCH).is_empty()
    assert channel_comparison(store, p, *MARCH).is_empty()
    assert active_summary(active_users(store, p, date(2026, 3, 1), date(2026, 3, 2)))["stickiness"] is None


# -- thresholds ----------------------------------------------------------------------------------

def test_threshold_validation_names_the_problem():
    good = LifecycleParams().thresholds()
    assert threshold_problems(good) == []
    assert threshold_problems({**good, "active_days": 40}) == [("active_over_churn", {})]
    assert threshold_problems({**good, "new_days": 31}) == [("new_over_churn", {})]
    assert threshold_problems({**good, "churn_days": 0}) == [("days_range", {"field": "churn_days", "max": 3650})]
    assert threshold_problems({**good, "conversion_events": []}) == [("no_events", {"field": "conversion_events"})]
    with pytest.raises(ValueError):
        LifecycleParams(active_days=31)


def test_settings_are_read_over_the_defaults(store):
    set_setting(store, "lifecycle", {"churn_days": 14, "activation_events": [" Like", "like", "share"]})
    set_setting(store, "conversion_events", ["Order"])  # shared with channel ROI
    p = params_from_settings(store)
    assert (p.churn_days, p.active_days, p.activation_events, p.conversion_events) == (
        14, 7, ("like", "share"), ("order",))
    assert settings_values(p.thresholds()) == {
        "lifecycle": {"new_days": 7, "active_days": 7, "churn_days": 14, "activation_days": 7, "retention_days": 7,
                      "activation_events": ["like", "share"]},
        "conversion_events": ["order"]}
    set_setting(store, "lifecycle", {"active_days": 90})  # damaged: falls back to the defaults
    assert params_from_settings(store).churn_days == 30


# -- independent cross-check ---------------------------------------------------------------------

TYPES = ["signup", "like", "comment", "message", "check_in", "join_group", "view_product", "purchase"]
CHANNELS = ["douyin", "wechat", "xiaohongshu", None]


@pytest.fixture
def random_log(store_shanghai):
    rng = random.Random(20261124)
    rows = []
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for index in range(3000):
        user = f"u{int(rng.paretovariate(1.2)) % 250:03d}"
        # users drift in over time: a user's events start around a user-specific day
        base = (int(user[1:]) * 37) % 110
        when = start + timedelta(days=base + rng.expovariate(1 / 20), minutes=rng.randrange(1440))
        kind = rng.choices(TYPES, weights=[5, 20, 8, 8, 6, 3, 30, 6])[0]
        revenue = round(rng.uniform(10, 200), 2) if kind == "purchase" else None
        rows.append((f"r{index}", user, when, kind, rng.choice(CHANNELS), revenue))
        if rng.random() < 0.03:  # an exact duplicate under another key
            rows.append((f"r{index}-dup", user, when, kind, rows[-1][4], revenue))
    put_events(store_shanghai, rows)
    return store_shanghai, rows


class Plain:
    """The same definitions, computed the simple way over the rows."""

    def __init__(self, rows, params: LifecycleParams):
        self.p = params
        tz = ZoneInfo(params.tz)
        self.events = [(u, when, when.astimezone(tz).date(), kind, channel, revenue)
                       for _, u, when, kind, channel, revenue in sorted(rows, key=lambda r: (r[1], r[2], r[0]))]
        self.days = defaultdict(set)
        for u, _, day, *_ in self.events:
            self.days[u].add(day)

    @staticmethod
    def period(day: date, unit: str) -> date:
        if unit == "day":
            return day
        if unit == "week":
            return day - timedelta(days=day.weekday())
        return day.replace(day=1)

    @staticmethod
    def step(p: date, unit: str, n: int) -> date:
        if unit == "day":
            return p + timedelta(days=n)
        if unit == "week":
            return p + timedelta(days=7 * n)
        month = p.month - 1 + n
        return date(p.year + month // 12, month % 12 + 1, 1)

    def age(self, cohort: date, p: date, unit: str) -> int:
        n = 0
        while self.step(cohort, unit, n) < p:
            n += 1
        return n

    def first_channel(self, user):
        for u, _, _, _, channel, _ in self.events:
            if u == user and channel:
                return channel
        return None

    def flows(self, unit, start, end):
        out = {}
        periods = []
        p = self.period(start, unit)
        while p <= self.period(end, unit):
            periods.append(p)
            p = self.step(p, unit, 1)
        active = {u: {self.period(d, unit) for d in days if d <= end} for u, days in self.days.items()}
        first = {u: min(ps) for u, ps in active.items() if ps}
        for p in periods:
            prev = self.step(p, unit, -1)
            now = {u for u, ps in active.items() if p in ps}
            new = {u for u in now if first[u] == p}
            retained = {u for u in now if prev in active[u]}
            resurrected = now - new - retained
            dormant = {u for u, ps in active.items() if prev in ps and p not in ps}
            churned = set()
            for u, days in self.days.items():
                seen = sorted(d for d in days if d <= end)
                for i, d in enumerate(seen):
                    churn_day = d + timedelta(days=self.p.churn_days)
                    nxt = seen[i + 1] if i + 1 < len(seen) else None
                    if (nxt is None or nxt > churn_day) and churn_day <= end and self.period(churn_day, unit) == p:
                        churned.add(u)
            out[p] = (len(new), len(retained), len(resurrected), -len(dormant), len(churned), len(now))
        return out

    def stages(self, on):
        counts = dict.fromkeys(STAGES, 0)
        for days in self.days.values():
            seen = [d for d in days if d <= on]
            if not seen:
                continue
            if (on - min(seen)).days < self.p.new_days:
                counts["new"] += 1
            elif (on - max(seen)).days < self.p.active_days:
                counts["active"] += 1
            elif (on - max(seen)).days < self.p.churn_days:
                counts["silent"] += 1
            else:
                counts["churned"] += 1
        return [counts[s] for s in STAGES]

    def funnel(self, start, end, key=None, unit="week"):
        groups = defaultdict(lambda: [[], [], [], []])
        for user in self.days:
            mine = [e for e in self.events if e[0] == user]
            first_at, first_day = min(e[1] for e in mine), min(e[2] for e in mine)
            if not start <= first_day <= end:
                continue
            acts = [e[1] for e in mine if e[3] in self.p.activation_events
                    and (e[2] - first_day).days < self.p.activation_days]
            rets = [e[1] for e in mine if (e[2] - first_day).days >= self.p.retention_days]
            convs = [e[1] for e in mine if e[3] in self.p.conversion_events]
            group = None if key is None else self.first_channel(user) if key == "channel" else \
                self.period(first_day, unit)
            times = [first_at]
            for found in (acts, rets, convs):
                if times[-1] is None or not found:
                    times.append(None)
                else:
                    times.append(max(times[-1], min(found)))
            for i, t in enumerate(times):
                if t is not None:
                    groups[group][i].append(t)
            for i in range(1, 4):
                if times[i] is not None:
                    groups[group][i][-1] = (times[i], (times[i] - times[i - 1]).total_seconds() / 86400)
        result = {}
        for group, steps in groups.items():
            counts = [len(s) for s in steps]
            medians = [None] + [statistics.median(d for _, d in s) if s else None for s in steps[1:]]
            result[group] = (counts, medians)
        return result

    def cohorts(self, unit, start, end, mode):
        last = self.period(max(e[2] for e in self.events), unit)
        lo, hi = self.period(start, unit), self.period(end, unit)
        members = defaultdict(list)
        for days in self.days.values():
            cohort = self.period(min(days), unit)
            if lo <= cohort <= hi:
                members[cohort].append({self.age(cohort, self.period(d, unit), unit) for d in days})
        cells = {}
        for cohort, users in members.items():
            for a in range(self.age(cohort, last, unit) + 1):
                if mode == "on":
                    cells[(cohort, a)] = sum(1 for ages in users if a in ages)
                else:
                    cells[(cohort, a)] = sum(1 for ages in users if max(ages) >= a)
        return cells, {c: len(u) for c, u in members.items()}

    def revenue(self, unit, start, end):
        cells, sizes = self.cohorts(unit, start, end, "on")
        seen, cohort_of = set(), {}
        for user, days in self.days.items():
            cohort_of[user] = self.period(min(days), unit)
        bought = defaultdict(list)
        money = defaultdict(float)
        for u, when, day, kind, _, revenue in self.events:
            if (u, when, kind, revenue) in seen or u not in cohort_of or cohort_of[u] not in sizes:
                continue
            seen.add((u, when, kind, revenue))
            a = self.age(cohort_of[u], self.period(day, unit), unit)
            if kind in self.p.conversion_events:
                bought[u].append((when, a))
            if revenue is not None:
                money[(cohort_of[u], a)] += revenue
        out = {}
        for cohort, a in cells:
            users = [u for u in bought if cohort_of[u] == cohort]
            buyers = sum(1 for u in users if min(bought[u])[1] <= a)
            repeat = sum(1 for u in users if len(bought[u]) > 1 and sorted(bought[u])[1][1] <= a)
            total = sum(v for (c, k), v in money.items() if c == cohort and k <= a)
            out[(cohort, a)] = (buyers, repeat, round(total, 6))
        return out


def test_cross_check_against_plain_python(random_log):
    store, rows = random_log
    p = params_from_settings(store)
    plain = Plain(rows, p)
    start, end = date(2026, 2, 2), date(2026, 5, 10)
    for unit in ("day", "week", "month"):
        assert flow_rows(flows(store, p, unit, start, end)) == plain.flows(unit, start, end), unit
    for on in (date(2026, 2, 1), date(2026, 3, 15), date(2026, 5, 1), date(2026, 7, 1)):
        assert stage_snapshot(store, p, on)["users"].to_list() == plain.stages(on), on

    for key in (None, "channel", "cohort"):
        frame = funnel(store, p, start, end, by=key)
        expected = plain.funnel(start, end, key)
        got = defaultdict(lambda: ([], []))
        for row in frame.iter_rows(named=True):
            group = row[key] if key else None
            got[group][0].append(row["users"])
            got[group][1].append(row["median_days_from_previous"])
        assert set(got) == set(expected), key
        for group, (counts, medians) in expected.items():
            assert got[group][0] == counts, (key, group)
            assert got[group][1] == pytest.approx(medians), (key, group)

    for unit in ("week", "month"):
        for mode in ("on", "on_or_after"):
            frame = cohort_retention(store, p, unit, start, end, mode=mode)
            cells, sizes = plain.cohorts(unit, start, end, mode)
            ours = {(r["cohort"], r["age"]): r["users"] for r in frame.iter_rows(named=True) if not r["is_average"]}
            assert ours == cells, (unit, mode)
            average = {r["age"]: r["rate"] for r in frame.iter_rows(named=True) if r["is_average"]}
            for a, rate in average.items():
                observed = [c for c in sizes if (c, a) in cells]
                assert rate == pytest.approx(sum(cells[(c, a)] for c in observed) / sum(sizes[c] for c in observed))
        frame = cohort_revenue(store, p, unit, start, end)
        ours = {(r["cohort"], r["age"]): (r["buyers"], r["repeat_buyers"], round(r["revenue"], 6))
                for r in frame.iter_rows(named=True) if not r["is_average"]}
        assert ours == plain.revenue(unit, start, end), unit


# -- several event types on one day ----------------------------------------------------------------

# UTC. P: three types on Mar 2 (comment, like, purchase 20), a like on Mar 3, a like and a purchase
# (5) on Mar 10; Q: one sign-up on Mar 2. The derived table keeps a row per user, day and type.
MIXED = [
    ("p1", "P", "2026-03-02 10:00", "like", "douyin", None),
    ("p2", "P", "2026-03-02 12:00", "purchase", "douyin", 20.0),
    ("p3", "P", "2026-03-02 15:00", "comment", "douyin", None),
    ("p4", "P", "2026-03-03 09:00", "like", "douyin", None),
    ("p5", "P", "2026-03-10 09:00", "like", "douyin", None),
    ("p6", "P", "2026-03-10 11:00", "purchase", "douyin", 5.0),
    ("q1", "Q", "2026-03-02 08:00", "signup", "wechat", None),
]


@pytest.fixture
def mixed(store):
    put_events(store, [(k, u, local(t, UTC), e, c, r) for k, u, t, e, c, r in MIXED])
    return store


def test_several_types_on_one_day_count_once(mixed):
    p = params_from_settings(mixed)
    frame = active_users(mixed, p, date(2026, 3, 2), date(2026, 3, 10))
    assert frame["dau"].to_list() == [2, 1, 0, 0, 0, 0, 0, 0, 1]
    assert frame["wau"].to_list() == [2, 2, 2, 2, 2, 2, 2, 1, 1]  # Q (Mar 2) leaves the 7 days on Mar 9
    assert frame["mau"].to_list() == [2] * 9
    assert mixed.scalar("SELECT count(*) FROM lifecycle_activity") == 7  # P: 3 + 1 + 2 rows, Q: 1
    # Mar 3: P retained, Q dormant; by week: P and Q new, then P retained and Q dormant
    assert flow_rows(flows(mixed, p, "day", date(2026, 3, 2), date(2026, 3, 3))) == {
        date(2026, 3, 2): (2, 0, 0, 0, 0, 2), date(2026, 3, 3): (0, 1, 0, -1, 0, 1)}
    assert flow_rows(flows(mixed, p, "week", date(2026, 3, 2), date(2026, 3, 15))) == {
        date(2026, 3, 2): (2, 0, 0, 0, 0, 2), date(2026, 3, 9): (0, 1, 0, -1, 0, 1)}
    assert triangle(cohort_retention(mixed, p, "week", *MARCH))[date(2026, 3, 2)] == [2, 1]
    revenue = cohort_revenue(mixed, p, "week", *MARCH)
    # P buys on Mar 2 (age 0) and Mar 10 (age 1)
    assert triangle(revenue, "buyers")[date(2026, 3, 2)] == [1, 1]
    assert triangle(revenue, "repeat_buyers")[date(2026, 3, 2)] == [0, 1]
    assert triangle(revenue, "revenue")[date(2026, 3, 2)] == [20.0, 25.0]


def test_churn_and_stages_read_the_last_row_of_a_day(mixed):
    p = LifecycleParams(tz="UTC", new_days=1, active_days=1, churn_days=2)
    # P's Mar 2 is followed by Mar 3 (no churn), Mar 3 by Mar 10 (churns Mar 5), Mar 10 by nothing
    # (churns Mar 12); Q churns on Mar 4
    days = flow_rows(flows(mixed, p, "day", date(2026, 3, 2), date(2026, 3, 12)))
    assert {d: row[4] for d, row in days.items() if row[4]} == {
        date(2026, 3, 4): 1, date(2026, 3, 5): 1, date(2026, 3, 12): 1}
    # on Mar 4: P last active Mar 3 (1 day: silent), Q Mar 2 (2 days: churned)
    assert stage_snapshot(mixed, p, date(2026, 3, 4))["users"].to_list() == [0, 0, 1, 1]
    # revenue as of Mar 4: the purchase of Mar 10 is not counted yet
    assert stage_users(mixed, p, date(2026, 3, 4), "silent").rows() == [
        ("P", "douyin", date(2026, 3, 2), date(2026, 3, 3), 20.0)]


def test_funnel_and_channels_with_several_types_on_one_day(mixed):
    p = params_from_settings(mixed)
    # P: acquired Mar 2 10:00 with a like (activated at once), retained Mar 10 09:00 (7 d 23 h
    # later), bought Mar 2 12:00 (converted when retained); Q only acquired
    rows = by_key(funnel(mixed, p, *MARCH), "step")
    assert [rows[s]["users"] for s in STEPS] == [2, 1, 1, 1]
    assert [rows[s]["median_days_from_previous"] for s in STEPS] == [None, 0.0, pytest.approx(7 + 23 / 24), 0.0]
    compared = channel_comparison(mixed, p, *MARCH)
    assert compared["channel"].to_list() == ["douyin", "wechat"]
    assert compared.select("acquired", "activated", "retained", "converted", "buyers", "repeat_buyers",
                           "revenue").rows() == [(1, 1, 1, 1, 1, 1, 25.0), (1, 0, 0, 0, 0, 0, 0.0)]
    assert funnel_users(mixed, p, *MARCH, "converted").rows() == [
        ("P", "douyin", date(2026, 3, 2), date(2026, 3, 10), 25.0)]
    wechat = params_from_settings(mixed, channels=("wechat",))
    assert funnel(mixed, wechat, *MARCH)["users"].to_list() == [1, 0, 0, 0]
    assert active_users(mixed, wechat, date(2026, 3, 2), date(2026, 3, 3))["dau"].to_list() == [1, 0]
    douyin = params_from_settings(mixed, channels=("douyin",))
    assert flow_rows(flows(mixed, douyin, "week", date(2026, 3, 2), date(2026, 3, 15))) == {
        date(2026, 3, 2): (1, 0, 0, 0, 0, 1), date(2026, 3, 9): (0, 1, 0, 0, 0, 1)}
    assert triangle(cohort_retention(mixed, douyin, "week", *MARCH))[date(2026, 3, 2)] == [1, 1]


# -- the derived tables follow the events ----------------------------------------------------------

def test_derived_tables_are_rebuilt_when_events_or_the_zone_change_and_not_for_thresholds(store):
    from dashboard.ingest.pipeline import undo_import
    from dashboard.metrics.lifecycle import ensure_activity
    from tests.conftest import import_one

    first = import_one(store, "a.csv", b"user_id,occurred_at,event_type\nu1,2026-03-02 10:00,signup\n")
    assert ensure_activity(store, "UTC") is True and ensure_activity(store, "UTC") is False
    p = params_from_settings(store)
    assert stage_snapshot(store, p, date(2026, 3, 2))["users"].to_list() == [1, 0, 0, 0]
    set_setting(store, "lifecycle", {"churn_days": 20})  # thresholds: same tables, new numbers
    assert ensure_activity(store, "UTC") is False
    assert stage_snapshot(store, params_from_settings(store), date(2026, 3, 25))["users"].to_list() == [0, 0, 0, 1]
    second = import_one(store, "b.csv", b"user_id,occurred_at,event_type\nu2,2026-03-03 10:00,signup\n")
    assert stage_snapshot(store, p, date(2026, 3, 3))["users"].to_list() == [2, 0, 0, 0]
    undo_import(store, second.import_id)
    assert stage_snapshot(store, p, date(2026, 3, 3))["users"].to_list() == [1, 0, 0, 0]
    undo_import(store, first.import_id)
    assert stage_snapshot(store, p, date(2026, 3, 3))["users"].to_list() == [0, 0, 0, 0]
    # an overlapping export that only updates a stored row (same key, new revenue) rebuilds too
    again = "event_key,user_id,occurred_at,event_type,revenue\ne1,u3,2026-03-04 10:00,purchase,{}\n"
    import_one(store, "c.csv", again.format(10).encode())
    import_one(store, "d.csv", again.format(25).encode())
    assert stage_users(store, p, date(2026, 3, 4), "new")["revenue"].to_list() == [25.0]
    assert ensure_activity(store, "Asia/Shanghai") is True  # another zone: other days
