"""Content metrics (metrics/content.py), hand-computed on a small set of posts."""

from datetime import UTC, date, datetime

import polars as pl
import pytest

from dashboard.metrics import content, memo
from dashboard.metrics.content import (
    content_type_mix,
    count_posts,
    date_only_posts,
    denominator_coverage,
    engagement_heatmap,
    like_pattern,
    post_table,
    posting_cadence,
    top_bottom,
    video_stats,
)
from dashboard.metrics.filters import Filters
from dashboard.settings import set_setting

POST_COLS = ("platform", "account", "post_id", "published_at", "content_type", "title", "text", "url",
             "impressions", "reach", "views", "likes", "comments", "shares", "saves",
             "watch_time_s", "avg_watch_s", "completion_rate")

P2_TEXT = ('Big sale:\n50% off_today on "Oolong" -- the \'deal\' of the season,   only at our shop in Hangzhou. '
           'Come early!')
# whitespace collapsed, first 80 characters
P2_TITLE = 'Big sale: 50% off_today on "Oolong" -- the \'deal\' of the season, only at our sho'


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def put(store, table, columns, rows):
    with store.write() as cur:
        for row in rows:
            cur.run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", list(row))


# 2026-03-02 is a Monday: ISO week 10 is Mar 2-8, week 11 is Mar 9-15.
POSTS = [
    # platform, account, id, published_at (UTC), type, title, text, url,
    # impressions, reach, views, likes, comments, shares, saves, watch_time_s, avg_watch_s, completion_rate
    ("x", "a", "p1", at(2, 10), "image", "Spring tea launch", "Our spring tea is here", "https://x.com/a/1",
     1000, 500, None, 40, 5, 3, 2, None, None, None),                       # interactions 50
    ("x", "a", "p2", at(3, 23, 30), "video", None, P2_TEXT, "https://x.com/a/2",
     2000, 800, 1000, 60, 10, 10, 0, None, 12.0, 0.5),                       # interactions 80
    ("x", "a", "p3", at(5, 8), "video", "Behind the scenes", None, None,
     500, 0, 400, 10, None, None, None, None, None, 0.25),                   # reach 0: no rate by reach
    ("x", "a", "p4", at(6, 12), "image", "  ", "half time tea break", None,
     300, 100, None, None, None, None, None, None, None, None),              # no interactions at all
    ("douyin", "b", "p5", at(4, 12), "short_video", "100%_real", "", None,
     None, 1000, 2000, 100, 20, 20, 60, None, 10.0, 0.3),                   # interactions 200
    ("douyin", "b", "p6", at(10, 9), "short_video", "Tea 101", None, None,
     None, 500, 1000, 0, 0, 0, 0, 30000.0, None, 0.6),                       # a real zero
    ("x", "a", "p7", at(11, 15), "video", "Teaser", None, None,
     None, None, None, None, None, None, None, None, 100.0, None),           # watch time but no views
    ("douyin", "b", "p8", at(9, 10, 30), "short_video", "Matcha how-to", None, None,
     None, 100, None, 30, None, None, None, None, None, None),               # interactions 30
]
PERIOD = Filters(date(2026, 3, 2), date(2026, 3, 15))


@pytest.fixture
def posts(store):
    put(store, "posts", POST_COLS, POSTS)
    # followers of x/a: 1000 from Mar 1, 2000 from Mar 4 (douyin has no follower totals)
    put(store, "account_daily", ("platform", "account", "date", "followers"),
        [("x", "a", date(2026, 3, 1), 1000), ("x", "a", date(2026, 3, 4), 2000)])
    return store


def by_id(frame, column):
    return dict(zip(frame["post_id"].to_list(), frame[column].to_list(), strict=True))


# -- the post table --------------------------------------------------------------------------

