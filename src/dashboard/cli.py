"""python -m dashboard ... (DESIGN.md section 7): the same functions the pages call."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from dashboard.i18n import describe_issue, t
from dashboard.store.db import StoreError, open_store


def _import(args: argparse.Namespace) -> int:
    from dashboard.ingest.pipeline import import_paths

    store = open_store(args.db)
    results = import_paths(store, args.files, account=args.account)
    for result in results:
        line = result.to_json(lambda issue: describe_issue(issue, args.lang))
        if args.json:
            print(json.dumps(line, ensure_ascii=False, default=str))
        else:
            print(t("cli.import_line", args.lang, **{k: (v if v is not None else "—") for k, v in line.items()}))
            for message in ([line["error"]] if line["error"] else []) + line["warnings"]:
                print("   - " + message)
    return 1 if any(r.status == "failed" for r in results) else 0


def _demo(args: argparse.Namespace) -> int:
    from dashboard.demo import load_demo

    store = open_store(args.db)
    results = load_demo(store)
    failed = [r for r in results if r.status == "failed"]
    summary = {"files": len(results), "failed": len(failed),
               "rows_inserted": sum(r.rows_inserted for r in results)}
    print(json.dumps(summary) if args.json else t("cli.demo_loaded", args.lang, **summary))
    return 1 if failed else 0


def _kpis(args: argparse.Namespace) -> int:
    from datetime import date

    from dashboard.metrics.filters import Filters
    from dashboard.metrics.kpis import kpi_comparison
    from dashboard.settings import get_setting

    store = open_store(args.db)
    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
        filters = Filters(start, end, tuple(args.platform or ()), (), "day", get_setting(store, "timezone"),
                          get_setting(store, "engagement_denominator"))
    except ValueError:
        print(t("cli.bad_period", args.lang, start=args.start, end=args.end), file=sys.stderr)
        return 2
    both = kpi_comparison(store, filters)
    previous = filters.previous()
    payload = {"start": start.isoformat(), "end": end.isoformat(), "platforms": args.platform or [],
               "previous_start": previous.start.isoformat(), "previous_end": previous.end.isoformat(),
               "denominator": filters.denominator, "kpis": both["current"], "previous": both["previous"]}
    if args.json:
        print(json.dumps(payload, ensure_ascii=False))
    else:
        for key, value in both["current"].items():
            print(f"{key:32} {value!s:>16} {both['previous'][key]!s:>16}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Social Ops Dashboard")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="DuckDB file (default: $DASHBOARD_DB or data/dashboard.duckdb)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    common.add_argument("--lang", choices=["zh", "en"], default="en")
    sub = parser.add_subparsers(dest="command", required=True)

    p_import = sub.add_parser("import", parents=[common], help="import export files")
    p_import.add_argument("files", nargs="+")
    p_import.add_argument("--account", help="account name for files that do not say")
    p_import.set_defaults(run=_import)

    p_kpis = sub.add_parser("kpis", parents=[common], help="KPIs for a period and the previous one")
    p_kpis.add_argument("--start", required=True, help="YYYY-MM-DD")
    p_kpis.add_argument("--end", required=True, help="YYYY-MM-DD")
    p_kpis.add_argument("--platform", action="append", help="limit to a platform (repeatable)")
    p_kpis.set_defaults(run=_kpis)

    p_demo = sub.add_parser("demo", parents=[common], help="load the demo workspace")
    p_demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except StoreError as exc:
        print(t(f"issue.store_{exc.code}", args.lang, **exc.params), file=sys.stderr)
        return 2
