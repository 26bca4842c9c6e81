"""E-mail: the outbox written with the notification, sent to a real local SMTP server.

The server is aiosmtpd on 127.0.0.1, in a thread of the test process. The app under test
is built with ``QC_SMTP_URL`` pointing at it and ``QC_MAIL_BACKGROUND=False``, so the
test itself runs the sender (``mailer.send_due``) in its own thread, on the test's
rolled-back transaction, instead of the background thread of a server process.
"""

from __future__ import annotations

import logging
import socket
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from qc_platform.core.clock import utcnow
from qc_platform.extensions import db
from qc_platform.notifications import mailer
from qc_platform.notifications.models import OutboxStatus, OutgoingEmail
from tests.accounts.factories import UserFactory, bearer, persist, user_with_roles
from tests.notifications.helpers import (
    API,
    announce,
    complex_id,
    count_notifications,
    notifications_of,
)

PUBLIC_URL = "https://quartieri.example"
MAIL_FROM = "Quartieri Connessi <avvisi@quartieri.example>"


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on a fixed port, which the test can start (again) and stop."""

    def __init__(self, port: int):
        self.port = port
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stopped_smtp_server():
    """The address of an SMTP server that is down until the test starts it."""
    server = SmtpServer(free_port())
    yield server
    server.stop()


@pytest.fixture
def mail_app(make_app):
    def build(smtp_url: str):
        return make_app(
            QC_SMTP_URL=smtp_url,
            QC_MAIL_BACKGROUND=False,
            QC_PUBLIC_URL=PUBLIC_URL,
            QC_MAIL_FROM=MAIL_FROM,
        )

    return build


def outbox() -> list[OutgoingEmail]:
    return list(db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)))


def grant_custodian(app, user_id: int) -> None:
    """A staff member makes the user a custodian, through the API of ``app``."""
    staff = user_with_roles(("staff", None, None))
    response = app.test_client().post(
        f"{API}/users/{user_id}/roles",
        json={"role": "custodian", "scope_type": "complex", "scope_id": complex_id("omero")},
        headers=bearer(staff),
    )
    assert response.status_code == 201, response.get_json()


def set_preferences(app, user, choices) -> None:
    response = app.test_client().put(
        f"{API}/notifications/preferences", json={"preferences": choices}, headers=bearer(user)
    )
    assert response.status_code == 200, response.get_json()


EXPECTED = {
    "it": {
        "subject": "Hai un nuovo ruolo: custode sociale",
        "body": "Lo trovi nel tuo profilo.",
        "footer": "Ricevi questa e-mail perché l'hai scelto nelle preferenze di Quartieri "
        "Connessi. Per cambiarle: " + PUBLIC_URL + "/notifiche/preferenze",
    },
    "en": {
        "subject": "You have a new role: social custodian",
        "body": "You can see it in your profile.",
        "footer": "You receive this e-mail because you chose it in your Quartieri Connessi "
        "preferences. To change them: " + PUBLIC_URL + "/notifiche/preferenze",
    },
}


# --- what is sent -----------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["it", "en"])
def test_an_opted_in_kind_sends_one_email_in_the_users_language(mail_app, smtp_server, locale):
    app = mail_app(smtp_server.url)
    user = UserFactory(locale=locale, email=f"persona.{locale}@example.org")
    user_id = user.id
    grant_custodian(app, user_id)  # account.role_granted: e-mail on by default

    (queued,) = outbox()
    assert (queued.status, queued.attempts, queued.to_address) == (
        OutboxStatus.PENDING,
        0,
        f"persona.{locale}@example.org",
    )
    assert smtp_server.mailbox.messages == []  # written at commit, sent by the sender

    assert mailer.send_due(app) == {"sent": 1, "retry": 0, "failed": 0}

    (message,) = smtp_server.mailbox.messages
    assert smtp_server.mailbox.envelopes == [
        ("avvisi@quartieri.example", [f"persona.{locale}@example.org"])
    ]
    assert message["To"] == f"persona.{locale}@example.org"
    assert message["From"] == MAIL_FROM
    assert message["Subject"] == EXPECTED[locale]["subject"]
    body = message.get_content()
    assert body.startswith(EXPECTED[locale]["body"])
    assert f"{PUBLIC_URL}/profilo" in body  # the notification's link
    assert " ".join(body.split()).endswith(EXPECTED[locale]["footer"])

    (sent,) = outbox()
    assert (sent.status, sent.attempts, sent.last_error) == (OutboxStatus.SENT, 1, None)
    assert sent.sent_at is not None
    assert sent.notification_id == notifications_of(user_id)[0].id
    # Sent once: the next run has nothing to do.
    assert mailer.send_due(app) == {"sent": 0, "retry": 0, "failed": 0}
    assert len(smtp_server.mailbox.messages) == 1


def test_an_accented_subject_arrives_intact(mail_app, smtp_server):
    app = mail_app(smtp_server.url)
    staff = user_with_roles(("staff", None, None))
    resident = UserFactory()
    response = app.test_client().post(
        f"{API}/tenancy-verifications",
        json={"complex_id": complex_id("omero"), "tenancy_code": "MI-1"},
        headers=bearer(resident),
    )
    assert response.status_code == 201
    rejected = app.test_client().post(
        f"{API}/tenancy-verifications/{response.get_json()['id']}/reject",
        json={"note": "Il codice è di un altro alloggio."},
        headers=bearer(staff),
    )
    assert rejected.status_code == 200
    assert mailer.send_due(app)["sent"] == 1  # tenancy.requested is off by default for staff
    (message,) = smtp_server.mailbox.messages
    assert message["Subject"] == "La richiesta di riconoscimento non è stata accolta"
    assert "Il codice è di un altro alloggio." in message.get_content()


def test_a_title_with_a_line_break_is_sent_as_a_one_line_subject(mail_app, smtp_server):
    app = mail_app(smtp_server.url)
    with app.app_context():
        announce([UserFactory()], title="Acqua\nsospesa\r\ndomani")
        persist()
    assert mailer.send_due(app) == {"sent": 1, "retry": 0, "failed": 0}
    (message,) = smtp_server.mailbox.messages
    assert message["Subject"] == "Acqua sospesa domani"


def test_a_kind_the_user_opted_out_of_sends_nothing(mail_app, smtp_server):
    app = mail_app(smtp_server.url)
    user = UserFactory()
    user_id = user.id
    set_preferences(app, user, [{"kind": "account.role_granted", "email": False}])

    grant_custodian(app, user_id)

    assert len(notifications_of(user_id)) == 1  # still notified in the app
    assert outbox() == []
    assert mailer.send_due(app) == {"sent": 0, "retry": 0, "failed": 0}
    assert smtp_server.mailbox.messages == []


def test_a_kind_off_by_default_is_sent_only_to_who_opted_in(mail_app, smtp_server):
    app = mail_app(smtp_server.url)
    omero = complex_id("omero")
    wants = user_with_roles(("custodian", "complex", omero), email="vuole@example.org")
    default = user_with_roles(("custodian", "complex", omero), email="predefinito@example.org")
    default_id = default.id
    set_preferences(app, wants, [{"kind": "tenancy.requested", "email": True}])

    response = app.test_client().post(
        f"{API}/tenancy-verifications",
        json={"complex_id": omero, "tenancy_code": "MI-2"},
        headers=bearer(UserFactory()),
    )
    assert response.status_code == 201
    assert mailer.send_due(app)["sent"] == 1
    assert [m["To"] for m in smtp_server.mailbox.messages] == ["vuole@example.org"]
    assert [n.kind for n in notifications_of(default_id)] == ["tenancy.requested"]


def test_preferences_say_e_mail_is_enabled(mail_app, smtp_server):
    app = mail_app(smtp_server.url)
    response = app.test_client().get(
        f"{API}/notifications/preferences", headers=bearer(UserFactory())
    )
    assert response.get_json()["email_enabled"] is True


def test_without_an_smtp_url_nothing_is_queued(client):
    staff = user_with_roles(("staff", None, None))
    target = UserFactory()
    target_id = target.id
    response = client.post(
        f"{API}/users/{target_id}/roles", json={"role": "staff"}, headers=bearer(staff)
    )
    assert response.status_code == 403  # staff cannot grant staff: use an admin
    admin = user_with_roles(("admin", None, None))
    response = client.post(
        f"{API}/users/{target_id}/roles", json={"role": "staff"}, headers=bearer(admin)
    )
    assert response.status_code == 201
    assert len(notifications_of(target_id)) == 1
    assert outbox() == []


def test_a_rollback_after_notify_queues_no_e_mail(mail_app, smtp_server):
    app = mail_app(smtp_server.url)
    user = UserFactory()
    with app.test_request_context():
        announce([user])
        db.session.flush()
        assert len(outbox()) == 1  # written in the same transaction…
        db.session.rollback()
    assert outbox() == []  # …and gone with it
    assert count_notifications() == 0
    assert mailer.send_due(app) == {"sent": 0, "retry": 0, "failed": 0}
    assert smtp_server.mailbox.messages == []


# --- failures and retries ---------------------------------------------------------------


def _due_now() -> None:
    """Bring every pending e-mail's next attempt to the past (instead of waiting)."""
    for email in outbox():
        if email.status == OutboxStatus.PENDING:
            email.next_attempt_at = utcnow() - timedelta(seconds=1)
    persist()


