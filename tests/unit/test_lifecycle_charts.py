"""Lifecycle chart builders: dormant below zero, a partial period drawn lighter, the funnel's step
rates, the cohort heatmap with the average row on top and empty future cells, durations."""

from datetime import date

import polars as pl

from dashboard.charts import cohort_heatmap, format_days, funnel_chart, lifecycle_flows_chart

FLOWS = pl.DataFrame({"period_start": [date(2026, 3, 2), date(2026, 3, 9)], "new": [3, 2], "retained": [1, 3],
                      "resurrected": [1, 0], "dormant": [0, -2], "churned": [1, 0], "active": [5, 5],
                      "complete": [True, False]})


def test_flows_chart_stacks_the_flows_with_dormant_and_churned_below_zero():
    fig = lifecycle_flows_chart(FLOWS, "en", title="Users per week", period="week")
    names = [t.name for t in fig.data]
    assert names == ["New", "Retained", "Resurrected", "Dormant", "Churned", "Active users"]
    assert list(fig.data[3].y) == [0, -2] and list(fig.data[4].y) == [-1, 0]
    assert list(fig.data[0].marker.opacity) == [1.0, 0.45]  # the week not over yet is lighter
    assert fig.layout.barmode == "relative"
    zh = lifecycle_flows_chart(FLOWS, "zh", period="month")
    assert [t.name for t in zh.data][:4] == ["新增", "留存", "回流", "沉睡"]
    assert zh.layout.xaxis.dtick == "M1"


def test_funnel_chart_writes_users_and_step_rates():
    frame = pl.DataFrame({"step": ["acquired", "activated", "retained", "converted"], "step_index": [1, 2, 3, 4],
                          "users": [6, 3, 3, 2], "rate_from_previous": [1.0, 0.5, 1.0, 2 / 3],
                          "rate_from_start": [1.0, 0.5, 0.5, 1 / 3],
                          "median_days_from_previous": [None, 1 / 3, 8.1875, 0.8333]})
    fig = funnel_chart(frame, "en")
    assert list(fig.data[0].y) == ["Acquired", "Activated", "Retained", "Converted"]
    assert list(fig.data[0].text) == ["6 · 100.0%", "3 · 50.0%", "3 · 100.0%", "2 · 66.7%"]
    assert "median time from previous step 8.2 d" in fig.data[0].customdata[2]
    assert funnel_chart(frame, "zh").data[0].text[1] == "3 人 · 50.0%"


def test_cohort_heatmap_puts_the_average_first_and_leaves_the_future_empty():
    frame = pl.DataFrame({"cohort": [date(2026, 3, 2), date(2026, 3, 2), date(2026, 3, 9), None, None],
                          "age": [0, 1, 0, 0, 1], "cohort_size": [3, 3, 2, 5, 3], "users": [3, 1, 2, 5, 1],
                          "rate": [1.0, 1 / 3, 1.0, 1.0, 1 / 3], "is_average": [False, False, False, True, True]})
    fig = cohort_heatmap(frame, "rate", "rate", "week", "en")
    heat = fig.data[0]
    assert list(heat.y) == ["Weighted average", "2026-03-02 (3)", "2026-03-09 (2)"]
    assert list(heat.x) == ["W0", "W1"]
    assert [list(r) for r in heat.z] == [[1.0, 1 / 3], [1.0, 1 / 3], [1.0, None]]
    assert heat.text[1][1] == "33.3%" and heat.text[2][1] == ""
    assert "1 of 3" in heat.customdata[1][1]


def test_durations_read_in_minutes_hours_or_days():
    assert [format_days(v, "en") for v in (None, 2 / 1440, 1 / 3, 8.1875)] == ["—", "2 min", "8.0 h", "8.2 d"]
    assert format_days(1 / 3, "zh") == "8.0 小时"
