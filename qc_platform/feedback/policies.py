"""Who may see and act on reports: reporters, routed recipients, tenants (public ones), staff."""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, false, or_, select

from qc_platform.core.permissions import Permission, Role, has_permission
from qc_platform.feedback.models import Report, ReportAssignment, RouteTo


def is_staff(user) -> bool:
    return user.has_role(Role.STAFF) or user.has_role(Role.ADMIN)


def can_manage_feedback(user) -> bool:
    """Routing rules, committees, reassignment: the housing manager's staff (and admins)."""
    return has_permission(user, Permission.FEEDBACK_MANAGE)


def _routed_to(user):
    """SQL condition: the report has (had) an assignment addressed to this user."""
    custodian_of = user.scope_ids(Role.CUSTODIAN)
    committees = user.scope_ids(Role.COMMITTEE_MEMBER)
    clauses = []
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
    if not clauses:
        return false()
    return exists().where(ReportAssignment.report_id == Report.id, or_(*clauses))


def visible_reports(user) -> Select:
    """Own reports, those routed to me, public ones of my complexes; everything for staff."""
    query = select(Report)
    if is_staff(user):
        return query
    tenant_of = user.scope_ids(Role.TENANT)
    return query.where(
        or_(
            Report.reporter_id == user.id,
            Report.submitted_by_id == user.id,
            _routed_to(user),
            and_(Report.visibility == "public", Report.complex_id.in_(tenant_of))
            if tenant_of
            else false(),
        )
    )


def is_recipient(user, report: Report) -> bool:
    for assignment in report.assignments:
        if assignment.target == RouteTo.CUSTODIAN and user.has_role(
            Role.CUSTODIAN, assignment.complex_id
        ):
            return True
        if assignment.target == RouteTo.COMMITTEE and user.has_role(
            Role.COMMITTEE_MEMBER, assignment.committee_id
        ):
            return True
    return False


def is_reporter(user, report: Report) -> bool:
    return user.id in (report.reporter_id, report.submitted_by_id)


def can_see(user, report: Report) -> bool:
    return (
        is_staff(user)
        or is_reporter(user, report)
        or is_recipient(user, report)
        or (report.visibility == "public" and user.has_role(Role.TENANT, report.complex_id))
    )


def can_handle(user, report: Report) -> bool:
    """Change status, write internal notes: the recipients and staff."""
    return is_staff(user) or is_recipient(user, report)


def can_see_reporter(user, report: Report) -> bool:
    """Anonymity: nobody but the sender ever learns who sent an anonymous report."""
    if is_reporter(user, report):
        return True
    return not report.anonymous and (is_staff(user) or is_recipient(user, report))


def can_report_on(user, complex_id: int) -> bool:
    """Tenants of the complex; custodians of it and staff on a tenant's behalf."""
    return (
        user.has_role(Role.TENANT, complex_id)
        or user.has_role(Role.CUSTODIAN, complex_id)
        or is_staff(user)
    )
