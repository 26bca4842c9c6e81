"""No overbooking under concurrency, through real servers.

Two production gunicorn processes (``make run``'s flags) on one fresh database;
20 people press "register" at the same moment for the 5 places of a session, half on each
server: exactly 5 are confirmed and 15 waitlisted (the session row is locked while its seats
are counted). Then the 5 confirmed cancel at the same moment: the first 5 of the waitlist,
and only they, take the places.

The database is PostgreSQL in the PostgreSQL run (``QC_TEST_DATABASE_URL``), where the
guarantee rests on the row lock, and a SQLite file otherwise, where it rests on
``BEGIN IMMEDIATE`` (one writer at a time, across both processes).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from qc_platform.core.clock import utcnow
from tests.conftest import _postgres_database
from tests.notifications.live_servers import (
    app_env,
    prepare_database,
    print_logs,
    start_server,
    stop_servers,
    wait_until_healthy,
)

pytestmark = [pytest.mark.slow, pytest.mark.no_db]


def _backend_params():
    """The run's database: PostgreSQL in the PostgreSQL run, a SQLite file otherwise."""
    if os.environ.get("QC_TEST_DATABASE_URL"):
        return [pytest.param("postgresql", marks=pytest.mark.postgres)]
    return ["sqlite"]


API = "/api/v1"
OPERATOR = "operatore@demo.quartiericonnessi.it"
DEMO_PASSWORD = "quartieri-demo-2026"
PEOPLE = 20
CAPACITY = 5
TIMEOUT = 30


@pytest.fixture(scope="module", params=_backend_params())
def servers(request):
    with contextlib.ExitStack() as stack:
        tmp = Path(
            stack.enter_context(
                tempfile.TemporaryDirectory(prefix="qc-activities-", ignore_cleanup_errors=True)
            )
        )
        if request.param == "postgresql":
            database_url = stack.enter_context(contextlib.contextmanager(_postgres_database)())
        else:
            database_url = "sqlite:///" + str(tmp / "activities.sqlite3")
        env = app_env(
            QC_DATABASE_URL=database_url,
            QC_SECRET_KEY=secrets.token_urlsafe(48),
            QC_RATELIMIT_ENABLED="0",
            QC_ARGON2_TIME_COST="1",
            QC_ARGON2_MEMORY_COST="8",
            QC_FRONTEND_DIST=str(tmp),
        )
        prepare_database(env)
        running = []
        stack.callback(stop_servers, running)
        try:
            running += [start_server("A", env, tmp), start_server("B", env, tmp)]
            for server in running:
                wait_until_healthy(server)
        except BaseException:
            print_logs(running)
            raise
        yield running
        stop_servers(running)
        problems = {s.name: s.problems() for s in running if s.problems()}
        if problems:
            print_logs(running)
            pytest.fail(f"the servers logged errors: {problems}")


def _call(http, server, method, path, *, token=None, status=200, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = http.request(
        method, f"{server.url}{API}{path}", headers=headers, timeout=TIMEOUT, **kwargs
    )
    assert response.status_code == status, (
        f"{method} {path}: {response.status_code} {response.text}"
    )
    return response.json() if response.content else None


def _token(http, server, email, password):
    body = {"email": email, "password": password, "name": "concurrency test"}
    return _call(http, server, "POST", "/auth/tokens", json=body, status=201)["token"]


def _all_at_once(calls):
    """Run the calls in threads released together; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        with requests.Session() as http:
            barrier.wait(timeout=TIMEOUT)
            results[index] = call(http)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    assert all(r is not None for r in results), "a request did not finish"
    return results


def test_twenty_at_once_for_five_places_confirm_exactly_five(servers):
    a, b = servers
    http = requests.Session()
    operator_token = _token(http, a, OPERATOR, DEMO_PASSWORD)
    space = _call(http, a, "GET", "/spaces/boccioni")
    start = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    activity = _call(
        http,
        a,
        "POST",
        "/activities",
        token=operator_token,
        status=201,
        json={
            "space_id": space["id"],
            "title": "Laboratorio di ceramica",
            "category": "course",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "capacity": CAPACITY,
            "registration_required": True,
        },
    )
    session_id = activity["next_session"]["id"]
    tokens = []
    for n in range(PEOPLE):
        email = f"persona{n}.{secrets.token_hex(3)}@example.org"
        password = "una-password-lunga"
        _call(
            http,
            b,
            "POST",
            "/auth/register",
            json={"email": email, "password": password, "display_name": f"Persona {n}"},
            status=201,
        )
        tokens.append(_token(http, b, email, password))

    def register(token, server):
        return lambda session: _call(
            session,
            server,
            "POST",
            f"/sessions/{session_id}/registrations",
            token=token,
            status=201,
        )

    registrations = _all_at_once(
        [register(token, servers[n % 2]) for n, token in enumerate(tokens)]
    )
    statuses = [r["status"] for r in registrations]
    assert statuses.count("confirmed") == CAPACITY
    assert statuses.count("waitlisted") == PEOPLE - CAPACITY
    seats = _call(http, a, "GET", f"/sessions/{session_id}")
    assert (seats["confirmed"], seats["waitlisted"], seats["seats_left"]) == (
        CAPACITY,
        PEOPLE - CAPACITY,
        0,
    )
    listed = _call(
        http, b, "GET", f"/sessions/{session_id}/registrations?limit=100", token=operator_token
    )["items"]
    assert sorted(r["status"] for r in listed) == sorted(statuses)
    queue = sorted(
        (r for r in listed if r["status"] == "waitlisted"), key=lambda r: r["waitlist_position"]
    )
    assert [r["waitlist_position"] for r in queue] == list(range(1, PEOPLE - CAPACITY + 1))

    # The five confirmed cancel at the same moment: the first five waiting get the places.
    confirmed = [
        (registration, tokens[n])
        for n, registration in enumerate(registrations)
        if registration["status"] == "confirmed"
    ]

    def cancel(registration, token, server):
        return lambda session: (
            _call(
                session,
                server,
                "DELETE",
                f"/registrations/{registration['id']}",
                token=token,
                status=204,
            )
            or True
        )

    _all_at_once([cancel(r, t, servers[n % 2]) for n, (r, t) in enumerate(confirmed)])
    after = _call(
        http, a, "GET", f"/sessions/{session_id}/registrations?limit=100", token=operator_token
    )["items"]
    now_confirmed = {r["id"] for r in after if r["status"] == "confirmed"}
    assert now_confirmed == {r["id"] for r in queue[:CAPACITY]}
    seats = _call(http, b, "GET", f"/sessions/{session_id}")
    assert (seats["confirmed"], seats["waitlisted"]) == (CAPACITY, PEOPLE - 2 * CAPACITY)
    http.close()
