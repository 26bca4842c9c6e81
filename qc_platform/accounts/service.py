"""Accounts: registration, sign-in, tokens, role grants and tenancy verification.

Services add and flush; the request boundary commits (CONVENTIONS.md, habit 1).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from qc_platform.accounts import passwords, signals
from qc_platform.accounts.models import (
    ApiToken,
    RoleGrant,
    TenancyStatus,
    TenancyVerification,
    User,
)
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from qc_platform.core.permissions import ROLE_SCOPE, Role, ScopeType, scope_exists
from qc_platform.extensions import db

TOKEN_PREFIX = "qct_"  # noqa: S105 - a public marker, not a secret
# Bearer use is recorded at most this often per token, so reads stay reads.
TOKEN_TOUCH_INTERVAL_SECONDS = 300


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(*, email: str, password: str, display_name: str, locale: str = "it") -> User:
    """Create a resident account. The e-mail is unique, case-insensitively."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise Conflict("accounts.email_taken", errors={"json": {"email": ["accounts.email_taken"]}})
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(password),
        locale=locale,
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
        raise Unauthorized("accounts.bad_credentials")
    if not passwords.verify_password(user.password_hash, password) or not user.is_active:
        raise Unauthorized("accounts.bad_credentials")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    return user


def set_password(*, user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(password)


# --- personal API tokens ----------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token; the clear text is returned once and never stored."""
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=_hash_token(clear),
        prefix=clear[: len(TOKEN_PREFIX) + 4],
        created_at=utcnow(),
    )
    db.session.add(token)
    db.session.flush()
    return token, clear


def user_for_token(clear: str) -> User | None:
    """The active owner of a valid, unrevoked token (and note when it was used)."""
    if not clear.startswith(TOKEN_PREFIX) or len(clear) > 100:
        return None
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _hash_token(clear), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None:
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    now = utcnow()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > TOKEN_TOUCH_INTERVAL_SECONDS
    ):
        token.last_used_at = now
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


def tokens_of(user: User):
    return select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))


def revoke_token(*, user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound("http.404")
    token.revoked_at = utcnow()


# --- role grants ------------------------------------------------------------------


def grant_role(
    *, actor: User, user: User, role: Role, scope_type: ScopeType | None, scope_id: int | None
) -> RoleGrant:
    """Give ``user`` a role, with the scope the role requires (checked, and unique)."""
    if role is Role.RESIDENT:
        raise InvalidInput(
            "accounts.resident_implicit", errors={"json": {"role": ["accounts.resident_implicit"]}}
        )
    expected_scope = ROLE_SCOPE[role]
    if expected_scope is None:
        if scope_type is not None or scope_id is not None:
            raise InvalidInput(
                "accounts.scope_not_allowed",
                errors={"json": {"scope_type": ["accounts.scope_not_allowed"]}},
            )
    else:
        if scope_type != expected_scope or scope_id is None:
            raise InvalidInput(
                "accounts.scope_required",
                errors={"json": {"scope_type": ["accounts.scope_required"]}},
                scope=expected_scope.value,
            )
        if not scope_exists(expected_scope, scope_id):
            raise InvalidInput(
                "accounts.unknown_scope", errors={"json": {"scope_id": ["accounts.unknown_scope"]}}
            )
    if user.has_role(role, scope_id):
        raise Conflict("accounts.role_exists")
    grant = RoleGrant(
        user_id=user.id,
        role=role.value,
        scope_type=scope_type.value if scope_type else None,
        scope_id=scope_id,
        granted_by_id=actor.id,
        created_at=utcnow(),
    )
    user.grants.append(grant)
    db.session.flush()
    audit.record(
        actor=actor,
        action="role.grant",
        object_type="user",
        object_id=user.id,
        details={"role": role.value, "scope_type": grant.scope_type, "scope_id": scope_id},
    )
    signals.role_granted.send(grant)
    return grant


def get_grant(*, user: User, grant_id: int) -> RoleGrant:
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise NotFound("http.404")
    return grant


def revoke_role(*, actor: User, user: User, grant: RoleGrant) -> None:
    user.grants.remove(grant)
    db.session.flush()
    audit.record(
        actor=actor,
        action="role.revoke",
        object_type="user",
        object_id=user.id,
        details={"role": grant.role, "scope_type": grant.scope_type, "scope_id": grant.scope_id},
    )


def ensure_admin(*, email: str, password: str, display_name: str = "Amministratore") -> User:
    """Create an admin, or promote (and reset the password of) an existing user."""
    user = find_user_by_email(email)
    if user is None:
        user = register(email=email, password=password, display_name=display_name)
    else:
        set_password(user=user, password=password)
    if Role.ADMIN not in user.global_roles():
        user.grants.append(RoleGrant(user_id=user.id, role=Role.ADMIN.value, created_at=utcnow()))
    db.session.flush()
    return user


# --- tenancy verification ---------------------------------------------------------


def request_tenancy(*, user: User, complex_id: int, tenancy_code: str) -> TenancyVerification:
    """A resident asks to be recognised as tenant of a complex; one open request at a time."""
    if not scope_exists(ScopeType.COMPLEX, complex_id):
        raise InvalidInput(
            "accounts.unknown_complex",
            errors={"json": {"complex_id": ["accounts.unknown_complex"]}},
        )
    if user.has_role(Role.TENANT, complex_id):
        raise Conflict("accounts.already_tenant")
    pending = db.session.scalar(
        select(TenancyVerification).where(
            TenancyVerification.user_id == user.id,
            TenancyVerification.complex_id == complex_id,
            TenancyVerification.status == TenancyStatus.PENDING,
        )
    )
    if pending is not None:
        raise Conflict("accounts.tenancy_pending")
    verification = TenancyVerification(
        user_id=user.id, complex_id=complex_id, tenancy_code=tenancy_code.strip()
    )
    db.session.add(verification)
    db.session.flush()
    signals.tenancy_requested.send(verification)
    return verification


def decide_tenancy(
    *, actor: User, verification: TenancyVerification, approve: bool, note: str | None
) -> TenancyVerification:
    """Approve (granting the tenant role for the complex) or reject a pending request."""
    if verification.status != TenancyStatus.PENDING:
        raise Conflict("accounts.tenancy_decided")
    verification.status = TenancyStatus.APPROVED if approve else TenancyStatus.REJECTED
    verification.decided_by_id = actor.id
    verification.decided_at = utcnow()
    verification.decision_note = note
    if approve:
        tenant = db.session.get(User, verification.user_id)
        if not tenant.has_role(Role.TENANT, verification.complex_id):
            tenant.grants.append(
                RoleGrant(
                    user_id=tenant.id,
                    role=Role.TENANT.value,
                    scope_type=ScopeType.COMPLEX.value,
                    scope_id=verification.complex_id,
                    granted_by_id=actor.id,
                    created_at=utcnow(),
                )
            )
    db.session.flush()
    audit.record(
        actor=actor,
        action="tenancy.approve" if approve else "tenancy.reject",
        object_type="tenancy_verification",
        object_id=verification.id,
        details={"complex_id": verification.complex_id},
    )
    signals.tenancy_decided.send(verification)
    return verification
