"""Routing: who receives a report, all in one place.

The routing rules (a complex's own rules for a category, else the general ones), routing
a new report, staff reassigning one, the committee accredited for a complex on a day,
who handles a report through its assignments (they are notified and may answer) and the
inbox, the same question asked from the handler's side.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, exists, or_, select

from qc_platform.accounts import service as accounts
from qc_platform.accounts.roles import Role
from qc_platform.core import audit
from qc_platform.core.errors import Conflict, InvalidInput, NotFound
from qc_platform.extensions import db
from qc_platform.feedback import policies, signals
from qc_platform.feedback.models import (
    Committee,
    CommitteeAccreditation,
    CommitteeComplex,
    Report,
    ReportAssignment,
    RouteTo,
    RoutingRule,
    open_status,
)
from qc_platform.feedback.service.categories import category_by_code
from qc_platform.feedback.service.committees import get_committee, today_in_milan
from qc_platform.places import service as places

# --- routing rules ------------------------------------------------------------------


def rules_for(category_id: int, complex_id: int) -> list[RoutingRule]:
    """The complex's own rules for the category, else the general ones."""
    rules = list(
        db.session.scalars(
            select(RoutingRule).where(
                RoutingRule.category_id == category_id,
                or_(RoutingRule.complex_id == complex_id, RoutingRule.complex_id.is_(None)),
            )
        )
    )
    own = [r for r in rules if r.complex_id == complex_id]
    return own or [r for r in rules if r.complex_id is None]


def search_rules() -> Select:
    """Every routing rule (staff), for ``paginate``."""
    return select(RoutingRule)


def create_rule(*, actor, category: str, complex_id: int | None, route_to: str) -> RoutingRule:
    category_row = category_by_code(category)
    if complex_id is not None and not places.complex_exists(complex_id):
        raise InvalidInput(
            "feedback.unknown_complex",
            errors={"json": {"complex_id": ["feedback.unknown_complex"]}},
        )
    duplicate = db.session.scalar(
        select(RoutingRule).where(
            RoutingRule.category_id == category_row.id,
            RoutingRule.complex_id.is_(None)
            if complex_id is None
            else RoutingRule.complex_id == complex_id,
            RoutingRule.route_to == route_to,
        )
    )
    if duplicate is not None:
        raise Conflict("feedback.rule_exists")
    rule = RoutingRule(category_id=category_row.id, complex_id=complex_id, route_to=route_to)
    db.session.add(rule)
    db.session.flush()
    audit.record(
        actor=actor,
        action="routing_rule.create",
        object_type="routing_rule",
        object_id=rule.id,
        details={"category": category, "complex_id": complex_id, "route_to": route_to},
    )
    return rule


def delete_rule(*, actor, rule_id: int) -> None:
    rule = db.session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound("http.404")
    db.session.delete(rule)
    db.session.flush()
    audit.record(
        actor=actor, action="routing_rule.delete", object_type="routing_rule", object_id=rule_id
    )


# --- routing a report ---------------------------------------------------------------


def accredited_committee_for(complex_id: int, on: date) -> Committee | None:
    """The committee accredited on ``on`` for the complex (the most recently created)."""
    return db.session.scalar(
        select(Committee)
        .join(CommitteeComplex, CommitteeComplex.committee_id == Committee.id)
        .join(CommitteeAccreditation, CommitteeAccreditation.committee_id == Committee.id)
        .where(
            CommitteeComplex.complex_id == complex_id,
            CommitteeAccreditation.valid_from <= on,
            CommitteeAccreditation.valid_until >= on,
        )
        .order_by(Committee.id.desc())
        .limit(1)
    )


def _accredited_for(committee_id: int, complex_id: int, on: date) -> bool:
    return (
        db.session.scalar(
            select(CommitteeAccreditation.id)
            .join(
                CommitteeComplex,
                CommitteeComplex.committee_id == CommitteeAccreditation.committee_id,
            )
            .where(
                CommitteeAccreditation.committee_id == committee_id,
                CommitteeComplex.complex_id == complex_id,
                CommitteeAccreditation.valid_from <= on,
                CommitteeAccreditation.valid_until >= on,
            )
            .limit(1)
        )
        is not None
    )


