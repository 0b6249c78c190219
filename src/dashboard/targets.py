"""Targets (DESIGN.md section 6): rows the team edits, their history, undo, defaults, and how each
target is doing (progress, pacing, status). No streamlit here; the Targets page, the Overview
badges, the chart target lines and the weekly review all call these functions.

What a target row means
- metric: a key of the metric registry (`metrics.registry.METRICS`, read at call time so keys
  added later are accepted) or one of `EXTRA_METRICS` defined here (short_videos,
  negative_comment_share, crisis_reply_minutes). Values are stored in the metric's own unit:
  rates as fractions (5% = 0.05), minutes as minutes.
- scope: a platform, or a channel, or neither (all platforms together); never both. For metrics
  of the social catalogue a channel is read as a platform (every platform is a channel); metrics
  registered with `register_actual` receive the channel themselves (ad channels).
- period_type week / month / quarter and period_start: a Monday, the 1st of a month, or the 1st of
  January / April / July / October. A row applies from its period to every later period of its
  type until a newer row for the same metric, scope and period type takes over, so "20 articles a
  month" set once holds every month until someone changes it.
- floor and stretch (optional) bracket the target: floor <= value <= stretch when higher is better;
  for lower-is-better metrics (negative share, reply minutes, unfollows) the floor is the worst
  acceptable value, so stretch <= value <= floor.

Progress, pacing, status (one evaluation of one target on one day `as_of`)
- The period is the one of the row's type that contains as_of; actual is the metric over
  [period start, as_of] (workspace days); elapsed_share = days elapsed / days in the period.
- progress = actual / target.
- pace (what actual should be by now) = target x elapsed_share for accumulating metrics (the
  registry's additive ones, plus follower_growth_rate, whose growth builds up over the period:
  linear pacing, compounding ignored); = target for ratios and averages.
- pace_ratio = actual / pace. Status with TOLERANCE = 5% (bounds inclusive):
  higher is better: pace_ratio > 1.05 ahead, 0.95 <= pace_ratio <= 1.05 on_track, < 0.95 behind;
  lower is better: pace_ratio < 0.95 ahead, 0.95..1.05 on_track, > 1.05 behind.
  Neutral metrics (spend, cost: a budget) read like higher is better: ahead = above plan.
  A pace of 0 (target 0): actual 0 is on_track, otherwise ahead/behind by direction.
- band: 'below_floor' when actual is worse than the floor paced the same way, 'stretch_met' when
  it is at least as good as the paced stretch, else null.
- reason, when status is null: no_target, no_data (the metric has no value yet for that scope and
  period), not_started (the row's first period is after as_of), unsupported (the metric cannot be
  computed here).

History: every create, update, delete (and the defaults seeding) writes a `targets_history` row
with the full row before and after as JSON, the time and the editor's name. `undo_last` reverts
the newest save not yet undone (all the creates, updates and deletes written together; seeding is
not undone, delete the row instead) by restoring each row's before state exactly, and records
each revert as an 'undo' entry.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from dashboard.forms import is_blank
from dashboard.ingest.platforms import KNOWN_PLATFORMS
from dashboard.metrics.base import scope_sql, utc_window
from dashboard.metrics.comments import crisis_reply_minutes, negative_comment_share
from dashboard.metrics.filters import Filters
from dashboard.metrics.kpis import kpis
from dashboard.metrics.registry import METRICS
from dashboard.settings import get_setting, workspace_tz
from dashboard.store.db import Cursor, Store

PERIOD_TYPES = ("week", "month", "quarter")
STATUSES = ("ahead", "on_track", "behind")
REASONS = ("no_target", "no_data", "not_started", "unsupported")
TOLERANCE = 0.05
NOTE_MAX = 500
CHANNEL_MAX = 100
DEFAULT_EDITOR = "editor"
SEED_EDITOR = "defaults"
SEEDED_SETTING = "targets_seeded"
# growth rates build up over their period like a sum does: paced by elapsed time
CUMULATIVE = frozenset({"follower_growth_rate"})
# metrics whose target may be below zero, and rates that are not bounded by 100%
SIGNED = frozenset({"followers_net", "follower_growth_rate", "roi"})
UNBOUNDED_RATES = frozenset({"follower_growth_rate", "roi"})
TARGET_COLUMNS = ("target_id", "metric", "platform", "channel", "period_type", "period_start", "value", "floor",
                  "stretch", "note", "updated_at", "updated_by")
EDITABLE = ("metric", "platform", "channel", "period_type", "period_start", "value", "floor", "stretch", "note")
_EPS = 1e-9


# -- metrics a target can name ------------------------------------------------------------------

@dataclass(frozen=True)
class ExtraMetric:
    """A target metric computed outside the registry's base sums (same fields as registry.Metric
    that targets read, plus its own compute function)."""
    key: str
    unit: str  # count | rate | minutes
    better: str  # up | down
    additive: bool
    group: str
    compute: Callable[[Store, Filters], float | None]


def count_short_videos(store: Store, filters: Filters) -> float | None:
    """Target metric `short_videos`: posts with content_type 'short_video' published in the period
    (workspace days); None while the scope has no post at all up to the period's end (nothing
    imported yet), 0 when it has posts but no short video in the period."""
    scope, params = scope_sql(filters)
    low, high = utc_window(filters.start, filters.end)
    # posts before the UTC window all fall on earlier local days: counted without converting times
    earlier, known, short = store.rows(
        f"""SELECT (SELECT count(*) FROM posts WHERE published_at < ? AND {scope}),
                   count(*) FILTER (WHERE day <= ?),
                   count(*) FILTER (WHERE content_type = 'short_video' AND day BETWEEN ? AND ?)
            FROM (SELECT content_type, CAST(timezone(?, published_at) AS DATE) AS day FROM posts
                  WHERE published_at >= ? AND published_at < ? AND {scope})""",
        [low, *params, filters.end, filters.start, filters.end, filters.tz, low, high, *params])[0]
    return float(short) if earlier or known else None


EXTRA_METRICS: dict[str, ExtraMetric] = {m.key: m for m in [
    ExtraMetric("short_videos", "count", "up", True, "content", count_short_videos),
    ExtraMetric("negative_comment_share", "rate", "down", False, "community", negative_comment_share),
    ExtraMetric("crisis_reply_minutes", "minutes", "down", False, "community", crisis_reply_minutes),
]}

# key -> fn(store, filters, channel) -> value: how metrics outside the social base sums (ad spend
# per channel, for instance) give their actual; other modules register theirs at import time
_ACTUALS: dict[str, Callable[[Store, Filters, str | None], float | None]] = {}


def register_actual(key: str, function: Callable[[Store, Filters, str | None], float | None]) -> None:
    _ACTUALS[key] = function


def target_metric_keys() -> list[str]:
    """Every key a target may name, registry first (read now: keys added later count)."""
    return [*METRICS, *(k for k in EXTRA_METRICS if k not in METRICS)]


def metric_info(key: str) -> Any:
    """The registry's Metric or the ExtraMetric for a key (unit, better, additive, group)."""
    if key in METRICS:
        return METRICS[key]
    if key in EXTRA_METRICS:
        return EXTRA_METRICS[key]
    raise KeyError(key)


