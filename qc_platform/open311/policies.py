"""What an Open311 caller may see and send.

Open311 output is meant for the public and for aggregators that keep copies, so it is
stricter than the platform's own API: public reports are listed to anyone, with their
description; a caller with an ``api_key`` also sees what its owner may see in the API,
but a private report never shows its description there; and no request ever carries
a person (GeoReport's output has no reporter fields, and none are added).
"""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from qc_platform.accounts.roles import Role
from qc_platform.feedback import policies as feedback_policies
from qc_platform.feedback.models import Report


def visible_requests(user) -> Select:
    """Public reports for everyone; with an api_key, also those its owner may see."""
    public = Report.visibility == "public"
    if user is None:
        return select(Report).where(public)
    own_rules = feedback_policies.visible_reports(user).whereclause
    if own_rules is None:  # staff: everything
        return select(Report)
    return select(Report).where(or_(public, own_rules))


def can_see(user, report: Report) -> bool:
    return report.visibility == "public" or (
        user is not None and feedback_policies.can_see(user, report)
    )


def shows_text(report: Report) -> bool:
    """Description and status notes: only for public reports."""
    return report.visibility == "public"


def can_submit(user, complex_id: int) -> bool:
    """Open311 knows no "on behalf of": only the complex's own tenants send requests."""
    return user.has_role(Role.TENANT, complex_id)
