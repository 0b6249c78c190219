"""AppTest of the Growth page: empty state, real samples in English and Chinese, a custom period
from the URL and from session state, follows from posts."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import make_app, texts
from tests.conftest import ROOT, import_one, sample

TIKTOK = "tiktok/haileytupy_FollowerHistory.csv"
X_OVERVIEW = "twitter/koe_account_overview_analytics.csv"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def deltas(at) -> dict[str, str]:
    return {m.label: m.delta for m in at.metric}


def charts(at) -> int:
    return len(at.get("plotly_chart"))


@pytest.fixture
def samples(empty_store):
    import_one(empty_store, sample(TIKTOK))
    import_one(empty_store, sample(X_OVERVIEW))
    return empty_store


def custom_period_app(start: str, end: str, lang: str = "en", **params: str) -> AppTest:
    """The app opened straight on a shared URL like /growth?period=custom&start=...&end=..."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"period": "custom", "start": start, "end": end, **params})
    at.session_state["lang"] = lang
    at.switch_page("views/growth.py")
    at.run()
    return at


def test_empty_store_says_what_to_upload(empty_store):
    at = make_app("views/growth.py")
    assert not at.exception
    assert at.title[0].value == "Growth"
    shown = texts(at)
    assert "No follower data yet" in shown
    assert "TikTok: FollowerHistory" in shown and "X: account overview" in shown and "用户分析" in shown
    links = at.get("page_link")
    assert len(links) == 1 and links[0].proto.label == "Go to Data to upload files"
    assert not at.metric and charts(at) == 0


def test_empty_store_in_chinese(empty_store):
    at = make_app("views/growth.py", lang="zh")
    assert not at.exception
    assert at.title[0].value == "粉丝增长"
    assert "还没有粉丝数据" in texts(at) and "近30日涨粉数据" in texts(at)
    assert at.get("page_link")[0].proto.label == "去「数据导入」上传文件"


def test_samples_in_english(samples):
    at = make_app("views/growth.py")
    assert not at.exception
    # the default period ends on the last day with data: TikTok's 2026-02-27 (5,013 followers)
    shown = metrics(at)
    assert shown["Followers (end)"] == "5,013"
    assert shown["Followers gained"] == "—"  # TikTok's history has totals and net only
    # the sample's totals the day before the default period: 5,009 on Feb 20, 4,997 on Jan 30
    start = {"last_7": 5009, "last_28": 4997}[at.session_state["f_preset"]]
    accounts = at.dataframe[0].value
    assert list(accounts["Platform · account"]) == ["TikTok · main"]
    assert list(accounts["Followers (end)"]) == [5013]
    assert list(accounts["Net followers"]) == [5013 - start]
    assert list(accounts["How followers were obtained"]) == ["reported totals"]
    assert shown["Net followers"] == f"{5013 - start:,}"
    assert shown["Follower growth rate"] == f"{(5013 - start) / start * 100:.2f}%"
    assert charts(at) == 3  # followers over time, gained/lost/net, growth rate
    assert "Follows from posts" in texts(at)
    assert "No post of this period carries a follows figure" in texts(at)


def test_samples_in_chinese(samples):
    at = make_app("views/growth.py", lang="zh")
    assert not at.exception
    assert at.title[0].value == "粉丝增长"
    assert metrics(at)["期末粉丝数"] == "5,013"
    accounts = at.dataframe[0].value
    assert list(accounts["平台 · 账号"]) == ["TikTok · main"] and list(accounts["粉丝数来源"]) == ["导出的总数"]
    assert "数据如何得出" in [e.label for e in at.expander]


def test_custom_period_from_the_url_mixes_totals_and_deltas(samples):
    # 2025-08-20..26: TikTok totals (5,094 on the 19th -> 5,079) and X new follows/unfollows only
    at = custom_period_app("2025-08-20", "2025-08-26")
    assert not at.exception
    assert at.session_state["f_preset"] == "custom"
    assert at.session_state["f_start"] == date(2025, 8, 20)
    shown = metrics(at)
    assert shown["Followers (end)"] == "5,079"
    assert shown["Followers gained"] == "13" and shown["Followers lost"] == "2"  # X: 3+0+1+2+1+5+1, 0+0+1+1
    assert shown["Net followers"] == "-4"  # TikTok -15, X +11
    rows = {r["Platform · account"]: r for r in at.dataframe[0].value.to_dict("records")}
    tiktok, x = rows["TikTok · main"], rows["X (Twitter) · main"]
    assert tiktok["Followers (end)"] == 5079 and tiktok["Net followers"] == -15
    assert tiktok["Follower growth rate"] == pytest.approx(-15 / 5094)
    assert x["Net followers"] == 11 and x["Followers gained"] == 13 and x["Followers lost"] == 2
    assert x["How followers were obtained"] == "daily changes only, no total"
    notes = "\n".join(m.value for m in at.expander[0].markdown)
    assert "X \\(Twitter\\) · main" in notes and "daily changes only" in notes
    assert charts(at) == 4  # totals, X's cumulative change, gained/lost/net, growth rate
    assert "not a follower count" in texts(at)
    assert at.query_params["period"] == "custom" and at.query_params["start"] == "2025-08-20"


def test_custom_period_from_session_state_in_chinese_with_follows(empty_store):
    import_one(empty_store, sample("xiaohongshu/caser_近30日涨粉数据.xlsx"))
    import_one(empty_store, sample("xiaohongshu/caser_笔记列表明细表.xlsx"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "zh"
    at.session_state["_filters_seeded"] = True
    at.session_state["f_preset"] = "custom"
    at.session_state["f_start"] = date(2026, 2, 15)
    at.session_state["f_end"] = date(2026, 3, 16)
    at.run()
    at.switch_page("views/growth.py")
    at.run()
    assert not at.exception
    shown = metrics(at)
    assert shown["新增关注"] == "16" and shown["取消关注"] == "6" and shown["净增粉丝"] == "10"
    assert shown["期末粉丝数"] == "—"  # 小红书 exports net follower changes only
    follows = at.dataframe[1].value
    assert list(follows["带来关注"])[:2] == [1, 1]
    assert list(follows["占账号净增"])[:2] == [pytest.approx(0.1), pytest.approx(0.1)]
    assert "带来 2 个关注，占其账号净增（10）的 20.00%" in texts(at)
