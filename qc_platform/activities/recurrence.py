"""RFC 5545 recurrence rules, bounded, expanded in Europe/Rome local time.

A rule is parsed by hand into a small, safe subset of RFC 5545 and expanded with
python-dateutil on *local* (naive Europe/Rome) times, so a weekly 18:00 stays 18:00 on
both sides of a daylight-saving change; each local start is then turned into UTC.

Bounds, so that no rule can loop for long or make unbounded work:

- FREQ is DAILY, WEEKLY, MONTHLY or YEARLY (never finer); INTERVAL and every BY* list
  are capped, and only the parts that cannot make a rule that never matches are allowed
  for DAILY and WEEKLY (the cheap-to-iterate frequencies);
- DTSTART (the activity's ``starts_at``) must be the rule's first occurrence, so every
  accepted rule has occurrences, recurring at bounded gaps;
- COUNT is at most ``max_sessions``; a rule without COUNT/UNTIL is fine: only the
  occurrences inside the rolling horizon are materialised, at most ``max_sessions``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from dateutil import rrule as du

from qc_platform.core.clock import ROME

FREQUENCIES = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "YEARLY": du.YEARLY}
MAX_INTERVAL = {"DAILY": 31, "WEEKLY": 52, "MONTHLY": 12, "YEARLY": 5}
ALLOWED_PARTS = {
    "DAILY": {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTH", "WKST"},
    "WEEKLY": {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST"},
    "MONTHLY": {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST"},
    "YEARLY": {
        "FREQ",
        "INTERVAL",
        "COUNT",
        "UNTIL",
        "BYDAY",
        "BYMONTH",
        "BYMONTHDAY",
        "BYSETPOS",
        "WKST",
    },
}
WEEKDAYS = {
    "MO": du.MO,
    "TU": du.TU,
    "WE": du.WE,
    "TH": du.TH,
    "FR": du.FR,
    "SA": du.SA,
    "SU": du.SU,
}
_BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{8})(?:T(\d{6})(Z?))?$")
_PART = re.compile(r"^[A-Z]+$")
# Decimal digits, which int() reads (str.isdigit() also takes "²", which it cannot).
_NUMBER = re.compile(r"\d+\Z")


class InvalidRule(ValueError):
    """The rule is refused; ``key`` names the message (``activities.rrule.<key>``)."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = f"activities.rrule.{key}"
        self.params = params


@dataclass(frozen=True)
class Rule:
    """A parsed rule: its canonical text and the dateutil keyword arguments."""

    text: str
    freq: str
    kwargs: dict
    until: datetime | None  # UTC


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC


def to_local_naive(moment: datetime) -> datetime:
    return moment.astimezone(ROME).replace(tzinfo=None)


def from_local_naive(local: datetime) -> datetime:
    """Europe/Rome wall time → UTC. A time skipped by the spring change (02:00–03:00)
    lands one hour later; a repeated autumn time is taken the first time (summer time)."""
    return local.replace(tzinfo=ROME, fold=0).astimezone(UTC)


def _split(text: str) -> dict[str, str]:
    """``NAME=VALUE`` parts, upper-cased, each once (a leading ``RRULE:`` is dropped)."""
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or len(text) > 300:
        raise InvalidRule("syntax")
    parts: dict[str, str] = {}
    for chunk in text.upper().split(";"):
        name, sep, value = chunk.partition("=")
        if not sep or not _PART.match(name) or not value or name in parts:
            raise InvalidRule("syntax")
        parts[name] = value
    return parts


@dataclass
class _Reading:
    """What a part's check may look at: the rule's frequency, all its parts (as text), the
    values of the parts read before it, and the cap on COUNT."""

    freq: str
    parts: dict[str, str]
    max_sessions: int
    values: dict = field(default_factory=dict)


def _interval(value: str, reading: _Reading) -> int:
    most = MAX_INTERVAL[reading.freq]
    if not _NUMBER.match(value) or not 1 <= int(value) <= most:
        raise InvalidRule("interval", max=most)
    return int(value)


def _count(value: str, reading: _Reading) -> int:
    if "UNTIL" in reading.parts:
        raise InvalidRule("count_and_until")
    if not _NUMBER.match(value) or not 1 <= int(value) <= reading.max_sessions:
        raise InvalidRule("count", max=reading.max_sessions)
    return int(value)


