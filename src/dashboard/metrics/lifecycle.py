"""User lifecycle (DESIGN.md section 5): flows, stages, funnel, cohorts and active users, from `events`.

Every figure is DuckDB SQL; Python only shapes the small results. The queries read two derived
tables (schema migrations 4 and 6) that `ensure_activity` rebuilds from `events` whenever the events
(or the workspace time zone) changed: `lifecycle_activity`, one row per user, active day and event
type (the first time, the number of distinct events and their revenue, with the user's first day,
first-touch channel and the days of the user's neighbouring rows), and `lifecycle_users`, one row
per user (first time, first and last day, first-touch channel, revenue). They hold nothing that
depends on the thresholds, so editing those needs no rebuild. `lifecycle_activity` is stored in day
order, so DuckDB's per-row-group minimum and maximum let a query about recent days or recent
cohorts skip the rest of the table; the neighbouring days on each row make "active in the period
before", "the next active day" and "once per user and period" plain filters instead of windows and
joins, and the channel on each row makes a channel filter a plain filter too.

Definitions (days are calendar days in the workspace time zone; a period is a day, an ISO week
starting Monday, or a calendar month):
- A user is *active* on a day with at least one event of any type. Several events of one user in
  one day or period count once.
- Flows per period P (PostHog-style), counting activity up to the `end` date and judging "first
  ever" on the whole stored history before it:
  new = first-ever activity in P; retained = active in P and in the period before;
  resurrected = active in P, not in the period before, seen before; dormant = active in the period
  before, not in P (returned as a negative number); churned = users whose `churn_days`-th day
  without activity falls in P (a user last active on day L churns on day L + churn_days, unless
  active again by then). active = new + retained + resurrected.
- Stage on a date D (one stage per user seen on or before D, in this order of precedence):
  new = first seen within `new_days` (D - first day < new_days); active = last activity within
  `active_days` (D - last day < active_days); silent = D - last day < churn_days; churned = the rest.
- Funnel over the users acquired (first-ever activity) in [start, end], followed through all the
  stored history: acquired -> activated (an activation event on one of the first `activation_days`
  days) -> retained (active again `retention_days` or more days after the first day) -> converted
  (a conversion event). Each step is a subset of the one before. A step is reached at the moment its
  condition and the previous step's both hold (greatest of the two times), so the median time
  between steps is never negative.
- Cohorts: users by the period of their first-ever activity; age k = k periods later. "on": share
  of the cohort active in the period of age k; "on_or_after": share active in that period or any
  later one. Cells of periods after the last stored data are left out; the average row weights
  each cohort by its users.
- Revenue and purchases: an event repeated with the same user, time, type and revenue counts once.
  A purchase is an event whose type is a conversion event.
- A user's acquisition (first-touch) channel is the channel of their earliest event that names one.
- Event types compare in lower case; a channel is trimmed and an empty one is unknown. The
  conversion event types are the workspace's `conversion_events` setting (shared with channel ROI);
  the other thresholds live in the `lifecycle` setting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import polars as pl

from dashboard.metrics.memo import memoised
from dashboard.settings import DEFAULTS, get_setting
from dashboard.store.db import Cursor, Store

PERIODS = ("day", "week", "month")
STAGES = ("new", "active", "silent", "churned")
FLOWS = ("new", "retained", "resurrected", "dormant", "churned")
STEPS = ("acquired", "activated", "retained", "converted")
COHORT_MODES = ("on", "on_or_after")
DAY_FIELDS = ("new_days", "active_days", "churn_days", "activation_days", "retention_days")
MAX_DAYS = 3650
USER_COLUMNS = ("user_id", "channel", "first_seen", "last_active", "revenue")


def threshold_problems(values: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """What is wrong with a set of thresholds, as (i18n code suffix, params); empty when valid."""
    problems: list[tuple[str, dict[str, Any]]] = []
    for name in DAY_FIELDS:
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
            problems.append(("days_range", {"field": name, "max": MAX_DAYS}))
    if not problems:
        if values["active_days"] > values["churn_days"]:
            problems.append(("active_over_churn", {}))
        if values["new_days"] > values["churn_days"]:
            problems.append(("new_over_churn", {}))
    for name in ("activation_events", "conversion_events"):
        chosen = values.get(name)
        if not chosen or not all(isinstance(v, str) and v for v in chosen):
            problems.append(("no_events", {"field": name}))
    return problems


@dataclass(frozen=True)
class LifecycleParams:
    """Thresholds (LIFECYCLE settings), the workspace time zone, and an optional filter on the
    users' acquisition (first-touch) channel."""

    tz: str = "UTC"
    new_days: int = 7
    active_days: int = 7
    churn_days: int = 30
    activation_days: int = 7
    retention_days: int = 7
    activation_events: tuple[str, ...] = tuple(DEFAULTS["lifecycle"]["activation_events"])
    conversion_events: tuple[str, ...] = tuple(DEFAULTS["conversion_events"])
    channels: tuple[str, ...] = field(default=())  # empty: every user

    def __post_init__(self) -> None:
        problems = threshold_problems(self.thresholds())
        if problems:
            raise ValueError(f"invalid lifecycle thresholds: {problems}")

    def thresholds(self) -> dict[str, Any]:
        """Every threshold as plain values (lists for the event types)."""
        return {f.name: (list(getattr(self, f.name)) if f.name.endswith("_events") else getattr(self, f.name))
                for f in fields(self) if f.name not in ("tz", "channels")}


