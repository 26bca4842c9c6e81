"""People's accounts: registration, sign-in, passwords."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from qc_platform.accounts import passwords
from qc_platform.accounts.models import (
    RoleGrant,
    User,
    UserSession,
)
from qc_platform.accounts.roles import Role
from qc_platform.accounts.service.sessions import end_sessions_except
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, Forbidden, Unauthorized
from qc_platform.extensions import db


class BadCredentials(Unauthorized):
    """Wrong e-mail or password (401). ``user_id`` names the account when the address is
    one, so that the failed attempt can be audited against it; None for an unknown address.
    """

    def __init__(self, user_id: int | None):
        super().__init__("accounts.bad_credentials")
        self.user_id = user_id


class WrongPassword(Forbidden):
    """The signed-in person's current password was wrong (403)."""

    def __init__(self):
        super().__init__(
            "accounts.wrong_password",
            errors={"json": {"current_password": ["accounts.wrong_password"]}},
        )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(
    *,
    email: str,
    password: str,
    display_name: str,
    locale: str = "it",
    email_verified: bool = False,
) -> User:
    """Create a resident account. The e-mail is unique, case-insensitively; the password
    keeps the policy (422 naming ``password``). The address counts as verified only when
    the caller vouches for it (``email_verified``: the demo seed, ``qc create-admin``)."""
    email = normalise_email(email)
    passwords.check_policy(password, email=email, display_name=display_name.strip())
    if find_user_by_email(email) is not None:
        raise Conflict("accounts.email_taken", errors={"json": {"email": ["accounts.email_taken"]}})
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(password),
        locale=locale,
        email_verified_at=utcnow() if email_verified else None,
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # a concurrent registration won the race
        raise Conflict(
            "accounts.email_taken", errors={"json": {"email": ["accounts.email_taken"]}}
        ) from None
    return user


def authenticate(*, email: str, password: str) -> User:
    """The user with these credentials, or 401 — the same answer for any wrong part."""
    user = find_user_by_email(email)
    if user is None:
        passwords.burn_time(password)
        raise BadCredentials(None)
    if not passwords.verify_password(user.password_hash, password) or not user.is_active:
        raise BadCredentials(user.id)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    return user


def set_password(*, user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(password)


def change_password(
    *, user: User, current_password: str, new_password: str, keep: UserSession | None
) -> None:
    """A new password, given the current one (else 403 and nothing changes) and keeping
    the policy (else 422 naming ``new_password``); every other session of the person
    ends, ``keep`` (the session asking) stays signed in."""
    if not passwords.verify_password(user.password_hash, current_password):
        raise WrongPassword()
    passwords.check_policy(
        new_password, email=user.email, display_name=user.display_name, field="new_password"
    )
    set_password(user=user, password=new_password)
    ended = end_sessions_except(user=user, keep=keep)
    audit.record(
        actor=user,
        action="password.change",
        object_type="user",
        object_id=user.id,
        details={"sessions_ended": ended},
    )


def update_profile(
    *, user: User, display_name: str | None = None, locale: str | None = None
) -> User:
    """The person's own name and language (of the web app, notifications and e-mails);
    a field left out stays as it is."""
    if display_name is not None:
        user.display_name = display_name.strip()
    if locale is not None:
        user.locale = locale
    db.session.flush()
    return user


def users_with_role(role: Role, scope_id: int | None = None) -> list[User]:
    """Active holders of ``role`` (for a scoped role, of that scope)."""
    query = (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role.value, User.is_active.is_(True))
    )
    if scope_id is not None:
        query = query.where(RoleGrant.scope_id == scope_id)
    return list(db.session.scalars(query.distinct()))