def test_post_table_rows_titles_and_interactions(posts):
    table = post_table(posts, PERIOD)
    assert table["post_id"].to_list() == ["p7", "p6", "p8", "p4", "p3", "p5", "p2", "p1"]  # newest first
    titles = by_id(table, "title")
    assert titles["p1"] == "Spring tea launch"
    assert titles["p2"] == P2_TITLE and len(P2_TITLE) == 80  # no title: the text's first 80 characters
    assert titles["p4"] == "half time tea break"  # a blank title falls back too
    assert by_id(table, "interactions") == {"p1": 50, "p2": 80, "p3": 10, "p4": None, "p5": 200, "p6": 0,
                                            "p7": None, "p8": 30}
    assert by_id(table, "url")["p1"] == "https://x.com/a/1"
    assert table.filter(table["post_id"] == "p2")["published_at"][0] == datetime(2026, 3, 3, 23, 30)
    assert count_posts(posts, PERIOD) == 8
    assert post_table(posts, PERIOD, limit=3)["post_id"].to_list() == ["p7", "p6", "p8"]


def test_per_post_rate_under_each_denominator(posts):
    reach = by_id(post_table(posts, PERIOD), "engagement_rate")
    assert reach["p1"] == pytest.approx(50 / 500)
    assert reach["p2"] == pytest.approx(80 / 800)
    assert reach["p3"] is None  # reach 0: no rate, not 0 and not infinity
    assert reach["p4"] is None  # no interactions known
    assert reach["p6"] == 0.0  # zero interactions over a real reach is a real 0
    assert reach["p8"] == pytest.approx(30 / 100)

    impressions = by_id(post_table(posts, Filters(PERIOD.start, PERIOD.end, denominator="impressions")),
                        "engagement_rate")
    assert impressions["p1"] == pytest.approx(50 / 1000)
    assert impressions["p2"] == pytest.approx(80 / 2000)
    assert impressions["p3"] == pytest.approx(10 / 500)
    assert impressions["p5"] is None  # no impressions in the export

    table = post_table(posts, Filters(PERIOD.start, PERIOD.end, denominator="followers"))
    followers = by_id(table, "engagement_rate")
    # followers at post time: the last total on or before the publish day
    assert by_id(table, "followers_at_post") == {"p1": 1000, "p2": 1000, "p3": 2000, "p4": 2000, "p5": None,
                                                 "p6": None, "p7": 2000, "p8": None}
    assert followers["p1"] == pytest.approx(50 / 1000)
    assert followers["p2"] == pytest.approx(80 / 1000)
    assert followers["p3"] == pytest.approx(10 / 2000)
    assert followers["p5"] is None  # douyin: no follower totals


def test_denominator_coverage(posts):
    # rated by reach: p1, p2, p5, p6, p8; by impressions: p1-p3; by followers: p1-p3 (p4, p7 have no interactions)
    assert denominator_coverage(posts, PERIOD) == {"reach": 5, "impressions": 3, "followers": 3}


def test_time_zone_decides_the_day_and_followers_at_post_time(store_shanghai):
    put(store_shanghai, "posts", POST_COLS, POSTS)
    put(store_shanghai, "account_daily", ("platform", "account", "date", "followers"),
        [("x", "a", date(2026, 3, 1), 1000), ("x", "a", date(2026, 3, 4), 2000)])
    table = post_table(store_shanghai, Filters(date(2026, 3, 4), date(2026, 3, 4), tz="Asia/Shanghai",
                                               denominator="followers"))
    # p2, 23:30 UTC on Mar 3, is 07:30 on Mar 4 in Shanghai, when the account had 2000 followers
    assert set(table["post_id"]) == {"p2", "p5"}
    p2 = table.filter(table["post_id"] == "p2").row(0, named=True)
    assert p2["published_at"] == datetime(2026, 3, 4, 7, 30)
    assert p2["engagement_rate"] == pytest.approx(80 / 2000)


