"""Socket.IO connection handling: only signed-in users connect; each joins their room."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_socketio import join_room

from qc_platform.accounts import service as accounts
from qc_platform.extensions import socketio


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def _authenticate(auth):
    """The session cookie's user, or the owner of the bearer token given in ``auth``."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str):
        return accounts.user_for_token(token)
    return None


@socketio.on("connect")
def on_connect(auth=None):
    user = _authenticate(auth)
    if user is None:
        return False  # refused: the client gets a connect_error
    join_room(user_room(user.id), sid=request.sid)
    return True
