"""Personal bearer tokens: shown once, stored as their SHA-256, expiring."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from qc_platform.accounts.models import (
    ApiToken,
    User,
)
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import InvalidInput, NotFound
from qc_platform.extensions import db

TOKEN_PREFIX = "qct_"  # noqa: S105 - a public marker, not a secret
# Bearer use is recorded at most this often per token, so reads stay reads.
TOKEN_TOUCH_INTERVAL_SECONDS = 300
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    *, user: User, name: str, expires_in_days: int = DEFAULT_TOKEN_DAYS
) -> tuple[ApiToken, str]:
    """A new bearer token, valid ``expires_in_days`` (1-365); the clear text is returned
    once and never stored."""
    if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            "accounts.token_days", errors={"json": {"expires_in_days": ["accounts.token_days"]}}
        )
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=_hash_token(clear),
        prefix=clear[: len(TOKEN_PREFIX) + 4],
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days),
    )
    db.session.add(token)
    db.session.flush()
    return token, clear


def create_token(
    *, user: User, name: str, expires_in_days: int = DEFAULT_TOKEN_DAYS
) -> tuple[ApiToken, str]:
    """A token asked for with the password (``POST /auth/tokens``): issued, and audited."""
    token, clear = issue_token(user=user, name=name, expires_in_days=expires_in_days)
    audit.record(actor=user, action="token.create", object_type="api_token", object_id=token.id)
    return token, clear


def user_for_token(clear: str) -> User | None:
    """The active owner of a valid token: not revoked, not expired (and note its use)."""
    if not clear.startswith(TOKEN_PREFIX) or len(clear) > 100:
        return None
    now = utcnow()
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _hash_token(clear), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or token.expires_at <= now:
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > TOKEN_TOUCH_INTERVAL_SECONDS
    ):
        token.last_used_at = now
    return user


def tokens_of(user: User):
    """The person's unrevoked tokens, the expired ones too (listed with ``expires_at``, so
    that one can see why a script stopped, and remove them)."""
    return select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))


def revoke_token(*, user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound("http.404")
    token.revoked_at = utcnow()
    audit.record(actor=user, action="token.revoke", object_type="api_token", object_id=token.id)
