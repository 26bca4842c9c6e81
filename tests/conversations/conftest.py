"""A conversation of each owner the platform has: a marketplace exchange (between its two
people) and a catalogue service request (between the requester and the operators)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from qc_platform.catalogue.models import ServiceRequest
from qc_platform.conversations.models import Conversation
from qc_platform.extensions import db
from qc_platform.marketplace.models import Exchange
from tests.catalogue.helpers import REQUESTS, ask, publish
from tests.marketplace.helpers import (
    MARKET,
    Person,
    complex_id,
    create_listing,
    ok,
    organisation_id,
    person,
)


@dataclass(frozen=True)
class Thread:
    """An owner's conversation: its messages' URL, the two sides, the messages it already has
    (newest first), and where its notifications lead."""

    owner: str
    url: str
    first: Person
    second: Person
    outsider: Person
    link: str
    subject: str
    conversation_id: int
    initial: tuple[str, ...]

    def conversation(self) -> Conversation:
        return db.session.get(Conversation, self.conversation_id)


def _exchange(client) -> Thread:
    owner = person(("tenant", "complex", complex_id("boccioni")), display_name="Olga Proprietaria")
    neighbour = person(("tenant", "complex", complex_id("omero")), display_name="Nino Vicino")
    listing = create_listing(client, owner)
    exchange = ok(
        client.post(
            f"{MARKET}/exchanges",
            json={"listing_id": listing["id"], "minutes": 60, "message": "Posso aiutarti io"},
            headers=neighbour.headers,
        ),
        201,
    )
    return Thread(
        owner="exchange",
        url=f"{MARKET}/exchanges/{exchange['id']}/messages",
        first=neighbour,
        second=owner,
        outsider=person(display_name="Sara Estranea"),
        link=f"/scambi/{exchange['id']}",
        subject=listing["title"],
        conversation_id=db.session.get(Exchange, exchange["id"]).conversation_id,
        initial=("Posso aiutarti io",),
    )


def _request(client) -> Thread:
    org = organisation_id("ente-boccioni")
    operator = person(("operator", "organisation", org), display_name="Ornella Operatrice")
    requester = person(
        ("tenant", "complex", complex_id("boccioni")), display_name="Rita Richiedente"
    )
    service = publish(client, operator, org, title="Sartoria di quartiere")
    request = ok(ask(client, requester, service["id"]), 201)
    return Thread(
        owner="request",
        url=f"{REQUESTS}/{request['id']}/messages",
        first=requester,
        second=operator,
        outsider=person(display_name="Sara Estranea"),
        link=f"/servizi/richieste/{request['id']}",
        subject=service["title"],
        conversation_id=db.session.get(ServiceRequest, request["id"]).conversation_id,
        initial=(),
    )


@pytest.fixture(params=["exchange", "request"])
def thread(request, client) -> Thread:
    return {"exchange": _exchange, "request": _request}[request.param](client)
