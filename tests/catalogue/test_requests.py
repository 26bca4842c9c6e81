"""Requests for services: the state machine, who sees what, notifications, messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
import time_machine
from sqlalchemy import func, select

from qc_platform.catalogue.models import ServiceRequest
from qc_platform.conversations.models import Message
from qc_platform.core.clock import ROME
from qc_platform.extensions import db
from tests.catalogue.helpers import (
    REQUESTS,
    SERVICES,
    act,
    ask,
    get_request,
    patch_service,
    publish,
)
from tests.marketplace.helpers import notifications, ok, refused

KIND = "catalogue.request"


def request_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceRequest))


def catalogue_notes(client, who) -> list[dict]:
    return [n for n in notifications(client, who) if n["kind"] == KIND]


@pytest.fixture
def service(client, operator, org) -> dict:
    return publish(
        client, operator, org, title="Sartoria di quartiere", price_model="fixed", price_cents=800
    )


@pytest.fixture
def people(requester, operator, colleague, stranger, other_operator) -> dict:
    return {
        "requester": requester,
        "operator": operator,
        "colleague": colleague,
        "stranger": stranger,
        "other_operator": other_operator,
    }


# --- asking ------------------------------------------------------------------------------


def test_asking_makes_a_pending_request_with_the_price_of_the_moment(
    client, requester, operator, service
):
    response = ask(
        client,
        requester,
        service["id"],
        message="  Due orli, per favore. ",
        preferred_times="martedì mattina",
    )
    created = ok(response, 201)
    assert created["status"] == "pending"
    assert created["message"] == "Due orli, per favore."
    assert created["preferred_times"] == "martedì mattina"
    assert created["service"]["id"] == service["id"]
    assert created["service"]["organisation"]["id"] == service["organisation"]["id"]
    assert created["requester"]["id"] == requester.id
    assert (created["price_model"], created["price_cents"], created["minutes"]) == (
        "fixed",
        800,
        None,
    )
    assert created["proposed_time"] is None and created["decline_reason"] is None
    assert created["transfer_id"] is None and created["closed_at"] is None
    assert created["allowed_actions"] == ["cancel"]
    as_operator = ok(get_request(client, operator, created["id"]))
    assert sorted(as_operator["allowed_actions"]) == ["accept", "cancel", "decline"]
    assert {k: v for k, v in as_operator.items() if k != "allowed_actions"} == {
        k: v for k, v in created.items() if k != "allowed_actions"
    }


def test_preferred_times_are_optional(client, requester, service):
    created = ok(ask(client, requester, service["id"]), 201)
    assert created["preferred_times"] == ""


def test_asking_a_paused_service_is_409_and_makes_nothing(client, requester, operator, service):
    ok(patch_service(client, operator, service["id"], status="paused"))
    body = refused(ask(client, requester, service["id"]), 409)
    assert body["message"] == "Questo servizio è sospeso per ora: non accetta richieste."
    assert request_count() == 0
    assert catalogue_notes(client, operator) == []
    ok(patch_service(client, operator, service["id"], status="active"))
    ok(ask(client, requester, service["id"]), 201)


def test_asking_an_unknown_service_is_404(client, requester):
    refused(ask(client, requester, 999_999), 404)


@pytest.mark.parametrize(
    "body",
    [
        {"message": "x" * 2001},
        {"message": ""},
        {"message": "   \n "},
        {"message": None},
        {"preferred_times": "martedì"},  # no message
        {"message": "Ciao", "preferred_times": "x" * 501},
        {"message": "Ciao", "preferred_times": None},
        {"message": ["Ciao"]},
    ],
)
def test_unbounded_or_missing_texts_are_422(client, requester, service, body):
    response = client.post(
        f"{SERVICES}/{service['id']}/requests", json=body, headers=requester.headers
    )
    refused(response, 422)
    assert request_count() == 0


def test_the_longest_texts_allowed_are_kept_whole(client, requester, service):
    created = ok(
        ask(client, requester, service["id"], message="m" * 2000, preferred_times="p" * 500), 201
    )
    assert (len(created["message"]), len(created["preferred_times"])) == (2000, 500)


# --- Idempotency-Key ---------------------------------------------------------------------


def test_a_replayed_key_returns_the_same_request(client, requester, operator, service):
    headers = {"Idempotency-Key": "richiesta-1"}
    first = ask(client, requester, service["id"], preferred_times="sera", headers=headers)
    again = ask(client, requester, service["id"], preferred_times="sera", headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert request_count() == 1
    assert len(catalogue_notes(client, operator)) == 1  # the operators heard of it once


def test_a_key_reused_with_another_body_is_409(client, requester, operator, org, service):
    headers = {"Idempotency-Key": "richiesta-2"}
    ok(ask(client, requester, service["id"], message="Un orlo.", headers=headers), 201)
    refused(ask(client, requester, service["id"], message="Due orli.", headers=headers), 409)
    other = publish(client, operator, org, title="Riparazioni")
    refused(ask(client, requester, other["id"], message="Un orlo.", headers=headers), 409)
    assert request_count() == 1


def test_keys_are_per_person(client, requester, stranger, service):
    headers = {"Idempotency-Key": "stessa-chiave"}
    mine = ok(ask(client, requester, service["id"], headers=headers), 201)
    theirs = ok(ask(client, stranger, service["id"], headers=headers), 201)
    assert mine["id"] != theirs["id"]
    assert theirs["requester"]["id"] == stranger.id


def test_a_refused_request_does_not_use_up_its_key(client, requester, operator, service):
    headers = {"Idempotency-Key": "dopo-la-pausa"}
    ok(patch_service(client, operator, service["id"], status="paused"))
    refused(ask(client, requester, service["id"], headers=headers), 409)
    ok(patch_service(client, operator, service["id"], status="active"))
    created = ok(ask(client, requester, service["id"], headers=headers), 201)
    assert created["status"] == "pending"
    assert request_count() == 1


# --- the state machine, every action × status × actor -------------------------------------

STATUSES = ("pending", "accepted", "declined", "completed", "cancelled")
ACTIONS = ("accept", "decline", "cancel", "complete")
ACTORS = ("requester", "operator", "colleague", "stranger", "other_operator")
PROVIDERS = {"operator", "colleague"}  # both operators of the service's organisation
PARTIES = {"requester", *PROVIDERS}
TARGET = {
    "accept": "accepted",
    "decline": "declined",
    "cancel": "cancelled",
    "complete": "completed",
}
#: Whose action each one is, whatever the status.
WHOSE = {"accept": PROVIDERS, "decline": PROVIDERS, "cancel": PARTIES, "complete": {"requester"}}
#: The only moves there are.
MOVES = {
    ("accept", "pending"),
    ("decline", "pending"),
    ("cancel", "pending"),
    ("cancel", "accepted"),
    ("complete", "accepted"),
}
BODIES = {"accept": {"note": "Passi martedì"}, "decline": {"reason": "Siamo al completo"}}


def expected_status(action: str, status: str, actor: str) -> int:
    if actor not in PARTIES:
        return 404  # not visible
    if actor not in WHOSE[action]:
        return 403  # visible, not theirs to do
    return 200 if (action, status) in MOVES else 409


def request_in(client, people, service_id: int, status: str) -> int:
    """A request of the requester, brought to ``status`` the ordinary way."""
    request_id = ok(ask(client, people["requester"], service_id), 201)["id"]
    steps = {
        "pending": [],
        "accepted": [("operator", "accept")],
        "declined": [("operator", "decline")],
        "completed": [("operator", "accept"), ("requester", "complete")],
        "cancelled": [("requester", "cancel")],
    }[status]
    for who, action in steps:
        ok(act(client, people[who], request_id, action, BODIES.get(action)))
    assert ok(get_request(client, people["requester"], request_id))["status"] == status
    return request_id


@pytest.mark.parametrize(("action", "status", "actor"), list(product(ACTIONS, STATUSES, ACTORS)))
def test_every_action_in_every_status_by_everyone(client, people, service, action, status, actor):
    request_id = request_in(client, people, service["id"], status)
    who = people[actor]
    before = get_request(client, who, request_id)
    response = act(client, who, request_id, action, BODIES.get(action))
    expected = expected_status(action, status, actor)
    assert response.status_code == expected, response.get_json()
    now = ok(get_request(client, people["requester"], request_id))
    if expected == 200:
        assert response.get_json()["status"] == TARGET[action]
        assert now["status"] == TARGET[action]
        assert action in before.get_json()["allowed_actions"]
        assert (
            response.get_json()["allowed_actions"]
            == ok(get_request(client, who, request_id))["allowed_actions"]
        )
    else:
        refused(response, expected)
        assert now["status"] == status  # nothing changed
        if expected == 404:
            assert before.status_code == 404
        else:
            assert action not in before.get_json()["allowed_actions"]
    if expected == 409:
        assert status in response.get_json()["message"]


@pytest.mark.parametrize(("status", "actor"), list(product(STATUSES, sorted(PARTIES))))
def test_allowed_actions_are_exactly_what_would_succeed(client, people, service, status, actor):
    request_id = request_in(client, people, service["id"], status)
    shown = ok(get_request(client, people[actor], request_id))["allowed_actions"]
    assert sorted(shown) == sorted(a for a in ACTIONS if expected_status(a, status, actor) == 200)
    assert len(shown) == len(set(shown))


def test_closed_requests_record_when_they_closed(client, people, service):
    for status in ("declined", "completed", "cancelled"):
        closed = ok(
            get_request(
                client, people["requester"], request_in(client, people, service["id"], status)
            )
        )
        assert closed["closed_at"] is not None, status
    accepted = ok(
        get_request(
            client, people["requester"], request_in(client, people, service["id"], "accepted")
        )
    )
    assert accepted["closed_at"] is None


# --- accepting and declining -------------------------------------------------------------


def test_accepting_proposes_a_time_in_the_future(client, requester, operator, service):
    # A week ahead of the real clock: the people's personal tokens (90 days) still hold.
    now = (datetime.now(ROME) + timedelta(days=7)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    proposed = (now + timedelta(minutes=1)).astimezone(UTC)
    with time_machine.travel(now, tick=False):
        request_id = ok(ask(client, requester, service["id"]), 201)["id"]
        for past in (
            (now - timedelta(minutes=1)).isoformat(),
            now.isoformat(),
            "2026-01-01T10:00:00Z",
        ):
            body = refused(
                act(client, operator, request_id, "accept", {"proposed_time": past}), 422
            )
            assert body["message"] == "L'orario proposto è già passato."
        assert ok(get_request(client, requester, request_id))["status"] == "pending"
        accepted = ok(
            act(
                client,
                operator,
                request_id,
                "accept",
                {
                    "proposed_time": proposed.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "note": "Porti i pantaloni.",
                },
            )
        )
    assert accepted["status"] == "accepted"
    assert accepted["proposed_time"] == proposed.isoformat()
    assert accepted["provider_note"] == "Porti i pantaloni."
    seen = ok(get_request(client, requester, request_id))
    assert (seen["proposed_time"], seen["provider_note"]) == (
        accepted["proposed_time"],
        "Porti i pantaloni.",
    )
    # The requester reads the time in Milan's clock.
    [note] = [
        n
        for n in catalogue_notes(client, requester)
        if n["link"] == f"/servizi/richieste/{request_id}"
    ]
    assert f"{now:%d/%m/%Y} 10:01" in note["body"]


@pytest.mark.parametrize(
    "body",
    [
        {"proposed_time": "2099-05-12T10:00:00"},  # no offset: ambiguous
        {"proposed_time": "domani"},
        {"proposed_time": "9999-12-31T23:30:00-05:00"},  # no UTC time: was a 500
        {"proposed_time": "9999-12-31T23:30:00+00:00"},
        {"note": "x" * 501},
    ],
)
def test_invalid_acceptances_are_422(client, requester, operator, service, body):
    request_id = ok(ask(client, requester, service["id"]), 201)["id"]
    refused(act(client, operator, request_id, "accept", body), 422)
    assert ok(get_request(client, requester, request_id))["status"] == "pending"


def test_accepting_without_a_time_is_allowed(client, requester, operator, service):
    request_id = ok(ask(client, requester, service["id"]), 201)["id"]
    accepted = ok(act(client, operator, request_id, "accept", {}))
    assert accepted["proposed_time"] is None and accepted["status"] == "accepted"


def test_declining_gives_the_requester_a_reason(client, requester, operator, service):
    request_id = ok(ask(client, requester, service["id"]), 201)["id"]
    declined = ok(
        act(client, operator, request_id, "decline", {"reason": " Siamo chiusi ad agosto. "})
    )
    assert declined["status"] == "declined"
    assert (
        ok(get_request(client, requester, request_id))["decline_reason"].strip()
        == "Siamo chiusi ad agosto."
    )


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "no"}, {"reason": "x" * 501}]
)
def test_a_decline_needs_a_bounded_reason(client, requester, operator, service, body):
    request_id = ok(ask(client, requester, service["id"]), 201)["id"]
    refused(act(client, operator, request_id, "decline", body), 422)
    assert ok(get_request(client, requester, request_id))["status"] == "pending"


# --- visibility --------------------------------------------------------------------------


def test_only_the_requester_and_the_organisations_operators_see_a_request(client, people, service):
    request_id = request_in(client, people, service["id"], "pending")
    for name in ("requester", "operator", "colleague"):
        assert ok(get_request(client, people[name], request_id))["id"] == request_id
    for name in ("stranger", "other_operator"):
        body = refused(get_request(client, people[name], request_id), 404)
        assert body["message"] == "Richiesta non trovata."


def test_lists_show_mine_and_incoming_only(client, people, service):
    request_id = request_in(client, people, service["id"], "pending")

    def listed(name, **query) -> list[int]:
        page = ok(client.get(REQUESTS, query_string=query, headers=people[name].headers))
        return [item["id"] for item in page["items"]]

    assert listed("requester") == [request_id]
    assert listed("stranger") == []
    assert listed("operator") == []  # not theirs as a requester
    assert listed("operator", incoming="true") == [request_id]
    assert listed("colleague", incoming="true") == [request_id]
    assert listed("other_operator", incoming="true") == []
    assert listed("requester", incoming="true") == []
    assert listed("operator", incoming="true", status="accepted") == []


# --- notifications -----------------------------------------------------------------------


def _links(client, who) -> list[str]:
    return [n["link"] for n in catalogue_notes(client, who)]


def test_operators_hear_of_a_new_request_and_the_requester_hears_the_answer(
    client, people, service
):
    requester, operator, colleague = people["requester"], people["operator"], people["colleague"]
    request_id = ok(ask(client, requester, service["id"]), 201)["id"]
    link = f"/servizi/richieste/{request_id}"
    for who in (operator, colleague):
        [note] = catalogue_notes(client, who)
        assert note["link"] == link
        assert note["title"] == "Nuova richiesta: Sartoria di quartiere"
        assert requester.name in note["body"]
    assert _links(client, requester) == []
    assert _links(client, people["other_operator"]) == []
    assert _links(client, people["stranger"]) == []

    ok(act(client, operator, request_id, "accept", {}))
    [note] = catalogue_notes(client, requester)
    assert note["link"] == link and note["title"] == "Richiesta accettata: Sartoria di quartiere"
    assert len(_links(client, operator)) == len(_links(client, colleague)) == 1  # nothing new

    ok(act(client, requester, request_id, "complete"))
    for who in (operator, colleague):
        assert _links(client, who) == [link, link]
        assert (
            catalogue_notes(client, who)[0]["title"] == "Servizio completato: Sartoria di quartiere"
        )
    assert len(_links(client, requester)) == 1  # not told of their own action


def test_the_requester_hears_a_decline_with_its_reason(client, people, service):
    request_id = request_in(client, people, service["id"], "declined")
    [note] = catalogue_notes(client, people["requester"])
    assert note["link"] == f"/servizi/richieste/{request_id}"
    assert note["title"] == "Richiesta non accettata: Sartoria di quartiere"
    assert "Siamo al completo" in note["body"]


def test_a_cancellation_is_heard_by_the_other_side(client, people, service):
    by_requester = request_in(client, people, service["id"], "cancelled")
    for who in ("operator", "colleague"):
        assert _links(client, people[who]) == [f"/servizi/richieste/{by_requester}"] * 2
        assert (
            catalogue_notes(client, people[who])[0]["title"]
            == "Richiesta annullata: Sartoria di quartiere"
        )
    assert _links(client, people["requester"]) == []

    by_operator = request_in(client, people, service["id"], "accepted")
    ok(act(client, people["colleague"], by_operator, "cancel"))
    notes = catalogue_notes(client, people["requester"])
    assert [n["link"] for n in notes] == [f"/servizi/richieste/{by_operator}"] * 2
    assert notes[0]["title"] == "Richiesta annullata: Sartoria di quartiere"
    assert people["colleague"].name in notes[0]["body"]


def test_a_refused_action_notifies_nobody(client, people, service):
    request_id = request_in(client, people, service["id"], "pending")
    before = {name: len(notifications(client, who)) for name, who in people.items()}
    refused(act(client, people["requester"], request_id, "complete"), 409)
    refused(act(client, people["requester"], request_id, "accept", {}), 403)
    refused(act(client, people["stranger"], request_id, "cancel"), 404)
    assert {name: len(notifications(client, who)) for name, who in people.items()} == before


# --- messages ----------------------------------------------------------------------------


def _messages(client, who, request_id):
    return client.get(
        f"{REQUESTS}/{request_id}/messages", headers=who.headers, query_string={"limit": 100}
    )


def _write(client, who, request_id, body):
    return client.post(
        f"{REQUESTS}/{request_id}/messages", json={"body": body}, headers=who.headers
    )


def test_messages_reach_the_requester_and_every_operator(client, people, service):
    request_id = request_in(client, people, service["id"], "pending")
    asked = ok(_write(client, people["requester"], request_id, "  Va bene martedì? "), 201)
    assert asked["body"] == "Va bene martedì?" and asked["mine"] is True
    answered = ok(_write(client, people["colleague"], request_id, "Sì, alle 10."), 201)
    for name in ("requester", "operator", "colleague"):
        items = ok(_messages(client, people[name], request_id))["items"]
        assert [m["body"] for m in items] == ["Sì, alle 10.", "Va bene martedì?"], (
            name
        )  # newest first
        assert [m["author"]["id"] for m in items] == [
            people["colleague"].id,
            people["requester"].id,
        ]
        assert [m["mine"] for m in items] == [name == "colleague", name == "requester"]
        assert "email" not in str(items)
    # One conversation (of the conversations service), owned by the request.
    conversation_id = asked["conversation_id"]
    assert answered["conversation_id"] == conversation_id
    assert db.session.get(ServiceRequest, request_id).conversation_id == conversation_id
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.conversation_id == conversation_id)
        )
        == 2
    )


def test_messages_notify_the_other_parties_with_the_requests_link(client, people, service):
    request_id = request_in(client, people, service["id"], "pending")
    link = f"/servizi/richieste/{request_id}"
    ok(_write(client, people["requester"], request_id, "Posso passare alle 17?"), 201)

    def message_links(name):
        return [
            n["link"]
            for n in notifications(client, people[name])
            if n["kind"] == "conversation.message"
        ]

    assert message_links("operator") == [link]
    assert message_links("colleague") == [link]
    assert message_links("requester") == []  # not to the author
    assert message_links("other_operator") == message_links("stranger") == []
    ok(_write(client, people["operator"], request_id, "Certo."), 201)
    assert message_links("requester") == [link]
    assert message_links("colleague") == [link, link]
    assert message_links("operator") == [link]


@pytest.mark.parametrize("outsider", ["stranger", "other_operator"])
def test_outsiders_neither_read_nor_write_messages(client, people, service, outsider):
    request_id = request_in(client, people, service["id"], "pending")
    ok(_write(client, people["requester"], request_id, "Riservato."), 201)
    refused(_messages(client, people[outsider], request_id), 404)
    refused(_write(client, people[outsider], request_id, "Ciao a tutti"), 404)
    assert [m["body"] for m in ok(_messages(client, people["operator"], request_id))["items"]] == [
        "Riservato."
    ]
