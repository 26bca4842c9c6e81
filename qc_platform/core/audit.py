"""The audit log: who with power did what, when.

Every write by a user holding one of the audited roles (registered by the module that owns
the roles, with ``register_audited_roles``) leaves a row: services record meaningful actions with ``record``; a write request that recorded nothing still
leaves a generic row at the request boundary, so no privileged action goes unlogged.
Request bodies are never stored (they may hold passwords or personal data).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from qc_platform.core.clock import utcnow
from qc_platform.core.db import UTCDateTime
from qc_platform.extensions import db

# The roles whose every write leaves a row, registered by the module that owns the roles.
_audited_roles: set[str] = set()


def register_audited_roles(roles: Iterable[str]) -> None:
    """Every write by a user holding one of ``roles`` is recorded."""
    _audited_roles.update(str(role) for role in roles)


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(120), nullable=False)
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[int | None] = mapped_column()
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)


def record(
    *,
    actor,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit row in the current transaction (committed or rolled back with it)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details or {},
    )
    db.session.add(entry)
    if has_request_context():
        g.qc_audit_recorded = True
    return entry


def omit_request_row() -> None:
    """No generic row for this request: the actor is speaking as the anonymous sender of a
    report, and a row naming them next to the report would undo the anonymity."""
    if has_request_context():
        g.qc_audit_recorded = True


def record_request_if_privileged(user, status_code: int) -> None:
    """Boundary hook: a privileged write that recorded nothing still leaves a row."""
    if request.method in {"GET", "HEAD", "OPTIONS"} or status_code >= 400:
        return
    if g.get("qc_audit_recorded") or not getattr(user, "is_authenticated", False):
        return
    if not _audited_roles.intersection(user.all_roles()):
        return
    rule = request.url_rule.rule if request.url_rule else request.path
    record(
        actor=user,
        action=f"{request.method} {rule}",
        object_type="request",
        details={
            "view_args": {k: str(v) for k, v in (request.view_args or {}).items()},
            "status": status_code,
        },
    )