def normalise_events(values: Any) -> tuple[str, ...]:
    """Event types as compared: trimmed, lower case, each once, in the order given."""
    out: list[str] = []
    for value in values if isinstance(values, list | tuple) else []:
        text = str(value).strip().lower()
        if text and text not in out:
            out.append(text)
    return tuple(out)


def settings_values(values: dict[str, Any]) -> dict[str, Any]:
    """Thresholds split the way they are stored: {'lifecycle': {...}, 'conversion_events': [...]}."""
    lifecycle = {k: (list(v) if k.endswith("_events") else v) for k, v in values.items()
                 if k in DEFAULTS["lifecycle"]}
    return {"lifecycle": lifecycle, "conversion_events": list(values.get("conversion_events") or [])}


def params_from_settings(store: Store, channels: tuple[str, ...] = ()) -> LifecycleParams:
    """The workspace's thresholds (stored values over the defaults), conversion events and time zone."""
    stored = get_setting(store, "lifecycle") or {}
    merged = {**DEFAULTS["lifecycle"], **(stored if isinstance(stored, dict) else {}),
              "conversion_events": get_setting(store, "conversion_events")}
    known = {f.name for f in fields(LifecycleParams)}
    values = {k: (normalise_events(v) if k.endswith("_events") else v) for k, v in merged.items() if k in known}
    try:
        return LifecycleParams(tz=str(get_setting(store, "timezone") or "UTC"), channels=tuple(channels), **values)
    except (TypeError, ValueError):  # a damaged setting: the defaults rather than a broken page
        return LifecycleParams(tz=str(get_setting(store, "timezone") or "UTC"), channels=tuple(channels))


# -- the derived activity tables -----------------------------------------------------------------

ACTIVITY_RECIPE = 2  # bump when the way lifecycle_activity / lifecycle_users are built changes
_ACTIVITY_KEY = "__lifecycle_activity"


def _fingerprint(reader: Store | Cursor, tz: str) -> str:
    """What the derived tables were built from: the events (their count and the imports that wrote
    or removed any) and the time zone."""
    events = reader.scalar("SELECT count(*) FROM events")
    imports = reader.scalar(
        "SELECT [count(*) FILTER (WHERE status IN ('imported', 'undone')), "
        "count(*) FILTER (WHERE status = 'undone')]::VARCHAR || max(imported_at)::VARCHAR FROM imports")
    return json.dumps([ACTIVITY_RECIPE, tz, events, imports])


_REBUILD = [
    "DELETE FROM lifecycle_activity",
    "DELETE FROM lifecycle_users",
    # prev_day / next_day are the days of the user's rows before and after in (day, type) order: the
    # previous active day on a day's first row, the next one on its last row, and the day itself
    # on the others, which the queries' conditions on them (an earlier or a later day) leave out
    """INSERT INTO lifecycle_activity (user_id, day, t, ts, n, revenue, prev_day, next_day, first_day, channel)
    WITH ev AS (
        SELECT DISTINCT user_id, occurred_at, lower(trim(event_type)) AS t, revenue
        FROM events WHERE user_id IS NOT NULL AND user_id <> '' AND occurred_at IS NOT NULL),
    per_type AS (
        SELECT user_id, CAST(timezone($1, occurred_at) AS DATE) AS day, t, min(occurred_at) AS ts, count(*) AS n,
               sum(revenue) AS revenue
        FROM ev GROUP BY ALL),
    touch AS (
        SELECT user_id, arg_min(trim(channel), occurred_at) AS channel FROM events
        WHERE nullif(trim(channel), '') IS NOT NULL AND user_id IS NOT NULL AND user_id <> ''
          AND occurred_at IS NOT NULL
        GROUP BY user_id)
    SELECT user_id, day, t, ts, n, revenue, lag(day) OVER w, lead(day) OVER w, first_value(day) OVER w, channel
    FROM per_type LEFT JOIN touch USING (user_id) WINDOW w AS (PARTITION BY user_id ORDER BY day, t NULLS FIRST)
    ORDER BY day""",
    """INSERT INTO lifecycle_users (user_id, first_at, first_day, last_day, channel, revenue)
    SELECT user_id, min(ts), min(day), max(day), any_value(channel), coalesce(sum(revenue), 0)
    FROM lifecycle_activity GROUP BY user_id
    ORDER BY 3""",
]


