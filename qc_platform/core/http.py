"""The request boundary: input guards, one commit per request, security headers."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from flask import Flask, current_app, g, request
from flask_login import current_user
from flask_smorest import abort

from qc_platform.core import audit
from qc_platform.extensions import db

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_ORIGIN = re.compile(r"^(https?)://[A-Za-z0-9.-]+(?::[0-9]{1,5})?$")


@lru_cache(maxsize=8)
def content_security_policy(allowed_origins: tuple[str, ...] = ()) -> str:
    """The page's CSP. Scripts only connect to this site ('self', which in CSP Level 3
    covers its own ws:/wss: too, for the live notifications) and to the origins of
    ``QC_ALLOWED_ORIGINS``, each also as ws:/wss:; never to any other host."""
    connect = ["'self'"]
    for origin in allowed_origins:
        found = _ORIGIN.match(origin.rstrip("/"))
        if found is None:
            continue  # not a bare http(s) origin: nothing of it goes into the header
        plain = found.group(0)
        socket = ("wss" if found.group(1) == "https" else "ws") + plain[len(found.group(1)) :]
        connect += [plain, socket]
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src " + " ".join(dict.fromkeys(connect)),
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


# Deeper JSON than any of our schemas needs; json.loads itself recurses once per level.
MAX_JSON_DEPTH = 32
# At most this many fields named in one 422 (a body can hold a great many strings).
MAX_TEXT_ERRORS = 20
# NUL: no user types it, and PostgreSQL refuses it in text. A lone UTF-16 surrogate
# (JSON's "\ud800") is not a character at all: it cannot be encoded as UTF-8.
_UNUSABLE_TEXT = re.compile("[\x00\ud800-\udfff]")


def _text_problem(text: str) -> str | None:
    """The message key for text no column can store, or None."""
    found = _UNUSABLE_TEXT.search(text)
    if found is None:
        return None
    return "error.nul_character" if found.group() == "\x00" else "error.lone_surrogate"


class _TextErrors:
    """Field errors by path, in marshmallow's nested shape: ``{"name": [...]}``,
    ``{"items": {0: {"title": [...]}}}``; ``_schema`` where no field can be named."""

    def __init__(self):
        self.errors: dict = {}
        self.count = 0

    def add(self, path: tuple, message_key: str) -> None:
        if self.count >= MAX_TEXT_ERRORS:
            return
        node = self.errors
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                return
        messages = node.setdefault(path[-1], [])
        if isinstance(messages, list) and message_key not in messages:
            messages.append(message_key)
            self.count += 1

    def check(self, path: tuple, text: str, *, is_name: bool = False) -> None:
        message_key = _text_problem(text)
        if message_key:
            # A bad name cannot be echoed back: the error goes to what holds it.
            self.add((*path[:-1], "_schema") if is_name or not path else path, message_key)


def _check_json(document, errors: _TextErrors) -> bool:
    """Walk the document without recursion: its text into ``errors``; False if it is
    nested deeper than MAX_JSON_DEPTH."""
    # (value, path of its field, depth, whether that path can be echoed back)
    stack = [(document, (), 1, True)]
    while stack:
        value, path, depth, nameable = stack.pop()
        if isinstance(value, str):
            errors.check(path if nameable else (*path, "_schema"), value)
            continue
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            return False
        for name, item in items:
            if not nameable:
                stack.append((item, path, depth + 1, False))
            elif isinstance(name, str) and _text_problem(name):
                errors.check((*path, name), name, is_name=True)
                # Whatever it holds is reported with it, under the parent's _schema.
                stack.append((item, path, depth + 1, False))
            else:
                stack.append((item, (*path, name), depth + 1, True))
    return True


def _json_too_deep():
    abort(400, messages={"json": ["error.json_too_deep"]})


def reject_unusable_text():
    """400 for JSON nested deeper than MAX_JSON_DEPTH; 422 for text with NUL characters or
    lone surrogates in the path, the query, a form or the JSON body, naming each field.

    It runs before anything else reads the request (the limiter's key functions read the
    body), so nothing downstream meets a RecursionError or text that cannot be encoded.
    """
    if not request.path.startswith("/api/") or request.routing_exception is not None:
        return
    locations: dict[str, dict] = {}

    path_errors = _TextErrors()
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            path_errors.check((name,), value)
    if not path_errors.errors:
        path_errors.check((), request.path)
    locations["path"] = path_errors.errors

    query_errors = _TextErrors()
    for name, values in request.args.lists():
        query_errors.check((name,), name, is_name=True)
        for value in values:
            query_errors.check((name,), value)
    locations["query"] = query_errors.errors

    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        # guard_request_body has refused forms to views that do not take them.
        form_errors = _TextErrors()
        for name, values in request.form.lists():
            form_errors.check((name,), name, is_name=True)
            for value in values:
                form_errors.check((name,), value)
        locations["form"] = form_errors.errors

    if request.is_json and _has_body():
        try:
            document = json.loads(request.get_data(cache=True))
        except RecursionError:
            _json_too_deep()
        except ValueError:
            document = None  # malformed: the view's parser answers 400, as for any view
        json_errors = _TextErrors()
        if not _check_json(document, json_errors):
            _json_too_deep()
        locations["json"] = json_errors.errors

    errors = {location: found for location, found in locations.items() if found}
    if errors:
        abort(422, messages=errors)


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
    headers.setdefault(
        "Content-Security-Policy",
        content_security_policy(tuple(current_app.config.get("QC_ALLOWED_ORIGINS") or ())),
    )
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
    # The input guards run first, before the limiter's key functions read the body.
    app.before_request_funcs.setdefault(None, [])[0:0] = [guard_request_body, reject_unusable_text]
    # after_request hooks run in reverse order of registration: commit first.
    app.after_request(security_headers)
    app.after_request(commit_or_rollback)

    @app.teardown_request
    def _end_request_session(exc):
        # Whatever was not committed at the boundary is rolled back here; each request
        # starts with a fresh session.
        db.session.remove()
        g.pop("qc_audit_recorded", None)
