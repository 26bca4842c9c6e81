"""Completing a time-bank service pays the organisation, in the same transaction, once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qc_platform.extensions import db
from qc_platform.timebank import service as timebank
from qc_platform.timebank.models import LedgerEntry, Transfer
from tests.accounts.factories import persist, user_with_roles
from tests.catalogue.helpers import act, ask, get_request, patch_service, publish
from tests.marketplace.helpers import account, notifications, ok, refused
from tests.timebank.helpers import entries_sum, ledger_rows, stored_balance


def org_account_id(organisation_id: int) -> int:
    return timebank.account_of_organisation(organisation_id).id


def user_account_id(person) -> int:
    return timebank.account_of_user(person.id).id


def entries_of(account_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(LedgerEntry.minutes)
            .where(LedgerEntry.account_id == account_id)
            .order_by(LedgerEntry.id)
        )
    )


def accepted_request(client, requester, operator, service_id: int) -> int:
    request_id = ok(ask(client, requester, service_id), 201)["id"]
    ok(act(client, operator, request_id, "accept", {}))
    return request_id


def snapshot(*account_ids: int) -> dict:
    """Everything a refused payment must leave as it was."""
    return {
        "balances": [stored_balance(account_id) for account_id in account_ids],
        "entries": [entries_of(account_id) for account_id in account_ids],
        "rows": ledger_rows(),
    }


def set_floor(person, floor_minutes: int) -> None:
    staff = user_with_roles(("staff", None, None))
    timebank.set_floor(actor=staff, account_id=user_account_id(person), floor_minutes=floor_minutes)
    persist()


def test_completing_pays_exactly_the_minutes_to_the_organisation(client, requester, operator, org):
    service_id = publish(client, operator, org, price_model="timebank", minutes=45)["id"]
    payer, payee = user_account_id(requester), org_account_id(org)
    before = snapshot(payer, payee)
    request_id = accepted_request(client, requester, operator, service_id)
    assert snapshot(payer, payee) == before  # accepting costs nothing yet

    completed = ok(act(client, requester, request_id, "complete"))
    assert completed["status"] == "completed"
    assert completed["transfer_id"] is not None
    assert stored_balance(payer) == before["balances"][0] - 45
    assert stored_balance(payee) == before["balances"][1] + 45
    assert entries_of(payer) == [*before["entries"][0], -45]
    assert entries_of(payee) == [*before["entries"][1], 45]
    assert ledger_rows() == (before["rows"][0] + 1, before["rows"][1] + 2)
    assert entries_sum(payer) == stored_balance(payer)  # the ledger and the balance agree
    payment = db.session.get(Transfer, completed["transfer_id"])
    assert (payment.from_account_id, payment.to_account_id, payment.minutes) == (payer, payee, 45)
    assert payment.kind == "service"
    assert "Sartoria di quartiere" in payment.memo
    # What the people see.
    assert account(client, requester)["balance_minutes"] == before["balances"][0] - 45
    entries = ok(client.get(f"/api/v1/timebank/accounts/{payee}/entries", headers=operator.headers))
    assert entries["items"][0]["minutes"] == 45
    assert entries["items"][0]["transfer_id"] == completed["transfer_id"]


def test_the_floor_may_be_reached_exactly(client, requester, operator, org, stranger):
    service_id = publish(client, operator, org, price_model="timebank", minutes=30)["id"]
    set_floor(requester, 0)
    timebank.transfer(
        from_account_id=user_account_id(stranger),
        to_account_id=user_account_id(requester),
        minutes=30,
    )
    persist()
    request_id = accepted_request(client, requester, operator, service_id)
    ok(act(client, requester, request_id, "complete"))
    assert stored_balance(user_account_id(requester)) == 0


def test_below_the_floor_the_requester_cannot_complete_and_nothing_changes(
    client, requester, operator, colleague, org, stranger
):
    service_id = publish(client, operator, org, price_model="timebank", minutes=60)["id"]
    request_id = accepted_request(client, requester, operator, service_id)
    set_floor(requester, 0)  # balance 0, floor 0: nothing to give
    payer, payee = user_account_id(requester), org_account_id(org)
    before = snapshot(payer, payee)
    heard = {p.id: len(notifications(client, p)) for p in (operator, colleague, requester)}

    body = refused(act(client, requester, request_id, "complete"), 409)
    assert body["message"]
    assert snapshot(payer, payee) == before
    seen = ok(get_request(client, requester, request_id))
    assert (seen["status"], seen["transfer_id"], seen["closed_at"]) == ("accepted", None, None)
    assert "complete" in seen["allowed_actions"]  # still theirs to do, once they can pay
    assert {p.id: len(notifications(client, p)) for p in (operator, colleague, requester)} == heard

    # Once the requester has received minutes, the same request completes.
    timebank.transfer(from_account_id=user_account_id(stranger), to_account_id=payer, minutes=60)
    persist()
    completed = ok(act(client, requester, request_id, "complete"))
    assert completed["status"] == "completed"
    assert stored_balance(payer) == 0
    assert stored_balance(payee) == before["balances"][1] + 60


def test_a_completed_request_is_paid_once(client, requester, operator, org):
    service_id = publish(client, operator, org, price_model="timebank", minutes=20)["id"]
    request_id = accepted_request(client, requester, operator, service_id)
    ok(act(client, requester, request_id, "complete"))
    after = snapshot(user_account_id(requester), org_account_id(org))
    refused(act(client, requester, request_id, "complete"), 409)
    refused(act(client, requester, request_id, "cancel"), 409)
    assert snapshot(user_account_id(requester), org_account_id(org)) == after


@pytest.mark.parametrize("action", ["cancel", "decline"])
def test_requests_that_end_otherwise_pay_nothing(client, requester, operator, org, action):
    service_id = publish(client, operator, org, price_model="timebank", minutes=20)["id"]
    before = snapshot(user_account_id(requester), org_account_id(org))
    request_id = ok(ask(client, requester, service_id), 201)["id"]
    ended = ok(
        act(
            client,
            operator,
            request_id,
            action,
            {"reason": "Siamo al completo"} if action == "decline" else None,
        )
    )
    assert ended["transfer_id"] is None
    assert snapshot(user_account_id(requester), org_account_id(org)) == before


@pytest.mark.parametrize(
    "price",
    [
        {"price_model": "free"},
        {"price_model": "fixed", "price_cents": 500},
        {"price_model": "sliding", "price_cents": 900},
    ],
)
def test_services_not_in_hours_complete_without_touching_the_time_bank(
    client, requester, operator, org, price
):
    service_id = publish(client, operator, org, **price)["id"]
    set_floor(requester, 0)  # even with nothing to give
    before = snapshot(user_account_id(requester), org_account_id(org))
    request_id = accepted_request(client, requester, operator, service_id)
    completed = ok(act(client, requester, request_id, "complete"))
    assert (completed["status"], completed["transfer_id"]) == ("completed", None)
    assert snapshot(user_account_id(requester), org_account_id(org)) == before


@pytest.mark.parametrize(
    "change",
    [
        {"minutes": 120},
        {"price_model": "free"},
        {"price_model": "fixed", "price_cents": 1500},
        {"status": "paused"},
    ],
)
def test_price_changes_after_the_request_do_not_change_what_is_paid(
    client, requester, operator, org, change
):
    service_id = publish(client, operator, org, price_model="timebank", minutes=30)["id"]
    request_id = accepted_request(client, requester, operator, service_id)
    ok(patch_service(client, operator, service_id, **change))
    seen = ok(get_request(client, requester, request_id))
    assert (seen["price_model"], seen["price_cents"], seen["minutes"]) == ("timebank", None, 30)
    before = stored_balance(user_account_id(requester))
    completed = ok(act(client, requester, request_id, "complete"))
    assert db.session.get(Transfer, completed["transfer_id"]).minutes == 30
    assert stored_balance(user_account_id(requester)) == before - 30


def test_a_request_made_after_the_change_pays_the_new_price(client, requester, operator, org):
    service_id = publish(client, operator, org, price_model="timebank", minutes=30)["id"]
    old = accepted_request(client, requester, operator, service_id)
    ok(patch_service(client, operator, service_id, minutes=50))
    new = accepted_request(client, requester, operator, service_id)
    paid = {
        request_id: db.session.get(
            Transfer, ok(act(client, requester, request_id, "complete"))["transfer_id"]
        ).minutes
        for request_id in (old, new)
    }
    assert paid == {old: 30, new: 50}


def test_a_fixed_price_is_kept_as_it_was_asked(client, requester, operator, org):
    service_id = publish(client, operator, org, price_model="fixed", price_cents=800)["id"]
    request_id = ok(ask(client, requester, service_id), 201)["id"]
    ok(patch_service(client, operator, service_id, price_cents=1200))
    seen = ok(get_request(client, requester, request_id))
    assert (seen["price_model"], seen["price_cents"]) == ("fixed", 800)
    completed = ok(act(client, operator, request_id, "accept", {}))
    assert completed["price_cents"] == 800
