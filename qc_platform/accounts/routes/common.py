"""What the accounts views share: rate-limit settings, the per-account guessing budget,
the credentials check and the signed-in user with a CSRF token."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_login import current_user

from qc_platform.accounts import (
    auth,
    messages,  # noqa: F401 - registers the texts
    service,
)
from qc_platform.core.csrf import csrf_token
from qc_platform.extensions import limiter


def login_limit() -> str:
    return current_app.config["QC_LOGIN_RATE_LIMIT"]


def register_limit() -> str:
    return current_app.config["QC_REGISTER_RATE_LIMIT"]


# --- the per-account guessing budget -------------------------------------------------
# Every route that checks a password spends from one budget per account, whatever the
# client's address: only wrong passwords count, so signing in often costs nothing. The
# account is named in the key by a keyed hash of its normalised e-mail, never in clear.


def account_key(email: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else secret.encode()
    digest = hmac.new(secret, service.normalise_email(email).encode(), hashlib.sha256)
    return "account:" + digest.hexdigest()[:32]


def account_in_body() -> str:
    try:
        body = request.get_json(silent=True)
    except (RecursionError, ValueError):
        return ""
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str) or not 0 < len(email) <= 254:
        return ""  # a 422 follows: no account to count against
    return account_key(email)


def account_signed_in() -> str:
    return account_key(current_user.email) if current_user.is_authenticated else ""


def account_limit(key_func):
    return limiter.shared_limit(
        lambda: current_app.config["QC_ACCOUNT_LOGIN_RATE_LIMIT"],
        scope="account-password",
        key_func=key_func,
        methods=["POST"],
        exempt_when=lambda: not key_func(),
        deduct_when=lambda response: auth.password_was_rejected(),
    )


def check_credentials(email: str, password: str, *, via: str):
    try:
        return service.authenticate(email=email, password=password)
    except service.BadCredentials as failure:
        auth.note_failed_password(via=via, user_id=failure.user_id)
        raise


def me(user):
    user.csrf_token = csrf_token()
    return user
