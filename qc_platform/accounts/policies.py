"""Who may do what with accounts, grants and tenancy verifications."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from qc_platform.accounts.models import TenancyVerification, User
from qc_platform.accounts.roles import COMMUNITY_ROLES, Role
from qc_platform.core.permissions import has_permission, register_permission

# Grant and revoke any role: the administrators alone (who hold every permission).
ROLES_GRANT_ANY = register_permission("roles.grant_any", roles=())
# Grant and revoke the community roles (COMMUNITY_ROLES).
ROLES_GRANT_COMMUNITY = register_permission("roles.grant_community", roles={Role.STAFF})
# Review every tenancy verification, not only those of one's complexes.
TENANCY_REVIEW_ALL = register_permission("tenancy.review_all", roles={Role.STAFF})
# Read the audit log.
AUDIT_READ = register_permission("audit.read", roles={Role.STAFF})


def can_manage_roles(user: User) -> bool:
    """May this user grant or revoke roles at all (checked before loading the target)?"""
    return has_permission(user, ROLES_GRANT_ANY) or has_permission(user, ROLES_GRANT_COMMUNITY)


def can_grant(user: User, role: Role) -> bool:
    if has_permission(user, ROLES_GRANT_ANY):
        return True
    return role in COMMUNITY_ROLES and has_permission(user, ROLES_GRANT_COMMUNITY)


def visible_tenancy_verifications(user: User) -> Select:
    """Own requests; those of the complexes one is custodian of; all for staff."""
    query = select(TenancyVerification)
    if has_permission(user, TENANCY_REVIEW_ALL):
        return query
    custodian_of = user.scope_ids(Role.CUSTODIAN)
    return query.where(
        or_(
            TenancyVerification.user_id == user.id,
            TenancyVerification.complex_id.in_(custodian_of) if custodian_of else false(),
        )
    )


def can_see_tenancy_verification(user: User, verification: TenancyVerification) -> bool:
    return verification.user_id == user.id or can_decide_tenancy_verification(user, verification)


def can_decide_tenancy_verification(user: User, verification: TenancyVerification) -> bool:
    if has_permission(user, TENANCY_REVIEW_ALL):
        return True
    # Nobody approves their own request, not even the custodian of that complex.
    return verification.user_id != user.id and user.has_role(
        Role.CUSTODIAN, verification.complex_id
    )
