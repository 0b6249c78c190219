"""Interpret an ExportSpec over a table of text cells: find the header, map and parse every cell.

The result is canonical rows (dicts keyed by canonical column) plus explicit skips, each naming the
file, the row and the column, so partial success is never silent.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dashboard.ingest import values as v
from dashboard.ingest.read import Table
from dashboard.ingest.spec import (
    ExportSpec,
    Field,
    column_names,
    header_positions,
    normalise_header,
    resolve_field,
    spec_score,
)
from dashboard.store.schema import CANONICAL

HEADER_SEARCH_ROWS = 30
_TOTAL_LABELS = {"total", "totals", "合计", "总计", "累计", "汇总", "总计:"}
_DESCRIPTION = re.compile(r"^(lifetime|daily|weekly|28 days|monthly)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class ImportContext:
    file_name: str
    tz: ZoneInfo
    today: date
    now: datetime  # UTC; the time metrics were read when an export does not say
    account: str | None = None  # the account the user named for files that do not say
    salt: str | None = None  # pseudonymise user ids with this workspace salt (None: keep them)


@dataclass(frozen=True)
class Issue:
    """A skipped row or a warning: an i18n code, where it happened, and message parameters."""

    code: str
    source: str
    line: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Normalised:
    spec: ExportSpec
    table: Table
    header_line: int
    rows: list[dict[str, Any]]
    rows_read: int
    skipped: list[Issue]
    warnings: list[Issue]
    accounts: set[str]
    # bulk.py: the rows that needed no interpreter, typed as their table (plus `__line`); `rows`
    # then holds only the others
    frame: Any = None


def find_header(table: Table, specs: list[ExportSpec], file_name: str) -> tuple[ExportSpec, int] | None:
    """The best (spec, header row index) among the first rows of a table, or None. A spec for files
    without a header row is tried only when no header matched (its header index is 0)."""
    best: tuple[int, ExportSpec, int] | None = None
    headed = [spec for spec in specs if not spec.headerless]
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        above = table.rows[:index]  # a spec may require a title line above its header
        for spec in headed:
            score = spec_score(spec, row, file_name, table.sheet, above)
            if score and (best is None or score > best[0]):
                best = (score, spec, index)
    if best:
        return best[1], best[2]
    return next(((spec, 0) for spec in specs if spec.headerless and _headerless_fits(table, spec, file_name)), None)


HEADERLESS_SAMPLE = 5


def with_column_names(table: Table) -> Table:
    """A table without a header row, with 'Column 1' .. 'Column N' put above its first row."""
    width = max((len(row) for row in table.rows), default=0)
    return Table(table.source, table.sheet, [column_names(width), *table.rows], [0, *table.line_numbers],
                 table.encoding, table.delimiter)


def _headerless_fits(table: Table, spec: ExportSpec, file_name: str) -> bool:
    """A mapping for header-less files fits a table of its width whose first rows all parse with it
    (a header row would not: 'date' is not a date)."""
    widths = [len(row) for row in table.rows[:HEADERLESS_SAMPLE]]
    if not widths or max(widths) != len(spec.signature):
        return False
    if not spec_score(spec, column_names(len(spec.signature)), file_name, table.sheet):
        return False
    sample = Table(table.source, table.sheet, table.rows[:HEADERLESS_SAMPLE], table.line_numbers[:HEADERLESS_SAMPLE],
                   table.encoding, table.delimiter)
    ctx = ImportContext(file_name=file_name, tz=ZoneInfo("UTC"), today=date(9000, 1, 1), now=datetime.now(UTC))
    result = normalise(sample, spec, 0, ctx)
    return not result.skipped and len(result.rows) == len(sample.rows)


# -- value parsing ------------------------------------------------------------------------------

def _parse(spec_field: Field, raw: str, spec: ExportSpec, ctx: ImportContext) -> Any:
    kind = spec_field.parse
    if spec_field.extract and not v.is_missing(raw):
        match = re.search(spec_field.extract, str(raw))
        raw = "" if match is None else match.group(1) if match.re.groups else match.group(0)
    if kind == "text":
        return v.clean_text(raw)
    if kind == "first_line":  # a title from a caption that holds title and body (Douyin 作品名称)
        text = v.clean_text(raw)
        return text.split("\n", 1)[0].strip() if text else None
    if kind == "id":
        return None if v.is_missing(raw) else raw.strip().lstrip("'")
    if kind == "int":
        if spec_field.scale == 1.0:
            return v.parse_int(raw, decimal=spec.decimal)
        value = v.parse_number(raw, decimal=spec.decimal)
    elif kind == "number":
        value = v.parse_number(raw, decimal=spec.decimal)
    elif kind in ("fraction", "percent", "rate"):
        value = v.parse_rate(raw, scale={"rate": "auto"}.get(kind, kind), decimal=spec.decimal)
    elif kind == "money":
        return v.parse_money(raw, decimal=spec.decimal)
    elif kind == "duration":
        value = v.parse_duration_s(raw)
    elif kind == "datetime":
        return v.parse_datetime(raw, ctx.tz, day_first=spec.day_first)
    elif kind == "date":
        return v.parse_date(raw, day_first=spec.day_first)
    elif kind == "bool":
        return v.parse_bool(raw)
    elif kind == "map":
        text = v.clean_text(raw)
        if text is None:
            return None
        mapping = {normalise_header(k): val for k, val in (spec_field.mapping or {}).items()}
        return mapping.get(normalise_header(text), spec_field.default or "other")
    else:  # pragma: no cover - Field validates parser names
        raise ValueError(kind)
    return None if value is None else value * spec_field.scale


def _combine(parsed: list[Any]) -> Any:
    present = [p for p in parsed if p is not None]
    return sum(present) if present else None


# -- the interpreter ----------------------------------------------------------------------------

def normalise(table: Table, spec: ExportSpec, header_index: int, ctx: ImportContext) -> Normalised:
    if spec.headerless:
        table, header_index = with_column_names(table), 0
    header = table.rows[header_index]
    positions = header_positions(header)
    fields = {name: resolve_field(f, positions) for name, f in spec.columns.items()}
    fields = {name: found for name, found in fields.items() if found}
    source = table.source + (f" [{table.sheet}]" if table.sheet else "")
    out = Normalised(spec, table, table.line_numbers[header_index], [], 0, [], [], set())
    preamble = table.rows[:header_index]

    data = list(zip(table.line_numbers[header_index + 1:], table.rows[header_index + 1:], strict=True))
    if data and _is_description_row(data[0][1]):
        data = data[1:]

    totals = censored = filtered = 0
    keep = [(positions[normalise_header(h)], {normalise_header(x) for x in allowed})
            for h, allowed in spec.keep_rows.items() if normalise_header(h) in positions]
    blank_total = [f for f in spec.blank_means_total if f in fields]  # only names the header carries
    parsed_rows: list[tuple[int, dict[str, Any]]] = []
    for line, cells in data:
        if keep and not all(normalise_header(cells[i] if i < len(cells) else "") in ok for i, ok in keep):
            filtered += 1
            continue
        if _is_total_row(cells):
            totals += 1
            continue
        row, issue = _parse_row(spec, fields, cells, header, ctx, source, line)
        if issue is not None:
            out.skipped.append(issue)
            continue
        censored += row.pop("__censored", 0)
        if blank_total and all(row.get(f) in (None, "") for f in blank_total):
            totals += 1
            continue
        parsed_rows.append((line, row))
    out.rows_read = len(data)

    _resolve_yearless(parsed_rows, spec, ctx)
    date_range = _preamble_range(preamble, ctx) if spec.range_from_preamble else None
    if date_range is None and spec.range_from_file_name:
        date_range = _file_name_range(ctx.file_name)
    as_of = _file_as_of(ctx)
    empty = 0
    for line, row in parsed_rows:
        issue = _finish_row(row, spec, ctx, source, line, date_range, as_of)
        if issue is not None and issue.code == "missing_key" and _is_placeholder(row, spec):
            empty += 1  # X writes all-zero rows with no id ('.../status/undefined'): not data
            continue
        if issue is not None:
            found = fields.get(issue.column or "")
            if found:  # name the column as the file names it
                issue = Issue(issue.code, issue.source, issue.line, header[found[0][0]], issue.params)
            out.skipped.append(issue)
            continue
        row["__line"] = line
        out.rows.append(row)
        if row.get("account"):
            out.accounts.add(row["account"])

    if spec.sum_duplicates and spec.table:
        before = len(out.rows)
        out.rows = _sum_duplicates(out.rows, CANONICAL[spec.table].key)
        if len(out.rows) < before:
            out.warnings.append(Issue("duplicates_summed", source, params={"count": before - len(out.rows)}))
    if filtered:
        out.warnings.append(Issue("rows_filtered", source, params={
            "count": filtered, "columns": ", ".join(spec.keep_rows)}))
    if totals:
        out.warnings.append(Issue("totals_dropped", source, params={"count": totals}))
    if empty:
        out.warnings.append(Issue("empty_rows_dropped", source, params={"count": empty}))
    if censored:
        out.warnings.append(Issue("censored_values", source, params={"count": censored}))
    unmapped = [h for h in header if h and not _header_used(h, fields)]
    if spec.table and unmapped:
        shown = ", ".join(unmapped[:8]) + (", …" if len(unmapped) > 8 else "")
        out.warnings.append(Issue("columns_ignored", source, params={"count": len(unmapped), "columns": shown}))
    return out


def _sum_duplicates(rows: list[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows with one key (a report segmented by device) become one: numbers add up, text keeps the first."""
    merged: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        into = merged.setdefault(tuple(row.get(k) for k in key), row)
        if into is row:
            continue
        for name, value in row.items():
            old = into.get(name)
            if name.startswith("__") or value is None:
                continue
            if old is None:
                into[name] = value
            elif _is_number(old) and _is_number(value):
                into[name] = old + value
    return list(merged.values())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_placeholder(row: dict[str, Any], spec: ExportSpec) -> bool:
    """A row with no key whose mapped values are all empty or zero."""
    fixed = {"platform", "account", "channel", "url", "metrics_as_of", *spec.constants, *spec.templates}
    return all(value in (None, "", 0) for name, value in row.items() if name not in fixed)


