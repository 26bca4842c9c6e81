"""Helpers of the activities tests: the Boccioni space, its operator, activities in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from qc_platform.activities import service
from qc_platform.activities.recurrence import from_local_naive
from qc_platform.core.clock import ROME, utcnow
from qc_platform.extensions import db
from qc_platform.places.models import Space
from tests.accounts.factories import bearer, persist, user_with_roles

API = "/api/v1"


def space(slug: str = "boccioni") -> Space:
    return db.session.scalar(select(Space).where(Space.slug == slug))


def operator_of(slug: str = "boccioni", **kwargs):
    return user_with_roles(("operator", "organisation", space(slug).organisation_id), **kwargs)


@dataclass
class Person:
    """A user's id and bearer header, taken at once: a request that fails rolls the
    session back and expires every ORM object the test holds, these stay usable."""

    id: int
    headers: dict[str, str]
    user: object  # for calling services during setup, before any request

    def __init__(self, user):
        self.id, self.headers, self.user = user.id, bearer(user), user


def person(*grants, **kwargs) -> Person:
    return Person(user_with_roles(*grants, **kwargs))


def operator(slug: str = "boccioni", **kwargs) -> Person:
    return Person(operator_of(slug, **kwargs))


def rome(year, month, day, hour=0, minute=0) -> datetime:
    """A Europe/Rome wall time, as an aware UTC datetime."""
    return from_local_naive(datetime(year, month, day, hour, minute))


def next_local(weekday: int, hour: int, minute: int = 0, *, weeks_ahead: int = 1) -> datetime:
    """The given Milan weekday and time, at least ``weeks_ahead`` weeks from today (UTC)."""
    today = utcnow().astimezone(ROME).date()
    day = today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)
    return from_local_naive(datetime(day.year, day.month, day.day, hour, minute))


def make_activity(*, slug: str = "boccioni", operator=None, **overrides):
    """An activity published through the service (committed to the test's savepoint)."""
    starts_at = overrides.pop("starts_at", None) or next_local(1, 18)
    values = {
        "space_id": space(slug).id,
        "title": "Corso di italiano",
        "description": "Italiano per tutti.",
        "category": "course",
        "starts_at": starts_at,
        "ends_at": overrides.pop("ends_at", None) or starts_at + timedelta(minutes=90),
        "capacity": 5,
        "registration_required": True,
    }
    values.update(overrides)
    actor = operator.user if isinstance(operator, Person) else operator
    activity = service.create_activity(actor=actor or operator_of(slug), **values)
    persist()
    return SimpleNamespace(id=activity.id, starts_at=activity.starts_at, ends_at=activity.ends_at)


def sessions_of(activity_id: int):
    from qc_platform.activities.models import ActivitySession

    rows = db.session.scalars(
        select(ActivitySession)
        .where(ActivitySession.activity_id == activity_id)
        .order_by(ActivitySession.starts_at)
    )
    return [
        SimpleNamespace(id=r.id, starts_at=r.starts_at, ends_at=r.ends_at, status=r.status)
        for r in rows
    ]


def iso(moment: datetime) -> str:
    return moment.isoformat()
