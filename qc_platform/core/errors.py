"""One JSON error shape for every failure.

``{"code": 422, "status": "Unprocessable Entity", "message": "...", "errors": {...}}``:
flask-smorest's shape, with a message localised by ``Accept-Language``. Services raise
the domain errors below; HTTP errors from werkzeug/webargs/flask-limiter come through
the same handler; anything unexpected becomes a 500 without a trace.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, current_app, jsonify
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from qc_platform.core.i18n import has_message, translate, translate_field_errors

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused the request. Raised by services, mapped here."""

    status_code = 409

    def __init__(self, message_key: str, *, errors: dict | None = None, **params):
        super().__init__(message_key)
        self.message_key = message_key
        self.errors = errors
        self.params = params


class InvalidInput(DomainError):
    """422: the input is well-formed but breaks a rule (e.g. an unknown complex)."""

    status_code = 422


class Conflict(DomainError):
    """409: the request conflicts with the current state (duplicate, wrong status)."""

    status_code = 409


class NotFound(DomainError):
    """404: not there, or not visible to the caller (the two are indistinguishable)."""

    status_code = 404


class Forbidden(DomainError):
    """403: visible to the caller, but not theirs to change."""

    status_code = 403


class Unauthorized(DomainError):
    """401: the caller must sign in first."""

    status_code = 401


def error_response(status_code: int, message: str, errors=None, headers=None):
    body = {"code": status_code, "status": HTTPStatus(status_code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status_code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _default_message(status_code: int) -> str:
    key = f"http.{status_code}"
    return translate(key if has_message(key) else "http.default")


def handle_domain_error(error: DomainError):
    message = (
        translate(error.message_key, **error.params)
        if has_message(error.message_key)
        else _default_message(error.status_code)
    )
    errors = translate_field_errors(error.errors) if error.errors else None
    return error_response(error.status_code, message, errors)


def handle_http_exception(error: HTTPException):
    status_code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("messages")
    message_key = data.get("message_key")
    message = translate(message_key) if message_key else _default_message(status_code)
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        # flask-smorest's own handler drops this header (and schemathesis checks it).
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    retry_after = getattr(error, "retry_after", None) or (
        error.response.headers.get("Retry-After") if error.response is not None else None
    )
    if status_code == 429 and retry_after:
        headers["Retry-After"] = str(retry_after)
    if status_code >= 500:
        log.error("HTTP %s raised: %s", status_code, error.description)
    return error_response(
        status_code, message, translate_field_errors(errors) if errors else None, headers
    )


def handle_unexpected_error(error: Exception):
    # The trace goes to the server log, never to the client.
    current_app.logger.exception("Unhandled error")
    return error_response(500, _default_message(500))


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
