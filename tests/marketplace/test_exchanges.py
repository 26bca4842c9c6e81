"""Exchanges: proposing, the state machine (every action × status × actor), the payment.

Who gives the help: for an ``offer`` the listing's owner, for a ``request`` the person who
proposes. Whoever receives the help confirms the exchange and pays the agreed minutes.
"""

from __future__ import annotations

import pytest

from tests.marketplace.helpers import (
    API,
    MARKET,
    Person,
    account,
    act,
    balance,
    complex_id,
    create_listing,
    get_exchange,
    messages,
    notifications,
    ok,
    person,
    propose,
    refused,
    space_id,
)

ACTIONS = ("accept", "decline", "cancel", "complete")
STATUSES = ("proposed", "accepted", "completed", "declined", "cancelled")
# How an exchange reaches each status from `proposed`: (who acts, action) steps.
PATHS = {
    "proposed": [],
    "accepted": [("owner", "accept")],
    "completed": [("owner", "accept"), ("receiver", "complete")],
    "declined": [("owner", "decline")],
    "cancelled": [("proposer", "cancel")],
}
ACTORS = ("proposer", "owner", "stranger", "moderator")
TARGET = {
    "accept": "accepted",
    "decline": "declined",
    "cancel": "cancelled",
    "complete": "completed",
}
# Which status each action starts from.
SOURCES = {
    "accept": {"proposed"},
    "decline": {"proposed"},
    "cancel": {"proposed", "accepted"},
    "complete": {"accepted"},
}
MINUTES = 45


def receiver_role(kind: str) -> str:
    """Who receives the help (and pays): the proposer of an offer, the owner of a request."""
    return "proposer" if kind == "offer" else "owner"


def entitled(action: str, actor: str, kind: str) -> bool:
    """Whose turn the action is, in whatever status: the rules as the issue states them."""
    if actor in ("stranger", "moderator"):
        return False
    if action in ("accept", "decline"):
        return actor == "owner"  # the person who did not propose answers
    if action == "complete":
        return actor == receiver_role(kind)
    return True  # cancel: either of the two


def expected_status(action: str, status: str, actor: str, kind: str) -> int:
    if actor == "stranger":
        return 404  # not a party: the exchange is not even visible
    if not entitled(action, actor, kind):
        return 403
    return 200 if status in SOURCES[action] else 409


class Scene:
    """An exchange on a listing of ``owner``, proposed by ``proposer``."""

    def __init__(self, client, kind: str, *, space: str | None = "boccioni"):
        self.client = client
        self.kind = kind
        self.people = {
            # Verified tenants: whoever receives the help may end below zero.
            "owner": person(
                ("tenant", "complex", complex_id("boccioni")), display_name="Olga Proprietaria"
            ),
            "proposer": person(
                ("tenant", "complex", complex_id("omero")), display_name="Piero Proponente"
            ),
            "stranger": person(display_name="Sara Estranea"),
            "moderator": person(("staff", None, None), display_name="Mario Moderatore"),
        }
        self.people["receiver"] = self.people[receiver_role(kind)]
        self.people["provider"] = self.people[
            "owner" if receiver_role(kind) == "proposer" else "proposer"
        ]
        self.listing = create_listing(
            client,
            self.owner,
            kind=kind,
            space_id=space_id(space) if space else None,
        )
        self.exchange = ok(propose(client, self.proposer, self.listing["id"], MINUTES), 201)
        self.id = self.exchange["id"]

    def __getattr__(self, role: str) -> Person:
        try:
            return self.people[role]
        except KeyError:
            raise AttributeError(role) from None

    def bring_to(self, status: str) -> None:
        for role, action in PATHS[status]:
            ok(act(self.client, self.people[role], self.id, action))
        assert self.status() == status

    def status(self) -> str:
        return ok(get_exchange(self.client, self.owner, self.id))["status"]

    def balances(self) -> dict[str, int]:
        return {role: balance(self.client, self.people[role]) for role in ("owner", "proposer")}

    def flag_conversation(self) -> None:
        ok(
            self.client.post(
                f"{MARKET}/exchanges/{self.id}/flags",
                json={"reason": "Vorrei un parere"},
                headers=self.owner.headers,
            ),
            201,
        )


# --- the state machine, every combination -----------------------------------------------