def _header_used(header: str, fields: dict[str, list[tuple[int, str]]]) -> bool:
    name = normalise_header(header)
    return any(name == h for found in fields.values() for _, h in found)


def _is_total_row(cells: list[str]) -> bool:
    firsts = [c.strip() for c in cells[:2]]
    return any(c.casefold() in _TOTAL_LABELS or c.casefold().startswith("total:") for c in firsts)


def _is_description_row(cells: list[str]) -> bool:
    """Legacy Facebook exports put 'Lifetime: The number of …' descriptions under the header."""
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(_DESCRIPTION.match(c.strip()) for c in filled)


def _parse_row(spec: ExportSpec, fields: dict[str, list[tuple[int, str]]], cells: list[str],
               header: list[str], ctx: ImportContext, source: str, line: int
               ) -> tuple[dict[str, Any], Issue | None]:
    row: dict[str, Any] = {}
    censored = 0
    for name, found in fields.items():
        spec_field = spec.columns[name]
        parsed = []
        for index, _ in found:
            raw = cells[index] if index < len(cells) else ""
            try:
                parsed.append(_parse(spec_field, raw, spec, ctx))
            except v.Censored:
                censored += 1
                parsed.append(None)
            except v.CellError as exc:
                return row, Issue(exc.code, source, line, header[index], {"value": raw[:60], **exc.params})
        if spec_field.parse == "money":
            amount, currency = parsed[0]
            row[name] = amount
            row.setdefault("__currency", currency or v.currency_from_header(header[found[0][0]]))
        elif spec_field.combine == "sum":
            row[name] = _combine(parsed)
        elif spec_field.combine == "longest":
            row[name] = _longest(parsed)
        else:
            row[name] = parsed[0]
    row["__censored"] = censored
    return row, None


