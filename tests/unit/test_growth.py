"""Growth metrics, hand-computed on small fixtures: deltas only, totals only, mixed, gaps carried
forward, week and month buckets, posts' days in the workspace time zone, follows from posts."""

from datetime import UTC, date, datetime

import pytest

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

DAILY = ("platform", "account", "date", "followers", "followers_gained", "followers_lost", "followers_net")
POSTS = ("platform", "account", "post_id", "published_at", "title", "text", "url", "follows")


def put(store, table, columns, rows):
    with store.write() as cur:
        for row in rows:
            cur.run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", list(row))


def d(day, month=3):
    return date(2026, month, day)


def rows_of(frame, *keys):
    """{key (a tuple when several): row} for easy lookups."""
    return {(tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]): r for r in frame.iter_rows(named=True)}


@pytest.fixture
def mixed(store):
    put(store, "account_daily", DAILY, [
        # X 'a': daily gained/lost only, no totals; no row on 3/3
        ("x", "a", d(1), None, 5, 1, None),
        ("x", "a", d(2), None, 3, 0, None),
        ("x", "a", d(4), None, 2, 4, None),
        # X 'b': totals only, before the period and on its last day
        ("x", "b", date(2026, 2, 28), 200, None, None, None),
        ("x", "b", d(4), 210, None, None, None),
        # TikTok 't': totals only, no row on 3/2
        ("tiktok", "t", date(2026, 2, 28), 100, None, None, None),
        ("tiktok", "t", d(1), 110, None, None, None),
        ("tiktok", "t", d(3), 125, None, None, None),
        ("tiktok", "t", d(4), 120, None, None, None),
        # TikTok 't2': a total before the period and one at the end
        ("tiktok", "t2", date(2026, 2, 28), 1000, None, None, None),
        ("tiktok", "t2", d(4), 1100, None, None, None),
        # Douyin 'd': a total, then net only, then a total without net
        ("douyin", "d", d(1), 1000, None, None, 5),
        ("douyin", "d", d(2), None, None, None, 7),
        ("douyin", "d", d(3), None, None, None, -2),
        ("douyin", "d", d(4), 1010, None, None, None),
        # WeChat OA 'w': net first, the first total comes later (derived backwards from it)
        ("wechat_oa", "w", d(1), None, None, None, 3),
        ("wechat_oa", "w", d(2), None, None, None, 4),
        ("wechat_oa", "w", d(3), 500, None, None, 2),
    ])
    return store


PERIOD = Filters(d(1), d(4))


def test_deltas_only_is_a_cumulative_change_from_zero_not_a_total(mixed):
    series = rows_of(follower_series(mixed, Filters(d(1), d(4), platforms=("x",), accounts=("a",))), "date")
    assert [series[d(i)]["followers"] for i in (1, 2, 3, 4)] == [4, 7, 7, 5]  # (5-1), +3, carried, +(2-4)
    assert [series[d(i)]["followers_source"] for i in (1, 2, 3, 4)] == [
        "derived_from_deltas", "derived_from_deltas", "carried", "derived_from_deltas"]
    assert not any(r["is_total"] for r in series.values())
    assert [series[d(i)]["net"] for i in (1, 2, 3, 4)] == [4, 3, None, -2]
    assert [series[d(i)]["net_source"] for i in (1, 2, 3, 4)] == [
        "gained_minus_lost", "gained_minus_lost", None, "gained_minus_lost"]
    assert (series[d(1)]["gained"], series[d(1)]["lost"]) == (5, 1)


def test_totals_only_give_net_from_day_over_day_change_and_gaps_are_carried(mixed):
    series = rows_of(follower_series(mixed, Filters(d(1), d(4), accounts=("t",))), "date")
    assert [series[d(i)]["followers"] for i in (1, 2, 3, 4)] == [110, 110, 125, 120]
    assert [series[d(i)]["followers_source"] for i in (1, 2, 3, 4)] == ["reported", "carried", "reported", "reported"]
    assert all(r["is_total"] for r in series.values())
    # 3/1: 110 - 100 (Feb 28, before the period); 3/3: 125 - 110 (the value carried over 3/2)
    assert [series[d(i)]["net"] for i in (1, 2, 3, 4)] == [10, None, 15, -5]
    assert [series[d(i)]["net_source"] for i in (1, 2, 3, 4)] == [
        "total_change", None, "total_change", "total_change"]
    assert series[d(1)]["gained"] is None and series[d(1)]["lost"] is None


