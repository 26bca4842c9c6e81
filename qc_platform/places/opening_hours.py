"""Weekly opening hours in Europe/Rome: ``{"mon": [["09:00", "12:30"]], ..., "sun": []}``.

Spaces use them now; the catalogue's service availability uses the same format.
"""

from __future__ import annotations

import re

from marshmallow import ValidationError, fields

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_INTERVALS_PER_DAY = 6
# ASCII digits only, the whole string: "0٩:00" or "10:00\n" would pass a looser pattern and
# then compare wrongly as text (intervals are compared as strings, which only works for
# zero-padded ASCII "HH:MM").
_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00", re.ASCII)


def empty_week() -> dict[str, list[list[str]]]:
    return {day: [] for day in WEEKDAYS}


def validate_week(value) -> dict[str, list[list[str]]]:
    """Every weekday present or defaulted to closed; intervals well-formed, ordered, disjoint."""
    if not isinstance(value, dict):
        raise ValidationError("Not a valid mapping type.")
    errors: dict[str, list[str]] = {}
    unknown = set(value) - set(WEEKDAYS)
    for day in unknown:
        errors[str(day)] = ["Unknown field."]
    week = empty_week()
    for day in WEEKDAYS:
        intervals = value.get(day, [])
        if not isinstance(intervals, list) or len(intervals) > MAX_INTERVALS_PER_DAY:
            errors[day] = [f'At most {MAX_INTERVALS_PER_DAY} intervals of ["HH:MM", "HH:MM"].']
            continue
        parsed = []
        for interval in intervals:
            if (
                not isinstance(interval, list)
                or len(interval) != 2
                or not all(isinstance(t, str) and _TIME.fullmatch(t) for t in interval)
            ):
                errors[day] = ['Each interval is ["HH:MM", "HH:MM"].']
                break
            if interval[0] >= interval[1]:
                errors[day] = ["An interval must end after it starts."]
                break
            parsed.append(interval)
        else:
            parsed.sort()
            if any(a[1] > b[0] for a, b in zip(parsed, parsed[1:], strict=False)):
                errors[day] = ["Intervals overlap."]
                continue
            week[day] = parsed
    if errors:
        raise ValidationError(errors)
    return week


class WeeklyHours(fields.Field):
    """A marshmallow field for a week of opening hours."""

    def _deserialize(self, value, attr, data, **kwargs):
        return validate_week(value)

    def _serialize(self, value, attr, obj, **kwargs):
        return value if value is not None else empty_week()


WEEK_JSON_SCHEMA = {
    "type": "object",
    "description": 'Weekly hours in Europe/Rome, e.g. {"mon": [["09:00", "12:30"]], "sun": []}.',
    "properties": {
        day: {
            "type": "array",
            "maxItems": MAX_INTERVALS_PER_DAY,
            "items": {
                "type": "array",
                "items": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"},
                "minItems": 2,
                "maxItems": 2,
            },
        }
        for day in WEEKDAYS
    },
    "additionalProperties": False,
}


def weekly_hours_field(**kwargs) -> WeeklyHours:
    return WeeklyHours(metadata=WEEK_JSON_SCHEMA, **kwargs)
