"""Real browser timings: the app under `streamlit run`, Debian's Chromium driven by Playwright.

Each visit opens the page's URL in a new tab, which is a new Streamlit session; the time counted runs
from the request to the moment the app is idle: the page title is drawn and the app's script state
(`stApp[data-test-script-state]`) has been `notRunning`, with no running indicator, for half a second.
Three visits per page:
- returning browser, queries run: a browser that opened the app before (its HTTP cache holds
  Streamlit's scripts, as a team member's browser does), first visit of the page since the data
  changed, so the page's queries run (the server's cache is per data version);
- returning browser, cached: the same browser again, now every query answered by the server's cache;
- new browser: a browser profile that never opened the app (cold HTTP cache), queries cached.
`floor` measures a bare two-line Streamlit app (bench/hello_app.py) the same three ways: what
Streamlit itself costs on this machine before any page of ours runs. The streamlit process's peak
resident memory is read from /proc/<pid>/status (VmHWM).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
IDLE_FOR = 0.5


def free_port(start: int = 8790) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port")


@contextmanager
def app_server(db: str, port: int, script: Path = ROOT / "app.py"):
    env = {**os.environ, "DASHBOARD_DB": db, "PYTHONPATH": str(ROOT / "src")}
    log = open(Path(db).with_suffix(".streamlit.log"), "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.headless",
                                "true", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("streamlit did not start")
            time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _new_profile(browser):
    return browser.new_context(viewport={"width": 1440, "height": 1400}, locale="en-US")


def _time_to_idle(profile, url: str, timeout: float) -> float:
    page = profile.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
        page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=timeout * 1000)
        quiet_since = None
        while time.perf_counter() - started < timeout:
            state = page.locator('[data-testid="stApp"]').get_attribute("data-test-script-state")
            running = state != "notRunning" or page.locator('[data-testid="stStatusWidget"]').count() > 0
            now = time.perf_counter()
            if running:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= IDLE_FOR:
                return quiet_since - started
            time.sleep(0.05)
        return float("inf")
    finally:
        page.close()


def _new_browser_visit(browser, url: str, timeout: float) -> float:
    profile = _new_profile(browser)
    try:
        return _time_to_idle(profile, url, timeout)
    finally:
        profile.close()


def measure(db: str, pages: list[str], warm_up: float = 240, timeout: float = 120) -> dict:
    """{"pages": {page: (returning + queries s, returning + cached s, new browser s)}, "peak_rss_mb": MB}."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out: dict = {"pages": {}}
    with app_server(db, port) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            returning = _new_profile(browser)
            _time_to_idle(returning, f"{base}/data?lang=en", warm_up)  # first session: demo load, imports, etc.
            for page in pages:
                url = f"{base}/{'' if page == 'overview' else page}?lang=en"
                queries = _time_to_idle(returning, url, timeout)
                cached = _time_to_idle(returning, url, timeout)
                out["pages"][page] = (queries, cached, _new_browser_visit(browser, url, timeout))
            returning.close()
        finally:
            browser.close()
        out["peak_rss_mb"] = peak_rss_mb(server.pid)
    return out


def measure_floor(scratch: str, visits: int = 3, timeout: float = 60) -> tuple[float, float, float]:
    """Bare Streamlit (bench/hello_app.py): medians of a returning browser's visits (twice, as the
    pages' first two columns) and of new browsers' visits."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with app_server(scratch, port, ROOT / "bench" / "hello_app.py"), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            returning = _new_profile(browser)
            _time_to_idle(returning, url, timeout)
            warm = sorted(_time_to_idle(returning, url, timeout) for _ in range(visits))
            cold = sorted(_new_browser_visit(browser, url, timeout) for _ in range(visits))
            returning.close()
        finally:
            browser.close()
    return warm[visits // 2], warm[visits // 2], cold[visits // 2]
