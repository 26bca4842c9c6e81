"""The private conversation of an exchange: its two people only, bounded messages."""

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


def test_the_two_people_write_to_each_other(client, owner, neighbour, exchange):
    sent = ok(post_message(client, owner, exchange["id"], "  Grazie! Va bene giovedì?  "), 201)
    assert (sent["body"], sent["mine"], sent["hidden"]) == ("Grazie! Va bene giovedì?", True, False)
    assert sent["author"] == {"id": owner.id, "display_name": owner.name}
    ok(post_message(client, neighbour, exchange["id"], "Perfetto, alle 17"), 201)

    for who in (owner, neighbour):
        thread = messages(client, who, exchange["id"])
        assert [m["body"] for m in thread] == [
            "Perfetto, alle 17",
            "Grazie! Va bene giovedì?",
            "Posso aiutarti io",
        ]
        assert [m["mine"] for m in thread] == [m["author"]["id"] == who.id for m in thread]


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


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001, None, 42])
def test_empty_or_too_long_messages_are_refused(client, owner, exchange, body):
    response = client.post(
        f"{MARKET}/exchanges/{exchange['id']}/messages", json={"body": body}, headers=owner.headers
    )
    refused(response, 422)
    assert len(messages(client, owner, exchange["id"])) == 1


def test_the_longest_message_is_accepted(client, owner, exchange):
    assert len(ok(post_message(client, owner, exchange["id"], "x" * 2000), 201)["body"]) == 2000


def test_messages_come_in_pages_newest_first(client, owner, neighbour, exchange):
    for n in range(4):
        ok(
            post_message(client, owner if n % 2 else neighbour, exchange["id"], f"Messaggio {n}"),
            201,
        )
    url = f"{MARKET}/exchanges/{exchange['id']}/messages"
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = ok(client.get(url, headers=owner.headers, query_string=query))
        seen += [m["body"] for m in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Messaggio {n}" for n in (3, 2, 1, 0)] + ["Posso aiutarti io"]


def test_a_message_to_an_unknown_exchange_is_not_found(client, owner):
    refused(post_message(client, owner, 999999, "Ciao"), 404)
    refused(client.get(f"{MARKET}/exchanges/999999/messages", headers=owner.headers), 404)