def ensure_activity(store: Store, tz: str) -> bool:
    """Rebuild the derived tables when the events or the time zone changed; True if it rebuilt.
    The rebuild is one transaction under the write lock (readers keep the old tables until it
    commits) and does not bump the data version: the data did not change."""
    wanted = _fingerprint(store, tz)
    if store.scalar(f"SELECT value FROM settings WHERE key = '{_ACTIVITY_KEY}'") == json.dumps(wanted):
        return False
    with store.write(bump=False) as cur:
        wanted = _fingerprint(cur, tz)
        if cur.scalar(f"SELECT value FROM settings WHERE key = '{_ACTIVITY_KEY}'") == json.dumps(wanted):
            return False
        for statement in _REBUILD:
            cur.run(statement, [tz] if "$1" in statement else None)
        cur.run("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [_ACTIVITY_KEY, json.dumps(wanted)])
    return True


# -- SQL building blocks -------------------------------------------------------------------------

class _Bind:
    """Numbered parameters ($1, $2 ...); a name bound twice reuses its number."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[str, int] = {}

    def __call__(self, name: str, value: Any, cast: str | None = None) -> str:
        if name not in self._index:
            self.values.append(value)
            self._index[name] = len(self.values)
        ref = f"${self._index[name]}"
        return f"CAST({ref} AS {cast})" if cast else ref


_UNITS = {"day": "day", "week": "week", "month": "month"}


def _check_period(period: str) -> str:
    if period not in _UNITS:
        raise ValueError(f"period {period!r}")
    return period


def _trunc(expr: str, period: str) -> str:
    return f"CAST(date_trunc('{_UNITS[_check_period(period)]}', {expr}) AS DATE)"


def _shift(expr: str, period: str, n: str | int) -> str:
    """The period n periods after the one starting at expr (a DATE)."""
    if period == "day":
        return f"({expr} + CAST({n} AS INTEGER))"
    if period == "week":
        return f"({expr} + CAST(7 * ({n}) AS INTEGER))"
    return f"CAST({expr} + to_months(CAST({n} AS INTEGER)) AS DATE)"


def _age(cohort: str, expr: str, period: str) -> str:
    """Whole periods from the period starting at cohort to the one starting at expr."""
    if period == "day":
        return f"({expr} - {cohort})"
    if period == "week":
        return f"(({expr} - {cohort}) // 7)"
    return f"date_diff('month', {cohort}, {expr})"


def _scope(store: Store, b: _Bind, params: LifecycleParams) -> str:
    """`users` (the users in scope: all, or those of the chosen acquisition channels) and `activity`
    (their rows of lifecycle_activity), after making sure the derived tables are current. Both are
    inlined, never materialised, so that the callers' date filters reach the table scans."""
    ensure_activity(store, params.tz)
    chosen = f"WHERE list_contains({b('channels', list(params.channels), 'VARCHAR[]')}, channel)" \
        if params.channels else ""
    return (f"WITH users AS NOT MATERIALIZED (SELECT * FROM lifecycle_users {chosen}),\n"
            f"activity AS NOT MATERIALIZED (SELECT * FROM lifecycle_activity {chosen})")


def _is_one_of(b: _Bind, name: str, events: tuple[str, ...]) -> str:
    """Whether a row's event type (lifecycle_activity.t) is one of the given types."""
    return f"list_contains({b(name, list(events), 'VARCHAR[]')}, t)"


def _opens_period(period: str) -> str:
    """Whether a row of lifecycle_activity is its user's first in its period: the previous row is
    in an earlier period (or there is none). Each user counts once per active period."""
    return f"(prev_day IS NULL OR {_trunc('prev_day', period)} < {_trunc('day', period)})"


# -- what the store holds ------------------------------------------------------------------------

def has_events(store: Store) -> bool:
    return bool(store.scalar("SELECT count(*) FROM (SELECT 1 FROM events WHERE user_id IS NOT NULL LIMIT 1)"))


def event_span(store: Store, tz: str) -> tuple[date | None, date | None]:
    """First and last day with events, in the workspace time zone."""
    row = store.rows("SELECT CAST(timezone(?, min(occurred_at)) AS DATE), CAST(timezone(?, max(occurred_at)) AS DATE) "
                     "FROM events WHERE user_id IS NOT NULL", [tz, tz])[0]
    return row[0], row[1]


@memoised  # the page asks for the types twice
def _types_and_channels(store: Store) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Event types (as compared) and channels (trimmed), each once and sorted. The stored values are
    made distinct before they are cleaned: a few distinct strings to trim instead of every event's."""
    # no condition in SQL: DuckDB would push it into the scan and clean every event's value after all
    rows = store.rows(
        "SELECT 'type', lower(trim(v)) FROM (SELECT DISTINCT event_type AS v FROM events) "
        "UNION ALL SELECT 'channel', trim(v) FROM (SELECT DISTINCT channel AS v FROM events)")
    return tuple(sorted({v for k, v in rows if k == "type" and v})), \
        tuple(sorted({v for k, v in rows if k == "channel" and v}))


def event_types(store: Store) -> list[str]:
    """Every event type in the store, as compared (lower case)."""
    return list(_types_and_channels(store)[0])


def channels(store: Store) -> list[str]:
    return list(_types_and_channels(store)[1])


# -- flows ---------------------------------------------------------------------------------------

def flows(store: Store, params: LifecycleParams, period: str, start: date, end: date) -> pl.DataFrame:
    """One row per period overlapping [start, end]: period_start, new, retained, resurrected,
    dormant (<= 0), churned, active, complete (false for a last period cut short by `end`).
    Activity after `end` is not seen."""
    b = _Bind()
    _check_period(period)
    first_p, last_p = _trunc(b("start", start, "DATE"), period), _trunc(b("end", end, "DATE"), period)
    e = b("end", end, "DATE")
    churn = b("churn_days", params.churn_days, "INTEGER")
    # a user churns on one day per active day, so per day there is nothing to de-duplicate
    churned_users = "count(*)" if period == "day" else "count(DISTINCT user_id)"
    # each user's first row per active period (up to `end`), from the period before the first shown;
    # the period of the row before it tells new (none), retained (the period before) and resurrected
    sql = f"""{_scope(store, b, params)},
    opened AS (
        SELECT {_trunc('day', period)} AS p, prev_day, {_trunc('prev_day', period)} AS prev_p FROM activity
        WHERE day BETWEEN {_shift(first_p, period, -1)} AND {e} AND {_opens_period(period)}),
    active AS (
        SELECT p, count(*) AS active, count(*) FILTER (WHERE prev_day IS NULL) AS new,
               count(*) FILTER (WHERE prev_p = {_shift('p', period, -1)}) AS retained,
               count(*) FILTER (WHERE prev_p < {_shift('p', period, -1)}) AS resurrected
        FROM opened GROUP BY p),
    churned AS (
        SELECT {_trunc(f'day + {churn}', period)} AS p, {churned_users} AS churned FROM activity
        WHERE day BETWEEN {first_p} - {churn} AND {e} - {churn}
          AND (next_day IS NULL OR next_day > day + {churn})
        GROUP BY 1),
    periods AS (
        SELECT {_shift(first_p, period, 'n')} AS p
        FROM range(0, {_age(first_p, last_p, period)} + 1) AS t(n))
    SELECT periods.p AS period_start, coalesce(a.new, 0) AS new, coalesce(a.retained, 0) AS retained,
           coalesce(a.resurrected, 0) AS resurrected,
           coalesce(a.retained, 0) - coalesce(before.active, 0) AS dormant,  -- active before, not now
           coalesce(c.churned, 0) AS churned, coalesce(a.active, 0) AS active,
           {_shift('periods.p', period, 1)} - 1 <= {e} AS complete
    FROM periods LEFT JOIN active a USING (p)
    LEFT JOIN active before ON before.p = {_shift('periods.p', period, -1)} LEFT JOIN churned c USING (p)
    ORDER BY 1"""
    frame = store.frame(sql, b.values)
    return frame.with_columns(pl.col("period_start").cast(pl.Date),
                              *[pl.col(c).cast(pl.Int64) for c in (*FLOWS, "active")])


# -- stages --------------------------------------------------------------------------------------

def _on_day(b: _Bind, on: date) -> str:
    """`as_of`: per user in scope seen on or before `on`, their first day and last active day by then:
    the users' own last day, or, for those active again after `on`, the day of the row whose next
    day is after it."""
    d = b("on", on, "DATE")
    return f"""as_of AS (
        SELECT user_id, first_day, last_day FROM users WHERE last_day <= {d}
        UNION ALL
        SELECT user_id, first_day, day AS last_day FROM activity WHERE day <= {d} AND next_day > {d})"""


def _stage_case(b: _Bind, params: LifecycleParams, on: date) -> str:
    d = b("on", on, "DATE")
    return (f"CASE WHEN {d} - first_day < {b('new_days', params.new_days, 'INTEGER')} THEN 'new' "
            f"WHEN {d} - last_day < {b('active_days', params.active_days, 'INTEGER')} THEN 'active' "
            f"WHEN {d} - last_day < {b('churn_days', params.churn_days, 'INTEGER')} THEN 'silent' "
            "ELSE 'churned' END")


def stage_snapshot(store: Store, params: LifecycleParams, on: date) -> pl.DataFrame:
    """Users per stage on a date (every user seen on or before it): stage, users, share."""
    b = _Bind()
    sql = f"""{_scope(store, b, params)},
    {_on_day(b, on)}
    SELECT {_stage_case(b, params, on)} AS stage, count(*) AS users FROM as_of GROUP BY 1"""
    counts = dict(store.rows(sql, b.values))
    total = sum(counts.values())
    return pl.DataFrame({
        "stage": list(STAGES), "users": [int(counts.get(s, 0)) for s in STAGES],
        "share": [counts.get(s, 0) / total if total else None for s in STAGES],
    }, schema={"stage": pl.String, "users": pl.Int64, "share": pl.Float64})


# -- funnel --------------------------------------------------------------------------------------

def _funnel_users_sql(store: Store, b: _Bind, params: LifecycleParams, start: date, end: date, period: str) -> str:
    """CTEs ending in `reached`: one row per acquired user with the time each step was reached, the
    number of orders and the revenue (all their history)."""
    s, e = b("start", start, "DATE"), b("end", end, "DATE")
    converts = _is_one_of(b, "conversion_events", params.conversion_events)
    # `firsts` reads every user acquired in [start, end]; the join to `acquired` applies the scope
    return f"""{_scope(store, b, params)},
    acquired AS (
        SELECT user_id, first_at, first_day, channel, {_trunc('first_day', _check_period(period))} AS cohort, revenue
        FROM users WHERE first_day BETWEEN {s} AND {e}),
    firsts AS (
        SELECT user_id,
               min(ts) FILTER (WHERE {_is_one_of(b, 'activation_events', params.activation_events)}
                   AND day - first_day < {b('activation_days', params.activation_days, 'INTEGER')}) AS t_act,
               min(ts) FILTER (WHERE day - first_day >= {b('retention_days', params.retention_days, 'INTEGER')})
                   AS t_ret,
               min(ts) FILTER (WHERE {converts}) AS t_conv,
               coalesce(sum(n) FILTER (WHERE {converts}), 0) AS orders
        FROM lifecycle_activity WHERE first_day BETWEEN {s} AND {e} GROUP BY user_id),
    stepped AS (
        SELECT a.user_id, a.channel, a.cohort, a.revenue, a.first_at AS t1, f.t_act AS t2, f.t_ret, f.t_conv,
               f.orders
        FROM acquired a LEFT JOIN firsts f USING (user_id)),
    reached2 AS (
        SELECT *, CASE WHEN t2 IS NOT NULL AND t_ret IS NOT NULL THEN greatest(t2, t_ret) END AS t3 FROM stepped),
    reached AS (
        SELECT *, CASE WHEN t3 IS NOT NULL AND t_conv IS NOT NULL THEN greatest(t3, t_conv) END AS t4
        FROM reached2)"""


_GROUPINGS = {None: 3, "channel": 1, "cohort": 2}  # GROUPING(channel, cohort) of each grouping set


@memoised  # the funnel (overall, by channel, by cohort) and the channel comparison count the same users
def _funnel_counts(store: Store, params: LifecycleParams, start: date, end: date, period: str) -> pl.DataFrame:
    """Per grouping (`grouped`: 3 all, 1 per channel, 2 per cohort): users reaching each step
    (n1..n4), median days between steps (m2..m4), buyers, repeat buyers and revenue."""
    b = _Bind()
    # days between steps from the microseconds, as whole days plus the rest in seconds: the very
    # figures of epoch(t2 - t1) / 86400 in a UTC session, without interval arithmetic (4x slower
    # here) and without the session zone's daylight saving moving them by an hour
    micros = "(epoch_us(t{i}) - epoch_us(t{j}))"
    elapsed = f"({micros} // 86400000000 * 86400 + {micros} % 86400000000 / 1000000.0)"
    medians = ", ".join(f"median({elapsed.format(i=i, j=i - 1)} / 86400.0) AS m{i}" for i in range(2, 5))
    sql = f"""{_funnel_users_sql(store, b, params, start, end, period)}
    SELECT GROUPING(channel, cohort) AS grouped, channel, cohort,
           count(t1) AS n1, count(t2) AS n2, count(t3) AS n3, count(t4) AS n4, {medians},
           count(*) FILTER (WHERE orders >= 1) AS buyers, count(*) FILTER (WHERE orders >= 2) AS repeat_buyers,
           CAST(coalesce(sum(revenue), 0) AS DOUBLE) AS revenue
    FROM reached GROUP BY GROUPING SETS ((), (channel), (cohort))"""
    return store.frame(sql, b.values).with_columns(pl.col("cohort").cast(pl.Date))


def funnel(store: Store, params: LifecycleParams, start: date, end: date, by: str | None = None,
           period: str = "week") -> pl.DataFrame:
    """Acquired -> activated -> retained -> converted for the users acquired in [start, end].

    by: None (overall), 'channel' (first-touch channel; null when unknown) or 'cohort' (the
    `period` of first activity). Columns: [channel|cohort], step, step_index, users,
    rate_from_previous, rate_from_start, median_days_from_previous."""
    if by not in _GROUPINGS:
        raise ValueError(f"by {by!r}")
    _check_period(period)
    wide = _funnel_counts(store, params, start, end, period).filter(pl.col("grouped") == _GROUPINGS[by])
    records = list(wide.sort(by, nulls_last=True).iter_rows(named=True)) if by else \
        list(wide.iter_rows(named=True)) or [dict.fromkeys(("n1", "n2", "n3", "n4", "m2", "m3", "m4"))]
    rows = []
    for record in records:
        for index, step in enumerate(STEPS, start=1):
            users = int(record[f"n{index}"] or 0)
            previous = int(record[f"n{index - 1}"] or 0) if index > 1 else None
            first = int(record["n1"] or 0)
            rows.append({
                **({by: record[by]} if by else {}),
                "step": step, "step_index": index, "users": users,
                "rate_from_previous": (users / previous if previous else None) if index > 1 else (1.0 if users else None),
                "rate_from_start": users / first if first else None,
                "median_days_from_previous": float(record[f"m{index}"]) if index > 1 and record[f"m{index}"] is not None
                else None,
            })
    schema = {**({by: pl.Date if by == "cohort" else pl.String} if by else {}), "step": pl.String,
              "step_index": pl.Int64, "users": pl.Int64, "rate_from_previous": pl.Float64,
              "rate_from_start": pl.Float64, "median_days_from_previous": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def channel_comparison(store: Store, params: LifecycleParams, start: date, end: date) -> pl.DataFrame:
    """Per acquisition channel, for the users acquired in [start, end]: acquired, activation,
    retention and conversion rates (each over the users acquired), repeat purchase rate and
    revenue per acquired user (all their stored history)."""
    counts = ("acquired", "activated", "retained", "converted", "buyers", "repeat_buyers")
    frame = _funnel_counts(store, params, start, end, "week").filter(pl.col("grouped") == _GROUPINGS["channel"])
    frame = frame.select(
        "channel", *[pl.col(f"n{i}").cast(pl.Int64).alias(c) for i, c in enumerate(counts[:4], start=1)],
        *[pl.col(c).cast(pl.Int64) for c in counts[4:]], pl.col("revenue").cast(pl.Float64),
    ).sort(["acquired", "channel"], descending=[True, False], nulls_last=True)
    return frame.with_columns(
        (pl.col("activated") / pl.col("acquired")).alias("activation_rate"),
        (pl.col("retained") / pl.col("acquired")).alias("retention_rate"),
        (pl.col("converted") / pl.col("acquired")).alias("conversion_rate"),
        pl.when(pl.col("buyers") > 0).then(pl.col("repeat_buyers") / pl.col("buyers")).alias("repeat_rate"),
        (pl.col("revenue") / pl.col("acquired")).alias("revenue_per_user"),
    )


# -- cohorts -------------------------------------------------------------------------------------

def _cohort_ctes(store: Store, b: _Bind, params: LifecycleParams, period: str, start: date, end: date) -> str:
    """`cohorts` (user -> cohort period and last active period), `sizes`, `grid` (every observed
    cohort x age; the last stored day closes the triangle) and `cohort_rows` (the cohorts' rows of
    lifecycle_activity, with their cohort)."""
    first_p, last_p = _trunc(b("start", start, "DATE"), period), _trunc(b("end", end, "DATE"), period)
    # first days from the first period's start to the last period's end: a range on the column
    # itself, which lets the scans skip row groups
    in_cohorts = f"first_day >= {first_p} AND first_day < {_shift(last_p, period, 1)}"
    return f"""{_scope(store, b, params)},
    cohorts AS (
        SELECT user_id, {_trunc('first_day', period)} AS cohort, {_trunc('last_day', period)} AS last_p FROM users
        WHERE {in_cohorts}),
    sizes AS (SELECT cohort, count(*) AS cohort_size FROM cohorts GROUP BY cohort),
    observed AS (SELECT {_trunc('max(last_day)', period)} AS last_p FROM lifecycle_users),
    grid AS (
        SELECT s.cohort, s.cohort_size, CAST(t.age AS INTEGER) AS age
        FROM sizes s, observed o, range(0, {_age('s.cohort', 'o.last_p', period)} + 1) AS t(age)),
    cohort_rows AS NOT MATERIALIZED (
        SELECT *, {_trunc('first_day', period)} AS cohort FROM activity WHERE {in_cohorts})"""


def _with_average(frame: pl.DataFrame, sums: list[str], ratios: dict[str, tuple[str, str]]) -> pl.DataFrame:
    """Append, per age, the user-weighted average over the cohorts observed at that age
    (cohort null): sums of the counts, ratios recomputed from the sums."""
    if frame.is_empty():
        return frame.with_columns(pl.lit(False).alias("is_average"))
    average = frame.group_by("age").agg(pl.col(c).sum() for c in ("cohort_size", *sums)).with_columns(
        pl.lit(None, dtype=pl.Date).alias("cohort"))
    average = average.with_columns(
        *[pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).alias(name)
          for name, (num, den) in ratios.items()])
    both = pl.concat([frame.with_columns(pl.lit(False).alias("is_average")),
                      average.with_columns(pl.lit(True).alias("is_average")).select(
                          *frame.columns, "is_average")], how="vertical_relaxed")
    return both.sort(["is_average", "cohort", "age"])


def cohort_retention(store: Store, params: LifecycleParams, period: str, start: date, end: date,
                     mode: str = "on") -> pl.DataFrame:
    """The retention triangle: cohort (first-activity period in [start, end]; null on the average
    rows), age, cohort_size, users, rate, is_average. mode 'on' or 'on_or_after'."""
    if mode not in COHORT_MODES:
        raise ValueError(f"mode {mode!r}")
    _check_period(period)
    b = _Bind()
    if mode == "on":  # each user's first row per active period: one per user and age
        counted = f"""counts AS (
            SELECT cohort, {_age('cohort', _trunc('day', period), period)} AS age, count(*) AS users
            FROM cohort_rows WHERE {_opens_period(period)} GROUP BY ALL)"""
    else:  # a user counts at every age up to their last active one: suffix sums over ages
        counted = f"""per_age AS (
            SELECT cohort, {_age('cohort', 'last_p', period)} AS age, count(*) AS n FROM cohorts GROUP BY ALL),
        counts AS (
            SELECT g.cohort, g.age, sum(coalesce(p.n, 0)) OVER (
                PARTITION BY g.cohort ORDER BY g.age DESC ROWS UNBOUNDED PRECEDING) AS users
            FROM grid g LEFT JOIN per_age p USING (cohort, age))"""
    sql = f"""{_cohort_ctes(store, b, params, period, start, end)},
    {counted}
    SELECT g.cohort, g.age, g.cohort_size, coalesce(c.users, 0) AS users
    FROM grid g LEFT JOIN counts c USING (cohort, age) ORDER BY 1, 2"""
    frame = store.frame(sql, b.values).with_columns(
        pl.col("cohort").cast(pl.Date), pl.col("age").cast(pl.Int64), pl.col("cohort_size").cast(pl.Int64),
        pl.col("users").cast(pl.Int64))
    frame = frame.with_columns((pl.col("users") / pl.col("cohort_size")).alias("rate"))
    return _with_average(frame, ["users"], {"rate": ("users", "cohort_size")})


def cohort_revenue(store: Store, params: LifecycleParams, period: str, start: date, end: date) -> pl.DataFrame:
    """Per cohort and age, cumulative up to that age: buyers (1+ purchases), repeat_buyers (2+),
    buyer_rate (of the cohort), repeat_rate (of the buyers), revenue and revenue_per_user (over the
    cohort's users); plus the user-weighted average rows (cohort null)."""
    _check_period(period)
    b = _Bind()
    age = _age('cohort', _trunc('day', period), period)
    sql = f"""{_cohort_ctes(store, b, params, period, start, end)},
    running AS (
        SELECT cohort, user_id, {age} AS age,
               sum(n) OVER (PARTITION BY user_id ORDER BY day, t ROWS UNBOUNDED PRECEDING) AS cum
        FROM cohort_rows WHERE {_is_one_of(b, 'conversion_events', params.conversion_events)}),
    buys AS (
        SELECT cohort, min(age) FILTER (WHERE cum >= 1) AS first_age, min(age) FILTER (WHERE cum >= 2) AS second_age
        FROM running GROUP BY cohort, user_id),
    firsts AS (SELECT cohort, first_age AS age, count(*) AS n FROM buys GROUP BY ALL),
    seconds AS (SELECT cohort, second_age AS age, count(*) AS n FROM buys WHERE second_age IS NOT NULL GROUP BY ALL),
    money AS (SELECT cohort, {age} AS age, sum(revenue) AS revenue FROM cohort_rows GROUP BY ALL)
    SELECT g.cohort, g.age, g.cohort_size,
           sum(coalesce(f.n, 0)) OVER w AS buyers, sum(coalesce(r.n, 0)) OVER w AS repeat_buyers,
           CAST(sum(coalesce(m.revenue, 0)) OVER w AS DOUBLE) AS revenue
    FROM grid g LEFT JOIN firsts f USING (cohort, age) LEFT JOIN seconds r USING (cohort, age)
    LEFT JOIN money m USING (cohort, age)
    WINDOW w AS (PARTITION BY g.cohort ORDER BY g.age ROWS UNBOUNDED PRECEDING)
    ORDER BY 1, 2"""
    frame = store.frame(sql, b.values).with_columns(
        pl.col("cohort").cast(pl.Date), pl.col("age").cast(pl.Int64), pl.col("cohort_size").cast(pl.Int64),
        pl.col("buyers").cast(pl.Int64), pl.col("repeat_buyers").cast(pl.Int64))
    ratios = {"buyer_rate": ("buyers", "cohort_size"), "repeat_rate": ("repeat_buyers", "buyers"),
              "revenue_per_user": ("revenue", "cohort_size")}
    frame = frame.with_columns(*[pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).alias(name)
                                 for name, (num, den) in ratios.items()])
    return _with_average(frame, ["buyers", "repeat_buyers", "revenue"], ratios)


