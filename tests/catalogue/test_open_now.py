"""Whether a service is "open now" in Milan: weekday boundaries, DST, holidays, closures.

The clock is frozen with time-machine. In every case the service's ``open_now`` field,
the same field in the list, and the SQL filters ``open_now=true`` / ``open_now=false``
must say the same thing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.catalogue.helpers import (
    ALWAYS,
    DAYS,
    found_ids,
    get_service,
    patch_service,
    publish,
    rome,
    search,
)
from tests.marketplace.helpers import ok


def utc(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def open_at(client, moment: datetime, service_ids) -> dict[int, bool]:
    """Whether each service is open at ``moment``, after checking that every way of
    asking agrees: the detail, the list's field, and both SQL filters."""
    with time_machine.travel(moment, tick=False):
        opened = found_ids(client, open_now="true", include_paused="true")
        closed = found_ids(client, open_now="false", include_paused="true")
        listed = {item["id"]: item["open_now"] for item in search(client, include_paused="true")}
        answers = {}
        for service_id in service_ids:
            detail = get_service(client, service_id)["open_now"]
            assert listed[service_id] is detail, (moment, service_id)
            assert (service_id in opened) is detail, (moment, service_id, "open_now=true")
            assert (service_id in closed) is not detail, (moment, service_id, "open_now=false")
            answers[service_id] = detail
        assert opened.isdisjoint(closed)
        assert opened | closed == set(listed)
    return answers


def open_in_lists(client, moment: datetime) -> dict[int, bool]:
    """The list's ``open_now`` field of every service, checked against ``open_now=true``."""
    with time_machine.travel(moment, tick=False):
        opened = found_ids(client, open_now="true")
        listed = {item["id"]: item["open_now"] for item in search(client)}
    assert opened == {service_id for service_id, open_ in listed.items() if open_}, moment
    return listed


def is_open(client, moment: datetime, service_id: int) -> bool:
    return open_at(client, moment, [service_id])[service_id]


# --- across midnight between Sunday and Monday -------------------------------------------

NIGHT = {"sun": [["22:00", "24:00"]], "mon": [["00:00", "01:00"]]}


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (rome(2026, 11, 14, 23, 30), False),  # Saturday night: not Sunday's hours
        (rome(2026, 11, 15, 21, 59), False),
        (rome(2026, 11, 15, 22, 0), True),
        (rome(2026, 11, 15, 23, 59), True),  # Sunday 23:59: Sunday's hours
        (utc(2026, 11, 15, 22, 59), True),  # the same moment, given in UTC
        (rome(2026, 11, 16, 0, 0), True),  # Monday 00:00: Monday's hours
        (utc(2026, 11, 15, 23, 0), True),  # the same moment; still Sunday in UTC
        (rome(2026, 11, 16, 0, 59), True),
        (rome(2026, 11, 16, 1, 0), False),  # closing time is not open
        (rome(2026, 11, 16, 22, 30), False),  # Monday night: not Sunday's hours
        (rome(2026, 11, 17, 0, 30), False),  # Tuesday: not Monday's hours
        # The same in summer time (UTC+2).
        (rome(2026, 6, 14, 23, 59), True),
        (utc(2026, 6, 14, 21, 59), True),
        (rome(2026, 6, 15, 0, 0), True),
        (rome(2026, 6, 15, 1, 0), False),
        (utc(2026, 6, 14, 23, 0), False),  # Monday 01:00 in Rome, Sunday 23:00 in UTC
    ],
)
def test_a_service_open_across_sunday_midnight(client, operator, org, moment, expected):
    night = publish(client, operator, org, availability=NIGHT)["id"]
    assert is_open(client, moment, night) is expected


def test_monday_hours_do_not_open_on_sunday_night(client, operator, org):
    monday_only = publish(client, operator, org, availability={"mon": [["00:00", "01:00"]]})["id"]
    sunday_only = publish(client, operator, org, availability={"sun": [["22:00", "24:00"]]})["id"]
    assert open_at(client, rome(2026, 11, 15, 23, 59), [monday_only, sunday_only]) == {
        monday_only: False,
        sunday_only: True,
    }
    assert open_at(client, rome(2026, 11, 16, 0, 0), [monday_only, sunday_only]) == {
        monday_only: True,
        sunday_only: False,
    }


