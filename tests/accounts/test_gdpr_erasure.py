"""DELETE /users/me: personal data erased at once; what others rely on stays, pseudonymised."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qc_platform.accounts.models import (
    ApiToken,
    EmailToken,
    RoleGrant,
    TenancyVerification,
    User,
    UserSession,
)
from qc_platform.activities.models import CalendarFeed, Registration
from qc_platform.catalogue.models import ServiceRequest
from qc_platform.core.audit import AuditEntry
from qc_platform.extensions import db
from qc_platform.marketplace.models import Exchange, Listing
from qc_platform.notifications.models import Notification, NotificationPreference
from tests.accounts.gdpr_world import NAME, NEW_EMAIL, build, people
from tests.catalogue.helpers import act as act_on_request
from tests.catalogue.helpers import ask, publish
from tests.conftest import TEST_PASSWORD
from tests.marketplace.helpers import (
    API,
    MARKET,
    act,
    create_listing,
    ok,
    organisation_id,
    person,
    propose,
    refused,
)

ME = f"{API}/users/me"


def erase(client, who, password=TEST_PASSWORD, **headers):
    return client.delete(ME, json={"password": password}, headers={**who.headers, **headers})


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- what is erased, what stays ---------------------------------------------------------


def test_erasure_forgets_the_person_and_keeps_what_others_rely_on(client):
    w = build(client)
    email = w.erin.email
    assert erase(client, w.erin).status_code == 204

    # the account: nothing personal, nothing that signs in
    user = db.session.get(User, w.erin.id)
    assert user.display_name == "Persona cancellata"
    assert "@" not in user.email and email not in user.email
    assert not user.is_active and user.last_login_at is None
    assert user.email_verified_at is None
    refused(client.get(f"{API}/auth/me", headers=w.erin.headers), 401)  # her token ended
    refused(client.post(f"{API}/auth/login", json={"email": email, "password": TEST_PASSWORD}), 401)
    for model in (UserSession, ApiToken, TenancyVerification, EmailToken):
        assert _count(model, model.user_id == w.erin.id) == 0
    assert _count(RoleGrant, RoleGrant.user_id == w.erin.id) == 0
    assert _count(Notification, Notification.user_id == w.erin.id) == 0
    assert _count(NotificationPreference, NotificationPreference.user_id == w.erin.id) == 0
    assert _count(CalendarFeed, CalendarFeed.user_id == w.erin.id) == 0

    # the ledger: her account and entries stay, every balance and the zero sum hold
    audit = ok(client.get(f"{API}/timebank/audit", headers=w.staff.headers))
    assert audit["sum_minutes"] == 0
    assert audit["mismatches"] == []
    assert audit.get("unbalanced_transfers", []) == [] and audit.get("below_floor", []) == []
    account = ok(client.get(f"{API}/timebank/accounts/{w.ids['account']}", headers=w.staff.headers))
    assert account["owner_name"] == "Persona cancellata"
    assert account["balance_minutes"] == -30
    entries = ok(
        client.get(f"{API}/timebank/accounts/{w.ids['account']}/entries", headers=w.staff.headers)
    )["items"]
    assert [e["minutes"] for e in entries] == [-30]

    # her report stays, anonymous; its handlers still see it and its photo
    report = ok(
        client.get(f"{API}/feedback/reports/{w.ids['report']}", headers=w.custodian.headers)
    )
    assert report["anonymous"] is True and report["reporter"] is None
    assert report["title"] == "Perdita d'acqua in cantina"

    # her place in the session went to her neighbour, who was told
    erin_registration = db.session.get(Registration, w.ids[f"registration_{w.erin.id}"])
    theirs = db.session.get(Registration, w.ids[f"registration_{w.neighbour.id}"])
    assert erin_registration.status == "cancelled"
    assert theirs.status == "confirmed"

    # her listing is gone; her open proposal cancelled
    refused(client.get(f"{MARKET}/listings/{w.ids['listing']}", headers=w.neighbour.headers), 404)
    assert db.session.get(Listing, w.ids["listing"]).status == "withdrawn"
    assert db.session.get(Exchange, w.ids["exchange"]).status == "cancelled"

    # her pending service request cancelled, its text neutral
    request = db.session.get(ServiceRequest, w.ids["request"])
    assert request.status == "cancelled" and request.message.startswith("Messaggio rimosso")

    # the audit log still says one and the same (erased) person did these things
    assert _count(AuditEntry, AuditEntry.actor_id == w.erin.id, AuditEntry.action == "user.erase")
    assert NAME not in str(db.session.scalars(select(AuditEntry.details)).all())


def _scan(client, who, paths) -> dict[str, str]:
    return {path: client.get(path, headers=who.headers).get_data(as_text=True) for path in paths}


def test_after_erasure_no_api_answer_names_the_person_to_any_role(client):
    w = build(client)
    email = w.erin.email
    # a completed exchange and a completed request of hers: the other side keeps them
    their = create_listing(client, w.neighbour, title="Passeggiata col cane")
    done = ok(propose(client, w.erin, their["id"], message="Volentieri!"), 201)
    ok(act(client, w.neighbour, done["id"], "accept"))
    ok(act(client, w.erin, done["id"], "complete"))
    assert erase(client, w.erin).status_code == 204

    ids = w.ids
    session = ids["session"]
    paths = {
        "neighbour": [
            f"{API}/notifications?limit=100",
            f"{MARKET}/exchanges?limit=100",
            f"{MARKET}/exchanges/{ids['exchange']}",
            f"{MARKET}/exchanges/{ids['exchange']}/messages?limit=100",
            f"{MARKET}/exchanges/{done['id']}",
            f"{MARKET}/exchanges/{done['id']}/messages?limit=100",
            f"{MARKET}/listings?limit=100",
            f"{API}/timebank/accounts/me",
            f"{API}/timebank/accounts?limit=100",
            f"{API}/feedback/reports?limit=100",
            f"{API}/feedback/reports/{ids['report']}",
            f"{API}/feedback/reports/{ids['report']}/updates",
        ],
        "custodian": [
            f"{API}/feedback/inbox?limit=100",
            f"{API}/feedback/reports/{ids['report']}",
            f"{API}/feedback/reports/{ids['report']}/updates",
            f"{API}/feedback/reports/{ids['report']}/attachments",
            f"{API}/tenancy-verifications?limit=100",
        ],
        "operator": [
            f"{API}/sessions/{session}/registrations?limit=100",
            f"{API}/catalogue/requests?incoming=true&limit=100",
            f"{API}/catalogue/requests/{ids['request']}",
            f"{API}/catalogue/requests/{ids['request']}/messages?limit=100",
            f"{API}/notifications?limit=100",
            f"{API}/activities/{ids['activity']}/sessions",
        ],
        "staff": [
            f"{API}/timebank/accounts?all=true&limit=100",
            f"{API}/timebank/accounts/{ids['account']}",
            f"{API}/timebank/accounts/{ids['account']}/entries?limit=100",
            f"{API}/timebank/transfers/{ids['transfer']}",
            f"{API}/feedback/reports?limit=100",
            f"{API}/feedback/reports/{ids['report']}",
            f"{API}/feedback/reports/{ids['report']}/updates",
            f"{API}/tenancy-verifications?limit=100",
            f"{MARKET}/flags?status=open",
        ],
        "admin": [
            f"{API}/feedback/reports/{ids['report']}",
            f"{API}/timebank/accounts/{ids['account']}/entries?limit=100",
            f"{API}/tenancy-verifications?limit=100",
        ],
    }
    answered = 0
    for role, role_paths in paths.items():
        for path, text in _scan(client, getattr(w, role), role_paths).items():
            assert NAME not in text, f"{role} {path}"
            assert "Ernesta" not in text, f"{role} {path}"
            assert email not in text, f"{role} {path}"
            assert NEW_EMAIL not in text, f"{role} {path}"
            answered += '"id"' in text
    assert answered >= 20  # the scan read real answers, not only errors
    # where she is still referred to, it is as "Persona cancellata": her neighbour's ledger
    account = ok(client.get(f"{API}/timebank/accounts/me", headers=w.neighbour.headers))
    assert account["balance_minutes"] == 30 + 60
    entries = ok(
        client.get(f"{API}/timebank/accounts/{account['id']}/entries", headers=w.neighbour.headers)
    )["items"]
    assert [e["counterparty"]["name"] for e in entries] == ["Persona cancellata"] * 2


def test_a_wrong_password_erases_nothing(client):
    w = build(client)
    body = refused(erase(client, w.erin, password="non-la-mia-password"), 403)
    assert "password" in body["errors"]["json"]
    assert db.session.get(User, w.erin.id).display_name == NAME
    ok(client.get(f"{API}/auth/me", headers=w.erin.headers))
    assert db.session.get(Registration, w.ids[f"registration_{w.erin.id}"]).status == "confirmed"


def test_a_password_is_required(client):
    w = build(client)
    refused(client.delete(ME, json={}, headers=w.erin.headers), 422)
    refused(client.delete(ME, json={"password": TEST_PASSWORD}), 401)


# --- open obligations: 409 saying what to close first ----------------------------------


def test_an_accepted_exchange_blocks_the_erasure_until_it_is_closed(client):
    w = people()
    listing = create_listing(client, w.neighbour, title="Montaggio mensole")
    exchange = ok(propose(client, w.erin, listing["id"], message="Ho il trapano."), 201)
    ok(act(client, w.neighbour, exchange["id"], "accept"))

    body = refused(erase(client, w.erin), 409)
    assert f"scambio n. {exchange['id']}" in body["message"]
    assert "Montaggio mensole" in body["message"]
    assert len(body["errors"]["obligations"]) == 1
    english = refused(erase(client, w.erin, **{"Accept-Language": "en"}), 409)
    assert f"exchange no. {exchange['id']}" in english["message"]
    assert db.session.get(User, w.erin.id).display_name == NAME  # nothing erased

    ok(act(client, w.erin, exchange["id"], "cancel"))
    assert erase(client, w.erin).status_code == 204


def test_an_accepted_service_request_blocks_the_erasure(client):
    w = people()
    service = publish(client, w.operator, organisation_id("ente-boccioni"), title="Sartoria")
    request = ok(ask(client, w.erin, service["id"]), 201)
    ok(act_on_request(client, w.operator, request["id"], "accept", {}))
    body = refused(erase(client, w.erin), 409)
    assert f"richiesta n. {request['id']}" in body["message"] and "Sartoria" in body["message"]
    ok(act_on_request(client, w.erin, request["id"], "complete"))
    assert erase(client, w.erin).status_code == 204


def test_the_last_operator_of_an_organisation_cannot_erase_until_staff_hand_it_over(client):
    w = people()
    body = refused(erase(client, w.operator), 409)
    assert "Ente Boccioni" in body["message"] or "unico operatore" in body["message"]
    assert "staff" in body["message"]
    assert db.session.get(User, w.operator.id).is_active

    # staff hand the organisation over to another operator: now she may go
    colleague = person()
    ok(
        client.post(
            f"{API}/users/{colleague.id}/roles",
            json={
                "role": "operator",
                "scope_type": "organisation",
                "scope_id": organisation_id("ente-boccioni"),
            },
            headers=w.admin.headers,
        ),
        201,
    )
    assert erase(client, w.operator).status_code == 204


# --- the browser's session ---------------------------------------------------------------


def test_erasure_ends_the_session_it_was_asked_from(client):
    w = people()
    me = ok(
        client.post(f"{API}/auth/login", json={"email": w.erin.email, "password": TEST_PASSWORD})
    )
    cookie = client.get_cookie("qc_session")
    response = client.delete(
        ME, json={"password": TEST_PASSWORD}, headers={"X-CSRF-Token": me["csrf_token"]}
    )
    assert response.status_code == 204
    refused(client.get(f"{API}/auth/me"), 401)
    # the old cookie, replayed, signs nobody in either
    client.set_cookie(cookie.key, cookie.value, domain=cookie.domain or "localhost")
    refused(client.get(f"{API}/auth/me"), 401)


@pytest.mark.parametrize("role", ["staff", "custodian"])
def test_staff_and_custodians_may_erase_themselves_too(client, role):
    w = people()
    who = getattr(w, role)
    assert erase(client, who).status_code == 204
    assert _count(RoleGrant, RoleGrant.user_id == who.id) == 0


# --- guessing the password through the erasure -------------------------------------------


@pytest.fixture
def limited_app(database_url, frontend_dist, tmp_path, extension_state):
    from tests.conftest import make_test_app

    app = make_test_app(
        database_url,
        frontend_dist,
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        QC_ACCOUNT_LOGIN_RATE_LIMIT="2 per hour",
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_wrong_passwords_spend_the_accounts_guessing_budget(limited_app):
    client = limited_app.test_client()
    erin = person(display_name=NAME)
    for _ in range(2):
        refused(erase(client, erin, password="tentativo-sbagliato"), 403)
    # the budget sign-in and password change share: the right password must wait too
    refused(erase(client, erin), 429)
    refused(
        client.post(f"{API}/auth/login", json={"email": erin.email, "password": TEST_PASSWORD}),
        429,
    )
    assert db.session.get(User, erin.id).display_name == NAME
