"""The upload journey in a real browser: two real files through the real file input, the result
lines, a duplicate, the import history, and undo; plus the Chinese Data page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e import harness
from tests.e2e.harness import act, open_page, sidebar

pytestmark = pytest.mark.e2e

TWEETS = harness.SAMPLES / "twitter" / "tweet_activity_metrics_rOpenSci_20190501_20190601_en.csv"
TEMPLATE_CSV = "platform,account,date,followers,reach\nx,e2e,2026-01-01,100,5\n"


def _uploader(page: Page):
    return page.get_by_test_id("stFileUploader")


def _results(page: Page):
    """The result lines under 'Import results' (one alert per file)."""
    return page.get_by_test_id("stTabPanel").filter(has_text="Choose or drop export files") \
        .get_by_test_id("stAlert")


def _choose_files(page: Page, *paths: Path) -> None:
    act(page, lambda: _uploader(page).locator("input[type=file]").set_input_files([str(p) for p in paths]),
        start_timeout=10_000)
    for path in paths:
        expect(_uploader(page).get_by_test_id("stFileChip").filter(has=page.locator(f'[title="{path.name}"]'))) \
            .to_be_visible()


def _clear_files(page: Page) -> None:
    chips = _uploader(page).get_by_test_id("stFileChip")
    while chips.count():
        name = chips.first.get_by_test_id("stFileChipName").get_attribute("title")
        act(page, lambda name=name: _uploader(page).get_by_role("button", name=f"Remove {name}").click())
    expect(chips).to_have_count(0)


def _import(page: Page) -> None:
    button = page.get_by_role("button", name="Import", exact=True)
    expect(button).to_be_enabled()
    act(page, button.click, timeout=60_000)


def test_upload_import_duplicate_history_undo(page: Page, app_url: str, tmp_path: Path, shot) -> None:
    assert TWEETS.exists(), f"missing sample {TWEETS}"
    template = tmp_path / "e2e_template.csv"
    template.write_text(TEMPLATE_CSV, encoding="utf-8")

    open_page(page, app_url, "data?lang=en")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    expect(sidebar(page)).to_contain_text("Demo workspace")
    expect(sidebar(page).get_by_role("button", name="Remove demo data")).to_be_visible()
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_disabled()
    shot(page, "01_open")

    # two files through the real file input, an account name, Import
    _choose_files(page, TWEETS, template)
    account = page.get_by_role("textbox", name="Account name (optional)")
    account.fill("e2e-journey")
    act(page, lambda: account.press("Enter"))
    expect(account).to_have_value("e2e-journey")
    shot(page, "02_files_chosen")
    _import(page)

    expect(page.get_by_role("heading", name="Import results")).to_be_visible()
    results = _results(page)
    expect(results).to_have_count(2)
    tweets_line = results.filter(has_text=TWEETS.name)
    expect(tweets_line).to_have_count(1)
    expect(tweets_line).to_contain_text(f"{TWEETS.name} — imported: X (Twitter)")
    expect(tweets_line).to_contain_text("rows read 29, inserted 29, updated 0, skipped 0")
    expect(tweets_line).to_contain_text("account rOpenSci")  # the file names its account
    template_line = results.filter(has_text=template.name)
    expect(template_line).to_have_count(1)
    expect(template_line).to_contain_text(f"{template.name} — imported")
    expect(template_line).to_contain_text("rows read 1, inserted 1, updated 0, skipped 0")
    expect(template_line).to_contain_text("account e2e")
    shot(page, "03_imported")

    # the same tweets file again: a duplicate, nothing counted twice
    _clear_files(page)
    _choose_files(page, TWEETS)
    _import(page)
    expect(results).to_have_count(1)
    expect(results).to_contain_text(f"{TWEETS.name} — duplicate")
    expect(results).to_contain_text("inserted 0")
    shot(page, "04_duplicate")

    # the history lists both files, newest first (the duplicate on top)
    page.get_by_role("tab", name="Import history").click()  # tabs switch in the browser: no rerun
    history = page.get_by_test_id("stTabPanel").filter(has_text="Import to undo")
    grid = history.get_by_test_id("stDataFrame").locator("table")
    expect(grid).to_contain_text(TWEETS.name)
    expect(grid).to_contain_text(template.name)
    expect(grid.locator("tbody tr").first).to_contain_text("duplicate")
    shot(page, "05_history")

    # undo the newest import: the first choice of 'Import to undo'
    picker = history.get_by_test_id("stSelectbox")
    picker.click()  # opens the list in the browser: no rerun
    options = page.get_by_role("option")
    expect(options.first).to_contain_text(template.name)
    act(page, lambda: options.first.click())
    expect(picker.get_by_role("combobox")).to_have_value(re.compile(re.escape(template.name)))
    act(page, lambda: history.get_by_role("button", name="Undo this import").click())
    undone = history.get_by_test_id("stAlert")
    expect(undone).to_contain_text(f"Undid {template.name}")
    expect(undone).to_contain_text("rows removed 1")
    expect(grid.locator("tbody tr").filter(has_text=template.name)).to_contain_text("undone")
    shot(page, "06_undone")


@pytest.mark.locale("zh-CN")
def test_data_page_in_chinese(page: Page, app_url: str, shot) -> None:
    open_page(page, app_url, "data?lang=zh")
    expect(page.get_by_role("heading", name="数据导入", exact=True)).to_be_visible()
    picker = sidebar(page).get_by_role("combobox", name="语言 / Language")
    expect(picker).to_be_visible()
    expect(picker).to_have_value("中文")
    expect(sidebar(page)).to_contain_text("示例工作区")
    expect(page.get_by_role("tab", name="上传")).to_be_visible()
    expect(page.get_by_role("button", name="导入", exact=True)).to_be_disabled()
    expect(page.get_by_text("账号名称（可选）")).to_be_visible()
    shot(page, "zh")


def test_deep_link_on_a_fresh_server_runs_the_shell(browser: Browser, tmp_path: Path) -> None:
    """The page files live in views/ (not pages/), so even the first visit to a fresh server that
    lands on a deep link runs the shell: language picker, demo workspace, login check."""
    with harness.running_app(tmp_path / "fresh") as server:
        context = harness.new_context(browser)
        try:
            page = context.new_page()
            open_page(page, server.url, "data?lang=en")
            expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
            # open_page waited for the run to end, so the shell's picker is there or never will be
            expect(sidebar(page)).to_contain_text("Language / 语言", timeout=2_000)
            expect(sidebar(page)).to_contain_text("Demo workspace", timeout=60_000)
        finally:
            context.close()
