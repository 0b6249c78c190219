"""End-to-end fixtures: the real app (`streamlit run app.py`) on a fresh store, Debian's Chromium.

Session scope is per pytest-xdist worker, so every worker runs its own app on its own free port
and its own store. On failure, a screenshot goes to screenshots/failures/ and the app's log tail
is printed with the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.e2e import harness
from tests.e2e.harness import wait_idle  # noqa: F401 - re-exported for tests

SCREENSHOTS = harness.ROOT / "screenshots"

# A rerun of a busy page on a loaded 2-core machine can take longer than expect()'s 5 s default.
expect.set_options(timeout=15_000)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "locale(code): browser locale for the `page` fixture (default en-US)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.AppServer]:
    """The app on a free localhost port with DASHBOARD_DB=<tmp>/e2e.duckdb; stopped (with its
    children) at the end of the session."""
    server = harness.start_app(tmp_path_factory.mktemp("e2e-app"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pw() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(pw: Playwright) -> Iterator[Browser]:
    browser = harness.launch_browser(pw)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def app_url(app_server: harness.AppServer, browser: Browser) -> str:
    """The base URL of a healthy app whose demo workspace is loaded."""
    harness.warm_up(browser, app_server.url)
    return app_server.url


@pytest.fixture
def make_page(browser: Browser, request: pytest.FixtureRequest,
              app_server: harness.AppServer) -> Iterator[Callable[..., Page]]:
    """Factory: make_page(locale='zh-CN') -> a page in a fresh context (1440x900)."""
    contexts = []

    def make(locale: str = "en-US") -> Page:
        context = harness.new_context(browser, locale=locale)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for index, context in enumerate(contexts):
            for number, open_page in enumerate(context.pages):
                try:
                    harness.screenshot(open_page, SCREENSHOTS / "failures" / f"{name}-{index}-{number}.png")
                except Exception:  # noqa: BLE001 - best effort
                    pass
        print(f"--- app log tail ({app_server.log_path}) ---\n{app_server.log_tail()}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(make_page: Callable[..., Page], request: pytest.FixtureRequest) -> Page:
    """A page in a fresh context; locale en-US unless the test says @pytest.mark.locale('zh-CN')."""
    marker = request.node.get_closest_marker("locale")
    return make_page(marker.args[0] if marker else "en-US")


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """shot(page, 'step') -> screenshots/<test name>_<step>.png (full page)."""
    def take(page: Page, step: str) -> Path:
        return harness.screenshot(page, SCREENSHOTS / f"{request.node.name}_{step}.png")
    return take
