"""Every route × every role → the expected status.

A route that is added without a row here fails ``test_every_route_has_a_row``: deciding
who may call it is part of adding it. Each case runs in its own rolled-back savepoint,
with a valid request, so the status reflects the permission rule and nothing else.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from qc_platform.accounts import service as accounts
from qc_platform.extensions import db
from qc_platform.places.models import Complex, Organisation
from tests.accounts.factories import (
    RoleGrantFactory,
    TenancyVerificationFactory,
    UserFactory,
    bearer,
    persist,
    user_with_roles,
)
from tests.conftest import TEST_PASSWORD

ROLES = (
    "anonymous",
    "resident",
    "tenant",
    "tenant_other",
    "operator",
    "custodian",
    "committee_member",
    "staff",
    "admin",
)
SIGNED_IN = ROLES[1:]
_unique = itertools.count()


@dataclass
class World:
    """The people and things every case can refer to."""

    complex_a: int
    complex_b: int
    complex_c: int
    organisation_a: int
    users: dict
    extra: dict = field(default_factory=dict)


def build_world() -> World:
    code = lambda c: db.session.scalar(select(Complex.id).where(Complex.code == c))  # noqa: E731
    a, b, c = code("boccioni"), code("fratelli-zoia"), code("omero")
    org = db.session.scalar(select(Organisation.id).where(Organisation.slug == "ente-boccioni"))
    users = {
        "resident": user_with_roles(),
        "tenant": user_with_roles(("tenant", "complex", a)),
        "tenant_other": user_with_roles(("tenant", "complex", b)),
        "operator": user_with_roles(("operator", "organisation", org)),
        "custodian": user_with_roles(("custodian", "complex", a)),
        "committee_member": user_with_roles(("committee_member", "committee", 1)),
        "staff": user_with_roles(("staff", None, None)),
        "admin": user_with_roles(("admin", None, None)),
    }
    return World(complex_a=a, complex_b=b, complex_c=c, organisation_a=org, users=users)


@dataclass
class Case:
    expected: dict[str, int]
    path: Callable[[World], str] | str
    json: Callable[[World], dict] | dict | None = None
    # A multipart form instead of JSON (uploads): ``{"file": (stream, name)}``.
    form: Callable[[World], dict] | None = None


def expect(default: int, anonymous: int | None = None, **overrides: int) -> dict[str, int]:
    table = {role: default for role in ROLES}
    if anonymous is not None:
        table["anonymous"] = anonymous
    table.update(overrides)
    return table


PUBLIC = expect(200)
SIGNED_IN_ONLY = expect(200, anonymous=401)
ADMIN_WRITE_201 = expect(403, anonymous=401, admin=201)
ADMIN_WRITE_200 = expect(403, anonymous=401, admin=200)
# A pending request of the resident for complex A: its requester, A's custodian, staff.
TENANCY_DECIDE = expect(404, anonymous=401, resident=403, custodian=200, staff=200, admin=200)


def _n() -> int:
    return next(_unique)


def _pending_verification(w: World) -> int:
    if "verification" not in w.extra:
        w.extra["verification"] = TenancyVerificationFactory(
            user=w.users["resident"], complex_id=w.complex_a
        ).id
    return w.extra["verification"]


def _target_user(w: World) -> int:
    if "target" not in w.extra:
        target = UserFactory()
        grant = RoleGrantFactory(
            user=target, role="custodian", scope_type="complex", scope_id=w.complex_b
        )
        w.extra["target"], w.extra["grant"] = target.id, grant.id
    return w.extra["target"]


def _resident_token(w: World) -> int:
    token, _ = accounts.issue_token(user=w.users["resident"], name="matrix")
    persist()
    return token.id


def _email_link(w: World, purpose: str, email: str | None = None) -> str:
    """The token of a link e-mailed to the resident (a reset, a verification, a change)."""
    from qc_platform.accounts.service import email_tokens

    resident = w.users["resident"]
    token = email_tokens.issue(user=resident, purpose=purpose, email=email or resident.email)
    persist()
    return token


def _resident_session(w: World) -> int:
    user_session, _ = accounts.start_session(user=w.users["resident"], user_agent=None)
    persist()
    return user_session.id


def _resident_notification(w: World) -> int:
    from qc_platform.notifications.models import Notification

    notification = Notification(
        user_id=w.users["resident"].id, kind="system.announcement", title="Avviso", body=""
    )
    db.session.add(notification)
    persist()
    return notification.id


# A private report of the tenant of complex A, routed to A's custodian.
REPORT_VISIBLE = expect(404, anonymous=401, tenant=200, custodian=200, staff=200, admin=200)
STAFF_200 = expect(403, anonymous=401, staff=200, admin=200)
STAFF_201 = expect(403, anonymous=401, staff=201, admin=201)


def _report(w: World) -> int:
    if "report" not in w.extra:
        from qc_platform.feedback import service as feedback

        report = feedback.submit(
            author=w.users["tenant"],
            complex_id=w.complex_a,
            category="maintenance",
            title="Ascensore fermo",
            description="L'ascensore è fermo da ieri.",
        )
        persist()
        w.extra["report"] = report.id
    return w.extra["report"]


def _rule(w: World) -> int:
    from qc_platform.feedback import service as feedback

    rule = feedback.create_rule(
        actor=w.users["staff"], category="praise", complex_id=w.complex_b, route_to="staff"
    )
    persist()
    return rule.id


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(out, format="PNG")
    return out.getvalue()


def _attachment(w: World) -> int:
    if "attachment" not in w.extra:
        from qc_platform.feedback import attachments
        from qc_platform.feedback import service as feedback

        report = feedback.get_visible(w.users["tenant"], _report(w))
        attachment = attachments.add(
            uploader=w.users["tenant"],
            report=report,
            stream=io.BytesIO(_photo()),
            filename="ascensore.png",
        )
        persist()
        w.extra["attachment"] = attachment.id
    return w.extra["attachment"]


def _committee(w: World) -> int:
    if "committee" not in w.extra:
        from qc_platform.feedback import service as feedback

        committee = feedback.create_committee(
            actor=w.users["staff"], name="Comitato Boccioni", complex_ids=[w.complex_a]
        )
        persist()
        w.extra["committee"] = committee.id
    return w.extra["committee"]


# --- time bank and marketplace ----------------------------------------------------------
# A listing of the tenant (an offer, in a space run by the operator's organisation) and an
# exchange on it proposed by tenant_other: the tenant gives help, tenant_other receives it.
PARTIES = {"tenant": 200, "tenant_other": 200}
TIMEBANK_OWNER = expect(404, anonymous=401, tenant=200, staff=200, admin=200)
EXCHANGE_PARTIES = expect(404, anonymous=401, **PARTIES)
MODERATORS_200 = expect(403, anonymous=401, operator=200, staff=200, admin=200)


def _account_of(w: World, role: str) -> int:
    from qc_platform.timebank import service as timebank

    return timebank.account_of_user(w.users[role].id).id


def _listing(w: World) -> int:
    if "listing" not in w.extra:
        from qc_platform.marketplace import service as marketplace
        from qc_platform.places.models import Space

        space = db.session.scalar(
            select(Space.id).where(Space.organisation_id == w.organisation_a).limit(1)
        )
        listing = marketplace.create_listing(
            owner=w.users["tenant"],
            data={
                "kind": "offer",
                "title": "Aiuto con la spesa",
                "description": "Il martedì mattina posso fare la spesa per chi ne ha bisogno.",
                "category": "errands",
                "minutes_estimate": 60,
                "space_id": space,
            },
        )
        persist()
        w.extra["listing"] = listing.id
    return w.extra["listing"]


def _exchange(w: World, *, accepted: bool = False, completed: bool = False) -> int:
    from qc_platform.marketplace import service as marketplace

    exchange = marketplace.propose(
        user=w.users["tenant_other"], listing_id=_listing(w), minutes=60, message="Grazie!"
    )
    if accepted or completed:
        marketplace.act(user=w.users["tenant"], exchange=exchange, action="accept")
    if completed:
        marketplace.act(user=w.users["tenant_other"], exchange=exchange, action="complete")
    persist()
    return exchange.id


def _listing_flag(w: World) -> int:
    from qc_platform.marketplace import service as marketplace

    flag = marketplace.flag(
        user=w.users["resident"],
        reason="Chiede soldi invece di ore.",
        listing=marketplace.get_listing(w.users["resident"], _listing(w)),
    )
    persist()
    return flag.id


def _transfer(w: World) -> int:
    from qc_platform.timebank import service as timebank

    record = timebank.transfer(
        from_account_id=_account_of(w, "tenant_other"),
        to_account_id=_account_of(w, "tenant"),
        minutes=30,
        memo="Grazie per l'aiuto",
        actor=w.users["tenant_other"],
    )
    persist()
    return record.id


MARKET_MATRIX: dict[str, Case] = {
    # --- time bank ------------------------------------------------------------------
    "GET /api/v1/timebank/accounts/me": Case(SIGNED_IN_ONLY, "/api/v1/timebank/accounts/me"),
    "GET /api/v1/timebank/accounts": Case(SIGNED_IN_ONLY, "/api/v1/timebank/accounts"),
    "GET /api/v1/timebank/accounts/<int:account_id>": Case(
        TIMEBANK_OWNER, lambda w: f"/api/v1/timebank/accounts/{_account_of(w, 'tenant')}"
    ),
    "PATCH /api/v1/timebank/accounts/<int:account_id>": Case(
        expect(404, anonymous=401, tenant=403, staff=200, admin=200),
        lambda w: f"/api/v1/timebank/accounts/{_account_of(w, 'tenant')}",
        {"floor_minutes": -1200},
    ),
    "GET /api/v1/timebank/accounts/<int:account_id>/entries": Case(
        TIMEBANK_OWNER, lambda w: f"/api/v1/timebank/accounts/{_account_of(w, 'tenant')}/entries"
    ),
    "POST /api/v1/timebank/transfers": Case(
        # to the tenant's account: paying yourself is invalid; everyone may pay, but only a
        # verified tenant's empty account may go below zero (the others: 409 at floor 0)
        expect(409, anonymous=401, tenant=422, tenant_other=201),
        "/api/v1/timebank/transfers",
        lambda w: {"to_account_id": _account_of(w, "tenant"), "minutes": 30, "memo": "Grazie"},
    ),
    "GET /api/v1/timebank/transfers/<int:transfer_id>": Case(
        expect(404, anonymous=401, staff=200, admin=200, **PARTIES),
        lambda w: f"/api/v1/timebank/transfers/{_transfer(w)}",
    ),
    "POST /api/v1/timebank/transfers/<int:transfer_id>/reversal": Case(
        STAFF_201,
        lambda w: f"/api/v1/timebank/transfers/{_transfer(w)}/reversal",
        {"reason": "Registrato per errore"},
    ),
    "GET /api/v1/timebank/audit": Case(STAFF_200, "/api/v1/timebank/audit"),
    # --- marketplace ----------------------------------------------------------------
    "GET /api/v1/marketplace/categories": Case(PUBLIC, "/api/v1/marketplace/categories"),
    "GET /api/v1/marketplace/listings": Case(SIGNED_IN_ONLY, "/api/v1/marketplace/listings"),
    "POST /api/v1/marketplace/listings": Case(
        expect(201, anonymous=401),
        "/api/v1/marketplace/listings",
        {
            "kind": "request",
            "title": "Cerco aiuto per i compiti",
            "description": "Matematica, seconda media, un'ora a settimana.",
            "category": "homework",
        },
    ),
    "GET /api/v1/marketplace/listings/<int:listing_id>": Case(
        SIGNED_IN_ONLY, lambda w: f"/api/v1/marketplace/listings/{_listing(w)}"
    ),
    "PATCH /api/v1/marketplace/listings/<int:listing_id>": Case(
        expect(403, anonymous=401, tenant=200),
        lambda w: f"/api/v1/marketplace/listings/{_listing(w)}",
        {"status": "closed"},
    ),
    "DELETE /api/v1/marketplace/listings/<int:listing_id>": Case(
        expect(403, anonymous=401, tenant=204),
        lambda w: f"/api/v1/marketplace/listings/{_listing(w)}",
    ),
    "POST /api/v1/marketplace/listings/<int:listing_id>/flags": Case(
        # everyone who can read it, except its owner (who can edit or withdraw it)
        expect(201, anonymous=401, tenant=422),
        lambda w: f"/api/v1/marketplace/listings/{_listing(w)}/flags",
        {"reason": "Annuncio sospetto"},
    ),
    "POST /api/v1/marketplace/listings/<int:listing_id>/unhide": Case(
        MODERATORS_200, lambda w: f"/api/v1/marketplace/listings/{_listing(w)}/unhide"
    ),
    "GET /api/v1/marketplace/flags": Case(MODERATORS_200, "/api/v1/marketplace/flags"),
    "POST /api/v1/marketplace/flags/<int:flag_id>/resolve": Case(
        expect(404, anonymous=401, operator=200, staff=200, admin=200),
        lambda w: f"/api/v1/marketplace/flags/{_listing_flag(w)}/resolve",
        {"action": "hide", "note": "Non rispetta le regole"},
    ),
    "GET /api/v1/marketplace/exchanges": Case(SIGNED_IN_ONLY, "/api/v1/marketplace/exchanges"),
    "POST /api/v1/marketplace/exchanges": Case(
        expect(201, anonymous=401, tenant=422),
        "/api/v1/marketplace/exchanges",
        lambda w: {"listing_id": _listing(w), "minutes": 60, "message": "Mi farebbe comodo!"},
    ),
    "GET /api/v1/marketplace/exchanges/<int:exchange_id>": Case(
        EXCHANGE_PARTIES, lambda w: f"/api/v1/marketplace/exchanges/{_exchange(w)}"
    ),
    "POST /api/v1/marketplace/exchanges/<int:exchange_id>/accept": Case(
        # the person who did not propose
        expect(404, anonymous=401, tenant=200, tenant_other=403),
        lambda w: f"/api/v1/marketplace/exchanges/{_exchange(w)}/accept",
    ),
    "POST /api/v1/marketplace/exchanges/<int:exchange_id>/decline": Case(
        expect(404, anonymous=401, tenant=200, tenant_other=403),
        lambda w: f"/api/v1/marketplace/exchanges/{_exchange(w)}/decline",
    ),
    "POST /api/v1/marketplace/exchanges/<int:exchange_id>/cancel": Case(
        EXCHANGE_PARTIES, lambda w: f"/api/v1/marketplace/exchanges/{_exchange(w)}/cancel"
    ),
    "POST /api/v1/marketplace/exchanges/<int:exchange_id>/complete": Case(
        # who received the help confirms it (and pays); the helper may not
        expect(404, anonymous=401, tenant=403, tenant_other=200),
        lambda w: f"/api/v1/marketplace/exchanges/{_exchange(w, accepted=True)}/complete",
    ),
    "GET /api/v1/marketplace/exchanges/<int:exchange_id>/messages": Case(
        EXCHANGE_PARTIES, lambda w: f"/api/v1/marketplace/exchanges/{_exchange(w)}/messages"
    ),
    "POST /api/v1/marketplace/exchanges/<int:exchange_id>/messages": Case(
        expect(404, anonymous=401, tenant=201, tenant_other=201),
        lambda w: f"/api/v1/marketplace/exchanges/{_exchange(w)}/messages",
        {"body": "Va bene martedì alle 10?"},
    ),
    "POST /api/v1/marketplace/exchanges/<int:exchange_id>/flags": Case(
        expect(404, anonymous=401, tenant=201, tenant_other=201),
        lambda w: f"/api/v1/marketplace/exchanges/{_exchange(w)}/flags",
        {"reason": "Messaggi offensivi"},
    ),
    "POST /api/v1/marketplace/exchanges/<int:exchange_id>/review": Case(
        expect(404, anonymous=401, tenant=201, tenant_other=201),
        lambda w: f"/api/v1/marketplace/exchanges/{_exchange(w, completed=True)}/review",
        {"rating": 5, "comment": "Puntuale e gentile"},
    ),
}


# --- catalogue --------------------------------------------------------------------------
# A time-bank service of the operator's organisation, and a request for it by the tenant.
CATALOGUE_OPERATORS_200 = expect(403, anonymous=401, operator=200)
REQUEST_PARTIES = {"tenant": 200, "operator": 200}
WEEK = {"mon": [["09:00", "12:30"]], "tue": [], "wed": [], "thu": [["15:00", "18:00"]]}


def _service(w: World) -> int:
    if "service" not in w.extra:
        from qc_platform.catalogue import service as catalogue

        item = catalogue.create(
            user=w.users["operator"],
            data={
                "organisation_id": w.organisation_a,
                "title": "Sartoria di quartiere",
                "description": "Orli e piccole riparazioni.",
                "category": "tailoring",
                "price_model": "timebank",
                "minutes": 30,
                "languages": ["it", "ar"],
                "availability": WEEK,
            },
        )
        persist()
        w.extra["service"] = item.id
    return w.extra["service"]


def _service_request(w: World, *, accepted: bool = False) -> int:
    from qc_platform.catalogue import service as catalogue

    request = catalogue.ask(
        user=w.users["tenant"], service_id=_service(w), message="Ho un orlo.", preferred_times=""
    )
    if accepted:
        catalogue.act(user=w.users["operator"], request=request, action="accept")
    persist()
    return request.id


CATALOGUE_MATRIX: dict[str, Case] = {
    "GET /api/v1/catalogue/categories": Case(PUBLIC, "/api/v1/catalogue/categories"),
    "GET /api/v1/catalogue/services": Case(PUBLIC, "/api/v1/catalogue/services?open_now=true"),
    "POST /api/v1/catalogue/services": Case(
        # only operators of the organisation
        expect(403, anonymous=401, operator=201),
        "/api/v1/catalogue/services",
        lambda w: {
            "organisation_id": w.organisation_a,
            "title": "Sportello pratiche",
            "description": "Aiuto con moduli e bollette.",
            "category": "paperwork",
            "price_model": "free",
            "languages": ["it"],
            "availability": WEEK,
        },
    ),
    "GET /api/v1/catalogue/services/<int:service_id>": Case(
        PUBLIC, lambda w: f"/api/v1/catalogue/services/{_service(w)}"
    ),
    "PATCH /api/v1/catalogue/services/<int:service_id>": Case(
        CATALOGUE_OPERATORS_200,
        lambda w: f"/api/v1/catalogue/services/{_service(w)}",
        {"status": "paused"},
    ),
    "POST /api/v1/catalogue/services/<int:service_id>/requests": Case(
        expect(201, anonymous=401),
        lambda w: f"/api/v1/catalogue/services/{_service(w)}/requests",
        {"message": "Vorrei accorciare dei pantaloni.", "preferred_times": "martedì"},
    ),
    "GET /api/v1/catalogue/requests": Case(SIGNED_IN_ONLY, "/api/v1/catalogue/requests"),
    "GET /api/v1/catalogue/requests/<int:request_id>": Case(
        expect(404, anonymous=401, **REQUEST_PARTIES),
        lambda w: f"/api/v1/catalogue/requests/{_service_request(w)}",
    ),
    "POST /api/v1/catalogue/requests/<int:request_id>/accept": Case(
        expect(404, anonymous=401, tenant=403, operator=200),
        lambda w: f"/api/v1/catalogue/requests/{_service_request(w)}/accept",
        {"note": "Passa martedì"},
    ),
    "POST /api/v1/catalogue/requests/<int:request_id>/decline": Case(
        expect(404, anonymous=401, tenant=403, operator=200),
        lambda w: f"/api/v1/catalogue/requests/{_service_request(w)}/decline",
        {"reason": "Siamo chiusi per ferie"},
    ),
    "POST /api/v1/catalogue/requests/<int:request_id>/cancel": Case(
        expect(404, anonymous=401, **REQUEST_PARTIES),
        lambda w: f"/api/v1/catalogue/requests/{_service_request(w)}/cancel",
    ),
    "POST /api/v1/catalogue/requests/<int:request_id>/complete": Case(
        # who received the service confirms it (and pays its minutes)
        expect(404, anonymous=401, tenant=200, operator=403),
        lambda w: f"/api/v1/catalogue/requests/{_service_request(w, accepted=True)}/complete",
    ),
    "GET /api/v1/catalogue/requests/<int:request_id>/messages": Case(
        expect(404, anonymous=401, **REQUEST_PARTIES),
        lambda w: f"/api/v1/catalogue/requests/{_service_request(w)}/messages",
    ),
    "POST /api/v1/catalogue/requests/<int:request_id>/messages": Case(
        expect(404, anonymous=401, tenant=201, operator=201),
        lambda w: f"/api/v1/catalogue/requests/{_service_request(w)}/messages",
        {"body": "Va bene martedì?"},
    ),
}


# --- activities -------------------------------------------------------------------------
# A weekly course at Boccioni (run by the operator's organisation), a session of it, the
# resident's registration; and a session that started yesterday (attendance).
ACTIVITY_MANAGERS_200 = expect(403, anonymous=401, operator=200, admin=200)


def _activity(w: World, *, started: bool = False) -> int:
    key = "activity_started" if started else "activity"
    if key not in w.extra:
        from datetime import timedelta

        import time_machine

        from qc_platform.activities import service as activities
        from qc_platform.core.clock import utcnow
        from qc_platform.places.models import Space

        space_id = db.session.scalar(select(Space.id).where(Space.slug == "boccioni"))
        start = (utcnow() + timedelta(days=(-1 if started else 7))).replace(second=0, microsecond=0)
        with time_machine.travel(start - timedelta(days=1), tick=False):
            activity = activities.create_activity(
                actor=w.users["operator"],
                space_id=space_id,
                title="Corso di italiano",
                category="course",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                rrule="FREQ=WEEKLY;COUNT=2",
                capacity=20,
                registration_required=True,
            )
            persist()
        w.extra[key] = activity.id
    return w.extra[key]


def _activity_session(w: World, *, started: bool = False) -> int:
    from qc_platform.activities.models import ActivitySession

    return db.session.scalar(
        select(ActivitySession.id)
        .where(ActivitySession.activity_id == _activity(w, started=started))
        .order_by(ActivitySession.starts_at)
    )


def _registration(w: World) -> int:
    from qc_platform.activities import service as activities

    registration = activities.register(actor=w.users["resident"], session_id=_activity_session(w))
    persist()
    return registration.id


def _activity_body(w: World) -> dict:
    from datetime import timedelta

    from qc_platform.core.clock import utcnow

    start = (utcnow() + timedelta(days=10)).replace(second=0, microsecond=0)
    return {
        "space_id": _boccioni(),
        "title": "Serata di cinema",
        "category": "culture",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
    }


def _boccioni() -> int:
    from qc_platform.places.models import Space

    return db.session.scalar(select(Space.id).where(Space.slug == "boccioni"))


ACTIVITIES_MATRIX: dict[str, Case] = {
    "GET /api/v1/activities/categories": Case(PUBLIC, "/api/v1/activities/categories"),
    "GET /api/v1/activities": Case(PUBLIC, "/api/v1/activities?q=italiano&space=boccioni"),
    "POST /api/v1/activities": Case(
        # operators of the organisation that runs the space, and admins
        expect(403, anonymous=401, operator=201, admin=201),
        "/api/v1/activities",
        _activity_body,
    ),
    "GET /api/v1/activities/<int:activity_id>": Case(
        PUBLIC, lambda w: f"/api/v1/activities/{_activity(w)}"
    ),
    "PATCH /api/v1/activities/<int:activity_id>": Case(
        ACTIVITY_MANAGERS_200,
        lambda w: f"/api/v1/activities/{_activity(w)}",
        {"title": "Corso di italiano (A2)", "capacity": 25},
    ),
    "GET /api/v1/activities/<int:activity_id>/jsonld": Case(
        PUBLIC, lambda w: f"/api/v1/activities/{_activity(w)}/jsonld"
    ),
    "GET /api/v1/activities/<int:activity_id>/sessions": Case(
        PUBLIC, lambda w: f"/api/v1/activities/{_activity(w)}/sessions"
    ),
    "GET /api/v1/sessions/<int:session_id>": Case(
        PUBLIC, lambda w: f"/api/v1/sessions/{_activity_session(w)}"
    ),
    "POST /api/v1/sessions/<int:session_id>/cancel": Case(
        ACTIVITY_MANAGERS_200,
        lambda w: f"/api/v1/sessions/{_activity_session(w)}/cancel",
        {"reason": "Allerta meteo"},
    ),
    "POST /api/v1/sessions/<int:session_id>/registrations": Case(
        expect(201, anonymous=401),
        lambda w: f"/api/v1/sessions/{_activity_session(w)}/registrations",
        {},
    ),
    "GET /api/v1/sessions/<int:session_id>/registrations": Case(
        ACTIVITY_MANAGERS_200,
        lambda w: f"/api/v1/sessions/{_activity_session(w)}/registrations",
    ),
    "POST /api/v1/sessions/<int:session_id>/attendance": Case(
        ACTIVITY_MANAGERS_200,
        lambda w: f"/api/v1/sessions/{_activity_session(w, started=True)}/attendance",
        {"attendance": [], "walk_ins": 4},
    ),
    "DELETE /api/v1/registrations/<int:registration_id>": Case(
        # the resident's own; the space's operators; nobody else sees it
        expect(404, anonymous=401, resident=204, operator=204, admin=204),
        lambda w: f"/api/v1/registrations/{_registration(w)}",
    ),
    "GET /api/v1/users/me/registrations": Case(SIGNED_IN_ONLY, "/api/v1/users/me/registrations"),
    "GET /api/v1/activities/calendar.ics": Case(PUBLIC, "/api/v1/activities/calendar.ics"),
    "GET /api/v1/spaces/<string:space_ref>/calendar.ics": Case(
        PUBLIC, "/api/v1/spaces/boccioni/calendar.ics"
    ),
    "GET /api/v1/users/me/calendar.ics": Case(
        # calendar apps use ?token=… (tested in tests/activities); signed in, no token needed
        SIGNED_IN_ONLY,
        "/api/v1/users/me/calendar.ics",
    ),
    "GET /api/v1/users/me/calendar-feed": Case(SIGNED_IN_ONLY, "/api/v1/users/me/calendar-feed"),
    "POST /api/v1/users/me/calendar-feed": Case(
        expect(201, anonymous=401), "/api/v1/users/me/calendar-feed"
    ),
    "DELETE /api/v1/users/me/calendar-feed": Case(
        expect(204, anonymous=401), "/api/v1/users/me/calendar-feed"
    ),
    "GET /api/v1/spaces/<string:space_ref>/kiosk": Case(PUBLIC, "/api/v1/spaces/boccioni/kiosk"),
}


MATRIX: dict[str, Case] = {
    # --- web app, docs, health --------------------------------------------------
    "GET /": Case(PUBLIC, "/"),
    "GET /accedi": Case(PUBLIC, "/accedi"),
    "GET /password-dimenticata": Case(PUBLIC, "/password-dimenticata"),
    "GET /reimposta-password": Case(PUBLIC, "/reimposta-password?token=x"),
    "GET /verifica-email": Case(PUBLIC, "/verifica-email?token=x"),
    "GET /registrati": Case(PUBLIC, "/registrati"),
    "GET /profilo": Case(PUBLIC, "/profilo"),
    "GET /spazi/<slug>": Case(PUBLIC, "/spazi/boccioni"),
    "GET /notifiche": Case(PUBLIC, "/notifiche"),
    "GET /segnalazioni": Case(PUBLIC, "/segnalazioni"),
    "GET /segnalazioni/nuova": Case(PUBLIC, "/segnalazioni/nuova"),
    "GET /segnalazioni/<int:report_id>": Case(PUBLIC, "/segnalazioni/1"),
    "GET /casella": Case(PUBLIC, "/casella"),
    "GET /gestione/instradamento": Case(PUBLIC, "/gestione/instradamento"),
    "GET /gestione/comitati": Case(PUBLIC, "/gestione/comitati"),
    "GET /complessi/<int:complex_id>/servizio": Case(PUBLIC, "/complessi/1/servizio"),
    "GET /notifiche/preferenze": Case(PUBLIC, "/notifiche/preferenze"),
    "GET /banca-del-tempo": Case(PUBLIC, "/banca-del-tempo"),
    "GET /scambi": Case(PUBLIC, "/scambi"),
    "GET /scambi/miei": Case(PUBLIC, "/scambi/miei"),
    "GET /scambi/annunci/nuovo": Case(PUBLIC, "/scambi/annunci/nuovo"),
    "GET /scambi/annunci/<int:listing_id>": Case(PUBLIC, "/scambi/annunci/1"),
    "GET /scambi/<int:exchange_id>": Case(PUBLIC, "/scambi/1"),
    "GET /moderazione": Case(PUBLIC, "/moderazione"),
    "GET /servizi": Case(PUBLIC, "/servizi"),
    "GET /servizi/<int:service_id>": Case(PUBLIC, "/servizi/1"),
    "GET /servizi/richieste": Case(PUBLIC, "/servizi/richieste"),
    "GET /servizi/richieste/<int:request_id>": Case(PUBLIC, "/servizi/richieste/1"),
    "GET /organizzazioni/<slug>": Case(PUBLIC, "/organizzazioni/ente-boccioni"),
    "GET /gestione/servizi": Case(PUBLIC, "/gestione/servizi"),
    "GET /gestione/inquilini": Case(PUBLIC, "/gestione/inquilini"),
    "GET /profilo/inquilino": Case(PUBLIC, "/profilo/inquilino"),
    "GET /attivita": Case(PUBLIC, "/attivita"),
    "GET /attivita/mie": Case(PUBLIC, "/attivita/mie"),
    "GET /attivita/<int:activity_id>": Case(PUBLIC, lambda w: f"/attivita/{_activity(w)}"),
    "GET /gestione/attivita": Case(PUBLIC, "/gestione/attivita"),
    "GET /kiosk/<slug>": Case(PUBLIC, "/kiosk/boccioni"),
    "GET /privacy": Case(PUBLIC, "/privacy"),
    "GET /accessibilita": Case(PUBLIC, "/accessibilita"),
    "GET /aiuto": Case(PUBLIC, "/aiuto"),
    "GET /profilo/cancella-account": Case(PUBLIC, "/profilo/cancella-account"),
    "GET /<any('assets', 'swagger-ui', 'icons', 'fonts', 'images'):directory>/<path:filename>": Case(
        PUBLIC, "/assets/app.js"
    ),
    "GET /<regex('[A-Za-z0-9_.-]+[.][A-Za-z0-9]+'):filename>": Case(PUBLIC, "/sw.js"),
    "GET /healthz": Case(PUBLIC, "/healthz"),
    "GET /readyz": Case(PUBLIC, "/readyz"),
    "GET /api/docs": Case(PUBLIC, "/api/docs"),
    "GET /api/openapi.json": Case(PUBLIC, "/api/openapi.json"),
    # --- accounts -----------------------------------------------------------------
    "POST /api/v1/auth/register": Case(
        expect(201),
        "/api/v1/auth/register",
        lambda w: {
            "email": f"nuovo{_n()}@example.org",
            "password": "una-password-lunga",
            "display_name": "Nuova persona",
        },
    ),
    "POST /api/v1/auth/login": Case(
        expect(200),
        "/api/v1/auth/login",
        lambda w: {"email": w.users["resident"].email, "password": TEST_PASSWORD},
    ),
    "POST /api/v1/auth/logout": Case(expect(204, anonymous=401), "/api/v1/auth/logout"),
    "GET /api/v1/auth/me": Case(SIGNED_IN_ONLY, "/api/v1/auth/me"),
    # GDPR: my data; my erasure (the world's operator is the only one of their organisation:
    # 409 until staff hand it over); the privacy notice's facts
    "GET /api/v1/users/me/export": Case(SIGNED_IN_ONLY, "/api/v1/users/me/export"),
    "DELETE /api/v1/users/me": Case(
        expect(204, anonymous=401, operator=409), "/api/v1/users/me", {"password": TEST_PASSWORD}
    ),
    "GET /api/v1/legal": Case(PUBLIC, "/api/v1/legal"),
    "POST /api/v1/auth/tokens": Case(
        expect(201),
        "/api/v1/auth/tokens",
        lambda w: {
            "email": w.users["resident"].email,
            "password": TEST_PASSWORD,
            "name": "telefono",
        },
    ),
    "GET /api/v1/auth/tokens": Case(SIGNED_IN_ONLY, "/api/v1/auth/tokens"),
    "PATCH /api/v1/users/me": Case(
        SIGNED_IN_ONLY, "/api/v1/users/me", {"display_name": "Nome nuovo", "locale": "en"}
    ),
    "GET /api/v1/auth/sessions": Case(SIGNED_IN_ONLY, "/api/v1/auth/sessions"),
    # The resident's own session: theirs to end; anyone else's is not found.
    "DELETE /api/v1/auth/sessions/<int:session_id>": Case(
        expect(404, anonymous=401, resident=204),
        lambda w: f"/api/v1/auth/sessions/{_resident_session(w)}",
    ),
    "POST /api/v1/auth/logout-everywhere": Case(
        expect(204, anonymous=401), "/api/v1/auth/logout-everywhere"
    ),
    "POST /api/v1/auth/password": Case(
        expect(204, anonymous=401),
        "/api/v1/auth/password",
        {"current_password": TEST_PASSWORD, "new_password": "una-password-nuova"},
    ),
    # Links e-mailed to the resident: whoever holds one may use it (it is the credential).
    "POST /api/v1/auth/password-reset": Case(
        expect(202), "/api/v1/auth/password-reset", lambda w: {"email": w.users["resident"].email}
    ),
    "POST /api/v1/auth/password-reset/confirm": Case(
        expect(204),
        "/api/v1/auth/password-reset/confirm",
        lambda w: {
            "token": _email_link(w, "password_reset"),
            "new_password": "una-password-nuova",
        },
    ),
    "POST /api/v1/auth/email-verification": Case(
        expect(202, anonymous=401), "/api/v1/auth/email-verification"
    ),
    "POST /api/v1/auth/email-verification/confirm": Case(
        expect(204),
        "/api/v1/auth/email-verification/confirm",
        lambda w: {"token": _email_link(w, "email_verification")},
    ),
    "POST /api/v1/users/me/email": Case(
        expect(202, anonymous=401),
        "/api/v1/users/me/email",
        lambda w: {"new_email": f"nuovo{_n()}@example.org", "password": TEST_PASSWORD},
    ),
    "POST /api/v1/auth/email-change/confirm": Case(
        expect(204),
        "/api/v1/auth/email-change/confirm",
        lambda w: {"token": _email_link(w, "email_change", f"cambio{_n()}@example.org")},
    ),
    "DELETE /api/v1/auth/tokens/<int:token_id>": Case(
        expect(404, anonymous=401, resident=204),
        lambda w: f"/api/v1/auth/tokens/{_resident_token(w)}",
    ),
    "POST /api/v1/users/<int:user_id>/roles": Case(
        expect(403, anonymous=401, staff=201, admin=201),
        lambda w: f"/api/v1/users/{_target_user(w)}/roles",
        lambda w: {"role": "custodian", "scope_type": "complex", "scope_id": w.complex_a},
    ),
    "DELETE /api/v1/users/<int:user_id>/roles/<int:grant_id>": Case(
        expect(403, anonymous=401, staff=204, admin=204),
        lambda w: f"/api/v1/users/{_target_user(w)}/roles/{w.extra['grant']}",
    ),
    "POST /api/v1/tenancy-verifications": Case(
        expect(201, anonymous=401),
        "/api/v1/tenancy-verifications",
        lambda w: {"complex_id": w.complex_c, "tenancy_code": "MI-123456"},
    ),
    "GET /api/v1/tenancy-verifications": Case(SIGNED_IN_ONLY, "/api/v1/tenancy-verifications"),
    "GET /api/v1/tenancy-verifications/<int:verification_id>": Case(
        expect(404, anonymous=401, resident=200, custodian=200, staff=200, admin=200),
        lambda w: f"/api/v1/tenancy-verifications/{_pending_verification(w)}",
    ),
    # Withdrawing is the requester's alone: the custodian and staff who see it get 404 too.
    "DELETE /api/v1/tenancy-verifications/<int:verification_id>": Case(
        expect(404, anonymous=401, resident=204),
        lambda w: f"/api/v1/tenancy-verifications/{_pending_verification(w)}",
    ),
    "POST /api/v1/tenancy-verifications/<int:verification_id>/approve": Case(
        TENANCY_DECIDE,
        lambda w: f"/api/v1/tenancy-verifications/{_pending_verification(w)}/approve",
        {},
    ),
    "POST /api/v1/tenancy-verifications/<int:verification_id>/reject": Case(
        TENANCY_DECIDE,
        lambda w: f"/api/v1/tenancy-verifications/{_pending_verification(w)}/reject",
        {"note": "Codice non trovato"},
    ),
    # --- notifications --------------------------------------------------------------
    "GET /api/v1/notifications": Case(SIGNED_IN_ONLY, "/api/v1/notifications?unread=true"),
    "POST /api/v1/notifications/<int:notification_id>/read": Case(
        expect(404, anonymous=401, resident=200),
        lambda w: f"/api/v1/notifications/{_resident_notification(w)}/read",
    ),
    "POST /api/v1/notifications/read-all": Case(SIGNED_IN_ONLY, "/api/v1/notifications/read-all"),
    "GET /api/v1/notifications/preferences": Case(
        SIGNED_IN_ONLY, "/api/v1/notifications/preferences"
    ),
    "PUT /api/v1/notifications/preferences": Case(
        SIGNED_IN_ONLY,
        "/api/v1/notifications/preferences",
        {"preferences": [{"kind": "tenancy.decided", "email": False}]},
    ),
    # --- feedback -------------------------------------------------------------------
    "GET /api/v1/feedback/categories": Case(PUBLIC, "/api/v1/feedback/categories"),
    "GET /api/v1/feedback/stats": Case(PUBLIC, "/api/v1/feedback/stats"),
    "POST /api/v1/feedback/reports": Case(
        # custodians and staff report only on a tenant's behalf, naming them: 422 without
        expect(403, anonymous=401, tenant=201, custodian=422, staff=422, admin=422),
        "/api/v1/feedback/reports",
        lambda w: {
            "category": "maintenance",
            "complex_id": w.complex_a,
            "title": "Luce scale",
            "description": "La luce della scala B non funziona.",
        },
    ),
    "GET /api/v1/feedback/reports": Case(SIGNED_IN_ONLY, "/api/v1/feedback/reports"),
    "GET /api/v1/feedback/reports/<int:report_id>": Case(
        REPORT_VISIBLE, lambda w: f"/api/v1/feedback/reports/{_report(w)}"
    ),
    "GET /api/v1/feedback/reports/<int:report_id>/updates": Case(
        REPORT_VISIBLE, lambda w: f"/api/v1/feedback/reports/{_report(w)}/updates"
    ),
    "POST /api/v1/feedback/reports/<int:report_id>/updates": Case(
        expect(404, anonymous=401, tenant=201, custodian=201, staff=201, admin=201),
        lambda w: f"/api/v1/feedback/reports/{_report(w)}/updates",
        {"body": "Grazie, ci occupiamo noi."},
    ),
    "POST /api/v1/feedback/reports/<int:report_id>/supports": Case(
        # a private report: those who see it may not support it, the others do not see it
        expect(404, anonymous=401, tenant=403, custodian=403, staff=403, admin=403),
        lambda w: f"/api/v1/feedback/reports/{_report(w)}/supports",
    ),
    "POST /api/v1/feedback/reports/<int:report_id>/outcome": Case(
        expect(404, anonymous=401, tenant=409, custodian=403, staff=403, admin=403),
        lambda w: f"/api/v1/feedback/reports/{_report(w)}/outcome",
        {"solved": True, "satisfaction": 5},
    ),
    "POST /api/v1/feedback/reports/<int:report_id>/reassign": Case(
        expect(404, anonymous=401, tenant=403, custodian=403, staff=200, admin=200),
        lambda w: f"/api/v1/feedback/reports/{_report(w)}/reassign",
        {"route_to": "staff"},
    ),
    "POST /api/v1/feedback/reports/<int:report_id>/attachments": Case(
        # its sender, its recipients and staff (a public report's other readers: 403)
        expect(404, anonymous=401, tenant=201, custodian=201, staff=201, admin=201),
        lambda w: f"/api/v1/feedback/reports/{_report(w)}/attachments",
        form=lambda w: {"file": (io.BytesIO(_photo()), "foto.png")},
    ),
    "GET /api/v1/feedback/reports/<int:report_id>/attachments": Case(
        REPORT_VISIBLE, lambda w: f"/api/v1/feedback/reports/{_report(w)}/attachments"
    ),
    "GET /api/v1/feedback/attachments/<int:attachment_id>": Case(
        REPORT_VISIBLE, lambda w: f"/api/v1/feedback/attachments/{_attachment(w)}"
    ),
    "GET /api/v1/feedback/inbox": Case(
        expect(403, anonymous=401, custodian=200, committee_member=200, staff=200, admin=200),
        "/api/v1/feedback/inbox",
    ),
    "GET /api/v1/feedback/routing-rules": Case(STAFF_200, "/api/v1/feedback/routing-rules"),
    "POST /api/v1/feedback/routing-rules": Case(
        STAFF_201,
        "/api/v1/feedback/routing-rules",
        lambda w: {"category": "praise", "complex_id": w.complex_a, "route_to": "staff"},
    ),
    "DELETE /api/v1/feedback/routing-rules/<int:rule_id>": Case(
        expect(403, anonymous=401, staff=204, admin=204),
        lambda w: f"/api/v1/feedback/routing-rules/{_rule(w)}",
    ),
    "GET /api/v1/committees": Case(STAFF_200, "/api/v1/committees"),
    "POST /api/v1/committees": Case(
        STAFF_201,
        "/api/v1/committees",
        lambda w: {"name": "Comitato inquilini", "complex_ids": [w.complex_a]},
    ),
    "GET /api/v1/committees/<int:committee_id>": Case(
        STAFF_200, lambda w: f"/api/v1/committees/{_committee(w)}"
    ),
    "POST /api/v1/committees/<int:committee_id>/accreditations": Case(
        STAFF_201,
        lambda w: f"/api/v1/committees/{_committee(w)}/accreditations",
        {"valid_from": "2026-01-01", "valid_until": "2027-12-31"},
    ),
    "POST /api/v1/committees/<int:committee_id>/members": Case(
        STAFF_201,
        lambda w: f"/api/v1/committees/{_committee(w)}/members",
        lambda w: {"user_id": w.users["resident"].id},
    ),
    # --- Open311 GeoReport v2: public, or the api_key's owner (here sent as Bearer) ------
    **{
        f"GET /open311/v2/{path}.<any(json, xml):fmt>": Case(PUBLIC, f"/open311/v2/{example}")
        for path, example in (
            ("discovery", "discovery.json"),
            ("services", "services.xml"),
            ("services/<service_code>", "services/maintenance.json"),
            ("requests", "requests.xml"),
        )
    },
    "POST /open311/v2/requests.<any(json, xml):fmt>": Case(
        # only the complex's own tenants; without an api_key 403 too (Open311 has no 401)
        expect(403, tenant=200),
        "/open311/v2/requests.json",
        form=lambda w: {
            "service_code": "maintenance",
            "address_id": str(w.complex_a),
            "description": "La luce della scala B non funziona.",
        },
    ),
    "GET /open311/v2/requests/<int:request_id>.<any(json, xml):fmt>": Case(
        # a private report: its sender, its recipients, staff; to anyone else it is not there
        expect(404, tenant=200, custodian=200, staff=200, admin=200),
        lambda w: f"/open311/v2/requests/{_report(w)}.xml",
    ),
    "GET /open311/v2/tokens/<token>.<any(json, xml):fmt>": Case(
        expect(404), "/open311/v2/tokens/abc123.json"
    ),
    **{
        f"{method} /open311/v2/<path:rest>": Case(expect(404), "/open311/v2/nothing/here.json")
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
    },
    # --- places -------------------------------------------------------------------
    "GET /api/v1/areas": Case(PUBLIC, "/api/v1/areas"),
    "POST /api/v1/areas": Case(
        ADMIN_WRITE_201,
        "/api/v1/areas",
        lambda w: {
            "code": f"area-{_n()}",
            "number": 50 + _n() % 40,
            "name_it": "Nuova area",
            "name_en": "New area",
            "model_it": "Modello",
            "model_en": "Model",
            "startup_funding_cents": 100,
        },
    ),
    "GET /api/v1/areas/<int:object_id>": Case(PUBLIC, "/api/v1/areas/1"),
    "PATCH /api/v1/areas/<int:object_id>": Case(
        ADMIN_WRITE_200, "/api/v1/areas/1", {"description_en": "Updated."}
    ),
    "GET /api/v1/complexes": Case(PUBLIC, "/api/v1/complexes"),
    "POST /api/v1/complexes": Case(
        ADMIN_WRITE_201,
        "/api/v1/complexes",
        lambda w: {"code": f"complesso-{_n()}", "name": "Complesso", "address": "Via X, Milano"},
    ),
    "GET /api/v1/complexes/<int:object_id>": Case(
        PUBLIC, lambda w: f"/api/v1/complexes/{w.complex_a}"
    ),
    "PATCH /api/v1/complexes/<int:object_id>": Case(
        ADMIN_WRITE_200, lambda w: f"/api/v1/complexes/{w.complex_a}", {"district": "Municipio 8"}
    ),
    "GET /api/v1/organisations": Case(PUBLIC, "/api/v1/organisations"),
    "POST /api/v1/organisations": Case(
        ADMIN_WRITE_201,
        "/api/v1/organisations",
        lambda w: {"slug": f"ente-nuovo-{_n()}", "name": "Cooperativa"},
    ),
    "GET /api/v1/organisations/<int:object_id>": Case(
        PUBLIC, lambda w: f"/api/v1/organisations/{w.organisation_a}"
    ),
    "PATCH /api/v1/organisations/<int:object_id>": Case(
        ADMIN_WRITE_200,
        lambda w: f"/api/v1/organisations/{w.organisation_a}",
        {"name": "Cooperativa Boccioni", "is_placeholder": False},
    ),
    "GET /api/v1/spaces": Case(PUBLIC, "/api/v1/spaces"),
    "POST /api/v1/spaces": Case(
        ADMIN_WRITE_201,
        "/api/v1/spaces",
        lambda w: {
            "slug": f"spazio-{_n()}",
            "name": "Spazio",
            "area_id": 1,
            "complex_id": w.complex_a,
            "organisation_id": w.organisation_a,
            "address": "Via X, Milano",
        },
    ),
    **MARKET_MATRIX,
    **CATALOGUE_MATRIX,
    **ACTIVITIES_MATRIX,
    "GET /api/v1/spaces/<string:space_ref>": Case(PUBLIC, "/api/v1/spaces/boccioni"),
    "PATCH /api/v1/spaces/<string:space_ref>": Case(
        ADMIN_WRITE_200, "/api/v1/spaces/boccioni", {"description_it": "Aggiornata."}
    ),
}


def _routes(app) -> set[str]:
    return {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_a_row(app):
    missing = sorted(_routes(app) - set(MATRIX))
    assert not missing, f"routes without a permission-matrix row: {missing}"


def test_no_row_for_a_route_that_does_not_exist(app):
    assert not sorted(set(MATRIX) - _routes(app))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_permission(client, route, role):
    case = MATRIX[route]
    world = build_world()
    method = route.split(" ", 1)[0]
    path = case.path(world) if callable(case.path) else case.path
    body = case.json(world) if callable(case.json) else case.json
    headers = {} if role == "anonymous" else bearer(world.users[role])
    form = case.form(world) if case.form else None
    response = client.open(path, method=method, json=body, data=form, headers=headers)
    assert response.status_code == case.expected[role], (
        f"{route} as {role}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    )
