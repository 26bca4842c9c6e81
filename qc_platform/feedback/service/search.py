"""The lists of reports: what a user may see, and their inbox, with the same filters."""

from __future__ import annotations

from sqlalchemy import Select

from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Forbidden
from qc_platform.feedback import policies
from qc_platform.feedback.models import FeedbackCategory, Report
from qc_platform.feedback.service.routing import inbox_query


def _filtered(
    query: Select,
    *,
    status: str | None,
    category: str | None,
    complex_id: int | None,
    overdue: bool | None,
) -> Select:
    """By status, category code, complex; ``overdue``: the first answer is late (or not)."""
    if status:
        query = query.where(Report.status == status)
    if category:
        query = query.join(FeedbackCategory, FeedbackCategory.id == Report.category_id).where(
            FeedbackCategory.code == category
        )
    if complex_id:
        query = query.where(Report.complex_id == complex_id)
    if overdue is not None:
        late = (
            Report.first_responded_at.is_(None)
            & (Report.first_response_due_at < utcnow())
            & Report.status.in_(("submitted", "acknowledged", "in_progress"))
        )
        query = query.where(late if overdue else ~late)
    return query


def search_reports(
    *,
    user,
    status: str | None = None,
    category: str | None = None,
    complex_id: int | None = None,
    overdue: bool | None = None,
    mine: bool = False,
) -> Select:
    """The reports ``user`` may see (``mine``: only those they sent), filtered."""
    query = _filtered(
        policies.visible_reports(user),
        status=status,
        category=category,
        complex_id=complex_id,
        overdue=overdue,
    )
    if mine:
        query = query.where(policies.own_reports(user))
    return query


def search_inbox(
    *,
    user,
    status: str | None = None,
    category: str | None = None,
    complex_id: int | None = None,
    overdue: bool | None = None,
) -> Select:
    """The open reports routed to ``user``, filtered; 403 to whom nothing can be routed."""
    query = inbox_query(user)
    if query is None:
        raise Forbidden("feedback.no_inbox")
    return _filtered(
        query, status=status, category=category, complex_id=complex_id, overdue=overdue
    )
