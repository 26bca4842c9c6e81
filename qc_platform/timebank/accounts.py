"""Every user and every organisation has a time-bank account from the moment it exists.

Accounts are added in the same flush that inserts the user or organisation, whatever
created it (registration, the admin CLI, seeding, tests), so none is ever missing and no
request has to race to create one.
"""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from qc_platform.accounts.models import User
from qc_platform.places.models import Organisation
from qc_platform.timebank.models import DEFAULT_FLOOR_MINUTES, TimeAccount


def default_floor() -> int:
    if has_app_context():
        return current_app.config.get("QC_TIMEBANK_FLOOR_MINUTES", DEFAULT_FLOOR_MINUTES)
    return DEFAULT_FLOOR_MINUTES


@event.listens_for(Session, "before_flush")
def _open_accounts(session: Session, flush_context, instances) -> None:
    for obj in list(session.new):
        if isinstance(obj, User):
            session.add(TimeAccount(user=obj, floor_minutes=default_floor()))
        elif isinstance(obj, Organisation):
            session.add(TimeAccount(organisation=obj, floor_minutes=default_floor()))
