"""The activities' notifications: their kinds, and the receivers of activities' own signals.

Adding a notification here is the whole change: register its kind, write its texts in
``messages.py``, connect a receiver that calls ``notify``.
"""

from __future__ import annotations

from qc_platform.accounts import service as accounts
from qc_platform.activities import service as activities
from qc_platform.activities import signals
from qc_platform.activities.models import RegistrationStatus
from qc_platform.activities.presenters import page_link
from qc_platform.core.clock import ROME
from qc_platform.notifications import notify, register_kind

register_kind(
    "activities.registered",
    name={"it": "Iscrizioni alle attività", "en": "Activity registrations"},
    description={
        "it": "Conferma quando ti iscrivi (o ti iscrivono allo sportello) a un incontro.",
        "en": "Confirmation when you register (or are registered at the desk) for a session.",
    },
)
register_kind(
    "activities.promoted",
    name={"it": "Posti liberati in lista d'attesa", "en": "Places freed on a waiting list"},
    description={
        "it": "Quando si libera un posto e passi dalla lista d'attesa agli iscritti.",
        "en": "When a place frees up and you move from the waiting list to registered.",
    },
    email_default=True,
)
register_kind(
    "activities.session_cancelled",
    name={"it": "Incontri annullati", "en": "Cancelled sessions"},
    description={
        "it": "Quando un incontro a cui sei iscritto/a viene annullato.",
        "en": "When a session you registered for is cancelled.",
    },
    email_default=True,
)
register_kind(
    "activities.session_changed",
    name={"it": "Cambi di orario", "en": "Time changes"},
    description={
        "it": "Quando cambia l'orario di un incontro a cui sei iscritto/a.",
        "en": "When the time of a session you registered for changes.",
    },
    email_default=True,
)


def _session_params(session) -> dict:
    activity = activities.get_activity(session.activity_id)
    return {
        "title": activity.title,
        "space": activity.space.name,
        "when": session.starts_at.astimezone(ROME).strftime("%d/%m/%Y %H:%M"),
    }


def _registered_people(registrations) -> list:
    return list(activities.registrants(registrations).values())


@signals.registration_created.connect
def registered(registration, **extra):
    """The person hears that they are registered or waitlisted (desk names have no account)."""
    if registration.user_id is None:
        return
    session = activities.get_session(registration.session_id)
    waitlisted = registration.status == RegistrationStatus.WAITLISTED
    notify(
        [accounts.get_user(registration.user_id)],
        "activities.registered",
        title_key="activities.waitlisted.title" if waitlisted else "activities.registered.title",
        body_key="activities.registered.body",
        link=page_link(session.activity_id),
        params=_session_params(session),
    )


@signals.registration_promoted.connect
def promoted(registration, **extra):
    if registration.user_id is None:
        return
    session = activities.get_session(registration.session_id)
    notify(
        [accounts.get_user(registration.user_id)],
        "activities.promoted",
        title_key="activities.promoted.title",
        body_key="activities.promoted.body",
        link=page_link(session.activity_id),
        params=_session_params(session),
    )


@signals.session_cancelled.connect
def session_cancelled(session, registrations=(), **extra):
    """Everyone registered or waiting hears that the session will not take place."""
    notify(
        _registered_people(registrations),
        "activities.session_cancelled",
        title_key="activities.session_cancelled.title",
        body_key="activities.session_cancelled.body",
        link=page_link(session.activity_id),
        params={**_session_params(session), "reason": session.cancel_reason or ""},
    )


@signals.session_rescheduled.connect
def session_rescheduled(session, registrations=(), **extra):
    notify(
        _registered_people(registrations),
        "activities.session_changed",
        title_key="activities.session_changed.title",
        body_key="activities.session_changed.body",
        link=page_link(session.activity_id),
        params=_session_params(session),
    )
