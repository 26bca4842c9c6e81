"""The catalogue's notifications: service requests, heard by the requester and the operators."""

from __future__ import annotations

from qc_platform.accounts import service as accounts
from qc_platform.accounts.roles import Role
from qc_platform.catalogue import service, signals
from qc_platform.core.clock import ROME
from qc_platform.notifications import notify, register_kind

register_kind(
    "catalogue.request",
    name={"it": "Richieste di servizi", "en": "Service requests"},
    description={
        "it": "Le tue richieste ai servizi del quartiere; per gli operatori, quelle ricevute.",
        "en": "Your requests to neighbourhood services; for operators, those received.",
    },
    email_default=True,
)


@signals.request_event.connect
def request_event(request, event=None, actor=None, **extra):
    """The requester hears what the operators did, and the operators what the requester did."""
    offered = request.service
    if actor.id == request.requester_id:
        recipients = accounts.users_with_role(Role.OPERATOR, offered.organisation_id)
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
        link=service.page_link(request),
        params={
            "service": offered.title,
            "name": actor.display_name,
            "organisation": offered.organisation.name,
            "reason": request.decline_reason or "",
            "when": when,
        },
    )
