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


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dashboard.report import ReportError, file_name, kpi_csv, report_html, report_pdf
    from dashboard.review import BadWeek, parse_week, weekly_review

    try:
        week = parse_week(args.week)[0] if args.week else None
    except BadWeek:
        print(t("cli.bad_week", args.lang, week=args.week), file=sys.stderr)
        return 2
    review = weekly_review(open_store(args.db), week, args.lang)
    out = Path(args.out) if args.out else Path(file_name(review, "html"))
    written = {"week": review.iso_week, "start": review.start.isoformat(), "end": review.end.isoformat(),
               "html": str(out), "pdf": None, "csv": None, "error": None}
    text = report_html(review)
    try:
        out.write_text(text, encoding="utf-8")
        if args.csv:
            Path(args.csv).write_bytes(kpi_csv(review))
            written["csv"] = args.csv
    except OSError as exc:
        print(t("review.error.cannot_write", args.lang, path=exc.filename or out, reason=exc.strerror or exc),
              file=sys.stderr)
        return 1
    code = 0
    if args.pdf:
        try:
            Path(args.pdf).write_bytes(report_pdf(text))
            written["pdf"] = args.pdf
        except ReportError as exc:
            written["error"] = t(f"review.error.{exc.code}", args.lang, **exc.params)
            print(written["error"], file=sys.stderr)
            code = 1
        except OSError as exc:
            written["error"] = t("review.error.cannot_write", args.lang, path=args.pdf, reason=exc.strerror or exc)
            print(written["error"], file=sys.stderr)
            code = 1
    if args.json:
        print(json.dumps(written, ensure_ascii=False))
    else:
        for path in (written["html"], written["pdf"], written["csv"]):
            if path:
                print(t("cli.report_written", args.lang, week=review.iso_week, path=path))
    return code


def _export(args: argparse.Namespace) -> int:
    from dashboard.store.parquet import export_parquet

    manifest = export_parquet(open_store(args.db), args.parquet)
    summary = {"path": args.parquet, "tables": len(manifest["tables"]), "rows": sum(manifest["tables"].values())}
    print(json.dumps({**summary, "counts": manifest["tables"]}) if args.json else t("cli.exported", args.lang, **summary))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from dashboard.store.parquet import restore_parquet

    loaded = restore_parquet(open_store(args.db), args.parquet)
    summary = {"path": args.parquet, "tables": len(loaded), "rows": sum(loaded.values())}
    print(json.dumps({**summary, "counts": loaded}) if args.json else t("cli.restored", args.lang, **summary))
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

    p_export = sub.add_parser("export", parents=[common], help="write every table as Parquet (backup, other engines)")
    p_export.add_argument("--parquet", required=True, metavar="DIR", help="folder for <table>.parquet + manifest.json")
    p_export.set_defaults(run=_export)

    p_restore = sub.add_parser("restore", parents=[common], help="load a Parquet backup into an empty store")
    p_restore.add_argument("--parquet", required=True, metavar="DIR", help="folder written by `export --parquet`")
    p_restore.set_defaults(run=_restore)

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

    p_report = sub.add_parser("report", parents=[common], help="the weekly review of an ISO week as HTML (PDF, CSV)")
    p_report.add_argument("--week", help="ISO week YYYY-Www, e.g. 2026-W47 (default: the last complete week)")
    p_report.add_argument("--out", help="HTML file to write (default: weekly-review-<week>-<lang>.html)")
    p_report.add_argument("--pdf", help="also print the report to this PDF file (needs Chromium)")
    p_report.add_argument("--csv", help="also write the KPI table to this CSV file")
    p_report.set_defaults(run=_report)

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
