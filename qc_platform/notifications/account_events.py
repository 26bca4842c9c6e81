"""Turn other modules' signals into notifications (modules never import this one)."""

from __future__ import annotations

from qc_platform.accounts import service as accounts
from qc_platform.accounts import signals
from qc_platform.core.i18n import translate
from qc_platform.core.permissions import Role
from qc_platform.feedback import signals as feedback_signals
from qc_platform.notifications.service import notify
from qc_platform.places import service as places
from qc_platform.places.models import Complex


def _complex_name(complex_id: int) -> str:
    return places.get(Complex, complex_id).name


@signals.tenancy_requested.connect
def tenancy_requested(verification, **extra):
    """The custodians of the complex hear of it; with no custodian, the staff do.

    The requester is never among them (nobody decides their own request): a custodian
    asking for their own complex is heard by the other custodians, or by the staff.
    """
    requester = accounts.get_user(verification.user_id)

    def others(users):
        return [user for user in users if user.id != requester.id]

    reviewers = others(accounts.users_with_role(Role.CUSTODIAN, verification.complex_id)) or (
        others(accounts.users_with_role(Role.STAFF))
    )
    notify(
        reviewers,
        "tenancy.requested",
        title_key="notifications.tenancy_requested.title",
        body_key="notifications.tenancy_requested.body",
        params={"name": requester.display_name, "complex": _complex_name(verification.complex_id)},
    )


@signals.tenancy_decided.connect
def tenancy_decided(verification, **extra):
    approved = verification.status == "approved"
    outcome = "approved" if approved else "rejected"
    notify(
        [accounts.get_user(verification.user_id)],
        "tenancy.decided",
        title_key=f"notifications.tenancy_{outcome}.title",
        body_key=f"notifications.tenancy_{outcome}.body",
        link="/profilo",
        params={
            "complex": _complex_name(verification.complex_id),
            "note": verification.decision_note or "",
        },
    )


@signals.role_granted.connect
def role_granted(grant, **extra):
    user = accounts.get_user(grant.user_id)
    notify(
        [user],
        "account.role_granted",
        title_key="notifications.role_granted.title",
        body_key="notifications.role_granted.body",
        link="/profilo",
        params={"role": translate(f"role.{grant.role}", user.locale)},
    )


# --- feedback -----------------------------------------------------------------------


def _feedback_recipients(report, assignments) -> list:
    from qc_platform.feedback.models import RouteTo

    people = []
    for assignment in assignments:
        if assignment.target == RouteTo.CUSTODIAN:
            people += accounts.users_with_role(Role.CUSTODIAN, assignment.complex_id)
        elif assignment.target == RouteTo.COMMITTEE:
            people += accounts.users_with_role(Role.COMMITTEE_MEMBER, assignment.committee_id)
        else:
            people += accounts.users_with_role(Role.STAFF)
    return people


def _report_params(report, user_locale: str | None = None) -> dict:
    from qc_platform.core.clock import ROME

    return {
        "title": report.title,
        "category": report.category.name_it,
        "complex": _complex_name(report.complex_id),
        "due": report.first_response_due_at.astimezone(ROME).strftime("%d/%m/%Y %H:%M"),
    }


@feedback_signals.report_routed.connect
def report_routed(report, assignments=(), **extra):
    """Recipients hear of a new report at once; never who sent it if anonymous."""
    notify(
        [p for p in _feedback_recipients(report, assignments) if p.id != report.reporter_id],
        "feedback.routed",
        title_key="feedback.routed.title",
        body_key="feedback.routed.body",
        link=f"/segnalazioni/{report.id}",
        params=_report_params(report),
    )


@feedback_signals.report_escalated.connect
def report_escalated(report, **extra):
    notify(
        accounts.users_with_role(Role.STAFF),
        "feedback.escalated",
        title_key="feedback.escalated.title",
        body_key="feedback.escalated.body",
        link=f"/segnalazioni/{report.id}",
        params=_report_params(report),
    )


@feedback_signals.report_updated.connect
def report_updated(report, update=None, **extra):
    """The reporter hears of every public update written by someone else."""
    if update is None or update.internal or update.author_id == report.reporter_id:
        return
    reporter = accounts.get_user(report.reporter_id) if report.reporter_id else None
    if reporter is None:
        return
    status = (
        translate(
            "feedback.status_line",
            reporter.locale,
            status=translate(f"feedback.status.{update.status_to}", reporter.locale),
        )
        if update.status_to
        else ""
    )
    notify(
        [reporter],
        "feedback.updated",
        title_key="feedback.updated.title",
        body_key="feedback.updated.body",
        link=f"/segnalazioni/{report.id}",
        params={"title": report.title, "status": status, "body": update.body[:300]},
    )