def test_a_server_down_leaves_the_e_mail_pending_and_a_later_run_sends_it(
    mail_app, stopped_smtp_server, caplog
):
    caplog.set_level(logging.WARNING, logger=mailer.__name__)
    app = mail_app(stopped_smtp_server.url)
    with app.app_context():
        announce([UserFactory(email="attesa@example.org")], title="Avviso importante")
        persist()

    assert mailer.send_due(app) == {"sent": 0, "retry": 1, "failed": 0}
    (pending,) = outbox()
    assert pending.status == OutboxStatus.PENDING
    assert pending.attempts == 1
    assert pending.last_error
    assert pending.next_attempt_at > utcnow()
    assert pending.sent_at is None
    assert [r.levelno for r in caplog.records] == [logging.WARNING]

    # Not due yet: a run now leaves it alone, even with the server back.
    stopped_smtp_server.start()
    assert mailer.send_due(app) == {"sent": 0, "retry": 0, "failed": 0}
    assert stopped_smtp_server.mailbox.messages == []

    _due_now()
    assert mailer.send_due(app) == {"sent": 1, "retry": 0, "failed": 0}
    (message,) = stopped_smtp_server.mailbox.messages
    assert (message["To"], message["Subject"]) == ("attesa@example.org", "Avviso importante")
    (sent,) = outbox()
    assert (sent.status, sent.attempts, sent.last_error) == (OutboxStatus.SENT, 2, None)


