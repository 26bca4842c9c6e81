"""The ledger under concurrent load, through the HTTP API of a running production server.

One gunicorn process with ``make run``'s flags (bench/serverctl.py starts it, as for the
other real-server tests) in production mode, on the database of this run: a fresh
PostgreSQL database with ``QC_TEST_DATABASE_URL`` (8 client threads; its server is
unreachable → skipped, or a failure with ``QC_REQUIRE_POSTGRES=1``), else a SQLite file
(4 client threads). The database is migrated by the real CLI, the staff
account made by ``qc create-admin``, the residents register over the API.

Five accounts pay each other at once; one of them, the hot account, sits close to its
floor and is in most transfers, so refusals and successes race on the same rows. Then no
answer may be a 5xx, the audit and direct SQL must find every invariant intact, and every
201 must be in the ledger exactly once. Two threads sending the same Idempotency-Key at the
same moment must pay once and get the same answer.

The residents are verified tenants (a person's account may go below zero only then): each
asks for the tenancy of a complex the admin adds, and the admin approves it, over the API.
"""

from __future__ import annotations

import contextlib
import os
import random
import secrets
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from qc_platform.config import normalise_database_url
from tests.conftest import _postgres_database
from tests.notifications.live_servers import (
    Server,
    app_env,
    flask_cli,
    print_logs,
    start_server,
    stop_servers,
    wait_until_healthy,
)

API = "/api/v1"
HTTP_TIMEOUT = 30.0
ACCOUNTS = 5
TRANSFERS_PER_THREAD = 100
HOT_FLOOR = -60  # the hot account starts this close to its floor
HOT_SHARE = 0.6  # how often the hot account pays or is paid
HOT_PAYS = 0.7  # when it is, how often it pays: it drifts down and stays at its floor
REPLAY_ROUNDS = 20
ADMIN_EMAIL = "admin-concurrency@example.org"
PASSWORD = "una-password-lunga-per-i-test"


def _backend_params():
    """The run's database: PostgreSQL in the PostgreSQL run, a SQLite file otherwise."""
    if os.environ.get("QC_TEST_DATABASE_URL"):
        return [pytest.param("postgresql", marks=pytest.mark.postgres)]
    return ["sqlite"]


pytestmark = [pytest.mark.slow, pytest.mark.no_db]


@dataclass
class Member:
    email: str
    token: str
    account_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class LiveLedger:
    backend: str
    server: Server
    database_url: str
    http: requests.Session
    admin: Member | None = None
    members: list[Member] = field(default_factory=list)

    @property
    def threads(self) -> int:
        return 8 if self.backend == "postgresql" else 4

    def api(self, method: str, path: str, *, who: Member | None = None, status=200, **kw):
        response = self.http.request(
            method,
            f"{self.server.url}{API}{path}",
            headers=who.headers if who else {},
            timeout=HTTP_TIMEOUT,
            **kw,
        )
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    def token(self, email: str, password: str) -> str:
        body = {"email": email, "password": password, "name": "concurrency test"}
        return self.api("POST", "/auth/tokens", json=body, status=201)["token"]

    def sql(self, statement: str, **params) -> list:
        """Rows of one statement run straight on the server's database."""
        engine = create_engine(normalise_database_url(self.database_url))
        try:
            with engine.connect() as connection:
                return list(connection.execute(text(statement), params))
        finally:
            engine.dispose()


@pytest.fixture(scope="module", params=_backend_params())
def ledger(request) -> Iterator[LiveLedger]:
    with contextlib.ExitStack() as stack:
        tmp = Path(
            stack.enter_context(
                tempfile.TemporaryDirectory(prefix="qc-timebank-", ignore_cleanup_errors=True)
            )
        )
        if request.param == "postgresql":
            # Dropped (WITH FORCE) when the stack unwinds, after the server has stopped.
            database_url = stack.enter_context(contextlib.contextmanager(_postgres_database)())
        else:
            database_url = "sqlite:///" + str(tmp / "timebank.sqlite3")
        env = app_env(
            QC_ENV="production",
            QC_DATABASE_URL=database_url,
            QC_SECRET_KEY=secrets.token_urlsafe(48),
            QC_RATELIMIT_ENABLED="0",
            QC_ARGON2_TIME_COST="1",
            QC_ARGON2_MEMORY_COST="8",
            QC_FRONTEND_DIST=str(tmp),  # only the API is needed
        )
        # What a deployment does: migrate and make an admin (the reference data of
        # `qc seed` plays no part in the time bank; each CLI start costs seconds).
        flask_cli(env, "db", "upgrade")
        flask_cli(env, "qc", "create-admin", "--email", ADMIN_EMAIL, "--password", PASSWORD)

        servers: list[Server] = []
        stack.callback(stop_servers, servers)
        http = stack.enter_context(requests.Session())
        try:
            servers.append(start_server("timebank", env, tmp))
            wait_until_healthy(servers[0])
            live = LiveLedger(request.param, servers[0], database_url, http)
            live.admin = Member(ADMIN_EMAIL, live.token(ADMIN_EMAIL, PASSWORD), 0)
            complex_id = live.api(
                "POST",
                "/complexes",
                who=live.admin,
                json={"code": "complesso-carico", "name": "Complesso", "address": "Via Carico 1"},
                status=201,
            )["id"]
            for n in range(ACCOUNTS):
                email = f"socio-{n}-{secrets.token_hex(3)}@example.org"
                live.api(
                    "POST",
                    "/auth/register",
                    json={"email": email, "password": PASSWORD, "display_name": f"Socio {n}"},
                    status=201,
                )
                member = Member(email, live.token(email, PASSWORD), 0)
                verification = live.api(
                    "POST",
                    "/tenancy-verifications",
                    who=member,
                    json={"complex_id": complex_id, "tenancy_code": f"MI-{n:06d}"},
                    status=201,
                )
                live.api(
                    "POST",
                    f"/tenancy-verifications/{verification['id']}/approve",
                    who=live.admin,
                    json={},
                )
                member.account_id = live.api("GET", "/timebank/accounts/me", who=member)["id"]
                live.members.append(member)
        except BaseException:
            print_logs(servers)
            raise
        yield live

        http.close()  # no idle keep-alive connection to hold up the graceful stop
        stop_servers(servers)
        problems = servers[0].problems()
        if problems:
            print_logs(servers)
            pytest.fail(f"the server logged errors: {problems}")


