"""Activities' part of the GDPR export and erasure (registered in ``activities.init_app``).

Export: the person's registrations (with the session and activity they are for) and
whether they have a personal calendar feed (never its secret address).
Erasure: registrations for sessions that have not started are cancelled through the
service, so each freed place goes to the first on the waitlist, who is told; past ones
stay for the spaces' attendance figures, under "Persona cancellata". The calendar feed
is deleted.
"""

from __future__ import annotations

from sqlalchemy import select

from qc_platform.accounts import gdpr
from qc_platform.activities import service
from qc_platform.activities.models import (
    Activity,
    ActivitySession,
    CalendarFeed,
    Registration,
    RegistrationStatus,
)
from qc_platform.core.clock import utcnow
from qc_platform.extensions import db


def export(user) -> dict:
    rows = db.session.execute(
        select(Registration, ActivitySession.starts_at, ActivitySession.ends_at, Activity.title)
        .join(ActivitySession, ActivitySession.id == Registration.session_id)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(Registration.user_id == user.id)
        .order_by(Registration.id)
    )
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return {
        "registrations": [
            {
                **gdpr.columns(row.Registration, exclude=("user_id",)),
                "activity_title": row.title,
                "session_starts_at": row.starts_at,
                "session_ends_at": row.ends_at,
            }
            for row in rows
        ],
        "calendar_feed": None if feed is None else {"created_at": feed.created_at},
    }


def erase(erasure: gdpr.Erasure) -> None:
    user = erasure.user
    upcoming = db.session.scalars(
        select(Registration)
        .join(ActivitySession, ActivitySession.id == Registration.session_id)
        .where(
            Registration.user_id == user.id,
            Registration.status.in_(RegistrationStatus.ACTIVE),
            ActivitySession.starts_at > utcnow(),
        )
        .order_by(Registration.id)
    ).all()
    for registration in upcoming:
        service.cancel_registration(actor=user, registration=registration)
    service.revoke_calendar_feed(user)


def register() -> None:
    gdpr.register("activities", export=export, erase=erase)
