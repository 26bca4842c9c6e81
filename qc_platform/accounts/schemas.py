"""Request and response schemas of the accounts API."""

from __future__ import annotations

from marshmallow import Schema, fields, pre_dump, validate

from qc_platform.accounts import auth
from qc_platform.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from qc_platform.accounts.roles import Role, ScopeType
from qc_platform.accounts.service import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, get_user
from qc_platform.core.i18n import LOCALES
from qc_platform.core.schemas import MultiLineString, SingleLineString, not_blank

Email = lambda **kw: fields.Email(  # noqa: E731 - a field factory, read like a field
    required=True, validate=validate.Length(max=254), **kw
)

PASSWORD_RULES = (
    f"At least {MIN_PASSWORD_LENGTH} characters, not containing the e-mail's local part or "
    "the display name, not a common or easily guessed password; a refusal is a 422 naming "
    "the field, with the reason."
)


def NewPassword(**kw):  # noqa: N802 - a field factory, read like a field
    """A password being set: its length here, the rest of the policy in the service (it
    needs the person's e-mail and name)."""
    return fields.String(
        required=True,
        load_only=True,
        validate=[
            validate.Length(min=MIN_PASSWORD_LENGTH, error="accounts.password_too_short"),
            validate.Length(max=MAX_PASSWORD_LENGTH),
        ],
        metadata={"description": PASSWORD_RULES},
        **kw,
    )


class RoleSchema(Schema):
    role = fields.String(required=True, metadata={"enum": [r.value for r in Role]})
    scope_type = fields.String(allow_none=True, required=True)
    scope_id = fields.Integer(allow_none=True, required=True)


class GrantSchema(RoleSchema):
    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)


class GrantCreateSchema(Schema):
    role = fields.Enum(Role, by_value=True, required=True)
    scope_type = fields.Enum(ScopeType, by_value=True, load_default=None, allow_none=True)
    scope_id = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1)
    )


def roles_of(user) -> list[dict]:
    """Every user is a resident; the stored grants follow."""
    return [{"role": Role.RESIDENT.value, "scope_type": None, "scope_id": None}] + [
        {"role": g.role, "scope_type": g.scope_type, "scope_id": g.scope_id} for g in user.grants
    ]


class UserSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    locale = fields.String(required=True)
    roles = fields.List(fields.Nested(RoleSchema), required=True)
    created_at = fields.AwareDateTime(required=True)

    @pre_dump
    def _with_roles(self, user, **kwargs):
        if isinstance(user, dict):
            return user
        data = {
            name: getattr(user, name)
            for name in ("id", "email", "display_name", "locale", "created_at")
        }
        data["roles"] = roles_of(user)
        data["csrf_token"] = getattr(user, "csrf_token", None)
        data["email_verified"] = user.email_verified
        return data


class MeSchema(UserSchema):
    email_verified = fields.Boolean(
        required=True,
        metadata={
            "description": "The person opened a link sent to the address; until then no "
            "notification is e-mailed to it."
        },
    )
    csrf_token = fields.String(
        required=True,
        metadata={"description": "Send as `X-CSRF-Token` on unsafe cookie-authenticated requests."},
    )


class RegisterSchema(Schema):
    email = Email()
    password = NewPassword()
    display_name = SingleLineString(
        required=True, validate=[validate.Length(min=1, max=80), not_blank]
    )
    locale = fields.String(load_default="it", validate=validate.OneOf(LOCALES))


class LoginSchema(Schema):
    email = SingleLineString(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH)
    )


class TokenCreateSchema(LoginSchema):
    name = SingleLineString(required=True, validate=[validate.Length(min=1, max=80), not_blank])
    expires_in_days = fields.Integer(
        strict=True,
        load_default=DEFAULT_TOKEN_DAYS,
        validate=validate.Range(min=1, max=MAX_TOKEN_DAYS),
        metadata={"description": f"Days until the token expires, 1–{MAX_TOKEN_DAYS}."},
    )


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(
        required=True, metadata={"description": "First characters, to recognise it."}
    )
    created_at = fields.AwareDateTime(required=True)
    last_used_at = fields.AwareDateTime(allow_none=True, required=True)
    expires_at = fields.AwareDateTime(
        required=True, metadata={"description": "After this instant the token is refused (401)."}
    )


class TokenCreatedSchema(TokenSchema):
    token = fields.String(
        required=True, metadata={"description": "The secret, shown this once only."}
    )


class PasswordChangeSchema(Schema):
    current_password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH)
    )
    new_password = NewPassword()


