"""Accounts API: /auth, /users/{id}/roles, /tenancy-verifications."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, jsonify, request, session
from flask.views import MethodView
from flask_login import current_user, logout_user
from flask_smorest import Blueprint

from qc_platform.accounts import (
    auth,
    messages,  # noqa: F401 - registers the texts
    policies,
    service,
)
from qc_platform.accounts.models import ApiToken, TenancyVerification, UserSession
from qc_platform.accounts.roles import Role
from qc_platform.accounts.schemas import (
    AcceptedSchema,
    EmailChangeSchema,
    EmailLinkTokenSchema,
    ErasureSchema,
    ExportQueryArgsSchema,
    ExportSchema,
    GrantCreateSchema,
    GrantSchema,
    LegalInfoSchema,
    LoginSchema,
    MeSchema,
    PasswordChangeSchema,
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
    ProfileUpdateSchema,
    RegisterSchema,
    SessionSchema,
    TenancyDecisionSchema,
    TenancyQueryArgsSchema,
    TenancyRejectSchema,
    TenancyRequestSchema,
    TenancyVerificationSchema,
    TokenCreatedSchema,
    TokenCreateSchema,
    TokenSchema,
    UserSchema,
)
from qc_platform.accounts.service import erasure, export
from qc_platform.core.csrf import csrf_exempt, csrf_token, reset_csrf_token
from qc_platform.core.errors import Forbidden, NotFound
from qc_platform.core.i18n import translate
from qc_platform.core.limits import per_user, per_user_limit
from qc_platform.core.pagination import PaginationArgsSchema, page_schema, paginate
from qc_platform.core.permissions import login_required, require_login
from qc_platform.extensions import db, limiter

blp = Blueprint(
    "accounts",
    __name__,
    url_prefix="/api/v1",
    description="Accounts, sign-in, personal tokens, role grants, tenancy verification.",
)


def _login_limit() -> str:
    return current_app.config["QC_LOGIN_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["QC_REGISTER_RATE_LIMIT"]


# --- the per-account guessing budget -------------------------------------------------
# Every route that checks a password spends from one budget per account, whatever the
# client's address: only wrong passwords count, so signing in often costs nothing. The
# account is named in the key by a keyed hash of its normalised e-mail, never in clear.


def _account_key(email: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else secret.encode()
    digest = hmac.new(secret, service.normalise_email(email).encode(), hashlib.sha256)
    return "account:" + digest.hexdigest()[:32]


def _account_in_body() -> str:
    try:
        body = request.get_json(silent=True)
    except (RecursionError, ValueError):
        return ""
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str) or not 0 < len(email) <= 254:
        return ""  # a 422 follows: no account to count against
    return _account_key(email)


def _account_signed_in() -> str:
    return _account_key(current_user.email) if current_user.is_authenticated else ""


def _account_limit(key_func):
    return limiter.shared_limit(
        lambda: current_app.config["QC_ACCOUNT_LOGIN_RATE_LIMIT"],
        scope="account-password",
        key_func=key_func,
        methods=["POST"],
        exempt_when=lambda: not key_func(),
        deduct_when=lambda response: auth.password_was_rejected(),
    )


def _check_credentials(email: str, password: str, *, via: str):
    try:
        return service.authenticate(email=email, password=password)
    except service.BadCredentials as failure:
        auth.note_failed_password(via=via, user_id=failure.user_id)
        raise


def _me(user):
    user.csrf_token = csrf_token()
    return user


@blp.route("/auth/register")
class Register(MethodView):
    @csrf_exempt
    @limiter.limit(_register_limit)
    @blp.arguments(RegisterSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="An account with this e-mail exists.")
    def post(self, data):
        """Create an account (every registered user is a resident); a link that verifies
        the address is sent to it."""
        return service.sign_up(**data)


@blp.route("/auth/login")
class Login(MethodView):
    @csrf_exempt
    @limiter.limit(_login_limit)
    @_account_limit(_account_in_body)
    @blp.arguments(LoginSchema)
    @blp.response(200, MeSchema)
    @blp.alt_response(401, description="Wrong e-mail or password.")
    @blp.alt_response(429, description="Too many attempts from this address or at this account.")
    def post(self, data):
        """Sign in: sets the session cookie (HttpOnly, SameSite=Lax), bound to a new
        server-side session."""
        user = _check_credentials(data["email"], data["password"], via="login")
        auth.sign_in(user)
        user.csrf_token = reset_csrf_token()
        return user


@blp.route("/auth/logout")
class Logout(MethodView):
    @login_required
    @blp.response(204)
    def post(self):
        """Sign out: the session ends on the server, so a copy of the cookie is worthless."""
        auth.sign_out(require_login())


@blp.route("/auth/logout-everywhere")
class LogoutEverywhere(MethodView):
    @login_required
    @blp.response(204)
    def post(self):
        """End every other session of mine (all of them, when called with a token)."""
        service.end_other_sessions(user=require_login(), keep=auth.current_session())


@blp.route("/auth/sessions")
class Sessions(MethodView):
    @login_required
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(SessionSchema))
    def get(self, limit, cursor):
        """My signed-in browsers, newest first; `current` marks this request's."""
        return paginate(
            service.sessions_of(require_login()),
            keys=[UserSession.id],
            limit=limit,
            cursor=cursor,
            descending=True,
        )


