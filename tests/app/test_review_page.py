"""AppTest of the Weekly review page: the empty state, a hand-built week in English and Chinese (KPI
table with badges and missing reasons, posts, lifecycle), notes and an action item saved and seen
after a rerun, last week's open items carried and carried over, presentation mode."""

from streamlit.testing.v1 import AppTest

from dashboard.review import load_notes, save_notes
from tests.app.conftest import make_app, texts
from tests.conftest import ROOT
from tests.unit.test_review import HOSTILE_TITLE, build


def app_on(lang="en", week="2026-W10", presentation=False):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = lang
    at.session_state["review_week"] = week
    at.session_state["review_presentation"] = presentation
    at.run()
    at.switch_page("views/review.py")
    at.run()
    return at


def kpi_table(at):
    frame = at.table[0].value
    return {row[frame.columns[0]]: row for row in frame.to_dict("records")}


def test_empty_store_says_what_to_upload(empty_store):
    at = make_app("views/review.py")
    assert not at.exception
    assert at.title[0].value == "Weekly review"
    assert "Nothing has been imported yet. Upload your platform exports" in texts(at)
    assert not at.table and not at.button
    zh = make_app("views/review.py", "zh")
    assert not zh.exception
    assert zh.title[0].value == "周会复盘"
    assert "还没有导入任何数据" in texts(zh)


def test_a_week_with_data_in_english(empty_store):
    build(empty_store)
    at = app_on("en")
    assert not at.exception
    assert at.selectbox(key="review_week").value == "2026-W10"
    assert "2026-03-02 to 2026-03-08, compared with 2026-W09 (2026-02-23 to 2026-03-01)" in texts(at)
    table = kpi_table(at)
    impressions = table["Impressions"]
    assert (impressions["This week"], impressions["Last week"], impressions["Target"]) == (
        "3,000", "2,000", "Week target at least 4,000 · so far 3,000")
    assert impressions["Change"] == ":green[\\+50\\.0%]"
    assert impressions["Status"] == (":orange-badge[:material/trending_down: Behind]"
                                     " :red-badge[Below floor]")
    rate = table["Engagement rate \\(÷ reach\\)"]
    assert (rate["This week"], rate["Status"]) == ("6\\.00%", ":green-badge[:material/trending_up: Ahead]")
    assert table["Followers \\(end\\)"]["Why missing"] == "no target set"
    assert table["Video views"]["Why missing"] == "the platform does not report this metric"
    spend = table["Ad spend · =1\\+2"]  # a channel typed by the team, escaped
    assert spend["Why missing"] == "no data imported for this week · no data imported for last week"
    # posts (escaped by the dataframe), lifecycle, downloads
    top = at.dataframe[0].value  # the top posts (the bottom list is empty: 3 posts)
    assert list(top["title"]) == [HOSTILE_TITLE, "Tea 101", "Matcha"]
    assert list(top["engagement_rate"]) == ["8.75%", "5.00%", "2.00%"]
    assert list(top["url"].fillna("")) == ["https://x.com/a/1", "", ""]  # the javascript: link is dropped
    assert "No channel data (ad reports, manual costs or orders)" in texts(at)
    assert [m.value for m in at.metric][:6] == ["1", "1", "0", "1", "0", "2"]  # new, retained, … active
    assert "No alerts this week." in texts(at)
    assert at.button(key="review_make_pdf")


def test_a_week_with_data_in_chinese(empty_store):
    build(empty_store)
    at = app_on("zh")
    assert not at.exception
    assert at.title[0].value == "周会复盘"
    table = kpi_table(at)
    assert table["曝光"]["本周"] == "3,000" and table["曝光"]["状态"].startswith(":orange-badge[:material/trending_down: 落后]")
    assert table["期末粉丝数"]["说明"] == "未设目标"
    assert table["负面评论占比"]["说明"] == "本周没有导入数据 · 上周没有导入数据"
    assert "会议记录与待办" in texts(at)


