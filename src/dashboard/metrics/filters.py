"""What every metric query is asked for: a period, platforms, accounts, granularity, time zone.

Periods are inclusive calendar dates in the workspace time zone. The comparison period is the
previous equal-length period, like for like: a partial week against the same weekdays of the
week before, a month-to-date against the same days of the previous month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

GRANULARITIES = ("day", "week", "month")
DENOMINATORS = ("reach", "impressions", "followers")
PRESETS = ("last_7", "last_28", "last_90", "this_week", "last_week", "this_month", "last_month",
           "this_quarter", "last_quarter", "custom")


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    platforms: tuple[str, ...] = ()  # empty: all
    accounts: tuple[str, ...] = ()  # empty: all
    granularity: str = "day"
    tz: str = "UTC"
    denominator: str = "reach"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("end before start")
        if self.granularity not in GRANULARITIES:
            raise ValueError(f"granularity {self.granularity!r}")
        if self.denominator not in DENOMINATORS:
            raise ValueError(f"denominator {self.denominator!r}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        start, end = previous_period(self.start, self.end)
        return replace(self, start=start, end=end)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The comparison period: same days of the previous month for month-to-date, else the
    equal-length period just before (which for a partial ISO week is the same weekdays)."""
    if start.day == 1 and end.month == start.month and end.year == start.year:
        prev_month_end = start - timedelta(days=1)
        prev_start = prev_month_end.replace(day=1)
        last_day = calendar.monthrange(prev_start.year, prev_start.month)[1]
        return prev_start, prev_start.replace(day=min(end.day, last_day))
    length = (end - start).days + 1
    if start.weekday() == 0 and length < 7:  # week to date: the same weekdays of last week
        return start - timedelta(days=7), end - timedelta(days=7)
    return start - timedelta(days=length), start - timedelta(days=1)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def preset_period(preset: str, today: date) -> tuple[date, date]:
    """Date range of a preset, ending today at the latest (a partial period stays partial)."""
    if preset == "last_7":
        return today - timedelta(days=6), today
    if preset == "last_28":
        return today - timedelta(days=27), today
    if preset == "last_90":
        return today - timedelta(days=89), today
    monday = today - timedelta(days=today.weekday())
    if preset == "this_week":
        return monday, today
    if preset == "last_week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    quarter = _quarter_start(today)
    if preset == "this_quarter":
        return quarter, today
    if preset == "last_quarter":
        end = quarter - timedelta(days=1)
        return _quarter_start(end), end
    raise ValueError(f"unknown preset {preset!r}")


def iso_week_period(label: str) -> tuple[date, date]:
    """'2026-W47' -> (Monday, Sunday)."""
    year, week = label.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return monday, monday + timedelta(days=6)
