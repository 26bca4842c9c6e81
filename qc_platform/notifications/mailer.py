"""Sending the e-mail outbox over SMTP, after commit, never on the request's time.

``wake(app)`` nudges one background thread per process; the thread claims due rows
(a lease, so two processes never send the same one at once), sends them without holding
a transaction, and records the outcome. A failure is logged and retried with back-off;
after the last attempt the row is marked failed and logged at error level. Cron can also
run ``flask --app qc_platform qc send-mail`` to flush the outbox.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
import threading
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask
from sqlalchemy import select

from qc_platform.core.clock import utcnow
from qc_platform.extensions import db
from qc_platform.notifications.models import OutboxStatus, OutgoingEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 20
LEASE = timedelta(minutes=5)
IDLE_POLL_SECONDS = 60


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


class SmtpSettings:
    """``smtp://user:pass@host:port`` (``?starttls=1`` to upgrade) or ``smtps://…``."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("QC_SMTP_URL must look like smtp://host:port or smtps://host:port")
        self.ssl = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.ssl else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        query = parse_qs(parts.query)
        self.starttls = query.get("starttls", ["0"])[0] in {"1", "true", "yes"}
        self.timeout = float(query.get("timeout", ["10"])[0])

    def connect(self) -> smtplib.SMTP:
        if self.ssl:
            client = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                client.starttls(context=ssl.create_default_context())
        if self.username:
            client.login(self.username, self.password or "")
        return client


def _claim_due(limit: int) -> list[int]:
    """Take a lease on due rows (and count the attempt) so no other sender takes them."""
    now = utcnow()
    query = (
        select(OutgoingEmail)
        .where(OutgoingEmail.status == OutboxStatus.PENDING, OutgoingEmail.next_attempt_at <= now)
        .order_by(OutgoingEmail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(db.session.scalars(query))
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + LEASE
    db.session.commit()
    return [row.id for row in rows]


def send_due(app: Flask) -> dict[str, int]:
    """Send what is due now; returns counts. Runs in its own transactions."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    url = app.config.get("QC_SMTP_URL")
    if not url:
        return counts
    settings = SmtpSettings(url)
    sender = app.config["QC_MAIL_FROM"]
    with app.app_context():
        try:
            ids = _claim_due(BATCH)
            if not ids:
                return counts
            emails = {
                e.id: e
                for e in db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.id.in_(ids)))
            }
            db.session.commit()  # end the read transaction before talking to the server
            error = None
            try:
                client = settings.connect()
            except (OSError, smtplib.SMTPException) as exc:
                client, error = None, exc
            for email_id in ids:
                email = emails[email_id]
                if client is not None:
                    try:
                        client.send_message(_message(sender, email))
                        error = None
                    except (OSError, smtplib.SMTPException) as exc:
                        error = exc
                _record(email, error, counts)
                db.session.commit()
            if client is not None:
                with contextlib.suppress(OSError, smtplib.SMTPException):
                    client.quit()  # the mail is sent; a rude goodbye changes nothing
        finally:
            db.session.remove()
    return counts


def _message(sender: str, email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    # A header cannot hold a line break (EmailMessage raises), and a title may have one
    # (e.g. `qc notify --title`): one line, or the row would never be sent nor fail.
    message["Subject"] = " ".join(email.subject.split())
    message.set_content(email.body)
    return message


def _record(email: OutgoingEmail, error: Exception | None, counts: dict[str, int]) -> None:
    if error is None:
        email.status = OutboxStatus.SENT
        email.sent_at = utcnow()
        email.last_error = None
        counts["sent"] += 1
        return
    # The error's class and text only: never the credentials of the SMTP URL.
    email.last_error = f"{type(error).__name__}: {error}"[:500]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = OutboxStatus.FAILED
        counts["failed"] += 1
        log.error(
            "e-mail %s to recipient of notification %s failed for good: %s",
            email.id,
            email.notification_id,
            email.last_error,
        )
    else:
        email.next_attempt_at = utcnow() + backoff(email.attempts)
        counts["retry"] += 1
        log.warning(
            "e-mail %s not sent (attempt %s), will retry: %s",
            email.id,
            email.attempts,
            email.last_error,
        )


class _Worker:
    """One daemon thread per process that sends when woken, and polls for retries."""

    def __init__(self, app: Flask):
        self.app = app
        self.event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="qc-mailer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            self.event.wait(timeout=IDLE_POLL_SECONDS)
            self.event.clear()
            try:
                send_due(self.app)
            except Exception:
                log.exception("mail sender crashed; it will try again")


_workers: dict[int, _Worker] = {}
_lock = threading.Lock()


def wake(app: Flask) -> None:
    if not app.config.get("QC_MAIL_BACKGROUND", True):
        return  # tests drive send_due() themselves
    with _lock:
        worker = _workers.get(id(app))
        if worker is None:
            worker = _workers[id(app)] = _Worker(app)
    worker.event.set()