def test_mixed_totals_and_deltas(mixed):
    series = rows_of(follower_series(mixed, Filters(d(1), d(4), accounts=("d",))), "date")
    assert [series[d(i)]["followers"] for i in (1, 2, 3, 4)] == [1000, 1007, 1005, 1010]
    assert [series[d(i)]["followers_source"] for i in (1, 2, 3, 4)] == [
        "reported", "derived_from_deltas", "derived_from_deltas", "reported"]
    assert all(r["is_total"] for r in series.values())
    # 3/4 has no net: 1010 - 1005 (the derived total of 3/3)
    assert [series[d(i)]["net"] for i in (1, 2, 3, 4)] == [5, 7, -2, 5]
    assert [series[d(i)]["net_source"] for i in (1, 2, 3, 4)] == ["reported", "reported", "reported", "total_change"]


def test_days_before_the_first_total_are_derived_back_from_it(mixed):
    series = rows_of(follower_series(mixed, Filters(d(1), d(4), accounts=("w",))), "date")
    # 500 on 3/3 with +2 that day and +4 on 3/2: 498 on 3/2, 494 on 3/1; nothing after the last export
    assert [series[d(i)]["followers"] for i in (1, 2, 3)] == [494, 498, 500]
    assert d(4) not in series
    assert all(r["is_total"] for r in series.values())
    summary = account_summary(mixed, Filters(d(1), d(4), accounts=("w",))).row(0, named=True)
    assert summary["followers_start"] == 494 - 3  # the end of 2/28 = 3/1's value minus its net
    assert summary["net"] == 9 and summary["followers_end"] == 500
    assert summary["growth_rate"] == pytest.approx(9 / 491)


def test_daily_table_per_platform(mixed):
    table = rows_of(growth_table(mixed, PERIOD), "bucket", "platform")
    tiktok_1 = table[(d(1), "tiktok")]
    # t: 110 - 100; t2 carried at 1000 (unknown net that day)
    assert (tiktok_1["net"], tiktok_1["followers_start"], tiktok_1["followers_end"]) == (10, 100, 1110)
    assert tiktok_1["growth_rate"] == pytest.approx(10 / 100)  # t2 has no net that day: out of the ratio
    x_1 = table[(d(1), "x")]
    assert (x_1["gained"], x_1["lost"], x_1["net"]) == (5, 1, 4)
    assert x_1["followers_end"] == 200  # b's total carried; a has no total
    assert x_1["followers_start"] is None and x_1["growth_rate"] is None  # b's net unknown that day; a has no start
    assert table[(d(3), "x")]["net"] is None  # nothing known on 3/3 for either account
    x_4 = table[(d(4), "x")]
    assert x_4["net"] == -2 + 10 and x_4["followers_start"] == 200
    assert x_4["growth_rate"] == pytest.approx(10 / 200)


def test_week_buckets(mixed):
    table = rows_of(growth_table(mixed, Filters(d(1), d(4), granularity="week")), "bucket", "platform")
    # 2026-03-01 is a Sunday: it closes the ISO week of Feb 23; 3/2-3/4 are in the week of Mar 2
    assert set(table) == {(date(2026, 2, 23), p) for p in ("douyin", "tiktok", "wechat_oa", "x")} | {
        (d(2), p) for p in ("douyin", "tiktok", "wechat_oa", "x")}
    x_first, x_second = table[(date(2026, 2, 23), "x")], table[(d(2), "x")]
    assert (x_first["gained"], x_first["lost"], x_first["net"]) == (5, 1, 4)
    assert (x_second["gained"], x_second["lost"], x_second["net"]) == (5, 4, 3 - 2 + 10)
    assert x_second["followers_start"] == 200 and x_second["followers_end"] == 210
    assert x_second["growth_rate"] == pytest.approx(10 / 200)  # a's net has no start total: left out
    tiktok_second = table[(d(2), "tiktok")]
    # t: (carried) + 15 - 5 from 110; t2: 1100 - 1000 from 1000
    assert (tiktok_second["net"], tiktok_second["followers_start"], tiktok_second["followers_end"]) == (110, 1110, 1220)
    assert tiktok_second["growth_rate"] == pytest.approx(110 / 1110)
    douyin_second = table[(d(2), "douyin")]
    assert (douyin_second["net"], douyin_second["followers_start"], douyin_second["followers_end"]) == (10, 1000, 1010)


