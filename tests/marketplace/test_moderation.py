"""Flags and moderation: who sees reports, reading reported conversations, hide/dismiss/unhide.

Moderators of a listing are the operators of the organisation running its space, and
staff everywhere.
"""

from __future__ import annotations

import pytest

from tests.marketplace.helpers import (
    MARKET,
    create_listing,
    get_exchange,
    messages,
    notifications,
    ok,
    post_message,
    propose,
    refused,
    space_id,
)


def flag_listing(client, who, listing_id, reason="Sembra una truffa"):
    return client.post(
        f"{MARKET}/listings/{listing_id}/flags", json={"reason": reason}, headers=who.headers
    )


def flag_exchange(client, who, exchange_id, reason="Messaggi offensivi"):
    return client.post(
        f"{MARKET}/exchanges/{exchange_id}/flags", json={"reason": reason}, headers=who.headers
    )


def open_flags(client, who, **query) -> list[dict]:
    return ok(client.get(f"{MARKET}/flags", headers=who.headers, query_string=query))["items"]


def resolve(client, who, flag_id, action, note=None):
    return client.post(
        f"{MARKET}/flags/{flag_id}/resolve",
        json={"action": action, "note": note},
        headers=who.headers,
    )


def listed_ids(client, who, **query) -> list[int]:
    page = client.get(f"{MARKET}/listings", headers=who.headers, query_string=query)
    return [item["id"] for item in ok(page)["items"]]


@pytest.fixture
def listing(client, owner):
    """A listing in the Boccioni space (its operators moderate it)."""
    return create_listing(client, owner, space_id=space_id("boccioni"))


@pytest.fixture
def exchange(client, neighbour, listing):
    return ok(propose(client, neighbour, listing["id"], 30, "Ti scrivo per lo scambio"), 201)


# --- flags and who sees them ---------------------------------------------------------


def test_anyone_may_flag_a_listing_and_its_moderators_see_it(
    client, listing, stranger, operator, other_operator, staff
):
    created = ok(flag_listing(client, stranger, listing["id"], "  Chiede soldi  "), 201)
    assert (created["listing_id"], created["exchange_id"], created["status"]) == (
        listing["id"],
        None,
        "open",
    )
    assert (created["reason"], created["subject"]) == ("Chiede soldi", listing["title"])

    assert [f["id"] for f in open_flags(client, operator)] == [created["id"]]
    assert [f["id"] for f in open_flags(client, staff)] == [created["id"]]
    # Operators of another organisation see nothing of it, nor may they resolve it.
    assert open_flags(client, other_operator) == []
    refused(resolve(client, other_operator, created["id"], "hide"), 404)
    # People who moderate nothing may not look at the reports.
    refused(client.get(f"{MARKET}/flags", headers=stranger.headers), 403)


def test_the_moderators_of_the_space_are_notified_of_a_flag(
    client, listing, stranger, operator, other_operator, owner
):
    ok(flag_listing(client, stranger, listing["id"]), 201)
    (latest, *_) = notifications(client, operator)
    assert (latest["kind"], latest["link"]) == ("marketplace.flag", "/moderazione")
    assert listing["title"] in latest["body"]
    for who in (other_operator, owner, stranger):
        assert all(n["kind"] != "marketplace.flag" for n in notifications(client, who))


def test_a_listing_without_a_space_is_moderated_by_staff_only(
    client, owner, stranger, operator, staff
):
    listing = create_listing(client, owner)
    flag = ok(flag_listing(client, stranger, listing["id"]), 201)
    assert open_flags(client, operator) == []
    refused(resolve(client, operator, flag["id"], "hide"), 404)
    assert [f["id"] for f in open_flags(client, staff)] == [flag["id"]]
    assert any(n["kind"] == "marketplace.flag" for n in notifications(client, staff))


def test_flagging_twice_while_open_is_a_conflict(client, listing, stranger, neighbour):
    ok(flag_listing(client, stranger, listing["id"]), 201)
    refused(flag_listing(client, stranger, listing["id"]), 409)
    ok(flag_listing(client, neighbour, listing["id"]), 201)  # someone else still can