def accumulating(key: str) -> bool:
    return key in CUMULATIVE or bool(metric_info(key).additive)


# -- periods -------------------------------------------------------------------------------------

def period_start_for(period_type: str, day: date) -> date:
    """Start of the week (Monday) / month / quarter that contains day."""
    if period_type == "week":
        return day - timedelta(days=day.weekday())
    if period_type == "month":
        return day.replace(day=1)
    if period_type == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"period type {period_type!r}")


def period_end(period_type: str, start: date) -> date:
    if period_type == "week":
        return start + timedelta(days=6)
    months = 1 if period_type == "month" else 3
    year, month = start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1
    return date(year, month, 1) - timedelta(days=1)


def is_aligned(period_type: str, day: date) -> bool:
    return period_start_for(period_type, day) == day


def has_started(row: Mapping[str, Any], day: date) -> bool:
    """Whether a target row applies on day (its first period starts on or before day's period)."""
    return row["period_start"] <= period_start_for(row["period_type"], day)


# -- validation ----------------------------------------------------------------------------------

class Target(BaseModel):
    """One target row. Errors carry a code (the error type) and parameters for the message."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    target_id: str | None = None
    metric: str
    platform: str | None = None
    channel: str | None = Field(None, max_length=CHANNEL_MAX)
    period_type: str
    period_start: date
    value: float = Field(allow_inf_nan=False)
    floor: float | None = Field(None, allow_inf_nan=False)
    stretch: float | None = Field(None, allow_inf_nan=False)
    note: str | None = Field(None, max_length=NOTE_MAX)
    updated_at: datetime | None = None
    updated_by: str | None = None

    @field_validator("target_id", "platform", "channel", "note", "floor", "stretch", "updated_at", "updated_by",
                     mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if is_blank(value) else value

    @field_validator("metric", "period_type", "value", "period_start", mode="before")
    @classmethod
    def _required(cls, value: Any) -> Any:
        if is_blank(value):
            raise PydanticCustomError("required", "a value is required")
        return value

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, value: str) -> str:
        if value not in target_metric_keys():
            raise PydanticCustomError("unknown_metric", "'{metric}' is not a metric of the catalogue",
                                      {"metric": value})
        return value

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str | None) -> str | None:
        if value is not None and value not in KNOWN_PLATFORMS:
            raise PydanticCustomError("unknown_platform", "'{platform}' is not a known platform",
                                      {"platform": value})
        return value

    @field_validator("channel")
    @classmethod
    def _one_scope(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("platform"):
            raise PydanticCustomError("platform_and_channel", "choose a platform or a channel, not both")
        return value

    @field_validator("period_type")
    @classmethod
    def _known_period(cls, value: str) -> str:
        if value not in PERIOD_TYPES:
            raise PydanticCustomError("unknown_period_type", "'{period_type}' is not week, month or quarter",
                                      {"period_type": value})
        return value

    @field_validator("period_start")
    @classmethod
    def _aligned(cls, value: date, info: ValidationInfo) -> date:
        period_type = info.data.get("period_type")
        if period_type in PERIOD_TYPES and not is_aligned(period_type, value):
            raise PydanticCustomError(
                f"not_{period_type}_start", "{day} is not the first day of a {period_type}; use {suggestion}",
                {"day": value.isoformat(), "period_type": period_type,
                 "suggestion": period_start_for(period_type, value).isoformat()})
        return value

    @field_validator("value", "floor", "stretch")
    @classmethod
    def _in_range(cls, value: float | None, info: ValidationInfo) -> float | None:
        metric = info.data.get("metric")
        if value is None or metric is None:
            return value
        unit = metric_info(metric).unit
        if unit == "rate" and metric not in UNBOUNDED_RATES and not 0 <= value <= 1:
            raise PydanticCustomError("rate_out_of_range", "a rate must be between 0% and 100%")
        if value < 0 and metric not in SIGNED:
            raise PydanticCustomError("negative", "must not be negative")
        return value

    @field_validator("floor")
    @classmethod
    def _floor_side(cls, value: float | None, info: ValidationInfo) -> float | None:
        target, metric = info.data.get("value"), info.data.get("metric")
        if value is None or target is None or metric is None:
            return value
        if metric_info(metric).better == "down" and value < target:
            raise PydanticCustomError("floor_better_than_target",
                                      "lower is better here: the floor (worst acceptable) must be >= the target")
        if metric_info(metric).better != "down" and value > target:
            raise PydanticCustomError("floor_above_target", "the floor must be <= the target")
        return value

    @field_validator("stretch")
    @classmethod
    def _stretch_side(cls, value: float | None, info: ValidationInfo) -> float | None:
        target, metric = info.data.get("value"), info.data.get("metric")
        if value is None or target is None or metric is None:
            return value
        if metric_info(metric).better == "down" and value > target:
            raise PydanticCustomError("stretch_worse_than_target",
                                      "lower is better here: the stretch must be <= the target")
        if metric_info(metric).better != "down" and value < target:
            raise PydanticCustomError("stretch_below_target", "the stretch must be >= the target")
        return value

    @property
    def identity(self) -> tuple:
        """What may appear once: metric, scope, period type, first period."""
        return (self.metric, self.platform, self.channel, self.period_type, self.period_start)

    def content(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in EDITABLE}


@dataclass(frozen=True)
class RowError:
    """A validation problem: row (1-based, as the table shows it), field, code, parameters."""
    row: int
    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class TargetValidationError(Exception):
    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        super().__init__("; ".join(f"row {e.row} {e.field}: {e.code}" for e in self.errors))


def _row_errors(row: int, error: ValidationError) -> list[RowError]:
    out = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "row"
        params = {k: v for k, v in (item.get("ctx") or {}).items() if isinstance(v, str | int | float)}
        out.append(RowError(row, name, str(item["type"]), params))
    return out


def validate_rows(rows: Sequence[Mapping[str, Any]]) -> tuple[list[Target | None], list[RowError]]:
    """Validate table rows (values in the metric's unit). Returns one Target per row (None where
    the row failed) and every problem, with duplicates of (metric, scope, period type, start)
    reported on the later row."""
    targets: list[Target | None] = []
    errors: list[RowError] = []
    seen: dict[tuple, int] = {}
    for index, row in enumerate(rows, start=1):
        try:
            target = Target.model_validate(dict(row))
        except ValidationError as exc:
            errors.extend(_row_errors(index, exc))
            targets.append(None)
            continue
        if target.identity in seen:
            errors.append(RowError(index, "period_start", "duplicate_target", {"other": seen[target.identity]}))
        seen.setdefault(target.identity, index)
        targets.append(target)
    return targets, errors


# -- reading -------------------------------------------------------------------------------------

_SELECT = ", ".join(f'"{c}"' for c in TARGET_COLUMNS)
_ORDER = "metric, platform NULLS FIRST, channel NULLS FIRST, period_type, period_start"


def _dicts(cur: Cursor, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    return [dict(zip(TARGET_COLUMNS, row, strict=True)) for row in cur.run(sql, params)]


def _stored(cur: Cursor) -> dict[str, dict[str, Any]]:
    return {r["target_id"]: r for r in _dicts(cur, f"SELECT {_SELECT} FROM targets ORDER BY {_ORDER}")}


def list_targets(store: Store) -> pl.DataFrame:
    """Every target row (TARGET_COLUMNS), ordered by metric, scope, period type, start."""
    frame = store.frame(f"SELECT {_SELECT} FROM targets ORDER BY {_ORDER}")
    return frame.with_columns(pl.col("updated_at").dt.convert_time_zone("UTC"))


def get_target(store: Store, target_id: str) -> dict[str, Any] | None:
    cur = store.cursor()
    try:
        rows = _dicts(cur, f"SELECT {_SELECT} FROM targets WHERE target_id = ?", [target_id])
    finally:
        cur.raw.close()
    return rows[0] if rows else None


def last_change_id(store: Store) -> int:
    """The newest history entry's id (0: none); changes whenever the targets change."""
    return int(store.scalar("SELECT coalesce(max(change_id), 0) FROM targets_history") or 0)


