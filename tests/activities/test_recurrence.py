"""Recurrence rules: parsed into a bounded subset of RFC 5545, expanded in Milan time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dateutil import rrule as du

from qc_platform.activities import recurrence
from qc_platform.activities.recurrence import InvalidRule, from_local_naive, occurrences, parse
from qc_platform.core.clock import ROME


def rome(*args) -> datetime:
    return from_local_naive(datetime(*args))


def test_a_weekly_session_keeps_its_local_time_across_the_october_change():
    # Tuesday 20 October 2026 18:00 in Milan is 16:00 UTC (CEST); on Sunday 25 October the
    # clocks go back, so Tuesday 27 October 18:00 is 17:00 UTC (CET).
    rule = parse("FREQ=WEEKLY;BYDAY=TU;COUNT=3", max_sessions=500)
    start = rome(2026, 10, 20, 18)
    found = occurrences(
        rule,
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        until=rome(2027, 1, 1),
        limit=10,
    )
    assert [o.starts_at.astimezone(ROME).strftime("%d/%m %H:%M") for o in found] == [
        "20/10 18:00",
        "27/10 18:00",
        "03/11 18:00",
    ]
    assert [o.starts_at.astimezone(UTC).hour for o in found] == [16, 17, 17]
    assert all(o.ends_at - o.starts_at == timedelta(minutes=90) for o in found)


def test_and_across_the_march_change_too():
    rule = parse("FREQ=DAILY;COUNT=3", max_sessions=500)
    start = rome(2027, 3, 27, 9, 30)
    found = occurrences(
        rule, starts_at=start, ends_at=start + timedelta(hours=1), until=rome(2028, 1, 1), limit=10
    )
    assert [o.starts_at.astimezone(ROME).strftime("%d/%m %H:%M") for o in found] == [
        "27/03 09:30",
        "28/03 09:30",
        "29/03 09:30",
    ]
    assert [o.starts_at.astimezone(UTC).hour for o in found] == [8, 7, 7]


def test_a_time_skipped_by_the_spring_change_moves_one_hour_later():
    # 02:30 does not exist in Milan on 28 March 2027.
    moment = from_local_naive(datetime(2027, 3, 28, 2, 30))
    assert moment.astimezone(ROME).strftime("%H:%M") == "03:30"


def test_rules_are_stored_in_canonical_form_with_until_in_utc():
    rule = parse("rrule:freq=weekly;byday=th,tu;until=20270131", max_sessions=500)
    # A date-only UNTIL is the end of that day in Milan, written in UTC as RFC 5545 wants.
    assert rule.text == "FREQ=WEEKLY;UNTIL=20270131T225959Z;BYDAY=TH,TU"
    assert parse(rule.text, max_sessions=500).text == rule.text


def test_expansion_stops_at_the_horizon_and_at_the_limit():
    rule = parse("FREQ=DAILY", max_sessions=500)  # no COUNT or UNTIL: fine, it is bounded here
    start = rome(2026, 12, 1, 10)
    found = occurrences(
        rule,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        until=rome(2026, 12, 10, 23),
        limit=500,
    )
    assert len(found) == 10
    assert (
        len(
            occurrences(
                rule,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                until=rome(2030, 1, 1),
                limit=500,
            )
        )
        == 500
    )


def test_until_in_the_rule_ends_the_series():
    rule = parse("FREQ=WEEKLY;UNTIL=20261215T235959Z", max_sessions=500)
    start = rome(2026, 12, 1, 10)
    found = occurrences(
        rule, starts_at=start, ends_at=start + timedelta(hours=1), until=rome(2027, 6, 1), limit=500
    )
    assert len(found) == 3


def test_monthly_on_the_first_monday():
    rule = parse("FREQ=MONTHLY;BYDAY=1MO;COUNT=3", max_sessions=500)
    start = rome(2027, 2, 1, 17)
    recurrence.check_start(rule, start)
    found = occurrences(
        rule, starts_at=start, ends_at=start + timedelta(hours=1), until=rome(2028, 1, 1), limit=10
    )
    assert [o.starts_at.astimezone(ROME).date().isoformat() for o in found] == [
        "2027-02-01",
        "2027-03-01",
        "2027-04-05",
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("FREQ=HOURLY", "frequency"),
        ("FREQ=MINUTELY;COUNT=5", "frequency"),
        ("FREQ=SECONDLY", "frequency"),
        ("FREQ=WEEKLY;BYHOUR=9,10", "part_not_allowed"),
        ("FREQ=DAILY;BYMONTHDAY=30", "part_not_allowed"),
        ("FREQ=WEEKLY;COUNT=501", "count"),
        ("FREQ=WEEKLY;COUNT=0", "count"),
        ("FREQ=WEEKLY;COUNT=5;UNTIL=20270101", "count_and_until"),
        ("FREQ=WEEKLY;INTERVAL=53", "interval"),
        ("FREQ=WEEKLY;BYDAY=1MO", "byday_ordinal"),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=MO", "daily_byday_interval"),
        ("FREQ=WEEKLY;BYDAY=XX", "syntax"),
        ("FREQ=WEEKLY;;", "syntax"),
        ("FREQ=WEEKLY;UNTIL=2027", "syntax"),
        ("FREQ=WEEKLY;UNTIL=20270231", "syntax"),
        # no UTC or Milan time for them (they were a 500), and no project runs that long
        ("FREQ=DAILY;UNTIL=00010101T000000", "syntax"),
        ("FREQ=DAILY;UNTIL=99991231T235959Z", "syntax"),
        ("FREQ=DAILY;UNTIL=22010101", "syntax"),
        ("FREQ=WEEKLY;FREQ=DAILY", "syntax"),
        ("", "syntax"),
        ("FREQ=WEEKLY;X-NAME=1", "syntax"),
    ],
)
def test_bad_or_unbounded_rules_are_refused(text, key):
    with pytest.raises(InvalidRule) as refused:
        parse(text, max_sessions=500)
    assert refused.value.key == f"activities.rrule.{key}"


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=WEEKLY;BYDAY=WE",  # the start is a Tuesday
        "FREQ=MONTHLY;BYMONTHDAY=30",  # never on the 30th of February, and not on the 2nd
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",  # no such day at all
        "FREQ=MONTHLY;INTERVAL=12;BYDAY=5SU",
        "FREQ=MONTHLY;BYSETPOS=2",  # never matches: dateutil would search up to year 9999
    ],
)
def test_the_start_must_be_the_first_occurrence(text):
    rule = parse(text, max_sessions=500)
    with pytest.raises(InvalidRule) as refused:
        recurrence.check_start(rule, rome(2027, 2, 2, 18))  # a Tuesday
    assert refused.value.key == "activities.rrule.not_synchronised"


def test_until_before_the_start_is_refused():
    rule = parse("FREQ=WEEKLY;UNTIL=20261201", max_sessions=500)
    with pytest.raises(InvalidRule) as refused:
        recurrence.check_start(rule, rome(2027, 2, 2, 18))
    assert refused.value.key == "activities.rrule.until_before_start"


# --- every part of a rule, as parse reads it -----------------------------------------

NUMBERS_1_TO_13 = ",".join(str(n) for n in range(1, 14))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("FREQ=DAILY;INTERVAL=" + "1" * 300, "syntax"),  # longer than 300 characters
        ("FREQ=", "syntax"),
        ("FREQ=WEEKLY;COUNT", "syntax"),
        ("INTERVAL=2", "frequency"),
        ("FREQ=WEEKLY;INTERVAL=x", "interval"),
        ("FREQ=WEEKLY;INTERVAL=0", "interval"),
        ("FREQ=WEEKLY;INTERVAL=-1", "interval"),
        ("FREQ=WEEKLY;COUNT=x", "count"),
        ("FREQ=WEEKLY;COUNT=+5", "count"),
        ("FREQ=WEEKLY;UNTIL=20270101T250000", "syntax"),
        ("FREQ=WEEKLY;UNTIL=20270101T1200", "syntax"),
        ("FREQ=YEARLY;BYMONTH=13", "syntax"),
        ("FREQ=YEARLY;BYMONTH=0", "syntax"),
        ("FREQ=YEARLY;BYMONTH=-1", "syntax"),
        ("FREQ=YEARLY;BYMONTH=1,,2", "syntax"),
        ("FREQ=YEARLY;BYMONTH=1000", "syntax"),
        ("FREQ=YEARLY;BYMONTH=" + NUMBERS_1_TO_13.replace("13", "1"), "syntax"),  # 13 items
        ("FREQ=MONTHLY;BYMONTHDAY=32", "syntax"),
        ("FREQ=MONTHLY;BYMONTHDAY=-32", "syntax"),
        ("FREQ=MONTHLY;BYMONTHDAY=1.5", "syntax"),
        ("FREQ=MONTHLY;BYMONTHDAY=" + ",".join(["1"] * 32), "syntax"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=" + ",".join(["1"] * 8), "syntax"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=32", "syntax"),
        ("FREQ=WEEKLY;BYDAY=" + ",".join(["MO"] * 15), "syntax"),
        ("FREQ=MONTHLY;BYDAY=6MO", "syntax"),
        ("FREQ=MONTHLY;BYDAY=0MO", "syntax"),
        ("FREQ=WEEKLY;WKST=XX", "syntax"),
        ("FREQ=DAILY;BYDAY=1MO", "byday_ordinal"),
    ],
)
def test_each_part_refuses_what_it_cannot_bound(text, key):
    with pytest.raises(InvalidRule) as refused:
        parse(text, max_sessions=500)
    assert refused.value.key == f"activities.rrule.{key}"


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        (
            "FREQ=WEEKLY;BYSETPOS=1;BYMONTH=2",
            "part_not_allowed",
            {"part": "BYMONTH", "freq": "WEEKLY"},
        ),
        ("FREQ=DAILY;INTERVAL=32", "interval", {"max": 31}),
        ("FREQ=YEARLY;INTERVAL=6", "interval", {"max": 5}),
        ("FREQ=MONTHLY;COUNT=21", "count", {"max": 20}),
    ],
)
def test_refusals_name_the_part_and_the_bound(text, key, params):
    with pytest.raises(InvalidRule) as refused:
        parse(text, max_sessions=20)
    assert (refused.value.key, refused.value.params) == (f"activities.rrule.{key}", params)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # The first problem found is the one reported, in this order: the rule's syntax, its
        # frequency, a part not allowed, then the parts from INTERVAL to WKST.
        ("FREQ=HOURLY;;", "syntax"),
        ("FREQ=HOURLY;BYHOUR=1", "frequency"),
        ("FREQ=WEEKLY;INTERVAL=99;BYHOUR=1", "part_not_allowed"),
        ("FREQ=WEEKLY;INTERVAL=99;COUNT=5;UNTIL=20270101", "interval"),
        ("FREQ=WEEKLY;COUNT=0;UNTIL=2027", "count_and_until"),
        ("FREQ=WEEKLY;COUNT=0;BYDAY=XX", "count"),
        ("FREQ=DAILY;INTERVAL=2;BYDAY=1MO", "byday_ordinal"),
        ("FREQ=DAILY;INTERVAL=2;BYDAY=XX", "syntax"),
        ("FREQ=DAILY;INTERVAL=2;BYDAY=MO;WKST=XX", "daily_byday_interval"),
        ("FREQ=YEARLY;BYMONTH=13;INTERVAL=9", "interval"),
    ],
)
def test_the_first_problem_is_the_one_reported(text, key):
    with pytest.raises(InvalidRule) as refused:
        parse(text, max_sessions=500)
    assert refused.value.key == f"activities.rrule.{key}"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("FREQ=WEEKLY;INTERVAL=1", "FREQ=WEEKLY"),
        ("FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2"),
        ("  RRULE:FREQ=DAILY;COUNT=05  ", "FREQ=DAILY;COUNT=5"),
        # a local UNTIL is Milan time (winter: UTC+1)
        ("FREQ=DAILY;UNTIL=20270131T120000", "FREQ=DAILY;UNTIL=20270131T110000Z"),
        ("FREQ=DAILY;UNTIL=20270731T120000Z", "FREQ=DAILY;UNTIL=20270731T120000Z"),
        ("FREQ=YEARLY;BYMONTH=3,1,3", "FREQ=YEARLY;BYMONTH=1,3"),
        ("FREQ=MONTHLY;BYMONTHDAY=+1,-1,15", "FREQ=MONTHLY;BYMONTHDAY=-1,1,15"),
        ("FREQ=MONTHLY;BYDAY=+1MO,-1FR,1MO", "FREQ=MONTHLY;BYDAY=1MO,-1FR"),
        ("FREQ=WEEKLY;BYDAY=TU,MO,TU", "FREQ=WEEKLY;BYDAY=TU,MO"),
        ("FREQ=DAILY;BYDAY=MO,TU;BYMONTH=6", "FREQ=DAILY;BYMONTH=6;BYDAY=MO,TU"),
        ("FREQ=WEEKLY;WKST=SU", "FREQ=WEEKLY;WKST=SU"),
        (
            "WKST=MO;BYSETPOS=-1;BYDAY=MO,TU;BYMONTHDAY=1,2;BYMONTH=1;COUNT=3;INTERVAL=2;FREQ=YEARLY",
            "FREQ=YEARLY;INTERVAL=2;COUNT=3;BYMONTH=1;BYMONTHDAY=1,2;BYDAY=MO,TU;BYSETPOS=-1;WKST=MO",
        ),
    ],
)
def test_accepted_rules_are_written_in_one_canonical_form(text, canonical):
    assert parse(text, max_sessions=500).text == canonical


def test_the_parts_become_dateutil_arguments():
    rule = parse(
        "FREQ=MONTHLY;INTERVAL=2;UNTIL=20270131T120000;BYMONTHDAY=1,-1;BYDAY=1MO,FR;"
        "BYSETPOS=1,-1;WKST=SU",
        max_sessions=500,
    )
    assert rule.freq == "MONTHLY"
    assert rule.until == datetime(2027, 1, 31, 11, tzinfo=UTC)
    assert rule.kwargs == {
        "freq": du.MONTHLY,
        "interval": 2,
        "until": datetime(2027, 1, 31, 12),
        "bymonthday": [-1, 1],
        "byweekday": [du.MO(1), du.FR],
        "bysetpos": [-1, 1],
        "wkst": du.SU,
    }
    counted = parse("FREQ=YEARLY;COUNT=3;BYMONTH=2,1", max_sessions=500)
    assert counted.until is None
    assert counted.kwargs == {"freq": du.YEARLY, "count": 3, "bymonth": [1, 2]}


@pytest.mark.parametrize(
    ("text", "key"),
    [("FREQ=WEEKLY;INTERVAL=²", "interval"), ("FREQ=WEEKLY;COUNT=³", "count")],
)
def test_a_superscript_digit_is_refused_not_a_crash(text, key):
    """str.isdigit() accepts "²", which int() cannot read: it was a ValueError (a 500)."""
    with pytest.raises(InvalidRule) as refused:
        parse(text, max_sessions=500)
    assert refused.value.key == f"activities.rrule.{key}"