@pytest.mark.parametrize(("search", "expected"), [
    ("spring", {"p1"}),              # case-insensitive, title
    ("SPRING", {"p1"}),
    ("shop in hangzhou", {"p2"}),    # text
    ("%", {"p2", "p5"}),             # a literal percent sign, not "anything"
    ("_", {"p2", "p5"}),             # a literal underscore, not "any one character"
    ("f_t", {"p2"}),                 # unescaped, 'f_t' would also match "hal(f t)ime" in p4
    ("0%_r", {"p5"}),
    ('"Oolong"', {"p2"}),            # double quotes
    ("'deal'", {"p2"}),              # single quotes
    ("' OR 1=1 --", set()),
    ("back\\slash", set()),
    ("   ", {"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"}),  # blank: no search
])
def test_search_is_a_literal_substring(posts, search, expected):
    assert set(post_table(posts, PERIOD, search=search)["post_id"]) == expected
    assert count_posts(posts, PERIOD, search) == len(expected)


def test_like_pattern_escapes_wildcards_and_backslash():
    assert like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"


# -- ranking -----------------------------------------------------------------------------------

def test_top_and_bottom_skip_nulls_and_never_repeat_a_post(posts):
    top, bottom = top_bottom(posts, PERIOD, "interactions", n=2)
    # ranked: p5 200, p2 80, p1 50, p8 30, p3 10, p6 0 (p4 and p7 have no interactions)
    assert top["post_id"].to_list() == ["p5", "p2"]
    assert top["rank"].to_list() == [1, 2]
    assert bottom["post_id"].to_list() == ["p6", "p3"]
    top, bottom = top_bottom(posts, PERIOD, "interactions", n=5)
    assert top["post_id"].to_list() == ["p5", "p2", "p1", "p8", "p3"]
    assert bottom["post_id"].to_list() == ["p6"]  # the only post outside the top 5


def test_ties_are_broken_by_the_newer_post(posts):
    # rates by reach: p8 .3, p5 .2, p1 .1 and p2 .1 (a tie), p6 0; p3, p4, p7 have none
    top, bottom = top_bottom(posts, PERIOD, "engagement_rate", n=3)
    assert top["post_id"].to_list() == ["p8", "p5", "p2"]  # p2 (Mar 3) is newer than p1 (Mar 2)
    assert bottom["post_id"].to_list() == ["p6", "p1"]
    top, bottom = top_bottom(posts, PERIOD, "engagement_rate", n=10)
    assert top["post_id"].to_list() == ["p8", "p5", "p2", "p1", "p6"]
    assert bottom.is_empty()


def test_ranking_rejects_unknown_metrics(posts):
    with pytest.raises(ValueError):
        top_bottom(posts, PERIOD, "reach; DROP TABLE posts", n=3)


# -- content types, heatmap -------------------------------------------------------------------

def test_content_type_mix_median_and_pooled(posts):
    mix = content_type_mix(posts, PERIOD)
    assert mix["content_type"].to_list() == ["short_video", "video", "image"]
    rows = {r["content_type"]: r for r in mix.iter_rows(named=True)}
    short = rows["short_video"]  # p5 .2 (200/1000), p6 0 (0/500), p8 .3 (30/100)
    assert (short["posts"], short["interactions"], short["rated_posts"]) == (3, 230, 3)
    assert short["engagement_rate_median"] == pytest.approx(0.2)
    assert short["engagement_rate_pooled"] == pytest.approx(230 / 1600)
    assert short["avg_views"] == pytest.approx((2000 + 1000) / 2)  # p8's views unknown
    video = rows["video"]  # p2 .1 (80/800); p3 has reach 0, p7 no interactions
    assert (video["posts"], video["interactions"], video["rated_posts"]) == (3, 90, 1)
    assert video["engagement_rate_median"] == pytest.approx(0.1)
    assert video["engagement_rate_pooled"] == pytest.approx(80 / 800)  # p3's 10 interactions have no reach
    assert video["avg_views"] == pytest.approx((1000 + 400) / 2)
    image = rows["image"]
    assert (image["posts"], image["interactions"], image["rated_posts"]) == (2, 50, 1)
    assert image["avg_views"] is None