def test_a_holiday_monday_closes_the_monday_hours_but_not_sunday_night(client, operator, org):
    """Sunday 6 December 2026, then Sant'Ambrogio (Monday 7 December), Milan's holiday."""
    closes = publish(client, operator, org, availability=NIGHT)["id"]
    stays = publish(client, operator, org, availability=NIGHT, closed_on_holidays=False)["id"]
    both = [closes, stays]
    assert open_at(client, rome(2026, 12, 6, 23, 59), both) == {closes: True, stays: True}
    assert open_at(client, rome(2026, 12, 7, 0, 0), both) == {closes: False, stays: True}
    assert open_at(client, rome(2026, 12, 7, 0, 59), both) == {closes: False, stays: True}
    assert open_at(client, rome(2026, 12, 7, 1, 0), both) == {closes: False, stays: False}


# --- daylight-saving changes -------------------------------------------------------------

EARLY = {day: [["08:00", "09:00"]] for day in DAYS}

# (moment in UTC, expected): a service open 08:00–09:00 every day, Milan time.
DST_CASES = [
    # Clocks go forward on Sunday 29 March 2026 (02:00 CET → 03:00 CEST).
    (utc(2026, 3, 28, 7, 30), True),  # Saturday 08:30 CET
    (utc(2026, 3, 28, 6, 30), False),  # Saturday 07:30 CET
    (utc(2026, 3, 28, 8, 0), False),  # Saturday 09:00 CET
    (utc(2026, 3, 29, 6, 30), True),  # Sunday 08:30 CEST
    (utc(2026, 3, 29, 7, 30), False),  # Sunday 09:30 CEST
    (utc(2026, 3, 30, 6, 30), True),  # Monday 08:30 CEST
    (utc(2026, 3, 30, 6, 0), True),  # Monday 08:00 CEST: opening time is open
    (utc(2026, 3, 30, 5, 59), False),
    (utc(2026, 3, 30, 7, 0), False),  # Monday 09:00 CEST
    (utc(2026, 3, 30, 7, 30), False),  # Monday 09:30 CEST: winter's 08:30 UTC+1 is gone
    # Clocks go back on Sunday 25 October 2026 (03:00 CEST → 02:00 CET).
    (utc(2026, 10, 24, 6, 30), True),  # Saturday 08:30 CEST
    (utc(2026, 10, 24, 7, 30), False),  # Saturday 09:30 CEST
    (utc(2026, 10, 25, 7, 30), True),  # Sunday 08:30 CET
    (utc(2026, 10, 25, 6, 30), False),  # Sunday 07:30 CET
    (utc(2026, 10, 26, 7, 30), True),  # Monday 08:30 CET
    (utc(2026, 10, 26, 7, 0), True),  # Monday 08:00 CET
    (utc(2026, 10, 26, 6, 30), False),  # Monday 07:30 CET: summer's 08:30 UTC+2 is gone
    (utc(2026, 10, 26, 8, 0), False),  # Monday 09:00 CET
    # 2027: Sunday 28 March (also Easter) and Sunday 31 October.
    (utc(2027, 3, 27, 7, 30), True),
    (utc(2027, 3, 29, 6, 30), True),
    (utc(2027, 3, 29, 7, 30), False),
    (utc(2027, 10, 30, 6, 30), True),
    (utc(2027, 11, 1, 7, 30), True),
    (utc(2027, 11, 1, 6, 30), False),
]


@pytest.mark.parametrize(("moment", "expected"), DST_CASES)
def test_opening_hours_follow_milan_clocks_across_dst(client, operator, org, moment, expected):
    # Not closed on holidays: Easter 2027 falls on the change of time.
    early = publish(client, operator, org, availability=EARLY, closed_on_holidays=False)["id"]
    assert is_open(client, moment, early) is expected


