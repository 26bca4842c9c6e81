"""The roles people hold and the scope each carries: the platform's role table.

A grant gives a user a role, global or on a scope (a complex, an organisation, a
committee); the ``role_grants`` CHECK constraint is written from ``ROLE_SCOPE``. Which
permissions a role holds is declared by the module that owns each permission (with
``core.permissions.register_permission``); here: the administrator holds them all, and
whose writes the audit log records.
"""

from __future__ import annotations

from enum import StrEnum

from qc_platform.core import audit
from qc_platform.core.permissions import register_all_permissions_role


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

# Roles staff may grant and revoke (the API grants any role to admins only).
COMMUNITY_ROLES = frozenset({Role.CUSTODIAN, Role.COMMITTEE_MEMBER, Role.TENANT})

# The municipality's administrators hold every permission, whichever module declares it.
register_all_permissions_role(Role.ADMIN)
audit.register_audited_roles(AUDITED_ROLES)
