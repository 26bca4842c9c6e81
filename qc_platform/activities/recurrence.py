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
from dataclasses import dataclass
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
CANONICAL_ORDER = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYMONTH",
    "BYMONTHDAY",
    "BYDAY",
    "BYSETPOS",
    "WKST",
)


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


def _int_list(value: str, low: int, high: int, *, allow_negative: bool, max_items: int) -> list:
    items = value.split(",")
    if not items or len(items) > max_items:
        raise InvalidRule("syntax")
    numbers = []
    for item in items:
        if not re.fullmatch(r"[+-]?\d{1,3}", item):
            raise InvalidRule("syntax")
        number = int(item)
        if number == 0 or abs(number) < low or abs(number) > high:
            raise InvalidRule("syntax")
        if number < 0 and not allow_negative:
            raise InvalidRule("syntax")
        numbers.append(number)
    return sorted(set(numbers))


def _until(value: str) -> datetime:
    match = _UNTIL.match(value)
    if not match:
        raise InvalidRule("syntax")
    day, clock, zulu = match.groups()
    try:
        date = datetime.strptime(day, "%Y%m%d").date()
        if not 2000 <= date.year <= 2200:  # year 1 or 9999 have no Milan/UTC conversion
            raise ValueError
        if clock is None:  # a date: the whole of that day in Milan
            return from_local_naive(datetime.combine(date, time(23, 59, 59)))
        moment = datetime.combine(date, datetime.strptime(clock, "%H%M%S").time())
    except ValueError:
        raise InvalidRule("syntax") from None
    return moment.replace(tzinfo=UTC) if zulu else from_local_naive(moment)


def parse(text: str, *, max_sessions: int) -> Rule:
    """Parse and bound an RRULE value (``FREQ=WEEKLY;BYDAY=TU,TH``; a leading ``RRULE:`` is
    accepted). Raises ``InvalidRule``."""
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
    freq = parts.get("FREQ")
    if freq not in FREQUENCIES:
        raise InvalidRule("frequency")
    unknown = sorted(set(parts) - ALLOWED_PARTS[freq])
    if unknown:
        raise InvalidRule("part_not_allowed", part=unknown[0], freq=freq)

    kwargs: dict = {"freq": FREQUENCIES[freq]}
    canonical: dict[str, str] = {"FREQ": freq}
    if "INTERVAL" in parts:
        if (
            not _NUMBER.match(parts["INTERVAL"])
            or not 1 <= int(parts["INTERVAL"]) <= MAX_INTERVAL[freq]
        ):
            raise InvalidRule("interval", max=MAX_INTERVAL[freq])
        kwargs["interval"] = int(parts["INTERVAL"])
        if kwargs["interval"] != 1:
            canonical["INTERVAL"] = str(kwargs["interval"])
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidRule("count_and_until")
    until = None
    if "COUNT" in parts:
        if not _NUMBER.match(parts["COUNT"]) or not 1 <= int(parts["COUNT"]) <= max_sessions:
            raise InvalidRule("count", max=max_sessions)
        kwargs["count"] = int(parts["COUNT"])
        canonical["COUNT"] = str(kwargs["count"])
    if "UNTIL" in parts:
        until = _until(parts["UNTIL"])
        kwargs["until"] = to_local_naive(until)
        canonical["UNTIL"] = until.strftime("%Y%m%dT%H%M%SZ")
    if "BYMONTH" in parts:
        months = _int_list(parts["BYMONTH"], 1, 12, allow_negative=False, max_items=12)
        kwargs["bymonth"] = months
        canonical["BYMONTH"] = ",".join(map(str, months))
    if "BYMONTHDAY" in parts:
        days = _int_list(parts["BYMONTHDAY"], 1, 31, allow_negative=True, max_items=31)
        kwargs["bymonthday"] = days
        canonical["BYMONTHDAY"] = ",".join(map(str, days))
    if "BYSETPOS" in parts:
        positions = _int_list(parts["BYSETPOS"], 1, 31, allow_negative=True, max_items=7)
        kwargs["bysetpos"] = positions
        canonical["BYSETPOS"] = ",".join(map(str, positions))
    if "BYDAY" in parts:
        weekdays, texts = [], []
        items = parts["BYDAY"].split(",")
        if len(items) > 14:
            raise InvalidRule("syntax")
        for item in items:
            match = _BYDAY.match(item)
            if not match:
                raise InvalidRule("syntax")
            ordinal, day = match.groups()
            if ordinal and freq not in ("MONTHLY", "YEARLY"):
                raise InvalidRule("byday_ordinal")
            weekdays.append(WEEKDAYS[day](int(ordinal)) if ordinal else WEEKDAYS[day])
            texts.append(f"{int(ordinal)}{day}" if ordinal else day)
        if freq == "DAILY" and kwargs.get("interval", 1) != 1:
            # Every N days on given weekdays may never match (N = 7, 14 …): use WEEKLY.
            raise InvalidRule("daily_byday_interval")
        kwargs["byweekday"] = weekdays
        canonical["BYDAY"] = ",".join(dict.fromkeys(texts))
    if "WKST" in parts:
        if parts["WKST"] not in WEEKDAYS:
            raise InvalidRule("syntax")
        kwargs["wkst"] = WEEKDAYS[parts["WKST"]]
        canonical["WKST"] = parts["WKST"]
    text = ";".join(f"{name}={canonical[name]}" for name in CANONICAL_ORDER if name in canonical)
    return Rule(text=text, freq=freq, kwargs=kwargs, until=until)


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
