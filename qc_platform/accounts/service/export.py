"""The right of access (GDPR art. 15 and 20): everything the platform holds about a person,
by module, as JSON, and as a ZIP with their files.

Accounts writes its own part (profile, roles, tenancy requests, sessions, tokens, links sent
by e-mail, the audit rows of their own actions); every other module adds its part through ``accounts.gdpr``.
No secret is ever written: no password hash, no session, token or feed secret or hash
(``gdpr.columns`` drops such columns whatever table they are in).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select

from qc_platform.accounts import gdpr
from qc_platform.accounts.models import (
    ApiToken,
    EmailToken,
    RoleGrant,
    TenancyVerification,
    User,
    UserSession,
)
from qc_platform.core.audit import AuditEntry
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import DomainError
from qc_platform.core.idempotency import IdempotencyRecord
from qc_platform.extensions import db

FORMAT = "quartieri-connessi-export/1"
JSON_NAME = "dati-personali.json"


def _rows(model, *conditions, exclude: tuple[str, ...] = ()) -> list[dict]:
    query = select(model).where(*conditions).order_by(model.id)
    return [gdpr.columns(row, exclude=exclude) for row in db.session.scalars(query)]


def _accounts_part(user: User) -> dict:
    return {
        "profile": gdpr.columns(user),
        "roles": _rows(RoleGrant, RoleGrant.user_id == user.id, exclude=("user_id",)),
        "tenancy_requests": _rows(
            TenancyVerification, TenancyVerification.user_id == user.id, exclude=("user_id",)
        ),
        "sessions": _rows(UserSession, UserSession.user_id == user.id, exclude=("user_id",)),
        "tokens": _rows(ApiToken, ApiToken.user_id == user.id, exclude=("user_id",)),
        # Links sent by e-mail (password reset, verification, a new address): to which
        # address, when, and whether used; never the link itself.
        "email_links": _rows(EmailToken, EmailToken.user_id == user.id, exclude=("user_id",)),
        # What the person did that was written down (sign-ins refused, sessions ended,
        # decisions as custodian or staff…): ids and actions, never request bodies.
        "audit": _rows(AuditEntry, AuditEntry.actor_id == user.id, exclude=("actor_id",)),
        # …and what others did to the account (a role granted, a session ended by staff):
        # what and when, not who.
        "audit_about_me": _rows(
            AuditEntry,
            AuditEntry.object_type == "user",
            AuditEntry.object_id == user.id,
            or_(AuditEntry.actor_id.is_(None), AuditEntry.actor_id != user.id),
            exclude=("actor_id",),
        ),
        # Keys of requests the app may not repeat (the stored answers are not repeated here:
        # they are the objects of the other parts).
        "idempotency_keys": _rows(
            IdempotencyRecord,
            IdempotencyRecord.user_id == user.id,
            exclude=("user_id", "response", "fingerprint"),
        ),
    }


def jsonable(value):
    """Plain JSON: ISO 8601 instants (with their offset) and dates, lists, dicts."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    return value


def export_user(user: User) -> dict:
    """Everything about ``user``, by module (accounts first, then the registered parts)."""
    modules = {"accounts": _accounts_part(user)}
    for part in gdpr.parts():
        if part.export is not None:
            modules[part.name] = part.export(user)
    return jsonable(
        {
            "format": FORMAT,
            "generated_at": utcnow(),
            "user_id": user.id,
            "modules": modules,
        }
    )


def export_files(user: User) -> list[gdpr.ExportFile]:
    files = []
    for part in gdpr.parts():
        if part.files is not None:
            files.extend(part.files(user))
    return files


def export_zip(user: User) -> bytes:
    """The JSON export and the person's files (``<module>/…`` paths) in one ZIP."""
    data = export_user(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, json.dumps(data, ensure_ascii=False, indent=2))
        for exported in export_files(user):
            try:
                content = exported.read()
            except (OSError, DomainError):
                continue  # a file lost from the storage: the JSON still lists it
            archive.writestr(exported.path, content)
    return buffer.getvalue()
