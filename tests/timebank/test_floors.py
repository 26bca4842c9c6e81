"""Who may go below zero: a person only once a verified tenant (or when staff say so).

Security review, finding 7: every new account could go to -600 minutes and pay anyone,
so three throwaway registrations handed one account 1,800 minutes. A person's floor is
now 0 until a tenant role is granted (the credit floor then, unless staff chose the
floor); and a transfer's memo, which lands in the ledger of whoever is paid, may hold no
contact details, like a listing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qc_platform.accounts import service as accounts
from qc_platform.accounts.roles import Role, ScopeType
from qc_platform.core.audit import AuditEntry
from qc_platform.core.errors import Conflict, InvalidInput
from qc_platform.extensions import db
from qc_platform.places.models import Complex
from qc_platform.timebank import service
from qc_platform.timebank.models import CREDIT_FLOOR_MINUTES, TimeAccount
from tests.accounts.factories import UserFactory, bearer, user_with_roles
from tests.places.factories import OrganisationFactory
from tests.timebank.helpers import (
    API,
    account_of,
    assert_error,
    ledger_rows,
    stored_balance,
    tenancy,
)

PASSWORD = "una-password-lunga-per-i-test"


def complex_id(code: str) -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == code))


def register(client, n: int) -> tuple[int, dict[str, str]]:
    """A fresh registration over the API: its account id and a bearer token of its own."""
    email = f"usa-e-getta-{n}@example.org"
    body = {"email": email, "password": PASSWORD, "display_name": f"Usa e getta {n}"}
    assert client.post(f"{API}/auth/register", json=body).status_code == 201
    client.post(f"{API}/auth/logout")  # the token speaks for the person, not the cookie
    token = client.post(
        f"{API}/auth/tokens", json={"email": email, "password": PASSWORD, "name": "prova"}
    )
    assert token.status_code == 201, token.get_json()
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    me = client.get(f"{API}/timebank/accounts/me", headers=headers).get_json()
    return me["id"], headers


def floor_of(user) -> int:
    return db.session.scalar(
        select(TimeAccount.floor_minutes).where(TimeAccount.user_id == user.id)
    )


@pytest.fixture
def staff():
    return user_with_roles(("staff", None, None))


# --- the minting attempt ------------------------------------------------------------------------


def test_three_fresh_registrations_cannot_mint_hours_for_one_account(client, staff):
    collector = user_with_roles(tenancy())
    collector_account = account_of(collector).id
    before = ledger_rows()

    for n in range(3):
        account_id, headers = register(client, n)
        me = client.get(f"{API}/timebank/accounts/me", headers=headers).get_json()
        assert (me["balance_minutes"], me["floor_minutes"], me["available_minutes"]) == (0, 0, 0)
        response = client.post(
            f"{API}/timebank/transfers",
            json={"to_account_id": collector_account, "minutes": 600},
            headers=headers,
        )
        body = assert_error(response, 409)
        assert "0" in body["message"]  # "you can give at most 0 minutes"
        assert stored_balance(account_id) == 0

    assert ledger_rows() == before
    assert stored_balance(collector_account) == 0
    audit = client.get(f"{API}/timebank/audit", headers=bearer(staff)).get_json()
    assert audit["mismatches"] == [] and audit["unbalanced_transfers"] == []
    assert audit["sum_minutes"] == 0 and audit["below_floor"] == []


def test_a_newcomer_can_give_what_they_received_and_no_more(client):
    newcomer = UserFactory()
    tenant = user_with_roles(tenancy())
    service.transfer(
        from_account_id=account_of(tenant).id, to_account_id=account_of(newcomer).id, minutes=45
    )
    service.transfer(
        from_account_id=account_of(newcomer).id, to_account_id=account_of(tenant).id, minutes=45
    )
    before = ledger_rows()
    with pytest.raises(Conflict) as refused:
        service.transfer(
            from_account_id=account_of(newcomer).id, to_account_id=account_of(tenant).id, minutes=1
        )
    assert refused.value.params["available"] == 0
    assert ledger_rows() == before


# --- floors of new accounts ---------------------------------------------------------------------


def test_people_start_at_floor_zero_and_organisations_at_the_credit_floor():
    assert floor_of(UserFactory()) == 0
    # Staff, operators and custodians who are not tenants have no credit either.
    assert floor_of(user_with_roles(("staff", None, None))) == 0
    assert floor_of(user_with_roles(("custodian", "complex", complex_id("omero")))) == 0
    # Only admins open organisations (and grant the operators who pay from them).
    organisation = OrganisationFactory()
    assert service.account_of_organisation(organisation.id).floor_minutes == CREDIT_FLOOR_MINUTES


def test_a_user_created_with_a_tenant_grant_starts_at_the_credit_floor():
    assert floor_of(user_with_roles(tenancy())) == CREDIT_FLOOR_MINUTES


# --- becoming a tenant --------------------------------------------------------------------------


def approve_tenancy(client, resident, reviewer, code: str = "omero") -> None:
    requested = client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": complex_id(code), "tenancy_code": "MI-123"},
        headers=bearer(resident),
    )
    assert requested.status_code == 201, requested.get_json()
    approved = client.post(
        f"{API}/tenancy-verifications/{requested.get_json()['id']}/approve",
        json={},
        headers=bearer(reviewer),
    )
    assert approved.status_code == 200, approved.get_json()


def test_an_approved_tenancy_gives_the_credit_floor(client):
    resident = UserFactory()
    custodian = user_with_roles(("custodian", "complex", complex_id("omero")))
    headers = bearer(resident)
    assert (
        client.get(f"{API}/timebank/accounts/me", headers=headers).get_json()["floor_minutes"] == 0
    )

    approve_tenancy(client, resident, custodian)

    me = client.get(f"{API}/timebank/accounts/me", headers=headers).get_json()
    assert (me["floor_minutes"], me["available_minutes"]) == (CREDIT_FLOOR_MINUTES, 600)
    payee = account_of(UserFactory()).id
    paid = client.post(
        f"{API}/timebank/transfers", json={"to_account_id": payee, "minutes": 600}, headers=headers
    )
    assert paid.status_code == 201, paid.get_json()
    assert stored_balance(me["id"]) == CREDIT_FLOOR_MINUTES


def test_a_rejected_tenancy_leaves_the_floor_at_zero(client):
    resident = UserFactory()
    custodian = user_with_roles(("custodian", "complex", complex_id("omero")))
    requested = client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": complex_id("omero"), "tenancy_code": "MI-123"},
        headers=bearer(resident),
    ).get_json()
    rejected = client.post(
        f"{API}/tenancy-verifications/{requested['id']}/reject",
        json={"note": "Il codice non corrisponde."},
        headers=bearer(custodian),
    )
    assert rejected.status_code == 200
    assert floor_of(resident) == 0


def test_a_tenant_role_granted_by_staff_gives_the_credit_floor(client, staff):
    resident = UserFactory()
    response = client.post(
        f"{API}/users/{resident.id}/roles",
        json={"role": "tenant", "scope_type": "complex", "scope_id": complex_id("faenza")},
        headers=bearer(staff),
    )
    assert response.status_code == 201, response.get_json()
    assert floor_of(resident) == CREDIT_FLOOR_MINUTES


def test_a_floor_staff_set_is_kept_when_the_tenancy_is_approved(client, staff):
    resident = UserFactory()
    account_id = account_of(resident).id
    staff_headers = bearer(staff)
    response = client.patch(
        f"{API}/timebank/accounts/{account_id}",
        json={"floor_minutes": -120},
        headers=staff_headers,
    )
    assert response.status_code == 200

    approve_tenancy(client, resident, staff)

    assert floor_of(resident) == -120
    # Staff may also keep a tenant at zero: a floor of 0 they chose is still theirs.
    other = UserFactory()
    service.set_floor(actor=staff, account_id=account_of(other).id, floor_minutes=0)
    approve_tenancy(client, other, staff, code="faenza")
    assert floor_of(other) == 0


def test_the_credit_floor_follows_the_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "QC_TIMEBANK_FLOOR_MINUTES", -300)
    assert floor_of(user_with_roles(tenancy())) == -300
    resident = UserFactory()
    staff = user_with_roles(("staff", None, None))
    accounts.grant_role(
        actor=staff,
        user=resident,
        role=Role.TENANT,
        scope_type=ScopeType.COMPLEX,
        scope_id=complex_id("omero"),
    )
    assert floor_of(resident) == -300


def test_a_second_tenancy_never_raises_a_floor(app, monkeypatch, staff):
    tenant = user_with_roles(tenancy())  # at the credit floor, -600
    payee = account_of(UserFactory()).id
    service.transfer(from_account_id=account_of(tenant).id, to_account_id=payee, minutes=500)
    monkeypatch.setitem(app.config, "QC_TIMEBANK_FLOOR_MINUTES", -300)
    accounts.grant_role(
        actor=staff,
        user=tenant,
        role=Role.TENANT,
        scope_type=ScopeType.COMPLEX,
        scope_id=complex_id("faenza"),
    )
    db.session.expire_all()
    assert floor_of(tenant) == CREDIT_FLOOR_MINUTES
    assert stored_balance(account_of(tenant).id) == -500


# --- memos --------------------------------------------------------------------------------------

CONTACTS = [
    "mario.rossi@example.org",
    "333 123 4567",
    "+39 02 1234 5678",
    "0039-347-1234567",
]


@pytest.mark.parametrize("contact", CONTACTS)
def test_a_memo_with_contact_details_is_refused_and_names_the_memo(client, contact):
    payer, payee = user_with_roles(tenancy()), UserFactory()
    payer_account, headers = account_of(payer).id, bearer(payer)
    before = ledger_rows()
    response = client.post(
        f"{API}/timebank/transfers",
        json={
            "to_account_id": account_of(payee).id,
            "minutes": 30,
            "memo": f"Grazie! Scrivimi: {contact}",
        },
        headers=headers,
    )
    body = assert_error(response, 422)
    assert body["errors"] == {"memo": ["contact details"]}
    assert "telefono" in body["message"]
    assert ledger_rows() == before
    assert stored_balance(payer_account) == 0


def test_the_memo_rule_speaks_english_too(client):
    payer, payee = user_with_roles(tenancy()), UserFactory()
    response = client.post(
        f"{API}/timebank/transfers",
        json={"to_account_id": account_of(payee).id, "minutes": 30, "memo": "333 123 4567"},
        headers={**bearer(payer), "Accept-Language": "en"},
    )
    assert "phone numbers" in assert_error(response, 422)["message"]


def test_an_ordinary_memo_passes(client):
    payer, payee = user_with_roles(tenancy()), UserFactory()
    response = client.post(
        f"{API}/timebank/transfers",
        json={
            "to_account_id": account_of(payee).id,
            "minutes": 30,
            "memo": "Grazie per la spesa di martedì 3 (2 borse, 45 minuti)",
        },
        headers=bearer(payer),
    )
    assert response.status_code == 201, response.get_json()


def test_the_service_refuses_a_contact_memo_but_not_its_own_memos():
    payer, payee = user_with_roles(tenancy()), UserFactory()
    with pytest.raises(InvalidInput) as refused:
        service.transfer(
            from_account_id=account_of(payer).id,
            to_account_id=account_of(payee).id,
            minutes=10,
            memo="scrivi a mario@example.org",
        )
    assert refused.value.errors == {"memo": ["contact details"]}
    # The memos the platform writes itself (an exchange's, a service's, a reversal's)
    # quote titles: they are not a person's message to the payee.
    record = service.transfer(
        from_account_id=account_of(payer).id,
        to_account_id=account_of(payee).id,
        minutes=10,
        memo="Servizio: Sportello 0212345678",
        kind="service",
    )
    assert record.memo == "Servizio: Sportello 0212345678"


def test_no_floor_change_is_audited_as_staff_when_a_tenancy_lowers_it(client, staff):
    resident = UserFactory()
    approve_tenancy(client, resident, staff)
    assert floor_of(resident) == CREDIT_FLOOR_MINUTES
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "timebank.floor_changed"))
        is None
    )
    assert (
        db.session.scalar(
            select(TimeAccount.floor_set_by_staff).where(TimeAccount.user_id == resident.id)
        )
        is False
    )
