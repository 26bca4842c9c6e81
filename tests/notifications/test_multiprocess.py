"""Live notifications across processes: two gunicorn servers sharing Redis and a database.

The production layout in small (README, "Production"): two single-worker gunicorn
processes (``make run``'s flags) on one database, Socket.IO's message queue in Redis. A
real python-socketio client, websocket only (no sticky sessions here), is connected to
process B; what an HTTP request to process A causes, and what a CLI command emits,
reach it through Redis.

Needs a Redis server: ``QC_TEST_REDIS_URL`` (CI: ``redis://127.0.0.1:6379/15``). Without
it the tests are skipped, unless ``QC_REQUIRE_REDIS=1`` makes that a failure. Each run
uses a Socket.IO channel of its own (``QC_SOCKETIO_CHANNEL``), so parallel runs on one
Redis cannot hear each other. The database is a SQLite file in a temp dir (WAL, both
servers on it), or with ``QC_TEST_DATABASE_URL`` a fresh PostgreSQL database; either is
migrated and seeded with the real CLI and dropped at the end.
"""

from __future__ import annotations

import contextlib
import os
import queue
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import socketio

from tests.conftest import _postgres_database
from tests.notifications.live_servers import (
    Server,
    app_env,
    flask_cli,
    prepare_database,
    print_logs,
    start_server,
    stop_servers,
    wait_until_healthy,
)

pytestmark = [pytest.mark.slow, pytest.mark.no_db]

API = "/api/v1"
CUSTODIAN = "custode@demo.quartiericonnessi.it"
DEMO_PASSWORD = "quartieri-demo-2026"
# How long an event may take from one process to another (it takes milliseconds).
EVENT_TIMEOUT = 10.0
HTTP_TIMEOUT = 10.0


@dataclass
class Cluster:
    a: Server
    b: Server
    env: dict[str, str]
    http: requests.Session
    custodian_token: str = ""
    servers: list[Server] = field(default_factory=list)

    def api(self, server: Server, method: str, path: str, *, token=None, status=200, **kw):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.request(
            method, f"{server.url}{API}{path}", headers=headers, timeout=HTTP_TIMEOUT, **kw
        )
        assert response.status_code == status, (
            f"{method} {path} on {server.name}: {response.status_code} {response.text}"
        )
        return response.json() if response.content else None

    def token_for(self, server: Server, email: str, password: str) -> str:
        body = {"email": email, "password": password, "name": "multiprocess test"}
        return self.api(server, "POST", "/auth/tokens", json=body, status=201)["token"]

    @contextlib.contextmanager
    def logs_on_failure(self) -> Iterator[None]:
        """Show both servers' logs when the test fails, and fail on errors they logged."""
        try:
            yield
            problems = {s.name: s.problems() for s in self.servers if s.problems()}
            assert not problems, f"the servers logged errors: {problems}"
        except BaseException:
            print_logs(self.servers)
            raise


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    url = os.environ.get("QC_TEST_REDIS_URL")
    if not url:
        if os.environ.get("QC_REQUIRE_REDIS") == "1":
            pytest.fail("QC_REQUIRE_REDIS=1 but QC_TEST_REDIS_URL is not set")
        pytest.skip("QC_TEST_REDIS_URL not set")
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()  # set but unreachable is a failure, not a skip
    finally:
        client.close()
    yield url


def _refused_connect(url: str, auth=None) -> str:
    """Connect without valid credentials; the refusal's message (ConnectionError expected)."""
    client = socketio.Client(reconnection=False)
    refusals: list = []
    client.on("connect_error", refusals.append)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(url, auth=auth, transports=["websocket"], wait_timeout=5)
    finally:
        client.disconnect()
    assert not client.connected
    return refusals[0].get("message") if refusals and isinstance(refusals[0], dict) else ""


def _wait_until_subscribed(redis_url: str, channel: str, servers: list[Server]) -> None:
    """Wait until every server listens on the Redis channel.

    A server's Socket.IO starts its Redis listener with its first Engine.IO connection,
    and Redis pub/sub keeps nothing for a listener that is not there yet; so open one
    (refused) connection to each server, then wait for the channel's subscriber count.
    """
    import redis

    for server in servers:
        _refused_connect(server.url)
    client = redis.Redis.from_url(redis_url)
    try:
        deadline = time.monotonic() + 10
        while True:
            [(_, subscribers)] = client.pubsub_numsub(channel)
            if subscribers >= len(servers):
                return
            assert time.monotonic() < deadline, (
                f"{subscribers} of {len(servers)} servers listen on Redis channel {channel}"
            )
            time.sleep(0.05)
    finally:
        client.close()


