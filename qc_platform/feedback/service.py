"""Feedback: routing, submission, the status flow, updates, supports, committees.

Services add and flush; the request (or CLI command) commits. Every action of a
custodian, committee member or staff on a report is written to the audit log.

Anonymity when the sender also handles the report. Every update records the capacity it
was written in (``author_role``: the sender's, or a handler's), decided here from who the
author is for the report at that moment, never chosen by the client. Whoever may handle
the report (a custodian or committee member it is routed to, staff) writes as its handler,
also on a report they sent, and looks like every handler: named with their role, their
first public answer stops the service-level clock, the audit log keeps a row naming them
like any handler's (it says they handled the report, as their colleagues did, not that
they sent it), their files get names like the other handlers' files. What they write
there is theirs to word (the web app tells them they answer with their name). Anyone else
writes as the sender: never the first answer, and on an anonymous report anonymous
everywhere, the audit log included (no row names them next to it, as for sending it).

Why not keep them anonymous as a handler: an answer without its author, a first answer
that does not count, a handler's action missing from the audit log, each is unlike every
other handler's and points at the one who sent the report. Why not forbid a sender to
handle their own report: it would have to go elsewhere, and the report of a complex with
one custodian going to staff points at that custodian just the same.

``author_role`` already held that capacity (``reporter`` exactly when the author did not
handle the report), so no column is added and old rows keep their meaning.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

from flask import current_app
from sqlalchemy import and_, exists, or_, select

from qc_platform.accounts import service as accounts
from qc_platform.core import audit
from qc_platform.core.clock import ROME, utcnow
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qc_platform.core.permissions import Role, ScopeType
from qc_platform.extensions import db
from qc_platform.feedback import policies, signals, sla
from qc_platform.feedback.models import (
    AuthorRole,
    Committee,
    CommitteeAccreditation,
    CommitteeComplex,
    FeedbackCategory,
    Report,
    ReportAssignment,
    ReportStatus,
    ReportSupport,
    ReportUpdate,
    RouteTo,
    RoutingRule,
    open_status,
)
from qc_platform.places import service as places

# Allowed status changes; anything else is a 409.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReportStatus.SUBMITTED: (
        ReportStatus.ACKNOWLEDGED,
        ReportStatus.IN_PROGRESS,
        ReportStatus.RESOLVED,
        ReportStatus.REJECTED,
        ReportStatus.DUPLICATE,
    ),
    ReportStatus.ACKNOWLEDGED: (
        ReportStatus.IN_PROGRESS,
        ReportStatus.RESOLVED,
        ReportStatus.REJECTED,
        ReportStatus.DUPLICATE,
    ),
    ReportStatus.IN_PROGRESS: (
        ReportStatus.RESOLVED,
        ReportStatus.REJECTED,
        ReportStatus.DUPLICATE,
    ),
    ReportStatus.RESOLVED: (ReportStatus.CLOSED, ReportStatus.IN_PROGRESS),
    ReportStatus.CLOSED: (),
    ReportStatus.REJECTED: (),
    ReportStatus.DUPLICATE: (),
}


def today_in_milan() -> date:
    return utcnow().astimezone(ROME).date()


# --- categories ---------------------------------------------------------------------


def categories() -> list[FeedbackCategory]:
    return list(db.session.scalars(select(FeedbackCategory).order_by(FeedbackCategory.position)))


def category_by_code(code: str, field: str = "category") -> FeedbackCategory:
    category = db.session.scalar(select(FeedbackCategory).where(FeedbackCategory.code == code))
    if category is None:
        raise InvalidInput(
            "feedback.unknown_category", errors={"json": {field: ["feedback.unknown_category"]}}
        )
    return category


def seed_categories_and_routing() -> dict[str, int]:
    """Create missing categories and, for new categories only, their default routing."""
    data = json.loads(resources.files("qc_platform.data").joinpath("feedback.json").read_text())
    created = {"categories": 0, "routing_rules": 0}
    new_codes = set()
    for values in data["categories"]:
        if db.session.scalar(
            select(FeedbackCategory).where(FeedbackCategory.code == values["code"])
        ):
            continue
        db.session.add(FeedbackCategory(**values))
        new_codes.add(values["code"])
        created["categories"] += 1
    db.session.flush()
    for rule in data["routing"]:
        if rule["category"] in new_codes:
            category = category_by_code(rule["category"])
            db.session.add(RoutingRule(category_id=category.id, route_to=rule["route_to"]))
            created["routing_rules"] += 1
    db.session.flush()
    return created


# --- committees ---------------------------------------------------------------------


def committee_exists(committee_id: int) -> bool:
    return db.session.get(Committee, committee_id) is not None


def get_committee(committee_id: int) -> Committee:
    committee = db.session.get(Committee, committee_id)
    if committee is None:
        raise NotFound("http.404")
    return committee


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


# --- routing ------------------------------------------------------------------------


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


def reassign(*, actor, report: Report, route_to: str, committee_id: int | None = None) -> Report:
    """Staff move a report: the old assignments end, a new one starts."""
    # Like routing: only a committee accredited today for the report's complex receives it,
    # and only custodians that exist (else the report would reach nobody's inbox).
    if route_to == RouteTo.COMMITTEE:
        if committee_id:
            committee = get_committee(committee_id)
            if not _accredited_for(committee.id, report.complex_id, today_in_milan()):
                raise Conflict("feedback.committee_not_accredited")
        else:
            committee = accredited_committee_for(report.complex_id, today_in_milan())
            if committee is None:
                raise Conflict("feedback.no_committee")
    elif route_to == RouteTo.CUSTODIAN and not accounts.users_with_role(
        Role.CUSTODIAN, report.complex_id
    ):
        raise Conflict("feedback.no_custodian")
    for assignment in report.assignments:
        assignment.active = False
    report.assignments.append(
        ReportAssignment(
            target=route_to,
            complex_id=report.complex_id,
            committee_id=committee.id if route_to == RouteTo.COMMITTEE else None,
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


# --- reports ------------------------------------------------------------------------


def submit(
    *,
    author,
    complex_id: int,
    category: str,
    title: str,
    description: str,
    anonymous: bool = False,
    visibility: str = "private",
    location_detail: str | None = None,
    on_behalf_of_id: int | None = None,
) -> Report:
    """A tenant reports on their complex (or a custodian/staff on a tenant's behalf)."""
    if not places.complex_exists(complex_id):
        raise InvalidInput(
            "feedback.unknown_complex",
            errors={"json": {"complex_id": ["feedback.unknown_complex"]}},
        )
    if not policies.can_report_on(author, complex_id):
        raise Forbidden("feedback.not_your_complex")
    reporter = author
    if on_behalf_of_id is not None:
        if not (author.has_role(Role.CUSTODIAN, complex_id) or policies.is_staff(author)):
            raise Forbidden("feedback.on_behalf_not_allowed")
        reporter = accounts.get_user(on_behalf_of_id)
        if reporter is None or not reporter.has_role(Role.TENANT, complex_id):
            raise InvalidInput(
                "feedback.not_a_tenant",
                errors={"json": {"on_behalf_of": ["feedback.not_a_tenant"]}},
            )
    elif not author.has_role(Role.TENANT, complex_id):
        # Custodians and staff only report on behalf of a tenant, and say whose.
        raise InvalidInput(
            "feedback.on_behalf_required",
            errors={"json": {"on_behalf_of": ["feedback.on_behalf_required"]}},
        )
    now = utcnow()
    report = Report(
        complex_id=complex_id,
        category_id=category_by_code(category).id,
        reporter_id=reporter.id,
        submitted_by_id=author.id,
        title=title.strip(),
        description=description.strip(),
        location_detail=(location_detail or "").strip() or None,
        anonymous=anonymous,
        visibility=visibility,
        status=ReportStatus.SUBMITTED,
        first_response_due_at=sla.add_working_hours(
            now, current_app.config["QC_FEEDBACK_SLA_HOURS"]
        ),
        created_at=now,
        updated_at=now,
    )
    db.session.add(report)
    db.session.flush()
    assignments = route(report)
    db.session.flush()
    if author.id != reporter.id:
        audit.record(
            actor=author,
            action="report.submit_on_behalf",
            object_type="report",
            object_id=report.id,
        )
    elif anonymous:
        audit.omit_request_row()
    signals.report_routed.send(report, assignments=assignments)
    return report


def get_visible(user, report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None or not policies.can_see(user, report):
        raise NotFound("http.404")
    return report


def add_update(
    *, author, report: Report, body: str = "", status: str | None = None, internal: bool = False
) -> ReportUpdate:
    """Comment, change status (per TRANSITIONS) or add an internal note.

    The reporter may only comment; internal notes never reach the reporter; the first
    public answer of a recipient stops the service-level clock. Who handles the report
    writes as its handler, also on a report they sent (see the module docstring).
    """
    capacity = policies.handler_role(author, report)
    handler = capacity is not None
    if not handler and (status is not None or internal):
        raise Forbidden("feedback.reporter_comment_only")
    if not handler and not policies.is_reporter(author, report):
        raise Forbidden("http.403")
    if status == report.status:
        # The current status again is no change: at most a comment, never an empty update
        # (which would also count as the first answer and stop the service-level clock).
        status = None
    if status is None and not body.strip():
        raise InvalidInput(
            "feedback.empty_update", errors={"json": {"body": ["feedback.empty_update"]}}
        )
    if status is not None and internal:
        raise InvalidInput(
            "feedback.internal_status", errors={"json": {"internal": ["feedback.internal_status"]}}
        )
    now = utcnow()
    previous = report.status
    if status is not None and status != previous:
        if status not in TRANSITIONS[previous]:
            raise Conflict("feedback.illegal_transition", current=previous, target=status)
        report.status = status
        if status == ReportStatus.RESOLVED:
            report.resolved_at = now
        elif status in ReportStatus.FINAL:
            report.closed_at = now
        elif status == ReportStatus.IN_PROGRESS and previous == ReportStatus.RESOLVED:
            report.resolved_at = None
    update = ReportUpdate(
        report_id=report.id,
        author_id=author.id,
        author_role=capacity or AuthorRole.SENDER,
        body=body.strip(),
        status_from=previous if status and status != previous else None,
        status_to=status if status and status != previous else None,
        internal=internal,
        created_at=now,
    )
    db.session.add(update)
    if handler and not internal and report.first_responded_at is None:
        report.first_responded_at = now
    report.updated_at = now
    db.session.flush()
    if handler:
        # Like every handler's row, also when the handler sent the report.
        audit.record(
            actor=author,
            action="report.update",
            object_type="report",
            object_id=report.id,
            details={"status": update.status_to, "internal": internal},
        )
    elif report.anonymous:
        audit.omit_request_row()
    signals.report_updated.send(report, update=update)
    return update


def updates_for(user, report: Report):
    query = select(ReportUpdate).where(ReportUpdate.report_id == report.id)
    if not policies.can_handle(user, report):
        query = query.where(ReportUpdate.internal.is_(False))
    return query


def support(*, user, report: Report) -> Report:
    """ "Me too" from a tenant of the same complex, on a public report, once."""
    if report.visibility != "public" or not user.has_role(Role.TENANT, report.complex_id):
        raise Forbidden("feedback.support_not_allowed")
    if policies.is_reporter(user, report):
        raise Conflict("feedback.support_own")
    exists = db.session.scalar(
        select(ReportSupport).where(
            ReportSupport.report_id == report.id, ReportSupport.user_id == user.id
        )
    )
    if exists is not None:
        raise Conflict("feedback.already_supported")
    db.session.add(ReportSupport(report_id=report.id, user_id=user.id))
    report.support_count += 1
    db.session.flush()
    return report


def record_outcome(*, user, report: Report, solved: bool, satisfaction: int) -> Report:
    """The reporter says whether a resolved report was solved and how satisfied they are."""
    if not policies.is_reporter(user, report):
        raise Forbidden("http.403")
    if report.status != ReportStatus.RESOLVED:
        raise Conflict("feedback.not_resolved")
    if report.anonymous:
        audit.omit_request_row()
    report.solved = solved
    report.satisfaction = satisfaction
    now = utcnow()
    previous = report.status
    report.status = ReportStatus.CLOSED if solved else ReportStatus.IN_PROGRESS
    if solved:
        report.closed_at = now
    else:
        report.resolved_at = None
    db.session.add(
        ReportUpdate(
            report_id=report.id,
            author_id=user.id,
            author_role=AuthorRole.SENDER,
            body="",
            status_from=previous,
            status_to=report.status,
            created_at=now,
        )
    )
    report.updated_at = now
    db.session.flush()
    return report


# --- inbox --------------------------------------------------------------------------


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


# --- routing rules ------------------------------------------------------------------


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


# --- service levels -----------------------------------------------------------------


def escalate_overdue(now=None) -> list[Report]:
    """Hand overdue reports (no first answer by the deadline) to staff, once each.

    Idempotent and safe to run concurrently: a report is escalated once (``escalated_at``),
    and rows are locked while escalating. PostgreSQL: ``FOR UPDATE OF feedback_reports
    SKIP LOCKED`` (only the reports' rows: the eager outer join to the category cannot be
    locked), so a second run skips what the first holds and, once it committed, no longer
    matches them. SQLite: the CLI's transaction starts with ``BEGIN IMMEDIATE``
    (core/db.py), so a second run waits for the first and then finds nothing left.
    """
    now = now or utcnow()
    overdue = list(
        db.session.scalars(
            select(Report)
            .where(
                open_status(),
                Report.first_responded_at.is_(None),
                Report.escalated_at.is_(None),
                Report.first_response_due_at < now,
            )
            .order_by(Report.first_response_due_at)
            .with_for_update(skip_locked=True, of=Report)
        )
    )
    for report in overdue:
        report.escalated_at = now
        if not any(a.target == RouteTo.STAFF and a.active for a in report.assignments):
            report.assignments.append(
                ReportAssignment(
                    target=RouteTo.STAFF, complex_id=report.complex_id, reason="escalation"
                )
            )
        audit.record(
            actor=None, action="report.escalate", object_type="report", object_id=report.id
        )
    db.session.flush()
    for report in overdue:
        signals.report_escalated.send(report)
    return overdue
