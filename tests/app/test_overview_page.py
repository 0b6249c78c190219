"""AppTest of Overview and Definitions: empty state, real numbers, both languages, URL filters."""

from datetime import date

from tests.app.conftest import app_for_period, make_app, texts
from tests.conftest import import_one

DAILY = ("platform,account,date,followers,impressions,reach,likes,comments\n"
         "x,a,2026-03-01,1000,1000,500,20,5\nx,a,2026-03-02,1010,1500,700,40,5\n"
         "douyin,b,2026-03-02,,3000,,60,\n")


def with_period(lang="en"):
    return app_for_period(date(2026, 3, 2), date(2026, 3, 2), lang=lang)


def metric(at, label):
    return next(m for m in at.metric if m.label.startswith(label))


def test_empty_store_says_what_to_upload(empty_store):
    at = make_app()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "No social data yet" in texts(at)


def test_tiles_show_the_period_values_and_changes(empty_store):
    import_one(empty_store, "daily.csv", DAILY.encode())
    at = with_period()
    assert not at.exception
    assert metric(at, "Impressions").value == "4,500"  # 1500 + 3000
    assert metric(at, "Followers (end)").value == "1,010"
    assert metric(at, "Engagement rate (÷ reach)").value == "6.43%"  # (40+5)/700: douyin has no reach
    assert metric(at, "Posts published").value == "—"
    # 2026-03-02 is a Monday: compared with Monday 2026-02-23, which has no data
    assert metric(at, "Impressions").delta == ""
    assert "previous —" in str(metric(at, "Impressions").proto)
    table = at.dataframe[0].value
    assert list(table["Platform"]) == ["Douyin", "X (Twitter)"]
    assert list(table["Impressions"]) == ["3,000", "1,500"]


def test_chinese_overview_uses_wan(empty_store):
    import_one(empty_store, "big.csv", b"platform,account,date,impressions\nx,a,2026-03-02,123456\n")
    at = with_period("zh")
    assert not at.exception
    assert at.title[0].value == "总览"
    assert metric(at, "曝光").value == "12.3万"


def test_filters_are_written_to_the_url(empty_store):
    import_one(empty_store, "daily.csv", DAILY.encode())
    at = with_period()
    assert at.query_params["period"] == "custom"
    assert at.query_params["start"] == "2026-03-02"
    # sidebar widgets belong to the shell; AppTest sees them only on the first run, so set state
    at.session_state["f_platforms"] = ["douyin"]
    at.run()
    assert at.query_params["platforms"] == "douyin"
    assert metric(at, "Impressions").value == "3,000"


def test_definitions_list_every_metric_in_both_languages(empty_store):
    at = make_app("views/definitions.py")
    assert not at.exception
    frame = at.dataframe[0].value
    row = frame[frame["key"] == "engagement_rate_reach"].iloc[0]
    assert row["name_zh"] == "互动率（触达）" and row["name_en"] == "Engagement rate (reach)"
    assert row["formula_en"] == "sum of interactions ÷ sum of reach"
    from dashboard.targets import target_metric_keys

    assert len(frame) == len(target_metric_keys()) >= 31
    assert "negative_comment_share" in set(frame["key"])
    at.text_input(key="definitions_search").set_value("cpc")
    at.run()
    assert list(at.dataframe[0].value["key"]) == ["cpc"]
