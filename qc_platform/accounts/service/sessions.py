"""Sessions: each signed-in browser is a server-side row, so that logout, a password change
and "sign out everywhere" really end it, and an idle session expires."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from qc_platform.accounts.models import (
    User,
    UserSession,
)
from qc_platform.accounts.roles import Role
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import NotFound
from qc_platform.extensions import db

# A session's last use is written at most this often, so reads stay (almost) reads.
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
# Staff and admin sessions end after the shorter idle time (QC_STAFF_SESSION_IDLE_MINUTES).
SHORT_IDLE_ROLES = frozenset({Role.STAFF, Role.ADMIN})


@dataclass(frozen=True)
class ResumedSession:
    user: User
    user_session: UserSession
    touched: bool  # last_seen_at was moved on by this request


_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
# iPhone and Android agents also name "Mac OS X" and "Linux": the specific words come first.
_SYSTEMS = (
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def device_summary(user_agent: str | None) -> str | None:
    """ "Firefox, Linux": the browser and system words of a User-Agent, nothing more (the
    string itself identifies a person too well to be kept); None when neither is known."""
    agent = (user_agent or "")[:512]
    browser = next((name for word, name in _BROWSERS if word in agent), None)
    system = next((name for word, name in _SYSTEMS if word in agent), None)
    return ", ".join(part for part in (browser, system) if part) or None


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def idle_limit(user: User) -> timedelta:
    """How long a session of ``user`` may go unused: shorter for staff and admin."""
    config = current_app.config
    if SHORT_IDLE_ROLES & user.global_roles():
        return timedelta(minutes=config["QC_STAFF_SESSION_IDLE_MINUTES"])
    return timedelta(minutes=config["QC_SESSION_IDLE_MINUTES"])


def start_session(*, user: User, user_agent: str | None) -> tuple[UserSession, str]:
    """Sign-in: a new session; its secret (for the cookie) is returned once, never stored.

    The person's sessions that are over (ended, or idle past their time) are deleted
    here: they authenticate nothing and are kept no longer than needed.
    """
    now = utcnow()
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(
                UserSession.ended_at.is_not(None),
                UserSession.last_seen_at < now - idle_limit(user),
            ),
        )
    )
    secret = secrets.token_urlsafe(32)
    user_session = UserSession(
        user_id=user.id,
        secret_hash=_hash_secret(secret),
        created_at=now,
        last_seen_at=now,
        device=device_summary(user_agent),
    )
    db.session.add(user_session)
    db.session.flush()
    return user_session, secret


def renew_session_secret(*, user_session: UserSession) -> str:
    """A new secret for a session that stays (after a password change): a copy of the
    cookie taken before no longer works, the browser that holds the new one does."""
    secret = secrets.token_urlsafe(32)
    user_session.secret_hash = _hash_secret(secret)
    db.session.flush()
    return secret


def resume_session(*, user_id: int, secret: str) -> ResumedSession | None:
    """The live session whose cookie carries ``user_id`` and ``secret``, or None.

    Live: the row exists, belongs to that (active) person, is not ended and was used
    within the idle time. Its last use is moved on at most once a minute.
    """
    if not secret or len(secret) > 100:
        return None
    user_session = db.session.scalar(
        select(UserSession).where(UserSession.secret_hash == _hash_secret(secret))
    )
    if user_session is None or user_session.user_id != user_id or user_session.ended_at is not None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    now = utcnow()
    if now - user_session.last_seen_at > idle_limit(user):
        return None
    touched = now - user_session.last_seen_at >= SESSION_TOUCH_INTERVAL
    if touched:
        user_session.last_seen_at = now
    return ResumedSession(user=user, user_session=user_session, touched=touched)


def sessions_of(user: User):
    """The person's live sessions (a query, for pagination)."""
    return select(UserSession).where(
        UserSession.user_id == user.id,
        UserSession.ended_at.is_(None),
        UserSession.last_seen_at >= utcnow() - idle_limit(user),
    )


def get_own_session(*, user: User, session_id: int) -> UserSession:
    """One of the person's live sessions; anyone else's, or an ended one, is 404."""
    user_session = db.session.scalar(sessions_of(user).where(UserSession.id == session_id))
    if user_session is None:
        raise NotFound("http.404")
    return user_session


def end_session(*, user: User, user_session: UserSession) -> None:
    """End one session (logout, or from the list of one's sessions)."""
    user_session.ended_at = utcnow()
    db.session.flush()
    audit.record(
        actor=user,
        action="session.end",
        object_type="user",
        object_id=user.id,
        details={"session_id": user_session.id},
    )


def end_sessions_except(*, user: User, keep: UserSession | None) -> int:
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = db.session.execute(
        query.values(ended_at=utcnow()).execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def end_other_sessions(*, user: User, keep: UserSession | None) -> int:
    """ "Sign out everywhere": every session of the person but ``keep`` ends (all of them
    when the request came with a bearer token, which has no session)."""
    ended = end_sessions_except(user=user, keep=keep)
    audit.record(
        actor=user,
        action="session.end_others",
        object_type="user",
        object_id=user.id,
        details={"sessions_ended": ended},
    )
    return ended


def end_all_sessions(*, user: User, actor: User | None = None) -> int:
    """Every session of the person ends (a password reset, an erasure, staff action)."""
    ended = end_sessions_except(user=user, keep=None)
    audit.record(
        actor=actor,
        action="session.end_all",
        object_type="user",
        object_id=user.id,
        details={"sessions_ended": ended},
    )
    return ended
