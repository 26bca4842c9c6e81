"""Feedback's notifications: a report routed to its handlers, escalated to staff, answered."""

from __future__ import annotations

from qc_platform.accounts import service as accounts
from qc_platform.accounts.roles import Role
from qc_platform.core.clock import ROME
from qc_platform.core.i18n import translate
from qc_platform.feedback import service, signals
from qc_platform.notifications import notify, register_kind
from qc_platform.places import service as places
from qc_platform.places.models import Complex

register_kind(
    "feedback.routed",
    name={"it": "Nuove segnalazioni da gestire", "en": "New reports to handle"},
    description={
        "it": "Per custodi, comitati e personale: una segnalazione è arrivata a te.",
        "en": "For custodians, committees and staff: a report was routed to you.",
    },
    email_default=True,
)
register_kind(
    "feedback.escalated",
    name={"it": "Segnalazioni in ritardo", "en": "Overdue reports"},
    description={
        "it": "Per il personale: una segnalazione non ha avuto risposta nei tempi.",
        "en": "For staff: a report got no answer in time.",
    },
    email_default=True,
)
register_kind(
    "feedback.updated",
    name={"it": "Risposte alle mie segnalazioni", "en": "Answers to my reports"},
    description={
        "it": "Quando qualcuno risponde o cambia lo stato di una tua segnalazione.",
        "en": "When someone answers or changes the status of one of your reports.",
    },
    email_default=True,
)


def report_link(report) -> str:
    return f"/segnalazioni/{report.id}"


def _report_params(report) -> dict:
    return {
        "title": report.title,
        "category": report.category.name_it,
        "complex": places.get(Complex, report.complex_id).name,
        "due": report.first_response_due_at.astimezone(ROME).strftime("%d/%m/%Y %H:%M"),
    }


@signals.report_routed.connect
def report_routed(report, assignments=(), **extra):
    """Recipients hear of a new report at once; never who sent it if anonymous."""
    notify(
        [p for p in service.handlers_of(assignments) if p.id != report.reporter_id],
        "feedback.routed",
        title_key="feedback.routed.title",
        body_key="feedback.routed.body",
        link=report_link(report),
        params=_report_params(report),
    )


@signals.report_escalated.connect
def report_escalated(report, **extra):
    notify(
        accounts.users_with_role(Role.STAFF),
        "feedback.escalated",
        title_key="feedback.escalated.title",
        body_key="feedback.escalated.body",
        link=report_link(report),
        params=_report_params(report),
    )


@signals.report_updated.connect
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
        link=report_link(report),
        params={"title": report.title, "status": status, "body": update.body[:300]},
    )
