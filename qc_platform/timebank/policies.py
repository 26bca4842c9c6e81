"""Who may see and move the hours of an account."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from qc_platform.accounts.roles import Role
from qc_platform.core.permissions import has_permission, register_permission
from qc_platform.timebank.models import TimeAccount

# Floors, reversals, the audit of the ledger: the housing manager's staff.
TIMEBANK_MANAGE = register_permission("timebank.manage", roles={Role.STAFF})


def is_manager(user) -> bool:
    """The housing manager's staff (and admins): floors, reversals, the audit."""
    return has_permission(user, TIMEBANK_MANAGE)


def can_pay_from(user, account: TimeAccount) -> bool:
    """The owner of a personal account; the operators of an organisation's."""
    if account.user_id is not None:
        return account.user_id == user.id
    return user.has_role(Role.OPERATOR, account.organisation_id)


def can_see(user, account: TimeAccount) -> bool:
    return can_pay_from(user, account) or is_manager(user)


def acting_for(user) -> ColumnElement[bool]:
    """Query filter: the accounts ``user`` pays from (theirs, their organisations')."""
    organisations = user.scope_ids(Role.OPERATOR)
    clause = TimeAccount.user_id == user.id
    if organisations:
        clause = or_(clause, TimeAccount.organisation_id.in_(organisations))
    return clause
