"""The weekly review (DESIGN.md section 6): one ISO week against the week before and the targets,
the week's best and worst posts, channel ROI, lifecycle flows, alerts, and the team's notes and
action items. No streamlit here; the Weekly review page, the report (report.py) and the CLI
(`python -m dashboard report`) all call `weekly_review`.

The week
- An ISO week label is 'YYYY-Www' (Monday to Sunday). Its days are workspace days (the `timezone`
  setting), like every period of the app; 'last week' is the ISO week before it.
- The default week is the last complete ISO week before today in the workspace zone (on a Monday
  that is the week that ended the day before; the current week never counts, it is not over).

KPI table (one row per metric and scope)
- Rows: the headline metrics (followers, growth, reach, engagement, posts, short videos), the
  comment metrics when comments are imported or targeted, the paid metrics when ads, costs or
  orders are imported or targeted, then one row per metric and platform/channel the team set a
  target for that the rows above do not cover already.
- this_week / last_week: the metric over each week (ratios are ratios of sums over the week);
  change = (this - last) / |last| (None when either is unknown or last is 0); for rates also
  change_points = this - last.
- target and status come from the targets module (`targets.target_status`) on the Sunday of the
  week: the target row that applies then, paced over its own period up to that day (a monthly
  target is judged month to date; a weekly one on the whole week).
- A missing value says why (reason codes, worded by the i18n catalogue under review.reason.*):
  no_data (nothing of the kind the metric needs - daily/post data, ad/cost/order data, comments -
  was imported for that week), not_reported (that data is there, but the platforms imported do
  not report this measure), nothing_to_measure (comment metrics: comments are there, but none to
  measure, such as no replied negative comment), no_target, not_started, unsupported.

Notes and action items (table `review_notes`, one row per ISO week; action_items is JSON)
- Validated with pydantic (ActionItem, WeekNotes); problems are `targets.RowError`s naming the row
  (1-based, as the table shows it) and the field; nothing is written when any is found.
- Last week's open items (not done, not carried yet) are shown as carried into this week, never
  copied silently: each can be marked done (in last week's list) or carried forward, which copies
  it into this week's list (carried_from = last week) and marks the original carried_to = this
  week, so it is no longer offered. Notes are not metrics: they are written without bumping the
  data version (the metric caches stay valid).
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from dashboard.alerts import ALERT_SCHEMA, alerts
from dashboard.forms import is_blank
from dashboard.metrics.content import count_posts, denominator_coverage, top_bottom
from dashboard.metrics.filters import Filters, iso_week_period
from dashboard.metrics.kpis import change, kpis, series
from dashboard.metrics.registry import METRICS
from dashboard.settings import get_setting, workspace_tz
from dashboard.store.db import Cursor, Store
from dashboard.targets import (
    RowError,
    UnsupportedMetric,
    actual_value,
    list_targets,
    metric_info,
    target_status,
)

# -- what the KPI table shows ---------------------------------------------------------------------

HEADLINE = ("followers_end", "followers_net", "follower_growth_rate", "impressions", "reach", "interactions",
            "engagement_rate", "posts", "short_videos")
COMMUNITY = ("negative_comment_share", "crisis_reply_minutes")
PAID = ("spend", "conversions", "roas", "roi")
TOP_N = 5
LIFECYCLE_WEEKS = 8  # weeks of lifecycle flows shown, ending with the reviewed week
REASONS = ("no_data", "not_reported", "nothing_to_measure", "no_target", "not_started", "unsupported")
# what a metric needs to have a value: which imported rows (see _present)
_SOURCE = {"short_videos": "posts", "negative_comment_share": "comments", "crisis_reply_minutes": "comments"}
DAILY_KEYS = ("impressions", "interactions")  # the day-by-day chart of the week against the week before


# -- weeks ----------------------------------------------------------------------------------------

_WEEK = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")


class BadWeek(ValueError):
    """A week label that is not 'YYYY-Www' or names a week the year does not have."""

    def __init__(self, text: Any):
        self.text = str(text)
        super().__init__(f"not an ISO week: {text!r} (expected YYYY-Www, e.g. 2026-W47)")


def week_label(day: date) -> str:
    """The ISO week that contains day: '2026-W47'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> tuple[str, date, date]:
    """'2026-W47' (also '2026W47', '2026-w47') -> ('2026-W47', Monday, Sunday); BadWeek otherwise
    (a malformed label, week 0, or week 53 in a year of 52 weeks)."""
    match = _WEEK.match(text or "") if isinstance(text, str) else None
    if not match:
        raise BadWeek(text)
    label = f"{match[1]}-W{int(match[2]):02d}"
    try:
        monday, sunday = iso_week_period(label)
    except ValueError as exc:
        raise BadWeek(text) from exc
    return label, monday, sunday


