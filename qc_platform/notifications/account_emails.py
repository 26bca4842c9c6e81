"""The e-mails about an account itself: a password reset link, an address's verification,
a new address's confirmation, and the notice to the old address after a change.

They are not notifications (nobody can opt out of them, and they go to addresses that are
not verified yet: that is their point), but they travel the same way: a row in the outbox,
written in the request's transaction, sent by the mailer after the commit. So the request
never waits for the mail server, and an answer takes as long whether an e-mail was
written or not. Accounts sends the signals; this module (above accounts) writes the rows.
"""

from __future__ import annotations

import logging

from flask import current_app

from qc_platform.accounts import signals
from qc_platform.core.after_commit import after_commit
from qc_platform.core.i18n import translate
from qc_platform.extensions import db
from qc_platform.notifications import mailer
from qc_platform.notifications.models import OutgoingEmail

log = logging.getLogger(__name__)


def masked(email: str) -> str:
    """ "m***@example.org": enough for the owner to recognise, not to copy."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def queue_account_email(user, to_address: str, key: str, **params) -> OutgoingEmail | None:
    """Write the e-mail ``key`` (``<key>.subject``, ``<key>.body``) to ``to_address`` in
    the person's language; sent after the commit. Without a mail server configured
    (QC_SMTP_URL) nothing is written: in development the text is logged instead."""
    locale = user.locale
    base_url = current_app.config["QC_PUBLIC_URL"].rstrip("/")
    subject = translate(f"{key}.subject", locale)
    body = translate(f"{key}.body", locale, name=user.display_name, **params)
    signature = translate("email.account.signature", locale, url=base_url)
    text = f"{body}\n\n-- \n{signature}\n"
    if not current_app.config.get("QC_SMTP_URL"):
        if current_app.config.get("QC_ENV", "development") == "development":
            log.info(
                "QC_SMTP_URL is not set: e-mail to %s not sent\n%s\n\n%s", to_address, subject, text
            )
        return None
    email = OutgoingEmail(notification_id=None, to_address=to_address, subject=subject, body=text)
    db.session.add(email)
    db.session.flush()
    app = current_app._get_current_object()
    after_commit(lambda: mailer.wake(app))
    return email


@signals.password_reset_requested.connect
def password_reset_requested(user, link, **extra):
    queue_account_email(user, user.email, "email.password_reset", link=link)


@signals.email_verification_requested.connect
def email_verification_requested(user, link, **extra):
    queue_account_email(user, user.email, "email.verification", link=link)


@signals.email_change_requested.connect
def email_change_requested(user, new_email, link, **extra):
    queue_account_email(user, new_email, "email.change", link=link)


@signals.email_changed.connect
def email_changed(user, old_email, **extra):
    queue_account_email(user, old_email, "email.changed", new_email=masked(user.email))
