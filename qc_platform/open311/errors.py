"""Open311's own error shape, for this blueprint only.

GeoReport v2 answers errors with a list of ``{code, description}`` (JSON) or
``<errors><error><code/><description/></error></errors>`` (XML), not with the platform's
``{code, status, message}``; these handlers are registered on the Open311 blueprint, so
the rest of the API keeps its shape.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from qc_platform.core.errors import DomainError
from qc_platform.core.i18n import has_message, translate
from qc_platform.open311.documents import error_response, open311_locale, requested_format

log = logging.getLogger(__name__)


class Open311Error(Exception):
    """A request the facade refuses, with the status and message key to answer with."""

    def __init__(self, status: int, message_key: str, /, **params):
        super().__init__(message_key)
        self.status = status
        self.message_key = message_key
        self.params = params


def _describe(message_key: str, **params) -> str:
    return translate(message_key, open311_locale(), **params)


def _http_message(code: int) -> str:
    key = f"http.{code}"
    return _describe(key if has_message(key) else "http.default")


def handle_open311_error(error: Open311Error):
    return error_response(
        requested_format(), error.status, _describe(error.message_key, **error.params)
    )


def handle_domain_error(error: DomainError):
    # Open311 has no 422: a rule refusing well-formed input is its "400 generic error".
    code = 400 if error.status_code == 422 else error.status_code
    message = (
        _describe(error.message_key, **error.params)
        if has_message(error.message_key)
        else _http_message(code)
    )
    return error_response(requested_format(), code, message)


def handle_http_exception(error: HTTPException):
    code = error.code or 500
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    retry_after = getattr(error, "retry_after", None) or (
        error.response.headers.get("Retry-After") if error.response is not None else None
    )
    if code == 429 and retry_after:
        headers["Retry-After"] = str(retry_after)
    if code >= 500:
        log.error("HTTP %s raised: %s", code, error.description)
    return error_response(requested_format(), code, _http_message(code), headers)


def handle_unexpected_error(error: Exception):
    # The trace goes to the server log, never to the client.
    current_app.logger.exception("Unhandled error in the Open311 facade")
    return error_response(requested_format(), 500, _http_message(500))


def register(blueprint: Blueprint) -> None:
    blueprint.register_error_handler(Open311Error, handle_open311_error)
    blueprint.register_error_handler(DomainError, handle_domain_error)
    blueprint.register_error_handler(HTTPException, handle_http_exception)
    # Flask looks up handlers registered for a status code (the web app's 404 page is one)
    # before handlers of an exception class: Open311's own 404 must be one too.
    blueprint.register_error_handler(404, handle_http_exception)
    blueprint.register_error_handler(Exception, handle_unexpected_error)
