"""Role grants, with the scope each role requires."""

from __future__ import annotations

from qc_platform.accounts import passwords, signals
from qc_platform.accounts.models import (
    RoleGrant,
    User,
)
from qc_platform.accounts.roles import ROLE_SCOPE, Role, ScopeType
from qc_platform.accounts.service.users import find_user_by_email, register, set_password
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, InvalidInput, NotFound
from qc_platform.core.permissions import scope_exists
from qc_platform.extensions import db


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
    """Create an admin, or promote (and reset the password of) an existing user. The
    password keeps the policy; the address counts as verified (whoever runs the command
    on the server vouches for it, and an admin must receive the platform's e-mails)."""
    user = find_user_by_email(email)
    if user is None:
        user = register(
            email=email, password=password, display_name=display_name, email_verified=True
        )
    else:
        passwords.check_policy(password, email=user.email, display_name=user.display_name)
        set_password(user=user, password=password)
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()
    if Role.ADMIN not in user.global_roles():
        user.grants.append(RoleGrant(user_id=user.id, role=Role.ADMIN.value, created_at=utcnow()))
    db.session.flush()
    return user
