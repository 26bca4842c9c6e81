"""Service levels: working hours in Milan (weekends, Italian holidays, 7 December excluded)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

from qc_platform.core.clock import ROME
from qc_platform.core.holidays import is_holiday

__all__ = ["is_holiday", "is_working_day", "add_working_hours", "working_hours_between"]


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def add_working_hours(start: datetime, hours: int) -> datetime:
    """``start`` plus ``hours`` hours that fall on working days (Europe/Rome calendar).

    Time on weekends and holidays does not count: a report sent on Friday at 18:00 with
    48 working hours is due on Tuesday at 18:00 (on Wednesday if Monday is a holiday).
    """
    local = start.astimezone(ROME)
    remaining = timedelta(hours=hours)
    day = local.date()
    cursor = local
    while True:
        if is_working_day(day):
            end_of_day = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ROME)
            available = end_of_day - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(start.tzinfo)
            remaining -= available
        day += timedelta(days=1)
        cursor = datetime.combine(day, time(0), tzinfo=ROME)


@cache
def _year(year: int) -> tuple[int, tuple[int, ...]]:
    """The ordinal of 1 January, and the working days of ``year`` before each of its days.

    ``counts[i]``: working days before the i-th day (from 0); the last item is the year's
    total. Cached: the statistics measure thousands of spans per request.
    """
    first = date(year, 1, 1)
    counts = [0]
    day = first
    while day.year == year:
        counts.append(counts[-1] + is_working_day(day))
        day += timedelta(days=1)
    return first.toordinal(), tuple(counts)


def _before(day: date) -> int:
    first, counts = _year(day.year)
    return counts[day.toordinal() - first]


def _counts(day: date) -> bool:
    first, counts = _year(day.year)
    index = day.toordinal() - first
    return counts[index + 1] != counts[index]


def working_days(first: date, last: date) -> int:
    """Working days from ``first`` (included) to ``last`` (excluded)."""
    if last <= first:
        return 0
    whole_years = sum(_year(year)[1][-1] for year in range(first.year, last.year))
    return whole_years + _before(last) - _before(first)


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours elapsed from ``start`` to ``end`` (0 when end is not after start).

    The part of the first and of the last day, if working days, plus 24 hours for each
    working day in between: constant time however long the span. Computed on Rome's wall
    clock, which is exact because no DST change ever falls on a working day (always a
    Sunday), so every working day has 24 hours.
    """
    if end <= start:
        return 0.0
    local_start = start.astimezone(ROME).replace(tzinfo=None)
    local_end = end.astimezone(ROME).replace(tzinfo=None)
    first, last = local_start.date(), local_end.date()
    if first == last:
        return (local_end - local_start).total_seconds() / 3600 if _counts(first) else 0.0
    total = timedelta(days=working_days(first + timedelta(days=1), last))
    if _counts(first):
        total += datetime.combine(first + timedelta(days=1), time(0)) - local_start
    if _counts(last):
        total += local_end - datetime.combine(last, time(0))
    return total.total_seconds() / 3600
