"""Channel ROI (metrics/channels.py, channel_inputs.py): every figure hand-computed on small fixtures,
pro-rata of range rows, currencies, first-touch attribution, zero periods, groups, recommendations,
the paid keys of `kpis --json`, and every ad sample's imported totals against its own totals row."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dashboard.channel_inputs import list_costs, save_channel_groups, save_costs, save_fx, validate_costs
from dashboard.cli import main
from dashboard.ingest.read import read_tables
from dashboard.metrics.channels import (
    PAID_KEYS,
    campaign_table,
    channel_groups,
    channel_table,
    channel_trend,
    currency_issues,
    has_channel_data,
    recommendations,
    revenue_source,
    unconverted,
)
from dashboard.metrics.filters import Filters
from dashboard.metrics.kpis import breakdown, kpi_comparison, kpis
from dashboard.settings import set_setting
from tests.conftest import SAMPLES, import_one

AD_COLS = ("channel", "account", "campaign", "ad_group", "ad", "date_start", "date_end", "spend", "currency",
           "impressions", "clicks", "conversions", "conversion_value")
COST_COLS = ("cost_id", "channel", "date_start", "date_end", "amount", "currency", "category", "note")
EVENT_COLS = ("event_key", "user_id", "occurred_at", "event_type", "channel", "revenue", "currency")
WEEK = Filters(date(2026, 3, 2), date(2026, 3, 8))  # Monday to Sunday


def put(store, table, columns, rows):
    with store.write() as cur:
        for row in rows:
            cur.run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", list(row))


def d(month, day):
    return date(2026, month, day)


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=UTC)


def ad(channel, campaign, start, end, spend, currency="CNY", impressions=None, clicks=None, conversions=None,
       value=None):
    return (channel, "acct", campaign, "", "", start, end, spend, currency, impressions, clicks, conversions, value)


def rows_by(frame, column):
    return {r[column]: r for r in frame.iter_rows(named=True)}


@pytest.fixture
def shop(store):
    """One week (2026-03-02 .. 03-08) of a small shop:
    - google_ads: a row for exactly the week: 1000 spend, 50,000 impressions, 500 clicks, 20 / 3000 reported;
    - meta_ads: a 28-day row 02-09 .. 03-08: 2800 spend, 28,000 impressions, 280 clicks, 28 / 5600 reported;
    - manual costs: xiaohongshu KOL 500 for the week; google_ads tools 310 for March (31 days);
    - orders, by first touch: u1 (google) 300 + 200, both new this week, the first order marked as WeChat;
      u2 (google) 100, first order in January (not new); u3 (xiaohongshu) 800 new; u4 (meta) 150 new;
      an order without a user on meta_ads 60; u5 organic 50 new; u7 with no channel at all 40 new."""
    put(store, "ad_stats", AD_COLS, [
        ad("google_ads", "Brand", d(3, 2), d(3, 8), 1000.0, impressions=50000, clicks=500, conversions=20.0,
           value=3000.0),
        ad("meta_ads", "Sales", d(2, 9), d(3, 8), 2800.0, impressions=28000, clicks=280, conversions=28.0,
           value=5600.0),
    ])
    put(store, "costs", COST_COLS, [
        ("c1", "xiaohongshu", d(3, 2), d(3, 8), 500.0, "CNY", "kol", "KOL post"),
        ("c2", "google_ads", d(3, 1), d(3, 31), 310.0, "CNY", "tools", None),
    ])
    put(store, "events", EVENT_COLS, [
        ("e1", "u1", at(2, 20), "signup", "google_ads", None, None),
        ("e2", "u1", at(3, 3), "purchase", "wechat", 300.0, "CNY"),
        ("e3", "u1", at(3, 5), "purchase", "google_ads", 200.0, "CNY"),
        ("e4", "u2", at(1, 10), "signup", "google_ads", None, None),
        ("e5", "u2", at(1, 15), "purchase", "google_ads", 50.0, "CNY"),
        ("e6", "u2", at(3, 4), "purchase", "google_ads", 100.0, "CNY"),
        ("e7", "u3", at(3, 2), "view_product", "xiaohongshu", None, None),
        ("e8", "u3", at(3, 6), "purchase", "xiaohongshu", 800.0, "CNY"),
        ("e9", "u4", at(3, 1), "signup", "meta_ads", None, None),
        ("e10", "u4", at(3, 7), "purchase", "meta_ads", 150.0, "CNY"),
        ("e11", None, at(3, 4), "purchase", "meta_ads", 60.0, "CNY"),
        ("e12", "u5", at(3, 8), "purchase", "organic", 50.0, "CNY"),
        ("e13", "u7", at(3, 5), "purchase", None, 40.0, "CNY"),
    ])
    return store


# =================================================================================================
# Hand-computed ROI, ROAS, CPA, CAC per channel and in total
# =================================================================================================

def test_channel_figures_from_orders_by_first_touch(shop):
    assert revenue_source(shop) == "orders"  # 'auto' with orders in the workspace
    table = rows_by(channel_table(shop, WEEK), "channel")
    assert set(table) == {"google_ads", "meta_ads", "xiaohongshu", "organic", "unattributed"}
    g = table["google_ads"]
    # spend 1000; manual cost 310 × 7/31 = 70; orders u1 300 + 200 (the WeChat-marked order counts for
    # u1's first touch, google_ads) and u2 100; only u1's first order falls in the week
    assert (g["spend"], g["manual_cost"], g["cost"]) == (1000, pytest.approx(70), pytest.approx(1070))
    assert (g["conversions"], g["revenue"], g["new_customers"]) == (3, 600, 1)
    assert g["roas"] == pytest.approx(600 / 1000)
    assert g["roi"] == pytest.approx((600 - 1070) / 1070)
    assert g["cpa"] == pytest.approx(1000 / 3)
    assert g["cac"] == pytest.approx(1070 / 1)
    assert (g["cpm"], g["cpc"], g["ad_click_rate"], g["cvr"]) == (
        pytest.approx(20), pytest.approx(2), pytest.approx(0.01), pytest.approx(3 / 500))
    # the platform's own figures stay beside the orders
    assert (g["platform_conversions"], g["conversion_value"], g["orders_revenue"]) == (20, 3000, 600)
    m = table["meta_ads"]
    # 7 of the 28-day row's days: 700 spend, 7000 impressions, 70 clicks; orders u4 150 + the user-less 60
    assert (m["spend"], m["ad_impressions"], m["ad_clicks"]) == (pytest.approx(700), pytest.approx(7000),
                                                                  pytest.approx(70))
    assert (m["conversions"], m["revenue"], m["new_customers"]) == (2, 210, 1)
    assert (m["roas"], m["roi"], m["cpa"], m["cac"]) == (
        pytest.approx(0.3), pytest.approx((210 - 700) / 700), pytest.approx(350), pytest.approx(700))
    assert m["prorated_share"] == 1.0 and g["prorated_share"] == 0.0
    x = table["xiaohongshu"]  # KOL fee only: no spend, so no ROAS or CPA; ROI and CAC from the cost
    assert (x["spend"], x["cost"], x["revenue"], x["roas"], x["cpa"]) == (None, 500, 800, None, None)
    assert (x["roi"], x["cac"]) == (pytest.approx(0.6), pytest.approx(500))
    organic, nobody = table["organic"], table["unattributed"]
    assert (organic["revenue"], organic["new_customers"], organic["roi"], organic["cac"]) == (50, 1, None, None)
    assert (nobody["revenue"], nobody["conversions"]) == (40, 1)
    # budget share vs conversion share among the channels that cost something (google, meta, xiaohongshu)
    assert g["cost_share"] == pytest.approx(1070 / 2270) and g["conversion_share"] == pytest.approx(3 / 6)
    assert organic["cost_share"] is None


def test_totals_pair_numerators_with_denominators(shop):
    k = kpis(shop, WEEK, PAID_KEYS)
    assert (k["spend"], k["manual_cost"], k["cost"]) == (pytest.approx(1700), pytest.approx(570), pytest.approx(2270))
    assert (k["conversions"], k["revenue"], k["new_customers"]) == (8, 1700, 5)
    assert k["conversion_value"] == pytest.approx(3000 + 1400)
    # ROAS over the channels with spend: (600 + 210) / 1700 — organic revenue does not inflate it
    assert k["roas"] == pytest.approx(810 / 1700)
    # ROI over the channels with a cost (google, meta, xiaohongshu)
    assert k["roi"] == pytest.approx((600 + 210 + 800 - 2270) / 2270)
    assert k["cpa"] == pytest.approx(1700 / 5)
    assert k["cac"] == pytest.approx(2270 / 3)
    assert k["cpm"] == pytest.approx(1700 / 57000 * 1000)
    assert k["cpc"] == pytest.approx(1700 / 570)
    assert k["cvr"] == pytest.approx(5 / 570)
    # the social catalogue is untouched by the paid source
    assert kpis(shop, WEEK, ["impressions"]) == {"impressions": None}


def test_platform_revenue_source(shop):
    set_setting(shop, "revenue_source", "platform")
    table = rows_by(channel_table(shop, WEEK), "channel")
    g, m = table["google_ads"], table["meta_ads"]
    assert (g["conversions"], g["revenue"], g["roas"], g["cpa"]) == (20, 3000, 3.0, 50)
    assert g["roi"] == pytest.approx((3000 - 1070) / 1070)
    assert (m["conversions"], m["revenue"], m["roas"], m["cpa"]) == (
        pytest.approx(7), pytest.approx(1400), pytest.approx(2.0), pytest.approx(100))
    assert table["xiaohongshu"]["revenue"] is None  # no platform reports for a KOL fee
    k = kpis(shop, WEEK, ["conversions", "revenue", "roas", "roi"])
    assert k == {"conversions": pytest.approx(27), "revenue": pytest.approx(4400), "roas": pytest.approx(4400 / 1700),
                 "roi": pytest.approx((4400 - 1770) / 1770)}


def test_breakdown_series_and_comparison_through_the_general_mechanism(shop):
    frame = rows_by(breakdown(shop, WEEK, ["spend", "roas", "impressions"]), "platform")
    assert frame["meta_ads"]["spend"] == pytest.approx(700) and frame["meta_ads"]["impressions"] is None
    daily = channel_trend(shop, Filters(d(3, 2), d(3, 8), granularity="day"), ("spend",))
    assert daily.filter(daily["channel"] == "meta_ads")["spend"].to_list() == pytest.approx([100.0] * 7)
    both = kpi_comparison(shop, WEEK, ["spend", "revenue"])
    # the week before (02-23 .. 03-01): 7 days of the meta row, 1 day of the March tools cost is not
    # spend; no order then: revenue 0 (the workspace has orders)
    assert both["previous"] == {"spend": pytest.approx(700), "revenue": 0}


def test_first_touch_is_the_earliest_event_that_names_a_channel(store):
    put(store, "events", EVENT_COLS, [
        ("a1", "u1", at(3, 1), "view_product", None, None, None),  # no channel: not a touch
        ("a2", "u1", at(3, 2), "signup", "douyin", None, None),
        ("a3", "u1", at(3, 3), "like", "xiaohongshu", None, None),
        ("a4", "u1", at(3, 4), "purchase", "google_ads", 99.0, "CNY"),
    ])
    table = rows_by(channel_table(store, WEEK), "channel")
    assert set(table) == {"douyin"}
    assert (table["douyin"]["revenue"], table["douyin"]["new_customers"]) == (99, 1)


# =================================================================================================
# Pro-rata of range rows
# =================================================================================================

def test_a_seven_day_period_inside_a_28_day_row_takes_seven_28ths(store):
    put(store, "ad_stats", AD_COLS, [ad("google_ads", "C", d(3, 2), d(3, 29), 280.0, impressions=2800, clicks=28)])
    inside = kpis(store, Filters(d(3, 9), d(3, 15)), ["spend", "ad_impressions", "ad_clicks", "cpc"])
    assert inside == {"spend": pytest.approx(70), "ad_impressions": pytest.approx(700), "ad_clicks": pytest.approx(7),
                      "cpc": pytest.approx(10)}
    assert channel_table(store, Filters(d(3, 9), d(3, 15)))["prorated_share"].to_list() == [1.0]
    whole = channel_table(store, Filters(d(3, 1), d(3, 31)))
    assert whole["spend"].to_list() == [280.0] and whole["prorated_share"].to_list() == [0.0]
    weekly = channel_trend(store, Filters(d(3, 2), d(3, 29), granularity="week"), ("spend",))
    assert weekly["spend"].to_list() == pytest.approx([70.0] * 4)
    # a period that starts inside the row and ends after it: 03-27 .. 04-05 holds 3 of its days
    assert kpis(store, Filters(d(3, 27), d(4, 5)), ["spend"])["spend"] == pytest.approx(30)


def test_manual_costs_are_prorated_and_one_day_costs_need_no_end(store):
    put(store, "costs", COST_COLS, [("k", "kol", d(3, 1), d(3, 10), 1000.0, "CNY", "kol", None),
                                    ("t", "kol", d(3, 5), None, 40.0, "CNY", "tools", None)])
    k = kpis(store, Filters(d(3, 5), d(3, 6)), ["manual_cost", "cost", "spend"])
    assert k == {"manual_cost": pytest.approx(200 + 40), "cost": pytest.approx(240), "spend": None}


# =================================================================================================
# Currencies
# =================================================================================================

def test_amounts_convert_with_the_rates_and_a_currency_without_one_is_reported_not_added(store):
    set_setting(store, "fx_rates", {"USD": 7.0})
    put(store, "ad_stats", AD_COLS, [
        ad("google_ads", "G", d(3, 2), d(3, 8), 100.0, "USD", impressions=1000),
        ad("meta_ads", "M", d(3, 2), d(3, 8), 50.0, "EUR", impressions=500),
        ad("tiktok_ads", "T", d(3, 2), d(3, 8), 30.0, None, impressions=300),  # no currency: the workspace's
    ])
    put(store, "costs", COST_COLS, [("c", "kol", d(3, 2), d(3, 8), 20.0, "GBP", "kol", None)])
    k = kpis(store, WEEK, ["spend", "manual_cost", "cpm"])
    assert k["spend"] == pytest.approx(100 * 7 + 30)  # EUR 50 is not added as if it were CNY
    assert k["manual_cost"] is None
    assert k["cpm"] == pytest.approx(730 / 1300 * 1000)  # the EUR row's impressions are left out with it
    assert unconverted(store, WEEK) == [
        {"source": "ad_stats", "channel": "meta_ads", "currency": "EUR", "amount": 50.0, "rows": 1},
        {"source": "costs", "channel": "kol", "currency": "GBP", "amount": 20.0, "rows": 1}]
    assumed = currency_issues(store, WEEK).filter(~currency_issues(store, WEEK)["no_rate"])
    assert assumed.select("channel", "currency", "amount").rows() == [("tiktok_ads", "CNY", 30.0)]
    # rates added: everything counts
    assert save_fx(store, "cny", [{"currency": "usd", "rate": 7.0}, {"currency": "EUR", "rate": 7.8},
                                  {"currency": "GBP", "rate": 9.0}]) == []
    k = kpis(store, WEEK, ["spend", "manual_cost"])
    assert k == {"spend": pytest.approx(700 + 390 + 30), "manual_cost": pytest.approx(180)}
    assert unconverted(store, WEEK) == []


def test_order_revenue_in_another_currency(store):
    set_setting(store, "currency", "USD")
    set_setting(store, "fx_rates", {"CNY": 0.14})
    put(store, "events", EVENT_COLS, [("o1", "u1", at(3, 3), "purchase", "douyin", 100.0, "CNY"),
                                      ("o2", "u2", at(3, 3), "purchase", "douyin", 10.0, "USD"),
                                      ("o3", "u3", at(3, 3), "purchase", "douyin", 5.0, "JPY")])
    k = kpis(store, WEEK, ["revenue", "conversions"])
    assert k == {"revenue": pytest.approx(14 + 10), "conversions": 3}  # the JPY order counts, its revenue not
    assert unconverted(store, WEEK) == [
        {"source": "events", "channel": "douyin", "currency": "JPY", "amount": 5.0, "rows": 1}]


# =================================================================================================
# Zero spend, zero conversions, no data: None, never 0 or inf, no division errors
# =================================================================================================

def test_zero_spend_and_zero_conversions_are_no_data(store):
    put(store, "ad_stats", AD_COLS, [
        ad("tiktok_ads", "Idle", d(3, 2), d(3, 8), 0.0, impressions=0, clicks=0, conversions=0.0, value=0.0),
        ad("qianchuan", "Live", d(3, 2), d(3, 8), 100.0, impressions=1000, clicks=10, conversions=0.0, value=0.0),
    ])
    put(store, "events", EVENT_COLS, [("o", "u", at(1, 5), "purchase", "douyin", 10.0, "CNY")])  # outside the week
    table = rows_by(channel_table(store, WEEK), "channel")
    idle, live = table["tiktok_ads"], table["qianchuan"]
    for key in ("cpm", "cpc", "ad_click_rate", "cvr", "cpa", "roas", "roi", "cac"):
        assert idle[key] is None, key
    assert (live["conversions"], live["revenue"], live["cvr"], live["roas"], live["roi"]) == (0, 0, 0.0, 0.0, -1.0)
    assert (live["cpa"], live["cac"]) == (None, None)
    empty = kpis(store, Filters(d(1, 10), d(1, 12)), PAID_KEYS)
    assert all(v is None or v == 0 for v in empty.values())
    assert (empty["spend"], empty["roas"], empty["cpa"], empty["cac"], empty["roi"]) == (None,) * 5
    assert kpis(store, Filters(d(6, 1), d(6, 7)), PAID_KEYS) == dict.fromkeys(PAID_KEYS)


# =================================================================================================
# Channel groups
# =================================================================================================

def test_channel_groups_default_editable_and_used_to_aggregate(shop):
    groups = channel_groups(shop)
    assert (groups["google_ads"], groups["meta_ads"], groups["xiaohongshu"], groups["wechat"]) == (
        "search", "paid_social", "organic_social", "community")
    table = rows_by(channel_table(shop, WEEK, "group"), "group")
    assert set(table) == {"search", "paid_social", "organic_social", "direct", "other"}  # unattributed -> other
    assert save_channel_groups(shop, [{"channel": "xiaohongshu", "group": "kol"},
                                      {"channel": "meta_ads", "group": "search"},
                                      {"channel": "", "group": None}]) == []
    table = rows_by(channel_table(shop, WEEK, "group"), "group")
    assert table["search"]["spend"] == pytest.approx(1700)
    assert table["search"]["roi"] == pytest.approx((600 + 210 - 1770) / 1770)
    assert (table["kol"]["cost"], table["kol"]["roi"]) == (500, pytest.approx(0.6))
    assert channel_groups(shop)["google_ads"] == "search"  # defaults stay for channels not saved
    problems = save_channel_groups(shop, [{"channel": "x", "group": "nonsense"}, {"channel": " ", "group": "kol"}])
    assert [(p.row, p.field, p.code) for p in problems] == [(1, "group", "bad_group"), (2, "channel", "required")]


# =================================================================================================
# Campaigns and recommendations
# =================================================================================================

def test_campaign_table_uses_the_platform_figures(shop):
    table = rows_by(campaign_table(shop, WEEK), "campaign")
    assert (table["Brand"]["spend"], table["Brand"]["roas"], table["Brand"]["cpa"]) == (1000, 3.0, 50)
    assert table["Sales"]["roas"] == pytest.approx(2.0) and table["Sales"]["prorated_share"] == 1.0
    assert table["Brand"]["roi"] == pytest.approx(2.0)  # a campaign's cost is its spend


def test_recommendations_are_built_from_the_numbers(store):
    put(store, "ad_stats", AD_COLS, [
        ad("meta_ads", "Big", d(3, 2), d(3, 8), 800.0, conversions=2.0, value=400.0),
        ad("google_ads", "Small", d(3, 2), d(3, 8), 200.0, conversions=8.0, value=1600.0),
        ad("tiktok_ads", "Nothing", d(3, 2), d(3, 8), 100.0, conversions=0.0, value=0.0),
    ])
    found = recommendations(store, WEEK)
    by_kind = {r.kind: r for r in found}
    assert by_kind["no_conversions"].params == {"channel": "tiktok_ads", "cost_amount": 100}
    # meta: 800 of 1100 budget (72.7%), 2 of 10 conversions (20%)
    assert by_kind["spend_heavy"].params == {"channel": "meta_ads", "cost_share": pytest.approx(800 / 1100),
                                             "conversion_share": pytest.approx(0.2)}
    assert by_kind["converts_well"].params["channel"] == "google_ads"
    assert by_kind["negative_roi"].params == {"channel": "meta_ads", "roi": pytest.approx(-0.5),
                                              "revenue_amount": 400, "cost_amount": 800}
    assert by_kind["best_campaign"].params == {"campaign": "Small", "channel": "google_ads", "roas": 8.0,
                                               "spend_amount": 200}
    assert by_kind["worst_campaign"].params["campaign"] == "Nothing"
    assert [r.tone for r in found] == ["bad"] * 4 + ["good"] * 2
    assert recommendations(store, Filters(d(6, 1), d(6, 7))) == []


# =================================================================================================
# Manual costs: validation naming row and field, save, edit, delete
# =================================================================================================

def test_cost_rows_are_validated_with_row_and_field(store):
    rows = [
        {"channel": "xiaohongshu", "date_start": d(3, 1), "date_end": d(3, 31), "amount": 3000, "currency": None,
         "category": "kol", "note": "three posts"},
        {"channel": "douyin", "date_start": d(3, 1), "date_end": None, "amount": -5, "currency": "CNY",
         "category": "content"},
        {"channel": None, "date_start": None, "date_end": None, "amount": None, "currency": None, "category": None},
        {"channel": "kol", "date_start": d(3, 9), "date_end": d(3, 2), "amount": None, "currency": "yuan",
         "category": "gifts"},
    ]
    good, problems = validate_costs(rows, "CNY")
    assert [(p.row, p.field, p.code) for p in problems] == [
        (2, "amount", "negative"),
        (4, "amount", "required"), (4, "currency", "bad_currency"), (4, "category", "bad_category")]
    assert [g["currency"] for g in good] == ["CNY"]
    assert save_costs(store, rows, "CNY") == problems
    assert list_costs(store).is_empty()  # nothing written while any row is wrong
    assert save_costs(store, rows[:1] + [{**rows[1], "amount": 500}], "CNY") == []
    saved = list_costs(store)
    assert saved.select("channel", "date_end", "amount", "currency").rows() == [  # newest first, then channel
        ("douyin", d(3, 1), 500.0, "CNY"), ("xiaohongshu", d(3, 31), 3000.0, "CNY")]
    # edit one (its id kept) and delete the other
    first = saved.row(1, named=True)
    assert save_costs(store, [{**first, "amount": 3100.0}], "CNY") == []
    assert list_costs(store).select("cost_id", "amount").rows() == [(first["cost_id"], 3100.0)]
    assert validate_costs([{"channel": "x", "date_start": d(3, 5), "date_end": d(3, 1), "amount": 1,
                            "category": "other"}], "CNY")[1][0].code == "end_before_start"


def test_fx_rates_are_validated(store):
    problems = save_fx(store, "CNY", [{"currency": "usd", "rate": 0}, {"currency": "euro", "rate": 7.8},
                                      {"currency": "USD", "rate": 7.1}])
    assert [(p.row, p.field, p.code) for p in problems] == [(1, "rate", "not_positive"), (2, "currency", "bad_currency")]
    assert [p.code for p in save_fx(store, "yuan", [])] == ["bad_currency"]
    assert save_fx(store, "USD", [{"currency": "CNY", "rate": 0.14}, {"currency": "USD", "rate": 1}]) == []
    assert store.rows("SELECT key, value FROM settings WHERE key IN ('currency', 'fx_rates') ORDER BY key") == [
        ("currency", '"USD"'), ("fx_rates", '{"CNY": 0.14}')]


def test_has_channel_data(store):
    assert not has_channel_data(store)
    put(store, "events", EVENT_COLS, [("x", "u", at(3, 3), "like", "douyin", None, None)])
    assert not has_channel_data(store)  # activity alone is not an order
    put(store, "costs", COST_COLS, [("c", "kol", d(3, 2), d(3, 2), 1.0, "CNY", "kol", None)])
    assert has_channel_data(store)


# =================================================================================================
# python -m dashboard kpis --json: the paid keys
# =================================================================================================

def test_kpis_json_includes_the_paid_keys(shop, capsys):
    code = main(["kpis", "--start", "2026-03-02", "--end", "2026-03-08", "--db", shop.path, "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    paid = {k: payload["kpis"][k] for k in ("spend", "conversions", "conversion_value", "roas", "roi", "cpa")}
    assert paid == {"spend": pytest.approx(1700), "conversions": 8, "conversion_value": pytest.approx(4400),
                    "roas": pytest.approx(810 / 1700), "roi": pytest.approx((1610 - 2270) / 2270),
                    "cpa": pytest.approx(340)}
    assert payload["kpis"]["cac"] == pytest.approx(2270 / 3)
    assert payload["kpis"]["impressions"] is None  # no social data here
    # the previous week: 700 of the meta row; no orders then
    assert (payload["previous"]["spend"], payload["previous"]["revenue"], payload["previous"]["roas"]) == (
        pytest.approx(700), 0, 0)


# =================================================================================================
# Every ad sample: imported rows and totals against the file's own totals row
# =================================================================================================

def _number(cell: str) -> float:
    return float(str(cell).replace(",", "").replace("US$", "").strip() or 0)


def _google_expected(path: Path) -> tuple[float, float, float]:
    """The 'Total: Account' row (campaign reports); the overview card has none: its column sums."""
    table = read_tables(path.name, path.read_bytes())[0]
    header_at = next(i for i, r in enumerate(table.rows) if "Cost" in r)
    header = table.rows[header_at]
    cost, impressions = header.index("Cost"), header.index("Impr." if "Impr." in header else "Impressions")
    clicks = header.index("Clicks")
    totals = [r for r in table.rows if r and r[0] == "Total: Account"]
    if totals:
        row = totals[0]
        return _number(row[cost]), _number(row[impressions]), _number(row[clicks])
    body = table.rows[header_at + 1:]
    return tuple(round(sum(_number(r[i]) for r in body), 2) for i in (cost, impressions, clicks))


def _meta_expected(path: Path) -> tuple[float, float, None]:
    table = read_tables(path.name, path.read_bytes())[0]
    header, total = table.rows[0], table.rows[1]  # row 2 is the account total (blank ad names)
    spent = next(i for i, h in enumerate(header) if h.startswith("Amount spent"))
    return _number(total[spent]), _number(total[header.index("Impressions")]), None


AD_SAMPLES = {
    "google_ads/clinic_EUR_Campaign report.csv": ((6, 3), "EUR", d(3, 27), d(4, 23)),
    "google_ads/londonclean_overview_Time_series(2026.02.05-2026.02.10).csv": ((6, 6), "USD", d(2, 5), d(2, 10)),
    "meta_ads/MH4U-Ads-Feb-11-2021-Mar-11-2024.xlsx": ((51, 35), "UAH", date(2023, 4, 14), date(2024, 3, 11)),
}


def test_every_ad_sample_is_covered():
    found = {str(p.relative_to(SAMPLES)) for folder in ("google_ads", "meta_ads", "tiktok_ads", "qianchuan")
             for p in (SAMPLES / folder).glob("*") if p.is_file()}
    assert found == set(AD_SAMPLES)


@pytest.mark.parametrize("relative", sorted(AD_SAMPLES))
def test_ad_sample_totals_match_the_files_own_totals(store, relative):
    (rows_read, rows_inserted), currency, first, last = AD_SAMPLES[relative]
    path = SAMPLES / relative
    result = import_one(store, path)
    assert (result.status, result.rows_read, result.rows_inserted, result.rows_skipped) == (
        "imported", rows_read, rows_inserted, 0)
    expected = (_google_expected if relative.startswith("google") else _meta_expected)(path)
    stored = store.rows("SELECT round(sum(spend), 2), sum(impressions), sum(clicks) FROM ad_stats")[0]
    assert stored == pytest.approx(expected)
    # through the channel metrics over the file's own range: nothing is left out or counted twice
    whole = Filters(first, last)
    assert [u["amount"] for u in unconverted(store, whole)] == pytest.approx([expected[0]])  # no rate to CNY yet
    assert kpis(store, whole, ["spend"])["spend"] is None
    save_fx(store, "CNY", [{"currency": currency, "rate": 2.0}])
    k = kpis(store, whole, ["spend", "ad_impressions"])
    assert k["spend"] == pytest.approx(2 * expected[0])
    assert k["ad_impressions"] == pytest.approx(expected[1])


def test_demo_ad_reports_through_the_channel_metrics(store, tmp_path):
    """The demo's monthly Google Ads and Meta reports: each month's totals row equals the channel spend
    of that month (range rows exactly inside the period: nothing prorated)."""
    from dashboard.demo_files import generate_demo_files

    paths = generate_demo_files(tmp_path, end=date(2026, 11, 22))
    for path in paths:
        if path.name.startswith("Campaign report 2026-10") or path.name.startswith("Lumi-Tea-Ads-Oct-1-2026"):
            assert import_one(store, path).status == "imported"
    october = Filters(d(10, 1), d(10, 31))
    google = csv.reader(io.StringIO((tmp_path / "Campaign report 2026-10.csv").read_text(encoding="utf-8")))
    rows = list(google)
    header = rows[2]
    total = next(r for r in rows if r[0] == "Total: Account")
    table = rows_by(channel_table(store, october), "channel")
    assert table["google_ads"]["spend"] == pytest.approx(_number(total[header.index("Cost")]))
    assert table["google_ads"]["prorated_share"] == 0.0
    meta = read_tables("m.xlsx", next(tmp_path.glob("Lumi-Tea-Ads-Oct-1-2026*.xlsx")).read_bytes())[0]
    assert table["meta_ads"]["spend"] == pytest.approx(_number(meta.rows[1][meta.rows[0].index("Amount spent (CNY)")]))
    assert table["meta_ads"]["conversion_value"] == pytest.approx(
        _number(meta.rows[1][meta.rows[0].index("Purchases conversion value")]))
