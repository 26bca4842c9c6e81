"""Links sent by e-mail: password reset, address verification, address change."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from qc_platform.accounts import (
    auth,
    messages,  # noqa: F401 - registers the texts
    service,
)
from qc_platform.accounts.routes.blueprint import blp
from qc_platform.accounts.routes.common import (
    account_in_body,
    account_limit,
    account_signed_in,
    login_limit,
)
from qc_platform.accounts.schemas import (
    AcceptedSchema,
    EmailChangeSchema,
    EmailLinkTokenSchema,
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
)
from qc_platform.core.csrf import csrf_exempt
from qc_platform.core.i18n import translate
from qc_platform.core.limits import per_user_limit
from qc_platform.core.permissions import login_required, require_login
from qc_platform.extensions import limiter

# --- links sent by e-mail: password reset, address verification, address change --------


def _accepted(message_key: str):
    return {"message": translate(message_key)}


def _reset_target() -> str:
    """The address to reset, as a keyed hash (known or not: counted all the same)."""
    key = account_in_body()
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
    @limiter.limit(login_limit)
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
    @limiter.limit(login_limit)
    @blp.arguments(EmailLinkTokenSchema)
    @blp.response(204)
    @blp.alt_response(400, description="The link is unknown, used or expired (one message).")
    def post(self, data):
        """The verification link was opened: the address is verified (no sign-in needed:
        the link may be opened on another device)."""
        service.confirm_email_verification(token=data["token"])


@blp.route("/users/me/email")
class MyEmail(MethodView):
    @account_limit(account_signed_in)
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
    @limiter.limit(login_limit)
    @blp.arguments(EmailLinkTokenSchema)
    @blp.response(204)
    @blp.alt_response(400, description="The link is unknown, used or expired (one message).")
    @blp.alt_response(409, description="Another account has this address.")
    def post(self, data):
        """The link sent to the new address was opened: it becomes mine (verified), and
        the old address is told."""
        service.confirm_email_change(token=data["token"])
