"""Shared end-to-end helpers: start the real app on a throwaway store, drive Debian's Chromium,
and tell when Streamlit has finished running the script.

Used by tests/e2e/conftest.py (pytest fixtures) and scripts/screenshots.py (CLI).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT.parent / "shared" / "samples"
PYTHON = ROOT / ".venv" / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 900}
DEMO_BANNER = {"en": "Demo workspace", "zh": "示例工作区"}

# Counts the app's script runs: every time stApp's data-test-script-state turns 'running'.
# Installed into every page before any of its scripts, so no run is missed between two checks.
_RUN_COUNTER = """
(() => {
  if (window.__e2eRuns !== undefined) return;
  window.__e2eRuns = 0;
  new MutationObserver(records => {
    for (const r of records) {
      const el = r.type === 'attributes' ? r.target : null;
      if (el && el.getAttribute('data-test-script-state') === 'running') window.__e2eRuns += 1;
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();
"""

# Idle: connected, the script is not running, no stale element left from the previous run,
# no spinner or running indicator, and the main block is shown.
_IDLE = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('[data-testid="stMainBlockContainer"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (document.querySelector('[data-testid="stSpinner"]')) return false;
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  if (status && /running|stop/i.test(status.innerText)) return false;
  return true;
}
"""


# -- the app server -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    process: subprocess.Popen
    port: int
    db_path: Path
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Terminate the app and its children (it runs in its own process group)."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start_app(work_dir: Path, *, timeout: float = 60.0, attempts: int = 3) -> AppServer:
    """Start `streamlit run app.py` on a fresh store `<work_dir>/e2e.duckdb` and a free port;
    returns once /_stcore/health answers 'ok'. Retries on another port if the port was taken."""
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / "e2e.duckdb"
    env = {**os.environ, "DASHBOARD_DB": str(db_path), "PYTHONUNBUFFERED": "1"}
    python = str(PYTHON if PYTHON.exists() else Path(sys.executable))
    last_error = ""
    for attempt in range(attempts):
        port = free_port()
        log_path = work_dir / f"streamlit-{port}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [python, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(port), "--server.address", "127.0.0.1",
                 "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        server = AppServer(process, port, db_path, log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if _healthy(server.url):
                return server
            time.sleep(0.2)
        last_error = (f"attempt {attempt + 1}: exit code {process.poll()}, port {port}\n"
                      f"{server.log_tail()}")
        server.stop()
        if "already in use" not in last_error:
            break
    raise RuntimeError(f"the app did not become healthy within {timeout:.0f} s\n{last_error}")


@contextmanager
def running_app(work_dir: Path, *, timeout: float = 60.0) -> Iterator[AppServer]:
    server = start_app(work_dir, timeout=timeout)
    try:
        yield server
    finally:
        server.stop()


# -- the browser --------------------------------------------------------------------------------

def launch_browser(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_context(browser: Browser, *, locale: str = "en-US") -> BrowserContext:
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    context.add_init_script(_RUN_COUNTER)
    context.set_default_timeout(30_000)
    return context


def script_runs(page: Page) -> int:
    """How many script runs the page has seen so far (take it before an action, pass to wait_idle)."""
    return page.evaluate("() => window.__e2eRuns || 0")


def wait_idle(page: Page, *, after: int | None = None, timeout: float = 30_000,
              start_timeout: float = 2_000, settle_ms: int = 150) -> None:
    """Wait until Streamlit has finished running the script.

    `after`: a script_runs() count taken before an action; first wait (up to start_timeout ms)
    for a run to start after it, as a click or an upload only reaches the server a moment later
    (some actions never rerun, hence the short bound). Then wait for the idle state to hold
    for settle_ms (a rerun requested by the script, st.rerun(), starts right after a run ends).
    """
    if after is not None:
        try:
            page.wait_for_function(f"() => (window.__e2eRuns || 0) > {int(after)}", timeout=start_timeout)
        except Exception:  # noqa: BLE001 - no rerun happened; fine, check idle below
            pass
    deadline = time.monotonic() + timeout / 1000
    while True:
        remaining = max(1.0, (deadline - time.monotonic()) * 1000)
        page.wait_for_function(_IDLE, timeout=remaining)
        runs = script_runs(page)
        page.wait_for_timeout(settle_ms)
        if script_runs(page) == runs and page.evaluate(_IDLE):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("Streamlit did not settle")


def act(page: Page, action: Callable[[], object], **wait_options) -> None:
    """Do something that makes Streamlit rerun (click, fill + Enter, upload) and wait for it."""
    before = script_runs(page)
    action()
    wait_idle(page, after=before, **wait_options)


def open_page(page: Page, base_url: str, path: str = "", *, timeout: float = 60_000) -> None:
    """Go to <base_url>/<path> and wait until the app ran (the first open of a fresh store
    loads the demo workspace, which takes a few seconds)."""
    page.goto(f"{base_url}/{path.lstrip('/')}")
    page.wait_for_function("() => (window.__e2eRuns || 0) > 0", timeout=timeout)
    wait_idle(page, timeout=timeout)


def sidebar(page: Page):
    return page.locator('[data-testid="stSidebar"]')


def main(page: Page):
    return page.locator('[data-testid="stMain"]')


def warm_up(browser: Browser, base_url: str, *, timeout: float = 90_000) -> None:
    """Open the app once at its root and wait for the demo workspace banner: the first visit
    loads the demo into the fresh store, so the tests that follow do not wait for it."""
    from playwright.sync_api import expect

    context = new_context(browser)
    try:
        page = context.new_page()
        open_page(page, base_url, "?lang=en", timeout=timeout)
        expect(sidebar(page)).to_contain_text(DEMO_BANNER["en"], timeout=timeout)
    finally:
        context.close()


_OVERFLOW = """
() => Math.max(0, ...[...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]')]
  .map(e => e.scrollHeight - e.clientHeight))
"""


def screenshot(page: Page, path: Path, *, full_page: bool = True, max_height: int = 12_000) -> Path:
    """Save a PNG. Streamlit scrolls inside stMain, not the document, so Playwright's own full_page
    would stop at the viewport: for a full page, grow the viewport to the content's height, shoot,
    and put it back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    extra = page.evaluate(_OVERFLOW) if full_page and size else 0
    if extra > 0:
        page.set_viewport_size({"width": size["width"], "height": min(max_height, size["height"] + extra)})
        page.wait_for_timeout(200)  # layout, canvases (dataframes) repaint
    try:
        page.screenshot(path=str(path), full_page=full_page)
    finally:
        if extra > 0:
            page.set_viewport_size(size)
    return path
