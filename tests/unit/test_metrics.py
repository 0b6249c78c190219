"""Metric catalogue, hand-computed on small fixtures, including the traps of DESIGN.md section 4."""

from datetime import UTC, date, datetime

import pytest

from dashboard.metrics.filters import Filters, preset_period, previous_period
from dashboard.metrics.kpis import breakdown, change, kpi_comparison, kpis, series

DAILY_COLS = ("platform", "account", "date", "followers", "followers_gained", "followers_lost", "followers_net",
              "impressions", "reach", "likes", "comments", "shares", "saves", "clicks")
POST_COLS = ("platform", "account", "post_id", "published_at", "impressions", "reach", "likes", "comments",
             "shares", "saves")


def put(store, table, columns, rows):
    with store.write() as cur:
        for row in rows:
            cur.run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", list(row))


def d(day):
    return date(2026, 3, day)


@pytest.fixture
def two_platforms(store):
    # X: follower totals known; Douyin: only daily deltas (gained/lost), no totals
    put(store, "account_daily", DAILY_COLS, [
        ("x", "a", date(2026, 2, 28), 1000, None, None, None, None, None, None, None, None, None, None),
        ("x", "a", d(1), 1010, 12, 2, None, 500, 400, 20, 5, 3, 2, 10),
        ("x", "a", d(2), 1030, 25, 5, None, 700, 600, 30, 10, 0, 0, 14),
        ("douyin", "b", d(1), None, 40, 10, None, 2000, 1000, 80, 20, 10, 10, None),
        ("douyin", "b", d(2), None, 0, 0, None, 0, 0, 0, 0, 0, 0, None),   # a real zero day
    ])
    return store


def test_period_totals_are_ratios_of_sums(two_platforms):
    k = kpis(two_platforms, Filters(d(1), d(2)))
    assert k["impressions"] == 500 + 700 + 2000 + 0
    assert k["reach"] == 400 + 600 + 1000
    # interactions = likes + comments + shares + saves
    assert k["interactions"] == (20 + 5 + 3 + 2) + (30 + 10) + (80 + 20 + 10 + 10)  # 190
    assert k["engagement_rate"] == pytest.approx(190 / 2000)  # reach is the default denominator
    assert k["engagement_rate_impressions"] == pytest.approx(190 / 3200)
    assert k["like_rate"] == pytest.approx(130 / 2000)
    # douyin reports no clicks: its impressions are left out of the CTR's denominator too
    assert k["ctr"] == pytest.approx(24 / 1200)
    # mean of per-day rates would be different: (30/400 + 40/600 + 120/1000) / 3 = 0.0875
    assert k["engagement_rate"] != pytest.approx(0.0875)


def test_rates_pair_numerator_and_denominator_day_by_day(store):
    # day 1 reports reach and likes; day 2 likes only (reach unknown): day 2's likes must not count
    put(store, "account_daily", ("platform", "account", "date", "reach", "likes"),
        [("x", "a", d(1), 100, 10), ("x", "a", d(2), None, 90)])
    k = kpis(store, Filters(d(1), d(2)))
    assert k["interactions"] == 100
    assert k["engagement_rate"] == pytest.approx(10 / 100)
    assert k["engagement_rate_impressions"] is None


def test_followers_net_from_deltas_and_growth_rate_from_known_totals(two_platforms):
    k = kpis(two_platforms, Filters(d(1), d(2)))
    # net = gained - lost: x (12-2)+(25-5)=30, douyin (40-10)+(0-0)=30
    assert k["followers_net"] == 60
    assert k["followers_gained"] == 77 and k["followers_lost"] == 17
    # totals known for x only: start = 1000 (Feb 28), end = 1030
    assert k["followers_start"] == 1000 and k["followers_end"] == 1030
    x = kpis(two_platforms, Filters(d(1), d(2), platforms=("x",)))
    assert x["follower_growth_rate"] == pytest.approx(30 / 1000)


def test_followers_known_only_as_totals_give_the_net(store):
    put(store, "account_daily", ("platform", "account", "date", "followers"),
        [("tiktok", "t", d(1), 500), ("tiktok", "t", d(5), 530), ("tiktok", "t", d(10), 520)])
    k = kpis(store, Filters(d(2), d(10)))
    assert (k["followers_start"], k["followers_end"], k["followers_net"]) == (500, 520, 20)
    assert k["follower_growth_rate"] == pytest.approx(20 / 500)


def test_null_is_not_zero(two_platforms):
    # douyin's zero day stays zero; a metric nobody reports stays None (no data), not 0
    k = kpis(two_platforms, Filters(d(2), d(2), platforms=("douyin",)))
    assert k["impressions"] == 0
    assert k["engagement_rate"] is None  # reach 0: no rate rather than 0 or inf
    assert k["views"] is None
    assert k["profile_visits"] is None


def test_period_with_no_data_is_all_none(two_platforms):
    k = kpis(two_platforms, Filters(date(2025, 1, 1), date(2025, 1, 7)))
    assert k["impressions"] is None and k["posts"] is None and k["engagement_rate"] is None