def test_growth_rate_is_a_ratio_of_sums_across_accounts(mixed):
    table = rows_of(growth_table(mixed, Filters(d(1), d(4), granularity="month")), "bucket", "platform")
    tiktok = table[(d(1), "tiktok")]
    # t: +20 from 100, t2: +100 from 1000 -> 120 / 1100 (the mean of the two rates would be 0.15)
    assert (tiktok["net"], tiktok["followers_start"], tiktok["followers_end"]) == (120, 1100, 1220)
    assert tiktok["growth_rate"] == pytest.approx(120 / 1100)
    x = table[(d(1), "x")]
    assert (x["gained"], x["lost"], x["net"]) == (10, 5, 15)
    assert x["growth_rate"] == pytest.approx(10 / 200)


def test_month_buckets_and_unknown_start(store):
    put(store, "account_daily", DAILY, [
        ("tiktok", "t", date(2026, 1, 30), 100, None, None, None),
        ("tiktok", "t", date(2026, 1, 31), 105, None, None, None),
        ("tiktok", "t", date(2026, 2, 1), 110, None, None, None),
        ("tiktok", "t", date(2026, 2, 28), 130, None, None, None),
    ])
    table = growth_table(store, Filters(date(2026, 1, 30), date(2026, 2, 28), granularity="month"))
    jan, feb = table.to_dicts()
    assert jan["bucket"] == date(2026, 1, 1) and feb["bucket"] == date(2026, 2, 1)
    # nothing is known before Jan 30: no start, so no growth rate (net 5 from Jan 31 only)
    assert (jan["net"], jan["followers_start"], jan["followers_end"], jan["growth_rate"]) == (5, None, 105, None)
    # Feb: +5 on the 1st, 26 carried days, +20 on the 28th
    assert (feb["net"], feb["followers_start"], feb["followers_end"]) == (25, 105, 130)
    assert feb["growth_rate"] == pytest.approx(25 / 105)
    series = follower_series(store, Filters(date(2026, 2, 1), date(2026, 2, 28)))
    assert series.height == 28
    assert series["followers_source"].to_list().count("carried") == 26
    assert set(series.filter(series["followers_source"] == "carried")["followers"].to_list()) == {110}


def test_account_summary_counts_sources(mixed):
    summary = rows_of(account_summary(mixed, PERIOD), "platform", "account")
    a = summary[("x", "a")]
    assert (a["days"], a["days_derived"], a["days_carried"], a["days_baseline"]) == (4, 3, 1, 4)
    assert (a["net"], a["followers_start"], a["growth_rate"]) == (4 + 3 - 2, None, None)
    dy = summary[("douyin", "d")]
    assert (dy["days_reported"], dy["days_derived_total"], dy["net_reported"], dy["net_total_change"]) == (2, 2, 3, 1)
    assert (dy["followers_start"], dy["followers_end"], dy["net"]) == (995, 1010, 15)
    assert dy["growth_rate"] == pytest.approx(15 / 995)
    t = summary[("tiktok", "t")]
    assert (t["days_reported"], t["days_carried"], t["net_total_change"], t["net_unknown"]) == (3, 1, 3, 1)


def test_platform_and_account_filters(mixed):
    only = growth_table(mixed, Filters(d(1), d(4), platforms=("douyin",), granularity="month"))
    assert only["platform"].to_list() == ["douyin"]
    assert follower_series(mixed, Filters(d(1), d(4), accounts=("nobody",))).is_empty()
    assert growth_table(mixed, Filters(d(1), d(4), accounts=("nobody",))).is_empty()


def test_period_without_data_and_span(mixed):
    empty = Filters(date(2025, 1, 1), date(2025, 1, 31))
    assert follower_series(mixed, empty).is_empty()
    assert growth_table(mixed, empty).is_empty()
    assert account_summary(mixed, empty).is_empty()
    assert follower_data_span(mixed, empty) == (date(2026, 2, 28), d(4))
    assert follower_data_span(mixed, Filters(d(1), d(4), platforms=("douyin",))) == (d(1), d(4))
    # an account whose exports ended before the period is not carried into it
    later = follower_series(mixed, Filters(d(10), d(12)))
    assert later.is_empty()


def test_has_growth_data(store):
    assert not has_growth_data(store)
    put(store, "account_daily", ("platform", "account", "date", "impressions"), [("x", "a", d(1), 10)])
    assert not has_growth_data(store)  # impressions only
    put(store, "posts", ("platform", "account", "post_id", "follows"), [("x", "a", "1", 2)])
    assert has_growth_data(store)