class PasswordResetRequestSchema(Schema):
    # As typed at sign-in (spaces and case do not matter), and not checked further: any
    # text gets the same answer as an address that is nobody's.
    email = SingleLineString(
        required=True,
        validate=validate.Length(min=1, max=254),
        metadata={"description": "The account's address (known or not: same answer)."},
    )


class EmailLinkTokenSchema(Schema):
    token = SingleLineString(
        required=True,
        validate=validate.Length(min=1, max=512),
        metadata={"description": "The `token` of the link in the e-mail."},
    )


class PasswordResetConfirmSchema(EmailLinkTokenSchema):
    new_password = NewPassword()


class EmailChangeSchema(Schema):
    new_email = Email(metadata={"description": "Where the confirmation link is sent."})
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH)
    )


class AcceptedSchema(Schema):
    message = fields.String(
        required=True, metadata={"description": "What happens next, in the caller's language."}
    )


def _is_current(user_session) -> bool:
    current = auth.current_session()
    return current is not None and current.id == user_session.id


class SessionSchema(Schema):
    id = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    last_seen_at = fields.AwareDateTime(
        required=True, metadata={"description": "Last use, to the minute."}
    )
    device = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": 'Browser and system, e.g. "Firefox, Linux"; null if unknown.'},
    )
    current = fields.Function(
        _is_current,
        required=True,
        metadata={"type": "boolean", "description": "The session of this request's cookie."},
    )


class ProfileUpdateSchema(Schema):
    display_name = SingleLineString(
        validate=[validate.Length(min=1, max=80), not_blank],
        metadata={"description": "The name others see."},
    )
    locale = fields.String(
        validate=validate.OneOf(LOCALES),
        metadata={"description": "The language of the web app, notifications and e-mails."},
    )


class TenancyRequestSchema(Schema):
    complex_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    tenancy_code = SingleLineString(
        required=True,
        validate=[validate.Length(min=1, max=64), not_blank],
        metadata={
            "description": "Staircase and flat, or the tenancy contract code printed on the "
            "rent notice: what lets the reviewer find the tenancy."
        },
    )
    note = MultiLineString(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "Anything the reviewer should know (optional)."},
    )


class TenancyDecisionSchema(Schema):
    note = MultiLineString(load_default=None, allow_none=True, validate=validate.Length(max=500))


class TenancyRejectSchema(Schema):
    note = MultiLineString(
        required=True,
        validate=[validate.Length(min=1, max=500), not_blank],
        metadata={"description": "The reason, shown to the requester."},
    )


class TenancyQueryArgsSchema(Schema):
    status = fields.String(
        load_default=None, validate=validate.OneOf(["pending", "approved", "rejected"])
    )
    complex_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    mine = fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "true: only my own requests; false: only other people's (the "
            "reviewer's queue); left out: every request I may see."
        },
    )


class TenancyVerificationSchema(Schema):
    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    requester_name = fields.Method(
        "_requester_name",
        required=True,
        metadata={"type": "string", "description": "The requester's display name."},
    )
    complex_id = fields.Integer(required=True)
    tenancy_code = fields.String(required=True)
    note = fields.String(
        allow_none=True, required=True, metadata={"description": "The requester's note."}
    )
    status = fields.String(required=True, metadata={"enum": ["pending", "approved", "rejected"]})
    decision_note = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The reviewer's note; a rejection's reason."},
    )
    created_at = fields.AwareDateTime(required=True)
    decided_at = fields.AwareDateTime(allow_none=True, required=True)

    def _requester_name(self, verification) -> str:
        return get_user(verification.user_id).display_name


# --- GDPR and the privacy notice --------------------------------------------------------


class ExportQueryArgsSchema(Schema):
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "zip"]),
        metadata={"description": "`json` (default), or `zip` with my attachments."},
    )


class ExportSchema(Schema):
    format = fields.String(required=True, metadata={"description": "quartieri-connessi-export/1"})
    generated_at = fields.String(required=True, metadata={"format": "date-time"})
    user_id = fields.Integer(required=True)
    modules = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        required=True,
        metadata={"description": "By module (accounts, feedback, timebank, …): its data."},
    )


class ErasureSchema(Schema):
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH)
    )


class LegalInfoSchema(Schema):
    controller = fields.String(required=True, metadata={"description": "The data controller."})
    controller_contact = fields.String(allow_none=True, required=True)
    dpo_contact = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The data protection officer's contact; null: not set yet."},
    )
    accessibility_contact = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Where to report accessibility problems; null: not set yet."},
    )
    session_idle_minutes = fields.Integer(required=True)
    staff_session_idle_minutes = fields.Integer(required=True)
    token_default_days = fields.Integer(required=True)
    token_max_days = fields.Integer(required=True)