def test_the_hour_skipped_in_march_never_opens(client, operator, org):
    """Sunday 29 March 2026 has no 02:00–03:00: a service open only then stays closed."""
    small_hours = publish(
        client, operator, org, availability={"sun": [["02:00", "03:00"]]}, closed_on_holidays=False
    )["id"]
    moment = utc(2026, 3, 28, 23, 0)  # Sunday 00:00 CET
    while moment < utc(2026, 3, 29, 22, 0):  # to Monday 00:00 CEST
        assert is_open(client, moment, small_hours) is False, moment
        moment += timedelta(minutes=15)
    assert is_open(client, utc(2026, 4, 5, 0, 30), small_hours) is True  # a week later, 02:30


def test_the_hour_repeated_in_october_is_open_twice(client, operator, org):
    """Sunday 25 October 2026 lives 02:00–03:00 twice: open for two real hours."""
    small_hours = publish(
        client, operator, org, availability={"sun": [["02:00", "03:00"]]}, closed_on_holidays=False
    )["id"]
    assert is_open(client, utc(2026, 10, 24, 23, 59), small_hours) is False  # 01:59 CEST
    assert is_open(client, utc(2026, 10, 25, 0, 0), small_hours) is True  # 02:00 CEST
    assert is_open(client, utc(2026, 10, 25, 0, 59), small_hours) is True  # 02:59 CEST
    assert is_open(client, utc(2026, 10, 25, 1, 0), small_hours) is True  # 02:00 CET
    assert is_open(client, utc(2026, 10, 25, 1, 59), small_hours) is True  # 02:59 CET
    assert is_open(client, utc(2026, 10, 25, 2, 0), small_hours) is False  # 03:00 CET


MILAN = ZoneInfo("Europe/Rome")


def _reference_open(week: dict, moment: datetime) -> bool:
    """Written for the test: Milan's wall clock against the weekly table."""
    here = moment.astimezone(MILAN)
    minute = here.hour * 60 + here.minute

    def minutes(hhmm: str) -> int:
        return int(hhmm[:2]) * 60 + int(hhmm[3:])

    return any(
        minutes(opens) <= minute < minutes(closes)
        for opens, closes in week.get(DAYS[here.weekday()], [])
    )


@pytest.mark.parametrize(
    "start",
    # From Saturday 20:00 UTC to Monday 12:00 UTC around each change of time.
    [utc(2026, 3, 28, 20), utc(2026, 10, 24, 20), utc(2027, 3, 27, 20), utc(2027, 10, 30, 20)],
)
def test_the_filter_and_the_field_agree_every_quarter_hour_across_a_dst_change(
    client, operator, org, start
):
    weeks = {
        "night": NIGHT,
        "early": EARLY,
        "small_hours": {"sun": [["01:30", "03:30"]], "sat": [["23:00", "24:00"]]},
        "split": {
            day: [["00:00", "02:15"], ["02:45", "08:00"], ["20:00", "24:00"]] for day in DAYS
        },
        "closed": {},
    }
    ids = {
        name: publish(client, operator, org, availability=week, closed_on_holidays=False)["id"]
        for name, week in weeks.items()
    }
    moment = start
    while moment < start + timedelta(hours=40):
        answers = open_in_lists(client, moment)
        expected = {ids[name]: _reference_open(week, moment) for name, week in weeks.items()}
        assert answers == expected, moment
        moment += timedelta(minutes=15)


# --- holidays and closures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "holiday"),
    [
        (rome(2026, 12, 25, 12), True),  # Christmas
        (rome(2026, 12, 26, 12), True),  # Santo Stefano
        (rome(2027, 3, 29, 10), True),  # Easter Monday 2027
        (rome(2027, 3, 28, 10), True),  # Easter Sunday 2027
        (rome(2026, 12, 7, 12), True),  # Sant'Ambrogio, Milan
        (rome(2026, 12, 8, 12), True),
        (rome(2027, 1, 1, 12), True),
        (rome(2027, 1, 6, 12), True),
        (rome(2027, 4, 25, 12), True),
        (rome(2027, 5, 1, 12), True),
        (rome(2027, 6, 2, 12), True),
        (rome(2027, 8, 15, 12), True),
        (rome(2027, 10, 4, 12), True),  # San Francesco, a holiday again from 2026
        (rome(2027, 11, 1, 12), True),
        (utc(2026, 12, 6, 23, 30), True),  # 00:30 on 7 December in Milan
        (utc(2026, 12, 26, 23, 30), False),  # 00:30 on Sunday 27 December in Milan
        (utc(2026, 12, 24, 22, 59), False),  # 23:59 on Christmas Eve in Milan
        (rome(2026, 12, 24, 12), False),
        (rome(2026, 12, 9, 12), False),
        (rome(2027, 3, 30, 10), False),  # the Tuesday after Easter
        (rome(2026, 4, 7, 10), False),
        (rome(2024, 10, 4, 12), False),  # 4 October before 2026: a working day
    ],
)
def test_holidays_close_only_services_closed_on_holidays(client, operator, org, moment, holiday):
    closes = publish(client, operator, org, availability=ALWAYS)["id"]
    stays = publish(client, operator, org, availability=ALWAYS, closed_on_holidays=False)["id"]
    assert open_at(client, moment, [closes, stays]) == {closes: not holiday, stays: True}


