"""Sessions: cancelling one, and the public searches (the week, an activity's, the kiosk)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from qc_platform.activities import events, policies, recurrence, signals
from qc_platform.activities.models import Activity, ActivitySession, SessionStatus
from qc_platform.activities.service.categories import category_by_code
from qc_platform.activities.service.limits import LONGEST_SESSION
from qc_platform.activities.service.loading import activity_of, lock_session, space_of
from qc_platform.activities.service.registrations import active_registrations
from qc_platform.core.clock import ROME, utcnow
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qc_platform.core.textsearch import fold, matches_all_terms
from qc_platform.extensions import db
from qc_platform.places import service as places
from qc_platform.places.models import ProjectArea, Space


def mark_cancelled(
    session: ActivitySession, activity: Activity, *, reason: str | None, now
) -> None:
    """Cancel the session (the caller holds its lock): whoever is registered or waiting
    hears of it."""
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = now
    session.cancel_reason = reason
    activity.updated_at = now
    registrations = active_registrations(session)
    if registrations:
        signals.session_cancelled.send(session, registrations=registrations)
    events.announce_seats(session, activity)


def cancel_session(*, actor, session_id: int, reason: str | None = None) -> ActivitySession:
    """Cancel one session (its space's operators): everyone registered or waiting hears of it.
    A session that has started, or is cancelled already, cannot be."""
    session = lock_session(session_id)
    activity = activity_of(session)
    if not policies.can_manage_space(actor, space_of(activity)):
        raise Forbidden("activities.not_your_space")
    if session.status == SessionStatus.CANCELLED:
        raise Conflict("activities.session_already_cancelled")
    now = utcnow()
    if session.starts_at <= now:
        raise Conflict("activities.session_started")
    mark_cancelled(session, activity, reason=(reason or "").strip() or None, now=now)
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
        query = query.where(Activity.space_id == _space_id(space))
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


def _space_id(space_ref: str) -> int:
    """The id of the space searched for (by id or slug); an unknown one is a 422."""
    try:
        return places.get_space(space_ref).id
    except NotFound:
        raise InvalidInput(
            "activities.unknown_space",
            errors={"query": {"space": ["activities.unknown_space"]}},
        ) from None


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
