"""AppTest of Channels & ROI: empty state, real numbers in both languages, the cost editor."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from dashboard.channel_inputs import list_costs
from tests.app.conftest import app_for_period, make_app, texts
from tests.conftest import ROOT, import_one

# one week of Google Ads (a campaign report over exactly the week) and three orders
GOOGLE = ('Campaign report\n"March 2, 2026 - March 8, 2026"\n'
          "Campaign status,Campaign,Campaign type,Impr.,Currency code,Cost,Clicks,Conversions\n"
          'Enabled,Brand,Search,"50,000",CNY,1000.00,500,20.00\n'
          'Enabled,Video,Video,"10,000",CNY,200.00,20,0.00\n'
          'Total: Account,,,"60,000",CNY,1200.00,520,20.00\n')
ORDERS = ("event_key,user_id,occurred_at,event_type,channel,revenue,currency,quantity,properties\n"
          "e1,u1,2026-02-20T10:00:00+00:00,signup,google_ads,,,,\n"
          "e2,u1,2026-03-03T10:00:00+00:00,purchase,wechat,300,CNY,1,\n"
          "e3,u2,2026-03-04T10:00:00+00:00,purchase,google_ads,300,CNY,1,\n"
          "e4,u3,2026-03-05T10:00:00+00:00,purchase,xiaohongshu,800,CNY,1,\n")
PAGE = "views/channels.py"


def with_data(store):
    assert import_one(store, "Campaign report.csv", GOOGLE.encode()).status == "imported"
    assert import_one(store, "orders.csv", ORDERS.encode()).status == "imported"


def open_week(lang: str = "en") -> AppTest:
    at = app_for_period(date(2026, 3, 2), date(2026, 3, 8), PAGE, lang, timeout=90)
    assert not at.exception
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame(at: AppTest, first_column: str):
    return next(df.value for df in at.dataframe if df.value.columns[0] == first_column)


def test_empty_store_says_what_to_upload(empty_store):
    at = make_app(PAGE)
    assert not at.exception
    assert at.title[0].value == "Channels & ROI"
    shown = texts(at)
    for what in ("Google Ads campaign report", "Meta Ads Manager export", "TikTok Ads", "千川", "events template"):
        assert what in shown, what
    assert len(at.data_editor) == 1  # costs can be entered before anything is uploaded
    zh = make_app(PAGE, "zh")
    assert not zh.exception
    assert zh.title[0].value == "渠道与 ROI" and "广告系列报告" in texts(zh)


def test_channels_in_english_with_real_numbers(empty_store):
    with_data(empty_store)
    at = open_week("en")
    # spend 1000 + 200; orders by first touch: google_ads u1 300 (marked WeChat) + u2 300, xiaohongshu 800
    assert tiles(at) == {"Ad spend": "1,200", "Total cost": "1,200", "Revenue": "1,400", "ROAS": "0.50×",
                         "ROI": "-50.00%", "Conversions": "3", "CPA": "600", "CAC": "600"}
    channels = frame(at, "Channel")
    google = channels[channels["Channel"] == "Google Ads"].iloc[0]
    assert google["Channel group"] == "Search"
    assert (google["Ad spend"], google["Order revenue"], google["ROAS (orders)"], google["ROI (orders)"]) == (
        "1,200", "600", "0.50×", "-50.00%")
    assert (google["CPC"], google["CPM"], google["New customers"], google["Conversion value (platforms)"]) == (
        "2.31", "20", "2", "—")
    xhs = channels[channels["Channel"] == "Xiaohongshu"].iloc[0]
    assert (xhs["Ad spend"], xhs["Order revenue"], xhs["ROAS (orders)"]) == ("—", "800", "—")
    shown = texts(at)
    assert "Google Ads: ROI -50%; revenue 600 CNY did not cover the cost of 1,200 CNY." in shown
    assert "come from orders (event types: purchase)" in shown
    brand = next(df.value for df in at.dataframe if "Campaign" in df.value.columns)
    assert list(brand["Campaign"]) == ["Brand", "Video"]
    assert list(brand["CPA (platforms)"]) == ["50", "—"]  # Video: 0 conversions -> no CPA, not 0 or inf


def test_channels_in_chinese(empty_store):
    with_data(empty_store)
    at = open_week("zh")
    assert at.title[0].value == "渠道与 ROI"
    values = tiles(at)
    assert (values["广告花费"], values["收入"], values["投资回报率 ROI"], values["获客成本 CAC"]) == (
        "1,200", "1,400", "-50.00%", "600")
    channels = frame(at, "渠道")
    google = channels[channels["渠道"] == "谷歌广告"].iloc[0]
    assert (google["渠道分组"], google["订单收入"], google["广告支出回报率 ROAS（订单）"]) == ("搜索", "600", "0.50×")
    assert "谷歌广告：ROI -50%，收入 600 CNY 没有覆盖成本 1,200 CNY。" in texts(at)


def test_grouped_view(empty_store):
    with_data(empty_store)
    at = open_week("en")
    at.segmented_control(key="channels_level").set_value("group").run()
    assert not at.exception
    groups = frame(at, "Channel group")
    assert list(groups["Channel group"]) == ["Search", "Organic social"]


def test_cost_editor_adds_a_cost_and_roi_changes(empty_store):
    with_data(empty_store)
    at = open_week("en")
    assert tiles(at)["ROI"] == "-50.00%"
    at.session_state["cost_editor_0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"channel": "xiaohongshu", "date_start": "2026-03-02", "date_end": "2026-03-08", "amount": 400,
         "currency": "CNY", "category": "kol", "note": "KOL post"}]}
    at.button(key="cost_editor_save").click().run()
    assert not at.exception
    assert "Costs saved" in texts(at)
    # cost 1200 + 400; ROI over the channels with a cost: (600 + 800 - 1600) / 1600
    assert (tiles(at)["Total cost"], tiles(at)["ROI"]) == ("1,600", "-12.50%")
    assert list_costs(empty_store).select("channel", "amount", "category").rows() == [("xiaohongshu", 400.0, "kol")]


def test_cost_editor_names_the_row_of_an_invalid_amount(empty_store):
    with_data(empty_store)
    at = open_week("en")
    at.session_state["cost_editor_0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"channel": "xiaohongshu", "date_start": "2026-03-02", "amount": -5, "category": "kol"},
        {"channel": "douyin", "date_start": "2026-03-02", "date_end": "2026-03-01", "amount": 10,
         "category": "content"}]}
    at.button(key="cost_editor_save").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "Nothing was saved" in message
    assert "Row 1, Amount: must not be negative (-5.0)" in message
    assert "Row 2, End date: the end, 2026-03-01, is before the start, 2026-03-02" in message
    assert list_costs(empty_store).is_empty()
    assert tiles(at)["ROI"] == "-50.00%"
    # the edits survive other reruns (the editor is never fed its own output): saving again gives the same answer
    at.segmented_control(key="channels_level").set_value("group").run()
    assert len(at.session_state["cost_editor_0"]["added_rows"]) == 2
    at.button(key="cost_editor_save").click().run()
    assert "Row 1, Amount: must not be negative (-5.0)" in at.error[0].value
    # fixing row 1 and dropping row 2 saves
    at.session_state["cost_editor_0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"channel": "xiaohongshu", "date_start": "2026-03-02", "amount": 5, "category": "kol"}]}
    at.button(key="cost_editor_save").click().run()
    assert list_costs(empty_store).select("amount", "date_end").rows() == [(5.0, date(2026, 3, 2))]


def test_overview_gains_paid_tiles_and_definitions_list_them(empty_store):
    daily = "platform,account,date,impressions,reach,likes\nx,a,2026-03-03,1000,500,20\n"
    assert import_one(empty_store, "daily.csv", daily.encode()).status == "imported"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = "en"
    at.session_state["f_preset"] = "custom"
    at.session_state["f_start"] = date(2026, 3, 2)
    at.session_state["f_end"] = date(2026, 3, 8)
    at.run()
    assert "Ad spend" not in tiles(at)  # no channel data yet: the social tiles only
    with_data(empty_store)
    at.run()
    assert not at.exception
    shown = tiles(at)
    assert (shown["Impressions"], shown["Ad spend"], shown["Conversions"], shown["ROAS"], shown["ROI"]) == (
        "1,000", "1,200", "3", "0.50×", "-50.00%")
    at.switch_page("views/definitions.py")
    at.run()
    definitions = at.dataframe[0].value
    roas = definitions[definitions["key"] == "roas"].iloc[0]
    assert (roas["name_en"], roas["name_zh"]) == ("ROAS", "广告支出回报率 ROAS")
    assert roas["formula_en"] == "revenue ÷ ad spend (channels with spend only)"
    assert set(definitions["key"]) >= {"spend", "conversions", "conversion_value", "cpm", "cpc", "cvr", "cpa", "roas",
                                       "roi", "cac"}


def test_a_currency_without_a_rate_is_listed_not_added(empty_store):
    with_data(empty_store)
    tiktok = ("Campaign name,Cost,Impressions,Clicks (destination),Conversions,Currency\n"
              "Matcha launch,120.50,15000,200,12,USD\nGift boxes,30.00,3000,20,<5,USD\n")
    assert import_one(empty_store, "TikTok_Campaign_Report_2026-03-02_2026-03-08.csv", tiktok.encode()).status == \
        "imported"
    at = open_week("en")
    assert tiles(at)["Ad spend"] == "1,200"  # the USD 150.50 is not added as if it were CNY
    assert ("These amounts have no rate to CNY and are left out of every figure: TikTok Ads ad spend 150.50 USD "
            "(2 rows).") in at.warning[0].value
    # the rate entered in the currency editor (row 1 is USD, found in the data): now it counts
    assert list(at.data_editor(key="fx_editor_0").value["currency"]) == ["USD"]
    at.session_state["fx_editor_0"] = {"edited_rows": {"0": {"rate": 7.0}}, "added_rows": [], "deleted_rows": []}
    at.button(key="fx_editor_save").click().run()
    assert not at.exception and not any("no rate" in w.value for w in at.warning)
    assert tiles(at)["Ad spend"] == "2,253.50"  # 1,200 + 150.50 × 7