@blp.route("/auth/sessions/<int:session_id>")
class SessionItem(MethodView):
    @login_required
    @blp.response(204)
    def delete(self, session_id):
        """End one of my sessions (ending the current one signs this browser out)."""
        user = require_login()
        target = service.get_own_session(user=user, session_id=session_id)
        current = auth.current_session()
        if current is not None and current.id == target.id:
            auth.sign_out(user)
        else:
            service.end_session(user=user, user_session=target)


@blp.route("/auth/password")
class Password(MethodView):
    @_account_limit(_account_signed_in)
    @login_required
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    @blp.alt_response(403, description="The current password is wrong; nothing changed.")
    def post(self, data):
        """Change my password; every other session of mine ends, this one stays (with a
        new cookie: a copy of the old one is worthless too)."""
        user = require_login()
        try:
            service.change_password(
                user=user,
                current_password=data["current_password"],
                new_password=data["new_password"],
                keep=auth.current_session(),
            )
        except service.WrongPassword:
            auth.note_failed_password(via="password", user_id=user.id, actor=user)
            raise
        auth.renew_current_session()


# --- links sent by e-mail: password reset, address verification, address change --------


def _accepted(message_key: str):
    return {"message": translate(message_key)}


def _reset_target() -> str:
    """The address to reset, as a keyed hash (known or not: counted all the same)."""
    key = _account_in_body()
    return "reset-" + key if key else ""


@blp.route("/auth/password-reset")
class PasswordReset(MethodView):
    @csrf_exempt
    @limiter.limit(lambda: current_app.config["QC_PASSWORD_RESET_RATE_LIMIT"])
    @limiter.limit(
        lambda: current_app.config["QC_PASSWORD_RESET_EMAIL_RATE_LIMIT"],
        key_func=_reset_target,
        scope="password-reset-email",
        exempt_when=lambda: not _reset_target(),
    )
    @blp.arguments(PasswordResetRequestSchema)
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(429, description="Too many requests from this address or for this e-mail.")
    def post(self, data):
        """Ask for a link to choose a new password. The answer is the same whether the
        address is an account's or not; if it is, a link valid 60 minutes (once) is sent to
        it, to `/reimposta-password?token=…`."""
        service.request_password_reset(email=data["email"])
        return _accepted("accounts.password_reset_sent")


@blp.route("/auth/password-reset/confirm")
class PasswordResetConfirm(MethodView):
    @csrf_exempt
    @limiter.limit(_login_limit)
    @blp.arguments(PasswordResetConfirmSchema)
    @blp.response(204)
    @blp.alt_response(400, description="The link is unknown, used or expired (one message).")
    def post(self, data):
        """Choose a new password with the link's token: every session and personal token
        of the person ends (sign in again). A weak password is a 422 and keeps the link."""
        service.confirm_password_reset(token=data["token"], new_password=data["new_password"])


