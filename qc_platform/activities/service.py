"""Activities: publishing, sessions over a rolling horizon, registrations and waitlists.

Services add and flush; the request (or CLI command) commits. Seat counts change only
while the session's row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
writers are serialised by ``BEGIN IMMEDIATE``), so concurrent registrations can never
confirm more people than the capacity.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import joinedload

from qc_platform.accounts.models import User
from qc_platform.activities import events, policies, recurrence, signals
from qc_platform.activities.models import (
    Activity,
    ActivityCategory,
    ActivitySession,
    CalendarFeed,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from qc_platform.core.clock import ROME, utcnow
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qc_platform.core.i18n import translate
from qc_platform.core.seeding import load_data, seed_by_code
from qc_platform.core.textsearch import fold, matches_all_terms
from qc_platform.extensions import db
from qc_platform.places import service as places
from qc_platform.places.models import ProjectArea, Space

MAX_RECURRING_DURATION = timedelta(hours=24)
MAX_ONE_OFF_DURATION = timedelta(days=14)
MAX_LEAD_TIME = timedelta(days=730)
# No session lasts longer (a recurring one's 24 hours may be 25 across a DST change), so a
# session under way at an instant started at most this long before it: the lower bound
# that lets "sessions overlapping [from, to)" read a range of the starts_at index instead
# of every session since the first.
LONGEST_SESSION = MAX_ONE_OFF_DURATION
SCHEDULE_FIELDS = ("starts_at", "ends_at", "rrule")


def horizon() -> timedelta:
    return timedelta(days=current_app.config["QC_ACTIVITIES_HORIZON_DAYS"])


def max_sessions() -> int:
    return current_app.config["QC_ACTIVITIES_MAX_SESSIONS"]


# --- categories ---------------------------------------------------------------------


def _data() -> dict:
    return load_data("activities.json")


def categories() -> list[ActivityCategory]:
    return list(db.session.scalars(select(ActivityCategory).order_by(ActivityCategory.position)))


def category_by_code(code: str, location: str = "json") -> ActivityCategory:
    category = db.session.scalar(select(ActivityCategory).where(ActivityCategory.code == code))
    if category is None:
        raise InvalidInput(
            "activities.unknown_category",
            errors={location: {"category": ["activities.unknown_category"]}},
        )
    return category


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
        day = today + timedelta(days=(entry["weekday"] - today.weekday()) % 7 or 7)
        starts_at = recurrence.from_local_naive(
            datetime.combine(day, time.fromisoformat(entry["start"]))
        )
        ends_at = recurrence.from_local_naive(
            datetime.combine(day, time.fromisoformat(entry["end"]))
        )
        rule = entry["rrule"]
        if rule and "BYDAY=" in rule:
            # The first occurrence must be a day of the rule: start on the first one listed.
            starts_at, ends_at = _first_matching_day(rule, starts_at, ends_at)
        create_activity(
            actor=actor,
            space_id=space.id,
            title=entry["title"],
            description=entry["description"],
            category=entry["category"],
            audience=entry["audience"],
            languages=entry["languages"],
            accessibility_notes=entry["accessibility_notes"],
            price_cents=entry["price_cents"],
            starts_at=starts_at,
            ends_at=ends_at,
            rrule=rule,
            capacity=entry["capacity"],
            registration_required=entry["registration_required"],
            check_permission=False,
        )
        created += 1
    return created


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


# --- loading ------------------------------------------------------------------------


def get_activity(activity_id: int) -> Activity:
    activity = db.session.scalar(
        select(Activity).options(joinedload(Activity.space)).where(Activity.id == activity_id)
    )
    if activity is None:
        raise NotFound("http.404")
    return activity


def get_session(session_id: int) -> ActivitySession:
    session = db.session.scalar(
        select(ActivitySession)
        .options(joinedload(ActivitySession.activity).joinedload(Activity.space))
        .where(ActivitySession.id == session_id)
    )
    if session is None:
        raise NotFound("http.404")
    return session


def _lock_session(session_id: int) -> ActivitySession:
    """The session row, locked until the transaction ends, with fresh counts."""
    session = db.session.scalar(
        select(ActivitySession)
        .where(ActivitySession.id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if session is None:
        raise NotFound("http.404")
    # Its activity and space, for the rules (already in the identity map when loaded).
    get_activity(session.activity_id)
    return session


def _activity_of(session: ActivitySession) -> Activity:
    return db.session.get(Activity, session.activity_id)


def _space_of(activity: Activity) -> Space:
    return db.session.get(Space, activity.space_id)


# --- publishing ---------------------------------------------------------------------


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


def _stored_rule(activity: Activity) -> recurrence.Rule | None:
    if not activity.rrule:
        return None
    # Stored rules were validated when saved; a lowered cap only limits new sessions.
    return recurrence.parse(activity.rrule, max_sessions=10**6)


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
    space = db.session.get(Space, space_id)
    if space is None:
        raise InvalidInput(
            "activities.unknown_space", errors={"json": {"space_id": ["activities.unknown_space"]}}
        )
    if check_permission and not policies.can_manage_space(actor, space):
        raise Forbidden("activities.not_your_space")
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
    _materialise(activity, rule, now=now)
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
    space = _space_of(activity)
    if not policies.can_manage_space(actor, space):
        raise Forbidden("activities.not_your_space")
    # Locked and read again: a change committed while we waited is the one we build on
    # (capacity, schedule), not the copy loaded before the lock.
    db.session.scalar(
        select(Activity)
        .where(Activity.id == activity.id)
        .with_for_update(of=Activity)
        .execution_options(populate_existing=True)
    )
    now = utcnow()
    if "category" in changes:
        activity.category = category_by_code(changes.pop("category"))
        activity.category_id = activity.category.id
    for field in ("title", "description", "accessibility_notes"):
        if field in changes:
            setattr(activity, field, changes.pop(field).strip())
    if "languages" in changes:
        activity.languages = list(dict.fromkeys(changes.pop("languages")))
    for field in ("audience", "price_cents", "registration_required"):
        if field in changes:
            setattr(activity, field, changes.pop(field))

    future = list(
        db.session.scalars(
            select(ActivitySession)
            .where(ActivitySession.activity_id == activity.id, ActivitySession.starts_at > now)
            .order_by(ActivitySession.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    capacity_changed = False
    if "capacity" in changes:
        capacity = changes.pop("capacity")
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
        capacity_changed = capacity != activity.capacity
        activity.capacity = capacity

    schedule = {field: changes.pop(field) for field in SCHEDULE_FIELDS if field in changes}
    if schedule:
        starts_at = _whole_minute(schedule.get("starts_at", activity.starts_at))
        ends_at = _whole_minute(schedule.get("ends_at", activity.ends_at))
        rrule = schedule.get("rrule", activity.rrule)
        if (starts_at, ends_at, rrule) != (activity.starts_at, activity.ends_at, activity.rrule):
            rule = _check_schedule(starts_at=starts_at, ends_at=ends_at, rrule=rrule, now=now)
            activity.starts_at, activity.ends_at = starts_at, ends_at
            activity.rrule = rule.text if rule else None
            future = _reschedule(activity, rule, future, now=now)

    activity.search_text = _search_text(activity, space, activity.category)
    activity.updated_at = now  # the calendars' Last-Modified, whatever changed
    db.session.flush()
    if capacity_changed:
        for session in future:
            if session.status == SessionStatus.SCHEDULED:
                _promote(session, activity)
                events.announce_seats(session, activity)
    db.session.flush()
    return activity


def _local_day(moment: datetime) -> date:
    return moment.astimezone(ROME).date()


def _reschedule(
    activity: Activity,
    rule: recurrence.Rule | None,
    future: list[ActivitySession],
    *,
    now: datetime,
) -> list[ActivitySession]:
    """Fit the future sessions to the new schedule; returns the future sessions after it."""
    # A COUNT rule counts its past occurrences itself; the cap is on the sessions ahead.
    wanted = _wanted_occurrences(activity, rule, now=now, room=max_sessions())
    by_day = {_local_day(o.starts_at): o for o in wanted}
    result = []
    for session in sorted(future, key=lambda s: s.starts_at):
        occurrence = by_day.pop(_local_day(session.starts_at), None)
        if occurrence is not None:
            moved = (session.starts_at, session.ends_at) != (
                occurrence.starts_at,
                occurrence.ends_at,
            )
            session.starts_at, session.ends_at = occurrence.starts_at, occurrence.ends_at
            session.recurrence_id = occurrence.starts_at if rule else None
            result.append(session)
            if moved and session.status == SessionStatus.SCHEDULED:
                registrations = _active_registrations(session)
                if registrations:
                    signals.session_rescheduled.send(session, registrations=registrations)
                events.announce_seats(session, activity)
        elif session.confirmed_count + session.waitlisted_count > 0:
            if session.status == SessionStatus.SCHEDULED:
                _cancel(session, activity, reason=None, now=now)
            result.append(session)
        else:
            db.session.delete(session)
    for occurrence in by_day.values():
        session = _new_session(activity, rule, occurrence)
        result.append(session)
    db.session.flush()
    return result


def _wanted_occurrences(activity, rule, *, now: datetime, room: int):
    until = now + horizon() if rule else activity.starts_at
    return [
        o
        for o in recurrence.occurrences(
            rule,
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            until=until,
            limit=max(room, 0) + max_sessions(),
        )
        if o.starts_at > now
    ][: max(room, 0)]


def _new_session(activity, rule, occurrence) -> ActivitySession:
    session = ActivitySession(
        activity_id=activity.id,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        recurrence_id=occurrence.starts_at if rule else None,
        status=SessionStatus.SCHEDULED,
        confirmed_count=0,
        waitlisted_count=0,
    )
    db.session.add(session)
    return session


def _materialise(activity: Activity, rule: recurrence.Rule | None, *, now: datetime) -> int:
    """Create the missing sessions of the occurrences in (now, now + horizon]; idempotent.
    At most ``max_sessions()`` sessions ahead of now: past ones do not count, so an
    open-ended series keeps rolling for as long as it runs."""
    existing = set(
        db.session.scalars(
            select(ActivitySession.recurrence_id).where(ActivitySession.activity_id == activity.id)
        )
    )
    if rule is None:
        if existing:
            return 0
        _new_session(activity, None, recurrence.Occurrence(activity.starts_at, activity.ends_at))
        db.session.flush()
        return 1
    ahead = db.session.scalar(
        select(func.count())
        .select_from(ActivitySession)
        .where(ActivitySession.activity_id == activity.id, ActivitySession.starts_at > now)
    )
    created = 0
    occurrences = recurrence.occurrences(
        rule,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        until=now + horizon(),
        limit=max_sessions() + len(existing),
    )
    for occurrence in occurrences:
        if ahead + created >= max_sessions():
            break
        if occurrence.starts_at <= now or occurrence.starts_at in existing:
            continue
        _new_session(activity, rule, occurrence)
        created += 1
    db.session.flush()
    return created


def extend_horizon() -> dict[str, int]:
    """Materialise the sessions that entered the rolling horizon (``qc activities-extend``,
    daily from cron). Idempotent; each activity is locked while it is extended."""
    now = utcnow()
    ids = list(
        db.session.scalars(
            select(Activity.id).where(Activity.rrule.is_not(None)).order_by(Activity.id)
        )
    )
    totals = {"activities": 0, "sessions": 0}
    for activity_id in ids:
        activity = db.session.scalar(
            select(Activity)
            .where(Activity.id == activity_id)
            .with_for_update(of=Activity)  # not the joined category
            .execution_options(populate_existing=True)
        )
        created = _materialise(activity, _stored_rule(activity), now=now)
        if created:
            activity.updated_at = now
            totals["activities"] += 1
            totals["sessions"] += created
    db.session.flush()
    return totals


# --- sessions -----------------------------------------------------------------------


def _active_registrations(session: ActivitySession) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.session_id == session.id,
                Registration.status.in_(RegistrationStatus.ACTIVE),
            )
            .order_by(Registration.id)
        )
    )


def _cancel(session: ActivitySession, activity: Activity, *, reason: str | None, now) -> None:
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = now
    session.cancel_reason = reason
    activity.updated_at = now
    registrations = _active_registrations(session)
    if registrations:
        signals.session_cancelled.send(session, registrations=registrations)
    events.announce_seats(session, activity)


def cancel_session(*, actor, session_id: int, reason: str | None = None) -> ActivitySession:
    """Cancel one session (its space's operators): everyone registered or waiting hears of it.
    A session that has started, or is cancelled already, cannot be."""
    session = _lock_session(session_id)
    activity = _activity_of(session)
    if not policies.can_manage_space(actor, _space_of(activity)):
        raise Forbidden("activities.not_your_space")
    if session.status == SessionStatus.CANCELLED:
        raise Conflict("activities.session_already_cancelled")
    now = utcnow()
    if session.starts_at <= now:
        raise Conflict("activities.session_started")
    _cancel(session, activity, reason=(reason or "").strip() or None, now=now)
    db.session.flush()
    return session


def search_sessions(
    *,
    date_from: datetime,
    date_to: datetime | None = None,
    space: str | None = None,
    area: str | None = None,
    category: str | None = None,
    audience: str | None = None,
    free: bool | None = None,
    q: str | None = None,
    include_cancelled: bool = True,
) -> Select:
    """Sessions under way or starting in [from, to), with their activity (public)."""
    query = (
        select(ActivitySession)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .options(joinedload(ActivitySession.activity).joinedload(Activity.space))
        .where(*_overlapping(date_from, date_to))
    )
    if space:
        try:
            space_id = places.get_space(space).id
        except NotFound:
            raise InvalidInput(
                "activities.unknown_space",
                errors={"query": {"space": ["activities.unknown_space"]}},
            ) from None
        query = query.where(Activity.space_id == space_id)
    if area:
        query = query.where(
            Activity.space_id.in_(
                select(Space.id).join(ProjectArea).where(ProjectArea.code == area)
            )
        )
    if category:
        query = query.where(Activity.category_id == category_by_code(category, "query").id)
    if audience:
        query = query.where(Activity.audience == audience)
    if free is not None:
        query = query.where(Activity.price_cents == 0 if free else Activity.price_cents > 0)
    if q and fold(q):
        query = query.where(matches_all_terms(Activity.search_text, q))
    if not include_cancelled:
        query = query.where(ActivitySession.status == SessionStatus.SCHEDULED)
    return query


def sessions_of(
    activity: Activity, *, date_from: datetime | None, date_to: datetime | None
) -> Select:
    query = (
        select(ActivitySession)
        .options(joinedload(ActivitySession.activity).joinedload(Activity.space))
        .where(ActivitySession.activity_id == activity.id)
    )
    if date_from is not None:
        query = query.where(*_overlapping(date_from, date_to))
    elif date_to is not None:
        query = query.where(ActivitySession.starts_at < date_to)
    return query


def _overlapping(date_from: datetime, date_to: datetime | None) -> list:
    """Sessions under way at `date_from` or starting before `date_to`: bounded below on
    ``starts_at`` too (``LONGEST_SESSION``), so that the index reads only that range."""
    conditions = [
        ActivitySession.ends_at > date_from,
        ActivitySession.starts_at > date_from - LONGEST_SESSION,
    ]
    if date_to is not None:
        conditions.append(ActivitySession.starts_at < date_to)
    return conditions


def next_session(activity: Activity) -> ActivitySession | None:
    """The next session not yet over (cancelled ones too), else the last one."""
    now = utcnow()
    upcoming = db.session.scalar(
        select(ActivitySession)
        .where(ActivitySession.activity_id == activity.id, *_overlapping(now, None))
        .order_by(ActivitySession.starts_at, ActivitySession.id)
        .limit(1)
    )
    if upcoming is not None:
        return upcoming
    return db.session.scalar(
        select(ActivitySession)
        .where(ActivitySession.activity_id == activity.id)
        .order_by(ActivitySession.starts_at.desc(), ActivitySession.id.desc())
        .limit(1)
    )


def kiosk(space: Space, *, next_limit: int = 10) -> dict:
    """Today's sessions not yet over and the next ones, of one space (the lodge's screen)."""
    now = utcnow()
    today = now.astimezone(ROME).date()
    tomorrow = recurrence.from_local_naive(datetime.combine(today + timedelta(days=1), time()))
    base = (
        select(ActivitySession)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .options(joinedload(ActivitySession.activity))
        .where(Activity.space_id == space.id)
        .order_by(ActivitySession.starts_at, ActivitySession.id)
    )
    today_sessions = list(
        db.session.scalars(base.where(*_overlapping(now, tomorrow)).limit(50)).unique()
    )
    next_sessions = list(
        db.session.scalars(
            base.where(
                ActivitySession.starts_at >= tomorrow,
                ActivitySession.status == SessionStatus.SCHEDULED,
            ).limit(next_limit)
        ).unique()
    )
    return {"space": space, "generated_at": now, "today": today_sessions, "next": next_sessions}


# --- registrations ------------------------------------------------------------------


def register(
    *,
    actor: User,
    session_id: int,
    user_id: int | None = None,
    desk_name: str | None = None,
) -> Registration:
    """Register the caller for a session, or (operators, at the desk) someone else: a user
    by id or a person by name. Beyond capacity the person is waitlisted. One registration
    per person and session; none for a cancelled or started session."""
    session = _lock_session(session_id)
    activity = _activity_of(session)
    space = _space_of(activity)
    person = actor
    if user_id is not None or desk_name is not None:
        if not policies.can_manage_space(actor, space):
            raise Forbidden("activities.desk_only_operators")
        if user_id is not None and desk_name is not None:
            raise InvalidInput(
                "activities.user_or_desk_name",
                errors={"json": {"desk_name": ["activities.user_or_desk_name"]}},
            )
        person = db.session.get(User, user_id) if user_id is not None else None
        if user_id is not None and (person is None or not person.is_active):
            raise InvalidInput(
                "activities.unknown_user", errors={"json": {"user_id": ["activities.unknown_user"]}}
            )
    if not activity.registration_required:
        raise Conflict("activities.registration_not_required")
    if session.status == SessionStatus.CANCELLED:
        raise Conflict("activities.session_cancelled")
    now = utcnow()
    if session.starts_at <= now:
        raise Conflict("activities.session_started")
    registration = None
    if person is not None:
        registration = db.session.scalar(
            select(Registration).where(
                Registration.session_id == session.id, Registration.user_id == person.id
            )
        )
        if registration is not None and registration.status in RegistrationStatus.ACTIVE:
            raise Conflict("activities.already_registered")
    confirmed = activity.capacity is None or session.confirmed_count < activity.capacity
    status = RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED
    if registration is None:
        registration = Registration(
            session_id=session.id,
            user_id=person.id if person is not None else None,
            desk_name=desk_name.strip() if desk_name else None,
        )
        db.session.add(registration)
    registration.status = status
    registration.registered_by_id = actor.id
    registration.queued_at = now
    registration.promoted_at = None
    registration.cancelled_at = None
    registration.attended = None
    if confirmed:
        session.confirmed_count += 1
    else:
        session.waitlisted_count += 1
    db.session.flush()
    signals.registration_created.send(registration, actor=actor)
    events.announce_seats(session, activity)
    return registration


def get_registration_visible(user: User, registration_id: int) -> Registration:
    """The person's own registration, or any of a space its operator runs; else 404."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("http.404")
    session = get_session(registration.session_id)
    if not policies.can_see_registration(user, registration, session.activity.space):
        raise NotFound("http.404")
    return registration


