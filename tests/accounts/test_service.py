"""Accounts services, called directly: the rules without HTTP around them."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from qc_platform.accounts import policies, service
from qc_platform.accounts.models import RoleGrant
from qc_platform.accounts.roles import Role, ScopeType
from qc_platform.core.audit import AuditEntry
from qc_platform.core.errors import Conflict, InvalidInput, Unauthorized
from qc_platform.extensions import db
from qc_platform.places.models import Complex, Organisation
from tests.accounts.factories import TenancyVerificationFactory, UserFactory, user_with_roles
from tests.conftest import TEST_PASSWORD


def _complex(code: str = "omero") -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == code))


def _tenant_grants(user_id: int) -> list[RoleGrant]:
    return list(
        db.session.scalars(
            select(RoleGrant).where(RoleGrant.user_id == user_id, RoleGrant.role == "tenant")
        )
    )


# --- authenticate ---------------------------------------------------------------------


def test_authenticate_rehashes_a_hash_made_with_weaker_parameters(app, monkeypatch):
    user = UserFactory(
        password_hash=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(TEST_PASSWORD)
    )
    old_hash = user.password_hash
    # The configured cost is now higher than the stored hash's (still cheap for a test).
    monkeypatch.setitem(app.config, "QC_ARGON2_TIME_COST", 2)
    monkeypatch.setitem(app.config, "QC_ARGON2_MEMORY_COST", 16)

    assert service.authenticate(email=user.email, password=TEST_PASSWORD) is user
    assert user.password_hash != old_hash
    assert user.password_hash.startswith("$argon2id$v=19$m=16,t=2,p=1$")
    assert PasswordHasher().verify(user.password_hash, TEST_PASSWORD)
    assert user.last_login_at is not None


def test_authenticate_keeps_a_hash_made_with_the_current_parameters(app):
    user = UserFactory()
    old_hash = user.password_hash
    service.authenticate(email=user.email, password=TEST_PASSWORD)
    assert user.password_hash == old_hash


def test_a_wrong_password_neither_authenticates_nor_rehashes(app, monkeypatch):
    user = UserFactory()
    old_hash = user.password_hash
    monkeypatch.setitem(app.config, "QC_ARGON2_TIME_COST", 2)
    with pytest.raises(Unauthorized) as caught:
        service.authenticate(email=user.email, password="non-e-la-password")
    assert caught.value.message_key == "accounts.bad_credentials"
    assert user.password_hash == old_hash
    assert user.last_login_at is None


def test_unknown_email_and_inactive_user_fail_like_a_wrong_password():
    inactive = UserFactory(is_active=False)
    for email in ("nessuno@example.org", inactive.email):
        with pytest.raises(Unauthorized) as caught:
            service.authenticate(email=email, password=TEST_PASSWORD)
        assert caught.value.message_key == "accounts.bad_credentials"


def test_register_normalises_the_email_and_refuses_a_duplicate_in_any_case():
    user = service.register(
        email="Anna.Rossi@Example.org", password="abbastanza-lunga", display_name="  Anna Rossi  "
    )
    assert user.email == "anna.rossi@example.org"
    assert user.display_name == "Anna Rossi"
    with pytest.raises(Conflict):
        service.register(
            email="ANNA.ROSSI@example.org", password="abbastanza-lunga", display_name="Altra Anna"
        )
    assert db.session.scalar(select(func.count()).select_from(type(user))) == 1


# --- tokens ---------------------------------------------------------------------------


def test_a_token_resolves_to_its_owner_until_revoked():
    user = UserFactory()
    token, clear = service.issue_token(user=user, name="  telefono  ")
    assert token.name == "telefono"
    assert clear.startswith(service.TOKEN_PREFIX)
    assert token.prefix == clear[: len(token.prefix)]
    assert service.user_for_token(clear) is user
    assert service.user_for_token(clear + "x") is None
    service.revoke_token(user=user, token_id=token.id)
    assert service.user_for_token(clear) is None


def test_the_token_of_a_deactivated_user_does_not_authenticate():
    user = UserFactory()
    _, clear = service.issue_token(user=user, name="telefono")
    user.is_active = False
    assert service.user_for_token(clear) is None


# --- grant_role -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scope_type", "scope_id", "message_key", "field"),
    [
        (Role.RESIDENT, None, None, "accounts.resident_implicit", "role"),
        (Role.STAFF, ScopeType.COMPLEX, 1, "accounts.scope_not_allowed", "scope_type"),
        (Role.ADMIN, None, 1, "accounts.scope_not_allowed", "scope_type"),
        (Role.CUSTODIAN, ScopeType.ORGANISATION, 1, "accounts.scope_required", "scope_type"),
        (Role.CUSTODIAN, ScopeType.COMPLEX, None, "accounts.scope_required", "scope_type"),
        (Role.CUSTODIAN, None, None, "accounts.scope_required", "scope_type"),
        (Role.TENANT, ScopeType.COMPLEX, 424242, "accounts.unknown_scope", "scope_id"),
        (Role.OPERATOR, ScopeType.ORGANISATION, 424242, "accounts.unknown_scope", "scope_id"),
        (Role.OPERATOR, ScopeType.COMPLEX, 1, "accounts.scope_required", "scope_type"),
        (Role.COMMITTEE_MEMBER, ScopeType.COMMITTEE, 424242, "accounts.unknown_scope", "scope_id"),
    ],
)
def test_grant_role_refuses_a_wrong_scope(role, scope_type, scope_id, message_key, field):
    admin = user_with_roles(("admin", None, None))
    user = UserFactory()
    with pytest.raises(InvalidInput) as caught:
        service.grant_role(
            actor=admin, user=user, role=role, scope_type=scope_type, scope_id=scope_id
        )
    assert caught.value.message_key == message_key
    assert field in caught.value.errors["json"]
    assert user.grants == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_grant_role_stores_the_grant_and_audits_it():
    admin = user_with_roles(("admin", None, None))
    user = UserFactory()
    organisation = db.session.scalar(
        select(Organisation.id).where(Organisation.slug == "ente-omero")
    )
    grant = service.grant_role(
        actor=admin,
        user=user,
        role=Role.OPERATOR,
        scope_type=ScopeType.ORGANISATION,
        scope_id=organisation,
    )
    assert (grant.role, grant.scope_type, grant.scope_id) == (
        "operator",
        "organisation",
        organisation,
    )
    assert grant.granted_by_id == admin.id
    assert user.has_role(Role.OPERATOR, organisation)
    assert not user.has_role(Role.OPERATOR, organisation + 1000)
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.actor_id, entry.action, entry.object_id) == (admin.id, "role.grant", user.id)
    assert entry.details == {
        "role": "operator",
        "scope_type": "organisation",
        "scope_id": organisation,
    }


def test_grant_role_refuses_a_duplicate_but_not_another_scope():
    admin = user_with_roles(("admin", None, None))
    user = UserFactory()
    service.grant_role(
        actor=admin,
        user=user,
        role=Role.CUSTODIAN,
        scope_type=ScopeType.COMPLEX,
        scope_id=_complex("omero"),
    )
    with pytest.raises(Conflict):
        service.grant_role(
            actor=admin,
            user=user,
            role=Role.CUSTODIAN,
            scope_type=ScopeType.COMPLEX,
            scope_id=_complex("omero"),
        )
    service.grant_role(
        actor=admin,
        user=user,
        role=Role.CUSTODIAN,
        scope_type=ScopeType.COMPLEX,
        scope_id=_complex("faenza"),
    )
    assert user.scope_ids(Role.CUSTODIAN) == {_complex("omero"), _complex("faenza")}
    service.grant_role(actor=admin, user=user, role=Role.STAFF, scope_type=None, scope_id=None)
    with pytest.raises(Conflict):
        service.grant_role(actor=admin, user=user, role=Role.STAFF, scope_type=None, scope_id=None)


def test_who_may_grant_what():
    admin = user_with_roles(("admin", None, None))
    staff = user_with_roles(("staff", None, None))
    custodian = user_with_roles(("custodian", "complex", 1))
    for role in Role:
        assert policies.can_grant(admin, role)
    assert {role for role in Role if policies.can_grant(staff, role)} == {
        Role.CUSTODIAN,
        Role.COMMITTEE_MEMBER,
        Role.TENANT,
    }
    assert not any(policies.can_grant(custodian, role) for role in Role)
    assert policies.can_manage_roles(staff) and not policies.can_manage_roles(custodian)


# --- tenancy --------------------------------------------------------------------------


def test_request_tenancy_checks_the_complex_and_open_requests():
    user = UserFactory()
    with pytest.raises(InvalidInput) as caught:
        service.request_tenancy(user=user, complex_id=424242, tenancy_code="MI-1")
    assert "complex_id" in caught.value.errors["json"]
    verification = service.request_tenancy(
        user=user, complex_id=_complex(), tenancy_code="  MI-1  "
    )
    assert (verification.status, verification.tenancy_code) == ("pending", "MI-1")
    with pytest.raises(Conflict):
        service.request_tenancy(user=user, complex_id=_complex(), tenancy_code="MI-2")


def test_decide_tenancy_grants_exactly_one_tenant_role():
    staff = user_with_roles(("staff", None, None))
    verification = TenancyVerificationFactory(complex_id=_complex())
    service.decide_tenancy(actor=staff, verification=verification, approve=True, note="ok")
    grants = _tenant_grants(verification.user_id)
    assert [(g.scope_type, g.scope_id, g.granted_by_id) for g in grants] == [
        ("complex", _complex(), staff.id)
    ]
    assert (verification.status, verification.decision_note) == ("approved", "ok")
    assert verification.decided_by_id == staff.id
    with pytest.raises(Conflict):
        service.decide_tenancy(actor=staff, verification=verification, approve=True, note=None)
    assert len(_tenant_grants(verification.user_id)) == 1


def test_approving_a_request_of_someone_already_tenant_adds_no_second_grant():
    staff = user_with_roles(("staff", None, None))
    tenant = user_with_roles(("tenant", "complex", _complex()))
    # A request made before the role was granted another way.
    verification = TenancyVerificationFactory(user=tenant, complex_id=_complex())
    service.decide_tenancy(actor=staff, verification=verification, approve=True, note=None)
    assert verification.status == "approved"
    assert len(_tenant_grants(tenant.id)) == 1


def test_a_rejection_grants_nothing_and_is_audited():
    staff = user_with_roles(("staff", None, None))
    verification = TenancyVerificationFactory(complex_id=_complex())
    service.decide_tenancy(
        actor=staff, verification=verification, approve=False, note="Codice errato"
    )
    assert verification.status == "rejected"
    assert _tenant_grants(verification.user_id) == []
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.object_id) == (
        "tenancy.reject",
        staff.id,
        verification.id,
    )
