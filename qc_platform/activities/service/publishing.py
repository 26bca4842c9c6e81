"""Publishing an activity and changing it: who may, and the rules of its schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from qc_platform.activities import events, policies, recurrence
from qc_platform.activities.models import Activity, ActivityCategory, ActivitySession, SessionStatus
from qc_platform.activities.service.categories import category_by_code
from qc_platform.activities.service.horizon import materialise, reschedule
from qc_platform.activities.service.limits import (
    MAX_LEAD_TIME,
    MAX_ONE_OFF_DURATION,
    MAX_RECURRING_DURATION,
    max_sessions,
)
from qc_platform.activities.service.loading import lock_activity, space_of
from qc_platform.activities.service.registrations import promote
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput
from qc_platform.core.i18n import translate
from qc_platform.core.textsearch import fold
from qc_platform.extensions import db
from qc_platform.places.models import Space

SCHEDULE_FIELDS = ("starts_at", "ends_at", "rrule")
# What an edit sets as sent, and the texts it strips first.
PLAIN_FIELDS = ("audience", "price_cents", "registration_required")
TEXT_FIELDS = ("title", "description", "accessibility_notes")


def _invalid(key: str, field: str, **params):
    return InvalidInput(key, errors={"json": {field: [translate(key, **params)]}}, **params)


def _check_schedule(
    *, starts_at: datetime, ends_at: datetime, rrule: str | None, now: datetime
) -> recurrence.Rule | None:
    """The rules of a schedule; returns the parsed recurrence rule (or None)."""
    if ends_at <= starts_at:
        raise _invalid("activities.ends_before_start", "ends_at")
    longest = MAX_RECURRING_DURATION if rrule else MAX_ONE_OFF_DURATION
    if ends_at - starts_at > longest:
        raise _invalid("activities.too_long", "ends_at", hours=int(longest.total_seconds() // 3600))
    if starts_at <= now:
        raise _invalid("activities.starts_in_past", "starts_at")
    if starts_at > now + MAX_LEAD_TIME:
        raise _invalid("activities.starts_too_far", "starts_at")
    if not rrule:
        return None
    try:
        rule = recurrence.parse(rrule, max_sessions=max_sessions())
        recurrence.check_start(rule, starts_at)
    except recurrence.InvalidRule as error:
        raise InvalidInput(
            "activities.invalid_rrule",
            errors={"json": {"rrule": [translate(error.key, **error.params)]}},
        ) from None
    return rule


def _search_text(activity: Activity, space: Space, category: ActivityCategory) -> str:
    return fold(
        " ".join(
            [
                activity.title,
                activity.description,
                category.name_it,
                category.name_en,
                space.name,
                activity.accessibility_notes,
            ]
        )
    )


def _whole_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _space_to_publish_in(actor, space_id: int, *, check_permission: bool) -> Space:
    space = db.session.get(Space, space_id)
    if space is None:
        raise InvalidInput(
            "activities.unknown_space", errors={"json": {"space_id": ["activities.unknown_space"]}}
        )
    if check_permission and not policies.can_manage_space(actor, space):
        raise Forbidden("activities.not_your_space")
    return space


def create_activity(
    *,
    actor,
    space_id: int,
    title: str,
    description: str = "",
    category: str,
    audience: str = "everyone",
    languages: list[str] | None = None,
    accessibility_notes: str = "",
    price_cents: int = 0,
    starts_at: datetime,
    ends_at: datetime,
    rrule: str | None = None,
    capacity: int | None = None,
    registration_required: bool = False,
    check_permission: bool = True,
) -> Activity:
    """Publish an activity in a space: only its organisation's operators (and admins).

    Its sessions are created at once: every occurrence within the horizon.
    """
    space = _space_to_publish_in(actor, space_id, check_permission=check_permission)
    category_row = category_by_code(category)
    now = utcnow()
    starts_at, ends_at = _whole_minute(starts_at), _whole_minute(ends_at)
    rule = _check_schedule(starts_at=starts_at, ends_at=ends_at, rrule=rrule, now=now)
    activity = Activity(
        space_id=space.id,
        category_id=category_row.id,
        created_by_id=getattr(actor, "id", None),
        title=title.strip(),
        description=description.strip(),
        audience=audience,
        languages=list(dict.fromkeys(languages or ["it"])),
        accessibility_notes=accessibility_notes.strip(),
        price_cents=price_cents,
        starts_at=starts_at,
        ends_at=ends_at,
        rrule=rule.text if rule else None,
        capacity=capacity,
        registration_required=registration_required,
    )
    activity.category = category_row
    activity.search_text = _search_text(activity, space, category_row)
    db.session.add(activity)
    db.session.flush()
    materialise(activity, rule, now=now)
    return activity


def update_activity(*, actor, activity: Activity, **changes) -> Activity:
    """Change an activity. A new schedule (starts_at, ends_at, rrule) applies to the future
    sessions only: a session on the same Milan day as a new occurrence moves to its time and
    keeps its registrations (who is registered hears of the new time); the other future
    sessions are cancelled (and their people notified) when anyone is registered, deleted
    otherwise; new occurrences get new sessions. Past sessions never change.

    The capacity may not go below the confirmed registrations of any future session; raising
    it promotes people from the waitlists at once.
    """
    space = space_of(activity)
    if not policies.can_manage_space(actor, space):
        raise Forbidden("activities.not_your_space")
    # Locked and read again: a change committed while we waited is the one we build on
    # (capacity, schedule), not the copy loaded before the lock.
    lock_activity(activity.id)
    now = utcnow()
    _apply_details(activity, changes)
    future = _future_sessions(activity, now=now)
    capacity_changed = "capacity" in changes and _apply_capacity(
        activity, changes["capacity"], future
    )
    schedule = {field: changes[field] for field in SCHEDULE_FIELDS if field in changes}
    if schedule:
        future = _apply_schedule(activity, schedule, future, now=now)
    activity.search_text = _search_text(activity, space, activity.category)
    activity.updated_at = now  # the calendars' Last-Modified, whatever changed
    db.session.flush()
    if capacity_changed:
        _fill_new_places(activity, future)
    db.session.flush()
    return activity


def _apply_details(activity: Activity, changes: dict) -> None:
    """What the edit says about the activity itself (texts stripped, languages once each)."""
    if "category" in changes:
        activity.category = category_by_code(changes["category"])
        activity.category_id = activity.category.id
    for field in TEXT_FIELDS:
        if field in changes:
            setattr(activity, field, changes[field].strip())
    if "languages" in changes:
        activity.languages = list(dict.fromkeys(changes["languages"]))
    for field in PLAIN_FIELDS:
        if field in changes:
            setattr(activity, field, changes[field])


def _future_sessions(activity: Activity, *, now: datetime) -> list[ActivitySession]:
    """The sessions not started yet, locked with fresh counts (the edit may change them)."""
    return list(
        db.session.scalars(
            select(ActivitySession)
            .where(ActivitySession.activity_id == activity.id, ActivitySession.starts_at > now)
            .order_by(ActivitySession.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def _apply_capacity(
    activity: Activity, capacity: int | None, future: list[ActivitySession]
) -> bool:
    """Set the capacity, never below the confirmed registrations of a future session;
    returns whether it changed."""
    if capacity is not None:
        most = max(
            (s.confirmed_count for s in future if s.status == SessionStatus.SCHEDULED),
            default=0,
        )
        if capacity < most:
            raise Conflict(
                "activities.capacity_below_confirmed",
                errors={
                    "json": {
                        "capacity": [
                            translate("activities.capacity_below_confirmed", confirmed=most)
                        ]
                    }
                },
                confirmed=most,
            )
    changed = capacity != activity.capacity
    activity.capacity = capacity
    return changed


def _apply_schedule(
    activity: Activity, schedule: dict, future: list[ActivitySession], *, now: datetime
) -> list[ActivitySession]:
    """A new schedule (a field not sent keeps its value), if it is one: checked, then fitted
    onto the future sessions. Returns the future sessions after it."""
    starts_at = _whole_minute(schedule.get("starts_at", activity.starts_at))
    ends_at = _whole_minute(schedule.get("ends_at", activity.ends_at))
    rrule = schedule.get("rrule", activity.rrule)
    if (starts_at, ends_at, rrule) == (activity.starts_at, activity.ends_at, activity.rrule):
        return future
    rule = _check_schedule(starts_at=starts_at, ends_at=ends_at, rrule=rrule, now=now)
    activity.starts_at, activity.ends_at = starts_at, ends_at
    activity.rrule = rule.text if rule else None
    return reschedule(activity, rule, future, now=now)


def _fill_new_places(activity: Activity, future: list[ActivitySession]) -> None:
    """A changed capacity: each scheduled future session gives its new places to its
    waitlist, and the kiosks hear of its seats."""
    for session in future:
        if session.status == SessionStatus.SCHEDULED:
            promote(session, activity)
            events.announce_seats(session, activity)
