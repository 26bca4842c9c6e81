"""Per-person rate limits on publishing listings and on writing messages (429)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qc_platform.conversations.models import Message
from qc_platform.extensions import db
from qc_platform.marketplace.models import Listing
from tests.conftest import make_test_app
from tests.marketplace.helpers import (
    LISTING,
    MARKET,
    create_listing,
    ok,
    post_message,
    propose,
    refused,
)


@pytest.fixture
def limited_app(database_url, frontend_dist, tmp_path, extension_state):
    """Rate limits on (memory storage); the process-wide limiter state handed back after."""
    app = make_test_app(
        database_url,
        frontend_dist,
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        QC_LISTING_RATE_LIMIT="3 per hour",
        QC_MESSAGE_RATE_LIMIT="4 per minute",
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def _too_many(response) -> None:
    body = refused(response, 429)
    assert body["status"] == "Too Many Requests"
    assert int(response.headers["Retry-After"]) > 0


def _count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return db.session.scalar(query)


def test_publishing_listings_is_rate_limited_per_person(limited_app, owner, neighbour):
    client = limited_app.test_client()
    for n in range(3):
        create_listing(client, owner, title=f"Annuncio {n}")
    _too_many(
        client.post(
            f"{MARKET}/listings", json={**LISTING, "title": "Uno di troppo"}, headers=owner.headers
        )
    )
    assert _count(Listing, owner_id=owner.id) == 3
    # Per person: a neighbour still publishes; reading and editing go on.
    create_listing(client, neighbour)
    mine = ok(client.get(f"{MARKET}/listings", headers=owner.headers, query_string={"mine": 1}))
    assert len(mine["items"]) == 3
    url = f"{MARKET}/listings/{mine['items'][0]['id']}"
    ok(client.patch(url, json={"title": "Titolo nuovo"}, headers=owner.headers))


def test_writing_messages_is_rate_limited_per_person(limited_app, owner, neighbour):
    client = limited_app.test_client()
    listing = create_listing(client, owner)
    conversation = ok(propose(client, neighbour, listing["id"]), 201)["id"]
    for n in range(4):
        ok(post_message(client, neighbour, conversation, f"Messaggio {n}"), 201)
    _too_many(post_message(client, neighbour, conversation, "Uno di troppo"))
    # The opening message of the proposal, and the four accepted ones.
    assert _count(Message, author_id=neighbour.id) == 5
    # The other person can still answer, and the thread still reads.
    ok(post_message(client, owner, conversation, "Rispondo io"), 201)
    thread = client.get(f"{MARKET}/exchanges/{conversation}/messages", headers=neighbour.headers)
    assert [m["body"] for m in ok(thread)["items"]][:2] == ["Rispondo io", "Messaggio 3"]


def test_proposing_is_rate_limited_per_person(limited_app, owner, neighbour, stranger):
    client = limited_app.test_client()
    listings = [create_listing(client, owner, title=f"Annuncio {n}")["id"] for n in range(3)]
    listings += [create_listing(client, stranger, title=f"Annuncio {n}")["id"] for n in range(2)]
    for listing_id in listings[:4]:
        ok(propose(client, neighbour, listing_id), 201)
    _too_many(propose(client, neighbour, listings[4]))
    assert (
        ok(client.get(f"{MARKET}/exchanges", headers=neighbour.headers))["items"][0]["listing"][
            "id"
        ]
        == listings[3]
    )
    ok(propose(client, stranger, listings[0]), 201)


def test_without_limits_the_test_app_does_not_refuse(client, owner, neighbour):
    for n in range(12):
        create_listing(client, owner, title=f"Annuncio {n}")
    listing = create_listing(client, neighbour)
    exchange = ok(propose(client, owner, listing["id"]), 201)
    for n in range(25):
        ok(post_message(client, owner, exchange["id"], f"Messaggio {n}"), 201)
