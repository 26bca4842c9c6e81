"""Weekly hours, closures and holidays → "is this service open at this moment?".

All in Europe/Rome local time: at 23:59 on a Sunday it is Sunday's hours that count, at
00:00 Monday's; across a daylight-saving change the local clock is what matters.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import exists, not_, true

from qc_platform.catalogue.models import Service, ServiceClosure, ServiceHours
from qc_platform.core.clock import ROME
from qc_platform.core.holidays import is_holiday
from qc_platform.places.opening_hours import WEEKDAYS


def _minute(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def hours_rows(availability: dict) -> list[ServiceHours]:
    return [
        ServiceHours(weekday=index, opens_minute=_minute(opens), closes_minute=_minute(closes))
        for index, day in enumerate(WEEKDAYS)
        for opens, closes in availability.get(day, [])
    ]


def local(moment: datetime) -> tuple[date, int, int]:
    """The Milan date, weekday (0 = Monday) and minute of the day of ``moment``."""
    here = moment.astimezone(ROME)
    return here.date(), here.weekday(), here.hour * 60 + here.minute


def is_open(service: Service, moment: datetime) -> bool:
    if service.status != "active":
        return False
    today, weekday, minute = local(moment)
    if service.closed_on_holidays and is_holiday(today):
        return False
    if any(c.starts_on <= today <= c.ends_on for c in service.closures):
        return False
    return any(
        _minute(opens) <= minute < _minute(closes)
        for opens, closes in service.availability.get(WEEKDAYS[weekday], [])
    )


def open_condition(moment: datetime):
    """The same rule as ``is_open``, as a SQL condition on ``Service``."""
    today, weekday, minute = local(moment)
    in_hours = exists().where(
        ServiceHours.service_id == Service.id,
        ServiceHours.weekday == weekday,
        ServiceHours.opens_minute <= minute,
        ServiceHours.closes_minute > minute,
    )
    closed_today = exists().where(
        ServiceClosure.service_id == Service.id,
        ServiceClosure.starts_on <= today,
        ServiceClosure.ends_on >= today,
    )
    holiday_ok = not_(Service.closed_on_holidays) if is_holiday(today) else true()
    return (Service.status == "active") & in_hours & not_(closed_today) & holiday_ok