@blp.route("/auth/email-verification")
class EmailVerification(MethodView):
    @login_required
    @per_user_limit("QC_EMAIL_LINK_RATE_LIMIT", scope="email-link")
    @blp.response(202, AcceptedSchema)
    def post(self):
        """Send (again) the link that verifies my address; nothing is sent when it is
        verified already. Until then no notification is e-mailed to it."""
        sent = service.send_verification(user=require_login())
        return _accepted("accounts.verification_sent" if sent else "accounts.already_verified")


@blp.route("/auth/email-verification/confirm")
class EmailVerificationConfirm(MethodView):
    @csrf_exempt
    @limiter.limit(_login_limit)
    @blp.arguments(EmailLinkTokenSchema)
    @blp.response(204)
    @blp.alt_response(400, description="The link is unknown, used or expired (one message).")
    def post(self, data):
        """The verification link was opened: the address is verified (no sign-in needed:
        the link may be opened on another device)."""
        service.confirm_email_verification(token=data["token"])


@blp.route("/users/me/email")
class MyEmail(MethodView):
    @_account_limit(_account_signed_in)
    @login_required
    @per_user_limit("QC_EMAIL_LINK_RATE_LIMIT", scope="email-link")
    @blp.arguments(EmailChangeSchema)
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(403, description="The password is wrong; nothing changed.")
    def post(self, data):
        """Ask to change my address: with my password, a link is sent to the new address,
        and the address changes when it is opened (`POST /auth/email-change/confirm`).
        Whether another account has the new address is said only then (409), so that
        this answer tells nobody who has an account."""
        user = require_login()
        try:
            service.request_email_change(
                user=user, new_email=data["new_email"], password=data["password"]
            )
        except service.WrongPasswordForEmail:
            auth.note_failed_password(via="email_change", user_id=user.id, actor=user)
            raise
        return _accepted("accounts.email_change_sent")


@blp.route("/auth/email-change/confirm")
class EmailChangeConfirm(MethodView):
    @csrf_exempt
    @limiter.limit(_login_limit)
    @blp.arguments(EmailLinkTokenSchema)
    @blp.response(204)
    @blp.alt_response(400, description="The link is unknown, used or expired (one message).")
    @blp.alt_response(409, description="Another account has this address.")
    def post(self, data):
        """The link sent to the new address was opened: it becomes mine (verified), and
        the old address is told."""
        service.confirm_email_change(token=data["token"])


@blp.route("/auth/me")
class Me(MethodView):
    @login_required
    @blp.response(200, MeSchema)
    def get(self):
        """The signed-in user, their roles and the CSRF token for cookie-authenticated writes."""
        return _me(require_login())


@blp.route("/users/me")
class UsersMe(MethodView):
    @login_required
    @blp.arguments(ProfileUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, data):
        """Change my display name or language (of the web app, notifications and e-mails)."""
        return service.update_profile(user=require_login(), **data)


@blp.route("/auth/tokens")
class Tokens(MethodView):
    @limiter.limit(_login_limit)
    @_account_limit(_account_in_body)
    @blp.arguments(TokenCreateSchema)
    @blp.response(201, TokenCreatedSchema)
    @blp.alt_response(401, description="Wrong e-mail or password.")
    @blp.alt_response(429, description="Too many attempts from this address or at this account.")
    def post(self, data):
        """Issue a personal bearer token, valid `expires_in_days` (default 90). The secret
        is in this response only."""
        user = _check_credentials(data["email"], data["password"], via="token")
        token, clear = service.create_token(
            user=user, name=data["name"], expires_in_days=data["expires_in_days"]
        )
        token.token = clear
        return token

    @login_required
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(TokenSchema))
    def get(self, limit, cursor):
        """My tokens, expired ones included (never their secrets)."""
        user = require_login()
        return paginate(service.tokens_of(user), keys=[ApiToken.id], limit=limit, cursor=cursor)