# -- active users --------------------------------------------------------------------------------

def active_users(store: Store, params: LifecycleParams, start: date, end: date) -> pl.DataFrame:
    """Per day in [start, end]: dau, wau (active in the 7 days ending that day), mau (30 days) and
    stickiness = dau / mau."""
    b = _Bind()
    s, e = b("start", start, "DATE"), b("end", end, "DATE")
    # one row per user and active day (the day's last row, whose next_day is the next active day);
    # each opens a window of 1, 7 or 30 days that ends early where the next one opens. Counted per
    # (day, ends) first: a few thousand groups instead of a million rows for the four deltas.
    sql = f"""{_scope(store, b, params)},
    spans AS (
        SELECT day, least(day + 7, coalesce(next_day, day + 7)) AS end7,
               least(day + 30, coalesce(next_day, day + 30)) AS end30, count(*) AS n
        FROM activity WHERE day BETWEEN {s} - 29 AND {e} AND next_day IS DISTINCT FROM day GROUP BY ALL),
    deltas AS (
        SELECT day AS d, n AS dau, n AS wau, n AS mau FROM spans
        UNION ALL SELECT day + 1, -n, 0, 0 FROM spans
        UNION ALL SELECT end7, 0, -n, 0 FROM spans
        UNION ALL SELECT end30, 0, 0, -n FROM spans),
    per_day AS (SELECT d, sum(dau) AS dau, sum(wau) AS wau, sum(mau) AS mau FROM deltas GROUP BY d),
    calendar AS (SELECT {s} - 29 + CAST(n AS INTEGER) AS d FROM range(0, {e} - {s} + 30) AS t(n)),
    running AS (
        SELECT calendar.d, sum(coalesce(dau, 0)) OVER w AS dau, sum(coalesce(wau, 0)) OVER w AS wau,
               sum(coalesce(mau, 0)) OVER w AS mau
        FROM calendar LEFT JOIN per_day USING (d) WINDOW w AS (ORDER BY calendar.d ROWS UNBOUNDED PRECEDING))
    SELECT d AS day, dau, wau, mau FROM running WHERE d >= {s} ORDER BY d"""
    frame = store.frame(sql, b.values).with_columns(
        pl.col("day").cast(pl.Date), *[pl.col(c).cast(pl.Int64) for c in ("dau", "wau", "mau")])
    return frame.with_columns(pl.when(pl.col("mau") > 0).then(pl.col("dau") / pl.col("mau")).alias("stickiness"))