def previous_week(label: str) -> str:
    _, monday, _ = parse_week(label)
    return week_label(monday - timedelta(days=7))


def last_complete_week(today: date) -> str:
    """The ISO week before the one that contains today."""
    return week_label(today - timedelta(days=today.weekday() + 7))


def default_week(store: Store, today: date | None = None) -> str:
    """The last complete ISO week before today in the workspace time zone."""
    return last_complete_week(today or datetime.now(workspace_tz(store)).date())


def weeks_with_data(store: Store, tz: str | None = None) -> list[str]:
    """ISO weeks that hold any imported row (daily data, posts, ad rows or costs by their dates,
    events, comments), newest first."""
    tz = tz or str(workspace_tz(store))
    rows = store.rows(
        """SELECT DISTINCT CAST(date_trunc('week', d) AS DATE) AS monday FROM (
               SELECT date AS d FROM account_daily
               UNION ALL SELECT CAST(timezone(?, published_at) AS DATE) FROM posts
               UNION ALL SELECT date_start FROM ad_stats UNION ALL SELECT date_end FROM ad_stats
               UNION ALL SELECT date_start FROM costs
               UNION ALL SELECT CAST(timezone(?, occurred_at) AS DATE) FROM events
               UNION ALL SELECT CAST(timezone(?, created_at) AS DATE) FROM comments)
           WHERE d IS NOT NULL ORDER BY 1 DESC""", [tz, tz, tz])
    return [week_label(r[0]) for r in rows]


def has_any_data(store: Store) -> bool:
    """Whether anything the review can show was ever imported (the page's empty state)."""
    return bool(store.scalar(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM account_daily LIMIT 1)) + "
        "(SELECT count(*) FROM (SELECT 1 FROM posts LIMIT 1)) + (SELECT count(*) FROM (SELECT 1 FROM ad_stats LIMIT 1)) + "
        "(SELECT count(*) FROM (SELECT 1 FROM costs LIMIT 1)) + (SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1)) + "
        "(SELECT count(*) FROM (SELECT 1 FROM comments LIMIT 1))"))


# -- which data a week holds ----------------------------------------------------------------------