# -- writing -------------------------------------------------------------------------------------

def _now() -> datetime:
    return datetime.now(UTC)


def clean_editor(editor: str | None) -> str:
    name = " ".join((editor or "").split())[:80]
    return name or DEFAULT_EDITOR


def _json(row: Mapping[str, Any] | None) -> str | None:
    if row is None:
        return None

    def encode(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return value

    return json.dumps({k: encode(row.get(k)) for k in TARGET_COLUMNS}, ensure_ascii=False)


def _decode(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    data = json.loads(text)
    data["period_start"] = date.fromisoformat(data["period_start"])
    data["updated_at"] = datetime.fromisoformat(data["updated_at"]) if data.get("updated_at") else None
    return data


def _put(cur: Cursor, row: Mapping[str, Any]) -> None:
    cur.run(f"INSERT OR REPLACE INTO targets ({_SELECT}) VALUES ({', '.join('?' * len(TARGET_COLUMNS))})",
            [row.get(c) for c in TARGET_COLUMNS])


def _record(cur: Cursor, action: str, target_id: str, before: Mapping[str, Any] | None,
            after: Mapping[str, Any] | None, editor: str, at: datetime, undoes: int | None = None) -> int:
    change_id = int(cur.scalar("SELECT coalesce(max(change_id), 0) + 1 FROM targets_history"))
    cur.run("INSERT INTO targets_history (change_id, target_id, action, before, after, changed_at, changed_by, undoes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [change_id, target_id, action, _json(before), _json(after), at, editor, undoes])
    return change_id


def _stamped(target: Target, target_id: str, editor: str, at: datetime) -> dict[str, Any]:
    return {**target.content(), "target_id": target_id, "updated_at": at, "updated_by": editor}


@dataclass(frozen=True)
class SaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def _same_instant(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str):
        a = datetime.fromisoformat(a)
    if isinstance(b, str):
        b = datetime.fromisoformat(b)
    return a == b


def save_targets(store: Store, rows: Sequence[Mapping[str, Any]], editor: str | None,
                 deleted: Iterable[str] = ()) -> SaveResult:
    """Save an edited table in one transaction: rows without target_id are created, rows whose
    content differs from the stored row are updated, ids in `deleted` are removed; each change is
    one history entry. A row that carries `updated_at` must still match the stored row (else
    'changed_elsewhere': someone saved it meanwhile). Any problem raises TargetValidationError
    naming row and field, and nothing is written."""
    targets, errors = validate_rows(rows)
    editor = clean_editor(editor)
    deleted = [d for d in dict.fromkeys(deleted) if d]
    at = _now()
    created = updated = removed = 0
    with store.write() as cur:
        stored = _stored(cur)
        touched = set(deleted)
        for index, (row, target) in enumerate(zip(rows, targets, strict=True), start=1):
            if target is None or target.target_id is None:
                continue
            old = stored.get(target.target_id)
            if old is None:
                errors.append(RowError(index, "target_id", "target_gone"))
            elif "updated_at" in row and not is_blank(row.get("updated_at")) and \
                    not _same_instant(row.get("updated_at"), old["updated_at"]):
                errors.append(RowError(index, "value", "changed_elsewhere",
                                       {"by": old["updated_by"] or "", "at": str(old["updated_at"])[:16]}))
            touched.add(target.target_id)
        kept = {tuple(r[k] for k in ("metric", "platform", "channel", "period_type", "period_start"))
                for tid, r in stored.items() if tid not in touched}
        for index, target in enumerate(targets, start=1):
            if target is not None and target.identity in kept:
                errors.append(RowError(index, "period_start", "duplicate_existing"))
        if errors:
            raise TargetValidationError(sorted(errors, key=lambda e: (e.row, EDITABLE.index(e.field)
                                                                     if e.field in EDITABLE else 99)))
        for target_id in deleted:
            if target_id in stored:
                cur.run("DELETE FROM targets WHERE target_id = ?", [target_id])
                _record(cur, "delete", target_id, stored[target_id], None, editor, at)
                removed += 1
        for target in targets:
            assert target is not None
            if target.target_id is None:
                new = _stamped(target, uuid.uuid4().hex, editor, at)
                _put(cur, new)
                _record(cur, "create", new["target_id"], None, new, editor, at)
                created += 1
                continue
            old = stored[target.target_id]
            if target.target_id in deleted or all(old[k] == v for k, v in target.content().items()):
                continue
            new = _stamped(target, target.target_id, editor, at)
            _put(cur, new)
            _record(cur, "update", target.target_id, old, new, editor, at)
            updated += 1
    return SaveResult(created, updated, removed)


def create_target(store: Store, data: Mapping[str, Any], editor: str | None) -> str:
    """Create one target; returns its id."""
    before = set(_ids(store))
    save_targets(store, [{k: v for k, v in data.items() if k != "target_id"}], editor)
    return next(iter(set(_ids(store)) - before))


def update_target(store: Store, target_id: str, changes: Mapping[str, Any], editor: str | None) -> None:
    current = get_target(store, target_id)
    if current is None:
        raise TargetValidationError([RowError(1, "target_id", "target_gone")])
    save_targets(store, [{**current, **changes, "target_id": target_id}], editor)


def delete_target(store: Store, target_id: str, editor: str | None) -> None:
    save_targets(store, [], editor, deleted=[target_id])


def _ids(store: Store) -> list[str]:
    return [r[0] for r in store.rows("SELECT target_id FROM targets")]


def _next_undo(cur: Cursor) -> list[tuple]:
    """The entries of the newest save not yet undone (one save = the entries written together:
    same time, same editor), newest first."""
    rows = cur.run(
        """WITH open AS (
               SELECT change_id, target_id, action, before, after, changed_at, changed_by FROM targets_history
               WHERE action IN ('create', 'update', 'delete')
                 AND change_id NOT IN (SELECT undoes FROM targets_history WHERE undoes IS NOT NULL)),
           newest AS (SELECT changed_at, changed_by FROM open ORDER BY change_id DESC LIMIT 1)
           SELECT o.* FROM open o JOIN newest n
             ON o.changed_at = n.changed_at AND o.changed_by IS NOT DISTINCT FROM n.changed_by
           ORDER BY o.change_id DESC""")
    return list(rows)


def _describe(rows: Sequence[tuple]) -> dict[str, Any] | None:
    if not rows:
        return None
    changes = []
    for change_id, target_id, action, before, after, _, _ in rows:
        state = _decode(after) or _decode(before) or {}
        changes.append({"change_id": change_id, "target_id": target_id, "action": action,
                        "metric": state.get("metric")})
    return {"changed_at": rows[0][5], "changed_by": rows[0][6], "changes": changes}


def next_undo(store: Store) -> dict[str, Any] | None:
    """What `undo_last` would revert: the newest save not yet undone, as {changed_at, changed_by,
    changes: [{change_id, target_id, action, metric}, ...] newest first}; None: nothing to undo."""
    cur = store.cursor()
    try:
        return _describe(_next_undo(cur))
    finally:
        cur.raw.close()


def undo_last(store: Store, editor: str | None) -> dict[str, Any] | None:
    """Revert the newest save not yet undone, every row it touched: each goes back exactly to its
    before state (or away, for a create), newest entry first; each revert is an 'undo' entry that
    names the entry it undoes. Returns what was undone (as next_undo describes it), None if nothing."""
    editor = clean_editor(editor)
    at = _now()
    with store.write() as cur:
        rows = _next_undo(cur)
        for change_id, target_id, _action, before_text, _after, _at, _by in rows:
            before = _decode(before_text)
            current = _dicts(cur, f"SELECT {_SELECT} FROM targets WHERE target_id = ?", [target_id])
            if before is None:
                cur.run("DELETE FROM targets WHERE target_id = ?", [target_id])
            else:
                _put(cur, before)
            _record(cur, "undo", target_id, current[0] if current else None, before, editor, at, undoes=change_id)
    return _describe(rows)


def history(store: Store, limit: int = 200) -> pl.DataFrame:
    """Newest first: change_id, changed_at (UTC), changed_by, action (create, update, delete, seed,
    undo), target_id, metric, platform, channel, period_type, period_start, value_before,
    value_after, undoes, undone (a later undo reverted it), before, after (JSON text)."""
    frame = store.frame(
        """SELECT h.change_id, h.changed_at, h.changed_by, h.action, h.target_id,
                  coalesce(h.after->>'metric', h.before->>'metric') AS metric,
                  coalesce(h.after->>'platform', h.before->>'platform') AS platform,
                  coalesce(h.after->>'channel', h.before->>'channel') AS channel,
                  coalesce(h.after->>'period_type', h.before->>'period_type') AS period_type,
                  CAST(coalesce(h.after->>'period_start', h.before->>'period_start') AS DATE) AS period_start,
                  CAST(h.before->>'value' AS DOUBLE) AS value_before, CAST(h.after->>'value' AS DOUBLE) AS value_after,
                  h.undoes, h.change_id IN (SELECT undoes FROM targets_history WHERE undoes IS NOT NULL) AS undone,
                  CAST(h.before AS VARCHAR) AS before, CAST(h.after AS VARCHAR) AS after
           FROM targets_history h ORDER BY h.change_id DESC LIMIT ?""", [limit])
    return frame.with_columns(pl.col("changed_at").dt.convert_time_zone("UTC"))


# -- defaults ------------------------------------------------------------------------------------

# (metric, platform, period type, value): common operations guidance (DESIGN.md section 6)
DEFAULT_TARGETS: tuple[tuple[str, str | None, str, float], ...] = (
    ("follower_growth_rate", None, "month", 0.10),
    ("engagement_rate", None, "month", 0.05),
    ("negative_comment_share", None, "month", 0.05),
    ("crisis_reply_minutes", None, "month", 30.0),
    ("posts", "wechat_oa", "month", 20.0),  # 20 articles a month on the Official Account
    ("short_videos", None, "week", 2.0),
)


def seed_defaults(store: Store, since: date, note: str = "") -> int:
    """Put DEFAULT_TARGETS in, once per store and only into an empty targets table, starting with
    the periods that contain `since` (the first day with data, say). Each row is recorded in the
    history as 'seed' by 'defaults'. Returns the number of rows written (0 after the first time,
    and whenever the table already holds targets)."""
    if get_setting(store, SEEDED_SETTING):
        return 0
    at = _now()
    written = 0
    with store.write() as cur:
        if not cur.scalar("SELECT count(*) FROM targets"):
            for metric, platform, period_type, value in DEFAULT_TARGETS:
                row = {"target_id": uuid.uuid4().hex, "metric": metric, "platform": platform, "channel": None,
                       "period_type": period_type, "period_start": period_start_for(period_type, since),
                       "value": value, "floor": None, "stretch": None, "note": note or None,
                       "updated_at": at, "updated_by": SEED_EDITOR}
                _put(cur, row)
                _record(cur, "seed", row["target_id"], None, row, SEED_EDITOR, at)
                written += 1
        cur.run("INSERT INTO settings VALUES (?, 'true') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [SEEDED_SETTING])
    return written


# -- actuals and status --------------------------------------------------------------------------

class UnsupportedMetric(Exception):
    pass


def actual_value(store: Store, metric: str, start: date, end: date, *, platform: str | None = None,
                 channel: str | None = None, tz: str = "UTC", denominator: str = "reach") -> float | None:
    """The metric over [start, end] (workspace days) for a target's scope; None: no data."""
    scope = platform or channel
    filters = Filters(start, end, platforms=(scope,) if scope else (), tz=tz, denominator=denominator)
    if metric in _ACTUALS:
        return _ACTUALS[metric](store, filters, channel)
    if metric in EXTRA_METRICS and metric not in METRICS:
        return EXTRA_METRICS[metric].compute(store, filters)
    if metric not in METRICS:
        raise UnsupportedMetric(metric)
    try:
        value = kpis(store, filters, [metric])[metric]
    except (pl.exceptions.ColumnNotFoundError, pl.exceptions.SchemaError, KeyError) as exc:
        raise UnsupportedMetric(metric) from exc
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def pace_ratio(actual: float, pace: float) -> float:
    """actual / pace, measured so that above 1 is always above the pace (a negative pace too)."""
    return 1 + (actual - pace) / abs(pace)


def status_of(actual: float | None, pace: float | None, better: str) -> str | None:
    """ahead / on_track / behind for actual against pace (TOLERANCE both sides, bounds inclusive
    to on_track); None when either is unknown."""
    if actual is None or pace is None:
        return None
    if abs(pace) < _EPS:
        if abs(actual) < _EPS:
            return "on_track"
        good = actual < 0 if better == "down" else actual > 0
        return "ahead" if good else "behind"
    ratio = pace_ratio(actual, pace)
    if abs(ratio - 1) <= TOLERANCE + _EPS:
        return "on_track"
    above = ratio > 1
    return "ahead" if above == (better != "down") else "behind"


STATUS_SCHEMA: dict[str, Any] = {
    "target_id": pl.String, "metric": pl.String, "platform": pl.String, "channel": pl.String,
    "period_type": pl.String, "period_start": pl.Date, "period_end": pl.Date, "target_from": pl.Date,
    "target": pl.Float64, "floor": pl.Float64, "stretch": pl.Float64, "note": pl.String,
    "unit": pl.String, "better": pl.String, "accumulating": pl.Boolean, "as_of": pl.Date,
    "days_elapsed": pl.Int64, "days_total": pl.Int64, "elapsed_share": pl.Float64,
    "actual": pl.Float64, "pace": pl.Float64, "progress": pl.Float64, "pace_ratio": pl.Float64,
    "status": pl.String, "band": pl.String, "reason": pl.String,
}


def _band(actual: float | None, floor: float | None, stretch: float | None, share: float, scale: bool,
          better: str) -> str | None:
    if actual is None:
        return None
    factor = share if scale else 1.0
    worse = (lambda a, b: a > b + _EPS) if better == "down" else (lambda a, b: a < b - _EPS)
    if floor is not None and worse(actual, floor * factor):
        return "below_floor"
    if stretch is not None and not worse(actual, stretch * factor):
        return "stretch_met"
    return None


def evaluate_target(store: Store, row: Mapping[str, Any], as_of: date, *, tz: str = "UTC",
                    denominator: str = "reach") -> dict[str, Any]:
    """One target row on one day (STATUS_SCHEMA keys). The period is the row's type containing
    as_of, or the row's own first period when that starts later (reason not_started)."""
    metric, period_type = row["metric"], row["period_type"]
    info = metric_info(metric)
    start = max(period_start_for(period_type, as_of), row["period_start"])
    end = period_end(period_type, start)
    scale = accumulating(metric)
    out: dict[str, Any] = {
        "target_id": row.get("target_id"), "metric": metric, "platform": row.get("platform"),
        "channel": row.get("channel"), "period_type": period_type, "period_start": start, "period_end": end,
        "target_from": row["period_start"], "target": row["value"], "floor": row.get("floor"),
        "stretch": row.get("stretch"), "note": row.get("note"), "unit": info.unit, "better": info.better,
        "accumulating": scale, "as_of": as_of, "days_total": (end - start).days + 1,
        "days_elapsed": 0, "elapsed_share": 0.0, "actual": None, "pace": None, "progress": None,
        "pace_ratio": None, "status": None, "band": None, "reason": None,
    }
    if as_of < start:
        out["reason"] = "not_started"
        return out
    last = min(as_of, end)
    out["days_elapsed"] = (last - start).days + 1
    share = out["elapsed_share"] = out["days_elapsed"] / out["days_total"]
    try:
        actual = actual_value(store, metric, start, last, platform=row.get("platform"), channel=row.get("channel"),
                              tz=tz, denominator=denominator)
    except UnsupportedMetric:
        out["reason"] = "unsupported"
        return out
    target = float(row["value"])
    pace = target * share if scale else target
    out["pace"] = pace
    if actual is None:
        out["reason"] = "no_data"
        return out
    out["actual"] = actual
    out["progress"] = actual / target if target else None
    out["pace_ratio"] = pace_ratio(actual, pace) if abs(pace) > _EPS else None
    out["status"] = status_of(actual, pace, info.better)
    out["band"] = _band(actual, row.get("floor"), row.get("stretch"), share, scale, info.better)
    return out


def _applicable(rows: Sequence[Mapping[str, Any]], as_of: date) -> Mapping[str, Any]:
    """Among the rows of one metric, scope and period type: the newest that has started by the
    period containing as_of, else the first one (not started yet)."""
    ordered = sorted(rows, key=lambda r: r["period_start"])
    started = [r for r in ordered if has_started(r, as_of)]
    return started[-1] if started else ordered[0]


def _workspace_defaults(store: Store, tz: str | None, denominator: str | None) -> tuple[str, str]:
    return (tz or str(workspace_tz(store)),
            denominator or get_setting(store, "engagement_denominator") or "reach")


def _all_rows(store: Store) -> list[dict[str, Any]]:
    cur = store.cursor()
    try:
        return _dicts(cur, f"SELECT {_SELECT} FROM targets ORDER BY {_ORDER}")
    finally:
        cur.raw.close()


def _groups(rows: Iterable[Mapping[str, Any]]) -> dict[tuple, list[Mapping[str, Any]]]:
    groups: dict[tuple, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["metric"], row["platform"], row["channel"], row["period_type"]), []).append(row)
    return groups


def _status_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=STATUS_SCHEMA, orient="row") if rows else pl.DataFrame(schema=STATUS_SCHEMA)


def targets_for_period(store: Store, filters: Filters) -> pl.DataFrame:
    """Every target evaluated on filters.end (STATUS_SCHEMA columns, one row per metric, scope and
    period type: the row that applies then). With platforms in the filters, only targets scoped
    to one of them (platform or channel); without, every target. Accounts are not a target scope
    and are ignored. Ordered as the metric catalogue, then scope, then week / month / quarter."""
    rows = _all_rows(store)
    if filters.platforms:
        rows = [r for r in rows if (r["platform"] or r["channel"]) in filters.platforms]
    tz = filters.tz
    order = {k: i for i, k in enumerate(target_metric_keys())}
    out = []
    for (metric, *_), group in _groups(rows).items():
        if metric not in order:  # a key its module no longer defines
            continue
        out.append(evaluate_target(store, _applicable(group, filters.end), filters.end, tz=tz,
                                   denominator=filters.denominator))
    out.sort(key=lambda r: (order[r["metric"]], r["platform"] or "", r["channel"] or "",
                            PERIOD_TYPES.index(r["period_type"])))
    return _status_frame(out)


def _missing(metric: str, platform: str | None, channel: str | None, as_of: date, reason: str) -> dict[str, Any]:
    info = metric_info(metric) if metric in target_metric_keys() else None
    return {**dict.fromkeys(STATUS_SCHEMA), "metric": metric, "platform": platform, "channel": channel,
            "as_of": as_of, "unit": info.unit if info else None, "better": info.better if info else None,
            "reason": reason}


def applicable_target(store: Store, metric: str, platform: str | None, as_of: date, *,
                      channel: str | None = None, period_type: str | None = None,
                      prefer: Sequence[str] = ("month", "week", "quarter")) -> dict[str, Any] | None:
    """The stored target row (TARGET_COLUMNS) that applies to one metric and scope on as_of,
    without measuring anything: among the period types set, period_type or else the first of
    `prefer` whose row has started by then; a row that has not started yet when none has;
    None when the metric and scope have no target at all."""
    rows = [r for r in _all_rows(store)
            if r["metric"] == metric and r["platform"] == platform and r["channel"] == channel
            and (period_type is None or r["period_type"] == period_type)]
    if not rows:
        return None
    groups = _groups(rows)
    candidates = [_applicable(groups[key], as_of) for key in sorted(
        groups, key=lambda k: list(prefer).index(k[3]) if k[3] in prefer else len(prefer))]
    started = [r for r in candidates if has_started(r, as_of)]
    return dict((started or candidates)[0])


def target_status(store: Store, metric: str, platform: str | None = None, as_of: date | None = None, *,
                  channel: str | None = None, period_type: str | None = None,
                  prefer: Sequence[str] = ("month", "week", "quarter"), tz: str | None = None,
                  denominator: str | None = None) -> dict[str, Any]:
    """How the target of one metric and scope (platform, or channel, or neither = all) is doing on
    as_of (default: today in the workspace zone): a dict with STATUS_SCHEMA keys, for the row
    applicable_target picks. No matching row: reason 'no_target'."""
    tz, denominator = _workspace_defaults(store, tz, denominator)
    as_of = as_of or datetime.now(workspace_tz(store)).date()
    row = applicable_target(store, metric, platform, as_of, channel=channel, period_type=period_type, prefer=prefer)
    if row is None:
        return _missing(metric, platform, channel, as_of, "no_target")
    return evaluate_target(store, row, as_of, tz=tz, denominator=denominator)


def statuses_for(store: Store, filters: Filters, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Target status per metric key for a page's view (the KPI tiles): the scope is the single
    filtered platform, or all platforms when none is filtered; with several platforms filtered no
    target matches the view and the result is empty. Keys without a target are left out."""
    if len(filters.platforms) > 1:
        return {}
    platform = filters.platforms[0] if filters.platforms else None
    have = {r["metric"] for r in _all_rows(store) if r["platform"] == platform and r["channel"] is None}
    return {key: target_status(store, key, platform, filters.end, tz=filters.tz, denominator=filters.denominator)
            for key in keys if key in have}


# days per chart bucket and per target period (months and quarters as calendar averages)
_AVERAGE_MONTH = 365.25 / 12
_BUCKET_DAYS = {"day": 1.0, "week": 7.0, "month": _AVERAGE_MONTH}
_PERIOD_DAYS = {"week": 7.0, "month": _AVERAGE_MONTH, "quarter": 365.25 / 4}


def target_for_chart(store: Store, metric: str, filters: Filters, per_platform_lines: bool = False
                     ) -> dict[str, Any] | None:
    """The target line (and floor-stretch band) for a chart of `metric` over filters, in the
    chart's bucket (filters.granularity): accumulating targets are scaled by bucket days / period
    days (a 20-a-month target is 20 x 7 / 30.44 = 4.6 on a weekly chart; months and quarters as
    calendar averages), ratios are drawn as they are. Scope as statuses_for. With
    per_platform_lines (one line per platform), an all-platform target of a sum (posts,
    impressions) is not drawn: it cannot be read against each platform's own line; rates are.
    Returns {value, floor, stretch, period_type, metric, platform, unit} or None."""
    if len(filters.platforms) > 1 or metric not in target_metric_keys():
        return None
    platform = filters.platforms[0] if filters.platforms else None
    if per_platform_lines and platform is None and metric_info(metric).additive:
        return None
    row = applicable_target(store, metric, platform, filters.end)
    if row is None or not has_started(row, filters.end):
        return None
    factor = _BUCKET_DAYS[filters.granularity] / _PERIOD_DAYS[row["period_type"]] if accumulating(metric) else 1.0

    def scaled(value: float | None) -> float | None:
        return None if value is None else value * factor

    return {"metric": metric, "platform": platform, "period_type": row["period_type"],
            "unit": metric_info(metric).unit, "value": scaled(row["value"]), "floor": scaled(row["floor"]),
            "stretch": scaled(row["stretch"])}

