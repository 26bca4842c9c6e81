"""The Socket.IO channel: who may connect, which rooms they join, what they receive.

Most tests use flask-socketio's test client, which calls the server's connect handler
directly. It skips engine.io's HTTP layer, where the ``Origin`` header is checked, so the
origin tests run a real server in a thread and connect with a real python-socketio
client over HTTP.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests
from flask import Flask
from socketio import Client as SocketIOClient
from socketio.exceptions import ConnectionError as SocketIOConnectionError
from sqlalchemy import select
from werkzeug.serving import make_server

from qc_platform.accounts import service as accounts
from qc_platform.accounts.models import User
from qc_platform.extensions import db, socketio
from qc_platform.notifications.models import Notification
from qc_platform.places.models import Organisation
from tests.accounts.factories import UserFactory, bearer, persist, user_with_roles
from tests.notifications.helpers import (
    API,
    NOTIFICATION_KEYS,
    announce_committed,
    complex_id,
    login,
    notification_events,
    token_of,
)

# --- authentication ---------------------------------------------------------------------


def test_the_session_cookie_connects_and_the_notification_arrives(client, connect):
    user = UserFactory()
    login(client, user)
    socket_client = connect(client)
    assert socket_client.is_connected()

    (notification_id,) = announce_committed([user], title="Riunione", body="Alle 18", link="/spazi")
    (event,) = notification_events(socket_client)
    assert set(event) == NOTIFICATION_KEYS
    stored = db.session.get(Notification, notification_id)
    assert event == {
        "id": notification_id,
        "kind": "system.announcement",
        "title": "Riunione",
        "body": "Alle 18",
        "link": "/spazi",
        "created_at": stored.created_at.isoformat(),
        "unread_count": 1,
    }
    # The count in the event is the live unread count.
    announce_committed([user])
    assert [e["unread_count"] for e in notification_events(socket_client)] == [2]


def test_a_bearer_token_connects_and_the_notification_arrives(connect):
    user = UserFactory()
    socket_client = connect(auth={"token": token_of(bearer(user))})
    assert socket_client.is_connected()
    (notification_id,) = announce_committed([user])
    (event,) = notification_events(socket_client)
    assert event["id"] == notification_id
    assert set(event) == NOTIFICATION_KEYS


def test_each_client_receives_only_its_own_notifications(connect):
    alice, bruno = UserFactory(), UserFactory()
    alice_socket = connect(auth={"token": token_of(bearer(alice))})
    bruno_socket = connect(auth={"token": token_of(bearer(bruno))})
    (for_alice,) = announce_committed([alice])
    assert [e["id"] for e in notification_events(alice_socket)] == [for_alice]
    assert notification_events(bruno_socket) == []


def test_every_connection_of_a_person_receives_it(client, app, connect):
    user = UserFactory()
    login(client, user)
    phone = connect(client)
    laptop = connect(auth={"token": token_of(bearer(user))})
    (notification_id,) = announce_committed([user])
    assert [e["id"] for e in notification_events(phone)] == [notification_id]
    assert [e["id"] for e in notification_events(laptop)] == [notification_id]


def test_no_credentials_are_refused(connect):
    assert not connect().is_connected()


@pytest.mark.parametrize(
    "auth",
    [
        {"token": "qct_not-a-real-token"},
        {"token": "not-even-the-prefix"},
        {"token": "qct_" + "x" * 200},
        {"token": 12345},
        {"token": None},
        {"user_id": 1},
        {},
    ],
    ids=["unknown", "no-prefix", "too-long", "number", "null", "other-key", "empty"],
)
def test_a_bad_token_is_refused(connect, auth):
    UserFactory()  # someone exists, in case an id were guessed
    assert not connect(auth=auth).is_connected()


def test_a_revoked_token_is_refused(connect):
    user = UserFactory()
    token, clear = accounts.issue_token(user=user, name="telefono")
    persist()
    assert connect(auth={"token": clear}).is_connected()
    accounts.revoke_token(user=user, token_id=token.id)
    persist()
    assert not connect(auth={"token": clear}).is_connected()


def test_a_deactivated_person_is_refused_with_cookie_and_token(client, connect):
    user = UserFactory()
    login(client, user)
    clear = token_of(bearer(user))
    db.session.get(User, user.id).is_active = False  # `user` is detached by the requests
    persist()
    assert not connect(client).is_connected()
    assert not connect(auth={"token": clear}).is_connected()


def test_after_logout_the_cookie_no_longer_connects(client, connect):
    user = UserFactory()
    token = login(client, user)
    assert connect(client).is_connected()
    assert client.post(f"{API}/auth/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert not connect(client).is_connected()


def test_a_refused_client_receives_nothing(connect):
    user = UserFactory()
    refused = connect(auth={"token": "qct_wrong"})
    announce_committed([user])
    assert refused.queue == []  # not connected, so get_received() is not available


# --- rooms ------------------------------------------------------------------------------


def _organisation_id() -> int:
    return db.session.scalar(select(Organisation.id).where(Organisation.slug == "ente-boccioni"))


ROOM_CASES = {
    "custodian": (lambda: ("custodian", "complex", complex_id("omero")), "custodian:complex:{}"),
    "tenant": (lambda: ("tenant", "complex", complex_id("faenza")), "tenant:complex:{}"),
    "operator": (
        lambda: ("operator", "organisation", _organisation_id()),
        "operator:organisation:{}",
    ),
    "staff": (lambda: ("staff", None, None), "staff"),
    "admin": (lambda: ("admin", None, None), "admin"),
}


@pytest.mark.parametrize("case", list(ROOM_CASES))
def test_a_client_joins_the_rooms_of_its_grants(connect, case):
    make_grant, room_pattern = ROOM_CASES[case]
    grant = make_grant()
    room = room_pattern.format(grant[2])
    holder = user_with_roles(grant)
    resident = UserFactory()
    holder_socket = connect(auth={"token": token_of(bearer(holder))})
    resident_socket = connect(auth={"token": token_of(bearer(resident))})

    socketio.emit("probe", {"room": room}, to=room)
    assert holder_socket.get_received() == [
        {"name": "probe", "args": [{"room": room}], "namespace": "/"}
    ]
    assert resident_socket.get_received() == []


def test_a_custodian_joins_the_room_of_each_of_their_complexes_only(connect):
    omero, faenza, boccioni = complex_id("omero"), complex_id("faenza"), complex_id("boccioni")
    custodian = user_with_roles(("custodian", "complex", omero), ("custodian", "complex", faenza))
    socket_client = connect(auth={"token": token_of(bearer(custodian))})
    for complex_ in (omero, faenza):
        socketio.emit("probe", complex_, to=f"custodian:complex:{complex_}")
    socketio.emit("probe", boccioni, to=f"custodian:complex:{boccioni}")
    socketio.emit("probe", "staff", to="staff")
    assert [event["args"] for event in socket_client.get_received()] == [[omero], [faenza]]


def test_a_cookie_client_joins_its_grant_rooms_too(client, connect):
    staff = user_with_roles(("staff", None, None))
    login(client, staff)
    socket_client = connect(client)
    socketio.emit("probe", "ciao", to="staff")
    assert [event["args"] for event in socket_client.get_received()] == [["ciao"]]


def test_a_live_http_request_reaches_the_custodian_at_once(client, connect):
    """End to end in one process: a resident's request → the custodian's open socket."""
    omero = complex_id("omero")
    custodian = user_with_roles(("custodian", "complex", omero), locale="en")
    custodian_socket = connect(auth={"token": token_of(bearer(custodian))})
    resident = UserFactory(display_name="Lucia Verdi")
    response = client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": omero, "tenancy_code": "MI-000777"},
        headers=bearer(resident),
    )
    assert response.status_code == 201
    (event,) = notification_events(custodian_socket)
    assert event["kind"] == "tenancy.requested"
    assert event["title"] == "New tenant recognition request"
    assert "Lucia Verdi" in event["body"]
    stored = db.session.scalars(select(Notification).where(Notification.user_id == custodian.id))
    assert [n.id for n in stored] == [event["id"]]


# --- a real server: the Origin check ----------------------------------------------------

ALLOWED_EXTRA_ORIGIN = "https://app.quartieri.example"


LIVE_EMAIL = "persona.live@example.org"


@dataclass
class LiveServer:
    app: Flask
    url: str
    token: str


@pytest.fixture(params=["same-origin-only", "with-extra-origin"])
def live_server(request, tmp_path, frontend_dist, socketio_state) -> Iterator[LiveServer]:
    """The application on a free port of 127.0.0.1, with a database of its own (SQLite)."""
    from tests.conftest import make_test_app

    extra = [ALLOWED_EXTRA_ORIGIN] if request.param == "with-extra-origin" else []
    live_app = make_test_app(
        "sqlite:///" + os.path.join(tmp_path, "live.sqlite3"),
        frontend_dist,
        tmp_path / "instance",
        QC_ALLOWED_ORIGINS=extra,
    )
    sio_server = socketio.server  # the live app's Socket.IO server
    # A ping every second: the python-socketio client may lose its closing packet when it
    # disconnects (a race in its writer), and then waits for the next ping (25 s by default).
    sio_server.eio.ping_interval = 1
    result = live_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with live_app.app_context():
        user = UserFactory(email=LIVE_EMAIL)
        _, clear = accounts.issue_token(user=user, name="live")
        persist()
        db.session.remove()

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="qc-live-socketio", daemon=True)
    thread.start()
    try:
        yield LiveServer(live_app, f"http://127.0.0.1:{server.server_port}", clear)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        sio_server.shutdown()
        with live_app.app_context():
            db.engine.dispose()


class _RealClient:
    """A python-socketio client over HTTP long-polling that collects notifications."""

    def __init__(self):
        self.client = SocketIOClient(reconnection=False)
        self.notifications: queue.Queue[dict] = queue.Queue()
        self.client.on("notification", self.notifications.put)

    def connect(self, url: str, *, origin: str | None, token: str | None) -> bool:
        headers = {"Origin": origin} if origin else {}
        try:
            self.client.connect(
                url,
                headers=headers,
                auth={"token": token} if token else None,
                transports=["polling"],
                wait_timeout=10,
            )
        except SocketIOConnectionError:
            return False
        return self.client.connected

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


@pytest.fixture
def real_clients() -> Iterator[Callable[[], _RealClient]]:
    made: list[_RealClient] = []

    def factory() -> _RealClient:
        made.append(_RealClient())
        return made[-1]

    yield factory
    for client in made:
        client.close()


@pytest.mark.no_db
def test_a_foreign_origin_is_refused_by_the_real_server(live_server, real_clients):
    refused = real_clients()
    assert not refused.connect(
        live_server.url, origin="http://evil.example", token=live_server.token
    )
    # The handshake itself is refused before any Socket.IO session exists.
    handshake = requests.get(
        f"{live_server.url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": "http://evil.example"},
        timeout=10,
    )
    assert handshake.status_code == 400
    assert "Access-Control-Allow-Origin" not in handshake.headers


@pytest.mark.no_db
def test_the_same_origin_is_accepted_and_receives_notifications(live_server, real_clients):
    accepted = real_clients()
    assert accepted.connect(live_server.url, origin=live_server.url, token=live_server.token)
    # An announcement from the command line, in this process, reaches the client over HTTP.
    result = live_server.app.test_cli_runner().invoke(
        args=["qc", "notify", "--email", LIVE_EMAIL, "--title", "Acqua", "--body", "Domani"]
    )
    assert result.exit_code == 0, result.output
    event = accepted.notifications.get(timeout=10)
    with live_server.app.app_context():
        stored = db.session.scalars(select(Notification)).all()
        assert [n.id for n in stored] == [event["id"]]
        db.session.remove()
    assert (event["title"], event["body"], event["unread_count"]) == ("Acqua", "Domani", 1)


@pytest.mark.no_db
def test_no_credentials_are_refused_by_the_real_server(live_server, real_clients):
    assert not real_clients().connect(live_server.url, origin=live_server.url, token=None)
    assert not real_clients().connect(live_server.url, origin=live_server.url, token="qct_nope")


@pytest.mark.no_db
def test_an_origin_listed_in_the_settings_is_accepted(live_server, real_clients, request):
    listed = real_clients().connect(
        live_server.url, origin=ALLOWED_EXTRA_ORIGIN, token=live_server.token
    )
    expected = request.node.callspec.params["live_server"] == "with-extra-origin"
    assert listed is expected


def _handshake(url: str, headers: dict[str, str]) -> int:
    response = requests.get(
        f"{url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers=headers,
        timeout=10,
    )
    return response.status_code


@pytest.mark.no_db
def test_behind_a_tls_proxy_the_origin_is_checked_against_the_forwarded_one(live_server):
    """nginx terminates TLS: the browser's Origin is https, the app sees plain http."""
    public = {"Host": "quartieri.example", "Origin": "https://quartieri.example"}
    assert _handshake(live_server.url, {**public, "X-Forwarded-Proto": "https"}) == 200
    # Without X-Forwarded-Proto the same browser is taken for a foreign origin: the proxy
    # must send it on the Socket.IO location too.
    assert _handshake(live_server.url, public) == 400
    assert _handshake(live_server.url, {**public, "Origin": "https://evil.example"}) == 400