def _until(value: str, reading: _Reading) -> datetime:
    """UTC: a date is the whole of that day in Milan, a time without Z is Milan time."""
    match = _UNTIL.match(value)
    if not match:
        raise InvalidRule("syntax")
    day, clock, zulu = match.groups()
    try:
        date = datetime.strptime(day, "%Y%m%d").date()
        if not 2000 <= date.year <= 2200:  # year 1 or 9999 have no Milan/UTC conversion
            raise ValueError
        if clock is None:
            return from_local_naive(datetime.combine(date, time(23, 59, 59)))
        moment = datetime.combine(date, datetime.strptime(clock, "%H%M%S").time())
    except ValueError:
        raise InvalidRule("syntax") from None
    return moment.replace(tzinfo=UTC) if zulu else from_local_naive(moment)


def _numbers(low: int, high: int, *, negative: bool, most: int):
    """A check of a list of at most ``most`` numbers, ``low <= |n| <= high`` (never 0),
    negative ones only if allowed; the value is the sorted list without repeats."""

    def check(value: str, reading: _Reading) -> list[int]:
        items = value.split(",")
        if len(items) > most:
            raise InvalidRule("syntax")
        numbers = set()
        for item in items:
            if not re.fullmatch(r"[+-]?\d{1,3}", item):
                raise InvalidRule("syntax")
            number = int(item)
            if not low <= abs(number) <= high or (number < 0 and not negative):
                raise InvalidRule("syntax")
            numbers.add(number)
        return sorted(numbers)

    return check


def _byday(value: str, reading: _Reading) -> list[tuple[int | None, str]]:
    """``(ordinal or None, weekday)`` pairs; ordinals (1MO, -1FR) only MONTHLY and YEARLY."""
    items = value.split(",")
    if len(items) > 14:
        raise InvalidRule("syntax")
    days = []
    for item in items:
        match = _BYDAY.match(item)
        if not match:
            raise InvalidRule("syntax")
        ordinal, day = match.groups()
        if ordinal and reading.freq not in ("MONTHLY", "YEARLY"):
            raise InvalidRule("byday_ordinal")
        days.append((int(ordinal) if ordinal else None, day))
    if reading.freq == "DAILY" and reading.values.get("INTERVAL", 1) != 1:
        # Every N days on given weekdays may never match (N = 7, 14 …): use WEEKLY.
        raise InvalidRule("daily_byday_interval")
    return days


def _weekdays(days: list[tuple[int | None, str]]) -> list:
    return [WEEKDAYS[day](ordinal) if ordinal else WEEKDAYS[day] for ordinal, day in days]


def _days_text(days: list[tuple[int | None, str]]) -> str:
    return ",".join(dict.fromkeys(f"{ordinal}{day}" if ordinal else day for ordinal, day in days))


def _wkst(value: str, reading: _Reading) -> str:
    if value not in WEEKDAYS:
        raise InvalidRule("syntax")
    return value


def _joined(numbers: list[int]) -> str:
    return ",".join(map(str, numbers))


def _same(value):
    return value


@dataclass(frozen=True)
class RulePart:
    """One part of a rule after FREQ: ``check`` reads its text into a value (or raises
    ``InvalidRule``), which becomes dateutil's ``keyword`` argument (through ``to_dateutil``)
    and the part's canonical text (``to_text``; None leaves the part out)."""

    name: str
    check: Callable[[str, _Reading], object]
    keyword: str
    to_dateutil: Callable = _same
    to_text: Callable[[object], str | None] = str


# In canonical order, which is also the order they are checked in (the first problem is
# the one reported).
RULE_PARTS = (
    RulePart("INTERVAL", _interval, "interval", to_text=lambda n: str(n) if n != 1 else None),
    RulePart("COUNT", _count, "count"),
    RulePart(
        "UNTIL",
        _until,
        "until",
        to_dateutil=to_local_naive,
        to_text=lambda moment: moment.strftime("%Y%m%dT%H%M%SZ"),
    ),
    RulePart("BYMONTH", _numbers(1, 12, negative=False, most=12), "bymonth", to_text=_joined),
    RulePart("BYMONTHDAY", _numbers(1, 31, negative=True, most=31), "bymonthday", to_text=_joined),
    RulePart("BYDAY", _byday, "byweekday", to_dateutil=_weekdays, to_text=_days_text),
    RulePart("BYSETPOS", _numbers(1, 31, negative=True, most=7), "bysetpos", to_text=_joined),
    RulePart("WKST", _wkst, "wkst", to_dateutil=WEEKDAYS.__getitem__),
)


