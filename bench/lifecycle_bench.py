"""Lifecycle benchmark: generate a large event log (fixed seed) and time every lifecycle query.

    .venv/bin/python bench/lifecycle_bench.py --events 10000000 --users 1000000
    .venv/bin/python bench/lifecycle_bench.py --events 2000000 --users 200000 --out bench/RESULTS.md

The log is made inside DuckDB from hashes of the row number and the seed, so the same arguments
give the same rows on any machine (same DuckDB version). Every user signs up once (their first
event, with their acquisition channel); the other events go to users with a skew (a few heavy users,
a long tail), each within the user's own active life after signing up and front-loaded, as real
activity is. About 4% of the other events are purchases with revenue. The workspace time zone is
Asia/Shanghai, so every query converts times the way a Chinese workspace does.

The derived tables (metrics/lifecycle.py, ensure_activity) are rebuilt first and timed
on their own: a real workspace pays that once after each import. Then each query runs twice: cold
(first call after opening the store) and warm (the second call). Results are appended to the --out
Markdown file with the command, the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import duckdb  # noqa: E402

from dashboard.export import csv_bytes  # noqa: E402
from dashboard.metrics import lifecycle as lc  # noqa: E402
from dashboard.metrics import memo  # noqa: E402
from dashboard.settings import set_setting  # noqa: E402
from dashboard.store.db import Store  # noqa: E402

CHANNELS = ["xiaohongshu", "douyin", "wechat", "organic", "google_ads", "meta_ads", "tiktok", "instagram"]
# event type by the share of the non-signup events (purchase ~4%)
TYPES = [("view_product", 0.30), ("like", 0.22), ("message", 0.12), ("comment", 0.10), ("check_in", 0.10),
         ("add_to_cart", 0.08), ("join_group", 0.04), ("purchase", 0.04)]
START = date(2024, 11, 25)  # a Monday


def _type_case(r: str) -> str:
    branches, edge = [], 0.0
    for name, share in TYPES[:-1]:
        edge += share
        branches.append(f"WHEN {r} < {edge:.6f} THEN '{name}'")
    return f"CASE {' '.join(branches)} ELSE '{TYPES[-1][0]}' END"


def generate(store: Store, events: int, users: int, days: int, seed: int) -> float:
    """Insert the log into the store's events table; returns seconds taken."""
    def rnd(expr: str, salt: int) -> str:  # uniform in [0, 1) from a hash: deterministic, thread-proof
        return f"(hash({expr}, {seed}, {salt}) % 1000000007) / 1000000007.0"

    started = time.perf_counter()
    channel_list = "[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
    with store.write() as cur:
        cur.run(f"""CREATE TEMP TABLE bench_users AS
            SELECT u, CAST(floor({rnd('u', 1)} * {days}) AS INTEGER) AS signup_day,
                   -- active life: exponential with a 45-day mean, a few users for good
                   least({days}, CAST(1 - 45 * ln(1 - {rnd('u', 2)}) AS INTEGER)) AS life_days,
                   list_extract({channel_list}, CAST(floor(pow({rnd('u', 3)}, 1.3) * {len(CHANNELS)}) AS INTEGER) + 1)
                       AS channel
            FROM range({users}) t(u)""")
        cur.run(f"""INSERT INTO events (event_key, user_id, occurred_at, event_type, channel, revenue, currency,
                                        quantity, properties, import_id)
            WITH picked AS (
                SELECT i, CASE WHEN i < {users} THEN i
                               ELSE CAST(floor(pow({rnd('i', 4)}, 2.0) * {users}) AS BIGINT) END AS u
                FROM range({events}) t(i))
            SELECT 'b' || p.i, 'U' || lpad(CAST(p.u AS VARCHAR), 8, '0'),
                   TIMESTAMPTZ '{START.isoformat()} 00:00:00+08' + to_days(least({days} - 1, b.signup_day
                       + CASE WHEN p.i < {users} THEN 0
                              ELSE CAST(floor(pow({rnd('i', 5)}, 2.5) * b.life_days) AS INTEGER) END))
                       + to_minutes(CAST(floor({rnd('i', 6)} * 1440) AS INTEGER)),
                   CASE WHEN p.i < {users} THEN 'signup' ELSE {_type_case(rnd('i', 7))} END AS event_type,
                   b.channel, NULL, NULL, NULL, NULL, 'bench'
            FROM picked p JOIN bench_users b USING (u)""")
        cur.run(f"UPDATE events SET revenue = round(19 + 380 * {rnd('event_key', 8)}, 2), currency = 'CNY', "
                f"quantity = 1 WHERE event_type = 'purchase'")
        cur.run("DROP TABLE bench_users")
    return time.perf_counter() - started


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    memo.clear()  # each query on its own: the funnels and the channel comparison share one kept result
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}")


