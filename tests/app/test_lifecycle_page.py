"""AppTest of the Lifecycle page: empty state, the hand-checked log of test_lifecycle.py shown in
English and Chinese with its real numbers, downloads holding the expected user ids, thresholds saved
(and refused when invalid), and a period without events."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboard.settings import get_setting, set_setting
from tests.app.conftest import make_app, texts
from tests.conftest import ROOT
from tests.unit.test_lifecycle import LOG, local, put_events


@pytest.fixture
def lifecycle_store(empty_store):
    set_setting(empty_store, "timezone", "Asia/Shanghai")
    put_events(empty_store, [(k, u, local(t), e, c, r) for k, u, t, e, c, r in LOG])
    return empty_store


@pytest.fixture
def downloads(monkeypatch):
    """file name -> the deferred download callable the page registered for it."""
    found = {}
    original = MediaFileManager.add_deferred

    def record(self, callable_, mimetype, coordinates, file_name=None, **kwargs):
        found[file_name] = callable_
        return original(self, callable_, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


def lifecycle_app(lang: str = "en", start: date = date(2026, 3, 1), end: date = date(2026, 3, 20)) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = lang
    at.session_state["f_preset"] = "custom"
    at.session_state["f_start"] = start
    at.session_state["f_end"] = end
    at.session_state["f_grain"] = "week"
    at.session_state["_filters_seeded"] = True
    at.run()
    at.switch_page("views/lifecycle.py")
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label.split(" ", 1)[-1] if m.label.startswith(":material/") else m.label: m.value for m in at.metric}


def test_empty_store_says_what_to_upload(empty_store):
    at = make_app("views/lifecycle.py")
    assert not at.exception
    assert at.title[0].value == "User lifecycle"
    shown = texts(at)
    assert "No user events yet" in shown
    assert "User events and orders template" in shown and "orders export" in shown
    assert "community activity log" in shown and "customer_id date quantity amount" in shown
    link = at.get("page_link")[0]
    assert link.proto.label == "Upload on the Data page" and link.proto.page == "data"


def test_empty_store_in_chinese(empty_store):
    at = make_app("views/lifecycle.py", lang="zh")
    assert not at.exception
    assert at.title[0].value == "用户生命周期"
    assert "还没有用户行为数据" in texts(at) and "社群活跃记录" in texts(at)


def test_real_numbers_in_english(lifecycle_store):
    at = lifecycle_app("en")
    shown = texts(at)
    assert at.title[0].value == "User lifecycle"
    assert "Where users are now (on 2026-03-20)" in shown
    # on Mar 20 (hand-computed in test_lifecycle.py): G new; A, E active; D, C, B, H silent; F churned
    values = metrics(at)
    assert (values["New"], values["Active"], values["Silent"], values["Churned"]) == ("1", "2", "4", "1")
    assert "12.5% of all users" in shown and "50.0% of all users" in shown
    # Mar 20: DAU A; WAU (Mar 14-20) A, E, G; MAU (Feb 19 - Mar 20) D, A, C, B, E, H, G;
    # 15 user-days over Mar 1-20: average DAU 0.75, stickiness 0.75 / 7
    assert (values["DAU"], values["WAU"], values["MAU"]) == ("1", "3", "7")
    assert values["Stickiness (DAU/MAU)"] == "10.71%"
    funnel = next(d.value for d in at.dataframe if "Step" in d.value.columns)
    assert list(funnel["Step"]) == ["Acquired", "Activated", "Retained", "Converted"]
    assert list(funnel["Users"]) == [6, 3, 3, 2]
    assert list(funnel["Of previous step"].round(1)) == [100.0, 50.0, 100.0, 66.7]
    assert list(funnel["Median time"]) == ["—", "8.0 h", "8.2 d", "20.0 h"]
    channels = next(d.value for d in at.dataframe if "Channel" in d.value.columns)
    rows = {r["Channel"]: r for r in channels.to_dict("records")}
    assert rows["Douyin"]["Acquired"] == 2 and rows["Douyin"]["Activation rate"] == 50.0
    assert rows["Xiaohongshu"]["Revenue per user"] == 150.0 and rows["Unknown"]["Acquired"] == 1
    labels = [b.label for b in at.get("download_button")]
    assert "Download list (4)" in labels and "Converted (2)" in labels and "Stopped at Acquired (3)" in labels


def test_real_numbers_in_chinese(lifecycle_store):
    at = lifecycle_app("zh")
    shown = texts(at)
    assert at.title[0].value == "用户生命周期"
    assert "用户现在在哪个阶段（截至 2026-03-20）" in shown
    values = metrics(at)
    assert (values["新用户"], values["活跃"], values["沉默"], values["流失"]) == ("1", "2", "4", "1")
    assert "占全部用户 50.0%" in shown
    funnel = next(d.value for d in at.dataframe if "步骤" in d.value.columns)
    assert list(funnel["步骤"]) == ["获取", "激活", "留存", "转化"] and list(funnel["人数"]) == [6, 3, 3, 2]
    assert list(funnel["中位用时"]) == ["—", "8.0 小时", "8.2 天", "20.0 小时"]
    assert "下载名单（4 人）" in [b.label for b in at.get("download_button")]


def test_downloads_hold_the_users_of_the_stage_and_step(lifecycle_store, downloads):
    lifecycle_app("en")
    silent = downloads["users_silent_2026-03-20.csv"]().decode("utf-8-sig").splitlines()
    assert silent[0] == "user_id,channel,first_seen,last_active,revenue"
    assert silent[1:] == ["H,,2026-03-13,2026-03-13,0.0", "D,wechat,2026-02-10,2026-03-09,0.0",
                          "C,douyin,2026-03-02,2026-03-04,0.0", "B,douyin,2026-03-03,2026-03-03,0.0"]
    converted = downloads["funnel_converted_2026-03-01_2026-03-20.csv"]().decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in converted[1:]] == ["A", "E"]
    assert converted[1].endswith(",150.0")
    stopped = downloads["funnel_stopped_at_acquired_2026-03-01_2026-03-20.csv"]().decode("utf-8-sig")
    assert sorted(line.split(",")[0] for line in stopped.splitlines()[1:]) == ["B", "G", "H"]


def test_download_headers_follow_the_language(lifecycle_store, downloads):
    lifecycle_app("zh")
    churned = downloads["users_churned_2026-03-20.csv"]().decode("utf-8-sig").splitlines()
    assert churned == ["用户ID,获客渠道,首次出现,最近活跃日,累计收入", "F,organic,2026-02-01,2026-02-01,0.0"]


def test_thresholds_are_saved_and_invalid_ones_refused(lifecycle_store):
    at = lifecycle_app("en")
    at.number_input(key="lc_churn_days").set_value(14)
    at.multiselect(key="lc_conversion_events").set_value(["purchase", "comment"])
    next(b for b in at.button if b.label == "Save thresholds").click()
    at.run()
    assert not at.exception
    assert "Thresholds saved" in texts(at)
    assert get_setting(lifecycle_store, "lifecycle")["churn_days"] == 14
    assert get_setting(lifecycle_store, "conversion_events") == ["purchase", "comment"]
    # churn after 14 days, on Mar 20: D (11 days) and H (7) stay silent; C (16), B (17) join F
    values = metrics(at)
    assert (values["Silent"], values["Churned"]) == ("2", "3")

    at.number_input(key="lc_active_days").set_value(30)  # longer than the 14-day churn window
    next(b for b in at.button if b.label == "Save thresholds").click()
    at.run()
    assert not at.exception
    assert any("cannot be longer than the churn window" in e.value for e in at.error)
    assert get_setting(lifecycle_store, "lifecycle")["active_days"] == 7


def test_a_period_without_events_offers_the_events_span(lifecycle_store):
    at = lifecycle_app("en", start=date(2026, 6, 1), end=date(2026, 6, 30))
    assert "No user events between 2026-06-01 and 2026-06-30. Your events run from 2026-02-01 to 2026-04-20." \
        in texts(at)
    at.button(key="lc_use_span").click()
    at.run()
    assert not at.exception
    assert "Where users are now (on 2026-04-20)" in texts(at)