@pytest.mark.parametrize("kind", ["offer", "request"])
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_in_every_status_by_every_actor(client, action, status, actor, kind):
    scene = Scene(client, kind)
    scene.bring_to(status)
    if actor == "moderator":
        # A moderator may read a reported exchange, never act in it.
        scene.flag_conversation()
    who = scene.people[actor]
    before = scene.balances()
    shown = get_exchange(client, who, scene.id)
    expected = expected_status(action, status, actor, kind)

    response = act(client, who, scene.id, action)

    if expected == 200:
        body = ok(response)
        assert body["status"] == TARGET[action]
        assert scene.status() == TARGET[action]
        assert action in ok(shown)["allowed_actions"]
    else:
        refused(response, expected)
        assert scene.status() == status
        if actor == "stranger":
            refused(shown, 404)
        else:
            assert action not in ok(shown)["allowed_actions"]

    moved = MINUTES if expected == 200 and action == "complete" else 0
    receiver = receiver_role(kind)
    provider = "owner" if receiver == "proposer" else "proposer"
    after = scene.balances()
    assert after[receiver] == before[receiver] - moved
    assert after[provider] == before[provider] + moved


@pytest.mark.parametrize("kind", ["offer", "request"])
@pytest.mark.parametrize("status", STATUSES)
def test_allowed_actions_are_exactly_what_the_server_allows(client, kind, status):
    """For each party, `allowed_actions` lists the actions that succeed, and no other."""
    for role in ("owner", "proposer"):
        allowed = set()
        for action in ACTIONS:
            scene = Scene(client, kind)
            scene.bring_to(status)
            shown = ok(get_exchange(client, scene.people[role], scene.id))["allowed_actions"]
            if act(client, scene.people[role], scene.id, action).status_code == 200:
                allowed.add(action)
            assert (action in shown) == (action in allowed), (role, action, shown)
        expected = {a for a in ACTIONS if expected_status(a, status, role, kind) == 200}
        assert allowed == expected


def test_a_moderator_reading_a_reported_exchange_is_offered_no_action(client):
    scene = Scene(client, "offer")
    scene.flag_conversation()
    shown = ok(get_exchange(client, scene.moderator, scene.id))
    assert shown["allowed_actions"] == []
    assert shown["my_role"] is None


# --- the payment ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["offer", "request"])
def test_completing_moves_the_minutes_from_the_receiver_to_the_provider(client, kind):
    scene = Scene(client, kind)
    before = scene.balances()
    shown = ok(get_exchange(client, scene.receiver, scene.id))
    assert shown["provider"]["id"] == scene.provider.id
    assert shown["receiver"]["id"] == scene.receiver.id
    assert shown["my_role"] == "receiver"
    assert ok(get_exchange(client, scene.provider, scene.id))["my_role"] == "provider"

    scene.bring_to("completed")

    completed = ok(get_exchange(client, scene.receiver, scene.id))
    assert completed["transfer_id"] is not None
    assert completed["closed_at"] is not None
    after = scene.balances()
    receiver = "proposer" if kind == "offer" else "owner"
    provider = "owner" if kind == "offer" else "proposer"
    assert after[receiver] == before[receiver] - MINUTES
    assert after[provider] == before[provider] + MINUTES

    # One ledger line each, of the same transfer.
    for role, sign in ((receiver, -1), (provider, 1)):
        who = scene.people[role]
        entries = ok(
            client.get(
                f"{API}/timebank/accounts/{account(client, who)['id']}/entries",
                headers=who.headers,
            )
        )["items"]
        assert [(e["transfer_id"], e["minutes"]) for e in entries] == [
            (completed["transfer_id"], sign * MINUTES)
        ]
        assert f"Scambio n. {scene.id}" in entries[0]["memo"]


def test_a_completion_refused_below_the_floor_changes_nothing(client):
    scene = Scene(client, "offer")  # the proposer receives the help and pays
    scene.bring_to("accepted")
    # Staff raise the receiver's floor to their balance (0): they cannot pay.
    receiver_account = account(client, scene.receiver)["id"]
    ok(
        client.patch(
            f"{API}/timebank/accounts/{receiver_account}",
            json={"floor_minutes": 0},
            headers=scene.moderator.headers,
        )
    )
    before = scene.balances()
    provider_notifications = notifications(client, scene.provider)

    body = refused(act(client, scene.receiver, scene.id, "complete"), 409)
    assert body["message"]

    shown = ok(get_exchange(client, scene.receiver, scene.id))
    assert (shown["status"], shown["transfer_id"], shown["closed_at"]) == ("accepted", None, None)
    assert "complete" in shown["allowed_actions"]
    assert scene.balances() == before
    entries = ok(
        client.get(
            f"{API}/timebank/accounts/{receiver_account}/entries", headers=scene.receiver.headers
        )
    )["items"]
    assert entries == []
    assert notifications(client, scene.provider) == provider_notifications

    # Once the floor allows it, the same exchange completes: nothing was half done.
    ok(
        client.patch(
            f"{API}/timebank/accounts/{receiver_account}",
            json={"floor_minutes": -600},
            headers=scene.moderator.headers,
        )
    )
    assert ok(act(client, scene.receiver, scene.id, "complete"))["status"] == "completed"
    assert scene.balances() == {"proposer": -MINUTES, "owner": MINUTES}