def test_heatmap_cells_in_utc(posts):
    cells = {(r["weekday"], r["hour"]): r for r in engagement_heatmap(posts, PERIOD).iter_rows(named=True)}
    # Monday 10h: p1 (.1) and p8 (.3) -> median .2
    assert cells[(0, 10)]["posts"] == 2 and cells[(0, 10)]["engagement_rate_median"] == pytest.approx(0.2)
    assert cells[(1, 23)]["posts"] == 1  # p2: Tuesday 23:30 UTC
    assert cells[(3, 8)]["engagement_rate_median"] is None  # p3: reach 0
    assert cells[(3, 8)]["posts"] == 1 and cells[(3, 8)]["rated_posts"] == 0
    assert sum(r["posts"] for r in cells.values()) == 8


def test_heatmap_leaves_out_posts_with_a_date_only(posts):
    # an export that gives 'Mar 7' and no time: stored at local midnight
    put(posts, "posts", ("platform", "account", "post_id", "published_at", "reach", "likes"),
        [("tiktok", "t", "d1", at(7, 0), 100, 5)])
    cells = engagement_heatmap(posts, PERIOD)
    assert sum(cells["posts"]) == 8 and (5, 0) not in set(zip(cells["weekday"], cells["hour"], strict=True))
    assert date_only_posts(posts, PERIOD) == 1
    assert count_posts(posts, PERIOD) == 9  # still a post of the period everywhere else


def test_heatmap_cells_in_shanghai(store_shanghai):
    put(store_shanghai, "posts", POST_COLS, POSTS)
    cells = {(r["weekday"], r["hour"]): r["posts"] for r in
             engagement_heatmap(store_shanghai, Filters(PERIOD.start, PERIOD.end, tz="Asia/Shanghai")).iter_rows(
                 named=True)}
    assert (1, 23) not in cells
    assert cells[(2, 7)] == 1  # p2: 23:30 UTC on Tuesday is 07:30 on Wednesday in Shanghai
    assert cells[(0, 18)] == 2  # p1 and p8: 10:00 / 10:30 UTC -> 18h Monday


# -- cadence -----------------------------------------------------------------------------------

def test_cadence_per_iso_week_against_the_plan(posts):
    frame = posting_cadence(posts, PERIOD, plan={"x": 3, "douyin": 2, "tiktok": 1})
    rows = {(r["iso_week"], r["platform"]): r for r in frame.iter_rows(named=True)}
    assert len(rows) == 6  # 2 weeks x (x, douyin, tiktok)
    assert rows[("2026-W10", "x")]["posts"] == 4  # p1-p4
    assert rows[("2026-W10", "x")]["vs_plan"] == pytest.approx(1)
    assert rows[("2026-W10", "douyin")]["posts"] == 1  # p5
    assert rows[("2026-W11", "x")]["posts"] == 1  # p7
    assert rows[("2026-W11", "douyin")]["posts"] == 2  # p6, p8
    assert rows[("2026-W11", "tiktok")]["posts"] == 0  # planned, nothing posted
    assert rows[("2026-W11", "tiktok")]["vs_plan"] == pytest.approx(-1)
    assert rows[("2026-W10", "x")]["week"] == date(2026, 3, 2)


def test_cadence_partial_week_and_platform_filter(posts):
    frame = posting_cadence(posts, Filters(date(2026, 3, 4), date(2026, 3, 15), platforms=("x",)),
                            plan={"x": 3, "douyin": 2})
    assert frame["platform"].unique().to_list() == ["x"]
    first = frame.row(0, named=True)
    assert (first["iso_week"], first["days"], first["posts"]) == ("2026-W10", 5, 2)  # Wed-Sun: p3, p4
    assert first["plan_week"] == 3 and first["plan"] == pytest.approx(3 * 5 / 7)


