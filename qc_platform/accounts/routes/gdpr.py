"""GDPR: access and erasure; the privacy notice's facts."""

from __future__ import annotations

from flask import current_app, jsonify, session
from flask.views import MethodView
from flask_login import logout_user

from qc_platform.accounts import (
    auth,
    messages,  # noqa: F401 - registers the texts
    service,
)
from qc_platform.accounts.routes.blueprint import blp
from qc_platform.accounts.routes.common import (
    account_signed_in,
)
from qc_platform.accounts.schemas import (
    ErasureSchema,
    ExportQueryArgsSchema,
    ExportSchema,
    LegalInfoSchema,
)
from qc_platform.accounts.service import erasure, export
from qc_platform.core.limits import per_user
from qc_platform.core.permissions import login_required, require_login
from qc_platform.extensions import limiter

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
        key_func=account_signed_in,
        methods=["DELETE"],
        exempt_when=lambda: not account_signed_in(),
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