def test_completing_twice_pays_once(client):
    scene = Scene(client, "request")
    scene.bring_to("completed")
    refused(act(client, scene.receiver, scene.id, "complete"), 409)
    assert scene.balances() == {"owner": -MINUTES, "proposer": MINUTES}


# --- proposing -------------------------------------------------------------------------


def test_a_proposal_opens_the_conversation_with_its_message(client, owner, neighbour):
    listing = create_listing(client, owner)
    exchange = ok(propose(client, neighbour, listing["id"], 30, "Ci sono sabato mattina"), 201)
    assert (exchange["status"], exchange["minutes"], exchange["proposer_id"]) == (
        "proposed",
        30,
        neighbour.id,
    )
    assert exchange["listing"] == {"id": listing["id"], "kind": "offer", "title": listing["title"]}
    for who, mine in ((owner, False), (neighbour, True)):
        (first,) = messages(client, who, exchange["id"])
        assert (first["body"], first["mine"], first["author"]["id"]) == (
            "Ci sono sabato mattina",
            mine,
            neighbour.id,
        )


def test_proposing_on_your_own_listing_is_invalid(client, owner):
    listing = create_listing(client, owner)
    refused(propose(client, owner, listing["id"]), 422)


def test_one_live_proposal_per_person_and_listing(client, owner, neighbour, stranger):
    listing = create_listing(client, owner)
    first = ok(propose(client, neighbour, listing["id"]), 201)
    again = refused(propose(client, neighbour, listing["id"]), 409)
    assert str(first["id"]) in again["message"]
    ok(act(client, owner, first["id"], "accept"))
    refused(propose(client, neighbour, listing["id"]), 409)  # accepted is still live
    # Someone else may propose meanwhile.
    ok(propose(client, stranger, listing["id"]), 201)
    # Once the first is over, a new proposal is welcome.
    ok(act(client, neighbour, first["id"], "cancel"))
    ok(propose(client, neighbour, listing["id"]), 201)


def test_after_a_declined_proposal_a_new_one_may_be_made(client, owner, neighbour):
    listing = create_listing(client, owner)
    first = ok(propose(client, neighbour, listing["id"]), 201)
    ok(act(client, owner, first["id"], "decline"))
    second = ok(propose(client, neighbour, listing["id"]), 201)
    assert second["id"] != first["id"]


def test_no_proposal_on_a_closed_withdrawn_or_unknown_listing(client, owner, neighbour):
    closed = create_listing(client, owner)
    ok(
        client.patch(
            f"{MARKET}/listings/{closed['id']}", json={"status": "closed"}, headers=owner.headers
        )
    )
    refused(propose(client, neighbour, closed["id"]), 409)
    withdrawn = create_listing(client, owner)
    client.delete(f"{MARKET}/listings/{withdrawn['id']}", headers=owner.headers)
    refused(propose(client, neighbour, withdrawn["id"]), 404)
    refused(propose(client, neighbour, 999999), 404)
    assert ok(client.get(f"{MARKET}/exchanges", headers=neighbour.headers))["items"] == []


@pytest.mark.parametrize(
    "change",
    [
        {"minutes": 0},
        {"minutes": 1441},
        {"minutes": -5},
        {"minutes": "60"},
        {"minutes": 1.5},
        {"minutes": None},
        {"message": ""},
        {"message": "   "},
        {"message": "x" * 2001},
        {"listing_id": 0},
        {"listing_id": "uno"},
    ],
)
def test_invalid_proposals_are_refused(client, owner, neighbour, change):
    listing = create_listing(client, owner)
    body = {"listing_id": listing["id"], "minutes": 60, "message": "Ciao", **change}
    response = client.post(f"{MARKET}/exchanges", json=body, headers=neighbour.headers)
    refused(response, 422)
    assert ok(client.get(f"{MARKET}/exchanges", headers=neighbour.headers))["items"] == []


