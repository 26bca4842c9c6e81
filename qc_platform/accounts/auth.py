"""How a request is authenticated: the session cookie, or a personal bearer token."""

from __future__ import annotations

from flask import Flask, g

from qc_platform.accounts import service
from qc_platform.core.errors import Unauthorized
from qc_platform.extensions import db, login_manager


def load_user_from_session(user_id: str):
    if not user_id.isdigit():
        return None
    user = db.session.get(service.User, int(user_id))
    return user if user is not None and user.is_active else None


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


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_from_session)
    login_manager.request_loader(load_user_from_bearer)
    login_manager.unauthorized_handler(unauthorized)

    @app.teardown_request
    def _forget_request_user(exc):
        # The user belongs to the request, not to an app context that may outlive it.
        g.pop("_login_user", None)
        g.pop("qc_auth_method", None)
