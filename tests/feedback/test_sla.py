"""Working hours in Milan: weekends, Italian holidays, Sant'Ambrogio, and the DST changes.

A working hour is any hour of a working day (Monday–Friday, not a holiday) in
Europe/Rome: 48 working hours are two whole working days, whatever time the clock shows.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from qc_platform.core.clock import ROME
from qc_platform.feedback import sla

pytestmark = pytest.mark.no_db


def rome(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


@pytest.mark.parametrize(
    ("start", "hours", "due", "why"),
    [
        (rome(2026, 11, 18, 10), 48, rome(2026, 11, 20, 10), "two working days"),
        (rome(2026, 11, 20, 17), 48, rome(2026, 11, 24, 17), "Friday 17:00: the weekend skipped"),
        (rome(2026, 11, 21, 10), 48, rome(2026, 11, 25, 0), "sent on Saturday: from Monday 0:00"),
        (rome(2026, 11, 20, 17), 7, rome(2026, 11, 21, 0), "exactly to Friday's midnight"),
        (rome(2026, 11, 20, 17), 8, rome(2026, 11, 23, 1), "one hour into Monday"),
        (rome(2026, 4, 2, 10), 48, rome(2026, 4, 7, 10), "Easter Monday (6 April 2026)"),
        (rome(2025, 4, 17, 12), 48, rome(2025, 4, 22, 12), "Easter Monday 21 April 2025"),
        (rome(2024, 4, 24, 12), 48, rome(2024, 4, 29, 12), "25 April (Thursday) skipped"),
        (rome(2025, 4, 24, 12), 48, rome(2025, 4, 29, 12), "25 April 2025 (a Friday)"),
        (rome(2026, 12, 4, 17), 48, rome(2026, 12, 10, 17), "7 Dec Sant'Ambrogio + 8 Dec bridge"),
        (rome(2025, 12, 5, 9), 48, rome(2025, 12, 10, 9), "8 December 2025, a Monday"),
        (rome(2025, 12, 31, 12), 48, rome(2026, 1, 5, 12), "New Year's Day"),
        (rome(2025, 12, 31, 12), 72, rome(2026, 1, 7, 12), "New Year and Epiphany"),
        (rome(2026, 12, 23, 12), 48, rome(2026, 12, 28, 12), "Christmas and Santo Stefano"),
        (rome(2027, 10, 1, 12), 48, rome(2027, 10, 6, 12), "San Francesco, 4 Oct, from 2026"),
        (rome(2024, 10, 3, 12), 48, rome(2024, 10, 7, 12), "4 October 2024: a working day"),
    ],
)
def test_add_working_hours(start, hours, due, why):
    assert sla.add_working_hours(start, hours) == due, why
    assert sla.working_hours_between(start, due) == hours, why


def test_dst_starts_on_a_sunday_in_march():
    # Clocks go forward on Sunday 29 March 2026: Friday 17:00 CET, due Tuesday 17:00 CEST.
    start = rome(2026, 3, 27, 17)
    due = sla.add_working_hours(start, 48)
    assert due == rome(2026, 3, 31, 17)
    assert due.utcoffset() == timedelta(hours=2) and start.utcoffset() == timedelta(hours=1)
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=95)  # 23-hour Sunday
    assert sla.working_hours_between(start, due) == 48


def test_dst_ends_on_a_sunday_in_october():
    # Clocks go back on Sunday 25 October 2026: Friday 17:00 CEST, due Tuesday 17:00 CET.
    start = rome(2026, 10, 23, 17)
    due = sla.add_working_hours(start, 48)
    assert due == rome(2026, 10, 27, 17)
    assert due.utcoffset() == timedelta(hours=1) and start.utcoffset() == timedelta(hours=2)
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=97)  # 25-hour Sunday
    assert sla.working_hours_between(start, due) == 48


def test_the_zone_of_the_caller_is_kept():
    start = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # Friday 17:00 in Rome
    due = sla.add_working_hours(start, 48)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


def test_working_hours_between():
    friday = rome(2026, 11, 20, 17)
    assert sla.working_hours_between(friday, rome(2026, 11, 23, 9)) == 16  # 7 Fri + 9 Mon
    assert sla.working_hours_between(friday, rome(2026, 11, 22, 12)) == 7  # weekend: nothing
    assert sla.working_hours_between(friday, friday) == 0
    assert sla.working_hours_between(friday, friday - timedelta(hours=3)) == 0
    assert sla.working_hours_between(friday, friday + timedelta(minutes=30)) == 0.5


def test_round_trip_over_two_years():
    """Every 7 hours over 2026–2027: the deadline is exactly 48 working hours away."""
    start = rome(2026, 1, 1)
    while start < rome(2028, 1, 1):
        due = sla.add_working_hours(start, 48)
        assert sla.working_hours_between(start, due) == 48, start
        assert sla.is_working_day(due.astimezone(ROME).date()) or due.astimezone(ROME).hour == 0
        start = (start.astimezone(UTC) + timedelta(hours=7)).astimezone(ROME)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),
        date(2026, 1, 6),
        date(2026, 4, 5),  # Easter Sunday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 4, 25),
        date(2026, 5, 1),
        date(2026, 6, 2),
        date(2026, 8, 15),
        date(2026, 10, 4),
        date(2026, 11, 1),
        date(2026, 12, 7),  # Sant'Ambrogio, Milan
        date(2026, 12, 8),
        date(2026, 12, 25),
        date(2026, 12, 26),
    ],
)
def test_holidays(day):
    assert sla.is_holiday(day)
    assert not sla.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2026, 3, 19), date(2026, 4, 7), date(2026, 11, 4), date(2026, 12, 9), date(2024, 10, 4)],
)
def test_ordinary_weekdays(day):
    assert not sla.is_holiday(day)
    assert sla.is_working_day(day)


def _walk_day_by_day(start: datetime, end: datetime) -> float:
    """The obvious definition, one day at a time: the reference for the fast version."""
    if end <= start:
        return 0.0
    total = timedelta()
    local_start, local_end = start.astimezone(ROME), end.astimezone(ROME)
    day = local_start.date()
    while day <= local_end.date():
        if sla.is_working_day(day):
            day_start = max(local_start, datetime.combine(day, time(0), tzinfo=ROME))
            day_end = min(
                local_end, datetime.combine(day + timedelta(days=1), time(0), tzinfo=ROME)
            )
            if day_end > day_start:
                total += day_end - day_start
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def test_working_hours_between_agrees_with_walking_day_by_day():
    rng = random.Random(2026)
    origin = datetime(2024, 12, 1, tzinfo=UTC)
    for _ in range(3000):
        start = origin + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
        end = start + timedelta(minutes=rng.randrange(-600, rng.choice((3, 60, 400)) * 24 * 60))
        assert sla.working_hours_between(start, end) == _walk_day_by_day(start, end), (start, end)


def test_working_days():
    assert sla.working_days(date(2026, 12, 4), date(2026, 12, 11)) == 3  # Fri, Wed, Thu
    assert sla.working_days(date(2025, 12, 31), date(2026, 1, 8)) == 4  # 31, 2, 5, 7
    assert sla.working_days(date(2026, 1, 1), date(2027, 1, 1)) == 261 - 8  # 8 on weekdays
    assert sla.working_days(date(2026, 5, 1), date(2026, 5, 1)) == 0
