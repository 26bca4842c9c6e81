"""Per-user rate limits whose rates are settings (``QC_*_RATE_LIMIT``)."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from qc_platform.extensions import limiter


def per_user() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else "anonymous"


def per_user_limit(setting: str, *, scope: str | None = None):
    """``@limiter.limit`` on POST, keyed by the signed-in user, at the rate ``setting`` names.

    Routes given the same ``scope`` share one budget.
    """
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=per_user,
        methods=["POST"],
        scope=scope,
    )
