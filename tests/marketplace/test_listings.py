"""Listings: publishing, the contact-details rule, bounds, search, filters, pages, withdrawal."""

from __future__ import annotations

import pytest

from tests.marketplace.helpers import (
    LISTING,
    MARKET,
    complex_id,
    create_listing,
    ok,
    propose,
    refused,
    space_id,
)


def search(client, who, **query) -> list[dict]:
    response = client.get(f"{MARKET}/listings", headers=who.headers, query_string=query)
    return ok(response)["items"]


def ids(items) -> list[int]:
    return [item["id"] for item in items]


# --- publishing ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["offer", "request"])
def test_a_listing_is_published_with_its_details(client, owner, stranger, kind):
    boccioni, faenza = space_id("boccioni"), complex_id("faenza")
    created = create_listing(
        client,
        owner,
        kind=kind,
        title="  Ripetizioni di inglese  ",
        description="Conversazione per principianti.",
        category="language",
        minutes_estimate=90,
        space_id=boccioni,
        complex_id=faenza,
    )
    expected = {
        "kind": kind,
        "title": "Ripetizioni di inglese",
        "description": "Conversazione per principianti.",
        "category": "language",
        "minutes_estimate": 90,
        "space_id": boccioni,
        "complex_id": faenza,
        "status": "open",
        "hidden": False,
        "owner": {"id": owner.id, "display_name": owner.name},
    }
    assert {key: created[key] for key in expected} == expected
    assert created["mine"] is True

    seen = ok(client.get(f"{MARKET}/listings/{created['id']}", headers=stranger.headers))
    assert {key: seen[key] for key in expected} == expected
    assert seen["mine"] is False


def test_minutes_space_and_complex_are_optional(client, owner):
    created = create_listing(client, owner)
    assert (created["minutes_estimate"], created["space_id"], created["complex_id"]) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "gift"),
        ("kind", None),
        ("category", "astrology"),
        ("space_id", 999999),
        ("complex_id", 999999),
        ("minutes_estimate", 0),
        ("minutes_estimate", 1441),
        ("minutes_estimate", -5),
        ("minutes_estimate", "60"),
        ("minutes_estimate", 1.5),
        ("title", "ab"),
        ("title", "x" * 121),
        ("title", "     "),
        ("description", ""),
        ("description", "   "),
        ("description", "x" * 2001),
    ],
)
def test_invalid_listings_are_refused(client, owner, field, value):
    body = refused(
        client.post(f"{MARKET}/listings", json={**LISTING, field: value}, headers=owner.headers),
        422,
    )
    assert field in str(body.get("errors")), body
    assert search(client, owner, mine=True) == []


@pytest.mark.parametrize("field", ["title", "kind", "description", "category"])
def test_required_fields(client, owner, field):
    body = {key: value for key, value in LISTING.items() if key != field}
    refused(client.post(f"{MARKET}/listings", json=body, headers=owner.headers), 422)


def test_the_bounds_themselves_are_accepted(client, owner):
    assert create_listing(client, owner, minutes_estimate=1)["minutes_estimate"] == 1
    assert create_listing(client, owner, minutes_estimate=1440)["minutes_estimate"] == 1440
    assert create_listing(client, owner, title="x" * 120, description="y" * 2000)["title"] == (
        "x" * 120
    )


# --- no contact details ------------------------------------------------------------------

CONTACTS = [
    "scrivimi a mario.rossi@example.org",
    "MARIO_ROSSI+annunci@posta.example.it per info",
    "chiamami al 333 123 4567",
    "tel. +39 02 1234 5678",
    "cell 333.123.45.67",
    "0039 3331234567",
    "347-1234567 dopo le 18",
    "3471234567",
]


@pytest.mark.parametrize("contact", CONTACTS)
@pytest.mark.parametrize("field", ["title", "description"])
def test_phone_numbers_and_e_mails_are_refused_with_a_clear_message(client, owner, field, contact):
    body = refused(
        client.post(
            f"{MARKET}/listings",
            json={**LISTING, field: f"Offro aiuto, {contact}"},
            headers=owner.headers,
        ),
        422,
    )
    assert "telefono" in body["message"] and "e-mail" in body["message"]
    assert field in body["errors"]
    assert search(client, owner, mine=True) == []


def test_the_contact_message_follows_the_language(client, owner):
    response = client.post(
        f"{MARKET}/listings",
        json={**LISTING, "description": "call 333 123 4567"},
        headers={**owner.headers, "Accept-Language": "en"},
    )
    assert "phone numbers" in refused(response, 422)["message"]


