"""Tenant committees: creating them, their accreditations (periods of days in Milan), their
members. Which committee receives a report is routing's question (``routing.py``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select

from qc_platform.accounts import service as accounts
from qc_platform.accounts.roles import Role, ScopeType
from qc_platform.core import audit
from qc_platform.core.clock import ROME, utcnow
from qc_platform.core.errors import InvalidInput, NotFound
from qc_platform.extensions import db
from qc_platform.feedback.models import Committee, CommitteeAccreditation, CommitteeComplex
from qc_platform.places import service as places


def today_in_milan() -> date:
    return utcnow().astimezone(ROME).date()


def committee_exists(committee_id: int) -> bool:
    return db.session.get(Committee, committee_id) is not None


def get_committee(committee_id: int) -> Committee:
    committee = db.session.get(Committee, committee_id)
    if committee is None:
        raise NotFound("http.404")
    return committee


def search_committees() -> Select:
    """Every tenant committee (staff), for ``paginate``."""
    return select(Committee)


def create_committee(*, actor, name: str, complex_ids: list[int]) -> Committee:
    for complex_id in complex_ids:
        if not places.complex_exists(complex_id):
            raise InvalidInput(
                "feedback.unknown_complex",
                errors={"json": {"complex_ids": ["feedback.unknown_complex"]}},
            )
    committee = Committee(name=name.strip())
    committee.complexes = [CommitteeComplex(complex_id=cid) for cid in sorted(set(complex_ids))]
    db.session.add(committee)
    db.session.flush()
    audit.record(
        actor=actor, action="committee.create", object_type="committee", object_id=committee.id
    )
    return committee


def accredit(
    *, actor, committee: Committee, valid_from: date, valid_until: date
) -> CommitteeAccreditation:
    if valid_until < valid_from:
        raise InvalidInput(
            "feedback.period_inverted",
            errors={"json": {"valid_until": ["feedback.period_inverted"]}},
        )
    accreditation = CommitteeAccreditation(
        committee_id=committee.id, valid_from=valid_from, valid_until=valid_until
    )
    committee.accreditations.append(accreditation)
    db.session.flush()
    audit.record(
        actor=actor,
        action="committee.accredit",
        object_type="committee",
        object_id=committee.id,
        details={"valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat()},
    )
    return accreditation


def add_member(*, actor, committee: Committee, user_id: int):
    user = accounts.get_user(user_id)
    if user is None:
        raise InvalidInput(
            "feedback.unknown_user", errors={"json": {"user_id": ["feedback.unknown_user"]}}
        )
    return accounts.grant_role(
        actor=actor,
        user=user,
        role=Role.COMMITTEE_MEMBER,
        scope_type=ScopeType.COMMITTEE,
        scope_id=committee.id,
    )
