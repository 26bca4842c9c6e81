"""Seeding: the categories of ``data/activities.json`` and the demo activities."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from qc_platform.accounts.models import User
from qc_platform.activities import recurrence
from qc_platform.activities.models import Activity, ActivityCategory
from qc_platform.activities.service.limits import max_sessions
from qc_platform.activities.service.publishing import create_activity
from qc_platform.core.clock import ROME, utcnow
from qc_platform.core.seeding import load_data, seed_by_code
from qc_platform.extensions import db
from qc_platform.places import service as places

# What a demo entry gives create_activity as it is (its schedule is computed).
DEMO_FIELDS = (
    "title",
    "description",
    "category",
    "audience",
    "languages",
    "accessibility_notes",
    "price_cents",
    "rrule",
    "capacity",
    "registration_required",
)


def _data() -> dict:
    return load_data("activities.json")


def seed_categories() -> dict[str, int]:
    """Create the missing categories of ``data/activities.json`` (never overwrites)."""
    return {"activity_categories": len(seed_by_code(ActivityCategory, _data()["categories"]))}


def seed_demo_activities(*, actor: User | None = None) -> int:
    """The demo activities (``qc seed --demo``): added once, by title and space."""
    created = 0
    today = utcnow().astimezone(ROME).date()
    for entry in _data()["demo_activities"]:
        space = places.get_space(entry["space"])
        if db.session.scalar(
            select(Activity.id).where(
                Activity.space_id == space.id, Activity.title == entry["title"]
            )
        ):
            continue
        starts_at, ends_at = _demo_schedule(entry, today)
        create_activity(
            actor=actor,
            space_id=space.id,
            starts_at=starts_at,
            ends_at=ends_at,
            check_permission=False,
            **{field: entry[field] for field in DEMO_FIELDS},
        )
        created += 1
    return created


def _demo_schedule(entry: dict, today: date) -> tuple[datetime, datetime]:
    """The first session: on the entry's weekday in the coming week, at its Milan times."""
    day = today + timedelta(days=(entry["weekday"] - today.weekday()) % 7 or 7)
    starts_at = recurrence.from_local_naive(
        datetime.combine(day, time.fromisoformat(entry["start"]))
    )
    ends_at = recurrence.from_local_naive(datetime.combine(day, time.fromisoformat(entry["end"])))
    rule = entry["rrule"]
    if rule and "BYDAY=" in rule:
        # The first occurrence must be a day of the rule: start on the first one from then.
        starts_at, ends_at = _first_matching_day(rule, starts_at, ends_at)
    return starts_at, ends_at


def _first_matching_day(rule_text: str, starts_at: datetime, ends_at: datetime):
    rule = recurrence.parse(rule_text, max_sessions=max_sessions())
    for shift in range(7):
        candidate = starts_at + timedelta(days=shift)
        try:
            recurrence.check_start(rule, candidate)
        except recurrence.InvalidRule:
            continue
        return candidate, ends_at + timedelta(days=shift)
    return starts_at, ends_at
