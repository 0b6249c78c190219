"""Content chart builders: pure figures, names in the session language, the denominator named."""

from datetime import date

import polars as pl

from dashboard.charts import (
    cadence_bars,
    content_type_bars,
    engagement_heatmap_chart,
    engagement_rate_lines,
    interactions_stacked,
    rate_label,
)


def test_rate_label_names_the_denominator():
    assert rate_label("reach", "en") == "Engagement rate (÷ reach)"
    assert rate_label("followers", "en") == "Engagement rate (÷ followers at post time)"
    assert rate_label("impressions", "zh") == "互动率（÷ 曝光）"


def test_rate_lines_skip_platforms_without_any_rate():
    frame = pl.DataFrame({"bucket": [date(2026, 3, 2)] * 2, "platform": ["x", "douyin"],
                          "engagement_rate": [None, 0.05]})
    fig = engagement_rate_lines(frame, "impressions", "en")
    assert [trace.name for trace in fig.data] == ["Douyin"]
    assert fig.layout.yaxis.title.text == "Engagement rate (÷ impressions)"
    assert engagement_rate_lines(frame.clear(), "reach", "en").data == ()


def test_interactions_stack_sums_platforms():
    frame = pl.DataFrame({"bucket": [date(2026, 3, 2)] * 2, "platform": ["x", "douyin"], "likes": [1.0, 2.0],
                          "comments": [3.0, None], "shares": [0.0, 1.0], "saves": [None, None]})
    fig = interactions_stacked(frame, "zh")
    assert [trace.name for trace in fig.data] == ["点赞", "评论", "分享/转发", "收藏"]
    assert list(fig.data[0].y) == [3.0] and list(fig.data[1].y) == [3.0]


def test_content_type_bars_label_types_with_post_counts():
    frame = pl.DataFrame({"content_type": ["short_video", "image"], "posts": [3, 2],
                          "engagement_rate_median": [0.2, 0.1], "engagement_rate_pooled": [0.14, None]})
    fig = content_type_bars(frame, "reach", "en")
    assert list(fig.data[0].x) == ["Short video (3)", "Image (2)"]
    assert list(fig.data[1].y) == [0.14, None]
    assert "÷ reach" in fig.layout.title.text


def test_heatmap_grid_has_weekday_names_and_empty_cells():
    frame = pl.DataFrame({"weekday": [2], "hour": [7], "posts": [4], "engagement_rate_median": [0.05]})
    zh = engagement_heatmap_chart(frame, "reach", "Asia/Shanghai", "zh").data[0]
    assert list(zh.y) == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    assert zh.z[2][7] == 0.05 and zh.z[0][0] is None
    en = engagement_heatmap_chart(frame, "reach", "Asia/Shanghai", "en")
    assert list(en.data[0].y)[0] == "Mon"
    assert en.layout.xaxis.title.text == "Hour published (Asia/Shanghai)"
    assert "4 posts" in en.data[0].customdata[2][7]


def test_cadence_bars_draw_the_plan_once_in_the_legend():
    frame = pl.DataFrame({"iso_week": ["2026-W10", "2026-W11"] * 2, "platform": ["x", "x", "douyin", "douyin"],
                          "posts": [4, 1, 1, 2], "plan": [3.0, 3.0, 2.0, 2.0]})
    fig = cadence_bars(frame, "en")
    bars = [t for t in fig.data if t.type == "bar"]
    plans = [t for t in fig.data if t.type == "scatter"]
    assert [b.name for b in bars] == ["X (Twitter)", "Douyin"]
    assert [p.showlegend for p in plans] == [True, False] and plans[0].name == "Plan"
    no_plan = cadence_bars(frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("plan")), "en")
    assert all(t.type == "bar" for t in no_plan.data)


def test_date_axes_are_written_the_chinese_way_in_chinese_only():
    frame = pl.DataFrame({"bucket": [date(2026, 3, 2), date(2026, 3, 3)], "platform": ["douyin"] * 2,
                          "engagement_rate": [0.04, 0.05], "likes": [3, 4], "comments": [1, 0]})
    assert engagement_rate_lines(frame, "reach", "zh").layout.xaxis.tickformat == "%-m月%-d日\n%Y"
    assert interactions_stacked(frame, "zh").layout.xaxis.hoverformat == "%Y年%-m月%-d日"
    assert engagement_rate_lines(frame, "reach", "en").layout.xaxis.tickformat is None
    weeks = frame.with_columns(pl.Series("bucket", ["W10", "W11"]))  # categories keep their own labels
    assert interactions_stacked(weeks, "zh").layout.xaxis.tickformat is None