@contextlib.contextmanager
def logs_on_failure(ledger: LiveLedger) -> Iterator[None]:
    try:
        yield
    except BaseException:
        print_logs([ledger.server])
        raise


def run_threads(count: int, work) -> list:
    """Run ``work(index)`` in ``count`` threads released together; their results in order."""
    start = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def main(index: int) -> None:
        try:
            start.wait(timeout=HTTP_TIMEOUT)
            results[index] = work(index)
        except BaseException as error:  # reported by the test's thread
            errors.append(error)

    threads = [threading.Thread(target=main, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a client thread hung"
    if errors:
        raise errors[0]
    return results


@dataclass
class Attempt:
    payer: int  # index into ledger.members
    payee: int
    minutes: int
    status: int
    body: dict


def transfer_load(ledger: LiveLedger, index: int) -> list[Attempt]:
    """One client thread: TRANSFERS_PER_THREAD transfers among the members, hot one first."""
    rng = random.Random(f"timebank-{index}")  # noqa: S311 - a reproducible workload
    attempts: list[Attempt] = []
    with requests.Session() as http:
        for _ in range(TRANSFERS_PER_THREAD):
            others = list(range(1, ACCOUNTS))
            if rng.random() < HOT_SHARE:
                pair = (
                    (0, rng.choice(others)) if rng.random() < HOT_PAYS else (rng.choice(others), 0)
                )
            else:
                pair = tuple(rng.sample(others, 2))
            payer, payee = pair
            minutes = rng.randint(1, 90)
            response = http.post(
                f"{ledger.server.url}{API}/timebank/transfers",
                json={"to_account_id": ledger.members[payee].account_id, "minutes": minutes},
                headers=ledger.members[payer].headers,
                timeout=HTTP_TIMEOUT,
            )
            attempts.append(Attempt(payer, payee, minutes, response.status_code, response.json()))
    return attempts


def balances_and_floors(ledger: LiveLedger) -> dict[int, tuple[int, int]]:
    return {
        row.id: (row.balance_minutes, row.floor_minutes)
        for row in ledger.sql("SELECT id, balance_minutes, floor_minutes FROM timebank_accounts")
    }


def test_concurrent_transfers_keep_the_ledger_sound(ledger):
    with logs_on_failure(ledger):
        members = ledger.members
        hot = members[0]
        ledger.api(
            "PATCH",
            f"/timebank/accounts/{hot.account_id}",
            who=ledger.admin,
            json={"floor_minutes": HOT_FLOOR},
        )
        initial = {m.account_id: ledger.api("GET", "/timebank/accounts/me", who=m) for m in members}
        [(first_new_id,)] = ledger.sql("SELECT COALESCE(MAX(id), 0) + 1 FROM timebank_transfers")

        attempts = [
            a
            for batch in run_threads(ledger.threads, lambda i: transfer_load(ledger, i))
            for a in batch
        ]

        statuses = Counter(a.status for a in attempts)
        assert len(attempts) == ledger.threads * TRANSFERS_PER_THREAD
        assert set(statuses) <= {201, 409}, f"unexpected answers: {statuses}"
        # The load did what it is for: many payments went through, the hot one hit its floor.
        assert statuses[201] > len(attempts) // 4, statuses
        refused = [a for a in attempts if a.status == 409]
        assert any(a.payer == 0 for a in refused), statuses
        for attempt in refused:
            assert attempt.body["code"] == 409 and attempt.body["message"]

        accepted = [a for a in attempts if a.status == 201]
        expected = {m.account_id: initial[m.account_id]["balance_minutes"] for m in members}
        for a in accepted:
            assert a.body["from_account_id"] == members[a.payer].account_id
            assert a.body["to_account_id"] == members[a.payee].account_id
            assert a.body["minutes"] == a.minutes
            expected[members[a.payer].account_id] -= a.minutes
            expected[members[a.payee].account_id] += a.minutes

        # The audit, as staff see it.
        audit = ledger.api("GET", "/timebank/audit", who=ledger.admin)
        assert audit["sum_minutes"] == 0 and audit["entries_sum_minutes"] == 0
        assert audit["mismatches"] == [] and audit["unbalanced_transfers"] == []
        assert audit["below_floor"] == []

        # Every 201 exactly once, straight from the database.
        stored = {
            row.id: (row.from_account_id, row.to_account_id, row.minutes)
            for row in ledger.sql(
                "SELECT id, from_account_id, to_account_id, minutes FROM timebank_transfers"
                " WHERE id >= :first",
                first=first_new_id,
            )
        }
        answered = {
            a.body["id"]: (a.body["from_account_id"], a.body["to_account_id"], a.minutes)
            for a in accepted
        }
        assert len(answered) == len(accepted), "two 201s named the same transfer"
        assert stored == answered
        entries = Counter()
        for row in ledger.sql(
            "SELECT e.transfer_id, e.account_id, e.minutes, t.from_account_id, t.to_account_id,"
            " t.minutes AS amount FROM timebank_entries e"
            " JOIN timebank_transfers t ON t.id = e.transfer_id WHERE t.id >= :first",
            first=first_new_id,
        ):
            side = -row.amount if row.account_id == row.from_account_id else row.amount
            assert row.account_id in (row.from_account_id, row.to_account_id)
            assert row.minutes == side
            entries[row.transfer_id] += 1
        assert entries == Counter({transfer_id: 2 for transfer_id in answered})

        accounts = balances_and_floors(ledger)
        entry_sums = dict(
            ledger.sql("SELECT account_id, SUM(minutes) FROM timebank_entries GROUP BY account_id")
        )
        for account_id, (balance, floor) in accounts.items():
            assert balance == int(entry_sums.get(account_id, 0)), account_id
            assert balance >= floor, account_id
        assert sum(balance for balance, _ in accounts.values()) == 0
        assert {m.account_id: accounts[m.account_id][0] for m in members} == expected
        assert accounts[hot.account_id][1] == HOT_FLOOR
        for m in members:
            me = ledger.api("GET", "/timebank/accounts/me", who=m)
            assert me["balance_minutes"] == expected[m.account_id]
        print(
            f"{ledger.backend}: {len(attempts)} transfers from {ledger.threads} threads:"
            f" {statuses[201]} accepted, {statuses[409]} refused at the floor;"
            f" hot account ends at {expected[hot.account_id]} (floor {HOT_FLOOR})"
        )


def test_one_key_sent_twice_at_once_pays_once(ledger):
    with logs_on_failure(ledger):
        payer, payee = ledger.members[1], ledger.members[2]
        before = {
            m.account_id: ledger.api("GET", "/timebank/accounts/me", who=m) for m in (payer, payee)
        }
        # The key is also the memo (to find the rows): letters only, as a run of digits
        # would read as a phone number, which a memo may not hold.
        letters = str.maketrans("0123456789", "ghijklmnop")
        keys = [f"doppio-{uuid.uuid4().hex.translate(letters)}" for _ in range(REPLAY_ROUNDS)]

        def send(key: str):
            def work(_: int):
                with requests.Session() as http:
                    response = http.post(
                        f"{ledger.server.url}{API}/timebank/transfers",
                        json={"to_account_id": payee.account_id, "minutes": 3, "memo": key},
                        headers={**payer.headers, "Idempotency-Key": key},
                        timeout=HTTP_TIMEOUT,
                    )
                    return (
                        response.status_code,
                        response.headers.get("Idempotent-Replayed"),
                        response.json(),
                    )

            return run_threads(2, work)

        for key in keys:
            (status_a, replayed_a, body_a), (status_b, replayed_b, body_b) = send(key)
            assert (status_a, status_b) == (201, 201), (body_a, body_b)
            assert body_a == body_b
            assert sorted([replayed_a, replayed_b], key=str) == [None, "true"], (
                replayed_a,
                replayed_b,
            )
            rows = ledger.sql(
                "SELECT id, minutes FROM timebank_transfers WHERE memo = :key", key=key
            )
            assert [tuple(row) for row in rows] == [(body_a["id"], 3)]

        after = {
            m.account_id: ledger.api("GET", "/timebank/accounts/me", who=m) for m in (payer, payee)
        }
        paid = 3 * REPLAY_ROUNDS
        assert (
            after[payer.account_id]["balance_minutes"]
            == before[payer.account_id]["balance_minutes"] - paid
        )
        assert (
            after[payee.account_id]["balance_minutes"]
            == before[payee.account_id]["balance_minutes"] + paid
        )
        audit = ledger.api("GET", "/timebank/audit", who=ledger.admin)
        assert audit["sum_minutes"] == 0 and audit["mismatches"] == []