def route(report: Report) -> list[ReportAssignment]:
    """Assign a new report per the rules; when nobody matches, to the staff queue."""
    targets = {rule.route_to for rule in rules_for(report.category_id, report.complex_id)}
    assignments = []
    if RouteTo.CUSTODIAN in targets and accounts.users_with_role(Role.CUSTODIAN, report.complex_id):
        assignments.append(ReportAssignment(target=RouteTo.CUSTODIAN, complex_id=report.complex_id))
    if RouteTo.COMMITTEE in targets:
        committee = accredited_committee_for(report.complex_id, today_in_milan())
        if committee is not None:
            assignments.append(
                ReportAssignment(
                    target=RouteTo.COMMITTEE,
                    complex_id=report.complex_id,
                    committee_id=committee.id,
                )
            )
    if RouteTo.STAFF in targets or not assignments:
        assignments.append(ReportAssignment(target=RouteTo.STAFF, complex_id=report.complex_id))
    report.assignments.extend(assignments)
    return assignments


def reassign(*, actor, report: Report, route_to: str, committee_id: int | None = None) -> Report:
    """Staff move a report: the old assignments end, a new one starts."""
    committee = _receiving_committee(report, route_to, committee_id)
    for assignment in report.assignments:
        assignment.active = False
    report.assignments.append(
        ReportAssignment(
            target=route_to,
            complex_id=report.complex_id,
            committee_id=committee.id if committee is not None else None,
            reason="reassigned",
        )
    )
    db.session.flush()
    audit.record(
        actor=actor,
        action="report.reassign",
        object_type="report",
        object_id=report.id,
        details={"route_to": route_to},
    )
    signals.report_routed.send(report, assignments=[report.assignments[-1]])
    return report


def _receiving_committee(report: Report, route_to: str, committee_id: int | None):
    """The committee a reassigned report goes to (None unless ``route_to`` is a committee).

    Like routing: only a committee accredited today for the report's complex receives it
    (the one named, else the one accredited), and only custodians that exist (else the
    report would reach nobody's inbox): 409 otherwise.
    """
    if route_to == RouteTo.CUSTODIAN and not accounts.users_with_role(
        Role.CUSTODIAN, report.complex_id
    ):
        raise Conflict("feedback.no_custodian")
    if route_to != RouteTo.COMMITTEE:
        return None
    if not committee_id:
        committee = accredited_committee_for(report.complex_id, today_in_milan())
        if committee is None:
            raise Conflict("feedback.no_committee")
        return committee
    committee = get_committee(committee_id)
    if not _accredited_for(committee.id, report.complex_id, today_in_milan()):
        raise Conflict("feedback.committee_not_accredited")
    return committee


# --- who handles a report -----------------------------------------------------------


def handlers_of(assignments) -> list:
    """The people who receive reports through these assignments (they may answer them)."""
    people = []
    for assignment in assignments:
        if assignment.target == RouteTo.CUSTODIAN:
            people += accounts.users_with_role(Role.CUSTODIAN, assignment.complex_id)
        elif assignment.target == RouteTo.COMMITTEE:
            people += accounts.users_with_role(Role.COMMITTEE_MEMBER, assignment.committee_id)
        else:
            people += accounts.users_with_role(Role.STAFF)
    return people


def inbox_query(user):
    """Open reports routed to the caller (active assignments), due first."""
    clauses = []
    custodian_of = user.scope_ids(Role.CUSTODIAN)
    committees = user.scope_ids(Role.COMMITTEE_MEMBER)
    if custodian_of:
        clauses.append(
            and_(
                ReportAssignment.target == RouteTo.CUSTODIAN,
                ReportAssignment.complex_id.in_(custodian_of),
            )
        )
    if committees:
        clauses.append(
            and_(
                ReportAssignment.target == RouteTo.COMMITTEE,
                ReportAssignment.committee_id.in_(committees),
            )
        )
    if policies.is_staff(user):
        clauses.append(ReportAssignment.target == RouteTo.STAFF)
    if not clauses:
        return None
    # Correlated EXISTS, not ``id IN (SELECT …)``: SQLite would build the list of every
    # active assignment (a third of all reports for staff) on each request; EXISTS is one
    # index lookup per candidate row, and the first page stops after ``limit`` rows.
    routed = exists().where(
        ReportAssignment.report_id == Report.id,
        ReportAssignment.active.is_(True),
        or_(*clauses),
    )
    return select(Report).where(open_status(), routed)
