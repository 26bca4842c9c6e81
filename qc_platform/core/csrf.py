"""CSRF protection for cookie-authenticated writes.

A per-session random token, handed out by ``GET /auth/me`` (and on sign-in), must come
back in ``X-CSRF-Token`` on every unsafe request authenticated by the session cookie.
Bearer-token requests carry no ambient credential and need none.
"""

from __future__ import annotations

import hmac
import secrets

from flask import g, request, session
from flask_login import current_user
from flask_smorest import abort

from qc_platform.core.http import UNSAFE_METHODS, view_handler

SESSION_KEY = "qc_csrf"
HEADER = "X-CSRF-Token"


def csrf_token() -> str:
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def reset_csrf_token() -> str:
    session.pop(SESSION_KEY, None)
    return csrf_token()


def csrf_exempt(view):
    """For views that act on no existing session (sign-in, registration): a stale cookie
    in the browser must not block signing in again, and there is nothing to forge."""
    view.qc_csrf_exempt = True
    return view


def check_csrf():
    if request.method not in UNSAFE_METHODS or not request.path.startswith("/api/"):
        return
    if request.routing_exception is not None:
        return  # let the 404/405 answer first
    if getattr(view_handler(), "qc_csrf_exempt", False):
        return
    if not current_user.is_authenticated or g.get("qc_auth_method") == "bearer":
        return
    expected = session.get(SESSION_KEY)
    given = request.headers.get(HEADER, "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        abort(403, message_key="error.csrf")