def test_the_minute_bounds_themselves_are_accepted(client, owner, neighbour, stranger):
    listing = create_listing(client, owner)
    assert ok(propose(client, neighbour, listing["id"], 1), 201)["minutes"] == 1
    assert ok(propose(client, stranger, listing["id"], 1440), 201)["minutes"] == 1440


# --- lists and visibility ----------------------------------------------------------------


def test_my_exchanges_lists_both_sides_and_filters_by_status(client, owner, neighbour, stranger):
    mine = create_listing(client, owner)
    theirs = create_listing(client, neighbour, kind="request")
    given = ok(propose(client, neighbour, mine["id"]), 201)
    taken = ok(propose(client, owner, theirs["id"]), 201)
    ok(act(client, neighbour, taken["id"], "accept"))

    def listed(who, **query):
        page = client.get(f"{MARKET}/exchanges", headers=who.headers, query_string=query)
        return [item["id"] for item in ok(page)["items"]]

    assert listed(owner) == [taken["id"], given["id"]]
    assert listed(neighbour) == [taken["id"], given["id"]]
    assert listed(owner, status="accepted") == [taken["id"]]
    assert listed(owner, status="proposed") == [given["id"]]
    assert listed(stranger) == []
    refused(
        client.get(f"{MARKET}/exchanges", headers=owner.headers, query_string={"status": "x"}), 422
    )


def test_staff_do_not_see_an_exchange_nobody_reported(client):
    scene = Scene(client, "offer")
    refused(get_exchange(client, scene.moderator, scene.id), 404)
    refused(get_exchange(client, scene.stranger, scene.id), 404)
    ids = [
        e["id"]
        for e in ok(client.get(f"{MARKET}/exchanges", headers=scene.moderator.headers))["items"]
    ]
    assert scene.id not in ids


# --- notifications -------------------------------------------------------------------------


def _marketplace_notifications(client, who) -> list[tuple[str, str | None]]:
    return [
        (n["kind"], n["link"])
        for n in notifications(client, who)
        if n["kind"].startswith(("marketplace.", "conversation."))
    ]


@pytest.mark.parametrize("kind", ["offer", "request"])
def test_each_step_notifies_the_other_person_only(client, kind):
    scene = Scene(client, kind)  # proposed: the owner hears of it
    link = f"/scambi/{scene.id}"
    owner, proposer = scene.owner, scene.proposer
    assert _marketplace_notifications(client, owner) == [("marketplace.exchange", link)]
    assert _marketplace_notifications(client, proposer) == []

    steps = [
        (owner, lambda: act(client, owner, scene.id, "accept"), "marketplace.exchange"),
        (
            proposer,
            lambda: client.post(
                f"{MARKET}/exchanges/{scene.id}/messages",
                json={"body": "A che ora?"},
                headers=proposer.headers,
            ),
            "conversation.message",
        ),
        (
            scene.receiver,
            lambda: act(client, scene.receiver, scene.id, "complete"),
            "marketplace.exchange",
        ),
        (
            scene.provider,
            lambda: client.post(
                f"{MARKET}/exchanges/{scene.id}/review",
                json={"rating": 5, "comment": "Bene"},
                headers=scene.provider.headers,
            ),
            "marketplace.review",
        ),
    ]
    for actor, do, expected_kind in steps:
        other = proposer if actor.id == owner.id else owner
        heard_before = _marketplace_notifications(client, other)
        own_before = _marketplace_notifications(client, actor)
        assert do().status_code in (200, 201)
        heard = _marketplace_notifications(client, other)
        assert heard == [(expected_kind, link), *heard_before], expected_kind
        assert _marketplace_notifications(client, actor) == own_before
    assert _marketplace_notifications(client, scene.stranger) == []


def test_the_helper_is_told_how_many_minutes_they_received(client):
    scene = Scene(client, "request")
    scene.bring_to("completed")
    (latest, *_) = notifications(client, scene.provider)
    assert str(MINUTES) in latest["title"]
    assert latest["link"] == f"/scambi/{scene.id}"


@pytest.mark.parametrize("action", ["decline", "cancel"])
def test_declining_and_cancelling_notify_the_other_person(client, action):
    scene = Scene(client, "offer")
    actor = scene.owner if action == "decline" else scene.proposer
    other = scene.proposer if action == "decline" else scene.owner
    before = len(notifications(client, other))
    ok(act(client, actor, scene.id, action))
    (latest, *rest) = notifications(client, other)
    assert len(rest) == before
    assert (latest["kind"], latest["link"]) == ("marketplace.exchange", f"/scambi/{scene.id}")
    assert scene.listing["title"] in latest["title"]
