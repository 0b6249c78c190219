"""Alerts and comment figures: injected spikes and drops flagged on exactly those days with the
expected robust z, nothing on flat or short series, spend without conversions, negative share and
reply times computed by hand, keyword matching after NFKC and case folding."""

import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest

from dashboard.alerts import alerts, robust_flags
from dashboard.metrics.comments import clean_keywords, comment_stats, comments_frame, fold_text
from dashboard.metrics.filters import Filters
from dashboard.targets import create_target


def put(store, table, columns, rows):
    with store.write() as cur:
        for row in rows:
            cur.run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", list(row))


WEEKLY = [100.0 + (i % 7) for i in range(42)]  # 100..106 every week: median 103, MAD 2 over 4 weeks


# -- the detector on plain series -----------------------------------------------------------------

def test_an_injected_spike_is_flagged_on_that_day_only():
    values = list(WEEKLY)
    values[35] = 200.0
    flags = robust_flags(values)
    assert [f.index for f in flags] == [35]
    # window = days 7..34: four whole weeks, median 103, MAD median(|r - 3|) = 2
    assert flags[0].median == 103 and flags[0].z == pytest.approx(97 / (1.4826 * 2))


def test_an_injected_drop_is_flagged_downwards_only():
    values = list(WEEKLY)
    values[30] = 40.0
    assert robust_flags(values, direction="up") == []
    (flag,) = robust_flags(values, direction="down")
    assert flag.index == 30 and flag.z == pytest.approx((40 - 103) / (1.4826 * 2))


def test_flat_short_and_gappy_series_raise_nothing():
    assert robust_flags([100.0] * 40) == []
    spiked_flat = [100.0] * 40
    spiked_flat[35] = 150.0
    assert robust_flags(spiked_flat) == []  # a window without variation cannot say how unusual
    short = [100.0 + (i % 3) for i in range(13)] + [500.0]
    assert robust_flags(short) == []  # 13 days of history < 14
    gappy = [v if i % 3 == 0 else None for i, v in enumerate(WEEKLY[:30])] + [500.0]
    assert robust_flags(gappy) == []  # 10 known days in the 28 before
    assert robust_flags(list(WEEKLY)) == []


def test_mean_absolute_deviation_stands_in_when_mad_is_zero():
    values = [10.0, 10.0, 12.0] * 9 + [10.0, 15.0]
    (flag,) = robust_flags(values)
    # MAD = 0 (19 of 28 equal the median 10); mean absolute deviation = 9 x 2 / 28
    assert flag.index == 28 and flag.z == pytest.approx(5 / (1.2533 * 18 / 28))


# -- daily account series in the store ------------------------------------------------------------

def day(i):
    return date(2026, 1, 1) + timedelta(days=i)


@pytest.fixture
def anomalies(store):
    rows = []
    followers = 5000
    for i in range(60):
        lost = 60 if i == 50 else 10 + i % 3
        reach = 300 if i == 45 else 1000 + 10 * (i % 5)
        likes = 5 if i == 40 else 50
        rows.append(("x", "a", day(i), None, lost, reach, likes))
        followers = followers + (-20 if i == 50 else 2 + i % 3) if i else followers
        rows.append(("douyin", "b", day(i), followers, None, None, None))
    put(store, "account_daily", ("platform", "account", "date", "followers", "followers_lost", "reach", "likes"), rows)
    return store


def test_unfollow_spikes_engagement_drops_and_reach_collapses_on_their_days(anomalies):
    frame = alerts(anomalies, Filters(day(31), day(59)))
    assert frame.select("kind", "metric", "platform", "account", "date", "value", "normal", "page").rows() == [
        ("unfollow_spike", "followers_lost", "x", "a", day(50), 60.0, 11.0, "growth"),
        ("unfollow_spike", "followers_net", "douyin", "b", day(50), -20.0, 3.0, "growth"),
        ("reach_collapse", "reach", "x", "a", day(45), 300.0, 1020.0, "overview"),
        ("engagement_drop", "engagement_rate", "x", "a", day(40), 0.005, pytest.approx(50 / 1020), "content"),
    ]
    z = list(frame["robust_z"])
    assert z[0] == pytest.approx((60 - 11) / 1.4826)         # window: 10 x 11, 9 x 12, 9 x 10 -> MAD 1
    assert z[1] == pytest.approx((-20 - 3) / 1.4826)         # net +2/+3/+4 -> median 3, MAD 1
    assert z[2] == pytest.approx((300 - 1020) / (1.4826 * 10))
    mad = 50 * 10 / (1010 * 1020)  # |50/1010 - 50/1020|, the 14th/15th smallest deviation
    assert z[3] == pytest.approx((0.005 - 50 / 1020) / (1.4826 * mad))
    assert frame["change"][0] == pytest.approx(49 / 11)


