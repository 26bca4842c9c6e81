"""Service levels, enforced: a report with no first answer by its deadline goes to staff.

The deadline is set when the report is sent (``sla.add_working_hours``: working hours in
Milan); ``flask --app qc_platform qc escalate`` (cron, every minute) runs this.
"""

from __future__ import annotations

from sqlalchemy import select

from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.extensions import db
from qc_platform.feedback import signals
from qc_platform.feedback.models import Report, ReportAssignment, RouteTo, open_status


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
    overdue = _overdue(now)
    for report in overdue:
        _hand_to_staff(report, now)
    db.session.flush()
    for report in overdue:
        signals.report_escalated.send(report)
    return overdue


def _overdue(now) -> list[Report]:
    """Open reports with no first answer by their deadline, not yet escalated, locked (the
    rows others hold are skipped), the most overdue first."""
    return list(
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


def _hand_to_staff(report: Report, now) -> None:
    """Mark the report escalated and route it to staff too, unless staff already have it."""
    report.escalated_at = now
    if not any(a.target == RouteTo.STAFF and a.active for a in report.assignments):
        report.assignments.append(
            ReportAssignment(
                target=RouteTo.STAFF, complex_id=report.complex_id, reason="escalation"
            )
        )
    audit.record(actor=None, action="report.escalate", object_type="report", object_id=report.id)
