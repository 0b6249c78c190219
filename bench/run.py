"""The benchmark, one command: `.venv/bin/python -m bench.run --scale full` (writes bench/RESULTS.md).

1. Generate the large workspace (bench/generate.py, fixed seed) at the chosen scale.
2. Import: a canonical posts template CSV of 1M rows x scale through the real importer
   (pipeline.import_paths, into an empty store) next to DuckDB's own read_csv of the same file into
   a table (the floor). Budget: at most 2x the floor. Also the row-by-row interpreter on a slice,
   for the speed-up the bulk path brings.
3. Pages: every metric call each page makes (recorded by running the page in AppTest,
   bench/record.py), replayed uncached against the large store: median of --runs runs; next to it
   the same figures computed with pandas over the rows (bench/pandas_pages.py). Budget: < 1 s.
4. Browser: time from opening each page to the app being idle, demo and large workspace (budget
   2 s), and the app process's peak memory on the large one (budget 2 GiB).

Options: --scale full|tiny|<fraction>, --work DIR (scratch space), --runs N, --no-browser, --out FILE.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pickle
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import generate, pandas_pages  # noqa: E402

IMPORT_BUDGET = 2.0
PAGE_BUDGET = 1.0
BROWSER_BUDGET = 2.0
RSS_BUDGET_MB = 2048.0
DEMO_FILES_BUDGET = 5.0
PAGES = ["overview", "growth", "content", "channels", "lifecycle", "targets"]


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    import duckdb
    import polars

    return {"nproc": str(os.cpu_count()), "memory": f"{mem / 1024 / 1024:.1f} GiB", "cpu": cpu,
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg()), "python": platform.python_version(),
            "duckdb": duckdb.__version__, "polars": polars.__version__, "pandas": pandas_pages.pd.__version__}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _demo_files_seconds(out: Path) -> float:
    from dashboard.demo_files import generate_demo_files

    started = time.perf_counter()
    generate_demo_files(out, generate.END)
    return time.perf_counter() - started


def _demo_files_line(seconds: float | None) -> list[str]:
    if seconds is None:
        return []
    return [f"The demo workspace's export files (what an empty store opens on) generated in {seconds:.1f} s "
            f"{_ok(seconds, DEMO_FILES_BUDGET)} (budget {DEMO_FILES_BUDGET:g} s).", ""]


# -- import ------------------------------------------------------------------------------------------

def bench_import(work: Path, rows: int, runs: int, log) -> dict:
    from bench import import_bench
    from dashboard.ingest import bulk
    from dashboard.ingest.pipeline import import_bytes
    from dashboard.settings import set_setting
    from dashboard.store.db import Store

    csv_path = work / "posts_export.csv"
    generate.write_posts_csv(csv_path, rows)
    size_mb = csv_path.stat().st_size / 1024 / 1024
    floors, ours, results = [], [], []
    for k in range(runs):  # alternating, so that both see the same load on a shared machine
        floors.append(import_bench.floor(csv_path)[0])
        seconds, _, result = import_bench.importer(csv_path)
        ours.append(seconds)
        results.append(result)
        log(f"  import run {k + 1}: floor {floors[-1]:.2f} s, importer {ours[-1]:.2f} s ({result.status}, "
            f"{result.rows_inserted:,} rows)")
    # the row-by-row interpreter on a slice of the same file, for the speed-up of the bulk path
    slice_rows = min(rows, 20_000)
    with csv_path.open("rb") as handle:
        head = b"".join(handle.readline() for _ in range(slice_rows + 1))
    store = Store(work / "rowwise.duckdb")
    set_setting(store, "timezone", "Asia/Shanghai")
    previous, bulk.BULK_MIN_BYTES = bulk.BULK_MIN_BYTES, 1 << 60
    try:
        started = time.perf_counter()
        import_bytes(store, "slice.csv", head, today=generate.END)
        rowwise = (time.perf_counter() - started) / slice_rows * rows
    finally:
        bulk.BULK_MIN_BYTES = previous
        store.close()
    first = results[0]
    return {"rows": rows, "size_mb": size_mb, "floor": _median(floors), "ours": _median(ours),
            "floors": floors, "runs": ours, "status": first.status, "inserted": first.rows_inserted,
            "skipped": first.rows_skipped, "rowwise_estimate": rowwise, "slice_rows": slice_rows}


# -- pages ---------------------------------------------------------------------------------------------

def _function(name: str):
    module, attr = name.rsplit(".", 1)
    return getattr(importlib.import_module(module), attr)


def _period(calls) -> tuple[date, date]:
    for _, args, _ in calls:
        for arg in args:
            if hasattr(arg, "start") and hasattr(arg, "end") and hasattr(arg, "granularity"):
                return arg.start, arg.end
    dates = [a for _, args, _ in calls for a in args if isinstance(a, date)]
    return (min(dates), max(dates)) if dates else (generate.END, generate.END)


def bench_pages(db: Path, work: Path, runs: int, log) -> dict:
    from dashboard.metrics import memo
    from dashboard.store.db import Store

    recorded = work / "calls.pkl"
    subprocess.run([sys.executable, "-m", "bench.record", str(db), str(recorded), *PAGES], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"})
    calls = pickle.loads(recorded.read_bytes())["calls"]
    store = Store(db)
    out: dict = {}
    try:
        tz = store.scalar("SELECT value FROM settings WHERE key = 'timezone'")
        tz = json.loads(tz) if tz else "UTC"
        started = time.perf_counter()
        frames = pandas_pages.load(store.cursor().raw, tz)
        load_seconds = time.perf_counter() - started
        log(f"  pandas: loaded every table in {load_seconds:.1f} s")
        for page in PAGES:
            page_calls = calls.get(page, [])
            if not page_calls:
                continue
            timings, slowest = [], {}
            for _ in range(runs):
                memo.clear()  # each run times the page as the first view after a change of the data
                total = 0.0
                for name, args, kwargs in page_calls:
                    started = time.perf_counter()
                    _function(name)(store, *args, **dict(kwargs))
                    spent = time.perf_counter() - started
                    total += spent
                    slowest[name] = max(slowest.get(name, 0.0), spent)
                timings.append(total)
            start, end = _period(page_calls)
            pandas_runs = []
            for _ in range(runs):
                started = time.perf_counter()
                pandas_pages.PAGES[page](frames, start, end)
                pandas_runs.append(time.perf_counter() - started)
            ours = _median(timings[1:] if len(timings) > 2 else timings)  # the first run builds derived tables
            out[page] = {"calls": len(page_calls), "ours": ours, "first": timings[0], "pandas": _median(pandas_runs),
                         "slowest": sorted(slowest.items(), key=lambda kv: -kv[1])[:3], "period": (start, end)}
            log(f"  {page}: {len(page_calls)} calls, {ours:.3f} s (first {timings[0]:.3f} s), "
                f"pandas {out[page]['pandas']:.3f} s")
    finally:
        store.close()
    out["_pandas_load"] = load_seconds
    out["_rebuild"] = _rebuild_seconds(db)
    log(f"  derived tables rebuilt in {out['_rebuild']}")
    return out


def _rebuild_seconds(db: Path) -> dict[str, float]:
    """What the first page view after an import of events pays once: the derived tables rebuilt."""
    from dashboard.metrics.channels import conversion_events, ensure_orders
    from dashboard.metrics.lifecycle import ensure_activity
    from dashboard.store.db import Store

    store = Store(db)
    try:
        tz = json.loads(store.scalar("SELECT value FROM settings WHERE key = 'timezone'") or '"UTC"')
        with store.write(bump=False) as cur:
            cur.run("DELETE FROM settings WHERE key IN ('__channel_orders', '__lifecycle_activity')")
        started = time.perf_counter()
        ensure_orders(store, tz, conversion_events(store))
        orders = time.perf_counter() - started
        started = time.perf_counter()
        ensure_activity(store, tz)
        return {"channel_orders": orders, "lifecycle": time.perf_counter() - started}
    finally:
        store.close()


# -- report --------------------------------------------------------------------------------------------

def _ok(value: float, budget: float) -> str:
    return "✅" if value <= budget else "❌"


def write_results(path: Path, command: str, info: dict, scale: float, counts: dict, gen_seconds: float,
                  imp: dict, pages: dict, browser: dict | None) -> None:
    lines = [
        "# Benchmark results: import, pages, browser (bench/run.py)",
        "",
        f"Command: `{command}`  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  ",
        f"Machine: {info['nproc']} cores ({info['cpu']}), {info['memory']} memory; load average at the start "
        f"{info['load']} (the machine is shared: other sessions' test runs compete for the 2 cores)  ",
        f"Versions: Python {info['python']}, DuckDB {info['duckdb']}, Polars {info['polars']}, "
        f"pandas {info['pandas']} (pandas in bench/ only)  ",
        f"Scale: {scale:g} ({'the full size of issue 7' if scale >= 1 else 'a fraction of the full size'})",
        "",
        "## Workspace",
        "",
        f"Generated in {gen_seconds:.0f} s (fixed seed {generate.SEED}): "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + ".",
        "",
        *_demo_files_line(info.get("demo_files")),
        "## Import",
        "",
        f"A canonical posts template CSV, {imp['rows']:,} rows, {imp['size_mb']:.0f} MB, through the real importer "
        "(`pipeline.import_paths` into an empty store: read, recognise, parse every cell, validate, upsert "
        "keeping the key unique, with undo log, one transaction) next to DuckDB's `read_csv` of the same file into a table "
        "(no key, no validation). Median of "
        f"{len(imp['runs'])} runs each.",
        "",
        "| figure | seconds | budget | ratio | |",
        "|---|---:|---:|---:|---|",
        f"| DuckDB read_csv (floor) | {imp['floor']:.2f} | | | |",
        f"| importer | {imp['ours']:.2f} | ≤ {IMPORT_BUDGET:g}x floor = {IMPORT_BUDGET * imp['floor']:.2f} | "
        f"{imp['ours'] / imp['floor']:.2f}x floor | {_ok(imp['ours'], IMPORT_BUDGET * imp['floor'])} |",
        f"| row-by-row interpreter (before; measured on {imp['slice_rows']:,} rows, scaled) | "
        f"{imp['rowwise_estimate']:.0f} | | {imp['rowwise_estimate'] / imp['ours']:.0f}x slower than now | |",
        "",
        f"Result: {imp['status']}, {imp['inserted']:,} rows inserted, {imp['skipped']:,} skipped. "
        f"Runs: floor {', '.join(f'{x:.2f}' for x in imp['floors'])}; importer "
        f"{', '.join(f'{x:.2f}' for x in imp['runs'])}.",
        "",
        "## Pages: metric queries",
        "",
        "Every metric call the page makes (recorded from the real page in AppTest), uncached, on the large "
        "workspace; median of the runs after the first (the first also builds the lifecycle tables derived from "
        "`events` when they are stale). pandas: the same figures from the rows in pandas "
        f"(tables loaded once beforehand in {pages.get('_pandas_load', float('nan')):.0f} s, not counted).",
        "",
        "| page | calls | queries (s) | budget | first run (s) | pandas (s) | pandas / queries | slowest calls |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    rebuild = pages.get("_rebuild") or {}
    notes = [f"The tables derived from `events` were built while the pages were recorded; rebuilding them, "
             f"as the first view after an import of events does once: `channel_orders` "
             f"{rebuild.get('channel_orders', float('nan')):.1f} s, the lifecycle tables "
             f"{rebuild.get('lifecycle', float('nan')):.1f} s.", ""]
    for page in PAGES:
        row = pages.get(page)
        if not row:
            continue
        slow = "; ".join(f"{n.rsplit('.', 1)[1]} {s:.2f}" for n, s in row["slowest"])
        lines.append(f"| {page} | {row['calls']} | {row['ours']:.3f} {_ok(row['ours'], PAGE_BUDGET)} | < {PAGE_BUDGET:g} | "
                     f"{row['first']:.3f} | {row['pandas']:.3f} | {row['pandas'] / row['ours']:.1f}x | {slow} |")
    lines.append("")
    lines += notes
    if browser:
        lines += ["## Browser", "", "Debian's Chromium (headless, Playwright). Every visit opens the page in a new tab, "
                  "which is a new Streamlit session, and counts from the request to the app being idle (the page "
                  "title drawn and the app's script state `notRunning`, with no running indicator, for 0.5 s). "
                  "*Queries*: a browser that opened the app before (Streamlit's scripts in its HTTP cache), first "
                  "visit of the page since the data changed, so its queries run; *cached*: the same browser again, "
                  "the server's per-data-version cache answers; *new browser*: a browser profile that never opened "
                  "the app, queries cached. *Floor*: a bare two-line Streamlit app (bench/hello_app.py) measured "
                  "the same way, what Streamlit itself costs here before any of our code runs.", "",
                  "| page | demo: queries | demo: cached | demo: new browser | large: queries | large: cached "
                  "| large: new browser | budget |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        floor = browser.get("floor")
        if floor:
            cells = [f"{x:.2f}" for x in (*floor, *floor)]
            lines.append(f"| *floor: bare Streamlit* | {' | '.join(cells)} | |")
        for page in PAGES:
            demo = browser.get("demo", {}).get("pages", {}).get(page, (float("nan"),) * 3)
            large = browser.get("large", {}).get("pages", {}).get(page, (float("nan"),) * 3)
            cells = [f"{x:.2f} {_ok(x, BROWSER_BUDGET)}" for x in (*demo, *large)]
            lines.append(f"| {page} | {' | '.join(cells)} | {BROWSER_BUDGET:g} |")
        rss = browser.get("large", {}).get("peak_rss_mb", float("nan"))
        demo_rss = browser.get("demo", {}).get("peak_rss_mb", float("nan"))
        lines += ["", f"Peak memory (VmHWM) of the streamlit process: large workspace {rss:.0f} MB "
                  f"{_ok(rss, RSS_BUDGET_MB)} (budget {RSS_BUDGET_MB:.0f} MB); demo {demo_rss:.0f} MB.", ""]
    lines += ANALYSIS.splitlines()
    _write_section(path, "\n".join(lines) + "\n")


ANALYSIS = """## Where the time goes, and the plan for what misses its budget

