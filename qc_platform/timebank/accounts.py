"""Every user and every organisation has a time-bank account from the moment it exists.

Accounts are added in the same flush that inserts the user or organisation, whatever
created it (registration, the admin CLI, seeding, tests), so none is ever missing and no
request has to race to create one.

How far below zero an account may go (its floor):
- a person: 0, so that a fresh registration cannot pay hours it never earned (three
  throwaway accounts at -600 each could hand one account 1,800 minutes);
- once the person is a verified tenant (a tenant role grant is inserted: tenancy approved,
  or granted by staff): the credit floor, ``QC_TIMEBANK_FLOOR_MINUTES`` (-600), unless
  staff chose the account's floor themselves (``floor_set_by_staff``), which is kept;
- an organisation: the credit floor from the start. Only admins create organisations and
  grant the operator role that pays from their account, so nobody can open one to mint
  hours.
Like the accounts themselves, the tenant floor follows the grant in the same flush,
whichever path inserted it (the accounts service, the CLI, seeding, tests).
"""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from qc_platform.accounts.models import RoleGrant, User
from qc_platform.accounts.roles import Role
from qc_platform.places.models import Organisation
from qc_platform.timebank.models import CREDIT_FLOOR_MINUTES, TimeAccount


def credit_floor() -> int:
    """The floor of a verified tenant's or an organisation's account (minutes, ≤ 0)."""
    if has_app_context():
        return current_app.config.get("QC_TIMEBANK_FLOOR_MINUTES", CREDIT_FLOOR_MINUTES)
    return CREDIT_FLOOR_MINUTES


def _grant_owner(grant: RoleGrant) -> tuple[int | None, User | None]:
    """The user id of the grant, or (for a user inserted in this flush) the user itself."""
    if grant.user_id is not None:
        return grant.user_id, None
    user = inspect(grant).attrs.user.loaded_value  # never a lazy load: the relationship raises
    if not isinstance(user, User):
        return None, None
    return user.id, user


@event.listens_for(Session, "before_flush")
def _open_accounts(session: Session, flush_context, instances) -> None:
    opened: dict[int, TimeAccount] = {}  # id(user) -> the account opened in this flush
    tenants: list[RoleGrant] = []
    for obj in list(session.new):
        if isinstance(obj, User):
            account = TimeAccount(user=obj, floor_minutes=0)
            opened[id(obj)] = account
            session.add(account)
        elif isinstance(obj, Organisation):
            session.add(TimeAccount(organisation=obj, floor_minutes=credit_floor()))
        elif isinstance(obj, RoleGrant) and obj.role == Role.TENANT.value:
            tenants.append(obj)
    for grant in tenants:
        user_id, user = _grant_owner(grant)
        if user is not None and id(user) in opened:
            opened[id(user)].floor_minutes = credit_floor()
        elif user_id is not None:
            _lower_floor_of_new_tenant(session, user_id)


def _lower_floor_of_new_tenant(session: Session, user_id: int) -> None:
    # One UPDATE, not read-then-write: on PostgreSQL a staff change of the same floor
    # committed meanwhile is seen (floor_set_by_staff) rather than overwritten. The floor
    # only ever goes down (one already below the credit floor stays), so no balance can
    # end up below it. synchronize_session keeps an account already loaded in step.
    with session.no_autoflush:
        session.execute(
            update(TimeAccount)
            .where(
                TimeAccount.user_id == user_id,
                TimeAccount.floor_set_by_staff.is_(False),
                TimeAccount.floor_minutes > credit_floor(),
            )
            .values(floor_minutes=credit_floor()),
            execution_options={"synchronize_session": "evaluate"},
        )
