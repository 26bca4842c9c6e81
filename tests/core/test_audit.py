"""The audit log: every write of staff, admins and custodians leaves a row; nobody else's."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from qc_platform.core.audit import AuditEntry
from qc_platform.extensions import db
from qc_platform.places.models import Complex
from tests.accounts.factories import (
    TenancyVerificationFactory,
    UserFactory,
    bearer,
    user_with_roles,
)
from tests.conftest import TEST_PASSWORD

API = "/api/v1"


def omero() -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == "omero"))


def audit_rows() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def request_tenancy(client, headers):
    return client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": omero(), "tenancy_code": "MI-778899"},
        headers=headers,
    )


@pytest.mark.parametrize(
    "grant",
    [
        ("staff", None, None),
        ("admin", None, None),
        ("custodian", "complex", 1),
        ("committee_member", "committee", 1),
    ],
)
def test_a_privileged_write_leaves_a_row(client, grant):
    actor = user_with_roles(grant)
    response = request_tenancy(client, bearer(actor))
    assert response.status_code == 201
    rows = audit_rows()
    assert len(rows) == 1
    row = rows[0]
    assert row.actor_id == actor.id
    assert row.action == "POST /api/v1/tenancy-verifications"
    assert row.object_type == "request"
    assert row.details["status"] == 201
    assert row.created_at is not None


@pytest.mark.parametrize(
    "grants",
    [
        (),
        (("tenant", "complex", 1),),
        (("operator", "organisation", 1),),
    ],
)
def test_a_write_by_anyone_else_leaves_none(client, grants):
    response = request_tenancy(client, bearer(user_with_roles(*grants)))
    assert response.status_code == 201
    assert audit_rows() == []


def test_an_anonymous_write_leaves_none(client):
    response = client.post(
        f"{API}/auth/register",
        json={
            "email": "nuova@example.org",
            "password": "una-password-lunga",
            "display_name": "Nuova Persona",
        },
    )
    assert response.status_code == 201
    assert audit_rows() == []


def test_reads_and_refused_writes_of_staff_leave_none(client):
    headers = bearer(user_with_roles(("staff", None, None)))
    assert client.get(f"{API}/tenancy-verifications", headers=headers).status_code == 200
    refused = client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": 424242, "tenancy_code": "MI-1"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert audit_rows() == []


def test_a_write_audited_by_its_service_is_not_logged_twice(client):
    custodian = user_with_roles(("custodian", "complex", omero()))
    verification_id = TenancyVerificationFactory(complex_id=omero()).id
    response = client.post(
        f"{API}/tenancy-verifications/{verification_id}/approve",
        json={},
        headers=bearer(custodian),
    )
    assert response.status_code == 200
    assert [(r.action, r.actor_id, r.object_id) for r in audit_rows()] == [
        ("tenancy.approve", custodian.id, verification_id)
    ]


def test_the_audit_row_holds_no_request_body(client):
    staff = user_with_roles(("staff", None, None))
    email = staff.email
    # A staff member signed in with a token asks for another token: the body holds
    # the password, the answer the new secret.
    response = client.post(
        f"{API}/auth/tokens",
        json={"email": email, "password": TEST_PASSWORD, "name": "nome-del-token-segreto"},
        headers=bearer(staff),
    )
    assert response.status_code == 201
    secret = response.get_json()["token"]
    # And signs in with the cookie, password in the body again.
    login = client.post(f"{API}/auth/login", json={"email": email, "password": TEST_PASSWORD})
    assert login.status_code == 200

    actions = [entry.action for entry in audit_rows()]
    assert "token.create" in actions
    for row in db.session.execute(text("SELECT * FROM audit_log")).all():
        for value in row:
            assert TEST_PASSWORD not in str(value)
            assert secret not in str(value)
            assert "nome-del-token-segreto" not in str(value)
    for entry in audit_rows():
        assert set(entry.details) <= {"view_args", "status"}


def test_the_rows_of_a_grant_name_who_did_what_to_whom(client):
    admin = user_with_roles(("admin", None, None))
    target = UserFactory()
    response = client.post(
        f"{API}/users/{target.id}/roles", json={"role": "staff"}, headers=bearer(admin)
    )
    assert response.status_code == 201
    rows = [(r.action, r.actor_id, r.object_type, r.object_id, r.details) for r in audit_rows()]
    assert rows == [
        (
            "role.grant",
            admin.id,
            "user",
            target.id,
            {"role": "staff", "scope_type": None, "scope_id": None},
        )
    ]
