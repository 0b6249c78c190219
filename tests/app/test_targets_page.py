"""AppTest of Targets and Alerts: defaults and empty states, edit and save with history, invalid
input named by row and field, undo, the Overview badge, alerts with links, both languages."""

from datetime import UTC, date, datetime, timedelta

from streamlit.testing.v1 import AppTest

from dashboard.targets import history, list_targets, update_target
from tests.app.conftest import make_app, texts
from tests.conftest import ROOT, import_one

DAILY = ("platform,account,date,followers,impressions,reach,likes,comments\n"
         "x,a,2026-03-01,1000,1000,500,20,5\nx,a,2026-03-02,1010,1500,700,40,5\n"
         "douyin,b,2026-03-02,,3000,,60,\n")
# seeded defaults, ordered by metric: the editor's rows
ORDER = ["crisis_reply_minutes", "engagement_rate", "follower_growth_rate", "negative_comment_share", "posts",
         "short_videos"]


def app_on(page, lang="en", start=date(2026, 3, 2), end=date(2026, 3, 2)):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["f_preset"] = "custom"
    at.session_state["f_start"] = start
    at.session_state["f_end"] = end
    at.run()
    at.switch_page(page)
    at.run()
    return at


def stored(store, metric):
    frame = list_targets(store)
    return frame.filter(frame["metric"] == metric).to_dicts()[0]


def editor_key(store):
    return f"targets_editor_{int(history(store)['change_id'].max())}"


def save(at, store, edits):
    at.session_state[editor_key(store)] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edits}
    at.button(key="targets_save").click()
    at.run()


def test_empty_store_shows_the_default_targets_and_what_to_upload(empty_store):
    at = make_app("views/targets.py")
    assert not at.exception
    assert at.title[0].value == "Targets"
    shown = texts(at)
    assert "There is no data to measure the targets against yet" in shown
    assert "Nothing to undo" in shown
    table = at.data_editor[0].value
    assert list(table["metric"]) == ORDER
    assert list(table["value"]) == [30.0, 5.0, 10.0, 5.0, 20.0, 2.0]  # rates shown as percentages
    assert list(table["platform"])[4] == "wechat_oa"


def test_chinese_targets_and_alerts_pages(empty_store):
    at = make_app("views/targets.py", "zh")
    assert not at.exception
    assert at.title[0].value == "目标"
    assert "还没有可衡量目标的数据" in texts(at)
    at = make_app("views/alerts.py", "zh")
    assert not at.exception
    assert at.title[0].value == "预警与评论"
    assert "还没有数据可检测" in texts(at) and "还没有导入评论" in texts(at)


def test_edit_a_target_and_save_keeps_history(empty_store):
    import_one(empty_store, "daily.csv", DAILY.encode())
    at = app_on("views/targets.py")
    assert not at.exception
    assert stored(empty_store, "engagement_rate")["period_start"] == date(2026, 3, 1)  # first data month
    at.text_input(key="targets_editor_name").set_value("Lee")
    at.run()
    save(at, empty_store, {"edited_rows": {1: {"value": 6.5}}})
    assert not at.exception
    assert stored(empty_store, "engagement_rate")["value"] == 0.065
    assert stored(empty_store, "engagement_rate")["updated_by"] == "Lee"
    log = history(empty_store)
    assert (log["action"][0], log["changed_by"][0], log["value_before"][0], log["value_after"][0]) == (
        "update", "Lee", 0.05, 0.065)
    assert "Saved: 0 added, 1 changed, 0 deleted" in texts(at)
    assert at.data_editor[0].value["value"][1] == 6.5  # the editor now shows the stored table
    # the card reads the new target: 70 / 1200 = 5.83% against at least 6.50%
    assert ":orange-badge[:material/trending_down: Behind] actual **5.83%** · target at least 6.50%" in texts(at)


def test_invalid_input_names_the_row_and_the_field_and_saves_nothing(empty_store):
    import_one(empty_store, "daily.csv", DAILY.encode())
    at = app_on("views/targets.py")
    before = list_targets(empty_store)
    save(at, empty_store, {"edited_rows": {1: {"period_start": "2026-03-03"}},
                           "added_rows": [{"metric": "posts", "period_type": "week", "period_start": "2026-03-02"}]})
    assert not at.exception
    message = at.error[0].value
    assert "2 problem(s) to fix; nothing was saved" in message
    assert ("Row 2, Period start: 2026-03-03 is not the 1st of a month; monthly targets start on the 1st, "
            "such as 2026-03-01") in message
    assert "Row 7, Target (rates in %): required" in message
    assert list_targets(empty_store).equals(before) and history(empty_store).height == 6
    # the edits are still in the editor: fixing the start saves both rows
    save(at, empty_store, {"edited_rows": {1: {"period_start": "2026-04-01"}},
                           "added_rows": [{"metric": "posts", "period_type": "week", "period_start": "2026-03-02",
                                           "value": 5, "platform": "x"}]})
    assert not at.error and "Saved: 1 added, 1 changed, 0 deleted" in texts(at)