**Import (budget 2x the floor).** Before this work the importer parsed every cell in Python: about 0.5 ms
a row, 8 to 10 minutes for a million rows. Large plain CSV/TSV files now take the bulk path
(`src/dashboard/ingest/bulk.py`): Polars splits the file, every column is parsed in one vectorised pass
with exact equivalents of the value parsers (numbers, ISO dates, empty cells, and text made of
characters NFC leaves alone: ASCII, CJK, kana, Hangul, full-width forms, emoji), the distinct values
left over go through the very same Python parsers, and only unusual rows go through the row-by-row
interpreter; `tests/unit/test_bulk.py` and the fuzz test import every sample, every malformed upload and
generated files both ways and compare results and stored rows. The upsert into an empty table is one
`INSERT ... SELECT` (no temp copy, no anti-join), and since schema migration 7 `posts` carries no index:
keeping the primary key's and `published_at`'s ART indexes up to date cost about 2 CPU seconds and a
single-threaded 1.5 s commit per million rows, and no query reads them; the loader keeps the key unique.
What is left, per million rows on this machine (CPU seconds, `bench/import_bench.py --profile`):
reading and hashing the file 0.3, splitting 1.2-1.9, parsing the 24 columns 1.7-2.1 (0.45 of it the
two time-zone conversions), assembling the frame and handing it to DuckDB 0.5, DuckDB's insert 2.2-2.8
(the write the floor pays too), commit 0.1. The floor parses with guessed types and validates nothing.