@pytest.mark.parametrize("contact", ["mario.rossi@example.org", "333 123 4567"])
def test_an_edit_cannot_add_contact_details_either(client, owner, contact):
    created = create_listing(client, owner)
    for field in ("title", "description"):
        response = client.patch(
            f"{MARKET}/listings/{created['id']}",
            json={field: f"Nuovo testo {contact}"},
            headers=owner.headers,
        )
        refused(response, 422)
    unchanged = ok(client.get(f"{MARKET}/listings/{created['id']}", headers=owner.headers))
    assert (unchanged["title"], unchanged["description"]) == (
        LISTING["title"],
        LISTING["description"],
    )


@pytest.mark.parametrize(
    "text",
    [
        "Due ore il sabato, dalle 10 alle 12",
        "Scala B, piano 3, interno 14",
        "Nel 2024 ho fatto 15 traslochi",
        "Prezzo: 0 euro, 1 caffè",
    ],
)
def test_ordinary_numbers_are_not_taken_for_phone_numbers(client, owner, text):
    assert create_listing(client, owner, description=text)["description"] == text


# --- search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("Passeggiata in Città Studi", "citta"),
        ("Passeggiata in città studi", "CITTÀ"),
        ("Un caffè e due chiacchiere", "CAFFE"),
        ("Un CAFFE e due chiacchiere", "caffè"),
        ("Perché no? Lezioni di uncinetto", "perche uncinetto"),
        ("Però: giardinaggio sul balcone", "GIARDINAGGIO pero"),
    ],
)
def test_search_ignores_accents_and_case(client, owner, stranger, stored, query):
    wanted = create_listing(client, owner, title=stored)
    create_listing(client, owner, title="Tutt'altra cosa", description="Niente in comune.")
    assert ids(search(client, stranger, q=query)) == [wanted["id"]]


def test_search_finds_words_of_the_description_and_needs_every_word(client, owner, stranger):
    both = create_listing(client, owner, title="Lezioni", description="Chitarra e pianoforte")
    guitar = create_listing(client, owner, title="Lezioni", description="Solo chitarra")
    assert ids(search(client, stranger, q="chitarra")) == [guitar["id"], both["id"]]
    assert ids(search(client, stranger, q="chitarra pianoforte")) == [both["id"]]
    assert search(client, stranger, q="violino") == []


def test_search_matches_percent_and_underscore_literally(client, owner, stranger):
    literal = create_listing(client, owner, title="Sconto 100% sulle ore")
    create_listing(client, owner, title="Sconto speciale sulle ore")
    assert ids(search(client, stranger, q="100%")) == [literal["id"]]
    assert search(client, stranger, q="_") == []


@pytest.mark.parametrize("query", ["", "   ", "\u0301", " \u0300 \t"])
def test_a_search_without_words_lists_everything(client, owner, stranger, query):
    """Blank, or nothing but accents once folded: like no `q` at all (it used to be a 500)."""
    created = [create_listing(client, owner, title=f"Annuncio {n}")["id"] for n in range(2)]
    assert ids(search(client, stranger, q=query)) == created[::-1]


def test_an_edit_is_found_by_its_new_words(client, owner, stranger):
    created = create_listing(client, owner, title="Aiuto trasloco")
    ok(
        client.patch(
            f"{MARKET}/listings/{created['id']}",
            json={"title": "Aiuto giardinaggio"},
            headers=owner.headers,
        )
    )
    assert ids(search(client, stranger, q="giardinaggio")) == [created["id"]]
    assert search(client, stranger, q="trasloco") == []


# --- filters and pages ------------------------------------------------------------------