def test_alerts_keep_to_the_period_and_the_platform_filter(anomalies):
    assert alerts(anomalies, Filters(day(51), day(59))).is_empty()
    only_douyin = alerts(anomalies, Filters(day(31), day(59), platforms=("douyin",)))
    assert list(only_douyin["kind"]) == ["unfollow_spike"] and list(only_douyin["platform"]) == ["douyin"]
    assert alerts(anomalies, Filters(day(31), day(59)), kinds=("reach_collapse",))["date"].to_list() == [day(45)]


def test_an_empty_store_has_no_alerts(store):
    frame = alerts(store, Filters(date(2026, 3, 1), date(2026, 3, 31)))
    assert frame.is_empty() and "robust_z" in frame.columns


# -- spend without conversions ---------------------------------------------------------------------

@pytest.fixture
def ads(store):
    columns = ("channel", "account", "campaign", "ad_group", "ad", "date_start", "date_end", "spend", "conversions")
    rows = []
    brand = [2, 1, 0, None, 0, 0, 3]  # dry 03-03 .. 03-06: four days
    for d, conversions in enumerate(brand, start=1):
        rows.append(("google_ads", "acc", "Brand", "g", "a", date(2026, 3, d), date(2026, 3, d), 100.0, conversions))
    for d, conversions in ((1, 0), (2, None), (3, 1)):  # two dry days only
        rows.append(("google_ads", "acc", "Test", "g", "a", date(2026, 3, d), date(2026, 3, d), 20.0, conversions))
    for d, spend in ((1, 50.0), (2, 0.0), (3, 50.0), (4, 50.0)):  # a day without spend breaks the streak
        rows.append(("meta_ads", "acc", "Paused", "g", "a", date(2026, 3, d), date(2026, 3, d), spend, 0))
    rows.append(("meta_ads", "acc", "Range", "g", "a", date(2026, 3, 1), date(2026, 3, 31), 1000.0, 0))
    put(store, "ad_stats", columns, rows)
    return store


def test_spend_without_conversions_is_one_alert_per_streak(ads):
    frame = alerts(ads, Filters(date(2026, 3, 1), date(2026, 3, 7)))
    assert frame.select("kind", "channel", "account", "campaign", "start_date", "date", "days", "value",
                        "page").rows() == [
        ("spend_no_conversions", "google_ads", "acc", "Brand", date(2026, 3, 3), date(2026, 3, 6), 4, 400.0,
         "channels")]


def test_a_streak_counts_up_to_the_end_of_the_period(ads):
    assert alerts(ads, Filters(date(2026, 3, 1), date(2026, 3, 4))).is_empty()  # 2 dry days so far
    frame = alerts(ads, Filters(date(2026, 3, 1), date(2026, 3, 5)))
    assert frame.select("date", "days", "value").rows() == [(date(2026, 3, 5), 3, 300.0)]
    assert alerts(ads, Filters(date(2026, 3, 1), date(2026, 3, 7), platforms=("meta_ads",))).is_empty()


# -- comments ----------------------------------------------------------------------------------------

def at(d, hour, minute=0):
    return datetime(2026, 3, d, hour, minute, tzinfo=UTC)


@pytest.fixture
def comments(store):
    columns = ("platform", "post_id", "comment_id", "author", "text", "created_at", "replied_at", "is_negative")
    put(store, "comments", columns, [
        ("x", "p1", "c1", "ann", "ＲＥＦＵＮＤ now", at(2, 9), at(2, 9, 20), None),      # keyword, fullwidth
        ("x", "p1", "c2", "bo", "Great tea", at(2, 9, 10), at(2, 10, 10), None),
        ("x", "p1", "c3", "cy", "这是差评", at(2, 10), at(2, 10, 40), None),              # Chinese keyword
        ("x", "p1", "c4", "di", "Worst. Ever.", at(2, 11), None, None),                  # case, unreplied
        ("x", "p1", "c5", "ed", "Die Straße ist zu", at(2, 12), at(2, 12, 5), None),       # ß folds to ss
        ("x", "p1", "c6", "fu", "refund?", at(2, 13), at(2, 13, 10), False),             # the file says no
        ("x", "p1", "c7", "gi", "nice", at(2, 14), at(2, 16), True),                     # the file says yes
        ("x", "p1", "c8", "ho", "ok", at(2, 15), at(2, 14), None),                       # reply before comment
        ("x", "p1", "c9", "ik", "refund", None, None, None),                              # no time: left out
        ("x", "p2", "c10", "jo", "refund", datetime(2026, 3, 1, 20, tzinfo=UTC), None, None),  # 04:00 in Shanghai
    ])
    return store