@pytest.mark.parametrize("reason", ["", "  ", "ab", "x" * 1001])
def test_a_flag_needs_a_reason(client, listing, stranger, reason):
    refused(flag_listing(client, stranger, listing["id"], reason), 422)


def test_the_owner_cannot_flag_their_own_listing(client, listing, owner):
    refused(flag_listing(client, owner, listing["id"]), 422)


# --- reported conversations ----------------------------------------------------------


def test_moderators_read_a_conversation_only_once_it_is_reported(
    client, exchange, owner, operator, other_operator, staff, stranger
):
    url = f"{MARKET}/exchanges/{exchange['id']}/messages"
    for moderator in (operator, staff):
        refused(get_exchange(client, moderator, exchange["id"]), 404)
        refused(client.get(url, headers=moderator.headers), 404)

    flag = ok(flag_exchange(client, owner, exchange["id"]), 201)
    assert (flag["exchange_id"], flag["listing_id"]) == (exchange["id"], None)
    for moderator in (operator, staff):
        assert ok(get_exchange(client, moderator, exchange["id"]))["id"] == exchange["id"]
        assert [m["body"] for m in messages(client, moderator, exchange["id"])] == [
            "Ti scrivo per lo scambio"
        ]
        # They read; they do not write in it.
        refused(post_message(client, moderator, exchange["id"], "Sono il moderatore"), 403)
        refused(flag_exchange(client, moderator, exchange["id"]), 403)
    assert [f["id"] for f in open_flags(client, operator)] == [flag["id"]]
    for outsider in (other_operator, stranger):
        refused(get_exchange(client, outsider, exchange["id"]), 404)
        refused(client.get(url, headers=outsider.headers), 404)
    assert open_flags(client, other_operator) == []


def test_only_the_two_people_may_report_their_conversation(client, exchange, stranger, neighbour):
    refused(flag_exchange(client, stranger, exchange["id"]), 404)
    ok(flag_exchange(client, neighbour, exchange["id"]), 201)
    refused(flag_exchange(client, neighbour, exchange["id"]), 409)


def test_hiding_a_conversation_blanks_its_messages_and_closes_it(
    client, exchange, owner, neighbour, operator
):
    ok(post_message(client, owner, exchange["id"], "Sei un incapace"), 201)
    flag = ok(flag_exchange(client, neighbour, exchange["id"]), 201)
    resolved = ok(resolve(client, operator, flag["id"], "hide", "Linguaggio offensivo"))
    assert (resolved["status"], resolved["resolution_note"]) == ("hidden", "Linguaggio offensivo")
    assert resolved["resolved_at"] is not None

    for who in (owner, neighbour, operator):
        thread = messages(client, who, exchange["id"])
        assert len(thread) == 2
        assert all(m["body"] is None and m["hidden"] is True for m in thread)
        assert ok(get_exchange(client, who, exchange["id"]))["conversation_hidden"] is True
    for who in (owner, neighbour):
        refused(post_message(client, who, exchange["id"], "Ancora io"), 409)
    assert len(messages(client, owner, exchange["id"])) == 2
    # The exchange itself goes on.
    assert (
        ok(client.post(f"{MARKET}/exchanges/{exchange['id']}/accept", headers=owner.headers))[
            "status"
        ]
        == "accepted"
    )


def test_dismissing_a_conversation_report_changes_nothing(
    client, exchange, owner, neighbour, staff
):
    flag = ok(flag_exchange(client, neighbour, exchange["id"]), 201)
    assert ok(resolve(client, staff, flag["id"], "dismiss"))["status"] == "dismissed"
    assert [m["body"] for m in messages(client, owner, exchange["id"])] == [
        "Ti scrivo per lo scambio"
    ]
    ok(post_message(client, owner, exchange["id"], "Tutto a posto"), 201)
    assert ok(get_exchange(client, owner, exchange["id"]))["conversation_hidden"] is False
    assert open_flags(client, staff) == []
    assert [f["id"] for f in open_flags(client, staff, status="dismissed")] == [flag["id"]]