def _present(store: Store, start: date, end: date, tz: str, platform: str | None = None,
             channel: str | None = None) -> dict[str, bool]:
    """Per kind of source, whether the week [start, end] holds any row of it (for one platform or
    channel when given): social (daily rows or posts), posts, paid (ad rows or costs overlapping
    the week, or orders in it), comments."""
    scope = platform or channel
    only = "AND platform = ?" if scope else ""
    only_channel = "AND channel = ?" if scope else ""
    extra = [scope] if scope else []
    orders = [str(e).strip().lower() for e in get_setting(store, "conversion_events") or []]
    daily, posts, ads, comments = store.rows(
        f"""SELECT
            (SELECT count(*) FROM (SELECT 1 FROM account_daily WHERE date BETWEEN ? AND ? {only} LIMIT 1)),
            (SELECT count(*) FROM (SELECT 1 FROM posts WHERE CAST(timezone(?, published_at) AS DATE) BETWEEN ? AND ?
                                   {only} LIMIT 1)),
            (SELECT count(*) FROM (SELECT 1 FROM ad_stats WHERE date_start <= ? AND date_end >= ? {only_channel}
                                   UNION ALL SELECT 1 FROM costs WHERE date_start <= ?
                                   AND coalesce(date_end, date_start) >= ? {only_channel}
                                   UNION ALL SELECT 1 FROM events WHERE list_contains(?, lower(event_type))
                                   AND CAST(timezone(?, occurred_at) AS DATE) BETWEEN ? AND ? {only_channel}
                                   LIMIT 1)),
            (SELECT count(*) FROM (SELECT 1 FROM comments WHERE CAST(timezone(?, created_at) AS DATE) BETWEEN ? AND ?
                                   {only} LIMIT 1))""",
        [start, end, *extra, tz, start, end, *extra, end, start, *extra, end, start, *extra, orders, tz, start, end,
         *extra, tz, start, end, *extra])[0]
    return {"social": bool(daily or posts), "posts": bool(posts), "paid": bool(ads), "comments": bool(comments)}


def _source(metric: str) -> str:
    if metric in _SOURCE:
        return _SOURCE[metric]
    if metric in METRICS:
        return METRICS[metric].source
    return "paid"  # metrics registered by other modules (targets.register_actual) are channel figures


def missing_reason(metric: str, value: float | None, present: Mapping[str, bool]) -> str | None:
    """Why a week has no value for metric (None when it has one); see the module docstring."""
    if value is not None:
        return None
    source = _source(metric)
    if not present.get(source):
        return "no_data"
    return "nothing_to_measure" if source == "comments" else "not_reported"


# -- the KPI table --------------------------------------------------------------------------------

@dataclass(frozen=True)
class KpiRow:
    metric: str
    unit: str  # the registry's units, plus 'minutes' (reply time)
    better: str  # up | down | neutral
    platform: str | None = None  # the row's scope: a platform, a channel, or neither (all platforms)
    channel: str | None = None
    this_week: float | None = None
    last_week: float | None = None
    change: float | None = None  # relative change (this - last) / |last|
    change_points: float | None = None  # rates: this - last
    target: float | None = None
    target_period: str | None = None  # week | month | quarter
    target_start: date | None = None  # the target period the status was judged on (to the week's end)
    target_end: date | None = None
    target_actual: float | None = None  # the value the status was judged on (target period to the week's end)
    status: str | None = None  # ahead | on_track | behind (targets.STATUSES)
    band: str | None = None  # below_floor | stretch_met
    this_week_reason: str | None = None
    last_week_reason: str | None = None
    target_reason: str | None = None

    @property
    def reasons(self) -> list[tuple[str, str]]:
        """What is missing and why, as (side, code), side this_week | last_week | target.
        'not reported' is said once when both weeks lack the measure; the target's own 'no data'
        is left out when this week has no value (said already)."""
        out = []
        if self.this_week_reason:
            out.append(("this_week", self.this_week_reason))
        if self.last_week_reason and not (self.last_week_reason == self.this_week_reason == "not_reported"):
            out.append(("last_week", self.last_week_reason))
        if self.target_reason and not (self.target_reason == "no_data" and self.this_week_reason):
            out.append(("target", self.target_reason))
        return out