KEYWORDS = ["Refund", "差评", "WORST", "strasse", "  "]


def test_negative_share_and_reply_times_by_hand(comments):
    stats = comment_stats(comments, Filters(date(2026, 3, 2), date(2026, 3, 2)), KEYWORDS)
    assert stats == {
        "comments": 8, "negative": 5, "negative_share": 5 / 8,   # c1 c3 c4 c5 c7
        "replied": 6, "reply_median_minutes": 30.0,               # 5 10 20 | 40 60 120
        "replied_within_share": 3 / 8,                           # 5, 10, 20 minutes
        "negative_replied": 4, "crisis_reply_minutes": 30.0,      # 5 20 | 40 120
        "negative_within_share": 2 / 5, "negative_unreplied": 1,  # c4
        "reply_target_minutes": 30.0,
    }


def test_workspace_days_decide_the_period(comments):
    comments_sh = comment_stats(comments, Filters(date(2026, 3, 2), date(2026, 3, 2), tz="Asia/Shanghai"), KEYWORDS)
    assert (comments_sh["comments"], comments_sh["negative"]) == (9, 6)


def test_flags_say_why(comments):
    frame = comments_frame(comments, Filters(date(2026, 3, 2), date(2026, 3, 2)), KEYWORDS)
    why = {r["comment_id"]: (r["is_negative"], r["flagged_by"], r["matched"]) for r in frame.to_dicts()}
    assert why["c1"] == (True, "keyword", "refund")
    assert why["c3"] == (True, "keyword", "差评")
    assert why["c5"] == (True, "keyword", "strasse")
    assert why["c6"] == (False, None, None)
    assert why["c7"] == (True, "file", None)
    assert why["c2"] == (False, None, None)


def test_the_workspace_keyword_list_is_used_and_editable(comments):
    from dashboard.settings import set_setting

    period = Filters(date(2026, 3, 2), date(2026, 3, 2))
    # defaults: 差评 refund worst ... (no strasse): c1 c3 c4 c7
    assert comment_stats(comments, period)["negative"] == 4
    set_setting(comments, "negative_keywords", ["ｎｉｃｅ"])
    assert comment_stats(comments, period)["negative"] == 1  # c7 (file) only: "nice" is c7's text too
    set_setting(comments, "negative_keywords", [])
    assert comment_stats(comments, period)["negative"] == 1


def test_folding_is_nfkc_then_casefold():
    for text in ("ＲＥＦＵＮＤ", "ΟΔΟΣ", "Straße", "ẞ", "ﬁne", "Ａｂｃ１２３", "İstanbul", "差评！"):
        assert fold_text(text) == unicodedata.normalize("NFKC", text).casefold(), text
    assert clean_keywords([" Refund ", "ＲＥＦＵＮＤ", "", None, "差评"]) == ["refund", "差评"]


def test_comment_alerts_need_ten_comments_and_a_share_above_target(store):
    columns = ("platform", "post_id", "comment_id", "text", "created_at")
    rows = [("x", "p", f"a{i}", "refund" if i < 2 else "fine", at(3, 9, i)) for i in range(10)]   # 2 / 10
    rows += [("x", "p", f"b{i}", "refund", at(4, 9, i)) for i in range(9)]                         # 9 comments
    put(store, "comments", columns, rows)
    frame = alerts(store, Filters(date(2026, 3, 1), date(2026, 3, 31)))
    assert frame.select("kind", "platform", "date", "value", "normal", "page").rows() == [
        ("negative_comments", "x", date(2026, 3, 3), 0.2, 0.05, "alerts")]
    create_target(store, {"metric": "negative_comment_share", "period_type": "month",
                          "period_start": date(2026, 3, 1), "value": 0.25}, "ann")
    assert alerts(store, Filters(date(2026, 3, 1), date(2026, 3, 31))).is_empty()
