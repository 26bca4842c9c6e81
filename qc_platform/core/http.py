"""The request boundary: input guards, one commit per request, security headers."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_login import current_user
from flask_smorest import abort

from qc_platform.core import audit
from qc_platform.extensions import db

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self' ws: wss:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
    ]
)


def accepts_multipart(view):
    """Mark a view as taking multipart uploads instead of JSON."""
    view.qc_accepts_multipart = True
    return view


def view_handler():
    """The function that will answer this request (a MethodView's method, or the view)."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    view_class = getattr(view, "view_class", None)
    return getattr(view_class, request.method.lower(), None) if view_class else view


def _has_body() -> bool:
    return (
        bool(request.content_length)
        or "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    )


def guard_request_body():
    """415 for a body that is not JSON; 413 for JSON over the 1 MB cap."""
    if request.method not in UNSAFE_METHODS or not request.path.startswith("/api/"):
        return
    if request.routing_exception is not None:
        return  # let the 404/405 answer first
    if not _has_body():
        return
    handler = view_handler()
    if (
        getattr(handler, "qc_accepts_multipart", False)
        and request.mimetype == "multipart/form-data"
    ):
        return
    if request.mimetype == "application/x-www-form-urlencoded" and getattr(
        handler, "qc_accepts_form", False
    ):
        return
    if not request.is_json:
        abort(415)
    limit = current_app.config["QC_MAX_JSON_BYTES"]
    if request.content_length is None or request.content_length > limit:
        # A chunked body has no announced length: refuse rather than read it blindly.
        from werkzeug.exceptions import RequestEntityTooLarge

        error = RequestEntityTooLarge()
        error.data = {"message_key": "error.json_too_large"}
        raise error


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


def reject_nul_characters():
    """422 for text with NUL characters: no user types them, and PostgreSQL refuses them."""
    if not request.path.startswith("/api/") or request.routing_exception is not None:
        return
    location = None
    if _contains_nul(request.view_args or {}) or "\x00" in request.path:
        location = "path"
    elif any(_contains_nul(v) for v in request.args.listvalues()):
        location = "query"
    elif request.is_json and _contains_nul(request.get_json(silent=True)):
        location = "json"
    if location:
        abort(422, messages={location: {"_schema": ["error.nul_character"]}})


def commit_or_rollback(response):
    """One commit per request, here at the boundary; services only add and flush."""
    if response.status_code < 400:
        audit.record_request_if_privileged(current_user, response.status_code)
        db.session.commit()
    else:
        db.session.rollback()
    return response


def security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")
        headers["Vary"] = ", ".join(
            sorted(
                set(
                    filter(
                        None,
                        [
                            *headers.get("Vary", "").split(", "),
                            "Accept-Language",
                            "Cookie",
                            "Authorization",
                        ],
                    )
                )
            )
        )
    return response


def init_app(app: Flask) -> None:
    app.before_request(guard_request_body)
    app.before_request(reject_nul_characters)
    # after_request hooks run in reverse order of registration: commit first.
    app.after_request(security_headers)
    app.after_request(commit_or_rollback)

    @app.teardown_request
    def _end_request_session(exc):
        # Whatever was not committed at the boundary is rolled back here; each request
        # starts with a fresh session.
        db.session.remove()
        g.pop("qc_audit_recorded", None)
