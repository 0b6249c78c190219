"""python -m dashboard ... (DESIGN.md section 7): the same functions the pages call."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC

from dashboard.i18n import describe_issue, t
from dashboard.store.db import StoreError, open_store


def _import(args: argparse.Namespace) -> int:
    from dashboard.ingest.pipeline import import_paths

    store = open_store(args.db)
    results = import_paths(store, args.files, account=args.account, pseudonymise=args.pseudonymise or None)
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


def _lifecycle(args: argparse.Namespace) -> int:
    from datetime import date, datetime

    from dashboard.metrics.lifecycle import FLOWS, event_span, flows, params_from_settings, stage_snapshot

    store = open_store(args.db)
    params = params_from_settings(store)
    first, last = event_span(store, params.tz)
    try:
        end = date.fromisoformat(args.end) if args.end else last or datetime.now(UTC).date()
        start = date.fromisoformat(args.start) if args.start else first or end
        if end < start:
            raise ValueError("end before start")
    except ValueError:
        print(t("cli.bad_period", args.lang, start=args.start, end=args.end), file=sys.stderr)
        return 2
    frame = flows(store, params, args.period, start, end)
    stages = stage_snapshot(store, params, end)
    payload = {
        "period": args.period, "start": start.isoformat(), "end": end.isoformat(), "timezone": params.tz,
        "thresholds": params.thresholds(),
        "flows": [{**row, "period_start": row["period_start"].isoformat()} for row in frame.iter_rows(named=True)],
        "stages": {"as_of": end.isoformat(), "total": int(stages["users"].sum()),
                   **{r["stage"]: {"users": r["users"], "share": r["share"]} for r in stages.iter_rows(named=True)}},
    }
    if args.json:
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(f"{'period_start':12}" + "".join(f"{c:>13}" for c in (*FLOWS, "active")))
        for row in payload["flows"]:
            print(f"{row['period_start']:12}" + "".join(f"{row[c]:>13}" for c in (*FLOWS, "active")))
        for stage in stages.iter_rows(named=True):
            share = "—" if stage["share"] is None else f"{stage['share']:.1%}"
            print(f"{stage['stage']:12}{stage['users']:>13}{share:>13}")
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
    p_import.add_argument("--pseudonymise", action="store_true",
                          help="store user ids hashed with the workspace salt (default: the workspace setting)")
    p_import.set_defaults(run=_import)

    p_kpis = sub.add_parser("kpis", parents=[common], help="KPIs for a period and the previous one")
    p_kpis.add_argument("--start", required=True, help="YYYY-MM-DD")
    p_kpis.add_argument("--end", required=True, help="YYYY-MM-DD")
    p_kpis.add_argument("--platform", action="append", help="limit to a platform (repeatable)")
    p_kpis.set_defaults(run=_kpis)

    p_life = sub.add_parser("lifecycle", parents=[common], help="user lifecycle flows per period and stages now")
    p_life.add_argument("--period", choices=["day", "week", "month"], default="week")
    p_life.add_argument("--start", help="YYYY-MM-DD (default: the first day with events)")
    p_life.add_argument("--end", help="YYYY-MM-DD (default: the last day with events); stages are as of this day")
    p_life.set_defaults(run=_lifecycle)

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
