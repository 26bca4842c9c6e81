"""The time-bank HTTP API: who sees and pays from which account, and what each answer says."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from qc_platform.core.audit import AuditEntry
from qc_platform.extensions import db
from qc_platform.timebank import service
from qc_platform.timebank.models import CREDIT_FLOOR_MINUTES, Transfer
from tests.accounts.factories import UserFactory, bearer, user_with_roles
from tests.places.factories import OrganisationFactory
from tests.timebank.helpers import (
    API,
    account_of,
    assert_error,
    count,
    ledger_rows,
    stored_balance,
    tenancy,
)

TRANSFER_FIELDS = {
    "id",
    "from_account_id",
    "to_account_id",
    "minutes",
    "memo",
    "kind",
    "reverses_id",
    "reason",
    "created_at",
}
ACCOUNT_FIELDS = {
    "id",
    "owner_type",
    "owner_name",
    "user_id",
    "organisation_id",
    "balance_minutes",
    "floor_minutes",
    "available_minutes",
}


@dataclass
class Person:
    user: object
    account_id: int
    headers: dict[str, str]


def person(*grants) -> Person:
    user = user_with_roles(*grants)
    return Person(user, account_of(user).id, bearer(user))


@pytest.fixture
def alice() -> Person:
    """A verified tenant: may go below zero, down to the credit floor."""
    return person(tenancy())


@pytest.fixture
def bruno() -> Person:
    return person(tenancy())


@pytest.fixture
def staff() -> Person:
    return person(("staff", None, None))


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def operator(organisation) -> Person:
    return person(("operator", "organisation", organisation.id))


def org_account_id(organisation) -> int:
    return service.account_of_organisation(organisation.id).id


def post_transfer(client, who: Person, body: dict, **headers):
    return client.post(f"{API}/timebank/transfers", json=body, headers={**who.headers, **headers})


def pay(client, who: Person, to: int, minutes: int, **extra) -> dict:
    response = post_transfer(client, who, {"to_account_id": to, "minutes": minutes, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# --- accounts ----------------------------------------------------------------------------------


def test_my_account_shows_balance_floor_and_what_i_can_give(client, alice, bruno):
    pay(client, alice, bruno.account_id, 75)
    response = client.get(f"{API}/timebank/accounts/me", headers=alice.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == ACCOUNT_FIELDS
    assert body == {
        "id": alice.account_id,
        "owner_type": "user",
        "owner_name": alice.user.display_name,
        "user_id": alice.user.id,
        "organisation_id": None,
        "balance_minutes": -75,
        "floor_minutes": CREDIT_FLOOR_MINUTES,
        "available_minutes": 600 - 75,
    }


def test_the_time_bank_needs_a_signed_in_user(client, alice):
    assert_error(client.get(f"{API}/timebank/accounts/me"), 401)
    response = client.post(
        f"{API}/timebank/transfers", json={"to_account_id": alice.account_id, "minutes": 5}
    )
    assert_error(response, 401)
    assert ledger_rows() == (0, 0)


def test_another_persons_account_is_not_found(client, alice, bruno):
    own = client.get(f"{API}/timebank/accounts/{alice.account_id}", headers=alice.headers)
    assert own.status_code == 200
    assert_error(
        client.get(f"{API}/timebank/accounts/{bruno.account_id}", headers=alice.headers), 404
    )
    assert_error(
        client.get(f"{API}/timebank/accounts/{bruno.account_id}/entries", headers=alice.headers),
        404,
    )
    assert_error(client.get(f"{API}/timebank/accounts/999999", headers=alice.headers), 404)


def test_staff_see_any_account(client, alice, staff):
    response = client.get(f"{API}/timebank/accounts/{alice.account_id}", headers=staff.headers)
    assert response.status_code == 200
    assert response.get_json()["user_id"] == alice.user.id


def test_operators_see_their_organisations_account_and_list_it(
    client, operator, organisation, alice
):
    org_id = org_account_id(organisation)
    response = client.get(f"{API}/timebank/accounts/{org_id}", headers=operator.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["owner_type"], body["owner_name"]) == ("organisation", organisation.name)
    assert body["organisation_id"] == organisation.id and body["user_id"] is None

    listed = client.get(f"{API}/timebank/accounts", headers=operator.headers).get_json()
    assert {a["id"] for a in listed["items"]} == {operator.account_id, org_id}
    assert_error(client.get(f"{API}/timebank/accounts/{org_id}", headers=alice.headers), 404)


def test_the_account_list_shows_only_mine_unless_staff_ask_for_all(client, alice, bruno, staff):
    mine = client.get(f"{API}/timebank/accounts?all=true", headers=alice.headers).get_json()
    assert [a["id"] for a in mine["items"]] == [alice.account_id]

    seen: set[int] = set()
    cursor = None
    while True:
        query = "all=true&limit=100" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"{API}/timebank/accounts?{query}", headers=staff.headers).get_json()
        seen |= {a["id"] for a in page["items"]}
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert {alice.account_id, bruno.account_id, staff.account_id} <= seen


# --- transfers ---------------------------------------------------------------------------------


def test_a_transfer_answers_201_and_moves_both_balances(client, alice, bruno):
    response = post_transfer(
        client, alice, {"to_account_id": bruno.account_id, "minutes": 90, "memo": "Spesa"}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == TRANSFER_FIELDS
    assert body["from_account_id"] == alice.account_id
    assert body["to_account_id"] == bruno.account_id
    assert (body["minutes"], body["memo"], body["kind"]) == (90, "Spesa", "transfer")
    assert body["reverses_id"] is None and body["reason"] is None
    assert db.session.get(Transfer, body["id"]).created_by_id == alice.user.id
    assert (stored_balance(alice.account_id), stored_balance(bruno.account_id)) == (-90, 90)
    me = client.get(f"{API}/timebank/accounts/me", headers=bruno.headers).get_json()
    assert me["balance_minutes"] == 90


def test_an_overdraft_is_409_and_writes_nothing(client, alice, bruno):
    pay(client, alice, bruno.account_id, 550)
    before = ledger_rows()
    response = post_transfer(client, alice, {"to_account_id": bruno.account_id, "minutes": 51})
    body = assert_error(response, 409)
    assert "50" in body["message"]  # what can still be given
    assert ledger_rows() == before
    assert stored_balance(alice.account_id) == -550


def test_paying_yourself_is_422(client, alice):
    response = post_transfer(client, alice, {"to_account_id": alice.account_id, "minutes": 10})
    assert_error(response, 422)
    assert ledger_rows() == (0, 0)


def test_paying_an_account_that_does_not_exist_is_422(client, alice):
    response = post_transfer(client, alice, {"to_account_id": 999999, "minutes": 10})
    assert_error(response, 422)
    assert ledger_rows() == (0, 0)


def test_paying_from_another_persons_account_is_404(client, alice, bruno):
    body = {"from_account_id": bruno.account_id, "to_account_id": alice.account_id, "minutes": 10}
    assert_error(post_transfer(client, alice, body), 404)
    assert ledger_rows() == (0, 0)
    assert stored_balance(bruno.account_id) == 0


def test_operators_pay_from_their_organisations_account(client, operator, organisation, alice):
    org_id = org_account_id(organisation)
    body = pay(client, operator, alice.account_id, 120, from_account_id=org_id)
    assert body["from_account_id"] == org_id
    assert stored_balance(org_id) == -120
    assert stored_balance(operator.account_id) == 0
    assert stored_balance(alice.account_id) == 120


def test_nobody_else_pays_from_an_organisations_account(client, organisation, alice, staff):
    org_id = org_account_id(organisation)
    other_operator = person(("operator", "organisation", OrganisationFactory().id))
    body = {"from_account_id": org_id, "to_account_id": alice.account_id, "minutes": 10}
    assert_error(post_transfer(client, alice, body), 404)
    assert_error(post_transfer(client, other_operator, body), 404)
    # Staff see every account but pay only from their own.
    assert_error(post_transfer(client, staff, body), 403)
    assert ledger_rows() == (0, 0)


@pytest.mark.parametrize(
    "body",
    [
        {"minutes": 0},
        {"minutes": -30},
        {"minutes": 24 * 60 + 1},
        {"minutes": 10**30},
        {"minutes": 1.5},
        {"minutes": "60"},
        {"minutes": True},
        {"minutes": None},
        {"minutes": [60]},
        {"minutes": 60, "to_account_id": None},
        {"minutes": 60, "to_account_id": 0},
        {"minutes": 60, "to_account_id": 10**30},
        {"minutes": 60, "to_account_id": "due"},
        {"minutes": 60, "from_account_id": 10**30},
        {"minutes": 60, "from_account_id": -1},
        {"minutes": 60, "memo": "x" * 201},
        {"minutes": 60, "memo": None},
        {"minutes": 60, "memo": "nul\x00"},
        {"minutes": 60, "unexpected": 1},
    ],
    ids=repr,
)
def test_invalid_bodies_are_422_never_500(client, alice, bruno, body):
    body = {"to_account_id": bruno.account_id, **body}
    response = post_transfer(client, alice, body)
    errors = assert_error(response, 422).get("errors")
    assert errors, "a 422 says which field is wrong"
    assert ledger_rows() == (0, 0)


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"", 422),
        (b"[1, 2]", 422),
        (b'"text"', 422),
        (b"null", 422),
        # Not JSON at all: the platform's 400, in the same error shape.
        (b"not json", 400),
        (b'{"minutes": 60', 400),
    ],
    ids=repr,
)
def test_bodies_that_are_not_a_json_object_are_refused_in_the_error_shape(
    client, alice, raw, status
):
    response = client.post(
        f"{API}/timebank/transfers",
        data=raw,
        content_type="application/json",
        headers=alice.headers,
    )
    assert_error(response, status)
    assert ledger_rows() == (0, 0)


def test_a_transfer_is_visible_to_both_sides_and_staff_only(client, alice, bruno, staff):
    transfer = pay(client, alice, bruno.account_id, 15)
    for who in (alice, bruno, staff):
        response = client.get(f"{API}/timebank/transfers/{transfer['id']}", headers=who.headers)
        assert response.status_code == 200
        assert response.get_json() == transfer
    outsider = person()
    assert_error(
        client.get(f"{API}/timebank/transfers/{transfer['id']}", headers=outsider.headers), 404
    )
    assert_error(client.get(f"{API}/timebank/transfers/999999", headers=alice.headers), 404)


# --- ledger lines ------------------------------------------------------------------------------


def test_entries_are_newest_first_with_the_counterpartys_name(client, alice, bruno, organisation):
    operator = person(("operator", "organisation", organisation.id))
    first = pay(client, alice, bruno.account_id, 10, memo="uno")
    second = pay(client, bruno, alice.account_id, 20, memo="due")
    third = pay(
        client,
        operator,
        alice.account_id,
        30,
        memo="tre",
        from_account_id=org_account_id(organisation),
    )

    response = client.get(
        f"{API}/timebank/accounts/{alice.account_id}/entries", headers=alice.headers
    )
    assert response.status_code == 200
    page = response.get_json()
    assert page["next_cursor"] is None
    assert [
        (e["transfer_id"], e["minutes"], e["memo"], e["counterparty"]["name"])
        for e in page["items"]
    ] == [
        (third["id"], 30, "tre", organisation.name),
        (second["id"], 20, "due", bruno.user.display_name),
        (first["id"], -10, "uno", bruno.user.display_name),
    ]
    assert page["items"][2]["counterparty"]["account_id"] == bruno.account_id
    assert set(page["items"][0]) == {
        "id",
        "transfer_id",
        "minutes",
        "memo",
        "kind",
        "counterparty",
        "created_at",
    }
    assert {e["kind"] for e in page["items"]} == {"transfer"}


def test_entries_are_paginated_without_gaps_or_repeats(client, alice, bruno):
    transfers = [pay(client, alice, bruno.account_id, minutes)["id"] for minutes in range(1, 6)]
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        url = f"{API}/timebank/accounts/{bruno.account_id}/entries?limit=2"
        page = client.get(url + (f"&cursor={cursor}" if cursor else ""), headers=bruno.headers)
        assert page.status_code == 200
        body = page.get_json()
        assert len(body["items"]) <= 2
        seen += [e["transfer_id"] for e in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == transfers[::-1]
    assert pages == 3
    bad = client.get(
        f"{API}/timebank/accounts/{bruno.account_id}/entries?cursor=garbage", headers=bruno.headers
    )
    assert_error(bad, 422)


# --- Idempotency-Key ---------------------------------------------------------------------------


def test_a_replayed_key_returns_the_first_result_and_pays_once(client, alice, bruno):
    body = {"to_account_id": bruno.account_id, "minutes": 40, "memo": "Trasloco"}
    first = post_transfer(client, alice, body, **{"Idempotency-Key": "trasloco-1"})
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers

    again = post_transfer(client, alice, body, **{"Idempotency-Key": "trasloco-1"})
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert count(Transfer) == 1
    assert stored_balance(alice.account_id) == -40


def test_a_key_reused_for_a_different_request_is_409(client, alice, bruno):
    key = {"Idempotency-Key": "k-1"}
    first = post_transfer(client, alice, {"to_account_id": bruno.account_id, "minutes": 5}, **key)
    assert first.status_code == 201
    response = post_transfer(
        client, alice, {"to_account_id": bruno.account_id, "minutes": 6}, **key
    )
    assert_error(response, 409)
    assert count(Transfer) == 1
    assert stored_balance(bruno.account_id) == 5


def test_keys_belong_to_their_user(client, alice, bruno):
    key = {"Idempotency-Key": "same-key"}
    staff_payee = person()
    for who in (alice, bruno):
        response = post_transfer(
            client, who, {"to_account_id": staff_payee.account_id, "minutes": 5}, **key
        )
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response.headers
    assert stored_balance(staff_payee.account_id) == 10


def test_a_refused_request_does_not_use_up_its_key(client, alice, bruno, staff):
    body = {"to_account_id": bruno.account_id, "minutes": 100}
    key = {"Idempotency-Key": "retry-me"}
    service.set_floor(actor=staff.user, account_id=alice.account_id, floor_minutes=0)
    db.session.commit()
    assert_error(post_transfer(client, alice, body, **key), 409)

    pay(client, bruno, alice.account_id, 100)
    retried = post_transfer(client, alice, body, **key)
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert stored_balance(alice.account_id) == 0


@pytest.mark.parametrize("key", ["", "k" * 201, " padded"], ids=["empty", "too-long", "padded"])
def test_a_malformed_key_is_422(client, alice, bruno, key):
    response = post_transfer(
        client, alice, {"to_account_id": bruno.account_id, "minutes": 5}, **{"Idempotency-Key": key}
    )
    assert_error(response, 422)
    assert ledger_rows() == (0, 0)


# --- staff: reversals, floors, the audit --------------------------------------------------------


def test_staff_reverse_a_transfer_with_a_reason(client, alice, bruno, staff):
    original = pay(client, alice, bruno.account_id, 60)
    url = f"{API}/timebank/transfers/{original['id']}/reversal"

    assert_error(client.post(url, json={"reason": "Errore"}, headers=alice.headers), 403)
    assert_error(client.post(url, json={}, headers=staff.headers), 422)
    assert_error(client.post(url, json={"reason": "   "}, headers=staff.headers), 422)

    response = client.post(url, json={"reason": "Doppio inserimento"}, headers=staff.headers)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["kind"], body["reverses_id"], body["reason"]) == (
        "reversal",
        original["id"],
        "Doppio inserimento",
    )
    assert (body["from_account_id"], body["to_account_id"], body["minutes"]) == (
        bruno.account_id,
        alice.account_id,
        60,
    )
    assert (stored_balance(alice.account_id), stored_balance(bruno.account_id)) == (0, 0)
    [row] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "timebank.transfer_reversed")
    )
    assert (row.actor_id, row.object_id) == (staff.user.id, original["id"])

    assert_error(client.post(url, json={"reason": "Ancora"}, headers=staff.headers), 409)
    again = f"{API}/timebank/transfers/{body['id']}/reversal"
    assert_error(client.post(again, json={"reason": "Ancora"}, headers=staff.headers), 409)
    assert_error(
        client.post(
            f"{API}/timebank/transfers/999999/reversal",
            json={"reason": "x" * 5},
            headers=staff.headers,
        ),
        404,
    )
    assert count(Transfer) == 2


def test_staff_change_a_floor_and_it_is_audited(client, alice, bruno, staff):
    url = f"{API}/timebank/accounts/{alice.account_id}"
    response = client.patch(url, json={"floor_minutes": -1200}, headers=staff.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["floor_minutes"], body["available_minutes"]) == (-1200, 1200)
    [row] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "timebank.floor_changed")
    )
    assert (row.actor_id, row.object_id, row.details) == (
        staff.user.id,
        alice.account_id,
        {"from": CREDIT_FLOOR_MINUTES, "to": -1200},
    )
    assert pay(client, alice, bruno.account_id, 1000)["minutes"] == 1000


def test_only_staff_change_floors(client, alice, bruno):
    own = client.patch(
        f"{API}/timebank/accounts/{alice.account_id}",
        json={"floor_minutes": -6000},
        headers=alice.headers,
    )
    assert_error(own, 403)
    other = client.patch(
        f"{API}/timebank/accounts/{bruno.account_id}",
        json={"floor_minutes": -6000},
        headers=alice.headers,
    )
    assert_error(other, 404)
    assert (
        client.get(f"{API}/timebank/accounts/me", headers=alice.headers).get_json()["floor_minutes"]
        == CREDIT_FLOOR_MINUTES
    )


@pytest.mark.parametrize("floor", [1, -6001, "-60", None, 0.5])
def test_a_floor_out_of_range_is_422(client, alice, staff, floor):
    response = client.patch(
        f"{API}/timebank/accounts/{alice.account_id}",
        json={"floor_minutes": floor},
        headers=staff.headers,
    )
    assert_error(response, 422)


def test_a_floor_above_the_balance_is_409(client, alice, bruno, staff):
    pay(client, alice, bruno.account_id, 100)
    response = client.patch(
        f"{API}/timebank/accounts/{alice.account_id}",
        json={"floor_minutes": 0},
        headers=staff.headers,
    )
    assert_error(response, 409)
    assert account_of(alice.user).floor_minutes == CREDIT_FLOOR_MINUTES


def test_the_audit_is_for_staff_and_finds_a_sound_ledger(client, alice, bruno, staff):
    pay(client, alice, bruno.account_id, 100)
    pay(client, bruno, alice.account_id, 30)
    assert_error(client.get(f"{API}/timebank/audit", headers=alice.headers), 403)

    response = client.get(f"{API}/timebank/audit", headers=staff.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["sum_minutes"] == 0 and body["entries_sum_minutes"] == 0
    assert body["mismatches"] == [] and body["unbalanced_transfers"] == []
    assert body["below_floor"] == []
    assert body["transfers_checked"] == 2
    assert body["accounts_checked"] >= 3


def test_new_users_start_with_an_account(client):
    response = client.post(
        f"{API}/auth/register",
        json={
            "email": "nuovo-socio@example.org",
            "password": "una-password-lunga",
            "display_name": "Nuovo Socio",
        },
    )
    assert response.status_code == 201
    user = UserFactory._meta.model
    new = db.session.scalar(select(user).where(user.email == "nuovo-socio@example.org"))
    assert account_of(new).balance_minutes == 0
