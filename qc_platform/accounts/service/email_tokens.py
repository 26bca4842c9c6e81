"""Single-use links sent by e-mail (a password reset, an address's verification, a new
address's confirmation): issued with a random token, stored as its SHA-256, redeemed once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import delete, or_, select, update

from qc_platform.accounts.models import EmailToken, EmailTokenPurpose, User
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import DomainError
from qc_platform.extensions import db

VALIDITY = {
    EmailTokenPurpose.PASSWORD_RESET: timedelta(minutes=60),
    # Long enough to find the e-mail after a weekend; a new link can be asked for at once.
    EmailTokenPurpose.EMAIL_VERIFICATION: timedelta(days=3),
    EmailTokenPurpose.EMAIL_CHANGE: timedelta(days=1),
}
# Where each link leads in the web app (the page reads the token and confirms it).
PAGES = {
    EmailTokenPurpose.PASSWORD_RESET: ("/reimposta-password", {}),
    EmailTokenPurpose.EMAIL_VERIFICATION: ("/verifica-email", {}),
    EmailTokenPurpose.EMAIL_CHANGE: ("/verifica-email", {"cambio": "1"}),
}
MAX_TOKEN_LENGTH = 100


class InvalidLink(DomainError):
    """400: the link is unknown, used or expired — one answer for all three, so that an
    answer tells nothing about which tokens exist."""

    status_code = 400

    def __init__(self):
        super().__init__(
            "accounts.link_invalid", errors={"json": {"token": ["accounts.link_invalid"]}}
        )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_to(purpose: str, token: str) -> str:
    """The address of the web app's page that confirms ``token``."""
    path, extra = PAGES[purpose]
    base = current_app.config["QC_PUBLIC_URL"].rstrip("/")
    return f"{base}{path}?{urlencode({'token': token, **extra})}"


def issue(*, user: User, purpose: str, email: str) -> str:
    """A new link's token for ``user``, sent to ``email``; returns the clear token (for the
    e-mail only). The person's spent tokens of that purpose (used or expired) go."""
    now = utcnow()
    db.session.execute(
        delete(EmailToken).where(
            EmailToken.user_id == user.id,
            EmailToken.purpose == purpose,
            or_(EmailToken.used_at.is_not(None), EmailToken.expires_at <= now),
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        EmailToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash(token),
            email=email,
            created_at=now,
            expires_at=now + VALIDITY[purpose],
        )
    )
    db.session.flush()
    return token


def redeem(*, token: str, purpose: str) -> EmailToken:
    """Use a token once: the row if it is known, unused and unexpired, else 400.

    The row is marked used in the caller's transaction: if the request then fails (a weak
    password, an address taken meanwhile), the rollback leaves the link usable.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidLink()
    now = utcnow()
    row = db.session.scalar(
        select(EmailToken).where(
            EmailToken.token_hash == _hash(token), EmailToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidLink()
    # A conditional update: of two requests with the same token, one wins.
    claimed = db.session.execute(
        update(EmailToken)
        .where(EmailToken.id == row.id, EmailToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if claimed != 1:
        raise InvalidLink()
    return row


def spend_all(*, user: User, purposes: tuple[str, ...] = EmailTokenPurpose.ALL) -> None:
    """Every outstanding link of the person for these purposes stops working."""
    db.session.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user.id,
            EmailToken.purpose.in_(purposes),
            EmailToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