def _clean(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _week_filters(store: Store, start: date, end: date, granularity: str = "day") -> Filters:
    return Filters(start, end, granularity=granularity, tz=str(workspace_tz(store)),
                   denominator=get_setting(store, "engagement_denominator") or "reach")


def _registry_values(store: Store, filters: Filters, keys: Sequence[str]) -> dict[str, float | None]:
    """All-platform values of registry metrics, one kpis() call per source; a source that cannot be
    computed (the channel module missing or failing) gives None for its metrics."""
    out: dict[str, float | None] = {}
    by_source: dict[str, list[str]] = {}
    for key in keys:
        by_source.setdefault(METRICS[key].source, []).append(key)
    for source, group in by_source.items():
        try:
            values = kpis(store, filters, group)
        except (ImportError, AttributeError, KeyError, pl.exceptions.PolarsError):
            if source == "social":
                raise
            values = {}
        out.update({k: _clean(values.get(k)) for k in group})
    return out


def _scoped_value(store: Store, metric: str, filters: Filters, platform: str | None,
                  channel: str | None) -> tuple[float | None, bool]:
    """(value, supported) of any target metric for one scope and week."""
    try:
        value = actual_value(store, metric, filters.start, filters.end, platform=platform, channel=channel,
                             tz=filters.tz, denominator=filters.denominator)
    except (UnsupportedMetric, ImportError, AttributeError, pl.exceptions.PolarsError):
        return None, False
    return _clean(value), True


def _channel_module_present() -> bool:
    try:
        from dashboard.metrics.channels import has_channel_data  # noqa: F401
    except ImportError:
        return False
    return True


def _has_channel_data(store: Store) -> bool:
    try:
        from dashboard.metrics.channels import has_channel_data
    except ImportError:
        return False
    return bool(has_channel_data(store))


def _has_comments(store: Store) -> bool:
    return bool(store.scalar("SELECT count(*) FROM (SELECT 1 FROM comments LIMIT 1)"))


def kpi_rows(store: Store, start: date, end: date) -> list[KpiRow]:
    """The KPI table of the week [start, end] (a Monday to Sunday) against the week before."""
    this_f = _week_filters(store, start, end)
    last_f = this_f.previous()
    tz = this_f.tz
    targets = list_targets(store)
    targeted = {(r["metric"], r["platform"], r["channel"]) for r in targets.iter_rows(named=True)}
    all_scope = {m for m, p, c in targeted if p is None and c is None}
    keys = list(HEADLINE)
    if _has_comments(store) or all_scope & set(COMMUNITY):
        keys += COMMUNITY
    if _channel_module_present() and (_has_channel_data(store) or all_scope & set(PAID)):
        keys += PAID
    order = {k: i for i, k in enumerate(METRICS)}
    keys += sorted((m for m in all_scope if m not in keys and _known(m)), key=lambda m: (order.get(m, 999), m))
    scoped = sorted(((m, p, c) for m, p, c in targeted if (p or c) and _known(m)),
                    key=lambda r: (order.get(r[0], 999), r[0], r[1] or "", r[2] or ""))

    registry_keys = [k for k in keys if k in METRICS]
    values = {"this": _registry_values(store, this_f, registry_keys),
              "last": _registry_values(store, last_f, registry_keys)}
    supported: dict[tuple, bool] = {}
    for key in keys:
        if key not in METRICS:
            for side, filters in (("this", this_f), ("last", last_f)):
                values[side][key], supported[(key, None, None)] = _scoped_value(store, key, filters, None, None)
    present = {"this": _present(store, this_f.start, this_f.end, tz), "last": _present(store, last_f.start, last_f.end, tz)}

    rows = [_row(store, key, None, None, values["this"][key], values["last"][key], present, end,
                 this_f, supported.get((key, None, None), True)) for key in keys]
    for metric, platform, channel in scoped:
        this_value, ok = _scoped_value(store, metric, this_f, platform, channel)
        last_value, _ = _scoped_value(store, metric, last_f, platform, channel)
        scope_present = {"this": _present(store, this_f.start, this_f.end, tz, platform, channel),
                         "last": _present(store, last_f.start, last_f.end, tz, platform, channel)}
        rows.append(_row(store, metric, platform, channel, this_value, last_value, scope_present, end, this_f, ok))
    return rows


def _known(metric: str) -> bool:
    try:
        metric_info(metric)
    except KeyError:
        return False
    return True


def _row(store: Store, metric: str, platform: str | None, channel: str | None, this_value: float | None,
         last_value: float | None, present: Mapping[str, Mapping[str, bool]], as_of: date, filters: Filters,
         supported: bool) -> KpiRow:
    info = metric_info(metric)
    # a count over a week that holds no row of its kind is unknown, not 0 (short videos without a post list)
    if not present["this"].get(_source(metric)):
        this_value = None
    if not present["last"].get(_source(metric)):
        last_value = None
    try:
        status = target_status(store, metric, platform, as_of, channel=channel, tz=filters.tz,
                               denominator=filters.denominator)
    except (ImportError, AttributeError, pl.exceptions.PolarsError):  # a module it needs is missing or failing
        status = {"reason": "unsupported"}
    if supported:
        this_reason = missing_reason(metric, this_value, present["this"])
        last_reason = missing_reason(metric, last_value, present["last"])
    else:
        this_reason = last_reason = "unsupported"
    points = this_value - last_value if info.unit == "rate" and None not in (this_value, last_value) else None
    return KpiRow(
        metric=metric, unit=info.unit, better=info.better, platform=platform, channel=channel,
        this_week=this_value, last_week=last_value, change=change(this_value, last_value), change_points=points,
        target=_clean(status.get("target")), target_period=status.get("period_type"),
        target_start=status.get("period_start"), target_end=status.get("period_end"),
        target_actual=_clean(status.get("actual")),
        status=status.get("status"), band=status.get("band"), this_week_reason=this_reason,
        last_week_reason=last_reason, target_reason=status.get("reason"))


# -- posts, channels, lifecycle, alerts -------------------------------------------------------------

POST_COLUMNS = ("rank", "platform", "account", "post_id", "title", "content_type", "published_at", "impressions",
                "reach", "interactions", "engagement_rate", "url")


def ranked_posts(store: Store, filters: Filters, n: int = TOP_N) -> tuple[str, pl.DataFrame, pl.DataFrame]:
    """(metric ranked by, top n, bottom n) of the posts published in the week (content.top_bottom):
    by engagement rate when at least half of them have one (their denominator is reported), else
    by interactions, so that a week whose platforms do not report reach still has a ranking."""
    coverage = denominator_coverage(store, filters)[filters.denominator]
    metric = "engagement_rate" if coverage and 2 * coverage >= count_posts(store, filters) else "interactions"
    top, bottom = top_bottom(store, filters, metric, n)
    return metric, top.select(POST_COLUMNS), bottom.select(POST_COLUMNS)


CHANNEL_COLUMNS = ("channel", "cost", "spend", "revenue", "conversions", "roas", "roi", "cpa", "new_customers", "cac")


def channel_rows(store: Store, filters: Filters) -> pl.DataFrame | None:
    """Channel ROI of the week (metrics/channels.channel_table, the columns the review shows);
    None when there is no channel data at all, or the channel module cannot give it."""
    try:
        from dashboard.metrics.channels import channel_table, has_channel_data
    except ImportError:
        return None
    if not has_channel_data(store):
        return None
    try:
        table = channel_table(store, filters)
    except (AttributeError, KeyError, pl.exceptions.PolarsError):
        return None
    return table.select([c for c in CHANNEL_COLUMNS if c in table.columns]).filter(
        pl.any_horizontal(pl.col(c).is_not_null() & (pl.col(c) != 0) for c in ("cost", "revenue", "conversions")
                          if c in table.columns))


def lifecycle_rows(store: Store, start: date, end: date, weeks: int = LIFECYCLE_WEEKS) -> pl.DataFrame | None:
    """Lifecycle flows (metrics/lifecycle.flows) per ISO week for the `weeks` weeks ending with the
    reviewed one; None when no user events are imported or the lifecycle module cannot give them."""
    try:
        from dashboard.metrics.lifecycle import flows, has_events, params_from_settings
    except ImportError:
        return None
    if not has_events(store):
        return None
    try:
        return flows(store, params_from_settings(store), "week", start - timedelta(days=7 * (weeks - 1)), end)
    except (AttributeError, KeyError, pl.exceptions.PolarsError):
        return None


def daily_comparison(store: Store, start: date, end: date, keys: Sequence[str] = DAILY_KEYS) -> pl.DataFrame:
    """Day by day, the week against the week before: weekday (0 = Monday), day, and per key
    '<key>' (this week) and '<key>_last' (the same weekday of last week); None where unknown."""
    filters = _week_filters(store, start - timedelta(days=7), end)
    frame = series(store, filters, keys)
    known = {row["bucket"]: row for row in frame.iter_rows(named=True)} if not frame.is_empty() else {}
    rows = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        this, last = known.get(day, {}), known.get(day - timedelta(days=7), {})
        rows.append({"weekday": offset, "day": day,
                     **{k: _clean(this.get(k)) for k in keys}, **{f"{k}_last": _clean(last.get(k)) for k in keys}})
    schema = {"weekday": pl.Int64, "day": pl.Date, **{k: pl.Float64 for k in keys},
              **{f"{k}_last": pl.Float64 for k in keys}}
    return pl.DataFrame(rows, schema=schema, orient="row")


# -- notes and action items -----------------------------------------------------------------------

TEXT_MAX = 500
OWNER_MAX = 80
NOTES_MAX = 20_000
ITEMS_MAX = 200


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


class ActionItem(BaseModel):
    """One action item. Errors carry a code (the error type) and parameters for the message."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(default_factory=_new_id, max_length=64)
    text: str = Field(max_length=TEXT_MAX)
    owner: str | None = Field(None, max_length=OWNER_MAX)
    due: date | None = None
    done: bool = False
    carried_from: str | None = None  # the ISO week it was carried from
    carried_to: str | None = None  # the ISO week it was carried into (then it is no longer offered)

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        return _new_id() if is_blank(value) else str(value)

    @field_validator("owner", "due", "carried_from", "carried_to", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.date()
        return None if is_blank(value) else value

    @field_validator("text", mode="before")
    @classmethod
    def _required(cls, value: Any) -> Any:
        if is_blank(value):
            raise PydanticCustomError("required", "a value is required")
        return str(value) if not isinstance(value, str) else value

    @field_validator("done", mode="before")
    @classmethod
    def _done(cls, value: Any) -> Any:
        return False if is_blank(value) else value

    @field_validator("carried_from", "carried_to")
    @classmethod
    def _week(cls, value: str | None) -> str | None:
        return None if value is None else parse_week(value)[0]

    def stored(self) -> dict[str, Any]:
        return {**self.model_dump(), "due": self.due.isoformat() if self.due else None}


class WeekNotes(BaseModel):
    iso_week: str
    notes: str = ""
    action_items: list[ActionItem] = Field(default_factory=list)
    updated_at: datetime | None = None

    @property
    def open_items(self) -> list[ActionItem]:
        return [i for i in self.action_items if not i.done]


class NotesValidationError(Exception):
    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        super().__init__("; ".join(f"row {e.row} {e.field}: {e.code}" for e in self.errors))


def _row_errors(row: int, error: ValidationError) -> list[RowError]:
    out = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "row"
        params = {k: v for k, v in (item.get("ctx") or {}).items() if isinstance(v, str | int | float)}
        code = str(item["type"])
        if name == "due" and code.startswith("date"):
            code = "not_a_date"
        out.append(RowError(row, name, code, params))
    return out


def validate_items(rows: Iterable[Mapping[str, Any]]) -> tuple[list[ActionItem], list[RowError]]:
    """Rows of the action-item table -> items; every problem as a RowError (row 1-based). Rows
    that are wholly empty (a new row left blank) are dropped, not reported."""
    items: list[ActionItem] = []
    errors: list[RowError] = []
    for index, row in enumerate(rows, start=1):
        row = dict(row)
        if all(is_blank(row.get(k)) or (k == "done" and not row.get(k)) for k in ("text", "owner", "due", "done")):
            continue
        try:
            items.append(ActionItem.model_validate(row))
        except ValidationError as exc:
            errors.extend(_row_errors(index, exc))
    if len(items) > ITEMS_MAX:
        errors.append(RowError(ITEMS_MAX + 1, "row", "too_many_items", {"max": ITEMS_MAX}))
    return items, errors


def _read(cur: Cursor, iso_week: str) -> WeekNotes:
    rows = cur.run("SELECT notes, CAST(action_items AS VARCHAR), updated_at FROM review_notes WHERE iso_week = ?",
                   [iso_week])
    if not rows:
        return WeekNotes(iso_week=iso_week)
    notes, items, updated_at = rows[0]
    parsed = []
    for raw in json.loads(items or "[]"):
        try:
            parsed.append(ActionItem.model_validate(raw))
        except ValidationError:  # an entry damaged by hand: left out rather than a broken page
            continue
    return WeekNotes(iso_week=iso_week, notes=notes or "", action_items=parsed,
                     updated_at=updated_at.astimezone(UTC) if updated_at else None)


def _write(cur: Cursor, notes: WeekNotes) -> WeekNotes:
    at = datetime.now(UTC)
    cur.run("INSERT INTO review_notes (iso_week, notes, action_items, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (iso_week) DO UPDATE SET notes = excluded.notes, action_items = excluded.action_items, "
            "updated_at = excluded.updated_at",
            [notes.iso_week, notes.notes,
             json.dumps([i.stored() for i in notes.action_items], ensure_ascii=False), at])
    return notes.model_copy(update={"updated_at": at})


def load_notes(store: Store, iso_week: str) -> WeekNotes:
    """The notes and action items saved for a week (empty when none)."""
    label = parse_week(iso_week)[0]
    cur = store.cursor()
    try:
        return _read(cur, label)
    finally:
        cur.raw.close()


def save_notes(store: Store, iso_week: str, notes: str | None, items: Iterable[Mapping[str, Any]],
               expected_updated_at: datetime | None = None, check: bool = False) -> WeekNotes:
    """Replace a week's notes and action items (validated; NotesValidationError names each
    problem and nothing is written). Items keep their id; an item's carried_from / carried_to
    come from the stored item of the same id, never from the table. With check=True the stored
    record must still carry expected_updated_at (else 'changed_elsewhere': someone saved this
    week meanwhile)."""
    label = parse_week(iso_week)[0]
    parsed, errors = validate_items(items)
    text = "" if is_blank(notes) else str(notes).strip()
    if len(text) > NOTES_MAX:
        errors.insert(0, RowError(0, "notes", "string_too_long", {"max_length": NOTES_MAX}))
    seen: set[str] = set()
    for index, item in enumerate(parsed, start=1):
        if item.id in seen:
            parsed[index - 1] = item.model_copy(update={"id": _new_id()})
        seen.add(parsed[index - 1].id)
    with store.write(bump=False) as cur:
        stored = _read(cur, label)
        if check and stored.updated_at != (expected_updated_at.astimezone(UTC) if expected_updated_at else None):
            errors.insert(0, RowError(0, "notes", "changed_elsewhere",
                                      {"at": stored.updated_at.isoformat()[:16] if stored.updated_at else ""}))
        if errors:
            raise NotesValidationError(errors)
        by_id = {i.id: i for i in stored.action_items}
        kept = [i.model_copy(update={"carried_from": by_id[i.id].carried_from, "carried_to": by_id[i.id].carried_to})
                if i.id in by_id else i.model_copy(update={"carried_from": None, "carried_to": None}) for i in parsed]
        return _write(cur, WeekNotes(iso_week=label, notes=text, action_items=kept))


def carried_items(store: Store, iso_week: str) -> list[ActionItem]:
    """Last week's open action items that were not carried forward yet (shown as carried)."""
    return [i for i in load_notes(store, previous_week(iso_week)).action_items if not i.done and not i.carried_to]