def active_summary(frame: pl.DataFrame) -> dict[str, float | None]:
    """From `active_users`: DAU, WAU, MAU on the last day, average DAU over its last 30 days, and
    stickiness = that average DAU / MAU on the last day."""
    if frame.is_empty():
        return dict.fromkeys(("dau", "wau", "mau", "avg_dau", "stickiness"))
    last = frame.row(-1, named=True)
    avg_dau = float(frame.tail(30)["dau"].mean())
    return {"dau": last["dau"], "wau": last["wau"], "mau": last["mau"], "avg_dau": avg_dau,
            "stickiness": avg_dau / last["mau"] if last["mau"] else None}


# -- user lists ----------------------------------------------------------------------------------

def _typed_users(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("first_seen").cast(pl.Date), pl.col("last_active").cast(pl.Date),
                              pl.col("revenue").cast(pl.Float64)).select(USER_COLUMNS)


def stage_users(store: Store, params: LifecycleParams, on: date, stage: str) -> pl.DataFrame:
    """The users in a stage on a date (user_id, channel, first_seen, last_active and revenue as of
    that date), most recently active first."""
    if stage not in STAGES:
        raise ValueError(f"stage {stage!r}")
    b = _Bind()
    d = b("on", on, "DATE")
    # revenue as of `on`: the stored total for users not seen since, the rows up to it for the others
    sql = f"""{_scope(store, b, params)},
    {_on_day(b, on)},
    picked AS (SELECT user_id, first_day, last_day FROM as_of
               WHERE {_stage_case(b, params, on)} = {b('stage', stage)}),
    back_later AS (SELECT user_id FROM picked JOIN users u USING (user_id) WHERE u.last_day > {d}),
    spend AS (
        SELECT user_id, sum(revenue) AS revenue FROM lifecycle_activity SEMI JOIN back_later USING (user_id)
        WHERE day <= {d} GROUP BY user_id)
    SELECT p.user_id, u.channel, p.first_day AS first_seen, p.last_day AS last_active,
           CASE WHEN u.last_day <= {d} THEN u.revenue ELSE coalesce(s.revenue, 0) END AS revenue
    FROM picked p JOIN users u USING (user_id) LEFT JOIN spend s USING (user_id)
    ORDER BY p.last_day DESC, p.user_id"""
    return _typed_users(store.frame(sql, b.values))


def funnel_users(store: Store, params: LifecycleParams, start: date, end: date, step: str,
                 stopped: bool = False) -> pl.DataFrame:
    """The users acquired in [start, end] who reached a funnel step (stopped: and not the next),
    with their whole history's last active day and revenue."""
    if step not in STEPS:
        raise ValueError(f"step {step!r}")
    b = _Bind()
    index = STEPS.index(step) + 1
    condition = f"t{index} IS NOT NULL" + (f" AND t{index + 1} IS NULL" if stopped and index < len(STEPS) else "")
    sql = f"""{_funnel_users_sql(store, b, params, start, end, 'week')}
    SELECT u.user_id, u.channel, u.first_day AS first_seen, u.last_day AS last_active, u.revenue
    FROM reached r JOIN users u USING (user_id) WHERE {condition}
    ORDER BY u.last_day DESC, u.user_id"""
    return _typed_users(store.frame(sql, b.values))