def test_a_rate_above_100_percent_is_refused(empty_store):
    at = make_app("views/targets.py")
    save(at, empty_store, {"edited_rows": {3: {"value": 120}}})
    assert "Row 4, Target (rates in %): a rate must be between 0 and 100 (%)" in at.error[0].value


def test_undo_restores_the_last_change(empty_store):
    import_one(empty_store, "daily.csv", DAILY.encode())
    at = app_on("views/targets.py")
    original = stored(empty_store, "engagement_rate")
    save(at, empty_store, {"edited_rows": {1: {"value": 7}}, "deleted_rows": [5]})
    assert stored(empty_store, "engagement_rate")["value"] == 0.07
    assert "short_videos" not in set(list_targets(empty_store)["metric"])
    assert "Undo reverts the last save, by editor at " in texts(at)
    assert ": deletion of Short videos, change of Engagement rate" in texts(at)
    at.button(key="targets_undo").click()
    at.run()
    assert "Undone: deletion of Short videos, change of Engagement rate" in texts(at)
    assert "short_videos" in set(list_targets(empty_store)["metric"])
    assert stored(empty_store, "engagement_rate") == original  # every column, as it was
    assert list(history(empty_store)["action"][:2]) == ["undo", "undo"]
    assert "Nothing to undo" in texts(at)


def test_overview_tile_shows_the_target_badge_and_it_follows_an_edit(empty_store):
    import_one(empty_store, "daily.csv", DAILY.encode())
    at = app_on("views/overview.py")
    assert not at.exception
    # March so far (1-2): (25 + 45) / (500 + 700) = 5.83% against 5% -> ahead
    assert ":green-badge[:material/trending_up: Ahead] Month target 5.00% · so far 5.83%" in texts(at)
    assert next(m for m in at.metric if m.label.startswith("Impressions")).value == "4,500"  # tiles unchanged
    update_target(empty_store, stored(empty_store, "engagement_rate")["target_id"], {"value": 0.07}, "Lee")
    at.run()
    assert ":orange-badge[:material/trending_down: Behind] Month target 7.00% · so far 5.83%" in texts(at)


def test_alerts_page_lists_alerts_with_links_and_comment_figures(empty_store):
    lines = ["platform,account,date,followers_lost,reach,likes"]
    for i in range(60):
        day = date(2026, 1, 1) + timedelta(days=i)
        lines.append(f"x,a,{day},{60 if i == 50 else 10 + i % 3},{1000 + 10 * (i % 5)},50")
    import_one(empty_store, "daily.csv", "\n".join(lines).encode())
    with empty_store.write() as cur:
        for i, text in enumerate(["ＲＥＦＵＮＤ now", "lovely", "差评", "fine"]):
            created = datetime(2026, 2, 20, 9, i * 10, tzinfo=UTC)
            cur.run("INSERT INTO comments (platform, post_id, comment_id, text, created_at, replied_at) "
                    "VALUES ('x', 'p', ?, ?, ?, ?)", [f"c{i}", text, created, created + timedelta(minutes=15 * i)])
    at = app_on("views/alerts.py", start=date(2026, 2, 1), end=date(2026, 3, 1))
    assert not at.exception
    shown = texts(at)
    assert "Alerts (2026-02-01 to 2026-03-01)" in shown
    assert "X \\(Twitter\\) · a: 60 unfollows on 2026-02-20, normally 11 (robust z +33.1)" in shown
    assert at.get("page_link")[0].proto.label == "Open Growth"
    assert next(m for m in at.metric if m.label == "Negative comment share").value == "50.0%"
    assert next(m for m in at.metric if m.label == "Crisis reply time").value == "15 min"  # 0 and 30 min
    assert ":orange-badge[:material/trending_down: Behind] target at most 5.00%" in shown
    negatives = at.dataframe[0].value
    assert list(negatives["text"]) == ["差评", "ＲＥＦＵＮＤ now"]


def test_negative_keywords_are_saved_from_the_alerts_page(empty_store):
    from dashboard.settings import get_setting

    at = make_app("views/alerts.py")
    area = next(a for a in at.text_area if a.key.startswith("negative_keywords_"))
    area.set_value("退款\nscam, ＳＣＡＭ\n\n坑")
    at.button(key="negative_keywords_save").click()
    at.run()
    assert not at.exception
    assert get_setting(empty_store, "negative_keywords") == ["退款", "scam", "ＳＣＡＭ", "坑"]
    assert "4 negative keywords saved" in texts(at)
