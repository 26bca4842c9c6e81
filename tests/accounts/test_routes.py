"""The accounts API: registration, sign-in, CSRF, tokens, role grants, tenancy, CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from qc_platform.accounts import service as accounts
from qc_platform.accounts.models import ApiToken, RoleGrant, TenancyVerification, User
from qc_platform.accounts.roles import Role
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
NEW_PASSWORD = "una-password-lunga"


def complex_id(code: str) -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == code))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def login(client, user_or_email, password: str = TEST_PASSWORD) -> str:
    """Sign in with the session cookie; returns the CSRF token."""
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post(f"{API}/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["csrf_token"]


def roles_in_me(client, headers) -> list[dict]:
    response = client.get(f"{API}/auth/me", headers=headers)
    assert response.status_code == 200
    return response.get_json()["roles"]


def register_body(**overrides) -> dict:
    return {
        "email": "nuova@example.org",
        "password": NEW_PASSWORD,
        "display_name": "Giulia Bianchi",
        **overrides,
    }


# --- registration ---------------------------------------------------------------------


def test_register_creates_a_resident_with_a_lower_case_email(client):
    response = client.post(
        f"{API}/auth/register",
        json=register_body(email="Giulia.Bianchi@Example.ORG", locale="en"),
    )
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= {"id", "email", "display_name", "locale", "roles"}
    assert "password" not in body and "password_hash" not in body
    assert body["email"] == "giulia.bianchi@example.org"
    assert body["display_name"] == "Giulia Bianchi"
    assert body["locale"] == "en"
    assert body["roles"] == [{"role": "resident", "scope_type": None, "scope_id": None}]
    stored = db.session.get(User, body["id"])
    assert stored.email == "giulia.bianchi@example.org"
    assert stored.password_hash.startswith("$argon2id$")
    # The new account can sign in, whatever the case of the e-mail typed.
    login(client, "GIULIA.BIANCHI@example.org", NEW_PASSWORD)


def test_register_defaults_to_italian(client):
    response = client.post(f"{API}/auth/register", json=register_body())
    assert response.status_code == 201
    assert response.get_json()["locale"] == "it"


@pytest.mark.parametrize(
    "email", ["Persona@Example.org", "persona@example.org", "PERSONA@EXAMPLE.ORG"]
)
def test_duplicate_email_in_any_case_is_409_and_writes_nothing(client, email):
    existing_id = UserFactory(email="persona@example.org", display_name="Prima Persona").id
    before = count(User)
    response = client.post(
        f"{API}/auth/register", json=register_body(email=email, display_name="Seconda")
    )
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == 409
    assert "email" in body["errors"]["json"]
    assert count(User) == before
    assert db.session.get(User, existing_id).display_name == "Prima Persona"


def test_password_shorter_than_ten_characters_is_422_naming_password(client):
    response = client.post(f"{API}/auth/register", json=register_body(password="123456789"))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["password"]
    assert count(User) == 0
    # Exactly ten is enough (when they are not easy to guess: test_password_policy.py).
    ok = client.post(f"{API}/auth/register", json=register_body(password="gufo-Ramo7"))
    assert ok.status_code == 201


@pytest.mark.parametrize("display_name", ["", "   ", "x" * 81])
def test_blank_or_too_long_display_name_is_422(client, display_name):
    response = client.post(f"{API}/auth/register", json=register_body(display_name=display_name))
    assert response.status_code == 422
    assert "display_name" in response.get_json()["errors"]["json"]
    assert count(User) == 0


def test_unknown_field_is_422_naming_it(client):
    response = client.post(f"{API}/auth/register", json=register_body(is_admin=True))
    assert response.status_code == 422
    assert "is_admin" in response.get_json()["errors"]["json"]
    assert count(User) == 0


# --- sign-in --------------------------------------------------------------------------


def test_login_sets_an_http_only_lax_cookie_and_returns_the_csrf_token(client):
    user = user_with_roles(("custodian", "complex", complex_id("omero")))
    response = client.post(
        f"{API}/auth/login", json={"email": user.email.upper(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == user.id
    assert body["csrf_token"]
    cookie = client.get_cookie("qc_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure  # development; production is checked in core
    # The cookie alone now authenticates.
    me = client.get(f"{API}/auth/me")
    assert me.status_code == 200
    assert me.get_json()["id"] == user.id
    assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_and_unknown_email_give_the_same_401(client):
    user = UserFactory()
    wrong_password = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": "non-e-questa-password"}
    )
    unknown_email = client.post(
        f"{API}/auth/login", json={"email": "nessuno@example.org", "password": TEST_PASSWORD}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.get_json() == unknown_email.get_json()
    assert client.get(f"{API}/auth/me").status_code == 401


def test_me_is_401_when_anonymous(client):
    response = client.get(f"{API}/auth/me")
    assert response.status_code == 401
    assert response.get_json()["code"] == 401


def test_me_lists_the_roles_with_their_scopes(client):
    omero, faenza = complex_id("omero"), complex_id("faenza")
    user = user_with_roles(
        ("custodian", "complex", omero), ("tenant", "complex", faenza), ("staff", None, None)
    )
    body = client.get(f"{API}/auth/me", headers=bearer(user)).get_json()
    assert body["id"] == user.id
    assert body["email"] == user.email
    assert body["csrf_token"]
    assert body["roles"] == [
        {"role": "resident", "scope_type": None, "scope_id": None},
        {"role": "custodian", "scope_type": "complex", "scope_id": omero},
        {"role": "tenant", "scope_type": "complex", "scope_id": faenza},
        {"role": "staff", "scope_type": None, "scope_id": None},
    ]


# --- CSRF -----------------------------------------------------------------------------


def _tenancy_request(client, headers=None, code: str = "faenza"):
    return client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": complex_id(code), "tenancy_code": "MI-000123"},
        headers=headers or {},
    )


def test_cookie_write_without_or_with_a_wrong_csrf_token_is_403_and_changes_nothing(client):
    user = UserFactory()
    token = login(client, user)
    for headers in ({}, {"X-CSRF-Token": "not-the-token"}, {"X-CSRF-Token": ""}):
        response = _tenancy_request(client, headers)
        assert response.status_code == 403
        assert response.get_json()["code"] == 403
        assert count(TenancyVerification) == 0
    ok = _tenancy_request(client, {"X-CSRF-Token": token})
    assert ok.status_code == 201
    assert count(TenancyVerification) == 1


def test_the_csrf_token_of_me_is_the_one_of_login(client):
    user = UserFactory()
    token = login(client, user)
    assert client.get(f"{API}/auth/me").get_json()["csrf_token"] == token


def test_bearer_writes_need_no_csrf_token(client):
    headers = bearer(UserFactory())
    assert _tenancy_request(client, headers).status_code == 201


# --- sign-out -------------------------------------------------------------------------


def test_logout_ends_the_session_and_a_new_login_gets_a_new_csrf_token(client):
    user = UserFactory()
    old_token = login(client, user)
    response = client.post(f"{API}/auth/logout", headers={"X-CSRF-Token": old_token})
    assert response.status_code == 204
    assert client.get(f"{API}/auth/me").status_code == 401

    new_token = login(client, user)
    assert new_token != old_token
    stale = _tenancy_request(client, {"X-CSRF-Token": old_token})
    assert stale.status_code == 403
    assert count(TenancyVerification) == 0
    assert _tenancy_request(client, {"X-CSRF-Token": new_token}).status_code == 201


def test_logout_needs_the_csrf_token(client):
    user = UserFactory()
    login(client, user)
    assert client.post(f"{API}/auth/logout").status_code == 403
    assert client.get(f"{API}/auth/me").status_code == 200


def test_signing_in_again_over_a_live_session_needs_no_csrf_token(client):
    """A stale session cookie in the browser must never block signing in as someone."""
    first, second = UserFactory(), UserFactory()
    login(client, first)
    response = client.post(
        f"{API}/auth/login", json={"email": second.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert client.get(f"{API}/auth/me").get_json()["id"] == second.id


# --- personal tokens ------------------------------------------------------------------


def _issue(client, user, name: str = "telefono"):
    response = client.post(
        f"{API}/auth/tokens", json={"email": user.email, "password": TEST_PASSWORD, "name": name}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_token_is_shown_once_and_authenticates(client):
    user = UserFactory()
    created = _issue(client, user)
    assert set(created) >= {"id", "name", "token"}
    assert created["name"] == "telefono"
    headers = {"Authorization": f"Bearer {created['token']}"}
    me = client.get(f"{API}/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.get_json()["id"] == user.id

    listed = client.get(f"{API}/auth/tokens", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert listed["next_cursor"] is None
    item = listed["items"][0]
    assert "token" not in item and "token_hash" not in item
    assert created["token"] not in str(listed)


def test_a_wrong_password_issues_no_token(client):
    user = UserFactory()
    response = client.post(
        f"{API}/auth/tokens", json={"email": user.email, "password": "sbagliata!!", "name": "x"}
    )
    assert response.status_code == 401
    assert count(ApiToken) == 0


def test_the_database_stores_only_a_hash_of_the_token(client):
    user = UserFactory()
    clear = _issue(client, user)["token"]
    secret_part = clear[len(accounts.TOKEN_PREFIX) :]
    rows = db.session.execute(text("SELECT * FROM api_tokens")).all()
    assert len(rows) == 1
    for value in rows[0]:
        assert clear not in str(value)
        assert secret_part not in str(value)


def test_a_revoked_token_no_longer_authenticates(client):
    user = UserFactory()
    first, second = _issue(client, user, "uno"), _issue(client, user, "due")
    first_headers = {"Authorization": f"Bearer {first['token']}"}
    second_headers = {"Authorization": f"Bearer {second['token']}"}
    response = client.delete(f"{API}/auth/tokens/{second['id']}", headers=first_headers)
    assert response.status_code == 204
    assert client.get(f"{API}/auth/me", headers=second_headers).status_code == 401
    listed = client.get(f"{API}/auth/tokens", headers=first_headers).get_json()
    assert [item["id"] for item in listed["items"]] == [first["id"]]
    # Revoking it again: it is gone.
    again = client.delete(f"{API}/auth/tokens/{second['id']}", headers=first_headers)
    assert again.status_code == 404


def test_someone_elses_token_is_404_and_stays_valid(client):
    owner, other = UserFactory(), UserFactory()
    owners = _issue(client, owner)
    response = client.delete(f"{API}/auth/tokens/{owners['id']}", headers=bearer(other))
    assert response.status_code == 404
    owner_headers = {"Authorization": f"Bearer {owners['token']}"}
    assert client.get(f"{API}/auth/me", headers=owner_headers).status_code == 200
    # Nor does the other person see it in their list.
    theirs = client.get(f"{API}/auth/tokens", headers=bearer(other)).get_json()["items"]
    assert owners["id"] not in [item["id"] for item in theirs]


def test_last_used_at_is_set_when_a_token_is_used(client):
    user = UserFactory()
    used, unused = _issue(client, user, "usato"), _issue(client, user, "nuovo")
    assert used["last_used_at"] is None
    used_headers = {"Authorization": f"Bearer {used['token']}"}
    items = {
        i["id"]: i
        for i in client.get(f"{API}/auth/tokens", headers=used_headers).get_json()["items"]
    }
    assert items[used["id"]]["last_used_at"] is not None
    assert items[unused["id"]]["last_used_at"] is None

    assert (
        client.get(
            f"{API}/auth/me", headers={"Authorization": f"Bearer {unused['token']}"}
        ).status_code
        == 200
    )
    items = {
        i["id"]: i
        for i in client.get(f"{API}/auth/tokens", headers=used_headers).get_json()["items"]
    }
    assert items[unused["id"]]["last_used_at"] is not None


@pytest.mark.parametrize("value", ["qct_not-a-real-token", "garbage", "qct_" + "x" * 200])
def test_an_unknown_bearer_token_is_401(client, value):
    response = client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {value}"})
    assert response.status_code == 401


# --- role grants ----------------------------------------------------------------------


def _grant(client, actor_headers, user_id, role, scope_type=None, scope_id=None):
    return client.post(
        f"{API}/users/{user_id}/roles",
        json={"role": role, "scope_type": scope_type, "scope_id": scope_id},
        headers=actor_headers,
    )


def test_admin_grants_staff(client):
    admin = user_with_roles(("admin", None, None))
    target = UserFactory()
    response = _grant(client, bearer(admin), target.id, "staff")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["user_id"], body["role"], body["scope_type"], body["scope_id"]) == (
        target.id,
        "staff",
        None,
        None,
    )
    assert {"role": "staff", "scope_type": None, "scope_id": None} in roles_in_me(
        client, bearer(target)
    )


@pytest.mark.parametrize(("role", "scope"), [("custodian", "omero"), ("tenant", "faenza")])
def test_staff_grants_community_roles(client, role, scope):
    staff = user_with_roles(("staff", None, None))
    target = UserFactory()
    response = _grant(client, bearer(staff), target.id, role, "complex", complex_id(scope))
    assert response.status_code == 201
    assert {"role": role, "scope_type": "complex", "scope_id": complex_id(scope)} in roles_in_me(
        client, bearer(target)
    )


def test_staff_may_grant_committee_membership_only_to_a_real_committee(client):
    staff = user_with_roles(("staff", None, None))
    target = UserFactory()
    response = _grant(client, bearer(staff), target.id, "committee_member", "committee", 424242)
    # Allowed for staff (not 403); refused only because that committee does not exist.
    assert response.status_code == 422
    assert "scope_id" in response.get_json()["errors"]["json"]


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_cannot_grant_staff_or_admin(client, role):
    staff = user_with_roles(("staff", None, None))
    target = UserFactory()
    response = _grant(client, bearer(staff), target.id, role)
    assert response.status_code == 403
    assert count(RoleGrant) == 1  # the staff member's own grant only


@pytest.mark.parametrize(
    "grants", [(), (("custodian", "complex", 1),), (("tenant", "complex", 1),)]
)
def test_residents_custodians_and_tenants_cannot_grant(client, grants):
    actor = user_with_roles(*grants)
    target = UserFactory()
    before = count(RoleGrant)
    response = _grant(client, bearer(actor), target.id, "custodian", "complex", 1)
    assert response.status_code == 403
    assert count(RoleGrant) == before


def test_granting_to_an_unknown_user_is_404_for_staff(client):
    staff = user_with_roles(("staff", None, None))
    response = _grant(client, bearer(staff), 987654, "custodian", "complex", 1)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("scope_type", "scope_id", "field"),
    [
        ("organisation", 1, "scope_type"),
        ("complex", None, "scope_type"),
        (None, None, "scope_type"),
        ("complex", 424242, "scope_id"),
    ],
)
def test_a_grant_with_the_wrong_scope_is_422(client, scope_type, scope_id, field):
    admin = user_with_roles(("admin", None, None))
    target_id = UserFactory().id
    response = _grant(client, bearer(admin), target_id, "custodian", scope_type, scope_id)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert db.session.scalar(select(func.count()).where(RoleGrant.user_id == target_id)) == 0


def test_a_global_role_with_a_scope_is_422(client):
    admin = user_with_roles(("admin", None, None))
    target = UserFactory()
    response = _grant(client, bearer(admin), target.id, "staff", "complex", 1)
    assert response.status_code == 422


def test_a_duplicate_grant_is_409(client):
    staff = user_with_roles(("staff", None, None))
    target_id = user_with_roles(("custodian", "complex", complex_id("omero"))).id
    headers = bearer(staff)
    response = _grant(client, headers, target_id, "custodian", "complex", complex_id("omero"))
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).where(RoleGrant.user_id == target_id)) == 1
    # The same role for another complex is a different grant.
    other = _grant(client, headers, target_id, "custodian", "complex", complex_id("faenza"))
    assert other.status_code == 201


def test_revoking_a_grant_removes_the_role_and_both_are_audited(client):
    staff = user_with_roles(("staff", None, None))
    target = UserFactory()
    headers = bearer(staff)
    grant = _grant(client, headers, target.id, "custodian", "complex", complex_id("omero"))
    grant_id = grant.get_json()["id"]
    target_headers = bearer(target)
    assert any(r["role"] == "custodian" for r in roles_in_me(client, target_headers))

    response = client.delete(f"{API}/users/{target.id}/roles/{grant_id}", headers=headers)
    assert response.status_code == 204
    assert roles_in_me(client, target_headers) == [
        {"role": "resident", "scope_type": None, "scope_id": None}
    ]
    again = client.delete(f"{API}/users/{target.id}/roles/{grant_id}", headers=headers)
    assert again.status_code == 404

    rows = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.in_(["role.grant", "role.revoke"]))
        .order_by(AuditEntry.id)
    ).all()
    assert [(r.action, r.actor_id, r.object_type, r.object_id) for r in rows] == [
        ("role.grant", staff.id, "user", target.id),
        ("role.revoke", staff.id, "user", target.id),
    ]
    assert rows[0].details["role"] == "custodian"
    assert rows[0].details["scope_id"] == complex_id("omero")


def test_staff_cannot_revoke_an_admin_grant(client):
    staff = user_with_roles(("staff", None, None))
    admin = user_with_roles(("admin", None, None))
    admin_headers = bearer(admin)
    grant_id = admin.grants[0].id
    response = client.delete(f"{API}/users/{admin.id}/roles/{grant_id}", headers=bearer(staff))
    assert response.status_code == 403
    assert {"role": "admin", "scope_type": None, "scope_id": None} in roles_in_me(
        client, admin_headers
    )


def test_a_grant_of_another_user_is_404(client):
    admin = user_with_roles(("admin", None, None))
    holder = user_with_roles(("staff", None, None))
    other = UserFactory()
    grant_id = holder.grants[0].id
    response = client.delete(f"{API}/users/{other.id}/roles/{grant_id}", headers=bearer(admin))
    assert response.status_code == 404
    assert count(RoleGrant) == 2


# --- tenancy verification -------------------------------------------------------------


def _request(client, headers, code: str = "omero", tenancy_code: str = "MI-004455"):
    return client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": complex_id(code), "tenancy_code": tenancy_code},
        headers=headers,
    )


def _decide(client, headers, verification_id, verb: str = "approve", **body):
    return client.post(
        f"{API}/tenancy-verifications/{verification_id}/{verb}", json=body, headers=headers
    )


def test_a_resident_requests_tenancy_and_the_custodian_approves(client):
    resident = UserFactory()
    custodian = user_with_roles(("custodian", "complex", complex_id("omero")))
    resident_headers = bearer(resident)
    response = _request(client, resident_headers)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "pending"
    assert body["user_id"] == resident.id
    assert body["complex_id"] == complex_id("omero")
    assert body["tenancy_code"] == "MI-004455"
    assert body["decided_at"] is None

    approved = _decide(client, bearer(custodian), body["id"])
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "approved"
    assert approved.get_json()["decided_at"] is not None
    assert {"role": "tenant", "scope_type": "complex", "scope_id": complex_id("omero")} in (
        roles_in_me(client, resident_headers)
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "tenancy.approve"))
    assert (entry.actor_id, entry.object_id) == (custodian.id, body["id"])


def test_a_second_request_while_one_is_pending_is_409(client):
    headers = bearer(UserFactory())
    assert _request(client, headers).status_code == 201
    assert _request(client, headers, tenancy_code="MI-999").status_code == 409
    # One open request at a time, whatever the complex: to change it, withdraw it first.
    assert _request(client, headers, code="faenza").status_code == 409
    assert count(TenancyVerification) == 1


def test_a_tenant_cannot_ask_again_for_the_same_complex(client):
    tenant = user_with_roles(("tenant", "complex", complex_id("omero")))
    assert _request(client, bearer(tenant)).status_code == 409


def test_a_request_for_an_unknown_complex_is_422(client):
    response = client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": 424242, "tenancy_code": "MI-1"},
        headers=bearer(UserFactory()),
    )
    assert response.status_code == 422
    assert "complex_id" in response.get_json()["errors"]["json"]
    assert count(TenancyVerification) == 0


def test_a_custodian_of_another_complex_gets_404(client):
    verification_id = TenancyVerificationFactory(complex_id=complex_id("omero")).id
    elsewhere = user_with_roles(("custodian", "complex", complex_id("faenza")))
    headers = bearer(elsewhere)
    assert _decide(client, headers, verification_id).status_code == 404
    assert (
        client.get(f"{API}/tenancy-verifications/{verification_id}", headers=headers).status_code
        == 404
    )
    assert db.session.get(TenancyVerification, verification_id).status == "pending"


def test_nobody_approves_their_own_request(client):
    # Even when they are the custodian of that very complex.
    custodian = user_with_roles(("custodian", "complex", complex_id("omero")))
    custodian_id = custodian.id
    verification_id = TenancyVerificationFactory(user=custodian, complex_id=complex_id("omero")).id
    response = _decide(client, bearer(custodian), verification_id)
    assert response.status_code == 403
    assert db.session.get(TenancyVerification, verification_id).status == "pending"
    assert not db.session.get(User, custodian_id).has_role(Role.TENANT, complex_id("omero"))


def test_a_decided_request_cannot_be_decided_again(client):
    verification = TenancyVerificationFactory(complex_id=complex_id("omero"))
    verification_id, requester_id = verification.id, verification.user_id
    headers = bearer(user_with_roles(("staff", None, None)))
    assert _decide(client, headers, verification_id).status_code == 200
    assert _decide(client, headers, verification_id).status_code == 409
    rejected = _decide(client, headers, verification_id, "reject", note="Ripensamento")
    assert rejected.status_code == 409
    tenant_grants = db.session.scalar(
        select(func.count()).where(RoleGrant.user_id == requester_id, RoleGrant.role == "tenant")
    )
    assert tenant_grants == 1


def test_a_rejection_carries_its_note_and_grants_nothing(client):
    resident = UserFactory()
    resident_headers = bearer(resident)
    verification_id = _request(client, resident_headers).get_json()["id"]
    custodian = user_with_roles(("custodian", "complex", complex_id("omero")))
    response = _decide(
        client,
        bearer(custodian),
        verification_id,
        "reject",
        note="Codice non trovato nel contratto",
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected"
    seen = client.get(f"{API}/tenancy-verifications/{verification_id}", headers=resident_headers)
    assert seen.get_json()["decision_note"] == "Codice non trovato nel contratto"
    assert roles_in_me(client, resident_headers) == [
        {"role": "resident", "scope_type": None, "scope_id": None}
    ]
    # After a rejection, a new request may be made.
    assert _request(client, resident_headers).status_code == 201


def test_the_list_shows_each_person_what_they_may_see(client):
    omero, faenza = complex_id("omero"), complex_id("faenza")
    resident = UserFactory()
    mine = TenancyVerificationFactory(user=resident, complex_id=faenza)
    at_omero = TenancyVerificationFactory(complex_id=omero)
    at_faenza = TenancyVerificationFactory(complex_id=faenza)
    custodian = user_with_roles(("custodian", "complex", omero))
    staff = user_with_roles(("staff", None, None))

    def listed(user, query: str = "") -> list[int]:
        response = client.get(f"{API}/tenancy-verifications{query}", headers=bearer(user))
        assert response.status_code == 200
        return [item["id"] for item in response.get_json()["items"]]

    assert listed(staff) == [mine.id, at_omero.id, at_faenza.id]
    assert listed(custodian) == [at_omero.id]
    assert listed(resident) == [mine.id]
    assert listed(staff, f"?complex_id={faenza}") == [mine.id, at_faenza.id]
    assert listed(staff, "?status=approved") == []


# --- CLI ------------------------------------------------------------------------------


def _create_admin(app, email: str, password: str):
    return app.test_cli_runner().invoke(
        args=["qc", "create-admin", "--email", email, "--password", password]
    )


def test_cli_creates_an_admin(app, client):
    result = _create_admin(app, "Capo@Example.org", "password-dell-admin")
    assert result.exit_code == 0, result.output
    user = accounts.find_user_by_email("capo@example.org")
    assert user is not None
    assert user.global_roles() == {Role.ADMIN}
    login(client, "capo@example.org", "password-dell-admin")


def test_cli_promotes_an_existing_user_and_resets_the_password(app, client):
    user = UserFactory(email="esistente@example.org")
    result = _create_admin(app, "esistente@example.org", "nuova-password-admin")
    assert result.exit_code == 0, result.output
    assert count(User) == 1
    promoted = db.session.get(User, user.id)
    assert Role.ADMIN in promoted.global_roles()
    login(client, "esistente@example.org", "nuova-password-admin")
    # Running it again keeps one admin grant.
    assert _create_admin(app, "esistente@example.org", "nuova-password-admin").exit_code == 0
    assert db.session.scalar(select(func.count()).where(RoleGrant.user_id == user.id)) == 1


def test_cli_rejects_a_short_password(app):
    result = _create_admin(app, "capo@example.org", "corta")
    assert result.exit_code != 0
    assert "password" in result.output
    assert accounts.find_user_by_email("capo@example.org") is None
