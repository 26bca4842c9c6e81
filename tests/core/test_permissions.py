"""The permission registry: modules declare their permissions and who holds them."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from qc_platform.accounts.roles import Role, ScopeType
from qc_platform.core import permissions
from qc_platform.core.errors import Forbidden, Unauthorized
from qc_platform.core.permissions import (
    has_permission,
    permission_required,
    register_permission,
    registered_permissions,
)
from tests.accounts.factories import user_with_roles

# Who held what before the permissions moved into their modules (core/permissions.py's
# ROLE_PERMISSIONS): the same table, now assembled from the modules' declarations.
EXPECTED = {
    "places.manage": {"admin"},
    "roles.grant_any": {"admin"},
    "roles.grant_community": {"staff", "admin"},
    "tenancy.review_all": {"staff", "admin"},
    "audit.read": {"staff", "admin"},
    "feedback.manage": {"staff", "admin"},
    "activities.manage_all": {"admin"},
    "timebank.manage": {"staff", "admin"},
    "marketplace.moderate": {"staff", "admin"},
}


@pytest.fixture
def registry(monkeypatch):
    """A copy of the registry for the test to add to, put back afterwards."""
    monkeypatch.setattr(permissions, "_holders", dict(permissions._holders))
    monkeypatch.setattr(
        permissions, "_all_permissions_roles", set(permissions._all_permissions_roles)
    )


def test_each_permission_is_held_by_the_roles_its_module_declares(app):
    assert {code: set(roles) for code, roles in registered_permissions().items()} == EXPECTED


def test_a_permission_is_held_through_a_global_role_only(app, registry):
    reading = register_permission("test.read", roles={Role.STAFF})
    staff = user_with_roles((Role.STAFF, None, None))
    admin = user_with_roles((Role.ADMIN, None, None))
    custodian = user_with_roles((Role.CUSTODIAN, ScopeType.COMPLEX, 1))
    resident = user_with_roles()

    assert has_permission(staff, reading)
    assert has_permission(admin, reading)  # the administrators hold every permission
    assert not has_permission(custodian, reading)
    assert not has_permission(resident, reading)
    assert not has_permission(AnonymousUserMixin(), reading)


def test_the_administrators_hold_permissions_declared_by_no_role(app, registry):
    nobody_else = register_permission("test.everything", roles=())
    assert has_permission(user_with_roles((Role.ADMIN, None, None)), nobody_else)
    assert not has_permission(user_with_roles((Role.STAFF, None, None)), nobody_else)


def test_a_permission_declared_twice_must_name_the_same_roles(app, registry):
    first = register_permission("test.twice", roles={Role.STAFF})
    assert register_permission("test.twice", roles=[Role.STAFF]) == first
    with pytest.raises(ValueError, match="test.twice"):
        register_permission("test.twice", roles={Role.STAFF, Role.OPERATOR})


def test_a_permission_nobody_declared_is_an_error_not_a_refusal(app):
    undeclared = permissions.Permission("test.undeclared")
    with pytest.raises(LookupError):
        has_permission(user_with_roles((Role.ADMIN, None, None)), undeclared)
    with pytest.raises(LookupError):
        permission_required(undeclared)


def test_permission_required_refuses_anonymous_callers_and_those_without_it(app, registry):
    managing = register_permission("test.manage", roles={Role.STAFF})
    view = permission_required(managing)(lambda: "done")
    staff = user_with_roles((Role.STAFF, None, None))
    resident = user_with_roles()

    with app.test_request_context(), pytest.raises(Unauthorized):
        view()
    with app.test_request_context():
        app.login_manager._update_request_context_with_user(resident)
        with pytest.raises(Forbidden):
            view()
    with app.test_request_context():
        app.login_manager._update_request_context_with_user(staff)
        assert view() == "done"