def test_posts_fill_in_where_a_platform_has_no_daily_rows(store):
    put(store, "posts", POST_COLS, [
        ("x", "a", "1", datetime(2026, 3, 1, 10, tzinfo=UTC), 100, None, 5, 1, 1, 0),
        ("x", "a", "2", datetime(2026, 3, 2, 10, tzinfo=UTC), 300, None, 10, 0, 2, 1),
    ])
    k = kpis(store, Filters(d(1), d(2)))
    assert k["posts"] == 2
    assert k["impressions"] == 400
    assert k["interactions"] == 7 + 13
    assert k["engagement_rate"] is None  # no reach anywhere
    assert k["engagement_rate_impressions"] == pytest.approx(20 / 400)


def test_daily_rows_win_over_post_sums(store):
    put(store, "account_daily", ("platform", "account", "date", "impressions", "likes"), [("x", "a", d(1), 1000, 50)])
    put(store, "posts", POST_COLS, [("x", "a", "1", datetime(2026, 3, 1, 10, tzinfo=UTC), 100, None, 5, 1, 1, 0)])
    k = kpis(store, Filters(d(1), d(1)))
    assert k["impressions"] == 1000 and k["likes"] == 50
    assert k["comments"] == 1  # the daily export has no comments: the post's fill in
    assert k["posts"] == 1


def test_time_zone_decides_the_day_of_a_post(store):
    # 2026-03-01 20:00 UTC is 2026-03-02 04:00 in Shanghai
    put(store, "posts", POST_COLS, [("x", "a", "1", datetime(2026, 3, 1, 20, tzinfo=UTC), 100, None, 1, 0, 0, 0)])
    assert kpis(store, Filters(d(1), d(1), tz="UTC"))["posts"] == 1
    assert kpis(store, Filters(d(1), d(1), tz="Asia/Shanghai"))["posts"] is None
    assert kpis(store, Filters(d(2), d(2), tz="Asia/Shanghai"))["posts"] == 1


def test_engagement_rate_with_followers_at_post_time(store):
    put(store, "account_daily", ("platform", "account", "date", "followers"), [("x", "a", d(1), 100), ("x", "a", d(3), 200)])
    put(store, "posts", POST_COLS, [
        ("x", "a", "1", datetime(2026, 3, 2, 10, tzinfo=UTC), None, None, 10, 0, 0, 0),  # followers then: 100
        ("x", "a", "2", datetime(2026, 3, 4, 10, tzinfo=UTC), None, None, 30, 0, 0, 0),  # followers then: 200
    ])
    k = kpis(store, Filters(d(2), d(4), denominator="followers"))
    assert k["engagement_rate_followers"] == pytest.approx(40 / 300)
    assert k["engagement_rate"] == pytest.approx(40 / 300)
    assert k["like_rate"] == pytest.approx(40 / 300)


def test_mixed_platforms_breakdown_and_filters(two_platforms):
    frame = breakdown(two_platforms, Filters(d(1), d(2)), ["impressions", "engagement_rate"])
    rows = {r["platform"]: r for r in frame.iter_rows(named=True)}
    assert rows["x"]["impressions"] == 1200 and rows["douyin"]["impressions"] == 2000
    assert rows["x"]["engagement_rate"] == pytest.approx(70 / 1000)
    assert rows["douyin"]["engagement_rate"] == pytest.approx(120 / 1000)
    only = kpis(two_platforms, Filters(d(1), d(2), accounts=("b",)))
    assert only["impressions"] == 2000


def test_series_by_week_and_platform(two_platforms):
    frame = series(two_platforms, Filters(d(1), d(2), granularity="week"), ["impressions"], by_platform=True)
    # 2026-03-01 is a Sunday (ISO week starting Feb 23), 03-02 a Monday (week of Mar 2)
    assert frame.rows() == [(date(2026, 2, 23), "douyin", 2000.0), (date(2026, 2, 23), "x", 500.0),
                            (date(2026, 3, 2), "douyin", 0.0), (date(2026, 3, 2), "x", 700.0)]


def test_comparison_uses_the_previous_equal_period(two_platforms):
    put(two_platforms, "account_daily", ("platform", "account", "date", "impressions"), [("x", "a", date(2026, 2, 23), 900)])
    # Monday 2026-03-02 alone is a week to date: compared with Monday 2026-02-23
    both = kpi_comparison(two_platforms, Filters(d(2), d(2)), ["impressions"])
    assert both == {"current": {"impressions": 700.0}, "previous": {"impressions": 900.0}}
    # Sunday 2026-03-01 - Monday 03-02 compared with the two days before (Feb 27-28: no impressions)
    both = kpi_comparison(two_platforms, Filters(d(1), d(2)), ["impressions"])
    assert both == {"current": {"impressions": 3200.0}, "previous": {"impressions": None}}
    assert change(700, 900) == pytest.approx(-200 / 900)
    assert change(5, 0) is None and change(None, 3) is None


def test_partial_week_is_compared_with_the_same_weekdays():
    # Tuesday 2026-11-24: this week so far is Mon-Tue, compared with Mon-Tue of last week
    start, end = preset_period("this_week", date(2026, 11, 24))
    assert (start, end) == (date(2026, 11, 23), date(2026, 11, 24))
    assert previous_period(start, end) == (date(2026, 11, 16), date(2026, 11, 17))
    # month to date against the same days of the previous month
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert previous_period(date(2026, 11, 1), date(2026, 11, 24)) == (date(2026, 10, 1), date(2026, 10, 24))
    assert preset_period("last_quarter", date(2026, 11, 24)) == (date(2026, 7, 1), date(2026, 9, 30))
