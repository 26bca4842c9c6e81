"""Caps on live connections: the counter, the WSGI guard, and the connect handler's use of it.

The real-server tests (a gunicorn process, websocket clients, the HTTP API answering while
the live slots are full) are in test_live_limits_server.py.
"""

from __future__ import annotations

import json
import threading

import pytest
from werkzeug.test import Client

from qc_platform.config import ConfigurationError, load_config
from qc_platform.core.live_limits import TOO_MANY, LiveConnections
from qc_platform.extensions import socketio


def _limits(max_connections=10, per_process=3, per_address=2) -> LiveConnections:
    return LiveConnections(
        max_connections=max_connections,
        anonymous_per_process=per_process,
        anonymous_per_address=per_address,
    )


# --- the counter --------------------------------------------------------------------------


@pytest.mark.no_db
def test_anonymous_connections_are_capped_per_address_and_per_process():
    limits = _limits(per_process=3, per_address=2)
    assert limits.admit_anonymous("a1", "10.0.0.1")
    assert limits.admit_anonymous("a2", "10.0.0.1")
    assert not limits.admit_anonymous("a3", "10.0.0.1")  # the address's cap
    assert limits.admit_anonymous("b1", "10.0.0.2")
    assert not limits.admit_anonymous("c1", "10.0.0.3")  # the process's cap
    assert (limits.anonymous, limits.anonymous_from("10.0.0.1")) == (3, 2)


@pytest.mark.no_db
def test_a_disconnect_frees_the_slot_once():
    limits = _limits(per_process=3, per_address=2)
    limits.admit_anonymous("a1", "10.0.0.1")
    limits.admit_anonymous("a2", "10.0.0.1")
    limits.release("a1")
    limits.release("a1")  # twice: the second frees nothing more
    limits.release("never-connected")  # a refused sid holds nothing
    assert (limits.anonymous, limits.anonymous_from("10.0.0.1")) == (1, 1)
    assert limits.admit_anonymous("a3", "10.0.0.1")
    assert not limits.admit_anonymous("a4", "10.0.0.1")


@pytest.mark.no_db
def test_a_refusal_takes_no_slot():
    limits = _limits(per_process=2, per_address=1)
    assert limits.admit_anonymous("a1", "10.0.0.1")
    for n in range(50):
        assert not limits.admit_anonymous(f"refused{n}", "10.0.0.1")
    limits.release("a1")
    assert (limits.anonymous, limits.anonymous_from("10.0.0.1")) == (0, 0)
    assert limits.admit_anonymous("a2", "10.0.0.1")