# --- hiding, dismissing, unhiding listings ------------------------------------------------


def test_hiding_a_listing_removes_it_for_everyone_but_its_owner_and_moderators(
    client, listing, owner, neighbour, stranger, operator
):
    flag = ok(flag_listing(client, stranger, listing["id"]), 201)
    ok(resolve(client, operator, flag["id"], "hide"))
    url = f"{MARKET}/listings/{listing['id']}"

    for who in (neighbour, stranger):
        refused(client.get(url, headers=who.headers), 404)
        assert listing["id"] not in listed_ids(client, who)
        assert listing["id"] not in listed_ids(client, who, q="spesa")
        refused(propose(client, who, listing["id"]), 404)
    seen = ok(client.get(url, headers=owner.headers))
    assert (seen["hidden"], seen["mine"]) == (True, True)
    assert listing["id"] in listed_ids(client, owner, mine="true")
    assert listing["id"] in listed_ids(client, owner)
    assert ok(client.get(url, headers=operator.headers))["hidden"] is True
    assert open_flags(client, operator) == []
    assert [f["id"] for f in open_flags(client, operator, status="hidden")] == [flag["id"]]


def test_dismissing_a_listing_report_changes_nothing(client, listing, stranger, neighbour, staff):
    flag = ok(flag_listing(client, stranger, listing["id"]), 201)
    resolved = ok(resolve(client, staff, flag["id"], "dismiss", "Va bene così"))
    assert (resolved["status"], resolved["resolution_note"]) == ("dismissed", "Va bene così")
    seen = ok(client.get(f"{MARKET}/listings/{listing['id']}", headers=neighbour.headers))
    assert seen["hidden"] is False
    assert listing["id"] in listed_ids(client, neighbour)
    ok(propose(client, neighbour, listing["id"]), 201)


@pytest.mark.parametrize(
    ("first", "second"), [("hide", "dismiss"), ("dismiss", "hide"), ("hide", "hide")]
)
def test_a_report_is_resolved_once(client, listing, stranger, operator, staff, first, second):
    flag = ok(flag_listing(client, stranger, listing["id"]), 201)
    ok(resolve(client, operator, flag["id"], first))
    refused(resolve(client, staff, flag["id"], second), 409)
    hidden = ok(client.get(f"{MARKET}/listings/{listing['id']}", headers=staff.headers))["hidden"]
    assert hidden is (first == "hide")


@pytest.mark.parametrize("action", ["delete", "ban", "", None])
def test_only_hide_or_dismiss(client, listing, stranger, staff, action):
    flag = ok(flag_listing(client, stranger, listing["id"]), 201)
    refused(resolve(client, staff, flag["id"], action), 422)
    assert [f["id"] for f in open_flags(client, staff)] == [flag["id"]]


def test_people_who_moderate_nothing_cannot_resolve(client, listing, stranger, neighbour, owner):
    flag = ok(flag_listing(client, stranger, listing["id"]), 201)
    for who in (stranger, neighbour, owner):
        refused(resolve(client, who, flag["id"], "hide"), 404)
    seen = ok(client.get(f"{MARKET}/listings/{listing['id']}", headers=neighbour.headers))
    assert seen["hidden"] is False


def test_unhiding_shows_the_listing_again(
    client, listing, stranger, neighbour, owner, operator, other_operator
):
    flag = ok(flag_listing(client, stranger, listing["id"]), 201)
    ok(resolve(client, operator, flag["id"], "hide"))
    url = f"{MARKET}/listings/{listing['id']}"
    # Only a moderator of the listing can unhide it; the owner and others cannot.
    refused(client.post(f"{url}/unhide", headers=owner.headers), 403)
    refused(client.post(f"{url}/unhide", headers=other_operator.headers), 404)
    refused(client.get(url, headers=neighbour.headers), 404)

    assert ok(client.post(f"{url}/unhide", headers=operator.headers))["hidden"] is False
    assert ok(client.get(url, headers=neighbour.headers))["hidden"] is False
    assert listing["id"] in listed_ids(client, neighbour)
    ok(propose(client, neighbour, listing["id"]), 201)