def run(args: argparse.Namespace) -> str:
    path = Path(args.db)
    for leftover in (path, Path(str(path) + ".wal")):
        leftover.unlink(missing_ok=True)
    store = Store(path)
    set_setting(store, "timezone", "Asia/Shanghai")
    generated = generate(store, args.events, args.users, args.days, args.seed)
    store.close()
    size_mb = path.stat().st_size / 1024 / 1024

    store = Store(path)  # reopen: cold caches, as after a restart
    params = lc.params_from_settings(store)
    load_before = os.getloadavg()[0]
    rebuild, _ = _timed(lambda: lc.ensure_activity(store, params.tz))
    print(f"{'derived tables rebuilt':45} {rebuild:6.2f} s", flush=True)
    first, last = lc.event_span(store, params.tz)
    activity_rows = store.scalar("SELECT count(*) FROM lifecycle_activity")
    stored = store.scalar("SELECT count(*) FROM events")
    people = store.scalar("SELECT count(DISTINCT user_id) FROM events")
    last90 = last - timedelta(days=89)
    queries: list[tuple[str, Callable[[], object]]] = [
        ("page helpers: span, event types, channels", lambda: (lc.event_span(store, params.tz), lc.event_types(store),
                                                             lc.channels(store))),
        ("flows, week, whole span", lambda: lc.flows(store, params, "week", first, last)),
        ("flows, month, whole span", lambda: lc.flows(store, params, "month", first, last)),
        ("flows, day, last 90 days", lambda: lc.flows(store, params, "day", last90, last)),
        ("stage snapshot", lambda: lc.stage_snapshot(store, params, last)),
        ("funnel, overall, last 90 days", lambda: lc.funnel(store, params, last90, last)),
        ("funnel by channel", lambda: lc.funnel(store, params, last90, last, by="channel")),
        ("funnel by weekly cohort", lambda: lc.funnel(store, params, last90, last, by="cohort")),
        ("channel comparison", lambda: lc.channel_comparison(store, params, last90, last)),
        ("cohorts, week, 'on', last 90 days", lambda: lc.cohort_retention(store, params, "week", last90, last)),
        ("cohorts, week, 'on or after'",
         lambda: lc.cohort_retention(store, params, "week", last90, last, "on_or_after")),
        ("cohorts, month, whole span", lambda: lc.cohort_retention(store, params, "month", first, last)),
        ("repeat purchase + revenue, week cohorts", lambda: lc.cohort_revenue(store, params, "week", last90, last)),
        ("DAU/WAU/MAU, last 90 days", lambda: lc.active_users(store, params, last90, last)),
        ("user list: churned (+ CSV)", lambda: csv_bytes(lc.stage_users(store, params, last, "churned"))),
        ("user list: converted (+ CSV)",
         lambda: csv_bytes(lc.funnel_users(store, params, last90, last, "converted"))),
    ]
    # what the Lifecycle page asks for on a first open (daily flows, last 90 days)
    page = {"page helpers: span, event types, channels", "stage snapshot", "flows, day, last 90 days", "DAU/WAU/MAU, last 90 days", "funnel, overall, last 90 days",
            "cohorts, week, 'on', last 90 days", "repeat purchase + revenue, week cohorts", "channel comparison"}
    rows, page_total = [], 0.0
    for name, fn in queries:
        cold, result = _timed(fn)
        warm, _ = _timed(fn)
        size = len(result) if isinstance(result, bytes) else getattr(result, "height", "—")
        rows.append(f"| {name} | {cold:.2f} | {warm:.2f} | {size if not isinstance(result, bytes) else f'{size / 1e6:.1f} MB'} |")
        print(f"{name:45} cold {cold:6.2f} s   warm {warm:6.2f} s", flush=True)
        if name in page:
            page_total += cold
    load_after = os.getloadavg()[0]
    store.close()
    if not args.keep:
        path.unlink(missing_ok=True)
    command = "python bench/lifecycle_bench.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    return "\n".join([
        f"## {args.events:,} events, {args.users:,} users ({time.strftime('%Y-%m-%d')})",
        "",
        f"- Command: `{command}`",
        f"- Machine: {machine()}",
        f"- Log: {stored:,} events of {people:,} users, {first} to {last} (Asia/Shanghai), seed {args.seed}; "
        f"generated and stored in {generated:.1f} s; store file {size_mb:.0f} MB",
        f"- Derived tables (lifecycle_activity: {activity_rows:,} rows, one per user, day and event type; "
        f"lifecycle_users) rebuilt in {rebuild:.1f} s: paid once after each import, by the first lifecycle query.",
        f"- A first open of the Lifecycle page (the eight queries it makes, uncached, tables already built): "
        f"{page_total:.1f} s; afterwards the page reads them from its cache until the data changes.",
        f"- Machine load (1-minute load average) {load_before:.1f} before the queries, {load_after:.1f} after: "
        "other work shared the 2 cores, so times are upper bounds.",
        "",
        "| query | cold (s) | warm (s) | rows |",
        "|---|---:|---:|---:|",
        *rows,
        "",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730, help="span of the log in days")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--db", default="/tmp/lifecycle_bench.duckdb", help="store file (replaced)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"), help="Markdown file to append to")
    parser.add_argument("--keep", action="store_true", help="keep the store file")
    args = parser.parse_args()
    if args.users > args.events:
        parser.error("--users cannot exceed --events (every user signs up once)")
    section = run(args)
    out = Path(args.out)
    if not out.exists():
        out.write_text("# Lifecycle benchmark results\n\nMade by `bench/lifecycle_bench.py`; times in seconds, "
                       "each query run cold then warm on a fresh store.\n\n", encoding="utf-8")
    with out.open("a", encoding="utf-8") as handle:
        handle.write(section + "\n")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
