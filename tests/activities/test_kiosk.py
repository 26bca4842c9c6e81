"""The lodge's kiosk screen: a public JSON snapshot and live seat counts on Socket.IO.

An anonymous client connects with ``auth: {kiosk: "<slug>"}`` and joins only that space's
public room: it sees seat counts change, never anything personal.
"""

from __future__ import annotations

import os
import queue
import threading

import pytest
import requests
import time_machine
from socketio import Client as SocketIOClient
from socketio.exceptions import ConnectionError as SocketIOConnectionError
from werkzeug.serving import make_server

from qc_platform.extensions import db, socketio
from tests.accounts.factories import persist
from tests.activities.helpers import API, make_activity, person, rome, sessions_of
from tests.notifications.helpers import announce_committed


@pytest.fixture
def connect(app, socketio_state):
    clients = []

    def factory(**kwargs):
        client = socketio.test_client(app, **kwargs)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def socketio_state():
    from tests.conftest import restored_extension_state

    with restored_extension_state():
        yield socketio


def _seat_events(socket_client):
    return [e["args"][0] for e in socket_client.get_received() if e["name"] == "session.seats"]


def test_the_kiosk_json_lists_today_and_next_with_seats_left(client):
    with time_machine.travel(rome(2027, 3, 10, 9), tick=False):  # a Wednesday morning
        today = make_activity(
            title="Caffè sociale", rrule=None, starts_at=rome(2027, 3, 10, 10), capacity=3
        )
        make_activity(
            title="Doposcuola",
            starts_at=rome(2027, 3, 11, 16),
            ends_at=rome(2027, 3, 11, 18),
            rrule="FREQ=WEEKLY;COUNT=3",
            capacity=None,
            registration_required=False,
        )
        make_activity(slug="faenza", title="Altrove", rrule=None, starts_at=rome(2027, 3, 10, 11))
        who = person()
        session_id = sessions_of(today.id)[0].id
        client.post(f"{API}/sessions/{session_id}/registrations", headers=who.headers)
        response = client.get(f"{API}/spaces/boccioni/kiosk")
    assert response.status_code == 200
    data = response.get_json()
    assert data["space"]["slug"] == "boccioni"
    assert [(s["title"], s["seats_left"], s["capacity"]) for s in data["today"]] == [
        ("Caffè sociale", 2, 3)
    ]
    # Open-door sessions: anyone may come, so no seat count.
    assert [(s["title"], s["seats_left"]) for s in data["next"]] == [("Doposcuola", None)] * 3
    assert data["socket"] == {
        "path": "/socket.io",
        "auth": {"kiosk": "boccioni"},
        "room": f"kiosk:space:{data['space']['id']}",
        "event": "session.seats",
    }
    assert client.get(f"{API}/spaces/nowhere/kiosk").status_code == 404


def test_a_kiosk_client_sees_seat_counts_change_and_nothing_personal(client, connect):
    activity = make_activity(capacity=1)
    other = make_activity(slug="faenza", capacity=1)
    session_id = sessions_of(activity.id)[0].id
    first, second = person(), person()
    screen = connect(auth={"kiosk": "boccioni"})
    assert screen.is_connected()
    elsewhere = connect(auth={"kiosk": "faenza"})

    client.post(f"{API}/sessions/{session_id}/registrations", headers=first.headers)
    (event,) = _seat_events(screen)
    assert event["session_id"] == session_id
    assert (event["seats_left"], event["confirmed"], event["waitlisted"]) == (0, 1, 0)
    assert set(event) == {
        "session_id",
        "activity_id",
        "space_id",
        "status",
        "starts_at",
        "ends_at",
        "capacity",
        "confirmed",
        "seats_left",
        "waitlisted",
    }
    registration = client.post(
        f"{API}/sessions/{session_id}/registrations", headers=second.headers
    ).get_json()
    assert _seat_events(screen)[-1]["waitlisted"] == 1
    client.delete(f"{API}/registrations/{registration['id']}", headers=second.headers)
    assert _seat_events(screen)[-1]["waitlisted"] == 0
    assert elsewhere.get_received() == []  # another space's screen
    assert other.id

    # A notification to a person never reaches the screen, nor anything else.
    announce_committed(
        [
            db.session.get(
                __import__("qc_platform.accounts.models", fromlist=["User"]).User, first.id
            )
        ]
    )
    assert screen.get_received() == []


def test_a_failed_registration_announces_nothing(client, connect):
    activity = make_activity(registration_required=False, capacity=None, rrule=None)
    screen = connect(auth={"kiosk": "boccioni"})
    response = client.post(
        f"{API}/sessions/{sessions_of(activity.id)[0].id}/registrations",
        headers=person().headers,
    )
    assert response.status_code == 409
    assert screen.get_received() == []


@pytest.mark.parametrize(
    "auth", [{"kiosk": "nowhere"}, {"kiosk": 1}, {"kiosk": ""}, {"kiosk": None}]
)
def test_an_unknown_space_is_refused(connect, auth):
    assert not connect(auth=auth).is_connected()


def test_a_kiosk_with_a_session_cookie_still_joins_only_the_public_room(client, connect):
    from tests.notifications.helpers import login

    who = person()
    login(client, who.user)
    screen = connect(auth={"kiosk": "boccioni"}, flask_test_client=client)
    assert screen.is_connected()
    socketio.emit("probe", "private", to=f"user:{who.id}")
    assert screen.get_received() == []


# --- a real server, a real python-socketio client over HTTP -------------------------------


@pytest.mark.no_db
def test_a_real_kiosk_client_gets_live_updates(tmp_path, frontend_dist, socketio_state):
    from tests.conftest import make_test_app

    live_app = make_test_app(
        "sqlite:///" + os.path.join(tmp_path, "kiosk.sqlite3"), frontend_dist, tmp_path / "inst"
    )
    sio_server = socketio.server
    sio_server.eio.ping_interval = 1
    runner = live_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["qc", "seed"]).exit_code == 0
    with live_app.app_context():
        activity = make_activity(capacity=2)
        session_id = sessions_of(activity.id)[0].id
        who = person()
        persist()
        db.session.remove()

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    events: queue.Queue = queue.Queue()
    kiosk = SocketIOClient(reconnection=False)
    kiosk.on("session.seats", events.put)
    try:
        kiosk.connect(url, auth={"kiosk": "boccioni"}, transports=["polling"], wait_timeout=10)
        assert kiosk.connected
        refused = SocketIOClient(reconnection=False)
        with pytest.raises(SocketIOConnectionError):
            refused.connect(url, auth={"kiosk": "nowhere"}, transports=["polling"], wait_timeout=10)
        response = requests.post(
            f"{url}{API}/sessions/{session_id}/registrations", headers=who.headers, timeout=10
        )
        assert response.status_code == 201, response.text
        event = events.get(timeout=10)
        assert (event["session_id"], event["seats_left"], event["confirmed"]) == (session_id, 1, 1)
    finally:
        if kiosk.connected:
            kiosk.disconnect()
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        sio_server.shutdown()
        with live_app.app_context():
            db.engine.dispose()
