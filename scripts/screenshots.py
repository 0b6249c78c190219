"""Full-page screenshots of the app's pages in each language, in Debian's headless Chromium.

    .venv/bin/python scripts/screenshots.py --out screenshots --pages data --lang en zh [--tabs]

Starts the app the way the end-to-end tests do (a temporary store, demo workspace loaded on the
first open), visits /<page>?lang=<lang> for every page and language, waits until Streamlit is idle
and writes <out>/<page>_<lang>.png; with --tabs, also one PNG per tab of the page
(<page>_<lang>_tab<N>.png).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.e2e import harness  # noqa: E402


def _slug(text: str) -> str:
    return re.sub(r"[^\w-]+", "_", text).strip("_") or "root"


def shoot(out: Path, pages: list[str], languages: list[str], *, tabs: bool = False,
          width: int = 1440, height: int = 900) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="screenshots-") as work, \
            harness.running_app(Path(work)) as server, sync_playwright() as playwright:
        browser = harness.launch_browser(playwright)
        try:
            harness.warm_up(browser, server.url)
            for language in languages:
                locale = "zh-CN" if language == "zh" else "en-US"
                context = harness.new_context(browser, locale=locale)
                page = context.new_page()
                page.set_viewport_size({"width": width, "height": height})
                for name in pages:
                    started = time.monotonic()
                    harness.open_page(page, server.url, f"{name.strip('/')}?lang={language}")
                    base = f"{_slug(name)}_{language}"
                    written.append(harness.screenshot(page, out / f"{base}.png"))
                    print(f"{written[-1]}  ({time.monotonic() - started:.1f} s)")
                    if tabs:
                        tab_list = page.get_by_test_id("stMain").get_by_role("tab")
                        for index in range(tab_list.count()):
                            tab_list.nth(index).click()  # switches in the browser: no rerun
                            harness.wait_idle(page)
                            written.append(harness.screenshot(page, out / f"{base}_tab{index + 1}.png"))
                            print(f"{written[-1]}  ({tab_list.nth(index).inner_text().strip()})")
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="output folder")
    parser.add_argument("--pages", nargs="+", default=["data"], help="url paths of pages, e.g. data")
    parser.add_argument("--lang", nargs="+", default=["en", "zh"], choices=["en", "zh"], dest="languages")
    parser.add_argument("--tabs", action="store_true", help="also one screenshot per tab of each page")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    written = shoot(args.out, args.pages, args.languages, tabs=args.tabs, width=args.width, height=args.height)
    print(f"{len(written)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