**Pages (budget 1 s).** What made Overview and Channels slow (6 s and 18 s at 10 million events in the
first full run) was `metrics/channels.py` computing, in every paid metric call, each user's first-touch
channel over all events, first orders with a window over all purchases and a time-zone conversion per
event, twice per KPI comparison. The changes: (1) `channel_orders` (schema migration 5), one row per
order with its workspace day, first-touch channel and first-order flag, rebuilt by `ensure_orders`
only when the events, the time zone or the conversion event types change (the first query after an
import pays it once: the "first run" column); (2) `metrics/memo.py` keeps the shared building blocks
(`base.base_frame`, the channel query, the growth account summary, the lifecycle funnel) per store and
data version, so the tiles, trends, badges and tables of one page view compute them once; (3) queries
over posts filter on a UTC window around the period (`base.utc_window`) before converting times to the
workspace zone, and the data span and the short-video target count convert only the posts near the
edges, instead of a million timestamps; (4) Lifecycle reads `lifecycle_activity` (schema migration 6):
one row per user, active day and event type, carrying the user's first day, first-touch channel and
previous and next active day, stored in day order so that date filters skip most of it, with each
user's revenue in `lifecycle_users`. Flows, stages, cohorts and active users are filtered scans with no
window or join at query time; the funnel and the channel comparison share one `GROUPING SETS` query.
Nothing stored depends on the thresholds the page edits, so editing them needs no rebuild.

