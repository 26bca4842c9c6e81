"""Helpers shared by the notifications tests."""

from __future__ import annotations

from sqlalchemy import func, select

from qc_platform.extensions import db
from qc_platform.notifications.models import Notification
from qc_platform.notifications.service import notify
from qc_platform.places.models import Complex
from tests.accounts.factories import persist
from tests.conftest import TEST_PASSWORD

API = "/api/v1"
NOTIFICATION_KEYS = {"id", "kind", "title", "body", "link", "created_at", "unread_count"}


def complex_id(code: str) -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == code))


def login(client, user) -> str:
    """Sign in with the session cookie; returns the CSRF token."""
    response = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["csrf_token"]


def token_of(headers: dict[str, str]) -> str:
    """The clear bearer token of an ``Authorization`` header made by ``bearer()``."""
    return headers["Authorization"].removeprefix("Bearer ")


def announce(users, title: str = "Avviso", body: str = "Testo", link: str | None = None):
    """A platform announcement to ``users`` (not committed: the caller decides)."""
    return notify(
        users,
        "system.announcement",
        title_key="notifications.announcement.title",
        body_key="notifications.announcement.body",
        link=link,
        params={"title": title, "body": body},
    )


def announce_committed(users, **kwargs) -> list[int]:
    """Announce and commit (to the test's savepoint); returns the new ids, in order."""
    ids = [n.id for n in announce(users, **kwargs)]
    persist()
    return ids


def notifications_of(user_id: int) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        )
    )


def count_notifications() -> int:
    return db.session.scalar(select(func.count()).select_from(Notification))


def notification_events(socket_client) -> list[dict]:
    """The payloads of the ``notification`` events received since the last call."""
    return [
        event["args"][0]
        for event in socket_client.get_received()
        if event["name"] == "notification"
    ]
