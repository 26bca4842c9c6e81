"""Role grants and tenancy verification."""

from __future__ import annotations

from flask.views import MethodView

from qc_platform.accounts import (
    messages,  # noqa: F401 - registers the texts
    policies,
    service,
)
from qc_platform.accounts.models import TenancyVerification
from qc_platform.accounts.roles import Role
from qc_platform.accounts.routes.blueprint import blp
from qc_platform.accounts.schemas import (
    GrantCreateSchema,
    GrantSchema,
    TenancyDecisionSchema,
    TenancyQueryArgsSchema,
    TenancyRejectSchema,
    TenancyRequestSchema,
    TenancyVerificationSchema,
)
from qc_platform.core.errors import Forbidden, NotFound
from qc_platform.core.pagination import PaginationArgsSchema, page_schema, paginate
from qc_platform.core.permissions import login_required, require_login
from qc_platform.extensions import db


def _load_user_for_grants(actor, user_id):
    if not policies.can_manage_roles(actor):
        raise Forbidden("http.403")
    user = service.get_user(user_id)
    if user is None:
        raise NotFound("http.404")
    return user


@blp.route("/users/<int:user_id>/roles")
class UserRoles(MethodView):
    @login_required
    @blp.arguments(GrantCreateSchema)
    @blp.response(201, GrantSchema)
    def post(self, data, user_id):
        """Grant a role (admin: any; staff: custodian, committee member, tenant)."""
        actor = require_login()
        user = _load_user_for_grants(actor, user_id)
        if not policies.can_grant(actor, data["role"]):
            raise Forbidden("accounts.role_not_grantable")
        return service.grant_role(actor=actor, user=user, **data)


@blp.route("/users/<int:user_id>/roles/<int:grant_id>")
class UserRoleItem(MethodView):
    @login_required
    @blp.response(204)
    def delete(self, user_id, grant_id):
        """Revoke a role grant."""
        actor = require_login()
        user = _load_user_for_grants(actor, user_id)
        grant = service.get_grant(user=user, grant_id=grant_id)
        if not policies.can_grant(actor, Role(grant.role)):
            raise Forbidden("accounts.role_not_grantable")
        service.revoke_role(actor=actor, user=user, grant=grant)


@blp.route("/tenancy-verifications")
class TenancyVerifications(MethodView):
    @login_required
    @blp.arguments(TenancyRequestSchema)
    @blp.response(201, TenancyVerificationSchema)
    @blp.alt_response(409, description="Already a tenant, or a request is pending.")
    def post(self, data):
        """Ask to be recognised as the tenant of a complex."""
        return service.request_tenancy(user=require_login(), **data)

    @login_required
    @blp.arguments(TenancyQueryArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(TenancyVerificationSchema))
    def get(self, status, complex_id, mine, limit, cursor):
        """Requests I may see, oldest first: mine, my complexes' as custodian, all as staff
        (`mine=false`: the reviewer's queue, without my own)."""
        query = service.search_tenancy_verifications(
            viewer=require_login(), status=status, complex_id=complex_id, mine=mine
        )
        return paginate(query, keys=[TenancyVerification.id], limit=limit, cursor=cursor)


def _load_verification(user, verification_id) -> TenancyVerification:
    verification = db.session.get(TenancyVerification, verification_id)
    if verification is None or not policies.can_see_tenancy_verification(user, verification):
        raise NotFound("http.404")
    return verification


@blp.route("/tenancy-verifications/<int:verification_id>")
class TenancyVerificationItem(MethodView):
    @login_required
    @blp.response(200, TenancyVerificationSchema)
    def get(self, verification_id):
        """One request (its requester, the custodians of the complex, staff)."""
        return _load_verification(require_login(), verification_id)

    @login_required
    @blp.response(204)
    @blp.alt_response(409, description="Already decided: it cannot be withdrawn.")
    def delete(self, verification_id):
        """Withdraw my pending request (someone else's is not found)."""
        user = require_login()
        service.withdraw_tenancy(user=user, verification=_load_verification(user, verification_id))


def _decide(verification_id, data, approve: bool):
    user = require_login()
    verification = _load_verification(user, verification_id)
    if not policies.can_decide_tenancy_verification(user, verification):
        raise Forbidden("http.403")
    return service.decide_tenancy(
        actor=user, verification=verification, approve=approve, note=data.get("note")
    )


@blp.route("/tenancy-verifications/<int:verification_id>/approve")
class TenancyApprove(MethodView):
    @login_required
    @blp.arguments(TenancyDecisionSchema)
    @blp.response(200, TenancyVerificationSchema)
    @blp.alt_response(409, description="Already decided.")
    def post(self, data, verification_id):
        """Approve: grants the tenant role for the complex."""
        return _decide(verification_id, data, approve=True)


@blp.route("/tenancy-verifications/<int:verification_id>/reject")
class TenancyReject(MethodView):
    @login_required
    @blp.arguments(TenancyRejectSchema)
    @blp.response(200, TenancyVerificationSchema)
    @blp.alt_response(409, description="Already decided.")
    def post(self, data, verification_id):
        """Reject, with the reason (`note`, required), which the requester reads."""
        return _decide(verification_id, data, approve=False)