def test_cadence_plan_from_settings_and_no_plan(posts):
    no_plan = posting_cadence(posts, PERIOD)
    assert no_plan["plan"].null_count() == no_plan.height == 4
    set_setting(posts, "posting_plan", {"douyin": 1})
    frame = posting_cadence(posts, PERIOD)
    plans = {(r["iso_week"], r["platform"]): r["plan"] for r in frame.iter_rows(named=True)}
    assert plans[("2026-W11", "douyin")] == pytest.approx(1)
    assert plans[("2026-W11", "x")] is None


def test_cadence_of_an_empty_period(posts):
    assert posting_cadence(posts, Filters(date(2025, 1, 1), date(2025, 1, 7))).is_empty()


# -- video -------------------------------------------------------------------------------------

def test_video_stats_weighted_by_views(posts):
    rows = {r["platform"]: r for r in video_stats(posts, PERIOD).iter_rows(named=True)}
    douyin = rows["douyin"]  # p5: 2000 views x 10 s avg, 30%; p6: 1000 views, 30000 s, 60%; p8 has no video data
    assert douyin["videos"] == 2 and douyin["views"] == 3000
    assert douyin["watch_time_s"] == pytest.approx(2000 * 10 + 30000)
    assert douyin["avg_watch_s"] == pytest.approx(50000 / 3000)
    assert douyin["completion_rate"] == pytest.approx((0.3 * 2000 + 0.6 * 1000) / 3000)
    x = rows["x"]  # p2: 1000 views x 12 s, 50%; p3: 400 views, 25%, no watch data; p7: 100 s avg, no views
    assert x["videos"] == 3 and x["views"] == 1400
    assert x["watch_time_s"] == pytest.approx(12000)
    assert x["avg_watch_s"] == pytest.approx(12000 / 1000)  # p3's views have no watch time to weigh
    assert x["completion_rate"] == pytest.approx((0.5 * 1000 + 0.25 * 400) / 1400)
    total = video_stats(posts, PERIOD, by_platform=False).row(0, named=True)
    assert total["videos"] == 5 and total["views"] == 4400
    assert total["avg_watch_s"] == pytest.approx(62000 / 4000)
    assert total["completion_rate"] == pytest.approx(1800 / 4400)


def test_video_stats_without_video_data(posts):
    assert video_stats(posts, Filters(date(2025, 1, 1), date(2025, 1, 7))).is_empty()
    assert video_stats(posts, Filters(date(2025, 1, 1), date(2025, 1, 7)), by_platform=False).is_empty()


def _every_figure(store, filters):
    top, bottom = top_bottom(store, filters, "engagement_rate", 2)
    return [post_table(store, filters), post_table(store, filters, limit=2), count_posts(store, filters), top, bottom,
            content_type_mix(store, filters), engagement_heatmap(store, filters), date_only_posts(store, filters),
            posting_cadence(store, filters, {"x": 2.0}), video_stats(store, filters),
            video_stats(store, filters, by_platform=False), denominator_coverage(store, filters)]


@pytest.mark.parametrize("denominator", ["reach", "impressions", "followers"])
def test_kept_period_posts_give_the_same_figures_as_sql(posts, monkeypatch, denominator):
    """A period's posts are read once and kept per data version; a period too long to keep is read
    by each query again. Both ways give the same figures."""
    filters = Filters(PERIOD.start, PERIOD.end, denominator=denominator)
    kept = _every_figure(posts, filters)
    memo.clear()
    monkeypatch.setattr(content, "MAX_KEPT_POSTS", 0)
    queried = _every_figure(posts, filters)
    for a, b in zip(kept, queried, strict=True):
        assert a.equals(b) if isinstance(a, pl.DataFrame) else a == b


def test_kept_period_posts_follow_new_imports(posts):
    before = count_posts(posts, PERIOD)
    put(posts, "posts", ("platform", "account", "post_id", "published_at"), [("x", "a", "new", at(5, 9))])
    assert count_posts(posts, PERIOD) == before + 1  # a write moves the data version on