def parse(text: str, *, max_sessions: int) -> Rule:
    """Parse and bound an RRULE value (``FREQ=WEEKLY;BYDAY=TU,TH``; a leading ``RRULE:`` is
    accepted). Raises ``InvalidRule``."""
    parts = _split(text)
    freq = parts.get("FREQ")
    if freq not in FREQUENCIES:
        raise InvalidRule("frequency")
    unknown = sorted(set(parts) - ALLOWED_PARTS[freq])
    if unknown:
        raise InvalidRule("part_not_allowed", part=unknown[0], freq=freq)
    reading = _Reading(freq=freq, parts=parts, max_sessions=max_sessions)
    kwargs: dict = {"freq": FREQUENCIES[freq]}
    canonical = [f"FREQ={freq}"]
    for part in RULE_PARTS:
        if part.name not in parts:
            continue
        value = reading.values[part.name] = part.check(parts[part.name], reading)
        kwargs[part.keyword] = part.to_dateutil(value)
        part_text = part.to_text(value)
        if part_text is not None:
            canonical.append(f"{part.name}={part_text}")
    return Rule(
        text=";".join(canonical), freq=freq, kwargs=kwargs, until=reading.values.get("UNTIL")
    )


def _dateutil_rule(rule: Rule, starts_at: datetime) -> du.rrule:
    return du.rrule(dtstart=to_local_naive(starts_at), cache=False, **rule.kwargs)


def _matches_filters(rule: Rule, local: datetime) -> bool:
    """Cheap necessary conditions for ``local`` to be an occurrence (no iteration)."""
    kwargs = rule.kwargs
    if "bymonth" in kwargs and local.month not in kwargs["bymonth"]:
        return False
    if "bymonthday" in kwargs:
        days_in_month = (
            (local.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        ).day
        if local.day not in kwargs["bymonthday"] and (
            local.day - days_in_month - 1 not in kwargs["bymonthday"]
        ):
            return False
    weekdays = {w.weekday for w in kwargs.get("byweekday", ())}
    return not weekdays or local.weekday() in weekdays


def check_start(rule: Rule, starts_at: datetime) -> None:
    """DTSTART must be the rule's first occurrence (RFC 5545 says it should be)."""
    local = to_local_naive(starts_at)
    if rule.until is not None and rule.until < starts_at:
        raise InvalidRule("until_before_start")
    if not _matches_filters(rule, local):
        raise InvalidRule("not_synchronised")
    # A rule that never matches (FREQ=MONTHLY;BYSETPOS=2) would have dateutil search up to
    # year 9999 for a first occurrence: look five years ahead at most.
    kwargs = {k: v for k, v in rule.kwargs.items() if k != "count"}
    horizon_end = local + timedelta(days=5 * 366)
    kwargs["until"] = min(kwargs.get("until", horizon_end), horizon_end)
    first = next(iter(du.rrule(dtstart=local, cache=False, **kwargs)), None)
    if first != local:
        raise InvalidRule("not_synchronised")


def occurrences(
    rule: Rule | None,
    *,
    starts_at: datetime,
    ends_at: datetime,
    until: datetime,
    limit: int,
) -> list[Occurrence]:
    """The occurrences starting no later than ``until`` (UTC), at most ``limit``, in order.

    Each keeps the first occurrence's local start time and local duration.
    """
    if rule is None:
        return [Occurrence(starts_at, ends_at)] if starts_at <= until and limit > 0 else []
    duration = to_local_naive(ends_at) - to_local_naive(starts_at)
    found: list[Occurrence] = []
    for local in _dateutil_rule(rule, starts_at):
        start = from_local_naive(local)
        if start > until or len(found) >= limit:
            break
        end = from_local_naive(local + duration)
        found.append(Occurrence(start, max(end, start + timedelta(minutes=1))))
    return found