def _longest(parsed: list[Any]) -> Any:
    present = [p for p in parsed if p not in (None, "")]
    return max(present, key=lambda p: len(str(p))) if present else None


def _resolve_yearless(rows: list[tuple[int, dict[str, Any]]], spec: ExportSpec, ctx: ImportContext) -> None:
    """TikTok Studio prints 'February 28' with no year: infer it from the order and the anchor."""
    names = {n for _, r in rows for n, val in r.items() if isinstance(val, v.PartialDate)}
    for name in sorted(names, key=lambda n: n in spec.anchors):  # anchors resolve first
        anchor_field = spec.anchors.get(name)
        if anchor_field:
            for _, row in rows:
                if isinstance(row[name], v.PartialDate):
                    anchor = _as_date(row.get(anchor_field)) or ctx.today
                    row[name] = _with_time(v.resolve_partial(row[name], anchor), row[name], spec, ctx)
            continue
        partials = [row[name] for _, row in rows]
        ordered = [p if isinstance(p, v.PartialDate | date) else None for p in partials]
        newest_first = _newest_first(ordered)
        years = v.infer_years(ordered[::-1] if newest_first else ordered, ctx.today)
        years = years[::-1] if newest_first else years
        for (_, row), resolved, original in zip(rows, years, partials, strict=True):
            if isinstance(original, v.PartialDate):
                row[name] = _with_time(resolved, original, spec, ctx)


