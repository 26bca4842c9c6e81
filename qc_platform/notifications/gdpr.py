"""Notifications' part of the GDPR export and erasure (``notifications.init_app``).

Export: the person's notifications and their e-mail preferences.
Erasure (after the domains, whose cancellations may notify others): their notifications,
preferences and the e-mails written to their addresses (a new one not yet confirmed too)
are deleted; and since a notification is stored as text in its reader's language, other
people's notifications (and e-mails) that named the person are rewritten with "Persona
cancellata" instead.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, or_, select

from qc_platform.accounts import gdpr
from qc_platform.extensions import db
from qc_platform.notifications.models import Notification, NotificationPreference, OutgoingEmail


def _rows(model, condition, exclude: tuple[str, ...] = ()) -> list[dict]:
    rows = db.session.scalars(select(model).where(condition).order_by(model.id))
    return [gdpr.columns(row, exclude=exclude) for row in rows]


def export(user) -> dict:
    return {
        "notifications": _rows(Notification, Notification.user_id == user.id, ("user_id",)),
        "email_preferences": _rows(
            NotificationPreference, NotificationPreference.user_id == user.id, ("user_id", "id")
        ),
    }


def _scrub(model, fields: tuple[str, ...], name: str) -> None:
    """Replace ``name`` as a whole word in ``fields`` of every row of ``model`` naming it."""
    if not name.strip():
        return
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    columns = [getattr(model, field) for field in fields]
    candidates = db.session.scalars(
        select(model).where(or_(*(column.contains(name, autoescape=True) for column in columns)))
    )
    for row in candidates:
        for field in fields:
            setattr(row, field, pattern.sub(gdpr.ERASED_NAME, getattr(row, field)))


def erase(erasure: gdpr.Erasure) -> None:
    user_id = erasure.user.id
    for statement in (
        delete(OutgoingEmail).where(
            or_(
                OutgoingEmail.to_address.in_([erasure.former_email, *erasure.other_addresses]),
                OutgoingEmail.notification_id.in_(
                    select(Notification.id).where(Notification.user_id == user_id)
                ),
            )
        ),
        delete(Notification).where(Notification.user_id == user_id),
        delete(NotificationPreference).where(NotificationPreference.user_id == user_id),
    ):
        db.session.execute(statement.execution_options(synchronize_session="fetch"))
    _scrub(Notification, ("title", "body"), erasure.former_name)
    _scrub(OutgoingEmail, ("subject", "body"), erasure.former_name)
    db.session.flush()


def register() -> None:
    gdpr.register("notifications", export=export, erase=erase, erase_order=gdpr.LAST_ORDER)
