"""Notifications, generic: the store, preferences, the outbox and mailer, live delivery.

Domain modules declare their own kinds and receivers in their ``notifications.py`` and
call :func:`notify`; this package imports none of them.
"""

from qc_platform.notifications.kinds import register_kind
from qc_platform.notifications.service import notify

__all__ = ["init_app", "notify", "register_kind"]


def init_app(app) -> None:
    # Importing registers the Socket.IO handlers and the receivers of accounts' signals
    # (its notifications, and the e-mails about the account itself).
    from qc_platform.notifications import account_emails, account_events, gdpr, live  # noqa: F401

    gdpr.register()