@pytest.fixture
def with_posts(mixed):
    put(mixed, "posts", POSTS, [
        ("tiktok", "t", "p1", datetime(2026, 3, 2, 10, tzinfo=UTC), "First", None, "https://tiktok.com/@t/video/1", 8),
        ("tiktok", "t", "p2", datetime(2026, 3, 3, 10, tzinfo=UTC), None, "  Second caption ", None, 12),
        ("tiktok", "t", "p3", datetime(2026, 3, 3, 11, tzinfo=UTC), "No follows figure", None, None, None),
        ("tiktok", "t", "p4", datetime(2026, 3, 4, 9, tzinfo=UTC), "Zero", None, None, 0),
        ("x", "a", "x1", datetime(2026, 3, 1, 12, tzinfo=UTC), "Tweet", None, None, 3),
        # 20:00 UTC on 3/4 is 04:00 on 3/5 in Shanghai; 18:00 UTC on 2/28 is 02:00 on 3/1 there
        ("x", "a", "late", datetime(2026, 3, 4, 20, tzinfo=UTC), "Late", None, None, 1),
        ("x", "a", "early", datetime(2026, 2, 28, 18, tzinfo=UTC), "Early", None, None, 6),
    ])
    return mixed


def test_follows_from_posts_ordering_and_share(with_posts):
    posts = follows_from_posts(with_posts, PERIOD)
    assert posts["post_id"].to_list() == ["p2", "p1", "x1", "late", "p4"]  # no follows figure: left out
    rows = rows_of(posts, "post_id")
    assert rows["p2"]["label"] == "Second caption"  # no title: the text, trimmed
    # tiktok 't' net over the period: 10 + 15 - 5 = 20; x 'a': 5
    assert rows["p2"]["account_net"] == 20
    assert rows["p2"]["share_of_net"] == pytest.approx(12 / 20)
    assert rows["p1"]["share_of_net"] == pytest.approx(8 / 20)
    assert rows["x1"]["share_of_net"] == pytest.approx(3 / 5)
    assert rows["p4"]["share_of_net"] == 0
    assert follows_from_posts(with_posts, PERIOD, limit=2)["post_id"].to_list() == ["p2", "p1"]
    summary = follows_summary(with_posts, PERIOD)
    assert summary == {"posts": 5, "follows": 24.0, "net": 25.0, "share": pytest.approx(24 / 25)}


def test_follows_use_the_workspace_time_zone(with_posts):
    shanghai = Filters(d(1), d(4), tz="Asia/Shanghai")
    ids = follows_from_posts(with_posts, shanghai)["post_id"].to_list()
    assert "late" not in ids and "early" in ids
    assert ids[:2] == ["p2", "p1"] and ids[2] == "early"
    early = rows_of(follows_from_posts(with_posts, shanghai), "post_id")["early"]
    assert early["published_local"] == datetime(2026, 3, 1, 2, 0)


def test_follows_share_unknown_without_positive_net(store):
    put(store, "posts", POSTS, [("youtube", "y", "v1", datetime(2026, 3, 2, tzinfo=UTC), "Video", None, None, 4)])
    posts = follows_from_posts(store, PERIOD)
    assert posts["follows"].to_list() == [4] and posts["share_of_net"].to_list() == [None]
    assert follows_summary(store, PERIOD) == {"posts": 1, "follows": 4.0, "net": None, "share": None}
    assert follows_from_posts(store, Filters(date(2025, 1, 1), date(2025, 1, 2))).is_empty()


def test_gains_only_count_towards_gained_but_give_no_followers_or_net(store):
    # LinkedIn's followers workbook and Instagram's Follows give new follows per day, nothing else
    put(store, "account_daily", DAILY, [("linkedin", "l", d(1), None, 4, None, None),
                                        ("linkedin", "l", d(3), None, 6, None, None)])
    series = follower_series(store, PERIOD)
    assert series["date"].to_list() == [d(1), d(2), d(3)]
    assert series["followers"].to_list() == [None, None, None] and series["net"].to_list() == [None, None, None]
    row = account_summary(store, PERIOD).row(0, named=True)
    assert (row["gained"], row["lost"], row["net"], row["days_with_value"], row["days_carried"]) == (10, None, None, 0, 0)
    table = growth_table(store, Filters(d(1), d(4), granularity="month")).row(0, named=True)
    assert (table["gained"], table["net"], table["followers_end"], table["growth_rate"]) == (10, None, None, None)