@pytest.fixture(scope="module")
def cluster(redis_url) -> Iterator[Cluster]:
    try:
        import websocket  # noqa: F401 - python-socketio's client needs it for websocket
    except ImportError:
        pytest.fail("websocket-client is not installed: pip install -e '.[test]'")
    channel = f"qc-test-{secrets.token_hex(8)}"
    with contextlib.ExitStack() as stack:
        tmp = Path(
            stack.enter_context(
                tempfile.TemporaryDirectory(prefix="qc-multiprocess-", ignore_cleanup_errors=True)
            )
        )
        if os.environ.get("QC_TEST_DATABASE_URL"):
            # Created here, dropped (WITH FORCE) when the stack unwinds, after the servers stop.
            database_url = stack.enter_context(contextlib.contextmanager(_postgres_database)())
        else:
            database_url = "sqlite:///" + str(tmp / "multiprocess.sqlite3")
        env = app_env(
            QC_DATABASE_URL=database_url,
            QC_REDIS_URL=redis_url,
            QC_SOCKETIO_CHANNEL=channel,
            QC_SECRET_KEY=secrets.token_urlsafe(48),
            QC_RATELIMIT_ENABLED="0",
            QC_ARGON2_TIME_COST="1",
            QC_ARGON2_MEMORY_COST="8",
            QC_FRONTEND_DIST=str(tmp),  # no web app is needed, only the API
        )
        prepare_database(env)

        servers: list[Server] = []
        stack.callback(stop_servers, servers)
        http = stack.enter_context(requests.Session())
        try:
            servers += [start_server("A", env, tmp), start_server("B", env, tmp)]
            for server in servers:
                wait_until_healthy(server)
            _wait_until_subscribed(redis_url, channel, servers)
            result = Cluster(a=servers[0], b=servers[1], env=env, http=http, servers=servers)
            result.custodian_token = result.token_for(result.b, CUSTODIAN, DEMO_PASSWORD)
        except BaseException:
            print_logs(servers)
            raise
        yield result

        stop_servers(servers)
        problems = {s.name: s.problems() for s in servers if s.problems()}
        if problems:
            print_logs(servers)
            pytest.fail(f"the servers logged errors: {problems}")


@pytest.fixture
def custodian_on_b(cluster) -> Iterator[queue.Queue]:
    """The demo custodian's Socket.IO client on process B; its ``notification`` events."""
    events: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("notification", events.put)
    client.connect(
        cluster.b.url,
        auth={"token": cluster.custodian_token},
        transports=["websocket"],
        wait_timeout=10,
    )
    try:
        # Connected means the connect handler ran: the rooms are joined on B.
        assert client.transport() == "websocket"
        yield events
    finally:
        client.disconnect()


def _next_event(events: queue.Queue, kind: str) -> dict:
    """The first ``notification`` of ``kind`` within EVENT_TIMEOUT."""
    deadline = time.monotonic() + EVENT_TIMEOUT
    seen = []
    while True:
        remaining = deadline - time.monotonic()
        try:
            event = events.get(timeout=max(remaining, 0.001))
        except queue.Empty:
            pytest.fail(f"no {kind!r} notification within {EVENT_TIMEOUT:.0f} s (saw {seen})")
        if event.get("kind") == kind:
            return event
        seen.append(event)


def _stored(cluster: Cluster, event: dict) -> dict:
    """The custodian's newest notification as listed by process B."""
    page = cluster.api(
        cluster.b, "GET", "/notifications", token=cluster.custodian_token, params={"limit": 5}
    )
    newest = page["items"][0]
    assert newest["id"] == event["id"]
    assert page["unread_count"] == event["unread_count"]
    return newest


def test_unauthenticated_connect_is_refused(cluster):
    with cluster.logs_on_failure():
        assert _refused_connect(cluster.a.url) == "unauthorized"
        assert _refused_connect(cluster.a.url, auth={"token": "qc_not-a-token"}) == "unauthorized"


def test_request_on_a_reaches_client_on_b(cluster, custodian_on_b):
    with cluster.logs_on_failure():
        a = cluster.a
        name = f"Residente {secrets.token_hex(3)}"
        email = f"resident-{secrets.token_hex(6)}@example.org"
        password = "una-password-lunga"
        cluster.api(
            a,
            "POST",
            "/auth/register",
            json={"email": email, "password": password, "display_name": name},
            status=201,
        )
        resident_token = cluster.token_for(a, email, password)
        complexes = cluster.api(a, "GET", "/complexes", params={"limit": 100})["items"]
        [boccioni] = [c for c in complexes if c["code"] == "boccioni"]

        sent = time.monotonic()
        cluster.api(
            a,
            "POST",
            "/tenancy-verifications",
            token=resident_token,
            json={"complex_id": boccioni["id"], "tenancy_code": "MI-1"},
            status=201,
        )
        event = _next_event(custodian_on_b, "tenancy.requested")
        print(f"A -> Redis -> B: {time.monotonic() - sent:.3f} s after the request was sent")

        assert name in event["body"]
        stored = _stored(cluster, event)
        assert stored["kind"] == "tenancy.requested"
        assert (stored["title"], stored["body"]) == (event["title"], event["body"])


def test_cli_event_reaches_client_on_b(cluster, custodian_on_b):
    with cluster.logs_on_failure():
        body = f"Annuncio di prova {secrets.token_hex(4)}"
        output = flask_cli(
            cluster.env, "qc", "notify", "--email", CUSTODIAN, "--title", "Prova", "--body", body
        )
        assert "Notified 1 people." in output

        event = _next_event(custodian_on_b, "system.announcement")
        assert (event["title"], event["body"]) == ("Prova", body)
        stored = _stored(cluster, event)
        assert (stored["kind"], stored["title"], stored["body"]) == (
            "system.announcement",
            "Prova",
            body,
        )
