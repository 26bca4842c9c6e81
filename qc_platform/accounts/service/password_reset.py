"""A forgotten password: a link by e-mail, valid 60 minutes and once, then a new password;
every session and personal token of the person ends."""

from __future__ import annotations

from sqlalchemy import update

from qc_platform.accounts import passwords, signals
from qc_platform.accounts.models import ApiToken, EmailTokenPurpose, User
from qc_platform.accounts.service import email_tokens
from qc_platform.accounts.service.sessions import end_sessions_except
from qc_platform.accounts.service.users import find_user_by_email, get_user, set_password
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.extensions import db


def request_password_reset(*, email: str) -> None:
    """Send a reset link to ``email`` if it is an active account's address.

    The caller answers the same whatever happens here (202, same body), and the work is
    alike: one lookup and an audit row either way; for an account, a token and an outbox
    row more, written in the same transaction. Nothing talks to the mail server on the
    request's time: the outbox is sent after the commit, in the background.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        # Nothing personal is kept of an unknown address (a mistyped one is someone's).
        audit.record(actor=None, action="password.reset_requested", details={"account": "unknown"})
        return
    token = email_tokens.issue(
        user=user, purpose=EmailTokenPurpose.PASSWORD_RESET, email=user.email
    )
    audit.record(
        actor=None, action="password.reset_requested", object_type="user", object_id=user.id
    )
    signals.password_reset_requested.send(
        user, link=email_tokens.link_to(EmailTokenPurpose.PASSWORD_RESET, token)
    )


def _revoke_all_tokens(user: User) -> int:
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def confirm_password_reset(*, token: str, new_password: str) -> User:
    """Set a new password with a reset link's token (400 if it is unknown, used or expired,
    or the account's address changed since it was sent; 422 naming ``new_password`` if the
    password breaks the policy, and the link stays usable).

    Every session and personal token of the person ends, every other reset link dies, and
    the address counts as verified: the link reached it.
    """
    row = email_tokens.redeem(token=token, purpose=EmailTokenPurpose.PASSWORD_RESET)
    user = get_user(row.user_id)
    if user is None or not user.is_active or user.email != row.email:
        raise email_tokens.InvalidLink()
    passwords.check_policy(
        new_password, email=user.email, display_name=user.display_name, field="new_password"
    )
    set_password(user=user, password=new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    email_tokens.spend_all(user=user, purposes=(EmailTokenPurpose.PASSWORD_RESET,))
    sessions_ended = end_sessions_except(user=user, keep=None)
    tokens_revoked = _revoke_all_tokens(user)
    db.session.flush()
    audit.record(
        actor=None,
        action="password.reset",
        object_type="user",
        object_id=user.id,
        details={"sessions_ended": sessions_ended, "tokens_revoked": tokens_revoked},
    )
    return user
