"""Sessions over the rolling horizon: an activity's occurrences become sessions as they come
within ``horizon()`` of now, and a new schedule is fitted onto the future sessions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from qc_platform.activities import events, recurrence, signals
from qc_platform.activities.models import Activity, ActivitySession, SessionStatus
from qc_platform.activities.service.limits import horizon, max_sessions
from qc_platform.activities.service.loading import lock_activity
from qc_platform.activities.service.registrations import active_registrations
from qc_platform.activities.service.sessions import mark_cancelled
from qc_platform.core.clock import ROME, utcnow
from qc_platform.extensions import db


def _stored_rule(activity: Activity) -> recurrence.Rule | None:
    if not activity.rrule:
        return None
    # Stored rules were validated when saved; a lowered cap only limits new sessions.
    return recurrence.parse(activity.rrule, max_sessions=10**6)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(ROME).date()


def reschedule(
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
            _move(session, occurrence, activity, rule)
            result.append(session)
        elif session.confirmed_count + session.waitlisted_count > 0:
            if session.status == SessionStatus.SCHEDULED:
                mark_cancelled(session, activity, reason=None, now=now)
            result.append(session)
        else:
            db.session.delete(session)
    for occurrence in by_day.values():
        session = _new_session(activity, rule, occurrence)
        result.append(session)
    db.session.flush()
    return result


def _move(
    session: ActivitySession,
    occurrence: recurrence.Occurrence,
    activity: Activity,
    rule: recurrence.Rule | None,
) -> None:
    """The session takes the occurrence's times; when they are new, whoever is registered
    hears of it and the kiosks show it."""
    moved = (session.starts_at, session.ends_at) != (occurrence.starts_at, occurrence.ends_at)
    session.starts_at, session.ends_at = occurrence.starts_at, occurrence.ends_at
    session.recurrence_id = occurrence.starts_at if rule else None
    if moved and session.status == SessionStatus.SCHEDULED:
        registrations = active_registrations(session)
        if registrations:
            signals.session_rescheduled.send(session, registrations=registrations)
        events.announce_seats(session, activity)


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


def materialise(activity: Activity, rule: recurrence.Rule | None, *, now: datetime) -> int:
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
        activity = lock_activity(activity_id)
        created = materialise(activity, _stored_rule(activity), now=now)
        if created:
            activity.updated_at = now
            totals["activities"] += 1
            totals["sessions"] += created
    db.session.flush()
    return totals
