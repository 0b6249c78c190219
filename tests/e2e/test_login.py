"""Login in a real browser: the real app with an [auth] section (a temporary secrets.toml) against a
fake OpenID Connect provider on 127.0.0.1 (tests/e2e/fake_oidc.py). Signed out, only the sign-in
screen shows, deep links too; st.login goes through the provider and back; a viewer reads the Data
page without an uploader; sign out returns to the sign-in screen; an admin gets the uploader."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.ingest.pipeline import import_bytes
from dashboard.settings import set_setting
from dashboard.store.db import Store
from tests.e2e import harness
from tests.e2e.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeProvider
from tests.e2e.harness import main, open_page, sidebar

pytestmark = pytest.mark.e2e

DAILY = b"platform,account,date,followers,reach\nx,a,2026-01-01,100,\nx,a,2026-01-02,110,50\n"
VIEWER = {"email": "rita@elsewhere.example", "name": "Rita Reader", "email_verified": True}
ADMIN = {"email": "lead@brand.example", "name": "Lee Lead", "email_verified": True}


def _start(work: Path, provider: FakeProvider, timeout: float = 60.0) -> harness.AppServer:
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"
    secrets_file = work / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(24)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
        "\n[dashboard.roles]\n"
        f'"{ADMIN["email"]}" = "admin"\n', encoding="utf-8")
    db_path = work / "login.duckdb"
    store = Store(db_path)  # one import, and no demo: the pages have something to show at once
    set_setting(store, "timezone", "UTC")
    set_setting(store, "demo", {"import_ids": [], "dismissed": True})
    import_bytes(store, "daily.csv", DAILY)
    store.close()
    log_path = work / f"streamlit-{port}.log"
    python = str(harness.PYTHON if harness.PYTHON.exists() else Path(sys.executable))
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [python, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--secrets.files", str(secrets_file),
             "--browser.gatherUsageStats", "false"],
            cwd=harness.ROOT, env={**os.environ, "DASHBOARD_DB": str(db_path), "PYTHONUNBUFFERED": "1"},
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    server = harness.AppServer(process, port, db_path, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if harness._healthy(server.url):
            return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the app did not become healthy\n{server.log_tail()}")


@pytest.fixture(scope="module")
def login_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[harness.AppServer, FakeProvider]]:
    with FakeProvider() as provider:
        server = _start(tmp_path_factory.mktemp("login-app"), provider)
        try:
            yield server, provider
        finally:
            server.stop()


def _sign_in(page: Page, provider: FakeProvider, user: dict) -> None:
    provider.next_user = user
    page.get_by_role("button", name="Sign in").click()  # st.login -> provider -> /oauth2callback -> the app
    expect(sidebar(page)).to_contain_text(user["name"], timeout=30_000)
    harness.wait_idle(page)


def test_sign_in_as_viewer_sign_out_and_sign_in_as_admin(login_app, browser: Browser):
    server, provider = login_app
    context = harness.new_context(browser)
    try:
        page = context.new_page()
        open_page(page, server.url, "?lang=en")
        expect(main(page)).to_contain_text("Please sign in")
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        open_page(page, server.url, "data?lang=en")  # a deep link shows the sign-in screen too
        expect(main(page)).to_contain_text("Please sign in")
        expect(page.get_by_test_id("stFileUploader")).to_have_count(0)

        _sign_in(page, provider, VIEWER)
        expect(sidebar(page)).to_contain_text("Role: Viewer")
        expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
        open_page(page, server.url, "data?lang=en")
        expect(main(page)).to_contain_text("Importing files needs the Editor role or higher; you are signed in as Viewer.")
        expect(page.get_by_test_id("stFileUploader")).to_have_count(0)

        sidebar(page).get_by_role("button", name="Sign out").click()
        expect(main(page)).to_contain_text("Please sign in", timeout=30_000)
        harness.wait_idle(page)

        _sign_in(page, provider, ADMIN)
        expect(sidebar(page)).to_contain_text("Role: Admin")
        open_page(page, server.url, "data?lang=en")
        expect(page.get_by_test_id("stFileUploader")).to_be_visible()
    except Exception:
        print(server.log_tail())
        raise
    finally:
        context.close()