@pytest.mark.no_db
def test_concurrent_admissions_never_pass_the_caps():
    limits = _limits(per_process=40, per_address=25)
    start = threading.Barrier(8)
    admitted: list[str] = []

    def connect(worker: int) -> None:
        start.wait()
        for n in range(20):
            sid = f"{worker}-{n}"
            if limits.admit_anonymous(sid, f"10.0.0.{worker % 2}"):
                admitted.append(sid)

    workers = [threading.Thread(target=connect, args=(w,)) for w in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(admitted) == 40
    assert limits.anonymous_from("10.0.0.0") <= 25 and limits.anonymous_from("10.0.0.1") <= 25
    for sid in admitted:
        limits.release(sid)
    assert limits.anonymous == 0


# --- the WSGI guard -----------------------------------------------------------------------


def _held_app(release: threading.Event, entered: threading.Semaphore):
    """Socket.IO requests stay open until ``release`` (as websockets do); HTTP answers at once."""

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        if environ["PATH_INFO"].startswith("/socket.io/"):
            entered.release()
            release.wait(10)
        return [b"ok"]

    return app


def _get(wsgi_app, url: str):
    # buffered: the body is read and the iterable closed, as a WSGI server does
    return Client(wsgi_app).get(url, buffered=True)


@pytest.mark.no_db
def test_live_requests_past_the_cap_get_a_503_and_http_is_not_counted():
    limits = _limits(max_connections=2)
    release, entered = threading.Event(), threading.Semaphore(0)
    guarded = limits.wsgi_middleware(_held_app(release, entered))
    websocket = "/socket.io/?EIO=4&transport=websocket"
    held = [threading.Thread(target=_get, args=(guarded, websocket)) for _ in range(2)]
    for thread in held:
        thread.start()
    try:
        for _ in held:
            assert entered.acquire(timeout=10)
        assert limits.requests == 2
        refused = _get(guarded, "/socket.io/?EIO=4&transport=polling")
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "30"
        assert json.loads(refused.data) == {
            "code": 503,
            "status": "Service Unavailable",
            "message": TOO_MANY,
        }
        # Any other path is HTTP: neither counted nor refused.
        assert _get(guarded, "/api/v1/spaces").status_code == 200
        assert limits.requests == 2
    finally:
        release.set()
        for thread in held:
            thread.join(10)
    assert limits.requests == 0  # each finished request gave its slot back
    assert _get(guarded, "/socket.io/?EIO=4&transport=polling").status_code == 200
    assert limits.requests == 0


@pytest.mark.no_db
def test_a_live_request_that_fails_gives_its_slot_back():
    limits = _limits(max_connections=1)

    def broken(environ, start_response):
        raise RuntimeError("engine.io failed")

    class BrokenClose:
        def __iter__(self):
            return iter([b""])

        def close(self):
            raise RuntimeError("close failed")

    def broken_close(environ, start_response):
        start_response("200 OK", [])
        return BrokenClose()

    for app in (broken, broken_close):
        guarded = limits.wsgi_middleware(app)
        with pytest.raises(RuntimeError):
            _get(guarded, "/socket.io/")
        assert limits.requests == 0


# --- settings -----------------------------------------------------------------------------


@pytest.mark.no_db
def test_the_settings_default_to_make_runs_100_threads(tmp_path):
    config = load_config(tmp_path, env={"QC_SECRET_KEY": "x" * 40})
    assert config["QC_LIVE_MAX_CONNECTIONS"] == 80
    assert config["QC_LIVE_ANONYMOUS_PER_PROCESS"] == 40
    assert config["QC_LIVE_ANONYMOUS_PER_ADDRESS"] == 20
    config = load_config(
        tmp_path, env={"QC_SECRET_KEY": "x" * 40, "QC_LIVE_ANONYMOUS_PER_ADDRESS": "3"}
    )
    assert config["QC_LIVE_ANONYMOUS_PER_ADDRESS"] == 3


@pytest.mark.no_db
@pytest.mark.parametrize("value", ["0", "-1", "many", "2.5"])
def test_a_cap_must_be_a_positive_whole_number(tmp_path, value):
    with pytest.raises(ConfigurationError, match="QC_LIVE_MAX_CONNECTIONS"):
        load_config(tmp_path, env={"QC_SECRET_KEY": "x" * 40, "QC_LIVE_MAX_CONNECTIONS": value})


# --- the connect handler ------------------------------------------------------------------


@pytest.fixture
def capped_app(make_app):
    return make_app(QC_LIVE_ANONYMOUS_PER_ADDRESS=2, QC_LIVE_ANONYMOUS_PER_PROCESS=3)


@pytest.fixture
def kiosk(capped_app):
    clients = []

    def connect(space: str = "boccioni"):
        client = socketio.test_client(capped_app, auth={"kiosk": space})
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


def test_kiosk_connections_past_the_address_cap_are_refused_until_one_closes(capped_app, kiosk):
    first, second = kiosk(), kiosk()
    assert first.is_connected() and second.is_connected()
    assert not kiosk().is_connected()
    first.disconnect()
    assert kiosk().is_connected()
    assert not kiosk().is_connected()
    assert capped_app.extensions["qc_live_connections"].anonymous == 2


def test_a_kiosk_refused_for_an_unknown_space_takes_no_slot(capped_app, kiosk):
    for _ in range(5):
        assert not kiosk("nessuno-spazio").is_connected()
    assert kiosk().is_connected() and kiosk().is_connected()
    assert not kiosk().is_connected()


def test_a_kiosk_connect_that_fails_takes_no_slot(capped_app, kiosk, monkeypatch):
    from qc_platform.places import service as places

    def broken(space_ref):
        raise RuntimeError("database away")

    with monkeypatch.context() as patch:
        patch.setattr(places, "get_space", broken)
        for _ in range(3):
            with pytest.raises(RuntimeError):
                kiosk()
    assert kiosk().is_connected() and kiosk().is_connected()
    assert not kiosk().is_connected()


def test_signed_in_people_are_not_held_to_the_anonymous_caps(capped_app, kiosk):
    from tests.accounts.factories import UserFactory, bearer
    from tests.notifications.helpers import token_of

    assert kiosk().is_connected() and kiosk().is_connected()
    assert not kiosk().is_connected()
    token = token_of(bearer(UserFactory()))
    people = [socketio.test_client(capped_app, auth={"token": token}) for _ in range(4)]
    try:
        assert all(person.is_connected() for person in people)
    finally:
        for person in people:
            person.disconnect()
