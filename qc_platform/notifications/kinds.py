"""The kinds of notification, each with its names and whether e-mail is on by default.

A module that notifies registers its kinds here (at import), so that preferences can be
listed and validated without knowing every module.
"""

from __future__ import annotations

from dataclasses import dataclass

from qc_platform.core.i18n import current_locale


@dataclass(frozen=True)
class Kind:
    code: str
    name: dict[str, str]
    description: dict[str, str]
    email_default: bool = False

    def localised_name(self) -> str:
        return self.name[current_locale()]

    def localised_description(self) -> str:
        return self.description[current_locale()]


KINDS: dict[str, Kind] = {}


def register_kind(
    code: str, *, name: dict[str, str], description: dict[str, str], email_default: bool = False
) -> Kind:
    kind = Kind(code=code, name=name, description=description, email_default=email_default)
    KINDS[code] = kind
    return kind


register_kind(
    "system.announcement",
    name={"it": "Avvisi della piattaforma", "en": "Platform announcements"},
    description={
        "it": "Comunicazioni del Comune e del gestore a tutti o a te.",
        "en": "Messages from the municipality and the housing manager.",
    },
    email_default=True,
)
register_kind(
    "account.role_granted",
    name={"it": "Nuovi ruoli", "en": "New roles"},
    description={
        "it": "Quando ti viene assegnato un ruolo (custode, operatore, comitato…).",
        "en": "When you are given a role (custodian, operator, committee…).",
    },
    email_default=True,
)
register_kind(
    "tenancy.requested",
    name={"it": "Richieste di riconoscimento inquilino", "en": "Tenant recognition requests"},
    description={
        "it": "Per custodi e personale: una persona chiede di essere riconosciuta inquilina.",
        "en": "For custodians and staff: someone asks to be recognised as a tenant.",
    },
)
register_kind(
    "tenancy.decided",
    name={"it": "Esito del riconoscimento inquilino", "en": "Tenant recognition outcome"},
    description={
        "it": "Quando la tua richiesta di riconoscimento come inquilino è decisa.",
        "en": "When your request to be recognised as a tenant is decided.",
    },
    email_default=True,
)
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
register_kind(
    "marketplace.exchange",
    name={"it": "I miei scambi", "en": "My exchanges"},
    description={
        "it": "Proposte, accettazioni, annullamenti e ore ricevute negli scambi.",
        "en": "Proposals, acceptances, cancellations and hours received in exchanges.",
    },
    email_default=True,
)
register_kind(
    "marketplace.review",
    name={"it": "Recensioni ricevute", "en": "Reviews received"},
    description={
        "it": "Quando qualcuno lascia una recensione su uno scambio fatto con te.",
        "en": "When someone reviews an exchange they made with you.",
    },
)
register_kind(
    "conversation.message",
    name={"it": "Messaggi privati", "en": "Private messages"},
    description={
        "it": "Quando qualcuno ti scrive in uno scambio o in una richiesta di servizio.",
        "en": "When someone writes to you in an exchange or a service request.",
    },
)
register_kind(
    "marketplace.flag",
    name={"it": "Segnalazioni da moderare", "en": "Reports to moderate"},
    description={
        "it": "Per operatori e personale: un annuncio o una conversazione è stato segnalato.",
        "en": "For operators and staff: a listing or conversation was reported.",
    },
    email_default=True,
)
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
register_kind(
    "catalogue.request",
    name={"it": "Richieste di servizi", "en": "Service requests"},
    description={
        "it": "Le tue richieste ai servizi del quartiere; per gli operatori, quelle ricevute.",
        "en": "Your requests to neighbourhood services; for operators, those received.",
    },
    email_default=True,
)
