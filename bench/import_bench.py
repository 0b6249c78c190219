"""Import benchmark on its own: the importer next to DuckDB's read_csv (the floor), as bench/run.py
`bench_import` times them, alternating so that both see the same load on a shared machine.

    .venv/bin/python bench/import_bench.py --csv /tmp/x/posts.csv --rows 1000000 --runs 3
    .venv/bin/python bench/import_bench.py --csv /tmp/x/posts.csv --profile   # cProfile of one import
    .venv/bin/python bench/import_bench.py --csv /tmp/x/posts.csv --src /tmp/old/src   # another source tree

The CSV is generated (bench/generate.py, fixed seed) when it does not exist yet; the databases go
next to it and are deleted after each run. --src times the importer of another checkout's `src`
(say, the last commit's, from `git archive`) against the same floor.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SRC = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv[:-1] else str(ROOT / "src")
sys.path[:0] = [_SRC, str(ROOT)]  # before the imports below, so --src decides which importer runs

import duckdb  # noqa: E402

from bench import generate  # noqa: E402
from dashboard.ingest import pipeline  # noqa: E402
from dashboard.ingest.pipeline import FileResult, import_paths  # noqa: E402
from dashboard.settings import set_setting  # noqa: E402
from dashboard.store.db import Store  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process, all threads: steadier than wall time when others share the cores."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _remove(db: Path) -> None:
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()


def floor(csv_path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of DuckDB's read_csv into a fresh file database."""
    db = csv_path.with_name("floor.duckdb")
    _remove(db)
    con = duckdb.connect(str(db))
    started, cpu = time.perf_counter(), _cpu()
    con.execute(f"CREATE TABLE posts AS SELECT * FROM read_csv('{csv_path}')")
    con.execute("CHECKPOINT")
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    con.close()
    _remove(db)
    return seconds, cpu


def importer(csv_path: Path, profile: cProfile.Profile | None = None) -> tuple[float, float, FileResult]:
    """(wall, CPU) seconds of the importer into a fresh store, and its result."""
    db = csv_path.with_name("import.duckdb")
    _remove(db)
    store = Store(db)
    set_setting(store, "timezone", "Asia/Shanghai")
    os.environ["DASHBOARD_MAX_UPLOAD_MB"] = "100000"
    started, cpu = time.perf_counter(), _cpu()
    if profile:
        profile.enable()
    result = import_paths(store, [csv_path], today=generate.END, max_bytes=1 << 40)[0]
    store.rows("CHECKPOINT")
    if profile:
        profile.disable()
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    store.close()
    _remove(db)
    return seconds, cpu, result


def _outcome(result: FileResult) -> str:
    return f"{result.status}, {result.rows_inserted:,} inserted, {result.rows_skipped:,} skipped"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="one profiled import instead of timed runs")
    parser.add_argument("--src", help="the source tree whose dashboard package to time (read at import)")
    args = parser.parse_args()
    print(f"importer: {Path(pipeline.__file__).parents[2]}")
    if not args.csv.exists():
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        generate.write_posts_csv(args.csv, args.rows)
    if args.profile:
        profile = cProfile.Profile()
        seconds, cpu, result = importer(args.csv, profile)
        print(f"importer {seconds:.2f} s, CPU {cpu:.2f} s ({_outcome(result)}), profiled")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        return
    floors, ours, floor_cpus, our_cpus = [], [], [], []
    for k in range(args.runs):
        seconds, cpu = floor(args.csv)
        floors.append(seconds)
        floor_cpus.append(cpu)
        seconds, cpu, result = importer(args.csv)
        ours.append(seconds)
        our_cpus.append(cpu)
        print(f"run {k + 1}: floor {floors[-1]:.2f} s (CPU {floor_cpus[-1]:.2f}), importer {seconds:.2f} s "
              f"(CPU {cpu:.2f}; {_outcome(result)}), {seconds / floors[-1]:.2f}x", flush=True)
    f, o = statistics.median(floors), statistics.median(ours)
    fc, oc = statistics.median(floor_cpus), statistics.median(our_cpus)
    print(f"median of {args.runs}: floor {f:.2f} s, importer {o:.2f} s, ratio {o / f:.2f}x; "
          f"CPU floor {fc:.2f} s, importer {oc:.2f} s, ratio {oc / fc:.2f}x; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