@blp.route("/auth/tokens/<int:token_id>")
class TokenItem(MethodView):
    @login_required
    @blp.response(204)
    def delete(self, token_id):
        """Revoke one of my tokens."""
        service.revoke_token(user=require_login(), token_id=token_id)


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


# --- GDPR: access and erasure; the privacy notice's facts ------------------------------


def _export_limit() -> str:
    return current_app.config["QC_EXPORT_RATE_LIMIT"]


_EXPORT_RESPONSES = {
    "200": {
        "description": "Everything the platform holds about me, by module (no secret: no "
        "password, session or token hash). `format=zip`: the same JSON "
        "(`dati-personali.json`) and my report attachments, as a ZIP.",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@blp.route("/users/me/export")
class MyDataExport(MethodView):
    @login_required
    @limiter.limit(_export_limit, key_func=per_user, methods=["GET"])
    @blp.arguments(ExportQueryArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, ExportSchema)
    @blp.doc(responses=_EXPORT_RESPONSES)
    @blp.alt_response(429, description="Too many exports: try again later.")
    def get(self, format):
        """Download my personal data (GDPR access and portability), as JSON or as a ZIP
        with my attachments. Rate limited per person (`QC_EXPORT_RATE_LIMIT`)."""
        user = require_login()
        if format == "zip":
            response = current_app.response_class(export.export_zip(user), status=200)
            response.headers["Content-Type"] = "application/zip"
            response.headers["Content-Disposition"] = (
                f'attachment; filename="quartieri-connessi-dati-{user.id}.zip"'
            )
        else:
            response = jsonify(export.export_user(user))
            response.headers["Content-Disposition"] = (
                f'attachment; filename="quartieri-connessi-dati-{user.id}.json"'
            )
        response.headers["Cache-Control"] = "private, no-store"
        return response


def _erasure_password_limit():
    # Wrong passwords spend the same per-account budget as sign-in and password change.
    return limiter.shared_limit(
        lambda: current_app.config["QC_ACCOUNT_LOGIN_RATE_LIMIT"],
        scope="account-password",
        key_func=_account_signed_in,
        methods=["DELETE"],
        exempt_when=lambda: not _account_signed_in(),
        deduct_when=lambda response: auth.password_was_rejected(),
    )


@blp.route("/users/me")
class MyAccountErasure(MethodView):
    @_erasure_password_limit()
    @login_required
    @blp.arguments(ErasureSchema)
    @blp.response(204)
    @blp.alt_response(403, description="The password is wrong; nothing was erased.")
    @blp.alt_response(
        409, description="Open obligations to close first (`errors.obligations` names them)."
    )
    def delete(self, data):
        """Delete my account (GDPR erasure), confirmed with my password. Personal data is
        erased at once; what others rely on stays, pseudonymised: the time-bank account and
        its entries (as "Persona cancellata"), my reports (anonymous), audit rows. Every
        session and token ends."""
        user = require_login()
        try:
            erasure.erase_user(user=user, password=data["password"])
        except erasure.ErasureWrongPassword:
            auth.note_failed_password(via="erasure", user_id=user.id, actor=user)
            raise
        logout_user()
        session.clear()


@blp.route("/legal")
class LegalInfo(MethodView):
    @blp.response(200, LegalInfoSchema)
    def get(self):
        """The facts of the privacy notice and the accessibility statement that depend on
        this installation: the data controller and contacts, and how long sessions and
        tokens last."""
        config = current_app.config
        return {
            "controller": config["QC_PRIVACY_CONTROLLER"],
            "controller_contact": config["QC_PRIVACY_CONTROLLER_CONTACT"],
            "dpo_contact": config["QC_PRIVACY_DPO_CONTACT"],
            "accessibility_contact": config["QC_ACCESSIBILITY_CONTACT"],
            "session_idle_minutes": config["QC_SESSION_IDLE_MINUTES"],
            "staff_session_idle_minutes": config["QC_STAFF_SESSION_IDLE_MINUTES"],
            "token_default_days": service.DEFAULT_TOKEN_DAYS,
            "token_max_days": service.MAX_TOKEN_DAYS,
        }