def test_save_notes_and_an_action_item_and_see_them_after_a_rerun(empty_store):
    build(empty_store)
    at = app_on("en")
    at.text_area(key="review_notes_2026-W10_0").set_value("Reach fell; <b>check</b> the X schedule")
    at.session_state["review_items_2026-W10_0"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"text": "Brief the KOL", "owner": "Ann", "due": "2026-03-12", "done": False}]}
    at.button(key="review_save").click()
    at.run()
    assert not at.exception
    assert "Saved the notes and 1 action item(s) of 2026-W10." in texts(at)
    stored = load_notes(empty_store, "2026-W10")
    assert stored.notes == "Reach fell; <b>check</b> the X schedule"
    assert [(i.text, i.owner, i.due.isoformat(), i.done) for i in stored.action_items] == [
        ("Brief the KOL", "Ann", "2026-03-12", False)]
    at.run()  # another rerun: the stored notes and item are shown in the form again
    version = int(stored.updated_at.timestamp() * 1_000_000)
    assert at.text_area(key=f"review_notes_2026-W10_{version}").value == "Reach fell; <b>check</b> the X schedule"
    items = at.data_editor(key=f"review_items_2026-W10_{version}").value
    assert list(items["text"]) == ["Brief the KOL"] and list(items["owner"]) == ["Ann"]


def test_an_invalid_action_item_is_named_and_nothing_is_saved(empty_store):
    build(empty_store)
    at = app_on("en")
    at.session_state["review_items_2026-W10_0"] = {
        "edited_rows": {}, "deleted_rows": [], "added_rows": [{"owner": "Ann", "done": False}]}
    at.button(key="review_save").click()
    at.run()
    assert not at.exception
    assert "Row 1, Action item: is required" in texts(at)
    assert load_notes(empty_store, "2026-W10").updated_at is None


def test_last_weeks_open_items_are_carried_into_view(empty_store):
    build(empty_store)
    save_notes(empty_store, "2026-W09", "", [{"text": "Open item", "owner": "Lee"}, {"text": "Other open"},
                                             {"text": "Finished", "done": True}])
    ids = {i.text: i.id for i in load_notes(empty_store, "2026-W09").action_items}
    at = app_on("en")
    shown = texts(at)
    assert "Still open from last week (2026-W09)" in shown
    assert "Open item" in shown and "Other open" in shown and "Finished" not in shown
    at.button(key=f"review_carry_{ids['Open item']}").click()
    at.run()
    assert not at.exception
    assert "1 action item(s) carried into 2026-W10." in texts(at)
    assert [(i.text, i.carried_from) for i in load_notes(empty_store, "2026-W10").action_items] == [
        ("Open item", "2026-W09")]
    at.button(key=f"review_done_{ids['Other open']}").click()
    at.run()
    assert "Marked done in 2026-W09's list." in texts(at)
    assert "Still open from last week" not in texts(at)


def test_presentation_mode_renders_big_tiles(empty_store):
    build(empty_store)
    save_notes(empty_store, "2026-W10", "Agreed: post at 8 pm", [{"text": "Brief the KOL", "owner": "Ann"}])
    at = app_on("en", presentation=True)
    assert not at.exception
    assert at.toggle(key="review_presentation").value is True
    assert not at.table and not at.text_area  # tiles instead of the table; notes read-only
    labels = [m.label for m in at.metric]
    assert "Impressions" in labels and "Engagement rate \\(÷ reach\\)" in labels
    tile = next(m for m in at.metric if m.label == "Impressions")
    assert (tile.value, tile.delta) == ("3,000", "+50.0%")
    assert ":orange-badge[:material/trending_down: Behind] :red-badge[Below floor] Week target at least 4,000 · " \
           "so far 3,000" in texts(at)
    assert "Agreed\\: post at 8 pm" in texts(at)  # markdown, escaped
    assert list(at.dataframe[-1].value["text"]) == ["Brief the KOL"]  # the action items, read-only
    zh = app_on("zh", presentation=True)
    assert not zh.exception and "曝光" in [m.label for m in zh.metric]
