"""In a real browser the sidebar filters keep their values from page to page (they belong to the
app shell), and pages that use no filters do not show them."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.harness import act, open_page, sidebar, wait_idle

pytestmark = pytest.mark.e2e


def test_period_survives_pages_with_and_without_filters(page: Page, app_url: str, shot) -> None:
    open_page(page, app_url, "?lang=en")
    act(page, lambda: page.get_by_role("combobox", name="Period").click())
    page.get_by_role("option", name="Last 7 days", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("combobox", name="Period")).to_have_value("Last 7 days")
    act(page, lambda: sidebar(page).get_by_role("link", name="Data").click())
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    expect(sidebar(page)).not_to_contain_text("Granularity")
    act(page, lambda: sidebar(page).get_by_role("link", name="Growth").click())
    expect(page.get_by_role("heading", name="Growth", exact=True)).to_be_visible()
    expect(page.get_by_role("combobox", name="Period")).to_have_value("Last 7 days")
    assert "period=last_7" in page.url
    shot(page, "filters_kept")