def set_done(store: Store, iso_week: str, item_id: str, done: bool = True) -> bool:
    """Mark one action item of a week done (or open again); False when the week has no such item."""
    label = parse_week(iso_week)[0]
    with store.write(bump=False) as cur:
        stored = _read(cur, label)
        if not any(i.id == item_id for i in stored.action_items):
            return False
        items = [i.model_copy(update={"done": done}) if i.id == item_id else i for i in stored.action_items]
        _write(cur, stored.model_copy(update={"action_items": items}))
    return True


def carry_forward(store: Store, iso_week: str, item_ids: Iterable[str] | None = None) -> int:
    """Carry last week's open items (all, or those of item_ids) into iso_week, in one transaction:
    each is copied into this week's list (a new id, carried_from = last week) and marked
    carried_to = this week in last week's list. Returns how many were carried."""
    label = parse_week(iso_week)[0]
    previous = previous_week(label)
    wanted = None if item_ids is None else set(item_ids)
    with store.write(bump=False) as cur:
        before, now = _read(cur, previous), _read(cur, label)
        moving = [i for i in before.action_items
                  if not i.done and not i.carried_to and (wanted is None or i.id in wanted)]
        if not moving:
            return 0
        ids = {i.id for i in moving}
        copies = [i.model_copy(update={"id": _new_id(), "carried_from": previous, "carried_to": None}) for i in moving]
        _write(cur, before.model_copy(update={"action_items": [
            i.model_copy(update={"carried_to": label}) if i.id in ids else i for i in before.action_items]}))
        _write(cur, now.model_copy(update={"action_items": [*now.action_items, *copies]}))
    return len(moving)