def test_after_the_last_attempt_the_e_mail_fails_with_an_error_log_without_the_password(
    mail_app, caplog
):
    caplog.set_level(logging.WARNING, logger=mailer.__name__)
    app = mail_app(f"smtp://user:s3cret@127.0.0.1:{free_port()}")
    with app.app_context():
        announce([UserFactory()])
        persist()

    for attempt in range(1, mailer.MAX_ATTEMPTS):
        assert mailer.send_due(app) == {"sent": 0, "retry": 1, "failed": 0}, attempt
        (email,) = outbox()
        assert (email.status, email.attempts) == (OutboxStatus.PENDING, attempt)
        _due_now()

    assert mailer.send_due(app) == {"sent": 0, "retry": 0, "failed": 1}
    (failed,) = outbox()
    assert failed.status == OutboxStatus.FAILED
    assert failed.attempts == mailer.MAX_ATTEMPTS
    assert failed.last_error and "s3cret" not in failed.last_error

    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert f"e-mail {failed.id}" in errors[0].getMessage()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == mailer.MAX_ATTEMPTS - 1
    assert "s3cret" not in caplog.text
    assert all("s3cret" not in record.getMessage() for record in caplog.records)

    # Given up: no later run tries again.
    _due_now()
    assert mailer.send_due(app) == {"sent": 0, "retry": 0, "failed": 0}


def test_the_back_off_grows_and_is_capped():
    assert [mailer.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert mailer.backoff(mailer.MAX_ATTEMPTS + 10) == timedelta(hours=1)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:25", "smtp://", "127.0.0.1:25"],
)
def test_a_malformed_smtp_url_is_refused(url):
    with pytest.raises(ValueError, match="QC_SMTP_URL"):
        mailer.SmtpSettings(url)


def test_smtp_settings_read_the_url():
    settings = mailer.SmtpSettings("smtps://ana%40x:p%3Ass@mail.example?timeout=3")
    assert (settings.ssl, settings.host, settings.port) == (True, "mail.example", 465)
    assert (settings.username, settings.password, settings.timeout) == ("ana@x", "p:ss", 3.0)
    plain = mailer.SmtpSettings("smtp://mail.example:587?starttls=1")
    assert (plain.ssl, plain.port, plain.starttls, plain.username) == (False, 587, True, None)


# --- qc send-mail -----------------------------------------------------------------------


def test_qc_send_mail_sends_what_is_due(mail_app, smtp_server):
    app = mail_app(smtp_server.url)
    with app.app_context():
        announce([UserFactory(email="cron@example.org")], title="Dal cron")
        persist()

    # The command runs in the app context it finds: the test's is the session app's.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["qc", "send-mail"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 retry, 0 failed" in result.output
    assert [m["To"] for m in smtp_server.mailbox.messages] == ["cron@example.org"]
    assert outbox()[0].status == OutboxStatus.SENT

    with app.app_context():
        again = app.test_cli_runner().invoke(args=["qc", "send-mail"])
    assert "0 sent, 0 retry, 0 failed" in again.output
    assert len(smtp_server.mailbox.messages) == 1


def test_qc_send_mail_without_an_smtp_url_is_an_error(app):
    result = app.test_cli_runner().invoke(args=["qc", "send-mail"])
    assert result.exit_code == 1
    assert "QC_SMTP_URL is not set" in result.output
