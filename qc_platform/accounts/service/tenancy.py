"""Tenancy verification: a resident asks to be recognised as the tenant of a complex."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from qc_platform.accounts import signals
from qc_platform.accounts.models import (
    RoleGrant,
    TenancyStatus,
    TenancyVerification,
    User,
)
from qc_platform.accounts.policies import visible_tenancy_verifications
from qc_platform.accounts.roles import Role, ScopeType
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, InvalidInput, NotFound
from qc_platform.core.permissions import scope_exists
from qc_platform.extensions import db


def request_tenancy(
    *, user: User, complex_id: int, tenancy_code: str, note: str | None = None
) -> TenancyVerification:
    """A resident asks to be recognised as tenant of a complex; one open request at a time
    (to change it, the person withdraws it and asks again)."""
    if not scope_exists(ScopeType.COMPLEX, complex_id):
        raise InvalidInput(
            "accounts.unknown_complex",
            errors={"json": {"complex_id": ["accounts.unknown_complex"]}},
        )
    if user.has_role(Role.TENANT, complex_id):
        raise Conflict("accounts.already_tenant")
    pending = db.session.scalar(
        select(TenancyVerification.id).where(
            TenancyVerification.user_id == user.id,
            TenancyVerification.status == TenancyStatus.PENDING,
        )
    )
    if pending is not None:
        raise Conflict("accounts.tenancy_pending")
    verification = TenancyVerification(
        user_id=user.id,
        complex_id=complex_id,
        tenancy_code=tenancy_code.strip(),
        note=(note or "").strip() or None,
    )
    db.session.add(verification)
    db.session.flush()
    signals.tenancy_requested.send(verification)
    return verification


def withdraw_tenancy(*, user: User, verification: TenancyVerification) -> None:
    """The requester takes back a pending request (it is deleted: nobody decided anything).
    Someone else's request is not found; a decided one stays (409)."""
    if verification.user_id != user.id:
        raise NotFound("http.404")
    if verification.status != TenancyStatus.PENDING:
        raise Conflict("accounts.tenancy_not_pending")
    db.session.delete(verification)
    db.session.flush()


def search_tenancy_verifications(
    *, viewer: User, status: str | None, complex_id: int | None, mine: bool | None
) -> Select:
    """The requests ``viewer`` may see (policies.visible_tenancy_verifications), narrowed
    by state, complex and ``mine`` (True: only their own; False: only other people's, the
    reviewer's queue), with the requesters loaded."""
    query = visible_tenancy_verifications(viewer).options(selectinload(TenancyVerification.user))
    if status:
        query = query.where(TenancyVerification.status == status)
    if complex_id:
        query = query.where(TenancyVerification.complex_id == complex_id)
    if mine is True:
        query = query.where(TenancyVerification.user_id == viewer.id)
    elif mine is False:
        query = query.where(TenancyVerification.user_id != viewer.id)
    return query


def decide_tenancy(
    *, actor: User, verification: TenancyVerification, approve: bool, note: str | None
) -> TenancyVerification:
    """Approve (granting the tenant role for the complex) or reject a pending request."""
    if verification.status != TenancyStatus.PENDING:
        raise Conflict("accounts.tenancy_decided")
    note = (note or "").strip() or None
    if not approve and note is None:
        # The requester reads the reason: a rejection without one leaves them stuck.
        raise InvalidInput(
            "accounts.rejection_reason", errors={"json": {"note": ["accounts.rejection_reason"]}}
        )
    verification.status = TenancyStatus.APPROVED if approve else TenancyStatus.REJECTED
    verification.decided_by_id = actor.id
    verification.decided_at = utcnow()
    verification.decision_note = note
    if approve:
        tenant = db.session.get(User, verification.user_id)
        if not tenant.has_role(Role.TENANT, verification.complex_id):
            tenant.grants.append(
                RoleGrant(
                    user_id=tenant.id,
                    role=Role.TENANT.value,
                    scope_type=ScopeType.COMPLEX.value,
                    scope_id=verification.complex_id,
                    granted_by_id=actor.id,
                    created_at=utcnow(),
                )
            )
    db.session.flush()
    audit.record(
        actor=actor,
        action="tenancy.approve" if approve else "tenancy.reject",
        object_type="tenancy_verification",
        object_id=verification.id,
        details={"complex_id": verification.complex_id},
    )
    signals.tenancy_decided.send(verification)
    return verification
