"""Reports: sending one, its updates and status flow, supports, the sender's outcome.

Every action of a custodian, committee member or staff on a report is written to the audit
log.

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

from flask import current_app
from sqlalchemy import select

from qc_platform.accounts import service as accounts
from qc_platform.accounts.roles import Role
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qc_platform.extensions import db
from qc_platform.feedback import policies, signals, sla
from qc_platform.feedback.models import (
    AuthorRole,
    Report,
    ReportStatus,
    ReportSupport,
    ReportUpdate,
)
from qc_platform.feedback.service.categories import category_by_code
from qc_platform.feedback.service.routing import route
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
    reporter = _sender(author, complex_id, on_behalf_of_id)
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
    _audit_sending(author, report)
    signals.report_routed.send(report, assignments=assignments)
    return report


def _sender(author, complex_id: int, on_behalf_of_id: int | None):
    """Who the report is from: the author, a tenant of the complex; or the tenant a
    custodian of the complex or staff write for (they only report on a tenant's behalf)."""
    if not places.complex_exists(complex_id):
        raise InvalidInput(
            "feedback.unknown_complex",
            errors={"json": {"complex_id": ["feedback.unknown_complex"]}},
        )
    if not policies.can_report_on(author, complex_id):
        raise Forbidden("feedback.not_your_complex")
    if on_behalf_of_id is None:
        if not author.has_role(Role.TENANT, complex_id):
            # Custodians and staff only report on behalf of a tenant, and say whose.
            raise InvalidInput(
                "feedback.on_behalf_required",
                errors={"json": {"on_behalf_of": ["feedback.on_behalf_required"]}},
            )
        return author
    if not (author.has_role(Role.CUSTODIAN, complex_id) or policies.is_staff(author)):
        raise Forbidden("feedback.on_behalf_not_allowed")
    reporter = accounts.get_user(on_behalf_of_id)
    if reporter is None or not reporter.has_role(Role.TENANT, complex_id):
        raise InvalidInput(
            "feedback.not_a_tenant",
            errors={"json": {"on_behalf_of": ["feedback.not_a_tenant"]}},
        )
    return reporter


def _audit_sending(author, report: Report) -> None:
    """Who typed a report for a tenant is audited; an anonymous sender is named nowhere."""
    if author.id != report.reporter_id:
        audit.record(
            actor=author,
            action="report.submit_on_behalf",
            object_type="report",
            object_id=report.id,
        )
    elif report.anonymous:
        audit.omit_request_row()


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
    status = _status_change(
        author, report, handler=handler, body=body, status=status, internal=internal
    )
    now = utcnow()
    previous = report.status
    if status is not None:
        _move(report, status, now)
    update = ReportUpdate(
        report_id=report.id,
        author_id=author.id,
        author_role=capacity or AuthorRole.SENDER,
        body=body.strip(),
        status_from=previous if status is not None else None,
        status_to=status,
        internal=internal,
        created_at=now,
    )
    db.session.add(update)
    if handler and not internal and report.first_responded_at is None:
        report.first_responded_at = now
    report.updated_at = now
    db.session.flush()
    _audit_update(author, report, update, handler=handler)
    signals.report_updated.send(report, update=update)
    return update


def _status_change(
    author, report: Report, *, handler: bool, body: str, status: str | None, internal: bool
) -> str | None:
    """The status the update moves the report to, or None; refuses what the author may not
    write (the sender: comments only) and an update that says nothing."""
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
    return status


def _move(report: Report, status: str, now) -> None:
    """The state machine: a change TRANSITIONS allows (else 409), with its timestamps."""
    previous = report.status
    if status not in TRANSITIONS[previous]:
        raise Conflict("feedback.illegal_transition", current=previous, target=status)
    report.status = status
    if status == ReportStatus.RESOLVED:
        report.resolved_at = now
    elif status in ReportStatus.FINAL:
        report.closed_at = now
    elif status == ReportStatus.IN_PROGRESS and previous == ReportStatus.RESOLVED:
        report.resolved_at = None


def _audit_update(author, report: Report, update: ReportUpdate, *, handler: bool) -> None:
    """A handler's update is audited like every handler's, also when the handler sent the
    report; the sender's own update of an anonymous report is named nowhere."""
    if handler:
        audit.record(
            actor=author,
            action="report.update",
            object_type="report",
            object_id=report.id,
            details={"status": update.status_to, "internal": update.internal},
        )
    elif report.anonymous:
        audit.omit_request_row()


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
    """The reporter says whether a resolved report was solved and how satisfied they are:
    solved, it is closed; not solved, it is in progress again."""
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
    _move(report, ReportStatus.CLOSED if solved else ReportStatus.IN_PROGRESS, now)
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
