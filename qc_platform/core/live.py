"""The live channel (Socket.IO): rooms, who may join which, and publishing to them.

Every signed-in client joins ``user:<id>`` and one room per grant: ``staff``, ``admin``,
``tenant:complex:<id>``, ``custodian:complex:<id>``, ``operator:organisation:<id>``,
``committee_member:committee:<id>``. Modules publish to rooms with :func:`publish` or
:func:`emit_to_users`; with ``QC_REDIS_URL`` set, emits travel through Redis, so an event
raised in any process (another server, a CLI command) reaches a client connected to any.

Core knows neither people nor places: accounts registers how a connection is
authenticated (:func:`register_authenticator`), and a module that offers a public room
registers it as an anonymous channel (:func:`register_anonymous_channel`; the activities'
kiosk screens: ``auth: {kiosk: "<space slug>"}`` → ``kiosk:space:<id>`` only).
Live connections are capped per process (``live_limits``): each one holds a server thread.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, join_room

from qc_platform.core.live_limits import TOO_MANY, LiveConnections
from qc_platform.extensions import db, socketio

# auth → the signed-in user (an object with ``id`` and ``grants``), or None.
_authenticators: list[Callable[[object], object | None]] = []
# auth key → (value → the one room it opens, or None when the value names nothing).
_anonymous_channels: dict[str, Callable[[object], str | None]] = {}


def register_authenticator(authenticate: Callable[[object], object | None]) -> None:
    _authenticators.append(authenticate)


def register_anonymous_channel(key: str, room_for: Callable[[object], str | None]) -> None:
    """``auth: {key: value}`` lets anyone follow the room ``room_for(value)``, and only it
    (even with a session cookie: a public screen gets nothing personal)."""
    _anonymous_channels[key] = room_for


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def grant_rooms(user) -> list[str]:
    return [
        grant.role
        if grant.scope_type is None
        else f"{grant.role}:{grant.scope_type}:{grant.scope_id}"
        for grant in user.grants
    ]


def publish(event: str, data: dict, *, to: str) -> None:
    socketio.emit(event, data, to=to)


def emit_to_users(event: str, data: dict, user_ids) -> None:
    for user_id in user_ids:
        socketio.emit(event, data, to=user_room(user_id))


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


def _anonymous_channel(auth) -> tuple[str, object] | None:
    if isinstance(auth, dict):
        for key in _anonymous_channels:
            if key in auth:
                return key, auth[key]
    return None


def _connect_anonymous(key: str, value) -> bool:
    # Counted before the room is resolved: past the caps, nothing reaches the database.
    limits = _limits()
    if not limits.admit_anonymous(request.sid, request.remote_addr or "unknown"):
        raise ConnectionRefusedError(TOO_MANY)
    try:
        try:
            room = _anonymous_channels[key](value)
        finally:
            db.session.remove()
        if room is None:
            raise ConnectionRefusedError(f"unknown {key}")
        join_room(room, sid=request.sid)
        return True
    except BaseException:
        limits.release(request.sid)  # refused or failed: not connected
        raise


def _authenticate(auth):
    for authenticate in _authenticators:
        user = authenticate(auth)
        if user is not None:
            return user
    return None


@socketio.on("connect")
def on_connect(auth=None):
    channel = _anonymous_channel(auth)
    if channel is not None:
        return _connect_anonymous(*channel)
    user = _authenticate(auth)
    if user is None:
        raise ConnectionRefusedError("unauthorized")
    for room in [user_room(user.id), *grant_rooms(user)]:
        join_room(room, sid=request.sid)
    # Authentication may have written (a token's last use): this handler is its own boundary.
    db.session.commit()
    db.session.remove()
    return True


@socketio.on("disconnect")
def on_disconnect(reason=None):
    _limits().release(request.sid)
