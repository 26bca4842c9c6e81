"""The same step twice at once happens once, through a real production server.

A phone on a weak connection retries, a person taps "completato" twice: several requests to
complete the same exchange (or the same time-bank service request), to propose the same
exchange, to review it, or (staff) to reverse the same transfer reach the server at the same
moment. Exactly one may succeed; the others must get 409 and change nothing (never a 500).
The database is PostgreSQL in the PostgreSQL run (the row lock is what keeps it right) and a
SQLite file otherwise (``BEGIN IMMEDIATE``), migrated and seeded with the demo data by the
real CLI, served by ``make run``'s gunicorn.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import _postgres_database
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

API = "/api/v1"
DEMO_PASSWORD = "quartieri-demo-2026"
# The one who pays is the demo tenant: a resident who is not a tenant may not go below zero.
HELPER = "residente@demo.quartiericonnessi.it"
HELPED = "inquilina@demo.quartiericonnessi.it"
OPERATOR = "operatore@demo.quartiericonnessi.it"
STAFF = "staff@demo.quartiericonnessi.it"
TAPS = 8
TIMEOUT = 30
ALWAYS_OPEN = {
    day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


def _backend_params():
    """The run's database: PostgreSQL in the PostgreSQL run, a SQLite file otherwise."""
    if os.environ.get("QC_TEST_DATABASE_URL"):
        return [pytest.param("postgresql", marks=pytest.mark.postgres)]
    return ["sqlite"]


