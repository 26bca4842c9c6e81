"""Calendars: what the public and personal iCalendar feeds hold, and the personal feed's
secret token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from qc_platform.accounts.models import User
from qc_platform.activities.models import (
    Activity,
    ActivitySession,
    CalendarFeed,
    Registration,
    RegistrationStatus,
)
from qc_platform.core.clock import utcnow
from qc_platform.extensions import db
from qc_platform.places.models import Space

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