def test_switching_holiday_closing_on_and_off(client, operator, org):
    service_id = publish(client, operator, org, availability=ALWAYS)["id"]
    christmas = rome(2026, 12, 25, 12)
    assert is_open(client, christmas, service_id) is False
    ok(patch_service(client, operator, service_id, closed_on_holidays=False))
    assert is_open(client, christmas, service_id) is True


def test_closures_close_every_day_from_first_to_last(client, operator, org):
    summer = [{"starts_on": "2026-08-10", "ends_on": "2026-08-21", "reason": "Ferie"}]
    closes = publish(client, operator, org, availability=ALWAYS, closures=summer)["id"]
    # A closure of its own closes even a service open on holidays.
    stays = publish(
        client, operator, org, availability=ALWAYS, closures=summer, closed_on_holidays=False
    )["id"]
    free = publish(client, operator, org, availability=ALWAYS, closed_on_holidays=False)["id"]
    both = [closes, stays, free]
    for moment, closed in [
        (rome(2026, 8, 9, 23, 59), False),
        (rome(2026, 8, 10, 0, 0), True),
        (rome(2026, 8, 15, 12), True),
        (rome(2026, 8, 21, 23, 59), True),
        (rome(2026, 8, 22, 0, 0), False),
        (utc(2026, 8, 21, 22, 30), False),  # 00:30 on 22 August in Milan
        (utc(2026, 8, 9, 22, 30), True),  # 00:30 on 10 August in Milan
    ]:
        assert open_at(client, moment, both) == {closes: not closed, stays: not closed, free: True}


def test_a_single_day_closure_and_its_removal(client, operator, org):
    day = [{"starts_on": "2026-11-18", "ends_on": "2026-11-18", "reason": "Assemblea"}]
    service_id = publish(client, operator, org, availability=ALWAYS, closures=day)["id"]
    assert is_open(client, rome(2026, 11, 17, 23, 59), service_id) is True
    assert is_open(client, rome(2026, 11, 18, 9), service_id) is False
    assert is_open(client, rome(2026, 11, 19, 0, 0), service_id) is True
    ok(patch_service(client, operator, service_id, closures=[]))
    assert is_open(client, rome(2026, 11, 18, 9), service_id) is True


def test_changed_hours_change_open_now(client, operator, org):
    service_id = publish(client, operator, org, availability={"wed": [["09:00", "12:00"]]})["id"]
    wednesday_afternoon = rome(2026, 11, 18, 15)
    assert is_open(client, wednesday_afternoon, service_id) is False
    ok(patch_service(client, operator, service_id, availability={"wed": [["14:00", "18:00"]]}))
    assert is_open(client, wednesday_afternoon, service_id) is True
    assert is_open(client, rome(2026, 11, 18, 10), service_id) is False


def test_a_paused_service_is_never_open(client, operator, org):
    service_id = publish(client, operator, org, availability=ALWAYS, closed_on_holidays=False)["id"]
    ok(patch_service(client, operator, service_id, status="paused"))
    moment = rome(2026, 11, 18, 10)
    assert is_open(client, moment, service_id) is False
    with time_machine.travel(moment, tick=False):
        assert service_id not in found_ids(client, open_now="true")
        assert service_id not in found_ids(client, open_now="false")  # hidden: paused
