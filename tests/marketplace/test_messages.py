"""The private conversation of an exchange: its two people only, and after the exchange
ends too. (What every conversation does — bounds, pages, hiding — is in tests/conversations.)"""

from __future__ import annotations

import pytest

from tests.marketplace.helpers import (
    MARKET,
    create_listing,
    messages,
    ok,
    post_message,
    propose,
    refused,
)


@pytest.fixture
def exchange(client, owner, neighbour):
    listing = create_listing(client, owner)
    return ok(propose(client, neighbour, listing["id"], 60, "Posso aiutarti io"), 201)


def test_the_proposal_opens_the_conversation_and_both_people_write(
    client, owner, neighbour, exchange
):
    ok(post_message(client, owner, exchange["id"], "Grazie! Va bene giovedì?"), 201)
    for who in (owner, neighbour):
        assert [m["body"] for m in messages(client, who, exchange["id"])] == [
            "Grazie! Va bene giovedì?",
            "Posso aiutarti io",
        ]


def test_nobody_else_reads_or_writes(client, stranger, staff, operator, exchange):
    url = f"{MARKET}/exchanges/{exchange['id']}/messages"
    for who in (stranger, staff, operator):
        refused(client.get(url, headers=who.headers), 404)
        refused(post_message(client, who, exchange["id"], "Ciao a tutti"), 404)
    refused(client.get(url), 401)
    refused(client.post(url, json={"body": "Ciao"}), 401)


def test_the_conversation_goes_on_after_the_exchange_ends(client, owner, neighbour, exchange):
    ok(client.post(f"{MARKET}/exchanges/{exchange['id']}/decline", headers=owner.headers))
    ok(post_message(client, neighbour, exchange["id"], "Peccato, alla prossima"), 201)
    assert messages(client, owner, exchange["id"])[0]["body"] == "Peccato, alla prossima"
