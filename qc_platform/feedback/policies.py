"""Who may see and act on reports: reporters, routed recipients, tenants (public ones), staff.

Anonymity: nobody but the sender learns who sent an anonymous report. A sender who also
handles it (a custodian or committee member it is routed to, staff) writes on it as its
handler, named like every handler; what they write as its sender stays anonymous. So
what is hidden is a capacity, never a person: hiding a handler's name because they are
also the sender would single them out (an answer without its author is the sender's).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select

from qc_platform.accounts.roles import Role
from qc_platform.core.permissions import has_permission, register_permission
from qc_platform.feedback.models import AuthorRole, Report, ReportAssignment, ReportUpdate, RouteTo

# Every report, the routing rules and the committees: the housing manager's staff.
FEEDBACK_MANAGE = register_permission("feedback.manage", roles={Role.STAFF})


def is_staff(user) -> bool:
    return user.has_role(Role.STAFF) or user.has_role(Role.ADMIN)


def can_manage_feedback(user) -> bool:
    """Routing rules, committees, reassignment: the housing manager's staff (and admins)."""
    return has_permission(user, FEEDBACK_MANAGE)


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


def own_reports(user) -> ColumnElement[bool]:
    """Query filter: the reports ``user`` sent, for themselves or for someone at the desk."""
    return or_(Report.reporter_id == user.id, Report.submitted_by_id == user.id)


def _recipient_role(user, report: Report) -> str | None:
    """The capacity in which the report is (was) routed to this user, if it is."""
    for assignment in report.assignments:
        if assignment.target == RouteTo.CUSTODIAN and user.has_role(
            Role.CUSTODIAN, assignment.complex_id
        ):
            return AuthorRole.CUSTODIAN
        if assignment.target == RouteTo.COMMITTEE and user.has_role(
            Role.COMMITTEE_MEMBER, assignment.committee_id
        ):
            return AuthorRole.COMMITTEE
    return None


def is_recipient(user, report: Report) -> bool:
    return _recipient_role(user, report) is not None


def is_reporter(user, report: Report) -> bool:
    return user.id in (report.reporter_id, report.submitted_by_id)


def can_see(user, report: Report) -> bool:
    return (
        is_staff(user)
        or is_reporter(user, report)
        or is_recipient(user, report)
        or (report.visibility == "public" and user.has_role(Role.TENANT, report.complex_id))
    )


def handler_role(user, report: Report) -> str | None:
    """The capacity in which ``user`` handles the report now (staff, custodian, committee),
    or None: they do not handle it (and may write on it only as its sender)."""
    if is_staff(user):
        return AuthorRole.STAFF
    return _recipient_role(user, report)


def can_handle(user, report: Report) -> bool:
    """Change status, write internal notes: the recipients and staff."""
    return handler_role(user, report) is not None


def can_see_reporter(user, report: Report) -> bool:
    """Anonymity: nobody but the sender ever learns who sent an anonymous report."""
    if is_reporter(user, report):
        return True
    return not report.anonymous and (is_staff(user) or is_recipient(user, report))


def can_see_author(user, report: Report, update: ReportUpdate) -> bool:
    """An update written as a handler names its author to everyone who sees it, like every
    handler's, whoever wrote it; one written as the sender, only to who may see the sender."""
    return update.author_role != AuthorRole.SENDER or can_see_reporter(user, report)


def can_report_on(user, complex_id: int) -> bool:
    """Tenants of the complex; custodians of it and staff on a tenant's behalf."""
    return (
        user.has_role(Role.TENANT, complex_id)
        or user.has_role(Role.CUSTODIAN, complex_id)
        or is_staff(user)
    )