def cancel_registration(*, actor: User, registration: Registration) -> Registration:
    """Cancel a registration (the person, or the space's operators) before the session starts;
    a freed place goes at once to the first on the waitlist, who is notified."""
    session = _lock_session(registration.session_id)
    activity = _activity_of(session)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        raise Conflict("activities.already_cancelled")
    now = utcnow()
    if session.starts_at <= now:
        raise Conflict("activities.session_started")
    was = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    if was == RegistrationStatus.CONFIRMED:
        session.confirmed_count -= 1
    else:
        session.waitlisted_count -= 1
    db.session.flush()
    if session.status == SessionStatus.SCHEDULED:
        _promote(session, activity)
    events.announce_seats(session, activity)
    return registration


def _promote(session: ActivitySession, activity: Activity) -> list[Registration]:
    """Give free places to the waitlist, first come first served (caller holds the lock)."""
    if session.waitlisted_count == 0:
        return []
    free = None if activity.capacity is None else activity.capacity - session.confirmed_count
    if free is not None and free <= 0:
        return []
    query = (
        select(Registration)
        .where(
            Registration.session_id == session.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.queued_at, Registration.id)
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    now = utcnow()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        session.confirmed_count += 1
        session.waitlisted_count -= 1
    db.session.flush()
    for registration in promoted:
        signals.registration_promoted.send(registration)
    return promoted


def waitlist_positions(registrations: list[Registration]) -> dict[int, int]:
    """``{registration id: 1-based place in its waitlist}`` for the waitlisted ones, one query."""
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    if not waiting:
        return {}
    ahead = db.session.execute(
        select(Registration.id, Registration.session_id, Registration.queued_at).where(
            Registration.session_id.in_({r.session_id for r in waiting}),
            Registration.status == RegistrationStatus.WAITLISTED,
        )
    ).all()
    positions = {}
    for registration in waiting:
        key = (registration.queued_at, registration.id)
        positions[registration.id] = 1 + sum(
            1
            for row in ahead
            if row.session_id == registration.session_id and (row.queued_at, row.id) < key
        )
    return positions


def registrations_of_session(*, actor: User, session: ActivitySession) -> Select:
    """Who is registered (operators of the space): confirmed first, then the waitlist."""
    if not policies.can_manage_space(actor, session.activity.space):
        raise Forbidden("activities.not_your_space")
    return select(Registration).where(Registration.session_id == session.id)


def my_sessions(user: User, *, when: str, include_cancelled: bool) -> tuple[Select, bool]:
    """Sessions I am registered for (``upcoming``: not over yet; ``past``; ``all``).

    Returns the query over sessions and whether to page newest first.
    """
    now = utcnow()
    statuses = RegistrationStatus.ALL if include_cancelled else RegistrationStatus.ACTIVE
    query = (
        select(ActivitySession)
        .join(Registration, Registration.session_id == ActivitySession.id)
        .options(joinedload(ActivitySession.activity).joinedload(Activity.space))
        .where(Registration.user_id == user.id, Registration.status.in_(statuses))
    )
    if when == "upcoming":
        query = query.where(ActivitySession.ends_at > now)
    elif when == "past":
        query = query.where(ActivitySession.ends_at <= now)
    return query, when == "past"


def registrations_for(user: User, sessions: list[ActivitySession]) -> dict[int, Registration]:
    rows = db.session.scalars(
        select(Registration).where(
            Registration.user_id == user.id,
            Registration.session_id.in_([s.id for s in sessions]),
        )
    )
    return {r.session_id: r for r in rows}


def record_attendance(
    *,
    actor: User,
    session_id: int,
    records: list[dict],
    walk_ins: int | None = None,
) -> ActivitySession:
    """Operators record, once the session has started, who came (confirmed registrations
    only) and how many came without registering; it feeds the municipality's monitoring."""
    session = _lock_session(session_id)
    activity = _activity_of(session)
    if not policies.can_manage_space(actor, _space_of(activity)):
        raise Forbidden("activities.not_your_space")
    if session.status == SessionStatus.CANCELLED:
        raise Conflict("activities.session_cancelled")
    now = utcnow()
    if session.starts_at > now:
        raise Conflict("activities.session_not_started")
    wanted = {record["registration_id"]: record["attended"] for record in records}
    found = {
        r.id: r
        for r in db.session.scalars(
            select(Registration).where(
                Registration.id.in_(list(wanted)),
                Registration.session_id == session.id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
        )
    }
    if set(wanted) - set(found):
        raise InvalidInput(
            "activities.not_a_confirmed_registration",
            errors={"json": {"attendance": ["activities.not_a_confirmed_registration"]}},
        )
    for registration_id, attended in wanted.items():
        found[registration_id].attended = attended
    if walk_ins is not None:
        session.walk_ins = walk_ins
    session.attendance_recorded_at = now
    db.session.flush()
    return session


def attendance_summary(session: ActivitySession) -> dict:
    rows = dict(
        db.session.execute(
            select(Registration.attended, func.count())
            .where(
                Registration.session_id == session.id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .group_by(Registration.attended)
        ).all()
    )
    return {
        "session_id": session.id,
        "attended": rows.get(True, 0),
        "absent": rows.get(False, 0),
        "not_recorded": rows.get(None, 0),
        "walk_ins": session.walk_ins,
        "recorded_at": session.attendance_recorded_at,
    }


def registrants(registrations: list[Registration]) -> dict[int, User]:
    """The users of these registrations, in one query (desk names have none)."""
    ids = {r.user_id for r in registrations if r.user_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


# --- calendars ----------------------------------------------------------------------

FEED_WINDOW_PAST = timedelta(days=90)


def feed_activities(*, space: Space | None = None) -> list[tuple[Activity, list[ActivitySession]]]:
    """Activities with a session in the last 90 days or later, with all those sessions."""
    since = utcnow() - FEED_WINDOW_PAST
    query = (
        select(ActivitySession)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .options(joinedload(ActivitySession.activity).joinedload(Activity.space))
        .where(
            Activity.id.in_(
                select(ActivitySession.activity_id).where(ActivitySession.ends_at > since)
            )
        )
        .order_by(Activity.id, ActivitySession.starts_at, ActivitySession.id)
    )
    if space is not None:
        query = query.where(Activity.space_id == space.id)
    grouped: dict[int, tuple[Activity, list[ActivitySession]]] = {}
    for session in db.session.scalars(query).unique():
        grouped.setdefault(session.activity_id, (session.activity, []))[1].append(session)
    return list(grouped.values())


def last_registration_change(user: User) -> datetime | None:
    """When any of my registrations last changed, cancelled ones included: a cancellation
    removes an event from my feed, and its Last-Modified must still move forward."""
    return db.session.scalar(
        select(func.max(Registration.updated_at)).where(Registration.user_id == user.id)
    )


def personal_feed(user: User) -> list[tuple[ActivitySession, Registration]]:
    """My active registrations' sessions of the last 90 days and later."""
    since = utcnow() - FEED_WINDOW_PAST
    rows = db.session.execute(
        select(ActivitySession, Registration)
        .join(Registration, Registration.session_id == ActivitySession.id)
        .options(joinedload(ActivitySession.activity).joinedload(Activity.space))
        .where(
            Registration.user_id == user.id,
            Registration.status.in_(RegistrationStatus.ACTIVE),
            ActivitySession.ends_at > since,
        )
        .order_by(ActivitySession.starts_at, ActivitySession.id)
    ).unique()
    return [(row[0], row[1]) for row in rows]


# --- personal calendar-feed token ---------------------------------------------------

FEED_TOKEN_PREFIX = "qcf_"  # noqa: S105 - a prefix, not a secret


def _derive_token(user_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"qc-calendar-feed:{user_id}:{nonce}".encode(), hashlib.sha256)
    return FEED_TOKEN_PREFIX + base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed(user: User) -> tuple[CalendarFeed | None, str | None]:
    """My feed and its token (recomputed from the nonce and the secret key), if any."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        return None, None
    return feed, _derive_token(user.id, feed.nonce)


def regenerate_calendar_feed(user: User) -> tuple[CalendarFeed, str]:
    """A new secret feed URL; the previous one stops working at once."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.nonce = secrets.token_hex(16)
    feed.created_at = utcnow()
    token = _derive_token(user.id, feed.nonce)
    feed.token_hash = _hash_token(token)
    db.session.flush()
    return feed, token


def revoke_calendar_feed(user: User) -> None:
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))


def user_for_feed_token(token: str) -> User | None:
    if not token.startswith(FEED_TOKEN_PREFIX) or len(token) > 100:
        return None
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_hash == _hash_token(token))
    )
    if feed is None:
        return None
    # A changed secret key invalidates every feed URL (rotate it, and they all stop).
    if not hmac.compare_digest(_derive_token(feed.user_id, feed.nonce), token):
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.is_active else None
