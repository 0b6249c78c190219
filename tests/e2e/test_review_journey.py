"""The Monday-meeting journey in a real browser: edit a target on the Targets page and save, see the
Overview badge of that metric follow, open the Weekly review, download its HTML report and open
the downloaded file: it holds the week's numbers and the new target."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.harness import act, main, open_page

pytestmark = pytest.mark.e2e

ROW_HEIGHT = 35  # the data editor's rows and header (Streamlit's default)
TARGET_COLUMN = 6  # Metric, Platform, Channel, Period, Period start, Target (rates in %)


def _engagement_caption(page: Page, target: str):
    """The caption under the Overview's engagement-rate tile: '<badge> Month target 5.00% · so far …'."""
    return main(page).get_by_test_id("stCaptionContainer").filter(has_text=f"Month target {target} ·")


def _edit_engagement_target(page: Page, shot) -> tuple[str, str]:
    """Set the engagement-rate target (the editor's 2nd row: rows are sorted by metric) to its value
    + 45 percentage points and save; returns (old, new) as the app writes them ('5.00%')."""
    grid = main(page).get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    expect(grid.locator("#glide-cell-1-1")).to_have_text("engagement_rate")
    old = float(grid.locator(f"#glide-cell-{TARGET_COLUMN}-1").inner_text())
    new = old + 45
    box = grid.locator("canvas").first.bounding_box()
    page.mouse.click(box["x"] + 60, box["y"] + ROW_HEIGHT + ROW_HEIGHT * 1.5)  # the row's Metric cell
    expect(grid.locator("#glide-cell-1-1")).to_have_attribute("aria-selected", "true")
    for _ in range(TARGET_COLUMN - 1):
        page.keyboard.press("ArrowRight")
    cell = grid.locator(f"#glide-cell-{TARGET_COLUMN}-1")
    expect(cell).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")  # opens the cell editor (an input in the grid's overlay portal)
    editor = page.locator("#portal").locator("input, textarea").first
    expect(editor).to_be_visible()
    editor.fill(f"{new:g}")
    editor.press("Enter")
    expect(cell).to_have_text(f"{new:g}")
    shot(page, "02_target_edited")
    act(page, lambda: main(page).get_by_role("button", name="Save", exact=True).click())
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Saved: 0 added, 1 changed, 0 deleted")).to_be_visible()
    return f"{old:.2f}%", f"{new:.2f}%"


def test_edit_a_target_see_the_badge_and_download_the_report(page: Page, app_url: str, tmp_path: Path, shot) -> None:
    # the Overview before: the engagement-rate tile carries its monthly target
    open_page(page, app_url, "targets?lang=en")
    expect(page.get_by_role("heading", name="Targets", exact=True)).to_be_visible()
    grid = main(page).get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    before = float(grid.locator(f"#glide-cell-{TARGET_COLUMN}-1").inner_text())
    open_page(page, app_url, "?lang=en")  # the Overview is the app's main page (at /)
    expect(_engagement_caption(page, f"{before:.2f}%")).to_be_visible()
    shot(page, "01_overview_before")

    # edit the target on the Targets page and save
    open_page(page, app_url, "targets?lang=en")
    old, new = _edit_engagement_target(page, shot)
    assert old == f"{before:.2f}%"

    # the Overview badge follows: the new target, and the rate (about 5%) is far behind 50% and more
    open_page(page, app_url, "?lang=en")  # the Overview is the app's main page (at /)
    caption = _engagement_caption(page, new)
    expect(caption).to_be_visible()
    expect(caption).to_contain_text("Behind")
    expect(_engagement_caption(page, old)).to_have_count(0)
    shot(page, "03_overview_after")

    # the Weekly review: the default week, its KPI table, and the HTML report
    open_page(page, app_url, "review?lang=en")
    expect(page.get_by_role("heading", name="Weekly review", exact=True)).to_be_visible()
    picker = main(page).get_by_test_id("stSelectbox").first.get_by_role("combobox")
    week = re.match(r"\d{4}-W\d{2}", picker.input_value())
    assert week, "the week picker shows an ISO week"
    table = main(page).get_by_test_id("stTable")
    impressions = table.locator("tr").filter(has_text="Impressions").first
    this_week = impressions.locator("td").nth(1).inner_text().strip()
    assert re.fullmatch(r"[\d,.]+K?", this_week), this_week
    rate_row = table.locator("tr").filter(has_text="Engagement rate").first
    expect(rate_row).to_contain_text(f"Month target at least {new}")
    expect(rate_row).to_contain_text("Behind")
    shot(page, "04_review")

    with page.expect_download(timeout=60_000) as download:
        main(page).get_by_role("button", name="HTML report").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"weekly-review-{week.group(0)}-en.html"
    report = saved.read_text(encoding="utf-8")
    assert f"Weekly review · {week.group(0)}" in report
    assert this_week in report  # the week's impressions, as the page shows them
    assert f"Month target at least {new}" in report
    assert "<script src=" not in report and "<link" not in report  # self-contained

    # the downloaded file opens on its own (offline: nothing to fetch) and draws its charts
    page.goto(saved.as_uri())
    expect(page.get_by_role("heading", name=f"Weekly review · {week.group(0)}")).to_be_visible()
    expect(page.locator(".chart .main-svg").first).to_be_visible()
    expect(page.locator("table.kpi tr").filter(has_text="Impressions")).to_contain_text(this_week)
    shot(page, "05_report_file")
