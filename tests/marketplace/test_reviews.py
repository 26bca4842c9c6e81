"""Reviews: after completion only, one per person, a rating from 1 to 5."""

from __future__ import annotations

import pytest

from tests.marketplace.helpers import (
    MARKET,
    act,
    create_listing,
    get_exchange,
    notifications,
    ok,
    propose,
    refused,
)


def review(client, who, exchange_id, **body):
    return client.post(
        f"{MARKET}/exchanges/{exchange_id}/review",
        json={"rating": 5, "comment": "Gentilissima", **body},
        headers=who.headers,
    )


def exchange_in(client, owner, neighbour, status: str) -> int:
    """An offer of ``owner`` taken by ``neighbour`` (who receives the help), in ``status``."""
    listing = create_listing(client, owner)
    exchange_id = ok(propose(client, neighbour, listing["id"], 30), 201)["id"]
    steps = {
        "proposed": [],
        "accepted": [(owner, "accept")],
        "completed": [(owner, "accept"), (neighbour, "complete")],
        "declined": [(owner, "decline")],
        "cancelled": [(neighbour, "cancel")],
    }[status]
    for who, action in steps:
        ok(act(client, who, exchange_id, action))
    return exchange_id


@pytest.mark.parametrize("status", ["proposed", "accepted", "declined", "cancelled"])
def test_no_review_before_completion(client, owner, neighbour, status):
    exchange_id = exchange_in(client, owner, neighbour, status)
    for who in (owner, neighbour):
        refused(review(client, who, exchange_id), 409)
        shown = ok(get_exchange(client, who, exchange_id))
        assert shown["reviews"] == []
        assert "review" not in shown["allowed_actions"]


def test_each_person_reviews_the_other_once(client, owner, neighbour):
    exchange_id = exchange_in(client, owner, neighbour, "completed")
    for who in (owner, neighbour):
        assert "review" in ok(get_exchange(client, who, exchange_id))["allowed_actions"]

    written = ok(review(client, neighbour, exchange_id, rating=4, comment="  Puntuale  "), 201)
    assert (written["rating"], written["comment"]) == (4, "Puntuale")
    assert written["author"] == {"id": neighbour.id, "display_name": neighbour.name}
    refused(review(client, neighbour, exchange_id, rating=1), 409)
    assert "review" not in ok(get_exchange(client, neighbour, exchange_id))["allowed_actions"]
    assert "review" in ok(get_exchange(client, owner, exchange_id))["allowed_actions"]

    ok(review(client, owner, exchange_id, rating=5, comment=""), 201)
    for who in (owner, neighbour):
        shown = ok(get_exchange(client, who, exchange_id))
        assert [(r["author"]["id"], r["rating"], r["comment"]) for r in shown["reviews"]] == [
            (neighbour.id, 4, "Puntuale"),
            (owner.id, 5, ""),
        ]
        assert "review" not in shown["allowed_actions"]


def test_a_comment_is_optional(client, owner, neighbour):
    exchange_id = exchange_in(client, owner, neighbour, "completed")
    response = client.post(
        f"{MARKET}/exchanges/{exchange_id}/review", json={"rating": 3}, headers=owner.headers
    )
    assert ok(response, 201)["comment"] == ""


@pytest.mark.parametrize(
    "body",
    [
        {"rating": 0},
        {"rating": 6},
        {"rating": -1},
        {"rating": "5"},
        {"rating": 4.5},
        {"rating": None},
        {"rating": True},
        {"comment": "x" * 1001},
    ],
)
def test_invalid_reviews_are_refused(client, owner, neighbour, body):
    exchange_id = exchange_in(client, owner, neighbour, "completed")
    refused(review(client, owner, exchange_id, **body), 422)
    assert ok(get_exchange(client, owner, exchange_id))["reviews"] == []
    # The person may still write a valid one.
    ok(review(client, owner, exchange_id), 201)


def test_a_rating_is_required(client, owner, neighbour):
    exchange_id = exchange_in(client, owner, neighbour, "completed")
    response = client.post(
        f"{MARKET}/exchanges/{exchange_id}/review", json={"comment": "Bene"}, headers=owner.headers
    )
    refused(response, 422)


def test_only_the_two_people_review(client, owner, neighbour, stranger, staff):
    exchange_id = exchange_in(client, owner, neighbour, "completed")
    for who in (stranger, staff):
        refused(review(client, who, exchange_id), 404)
    assert ok(get_exchange(client, owner, exchange_id))["reviews"] == []


def test_the_other_person_is_notified_of_a_review(client, owner, neighbour):
    exchange_id = exchange_in(client, owner, neighbour, "completed")
    owner_before = notifications(client, owner)
    ok(review(client, owner, exchange_id), 201)
    (latest, *_) = notifications(client, neighbour)
    assert (latest["kind"], latest["link"]) == ("marketplace.review", f"/scambi/{exchange_id}")
    assert owner.name in latest["title"]
    assert notifications(client, owner) == owner_before