def _newest_first(values: list[Any]) -> bool:
    """Trend sheets list days newest first; infer_years walks oldest first."""
    keys = [(x.month, x.day) for x in values if x is not None]
    pairs = list(zip(keys, keys[1:], strict=False))
    return sum(a > b for a, b in pairs) > len(pairs) / 2


def _with_time(day: date | None, partial: v.PartialDate, spec: ExportSpec, ctx: ImportContext) -> Any:
    if day is None or not (partial.hour or partial.minute or partial.second):
        return day
    local = datetime(day.year, day.month, day.day, partial.hour, partial.minute, partial.second, tzinfo=ctx.tz)
    return local.astimezone(UTC)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _preamble_range(preamble: list[list[str]], ctx: ImportContext) -> tuple[date, date] | None:
    for row in preamble:
        for cell in row:
            parts = re.split(r"\s+[-–]\s+", cell.strip())
            if len(parts) == 2:
                try:
                    start, end = v.parse_date(parts[0]), v.parse_date(parts[1])
                except v.CellError:
                    continue
                if isinstance(start, date) and isinstance(end, date):
                    return start, end
    return None


_NAME_DATES = re.compile(r"(\d{4})[-._](\d{2})[-._](\d{2})|([A-Z][a-z]{2})-(\d{1,2})-(\d{4})")
_COMPACT_NAME_DATE = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")


