"""Which metric calls each page makes: the real page runs once in Streamlit's AppTest with every
`cached(...)` call recorded (function, arguments), so the benchmark times exactly what the page asks.

Run as a subprocess (`python -m bench.record DB OUT.json`) so that the app's module state stays out
of the benchmark process.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "growth", "content", "channels", "lifecycle", "targets", "alerts"]


def record(db: str, out: str, pages: list[str] | None = None) -> None:
    os.environ["DASHBOARD_DB"] = db
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from streamlit.testing.v1 import AppTest

    import dashboard.ui.cache as cache

    calls: list[tuple[str, str, tuple, tuple]] = []
    current = {"page": ""}
    original = cache._call

    def recording(name, version, path, args, kwargs):
        calls.append((current["page"], name, args, kwargs))
        return original(name, version, path, args, kwargs)

    cache._call = recording
    seconds = {}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["lang"] = "en"
    at.run()
    for page in pages or PAGES:
        if not (ROOT / "views" / f"{page}.py").exists():
            continue
        current["page"] = page
        started = time.perf_counter()
        at.switch_page(f"views/{page}.py")
        at.run()
        seconds[page] = time.perf_counter() - started
        errors = [e.value for e in at.error]
        if errors:
            print(f"{page}: page shows errors: {errors}", file=sys.stderr)
    cache._call = original
    by_page: dict[str, list] = {}
    for page, name, args, kwargs in calls:
        if page:
            by_page.setdefault(page, []).append((name, args, kwargs))
    Path(out).write_bytes(pickle.dumps({"calls": by_page, "apptest_seconds": seconds}))
    print(json.dumps({p: len(c) for p, c in by_page.items()}))


if __name__ == "__main__":
    record(sys.argv[1], sys.argv[2], sys.argv[3:] or None)
