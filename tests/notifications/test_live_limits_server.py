"""Live connections cannot take the threads HTTP needs: a real gunicorn process, real clients.

Issue 12, finding 1, as the reviewer ran it: anonymous kiosk websockets
(``auth={"kiosk": "boccioni"}``) connect to a gthread worker until every thread is held, and
``GET /api/v1/spaces`` then hangs until they close. Here the server has ``THREADS`` threads
and ``QC_LIVE_MAX_CONNECTIONS`` below that; the clients are python-socketio's, websocket
only as the web app's. The caps are per process, so the database does not matter: a SQLite
file migrated and seeded once by the real CLI.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio

from qc_platform.core.live_limits import TOO_MANY
from tests.notifications.live_servers import (
    Server,
    app_env,
    prepare_database,
    print_logs,
    start_server,
    stop_servers,
    wait_until_healthy,
)

pytestmark = [pytest.mark.slow, pytest.mark.no_db]

THREADS = 8
KIOSK = {"kiosk": "boccioni"}
CUSTODIAN = "custode@demo.quartiericonnessi.it"
DEMO_PASSWORD = "quartieri-demo-2026"
# A request that waits this long for a thread means HTTP has none left: the failure mode.
HTTP_TIMEOUT = 10.0
# How long a closed socket may take to give its slot back (it takes milliseconds).
RELEASE_TIMEOUT = 10.0
# What python-socketio reports when the websocket handshake itself is refused (the 503).
HANDSHAKE_REFUSED = "Connection error"


@pytest.fixture(scope="module")
def database_env() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="qc-live-limits-", ignore_cleanup_errors=True) as tmp:
        env = app_env(
            QC_DATABASE_URL="sqlite:///" + str(Path(tmp) / "live-limits.sqlite3"),
            QC_SECRET_KEY=secrets.token_urlsafe(48),
            QC_RATELIMIT_ENABLED="0",
            QC_ARGON2_TIME_COST="1",
            QC_ARGON2_MEMORY_COST="8",
            QC_FRONTEND_DIST=tmp,  # no web app is needed, only the API
        )
        prepare_database(env)
        yield env


@pytest.fixture
def serve(database_env, tmp_path) -> Iterator:
    """Start the server with these settings; stopped at the end, its log checked."""
    servers: list[Server] = []

    def start(**settings: str) -> Server:
        server = start_server(str(len(servers)), {**database_env, **settings}, tmp_path, THREADS)
        servers.append(server)
        wait_until_healthy(server)
        return server

    try:
        yield start
        stop_servers(servers)
        problems = {s.name: s.problems() for s in servers if s.problems()}
        assert not problems, f"the server logged errors: {problems}"
    except BaseException:
        print_logs(servers)
        raise
    finally:
        stop_servers(servers)


@pytest.fixture
def live() -> Iterator:
    """``live(url, auth, address=..., transport=...)``: (connected client, "") or (None, why).

    ``address`` is sent as X-Forwarded-For (the server trusts one proxy when told to);
    every client still connected is closed at the end.
    """
    clients: list[socketio.Client] = []

    def connect(url, auth, *, address=None, transport="websocket"):
        client = socketio.Client(reconnection=False)
        refusals: list = []
        client.on("connect_error", refusals.append)
        headers = {"X-Forwarded-For": address} if address else {}
        try:
            client.connect(url, auth=auth, headers=headers, transports=[transport], wait_timeout=5)
        except socketio.exceptions.ConnectionError:
            reason = refusals[0] if refusals else None
            return None, reason.get("message") if isinstance(reason, dict) else str(reason)
        clients.append(client)
        return client, ""

    yield connect
    for client in clients:
        if client.connected:
            client.disconnect()


def _connect_once_freed(live, url, auth, **kwargs) -> socketio.Client:
    """Connect, retrying while the server has not yet seen a closed socket go (bounded)."""
    deadline = time.monotonic() + RELEASE_TIMEOUT
    while True:
        client, refusal = live(url, auth, **kwargs)
        if client is not None:
            return client
        assert time.monotonic() < deadline, f"no slot was freed: {refusal}"
        time.sleep(0.05)


def _spaces(url: str) -> int:
    return requests.get(f"{url}/api/v1/spaces", timeout=HTTP_TIMEOUT).status_code


def _token(url: str) -> str:
    body = {"email": CUSTODIAN, "password": DEMO_PASSWORD, "name": "live limits test"}
    response = requests.post(f"{url}/api/v1/auth/tokens", json=body, timeout=HTTP_TIMEOUT)
    assert response.status_code == 201, response.text
    return response.json()["token"]


def test_kiosk_websockets_cannot_take_every_thread_from_http(serve, live):
    server = serve(QC_LIVE_MAX_CONNECTIONS="5")
    person = {"token": _token(server.url)}
    results = [live(server.url, KIOSK) for _ in range(THREADS)]
    # Before the cap, every thread was held by a socket and this request timed out.
    assert _spaces(server.url) == 200
    opened = [client for client, _ in results if client is not None]
    assert len(opened) == 5
    assert [why for client, why in results if client is None] == [HANDSHAKE_REFUSED] * 3
    # The cap is on live connections of any kind, signed in too.
    assert live(server.url, person)[1] == HANDSHAKE_REFUSED
    # Refused before Engine.IO: long-polling clients read the reason in the 503's body.
    assert live(server.url, KIOSK, transport="polling") == (None, TOO_MANY)

    for client in opened:
        client.disconnect()
    again = [_connect_once_freed(live, server.url, person) for _ in range(5)]
    assert all(client.connected for client in again)
    assert live(server.url, KIOSK)[1] == HANDSHAKE_REFUSED
    assert _spaces(server.url) == 200


def test_anonymous_websockets_are_capped_per_address_and_per_process(serve, live):
    server = serve(
        QC_TRUSTED_PROXIES="1",  # the client's address from X-Forwarded-For, as rate limits
        QC_LIVE_MAX_CONNECTIONS="7",
        QC_LIVE_ANONYMOUS_PER_ADDRESS="2",
        QC_LIVE_ANONYMOUS_PER_PROCESS="3",
    )
    person = {"token": _token(server.url)}
    first, _ = live(server.url, KIOSK, address="203.0.113.1")
    second, _ = live(server.url, KIOSK, address="203.0.113.1")
    assert first is not None and second is not None
    assert live(server.url, KIOSK, address="203.0.113.1") == (None, TOO_MANY)
    other, _ = live(server.url, KIOSK, address="203.0.113.2")
    assert other is not None
    # Three anonymous connections in all: a new address is refused too.
    assert live(server.url, KIOSK, address="203.0.113.2") == (None, TOO_MANY)
    assert live(server.url, KIOSK, address="203.0.113.3") == (None, TOO_MANY)
    # People who sign in are not held to the anonymous caps, from the same address either.
    signed_in, why = live(server.url, person, address="203.0.113.1")
    assert signed_in is not None, why
    assert _spaces(server.url) == 200

    first.disconnect()
    replacement = _connect_once_freed(live, server.url, KIOSK, address="203.0.113.1")
    assert replacement.connected
    assert live(server.url, KIOSK, address="203.0.113.1") == (None, TOO_MANY)