@dataclass
class LiveApi:
    server: Server

    def call(self, method, path, *, token, status=200, http=None, **kwargs):
        response = (http or requests).request(
            method,
            f"{self.server.url}{API}{path}",
            headers={"Authorization": f"Bearer {token}"} if token else {},
            timeout=TIMEOUT,
            **kwargs,
        )
        if status is not None:
            assert response.status_code == status, f"{method} {path}: {response.text}"
        return response

    def token(self, email: str) -> str:
        body = {"email": email, "password": DEMO_PASSWORD, "name": "concurrency test"}
        return self.call("POST", "/auth/tokens", token=None, json=body, status=201).json()["token"]

    def balance(self, token: str) -> int:
        return self.call("GET", "/timebank/accounts/me", token=token).json()["balance_minutes"]

    def entries(self, token: str) -> list[dict]:
        account = self.call("GET", "/timebank/accounts/me", token=token).json()["id"]
        path = f"/timebank/accounts/{account}/entries?limit=100"
        return self.call("GET", path, token=token).json()["items"]

    def all_at_once(self, path: str, token: str, json=None) -> list[requests.Response]:
        """``TAPS`` POSTs of ``path`` (with the same ``json`` body) released together."""
        barrier = threading.Barrier(TAPS)
        responses: list = [None] * TAPS

        def tap(index: int) -> None:
            with requests.Session() as http:
                barrier.wait(timeout=TIMEOUT)
                responses[index] = self.call(
                    "POST", path, token=token, status=None, http=http, json=json
                )

        threads = [threading.Thread(target=tap, args=(i,)) for i in range(TAPS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TIMEOUT * 2)
        assert not any(thread.is_alive() for thread in threads), "a request hung"
        return responses


@pytest.fixture(scope="module", params=_backend_params())
def live(request) -> Iterator[LiveApi]:
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(
            tempfile.TemporaryDirectory(prefix="qc-double-tap-", ignore_cleanup_errors=True)
        )
        if request.param == "postgresql":
            database_url = stack.enter_context(contextlib.contextmanager(_postgres_database)())
        else:
            database_url = f"sqlite:///{tmp}/double-tap.sqlite3"
        env = app_env(
            QC_DATABASE_URL=database_url,
            QC_SECRET_KEY=secrets.token_urlsafe(48),
            QC_RATELIMIT_ENABLED="0",
            QC_ARGON2_TIME_COST="1",
            QC_ARGON2_MEMORY_COST="8",
            QC_FRONTEND_DIST=tmp,  # only the API is needed
        )
        prepare_database(env)
        running: list[Server] = []
        stack.callback(stop_servers, running)
        try:
            running.append(start_server("double-tap", env, Path(tmp)))
            wait_until_healthy(running[0])
        except BaseException:
            print_logs(running)
            raise
        yield LiveApi(running[0])
        stop_servers(running)
        if running[0].problems():
            print_logs(running)
            pytest.fail(f"the server logged errors: {running[0].problems()}")


def _statuses(responses: list[requests.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


def _offer(live, helper: str) -> dict:
    category = live.call("GET", "/marketplace/categories", token=None).json()["items"][0]["code"]
    return live.call(
        "POST",
        "/marketplace/listings",
        token=helper,
        status=201,
        json={
            "kind": "offer",
            "title": "Aiuto con la spesa",
            "description": "Porto la spesa a casa a chi fa fatica con le scale.",
            "category": category,
            "minutes_estimate": 45,
        },
    ).json()


def _accepted_exchange(live, helper: str, helped: str, minutes: int) -> dict:
    """``helped`` asked for ``helper``'s offer, and ``helper`` accepted."""
    listing = _offer(live, helper)
    exchange = live.call(
        "POST",
        "/marketplace/exchanges",
        token=helped,
        status=201,
        json={"listing_id": listing["id"], "minutes": minutes, "message": "Sabato mattina?"},
    ).json()
    live.call("POST", f"/marketplace/exchanges/{exchange['id']}/accept", token=helper)
    return exchange


def test_completing_an_exchange_twice_at_once_pays_once(live):
    helper, helped = live.token(HELPER), live.token(HELPED)
    exchange = _accepted_exchange(live, helper, helped, 45)
    before = live.balance(helper), live.balance(helped)

    responses = live.all_at_once(f"/marketplace/exchanges/{exchange['id']}/complete", helped)

    assert _statuses(responses) == [200] + [409] * (TAPS - 1), [r.text for r in responses]
    assert live.balance(helper) == before[0] + 45
    assert live.balance(helped) == before[1] - 45
    paid = [e for e in live.entries(helped) if e["minutes"] == -45]
    assert len(paid) == 1
    done = live.call("GET", f"/marketplace/exchanges/{exchange['id']}", token=helped).json()
    assert done["status"] == "completed"


def test_completing_a_service_request_twice_at_once_pays_once(live):
    operator, helped = live.token(OPERATOR), live.token(HELPED)
    organisations = live.call("GET", "/organisations?limit=100", token=None).json()["items"]
    organisation = next(o["id"] for o in organisations if o["slug"] == "ente-boccioni")
    service = live.call(
        "POST",
        "/catalogue/services",
        token=operator,
        status=201,
        json={
            "organisation_id": organisation,
            "title": "Riparazioni in casa",
            "description": "Piccole riparazioni: rubinetti, mensole, tapparelle.",
            "category": "repairs",
            "price_model": "timebank",
            "minutes": 30,
            "languages": ["it"],
            "availability": ALWAYS_OPEN,
            "closed_on_holidays": False,
        },
    ).json()
    request = live.call(
        "POST",
        f"/catalogue/services/{service['id']}/requests",
        token=helped,
        status=201,
        json={"message": "Il rubinetto della cucina perde."},
    ).json()
    live.call("POST", f"/catalogue/requests/{request['id']}/accept", token=operator, json={})
    before = live.balance(helped)

    responses = live.all_at_once(f"/catalogue/requests/{request['id']}/complete", helped)

    assert _statuses(responses) == [200] + [409] * (TAPS - 1), [r.text for r in responses]
    assert live.balance(helped) == before - 30
    assert len([e for e in live.entries(helped) if e["minutes"] == -30]) == 1
    done = live.call("GET", f"/catalogue/requests/{request['id']}", token=helped).json()
    assert done["status"] == "completed"


def test_proposing_the_same_exchange_twice_at_once_makes_one(live):
    helper, helped = live.token(HELPER), live.token(HELPED)
    listing = _offer(live, helper)
    body = {"listing_id": listing["id"], "minutes": 45, "message": "Domenica?"}

    responses = live.all_at_once("/marketplace/exchanges", helped, json=body)

    assert _statuses(responses) == [201] + [409] * (TAPS - 1), [r.text for r in responses]
    mine = live.call("GET", "/marketplace/exchanges?limit=100", token=helped).json()["items"]
    assert len([x for x in mine if x["listing"]["id"] == listing["id"]]) == 1


def test_reviewing_twice_at_once_writes_one_review(live):
    helper, helped = live.token(HELPER), live.token(HELPED)
    exchange = _accepted_exchange(live, helper, helped, 15)
    live.call("POST", f"/marketplace/exchanges/{exchange['id']}/complete", token=helped)

    responses = live.all_at_once(
        f"/marketplace/exchanges/{exchange['id']}/review",
        helped,
        json={"rating": 5, "comment": "Gentilissima."},
    )

    assert _statuses(responses) == [201] + [409] * (TAPS - 1), [r.text for r in responses]
    done = live.call("GET", f"/marketplace/exchanges/{exchange['id']}", token=helped).json()
    assert len(done["reviews"]) == 1


def test_reversing_a_transfer_twice_at_once_reverses_it_once(live):
    staff, helper, helped = live.token(STAFF), live.token(HELPER), live.token(HELPED)
    helper_account = live.call("GET", "/timebank/accounts/me", token=helper).json()["id"]
    transfer = live.call(
        "POST",
        "/timebank/transfers",
        token=helped,
        status=201,
        json={"to_account_id": helper_account, "minutes": 20, "memo": "Grazie per la spesa"},
    ).json()
    before = live.balance(helper), live.balance(helped)

    responses = live.all_at_once(
        f"/timebank/transfers/{transfer['id']}/reversal",
        staff,
        json={"reason": "Registrato due volte per errore."},
    )

    assert _statuses(responses) == [201] + [409] * (TAPS - 1), [r.text for r in responses]
    assert live.balance(helper) == before[0] - 20
    assert live.balance(helped) == before[1] + 20
    audit = live.call("GET", "/timebank/audit", token=staff).json()
    assert audit["sum_minutes"] == 0 and audit["entries_sum_minutes"] == 0, audit
    assert audit["mismatches"] == [] and audit["unbalanced_transfers"] == [], audit