def test_filters(client, owner, neighbour, stranger):
    boccioni, omero = space_id("boccioni"), space_id("omero")
    faenza = complex_id("faenza")
    offer = create_listing(client, owner, kind="offer", category="repairs", space_id=boccioni)
    request = create_listing(
        client, owner, kind="request", category="cooking", space_id=omero, complex_id=faenza
    )
    theirs = create_listing(client, neighbour, kind="offer", category="cooking")
    closed = create_listing(client, neighbour, kind="request", category="repairs")
    ok(
        client.patch(
            f"{MARKET}/listings/{closed['id']}",
            json={"status": "closed"},
            headers=neighbour.headers,
        )
    )

    assert ids(search(client, stranger)) == [theirs["id"], request["id"], offer["id"]]
    assert ids(search(client, stranger, kind="offer")) == [theirs["id"], offer["id"]]
    assert ids(search(client, stranger, kind="request")) == [request["id"]]
    assert ids(search(client, stranger, category="cooking")) == [theirs["id"], request["id"]]
    assert ids(search(client, stranger, space=boccioni)) == [offer["id"]]
    assert ids(search(client, stranger, complex=faenza)) == [request["id"]]
    assert ids(search(client, stranger, status="closed")) == [closed["id"]]
    assert ids(search(client, owner, mine="true")) == [request["id"], offer["id"]]
    assert ids(search(client, neighbour, mine="true", status="closed")) == [closed["id"]]
    assert search(client, stranger, mine="true") == []
    assert ids(search(client, stranger, category="cooking", kind="request", space=omero)) == [
        request["id"]
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "gift"},
        {"status": "withdrawn"},
        {"space": 0},
        {"space": "boccioni"},
        {"limit": 0},
        {"limit": 101},
        {"cursor": "not-a-cursor"},
        {"q": "x" * 101},
    ],
)
def test_invalid_search_arguments_are_refused(client, stranger, query):
    response = client.get(f"{MARKET}/listings", headers=stranger.headers, query_string=query)
    refused(response, 422)


def test_pages_follow_the_cursor_newest_first(client, owner, stranger):
    created = [create_listing(client, owner, title=f"Annuncio numero {n}")["id"] for n in range(5)]
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = ok(client.get(f"{MARKET}/listings", headers=stranger.headers, query_string=query))
        pages += 1
        assert len(page["items"]) <= 2
        seen += ids(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == created[::-1]
    assert pages == 3


# --- owner only, withdrawal, closing ---------------------------------------------------


def test_only_the_owner_edits_or_withdraws(client, owner, stranger):
    created = create_listing(client, owner)
    url = f"{MARKET}/listings/{created['id']}"
    refused(client.patch(url, json={"title": "Mio ora"}, headers=stranger.headers), 403)
    refused(client.delete(url, headers=stranger.headers), 403)
    assert ok(client.get(url, headers=owner.headers))["title"] == LISTING["title"]


def test_an_edit_cannot_withdraw_or_change_the_kind(client, owner):
    created = create_listing(client, owner)
    url = f"{MARKET}/listings/{created['id']}"
    refused(client.patch(url, json={"status": "withdrawn"}, headers=owner.headers), 422)
    refused(client.patch(url, json={"kind": "request"}, headers=owner.headers), 422)
    refused(client.patch(url, json={"minutes_estimate": 1441}, headers=owner.headers), 422)
    assert ok(client.get(url, headers=owner.headers))["status"] == "open"


def test_a_withdrawn_listing_is_gone_for_everyone_but_its_exchanges_stay(
    client, owner, neighbour, stranger
):
    created = create_listing(client, owner)
    exchange = ok(propose(client, neighbour, created["id"]), 201)
    url = f"{MARKET}/listings/{created['id']}"
    assert client.delete(url, headers=owner.headers).status_code == 204

    for who in (owner, neighbour, stranger):
        refused(client.get(url, headers=who.headers), 404)
        assert created["id"] not in ids(search(client, who))
        assert created["id"] not in ids(search(client, who, mine="true"))
    refused(client.patch(url, json={"title": "Di nuovo"}, headers=owner.headers), 404)
    refused(client.delete(url, headers=owner.headers), 404)
    refused(propose(client, stranger, created["id"]), 404)
    # The exchange made before keeps its history for its two people.
    shown = ok(client.get(f"{MARKET}/exchanges/{exchange['id']}", headers=neighbour.headers))
    assert shown["listing"]["id"] == created["id"]


def test_a_closed_listing_takes_no_proposals_until_reopened(client, owner, neighbour):
    created = create_listing(client, owner)
    url = f"{MARKET}/listings/{created['id']}"
    assert ok(client.patch(url, json={"status": "closed"}, headers=owner.headers))["status"] == (
        "closed"
    )
    assert ok(client.get(url, headers=neighbour.headers))["status"] == "closed"
    refused(propose(client, neighbour, created["id"]), 409)
    ok(client.patch(url, json={"status": "open"}, headers=owner.headers))
    ok(propose(client, neighbour, created["id"]), 201)


def test_signing_in_is_needed_to_read_listings(client, owner):
    created = create_listing(client, owner)
    refused(client.get(f"{MARKET}/listings"), 401)
    refused(client.get(f"{MARKET}/listings/{created['id']}"), 401)
