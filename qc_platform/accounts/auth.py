"""How a request is authenticated: the session cookie, or a personal bearer token.

The cookie (signed by Flask) carries the user id and a random session secret; it
authenticates only while the server-side session row of that secret lives (see
``service.resume_session``). A cookie without a secret (signed before sessions were
kept on the server) authenticates nobody.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

from flask import Flask, g, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from qc_platform.accounts import service
from qc_platform.accounts.models import UserSession
from qc_platform.core import audit, live
from qc_platform.core.errors import Unauthorized
from qc_platform.extensions import db, login_manager

log = logging.getLogger(__name__)

SESSION_KEY = "qc_sid"


def load_user_from_session(user_id: str):
    secret = session.get(SESSION_KEY)
    resumed = (
        service.resume_session(user_id=int(user_id), secret=secret)
        if user_id.isdigit() and isinstance(secret, str)
        else None
    )
    if resumed is None:
        # Ended, idle, or from before the upgrade: the browser forgets it with this answer.
        session.clear()
        return None
    g.qc_user_session = resumed.user_session
    if resumed.touched:
        g.qc_session_touch = (resumed.user_session.id, resumed.user_session.last_seen_at)
        # A fresh cookie too: its signature's age must not end a session in use.
        session.modified = True
    return resumed.user


def load_user_from_bearer(request):
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials:
        return None
    user = service.user_for_token(credentials.strip())
    if user is not None:
        g.qc_auth_method = "bearer"
    return user


def unauthorized():
    raise Unauthorized("http.401")


def current_session() -> UserSession | None:
    """The session row of this request's cookie; None for a bearer token."""
    return g.get("qc_user_session")


def sign_in(user) -> None:
    """A fresh cookie (no fixation) bound to a new server-side session."""
    session.clear()
    login_user(user)
    user_session, secret = service.start_session(
        user=user, user_agent=request.headers.get("User-Agent")
    )
    session[SESSION_KEY] = secret
    g.qc_user_session = user_session


def renew_current_session() -> None:
    """Give this request's session a new secret (and the browser a new cookie)."""
    user_session = current_session()
    if user_session is not None:
        session[SESSION_KEY] = service.renew_session_secret(user_session=user_session)


def sign_out(user) -> None:
    """End this request's session on the server and forget the cookie."""
    user_session = current_session()
    if user_session is not None:
        service.end_session(user=user, user_session=user_session)
    logout_user()
    session.clear()
    g.pop("qc_user_session", None)


def note_failed_password(*, via: str, user_id: int | None, actor=None) -> None:
    """Audit a wrong password. The request answers 4xx, so the boundary rolls back: the
    row is written after that, in a transaction of its own (see ``_after_boundary``).

    For an unknown address nothing personal is kept (not the address, nor a hash of it:
    a mistyped address is someone's too); the row says only that a guess happened.
    """
    details = {"via": via} if user_id is not None else {"via": via, "account": "unknown"}
    g.qc_failed_password = {
        # The id, not the object: the rollback expires it before the row is written.
        "actor": SimpleNamespace(id=actor.id) if actor is not None else None,
        "action": "password.change_failed" if via == "password" else "auth.login_failed",
        "object_type": "user" if user_id is not None else None,
        "object_id": user_id,
        "details": details,
    }


def password_was_rejected() -> bool:
    """Did this request spend a guess (for the per-account rate limit)?"""
    return "qc_failed_password" in g


def _after_boundary(response):
    """Writes that must outlive a rolled-back request: the failed-password audit row, and
    the session's last use (a 4xx answer still means the person is there)."""
    # Read, not popped: the limiter's after-request hook reads the failure too. Written
    # once, even if Flask runs the hooks again (for a 500 after an error in one of them).
    failed = g.get("qc_failed_password")
    touch = g.get("qc_session_touch")
    if touch is not None and response.status_code < 400:
        touch = None  # committed with the request
    if (failed is None and touch is None) or g.get("qc_after_boundary_written"):
        return response
    g.qc_after_boundary_written = True
    try:
        if failed is not None:
            audit.record(**failed)
        if touch is not None:
            session_id, seen_at = touch
            db.session.execute(
                update(UserSession)
                .where(UserSession.id == session_id, UserSession.last_seen_at < seen_at)
                .values(last_seen_at=seen_at)
            )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not record a failed sign-in or a session's last use", exc_info=True)
    return response


def live_user(auth):
    """Who opens a live connection: the session cookie's user, or the owner of the bearer
    token in the Socket.IO ``auth`` object."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str):
        return service.user_for_token(token)
    return None


def init_app(app: Flask) -> None:
    live.register_authenticator(live_user)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_from_session)
    login_manager.request_loader(load_user_from_bearer)
    login_manager.unauthorized_handler(unauthorized)
    # after_request hooks run in reverse order of registration, and this is registered
    # before the request boundary (core/http.py): it runs after the commit or rollback.
    app.after_request(_after_boundary)

    @app.teardown_request
    def _forget_request_user(exc):
        # The user belongs to the request, not to an app context that may outlive it.
        g.pop("_login_user", None)
        for name in (
            "qc_auth_method",
            "qc_user_session",
            "qc_session_touch",
            "qc_failed_password",
            "qc_after_boundary_written",
        ):
            g.pop(name, None)
