"""Loading activities and sessions by id (404 when missing), and locking a session's row."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qc_platform.activities.models import Activity, ActivitySession
from qc_platform.core.errors import NotFound
from qc_platform.extensions import db
from qc_platform.places.models import Space


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


def lock_activity(activity_id: int) -> Activity:
    """The activity row, locked until the transaction ends and read again (a change
    committed while we waited for the lock is the one we see)."""
    return db.session.scalar(
        select(Activity)
        .where(Activity.id == activity_id)
        .with_for_update(of=Activity)  # not the joined category
        .execution_options(populate_existing=True)
    )


def lock_session(session_id: int) -> ActivitySession:
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


def activity_of(session: ActivitySession) -> Activity:
    return db.session.get(Activity, session.activity_id)


def space_of(activity: Activity) -> Space:
    return db.session.get(Space, activity.space_id)
