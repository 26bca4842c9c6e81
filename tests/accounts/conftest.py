"""Fixtures of the accounts tests: a real SMTP server and an app that mails to it.

The server is aiosmtpd on 127.0.0.1 (tests/notifications/test_email.py's ``SmtpServer``);
the app is built with ``QC_SMTP_URL`` pointing at it and ``QC_MAIL_BACKGROUND=False``, so
a test sends the outbox itself (``mailer.send_due``) and then reads what arrived.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import pytest

from qc_platform.extensions import db
from qc_platform.notifications import mailer
from tests.conftest import make_test_app, restored_extension_state
from tests.notifications.test_email import SmtpServer, free_port

PUBLIC_URL = "https://quartieri.example"


@pytest.fixture
def smtp_server():
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(database_url, frontend_dist, tmp_path, smtp_server):
    """An app on the test database that e-mails through ``smtp_server``."""
    with restored_extension_state():
        app = make_test_app(
            database_url,
            frontend_dist,
            tmp_path / "mail-app",
            QC_SMTP_URL=smtp_server.url,
            QC_MAIL_BACKGROUND=False,
            QC_PUBLIC_URL=PUBLIC_URL,
        )
        yield app
        with app.app_context():
            db.engine.dispose()


class Inbox:
    """What the SMTP server received, read as a person reads it."""

    def __init__(self, app, server: SmtpServer):
        self.app = app
        self.server = server

    def deliver(self) -> int:
        """Run the sender once; how many were sent."""
        return mailer.send_due(self.app)["sent"]

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.server.mailbox.messages if m["To"] == address]

    def only_message_to(self, address: str) -> EmailMessage:
        self.deliver()
        (message,) = self.messages_to(address)
        return message

    @staticmethod
    def link_in(message: EmailMessage) -> str:
        (link,) = re.findall(re.escape(PUBLIC_URL) + r"/\S+", message.get_content())
        return link

    @classmethod
    def token_in(cls, message: EmailMessage) -> str:
        return parse_qs(urlsplit(cls.link_in(message)).query)["token"][0]


@pytest.fixture
def inbox(mail_app, smtp_server) -> Inbox:
    return Inbox(mail_app, smtp_server)
