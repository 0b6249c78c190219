"""AppTest of the Content & engagement page: empty state, real numbers from a real X export in
both languages, the denominator switch, search, ranking and the posting plan."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_for_period, make_app, texts
from tests.conftest import ROOT, import_one, sample

TWEETS = "twitter/tweet_activity_metrics_rOpenSci_20190501_20190601_en.csv"
NEWSLETTER_TWEET = "1134474618603880448"  # "Want to keep up with @rOpenSci's work ...", 3405 impressions
BEST_TWEET = "1129031248117153794"  # the most impressions of the month: 38193


def content_app(lang: str = "en", denominator: str | None = None) -> AppTest:
    extra = {"denominator": denominator} if denominator else {}
    at = app_for_period(date(2019, 5, 1), date(2019, 5, 31), "views/content.py", lang, _filters_seeded=True, **extra)
    assert not at.exception, at.exception
    return at


def post_frame(at: AppTest):
    """The post table: the dataframe of posts that is not a ranking (those carry a rank)."""
    return next(d.value for d in at.dataframe if "post_id" in d.value.columns and "rank" not in d.value.columns)


@pytest.fixture
def tweets(empty_store):
    result = import_one(empty_store, sample(TWEETS))
    assert result.rows_inserted == 29
    return empty_store


def test_empty_store_names_the_exports_that_carry_posts(empty_store):
    at = make_app("views/content.py")
    assert not at.exception
    assert at.title[0].value == "Content & engagement"
    shown = texts(at)
    assert "No posts yet" in shown
    assert "Meta Business Suite posts" in shown and "小红书 笔记列表" in shown and "抖音 作品列表" in shown
    link = at.get("page_link")[0]
    assert link.proto.label == "Upload on the Data page"
    assert link.proto.page == "data" and link.proto.page_script_hash  # resolved to the registered Data page


def test_empty_store_in_chinese(empty_store):
    at = make_app("views/content.py", lang="zh")
    assert not at.exception
    assert at.title[0].value == "内容与互动"
    assert "还没有内容数据" in texts(at)


def test_post_table_shows_the_real_posts(tweets):
    at = content_app(denominator="impressions")
    table = post_frame(at)
    assert len(table) == 29
    row = table[table["post_id"] == NEWSLETTER_TWEET].iloc[0]
    assert row["impressions"] == 3405
    assert row["title"].startswith("Want to keep up with @rOpenSci")
    assert row["platform"] == "X (Twitter)"
    assert row["engagement_rate"] == pytest.approx(8 / 3405)  # 4 likes + 4 retweets
    assert "Posts: 29" in texts(at)
    # ranking by impressions: the best tweet first
    at.selectbox(key="content_rank_metric").set_value("impressions").run()
    top = at.dataframe[0].value
    assert top["post_id"].iloc[0] == BEST_TWEET and top["impressions"].iloc[0] == 38193
    assert len(top) == 5


def test_denominator_switch_renames_every_rate(tweets):
    at = content_app()
    shown = texts(at)
    # X exports carry no reach: the page says so and suggests impressions
    assert "No post of this period reports reach" in shown
    assert any(m.label == "Engagement rate (÷ reach)" for m in at.metric)
    switch = at.segmented_control(key="content_denominator")
    assert switch.value == "reach"
    switch.set_value("impressions").run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Engagement rate (÷ impressions)" in labels and "Engagement rate (÷ reach)" not in labels
    assert at.session_state["denominator"] == "impressions"
    assert "No post of this period reports" not in texts(at)
    rate = next(m for m in at.metric if m.label == "Engagement rate (÷ impressions)")
    assert rate.value.endswith("%") and rate.value != "—"


def test_search_filters_the_table(tweets):
    at = content_app(denominator="impressions")
    at.text_input(key="content_search").input("NEWSLETTER").run()
    assert not at.exception
    table = post_frame(at)
    assert list(table["post_id"]) == [NEWSLETTER_TWEET]
    assert "Posts: 1" in texts(at)
    at.text_input(key="content_search").input("100%_no_such_thing").run()
    assert not at.exception
    assert "No post title or text contains" in texts(at)


def test_top_and_bottom_follow_the_chosen_n(tweets):
    at = content_app(denominator="impressions")
    at.selectbox(key="content_rank_metric").set_value("impressions")
    at.number_input(key="content_rank_n").set_value(3).run()
    assert not at.exception
    top, bottom = at.dataframe[0].value, at.dataframe[1].value
    assert list(top["impressions"]) == [38193, 18923, 9979]
    assert list(bottom["impressions"]) == [157, 233, 234]
    assert "Top 3" in texts(at) and "Bottom 3" in texts(at)


def test_chinese_page_with_data(tweets):
    at = content_app("zh", denominator="impressions")
    assert at.title[0].value == "内容与互动"
    assert "互动率 (÷ 曝光)" in [m.label for m in at.metric]
    table = post_frame(at)
    assert len(table) == 29
    assert table[table["post_id"] == NEWSLETTER_TWEET].iloc[0]["impressions"] == 3405
    assert "共 29 条" in texts(at)
    assert "内容类型对比" in [s.value for s in at.subheader]


def test_no_posts_in_the_period_says_where_they_are(tweets):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["f_preset"] = "custom"
    at.session_state["f_start"] = date(2020, 1, 1)
    at.session_state["f_end"] = date(2020, 1, 31)
    at.session_state["_filters_seeded"] = True
    at.run()
    at.switch_page("views/content.py")
    at.run()
    assert not at.exception
    assert "The imported posts run from 2019-05-03 to 2019-05-31" in texts(at)


def test_posting_plan_is_saved_and_compared(tweets):
    at = content_app(denominator="impressions")
    assert "No posting plan yet" in texts(at)
    at.number_input(key="content_plan_x").set_value(10.0)
    submit = next(b for b in at.get("button") if "Save plan" in str(b.proto.label))
    submit.click().run()
    assert not at.exception
    assert tweets.scalar("SELECT value FROM settings WHERE key = 'posting_plan'") == '{"x": 10.0}'
    shown = texts(at)
    assert "Posting plan saved" in shown
    # May 2019: W18 (Wed 1 - Sun 5, 5 days: plan 10 x 5/7) had 1 post, W21 had 5 against 10
    assert "X (Twitter) 2019-W18: 1 / 7.1" in shown
    assert "X (Twitter) 2019-W21: 5 / 10" in shown
    assert "2019-W19" not in shown  # 11 posts, above plan
