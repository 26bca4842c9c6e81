"""A person's e-mail address: verified by a link sent there (at registration and on
request), and changed only with the password and a link opened from the new address."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from qc_platform.accounts import passwords, signals
from qc_platform.accounts.models import EmailTokenPurpose, User
from qc_platform.accounts.service import email_tokens
from qc_platform.accounts.service.users import (
    find_user_by_email,
    get_user,
    normalise_email,
    register,
)
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput
from qc_platform.extensions import db


class WrongPasswordForEmail(Forbidden):
    """403: the password given to change the address is wrong; nothing changes."""

    def __init__(self):
        super().__init__(
            "accounts.wrong_password", errors={"json": {"password": ["accounts.wrong_password"]}}
        )


def send_verification(*, user: User) -> bool:
    """E-mail a link that verifies the person's address; False (and nothing sent) when it
    is verified already."""
    if user.email_verified:
        return False
    token = email_tokens.issue(
        user=user, purpose=EmailTokenPurpose.EMAIL_VERIFICATION, email=user.email
    )
    signals.email_verification_requested.send(
        user, link=email_tokens.link_to(EmailTokenPurpose.EMAIL_VERIFICATION, token)
    )
    return True


def sign_up(*, email: str, password: str, display_name: str, locale: str = "it") -> User:
    """Registration from the API: the account, and a link to verify its address."""
    user = register(email=email, password=password, display_name=display_name, locale=locale)
    send_verification(user=user)
    return user


def confirm_email_verification(*, token: str) -> User:
    """The link of a verification e-mail was opened: the address is verified (400 if the
    link is unknown, used or expired, or the account's address changed since)."""
    row = email_tokens.redeem(token=token, purpose=EmailTokenPurpose.EMAIL_VERIFICATION)
    user = get_user(row.user_id)
    if user is None or not user.is_active or user.email != row.email:
        raise email_tokens.InvalidLink()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    audit.record(actor=user, action="email.verified", object_type="user", object_id=user.id)
    return user


def _taken() -> Conflict:
    return Conflict("accounts.email_taken_by_another")


def request_email_change(*, user: User, new_email: str, password: str) -> None:
    """Ask to use ``new_email``: with the right password (else 403), a link goes to the new
    address, and the address changes only when it is opened from there.

    Whether another account uses the new address is not said here (the answer would tell
    anyone signed in who has an account): the link is sent all the same, and its
    confirmation is refused with 409 while the address is someone else's.
    """
    if not passwords.verify_password(user.password_hash, password):
        raise WrongPasswordForEmail()
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise InvalidInput(
            "accounts.email_unchanged", errors={"json": {"new_email": ["accounts.email_unchanged"]}}
        )
    token = email_tokens.issue(user=user, purpose=EmailTokenPurpose.EMAIL_CHANGE, email=new_email)
    audit.record(actor=user, action="email.change_requested", object_type="user", object_id=user.id)
    signals.email_change_requested.send(
        user,
        new_email=new_email,
        link=email_tokens.link_to(EmailTokenPurpose.EMAIL_CHANGE, token),
    )


def confirm_email_change(*, token: str) -> User:
    """The link sent to the new address was opened: it becomes the account's (verified),
    the old address is told, and every link sent before stops working. 400 for a link
    unknown, used or expired; 409 when another account has the address (the link stays
    usable, should that account give it up)."""
    row = email_tokens.redeem(token=token, purpose=EmailTokenPurpose.EMAIL_CHANGE)
    user = get_user(row.user_id)
    if user is None or not user.is_active:
        raise email_tokens.InvalidLink()
    other = find_user_by_email(row.email)
    if other is not None and other.id != user.id:
        raise _taken()
    old_email = user.email
    user.email = row.email
    user.email_verified_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another account took the address a moment ago
        raise _taken() from None
    email_tokens.spend_all(user=user)
    audit.record(actor=user, action="email.change", object_type="user", object_id=user.id)
    signals.email_changed.send(user, old_email=old_email)
    return user
