"""Service levels: working hours in Milan (weekends, Italian holidays, 7 December excluded)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.easter import easter

from qc_platform.core.clock import ROME

# Italian national holidays, plus Sant'Ambrogio (7 December), Milan's patron saint.
_FIXED_HOLIDAYS = {
    (1, 1),
    (1, 6),
    (4, 25),
    (5, 1),
    (6, 2),
    (8, 15),
    (11, 1),
    (12, 7),
    (12, 8),
    (12, 25),
    (12, 26),
}


def is_holiday(day: date) -> bool:
    if (day.month, day.day) in _FIXED_HOLIDAYS:
        return True
    easter_sunday = easter(day.year)
    return day in (easter_sunday, easter_sunday + timedelta(days=1))


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


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours elapsed from ``start`` to ``end`` (0 when end is not after start)."""
    if end <= start:
        return 0.0
    total = timedelta()
    local_start, local_end = start.astimezone(ROME), end.astimezone(ROME)
    day = local_start.date()
    while day <= local_end.date():
        if is_working_day(day):
            day_start = max(local_start, datetime.combine(day, time(0), tzinfo=ROME))
            day_end = min(
                local_end, datetime.combine(day + timedelta(days=1), time(0), tzinfo=ROME)
            )
            if day_end > day_start:
                total += day_end - day_start
        day += timedelta(days=1)
    return total.total_seconds() / 3600
