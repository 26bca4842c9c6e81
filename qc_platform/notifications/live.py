"""The Socket.IO channel: rooms, authentication on connect, and the emits.

Every signed-in client joins ``user:<id>`` and one room per grant: ``staff``, ``admin``,
``tenant:complex:<id>``, ``custodian:complex:<id>``, ``operator:organisation:<id>``,
``committee_member:committee:<id>``. An anonymous kiosk screen connects with
``auth: {kiosk: "<space slug>"}`` and joins only ``kiosk:space:<id>`` (public seat counts).
Live connections are capped per process (``live_limits``): each one holds a server thread.
With ``QC_REDIS_URL`` set, emits travel through
Redis, so an event raised in any process (another server, a CLI command) reaches a
client connected to any server.
"""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from qc_platform.accounts import service as accounts
from qc_platform.extensions import socketio
from qc_platform.notifications.live_limits import TOO_MANY, LiveConnections

log = logging.getLogger(__name__)

EVENT_NOTIFICATION = "notification"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def kiosk_room(space_id: int) -> str:
    """The public room of a space's kiosk screen: seat counts only, never anything personal."""
    return f"kiosk:space:{space_id}"


def grant_rooms(user) -> list[str]:
    rooms = []
    for grant in user.grants:
        if grant.scope_type is None:
            rooms.append(grant.role)
        else:
            rooms.append(f"{grant.role}:{grant.scope_type}:{grant.scope_id}")
    return rooms


def payload(notification, unread_count: int) -> dict:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "created_at": notification.created_at.isoformat(),
        "unread_count": unread_count,
    }


def emit_notifications(payloads: list[tuple[int, dict]]) -> None:
    for user_id, data in payloads:
        socketio.emit(EVENT_NOTIFICATION, data, to=user_room(user_id))


def allowed_origins(extra_origins: list[str]):
    """engine.io's ``cors_allowed_origins``: the server's own origin always, plus the extras.

    Given a list, engine.io accepts only the origins in it, and a browser on the server's
    own address would be refused as soon as ``QC_ALLOWED_ORIGINS`` is set; so extras are
    checked by a function that also accepts the same origin (as engine.io computes it).
    """
    if not extra_origins:
        return None  # engine.io's own same-origin check
    extra = frozenset(origin.rstrip("/") for origin in extra_origins)

    def allowed(origin: str, environ: dict) -> bool:
        return origin in extra or origin in _same_origins(environ)

    return allowed


def _same_origins(environ: dict) -> set[str]:
    scheme, host = environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST")
    if not scheme or not host:
        return set()
    origins = {f"{scheme}://{host}"}
    if "HTTP_X_FORWARDED_PROTO" in environ or "HTTP_X_FORWARDED_HOST" in environ:
        forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
        forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
        origins.add(f"{forwarded_scheme}://{forwarded_host}")
    return origins


def _authenticate(auth):
    """The session cookie's user, or the owner of the bearer token in ``auth``."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str):
        return accounts.user_for_token(token)
    return None


def _connect_kiosk(space_ref) -> bool:
    """``auth: {kiosk: "<space slug>"}``: anyone may follow one space's public kiosk room,
    and only that room (even with a session cookie: a lodge screen gets nothing personal)."""
    from qc_platform.core.errors import NotFound
    from qc_platform.extensions import db
    from qc_platform.places import service as places

    if not isinstance(space_ref, str) or not 1 <= len(space_ref) <= 80:
        raise ConnectionRefusedError("unknown space")
    try:
        space_id = places.get_space(space_ref).id
    except NotFound:
        raise ConnectionRefusedError("unknown space") from None
    finally:
        db.session.remove()
    join_room(kiosk_room(space_id), sid=request.sid)
    return True


def limit_live_connections(app) -> None:
    """Cap ``app``'s live connections (see live_limits); after ``socketio.init_app``, whose
    middleware it wraps, and inside ProxyFix, whose client address it counts by."""
    limits = LiveConnections(
        max_connections=app.config["QC_LIVE_MAX_CONNECTIONS"],
        anonymous_per_process=app.config["QC_LIVE_ANONYMOUS_PER_PROCESS"],
        anonymous_per_address=app.config["QC_LIVE_ANONYMOUS_PER_ADDRESS"],
    )
    app.extensions["qc_live_connections"] = limits
    app.wsgi_app = limits.wsgi_middleware(app.wsgi_app)


def _limits() -> LiveConnections:
    return current_app.extensions["qc_live_connections"]


@socketio.on("connect")
def on_connect(auth=None):
    if isinstance(auth, dict) and "kiosk" in auth:
        # Counted before the space is looked up: past the caps, nothing reaches the database.
        limits = _limits()
        if not limits.admit_anonymous(request.sid, request.remote_addr or "unknown"):
            raise ConnectionRefusedError(TOO_MANY)
        try:
            return _connect_kiosk(auth["kiosk"])
        except BaseException:
            limits.release(request.sid)  # refused (unknown space) or failed: not connected
            raise
    user = _authenticate(auth)
    if user is None:
        raise ConnectionRefusedError("unauthorized")
    for room in [user_room(user.id), *grant_rooms(user)]:
        join_room(room, sid=request.sid)
    # The token's last-use time may have changed: this handler is its own boundary.
    from qc_platform.extensions import db

    db.session.commit()
    db.session.remove()
    return True


@socketio.on("disconnect")
def on_disconnect(reason=None):
    _limits().release(request.sid)


EVENT_MESSAGE = "message"


def emit_to_users(event: str, data: dict, user_ids) -> None:
    for user_id in user_ids:
        socketio.emit(event, data, to=user_room(user_id))
