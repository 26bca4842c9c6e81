"""Turn other modules' signals into notifications (modules never import this one)."""

from __future__ import annotations

from qc_platform.accounts import service as accounts
from qc_platform.accounts import signals
from qc_platform.activities import signals as activity_signals
from qc_platform.catalogue import signals as catalogue_signals
from qc_platform.core.after_commit import after_commit
from qc_platform.core.clock import ROME
from qc_platform.core.i18n import translate
from qc_platform.core.permissions import Role
from qc_platform.feedback import signals as feedback_signals
from qc_platform.marketplace import signals as marketplace_signals
from qc_platform.notifications import live
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


# --- marketplace --------------------------------------------------------------------


@marketplace_signals.exchange_event.connect
def exchange_event(exchange, event=None, actor=None, **extra):
    """The other person of the exchange hears of each step the actor takes."""
    other = accounts.get_user(exchange.other_party(actor.id))
    params = {
        "name": actor.display_name,
        "listing": exchange.listing.title,
        "minutes": exchange.minutes,
    }
    kind = "marketplace.review" if event == "reviewed" else "marketplace.exchange"
    notify(
        [other],
        kind,
        title_key=f"notifications.exchange_{event}.title",
        body_key=f"notifications.exchange_{event}.body",
        link=f"/scambi/{exchange.id}",
        params=params,
    )


@marketplace_signals.message_posted.connect
def message_posted(message, recipient_ids=(), link=None, subject="", **extra):
    """A notification, and the message itself live to the recipients' open pages."""
    recipients = [accounts.get_user(user_id) for user_id in recipient_ids]
    notify(
        recipients,
        "conversation.message",
        title_key="notifications.message.title",
        body_key="notifications.message.body",
        link=link,
        params={"name": message.author.display_name, "subject": subject},
    )
    data = {
        "conversation_id": message.conversation_id,
        "link": link,
        "message": {
            "id": message.id,
            "conversation_id": message.conversation_id,
            "author": {"id": message.author.id, "display_name": message.author.display_name},
            "mine": False,
            "body": message.body,
            "hidden": False,
            "created_at": message.created_at.isoformat(),
        },
    }
    user_ids = [user.id for user in recipients if user is not None]
    after_commit(lambda: live.emit_to_users(live.EVENT_MESSAGE, data, user_ids))


@marketplace_signals.flag_raised.connect
def flag_raised(flag, moderator_ids=(), **extra):
    listing = flag.listing if flag.listing is not None else flag.exchange.listing
    notify(
        [accounts.get_user(user_id) for user_id in moderator_ids],
        "marketplace.flag",
        title_key="notifications.flag.title",
        body_key="notifications.flag.body",
        link="/moderazione",
        params={"subject": listing.title},
    )


# --- activities -----------------------------------------------------------------------


def _session_params(session) -> dict:
    from qc_platform.activities import service as activities
    from qc_platform.core.clock import ROME

    activity = activities.get_activity(session.activity_id)
    return {
        "title": activity.title,
        "space": activity.space.name,
        "when": session.starts_at.astimezone(ROME).strftime("%d/%m/%Y %H:%M"),
    }


def _activity_link(session) -> str:
    from qc_platform.activities.presenters import page_link

    return page_link(session.activity_id)


@activity_signals.registration_created.connect
def activity_registered(registration, **extra):
    """The person hears that they are registered or waitlisted (desk names have no account)."""
    if registration.user_id is None:
        return
    from qc_platform.activities import service as activities
    from qc_platform.activities.models import RegistrationStatus

    session = activities.get_session(registration.session_id)
    waitlisted = registration.status == RegistrationStatus.WAITLISTED
    notify(
        [accounts.get_user(registration.user_id)],
        "activities.registered",
        title_key="activities.waitlisted.title" if waitlisted else "activities.registered.title",
        body_key="activities.registered.body",
        link=_activity_link(session),
        params=_session_params(session),
    )


@activity_signals.registration_promoted.connect
def activity_promoted(registration, **extra):
    if registration.user_id is None:
        return
    from qc_platform.activities import service as activities

    session = activities.get_session(registration.session_id)
    notify(
        [accounts.get_user(registration.user_id)],
        "activities.promoted",
        title_key="activities.promoted.title",
        body_key="activities.promoted.body",
        link=_activity_link(session),
        params=_session_params(session),
    )


def _registered_people(registrations) -> list:
    from qc_platform.activities import service as activities

    return list(activities.registrants(registrations).values())


@activity_signals.session_cancelled.connect
def activity_session_cancelled(session, registrations=(), **extra):
    """Everyone registered or waiting hears that the session will not take place."""
    notify(
        _registered_people(registrations),
        "activities.session_cancelled",
        title_key="activities.session_cancelled.title",
        body_key="activities.session_cancelled.body",
        link=_activity_link(session),
        params={**_session_params(session), "reason": session.cancel_reason or ""},
    )


@activity_signals.session_rescheduled.connect
def activity_session_rescheduled(session, registrations=(), **extra):
    notify(
        _registered_people(registrations),
        "activities.session_changed",
        title_key="activities.session_changed.title",
        body_key="activities.session_changed.body",
        link=_activity_link(session),
        params=_session_params(session),
    )


# --- catalogue ----------------------------------------------------------------------


@catalogue_signals.request_event.connect
def service_request_event(request, event=None, actor=None, **extra):
    """The requester hears what the operators did, and the operators what the requester did."""
    from qc_platform.core.permissions import Role

    service = request.service
    operators = accounts.users_with_role(Role.OPERATOR, service.organisation_id)
    if actor.id == request.requester_id:
        recipients = operators
    else:
        recipients = [accounts.get_user(request.requester_id)]
    when = ""
    if request.proposed_time is not None:
        when = request.proposed_time.astimezone(ROME).strftime("%d/%m/%Y %H:%M")
    notify(
        [person for person in recipients if person.id != actor.id],
        "catalogue.request",
        title_key=f"notifications.service_{event}.title",
        body_key=f"notifications.service_{event}.body",
        link=f"/servizi/richieste/{request.id}",
        params={
            "service": service.title,
            "name": actor.display_name,
            "organisation": service.organisation.name,
            "reason": request.decline_reason or "",
            "when": when,
        },
    )