pandas / queries: the pages that read events (Overview with its paid tiles, Channels, Lifecycle) are
far faster as queries. Growth, Content and Targets only filter four weeks of a million posts and a
few thousand daily rows; pandas does that faster once every table sits in memory (loading them, not
counted, took the time shown above and several GB), while each of the page's 4 to 23 metric calls is
its own SQL query with a fixed cost of 5 to 30 ms. The aim of 10x is met on the event pages only; the
other three stay well inside the 1 s budget while the app holds no table in memory, which is what keeps
a 10-million-event workspace under its 2 GiB.

**Browser (budget 2 s): not met; the plan.** A visit costs, in order: Chromium loads and compiles
Streamlit's own scripts (about 1.8 MB before the first element; a new browser profile downloads them, a
returning one has them in its HTTP cache), the websocket session opens, the shell and the page script
run on the server, and the browser draws the elements. The floor row is the part that is Streamlit's
alone (a bare two-line page): 1.3 to 2.2 s on this shared 2-core machine, most of the budget before any
code of ours runs. Our server part is small: every Plotly figure is now assembled as plain dicts and
validated once (`charts.py`, 4.5x less CPU, identical figures), the data version is read once per data
change instead of once per cached call, and a page view answered by the cache costs the server 60 to
140 ms of CPU (AppTest, per page; the browser saw the script start about 1.1 s after the request and end
0.1 s later on the Data page). The rest is the browser drawing our elements: Streamlit loads the code of
each element type the first time a session shows it (selectbox, buttons, file uploader, checkboxes, the
data grid with 1.2 MB of its own...), each load and first render is a long task of 100 to 400 ms on the
main thread (PerformanceObserver `longtask`), and they run one after the other, so a page that shows
many kinds of element waits 1 to 2 s after our script has finished. Charts below the fold did not
delay idle here: the browser had not fetched Plotly's code (4.7 MB) for them by then. The first visit
after a data change adds the page's queries (the table above). Plan: a first screen per page with fewer
kinds of element (the KPI tiles, one chart; tables, editors and downloads in tabs or `st.fragment`s
opened on demand), the filters' widgets in one form, and a measurement of the page's element tree per
page in this benchmark, so that each kind of element added shows its cost.
"""


START_MARK, END_MARK = "<!-- bench.run: start -->", "<!-- bench.run: end -->"


def _write_section(path: Path, section: str) -> None:
    """Replace this benchmark's part of RESULTS.md (between the markers), keeping what other
    benchmarks wrote there (bench/lifecycle_bench.py appends its own sections)."""
    block = f"{START_MARK}\n{section}{END_MARK}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START_MARK in old and END_MARK in old:
        before, rest = old.split(START_MARK, 1)
        after = rest.split(END_MARK, 1)[1].lstrip("\n")
        text = before + block + ("\n" + after if after else "")
    else:
        text = block + ("\n" + old if old else "")
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="full", help="full, tiny (0.001) or a fraction such as 0.1")
    parser.add_argument("--work", default="/tmp/dashboard-bench", help="scratch folder (a few GB at full scale)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    scale = {"full": 1.0, "tiny": 0.001}.get(args.scale) or float(args.scale)
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    info = machine()
    print(f"machine: {info}")
    db = work / "large.duckdb"
    started = time.perf_counter()
    counts = generate.generate(db, scale)
    gen_seconds = time.perf_counter() - started
    info["demo_files"] = _demo_files_seconds(work / "demo_files")
    imp = bench_import(work, max(1000, int(1_000_000 * scale)), args.import_runs, print)
    pages = bench_pages(db, work, args.runs, print)
    browser = None
    if not args.no_browser:
        from bench import browser as real_browser

        demo = work / "demo.duckdb"
        browser = {"floor": real_browser.measure_floor(str(work / "floor.duckdb")),
                   "demo": real_browser.measure(str(demo), PAGES), "large": real_browser.measure(str(db), PAGES)}
        print(f"  browser: {browser}")
    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    write_results(Path(args.out), command.strip(), info, scale, counts, gen_seconds, imp, pages, browser)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
