"""Registrations and waitlists: register, cancel, promote from the waitlist, attendance.

Seat counts change only while the session's row is locked (``lock_session``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from qc_platform.accounts.models import User
from qc_platform.activities import events, policies, signals
from qc_platform.activities.models import (
    Activity,
    ActivitySession,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from qc_platform.activities.service.loading import activity_of, get_session, lock_session, space_of
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qc_platform.extensions import db
from qc_platform.places.models import Space


def active_registrations(session: ActivitySession) -> list[Registration]:
    """The confirmed and waitlisted registrations of a session, by id."""
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
    session = lock_session(session_id)
    activity = activity_of(session)
    person = actor
    if user_id is not None or desk_name is not None:
        person = _person_at_the_desk(
            actor, space_of(activity), user_id=user_id, desk_name=desk_name
        )
    now = utcnow()
    _check_open_for_registration(activity, session, now=now)
    registration = _previous_registration(session, person) if person is not None else None
    if registration is None:
        registration = Registration(
            session_id=session.id,
            user_id=person.id if person is not None else None,
            desk_name=desk_name.strip() if desk_name else None,
        )
        db.session.add(registration)
    confirmed = activity.capacity is None or session.confirmed_count < activity.capacity
    _queue(registration, session, confirmed=confirmed, actor=actor, now=now)
    db.session.flush()
    signals.registration_created.send(registration, actor=actor)
    events.announce_seats(session, activity)
    return registration


def _person_at_the_desk(
    actor: User, space: Space, *, user_id: int | None, desk_name: str | None
) -> User | None:
    """Whom an operator registers: an active user by id, or nobody with an account (a name)."""
    if not policies.can_manage_space(actor, space):
        raise Forbidden("activities.desk_only_operators")
    if user_id is not None and desk_name is not None:
        raise InvalidInput(
            "activities.user_or_desk_name",
            errors={"json": {"desk_name": ["activities.user_or_desk_name"]}},
        )
    if user_id is None:
        return None
    person = db.session.get(User, user_id)
    if person is None or not person.is_active:
        raise InvalidInput(
            "activities.unknown_user", errors={"json": {"user_id": ["activities.unknown_user"]}}
        )
    return person


def _check_open_for_registration(
    activity: Activity, session: ActivitySession, *, now: datetime
) -> None:
    if not activity.registration_required:
        raise Conflict("activities.registration_not_required")
    if session.status == SessionStatus.CANCELLED:
        raise Conflict("activities.session_cancelled")
    if session.starts_at <= now:
        raise Conflict("activities.session_started")


def _previous_registration(session: ActivitySession, person: User) -> Registration | None:
    """The person's cancelled registration for the session (it is used again), if any;
    an active one is a conflict."""
    registration = db.session.scalar(
        select(Registration).where(
            Registration.session_id == session.id, Registration.user_id == person.id
        )
    )
    if registration is not None and registration.status in RegistrationStatus.ACTIVE:
        raise Conflict("activities.already_registered")
    return registration


def _queue(
    registration: Registration,
    session: ActivitySession,
    *,
    confirmed: bool,
    actor: User,
    now: datetime,
) -> None:
    """The registration takes a place, or the end of the waitlist, from now."""
    registration.status = (
        RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED
    )
    registration.registered_by_id = actor.id
    registration.queued_at = now
    registration.promoted_at = None
    registration.cancelled_at = None
    registration.attended = None
    if confirmed:
        session.confirmed_count += 1
    else:
        session.waitlisted_count += 1


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
    session = lock_session(registration.session_id)
    activity = activity_of(session)
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
        promote(session, activity)
    events.announce_seats(session, activity)
    return registration


def promote(session: ActivitySession, activity: Activity) -> list[Registration]:
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
    session = lock_session(session_id)
    activity = activity_of(session)
    if not policies.can_manage_space(actor, space_of(activity)):
        raise Forbidden("activities.not_your_space")
    if session.status == SessionStatus.CANCELLED:
        raise Conflict("activities.session_cancelled")
    now = utcnow()
    if session.starts_at > now:
        raise Conflict("activities.session_not_started")
    wanted = {record["registration_id"]: record["attended"] for record in records}
    found = _confirmed_registrations(session, list(wanted))
    for registration_id, attended in wanted.items():
        found[registration_id].attended = attended
    if walk_ins is not None:
        session.walk_ins = walk_ins
    session.attendance_recorded_at = now
    db.session.flush()
    return session


def _confirmed_registrations(session: ActivitySession, ids: list[int]) -> dict[int, Registration]:
    """``{id: registration}`` for these ids, each a confirmed registration of the session."""
    found = {
        r.id: r
        for r in db.session.scalars(
            select(Registration).where(
                Registration.id.in_(ids),
                Registration.session_id == session.id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
        )
    }
    if set(ids) - set(found):
        raise InvalidInput(
            "activities.not_a_confirmed_registration",
            errors={"json": {"attendance": ["activities.not_a_confirmed_registration"]}},
        )
    return found


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