# -- the review -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class WeekFigures:
    """Everything of a review that comes from the data (cacheable per data version)."""
    iso_week: str
    start: date
    end: date
    previous_week: str
    previous_start: date
    previous_end: date
    tz: str
    denominator: str
    has_data: bool  # anything imported at all
    week_has_data: bool  # anything imported for this week
    kpis: list[KpiRow]
    daily: pl.DataFrame
    posts_metric: str
    top_posts: pl.DataFrame
    bottom_posts: pl.DataFrame
    channels: pl.DataFrame | None  # None: no channel data (ads, costs, orders)
    lifecycle: pl.DataFrame | None  # None: no user events
    alerts: pl.DataFrame


@dataclass(frozen=True)
class Review:
    figures: WeekFigures
    notes: WeekNotes
    carried: list[ActionItem]
    lang: str
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __getattr__(self, name: str) -> Any:  # review.kpis, review.start ... read through to the figures
        if name == "figures":
            raise AttributeError(name)
        return getattr(self.figures, name)


def week_figures(store: Store, iso_week: str) -> WeekFigures:
    """The data part of the review of one ISO week (BadWeek for a malformed label)."""
    label, start, end = parse_week(iso_week)
    filters = _week_filters(store, start, end)
    previous = filters.previous()
    present = _present(store, start, end, filters.tz)
    posts_metric, top, bottom = ranked_posts(store, filters)
    return WeekFigures(
        iso_week=label, start=start, end=end, previous_week=week_label(previous.start),
        previous_start=previous.start, previous_end=previous.end, tz=filters.tz, denominator=filters.denominator,
        has_data=has_any_data(store), week_has_data=any(present.values()), kpis=kpi_rows(store, start, end),
        daily=daily_comparison(store, start, end), posts_metric=posts_metric, top_posts=top, bottom_posts=bottom,
        channels=channel_rows(store, filters), lifecycle=lifecycle_rows(store, start, end),
        alerts=alerts(store, filters) if present["social"] or present["paid"] or present["comments"]
        else pl.DataFrame(schema=ALERT_SCHEMA))


def weekly_review(store: Store, iso_week: str | None = None, lang: str = "en") -> Review:
    """The review of one ISO week (default: the last complete one): figures, the week's notes and
    action items, and last week's open items carried into view."""
    label = parse_week(iso_week)[0] if iso_week else default_week(store)
    return Review(figures=week_figures(store, label), notes=load_notes(store, label),
                  carried=carried_items(store, label), lang=lang)
