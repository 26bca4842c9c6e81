"""What a viewer sees of a report: anonymity is applied here, once, for every response.

Every route that returns a report or an update goes through these functions, so a
field that could reveal the sender of an anonymous report cannot slip out of one
endpoint and not another.

An update's author is hidden by the capacity it was written in, not by who wrote it: what
the sender wrote as the sender is anonymous to whoever may not see the sender; what a
handler wrote is named, also when that handler sent the report (policies.can_see_author).
"""

from __future__ import annotations

from sqlalchemy import select

from qc_platform.accounts.models import User
from qc_platform.core.clock import utcnow
from qc_platform.extensions import db
from qc_platform.feedback import policies
from qc_platform.feedback.models import Report, ReportUpdate


def _people(ids: set[int]) -> dict:
    """``{id: (id, display_name)}``: only what is shown, in one query.

    Also when ``ids`` is empty (a page of anonymous reports): a list then runs the same
    statements at any page size. Rows, not ``User``s, so no role grants are loaded.
    """
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(sorted(ids))))
    return {row.id: row for row in rows}


def _person(user: User | None) -> dict | None:
    return None if user is None else {"id": user.id, "display_name": user.display_name}


def present_reports(viewer, reports: list[Report]) -> list[dict]:
    shown = {r.id for r in reports if policies.can_see_reporter(viewer, r)}
    people = _people({r.reporter_id for r in reports if r.id in shown and r.reporter_id})
    now = utcnow()
    items = []
    for report in reports:
        reveal = report.id in shown
        items.append(
            {
                "id": report.id,
                "status": report.status,
                "category": report.category.code,
                "complex_id": report.complex_id,
                "title": report.title,
                "description": report.description,
                "location_detail": report.location_detail,
                "anonymous": report.anonymous,
                "visibility": report.visibility,
                "reporter": _person(people.get(report.reporter_id)) if reveal else None,
                # Whether someone typed it for the tenant says who, too: hidden likewise.
                "submitted_on_behalf": reveal and report.submitted_by_id != report.reporter_id,
                "created_at": report.created_at,
                "updated_at": report.updated_at,
                "first_response_due_at": report.first_response_due_at,
                "first_responded_at": report.first_responded_at,
                "overdue": report.first_responded_at is None
                and report.first_response_due_at < now
                and report.status in ("submitted", "acknowledged", "in_progress"),
                "escalated": report.escalated_at is not None,
                "resolved_at": report.resolved_at,
                "closed_at": report.closed_at,
                "solved": report.solved,
                "satisfaction": report.satisfaction,
                "support_count": report.support_count,
                "assignments": report.assignments,
            }
        )
    return items


def present_report(viewer, report: Report) -> dict:
    return present_reports(viewer, [report])[0]


def present_updates(viewer, report: Report, updates: list[ReportUpdate]) -> list[dict]:
    shown = {u.id for u in updates if u.author_id and policies.can_see_author(viewer, report, u)}
    people = _people({u.author_id for u in updates if u.id in shown})
    items = []
    for update in updates:
        items.append(
            {
                "id": update.id,
                "author": _person(people.get(update.author_id)) if update.id in shown else None,
                "author_role": update.author_role,
                "body": update.body,
                "status_from": update.status_from,
                "status_to": update.status_to,
                "internal": update.internal,
                "created_at": update.created_at,
            }
        )
    return items
