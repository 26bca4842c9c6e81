"""Roles, scopes and the permissions they grant, declared in one place.

Object-level rules ("is this user the custodian of *this* complex?") live in each
module's ``policies.py``; this module declares what exists and offers the checks
that routes run before anything changes.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from flask_login import current_user

from qc_platform.core.errors import Forbidden, Unauthorized


class Role(StrEnum):
    RESIDENT = "resident"
    TENANT = "tenant"
    OPERATOR = "operator"
    CUSTODIAN = "custodian"
    COMMITTEE_MEMBER = "committee_member"
    STAFF = "staff"
    ADMIN = "admin"


class ScopeType(StrEnum):
    COMPLEX = "complex"
    ORGANISATION = "organisation"
    COMMITTEE = "committee"


# Which scope each role carries (None: a global role).
ROLE_SCOPE: dict[Role, ScopeType | None] = {
    Role.RESIDENT: None,
    Role.TENANT: ScopeType.COMPLEX,
    Role.OPERATOR: ScopeType.ORGANISATION,
    Role.CUSTODIAN: ScopeType.COMPLEX,
    Role.COMMITTEE_MEMBER: ScopeType.COMMITTEE,
    Role.STAFF: None,
    Role.ADMIN: None,
}

# Roles whose every write is recorded in the audit log.
AUDITED_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.CUSTODIAN, Role.COMMITTEE_MEMBER})


class Permission(StrEnum):
    """Global permissions, held through the staff and admin roles."""

    PLACES_MANAGE = "places.manage"
    ROLES_GRANT_ANY = "roles.grant_any"
    ROLES_GRANT_COMMUNITY = "roles.grant_community"
    TENANCY_REVIEW_ALL = "tenancy.review_all"
    AUDIT_READ = "audit.read"
    FEEDBACK_MANAGE = "feedback.manage"
    # Operators manage their own organisation's activities; this is every space's.
    ACTIVITIES_MANAGE_ALL = "activities.manage_all"
    TIMEBANK_MANAGE = "timebank.manage"
    MARKETPLACE_MODERATE = "marketplace.moderate"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.STAFF: frozenset(
        {
            Permission.ROLES_GRANT_COMMUNITY,
            Permission.TENANCY_REVIEW_ALL,
            Permission.AUDIT_READ,
            Permission.FEEDBACK_MANAGE,
            Permission.TIMEBANK_MANAGE,
            Permission.MARKETPLACE_MODERATE,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}

# Roles staff may grant and revoke (API.md: "staff for custodian/committee/tenant").
COMMUNITY_ROLES = frozenset({Role.CUSTODIAN, Role.COMMITTEE_MEMBER, Role.TENANT})


def has_permission(user, permission: Permission) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return any(permission in ROLE_PERMISSIONS.get(role, ()) for role in user.global_roles())


# Scope resolvers: each module that owns a kind of scope registers how to tell
# whether an id exists, so that accounts can validate grants without importing it.
_scope_resolvers: dict[ScopeType, Callable[[int], bool]] = {}


def register_scope_resolver(scope_type: ScopeType, exists: Callable[[int], bool]) -> None:
    _scope_resolvers[scope_type] = exists


def scope_exists(scope_type: ScopeType, scope_id: int) -> bool | None:
    """True/False, or None when no module manages this kind of scope yet."""
    resolver = _scope_resolvers.get(scope_type)
    return None if resolver is None else resolver(scope_id)


def require_login():
    if not current_user.is_authenticated:
        raise Unauthorized("http.401")
    return current_user._get_current_object()


def login_required(view):
    """Route decorator: 401 in the JSON shape for anonymous callers."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        require_login()
        return view(*args, **kwargs)

    return wrapper


def permission_required(permission: Permission):
    """Route decorator: 401 when anonymous, 403 without ``permission``."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = require_login()
            if not has_permission(user, permission):
                raise Forbidden("http.403")
            return view(*args, **kwargs)

        return wrapper

    return decorator