def _file_name_range(file_name: str) -> tuple[date, date] | None:
    """'素材报表_2026-03-01_2026-03-07.xlsx', 'Report(20260301-20260307).csv': the period a report covers."""
    found = _name_dates(file_name)
    if not found:
        found = []
        for match in _COMPACT_NAME_DATE.finditer(file_name):
            try:
                found.append(date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
            except ValueError:
                continue
    if not found:
        return None
    start, end = found[0], found[1] if len(found) > 1 else found[0]
    return (start, end) if start <= end else None


def _file_as_of(ctx: ImportContext) -> datetime:
    """Exports often carry their period in the file name; its end is when the metrics were read."""
    found = _name_dates(ctx.file_name)
    plausible = [d for d in found if d <= ctx.today]
    if plausible:
        end = max(plausible)
        return datetime(end.year, end.month, end.day, 23, 59, 59, tzinfo=ctx.tz).astimezone(UTC)
    return ctx.now


def _name_dates(file_name: str) -> list[date]:
    found: list[date] = []
    for match in _NAME_DATES.finditer(file_name):
        try:
            if match.group(1):
                found.append(date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
            else:
                parsed = v.parse_date(f"{match.group(4)} {match.group(5)}, {match.group(6)}")
                if isinstance(parsed, date):
                    found.append(parsed)
        except (ValueError, v.CellError):
            continue
    return found


def _finish_row(row: dict[str, Any], spec: ExportSpec, ctx: ImportContext, source: str, line: int,
                date_range: tuple[date, date] | None, as_of: datetime) -> Issue | None:
    currency = row.pop("__currency", None)
    table = CANONICAL[spec.table] if spec.table else None
    for name, value in spec.constants.items():
        row.setdefault(name, value)
    if currency and not row.get("currency") and table and "currency" in table.columns:
        row["currency"] = currency
    row["platform"] = row.get("platform") or spec.platform
    if table is None:
        return None
    if date_range:
        row.setdefault("date_start", date_range[0])
        row.setdefault("date_end", date_range[1])
    for name, sql_type in table.columns.items():
        value = row.get(name)
        if sql_type == "DATE" and isinstance(value, datetime):
            row[name] = value.date()
        elif sql_type == "TIMESTAMPTZ" and isinstance(value, date) and not isinstance(value, datetime):
            # a date-only cell means local midnight in the workspace time zone
            row[name] = datetime(value.year, value.month, value.day, tzinfo=ctx.tz).astimezone(UTC)
    if spec.table == "ad_stats":
        row.setdefault("date_end", row.get("date_start"))
        row["channel"] = row.get("channel") or spec.platform
    for name, template in spec.templates.items():
        if row.get(name) is None:
            try:
                row[name] = template.format(**row)
            except (KeyError, IndexError):
                pass
    if not row.get("account"):
        row["account"] = _account_from_url(spec, row) or _account_from_file(spec, ctx) or ctx.account or "main"
    if spec.table == "posts":
        # a stable id from the fields that name the post; a row with none of them names no post
        if spec.key_from and not row.get("post_id") and any(row.get(k) for k in spec.key_from):
            basis = "|".join(str(row.get(k) or "") for k in (spec.platform, *spec.key_from))
            row["post_id"] = "k:" + hashlib.sha1(basis.encode()).hexdigest()[:16]
        row["metrics_as_of"] = row.get("metrics_as_of") or as_of
    if spec.table == "events" and ctx.salt and row.get("user_id"):
        row["user_id"] = pseudonym(ctx.salt, str(row["user_id"]))
    if spec.table == "events" and not row.get("event_key") and any(
            row.get(k) for k in ("user_id", "occurred_at", "event_type")):
        basis = "|".join(str(row.get(k) or "") for k in ("user_id", "occurred_at", "event_type", "channel", "revenue"))
        row["event_key"] = "h:" + hashlib.sha1(basis.encode()).hexdigest()[:20]
    for key in table.key:
        if row.get(key) in (None, ""):
            if table.columns[key] == "VARCHAR" and key in ("campaign", "ad_group", "ad"):
                row[key] = ""
                continue
            return Issue("missing_key", source, line, key)
    return _future_check(row, ctx, source, line)


PSEUDONYM_LENGTH = 20  # hex digits of sha256 kept: 80 bits, no collision among millions of users


def pseudonym(salt: str, user_id: str) -> str:
    """A stable stand-in for a user id: sha256(salt + id), hex, truncated. Without the workspace
    salt it cannot be traced back to the id, yet the same user always gets the same pseudonym."""
    return hashlib.sha256((salt + user_id).encode("utf-8")).hexdigest()[:PSEUDONYM_LENGTH]


def _account_from_url(spec: ExportSpec, row: dict[str, Any]) -> str | None:
    if spec.account_pattern and row.get("url"):
        match = re.search(spec.account_pattern, row["url"])
        if match:
            return match.group(1)
    return None


def _account_from_file(spec: ExportSpec, ctx: ImportContext) -> str | None:
    """'<page>_content_<ms>.xls', 'Facebook Insights Data Export - <Page> - <from> - <to>.csv'."""
    if spec.account_from_file:
        match = re.search(spec.account_from_file, ctx.file_name.rsplit("/", 1)[-1], re.IGNORECASE)
        if match and match.group(1).strip():
            return match.group(1).strip()
    return None


def _future_check(row: dict[str, Any], ctx: ImportContext, source: str, line: int) -> Issue | None:
    limit = ctx.today + timedelta(days=2)
    for name, value in row.items():
        day = _as_date(value)
        if day is not None and day > limit and name != "date_end":
            return Issue("future_date", source, line, name, {"value": day.isoformat()})
    return None
