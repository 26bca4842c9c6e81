"""A person with something in every module, and the people around her, for the GDPR tests.

Ernesta (a tenant of Boccioni) has: a pending tenancy request, a new e-mail address not
confirmed yet, a public report with a
photo and a comment of hers, a "me too" on her neighbour's report, a listing, a proposal
(with its message) on her neighbour's listing, a confirmed place in a one-seat session
(her neighbour waits behind her), a pending service request, a time-bank payment to her
neighbour, a notification, a session, a token and a calendar feed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image

from qc_platform.accounts import service as accounts
from qc_platform.accounts.models import User
from qc_platform.extensions import db
from qc_platform.feedback import attachments
from qc_platform.feedback import service as feedback
from qc_platform.notifications.models import Notification
from tests.accounts.factories import TenancyVerificationFactory, persist
from tests.activities.helpers import make_activity, sessions_of
from tests.catalogue.helpers import ask, publish
from tests.conftest import TEST_PASSWORD
from tests.marketplace.helpers import (
    API,
    MARKET,
    Person,
    complex_id,
    create_listing,
    ok,
    organisation_id,
    person,
    propose,
)

NAME = "Ernesta Cancellanda"
NEW_EMAIL = "ernesta.nuova@example.org"


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, format="PNG")
    return out.getvalue()


@dataclass
class World:
    erin: Person
    neighbour: Person
    custodian: Person
    staff: Person
    admin: Person
    operator: Person
    ids: dict = field(default_factory=dict)


def user(who: Person) -> User:
    return db.session.get(User, who.id)


def people() -> World:
    boccioni = complex_id("boccioni")
    return World(
        erin=person(("tenant", "complex", boccioni), display_name=NAME),
        neighbour=person(("tenant", "complex", boccioni), display_name="Nello Vicino"),
        custodian=person(("custodian", "complex", boccioni), display_name="Carla Custode"),
        staff=person(("staff", None, None), display_name="Stefano Staff"),
        admin=person(("admin", None, None), display_name="Adele Admin"),
        operator=person(
            ("operator", "organisation", organisation_id("ente-boccioni")),
            display_name="Ornella Operatrice",
        ),
    )


def build(client) -> World:
    w = people()
    ids = w.ids
    erin = user(w.erin)
    boccioni = complex_id("boccioni")

    # accounts: a pending request to be recognised at another complex, a browser session
    ids["tenancy"] = TenancyVerificationFactory(user=erin, complex_id=complex_id("omero")).id
    accounts.start_session(user=erin, user_agent="Mozilla/5.0 (X11; Linux) Firefox/140.0")
    # …and a new address she asked for, not confirmed yet (a link went there)
    ok(
        client.post(
            f"{API}/users/me/email",
            json={"new_email": NEW_EMAIL, "password": TEST_PASSWORD},
            headers=w.erin.headers,
        ),
        202,
    )

    # feedback: her public report, with a photo and a comment; a "me too" on her neighbour's
    report = feedback.submit(
        author=erin,
        complex_id=boccioni,
        category="maintenance",
        title="Perdita d'acqua in cantina",
        description="Dal soffitto della cantina gocciola acqua da tre giorni.",
        visibility="public",
    )
    attachment = attachments.add(
        uploader=erin, report=report, stream=io.BytesIO(photo()), filename="cantina.png"
    )
    feedback.add_update(author=erin, report=report, body="Ora gocciola anche in scala B.")
    theirs = feedback.submit(
        author=user(w.neighbour),
        complex_id=boccioni,
        category="maintenance",
        title="Citofono guasto",
        description="Il citofono della scala A non suona.",
        visibility="public",
    )
    feedback.support(user=erin, report=theirs)
    persist()
    ids.update(report=report.id, attachment=attachment.id, their_report=theirs.id)

    # marketplace: her listing; her proposal (and its message) on her neighbour's listing
    ids["listing"] = create_listing(client, w.erin, title="Ripetizioni di matematica")["id"]
    ids["their_listing"] = create_listing(client, w.neighbour, title="Aiuto col trasloco")["id"]
    exchange = ok(
        propose(client, w.erin, ids["their_listing"], message="Posso venire sabato mattina."),
        201,
    )
    ids["exchange"] = exchange["id"]

    # activities: the only seat of next week's session is hers; her neighbour waits
    activity = make_activity(operator=user(w.operator), capacity=1, title="Yoga dolce")
    session_id = sessions_of(activity.id)[0].id
    ids.update(activity=activity.id, session=session_id)
    for who in (w.erin, w.neighbour):
        ids[f"registration_{who.id}"] = ok(
            client.post(f"{API}/sessions/{session_id}/registrations", json={}, headers=who.headers),
            201,
        )["id"]
    ok(client.post(f"{API}/users/me/calendar-feed", json={}, headers=w.erin.headers), 201)

    # catalogue: her pending request to the organisation's tailoring service
    service = publish(client, w.operator, organisation_id("ente-boccioni"))
    ids["service"] = service["id"]
    ids["request"] = ok(
        ask(client, w.erin, service["id"], message="Ho una giacca da accorciare."), 201
    )["id"]

    # time bank: she paid her neighbour half an hour
    ids["transfer"] = ok(
        client.post(
            f"{API}/timebank/transfers",
            json={
                "to_account_id": ok(
                    client.get(f"{API}/timebank/accounts/me", headers=w.neighbour.headers)
                )["id"],
                "minutes": 30,
                "memo": "Grazie per il caffè",
            },
            headers=w.erin.headers,
        ),
        201,
    )["id"]
    ids["account"] = ok(client.get(f"{API}/timebank/accounts/me", headers=w.erin.headers))["id"]

    # notifications: one of hers (her neighbour was told of her proposal, by name)
    db.session.add(
        Notification(
            user_id=w.erin.id, kind="system.announcement", title="Avviso ai residenti", body="-"
        )
    )
    persist()
    return w


__all__ = ["MARKET", "NAME", "NEW_EMAIL", "World", "build", "people", "photo", "user"]
