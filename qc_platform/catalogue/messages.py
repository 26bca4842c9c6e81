"""User-facing messages of the catalogue."""

from qc_platform.core.i18n import register_messages

register_messages(
    {
        "catalogue.unknown_category": {"it": "Categoria sconosciuta.", "en": "Unknown category."},
        "catalogue.unknown_organisation": {
            "it": "L'organizzazione indicata non esiste.",
            "en": "The organisation given does not exist.",
        },
        "catalogue.unknown_space": {
            "it": "Lo spazio indicato non esiste.",
            "en": "The space given does not exist.",
        },
        "catalogue.not_operator": {
            "it": "Solo gli operatori dell'organizzazione possono pubblicare e modificare i "
            "suoi servizi.",
            "en": "Only the organisation's operators may publish and change its services.",
        },
        "catalogue.not_your_space": {
            "it": "Un servizio può stare solo in uno spazio gestito dalla sua organizzazione.",
            "en": "A service can only be at a space run by its own organisation.",
        },
        "catalogue.price_free": {
            "it": "Un servizio gratuito non ha prezzo né minuti.",
            "en": "A free service has no price and no minutes.",
        },
        "catalogue.price_money": {
            "it": "Per un prezzo fisso o agevolato indica price_cents (in centesimi), non i "
            "minuti.",
            "en": "A fixed or sliding price needs price_cents (in cents), not minutes.",
        },
        "catalogue.price_timebank": {
            "it": "Un servizio in ore della banca del tempo indica i minuti, non un prezzo.",
            "en": "A time-bank service gives minutes, not a price.",
        },
        "catalogue.service_not_found": {"it": "Servizio non trovato.", "en": "Service not found."},
        "catalogue.service_paused": {
            "it": "Questo servizio è sospeso per ora: non accetta richieste.",
            "en": "This service is paused for now: it takes no requests.",
        },
        "catalogue.request_not_found": {
            "it": "Richiesta non trovata.",
            "en": "Request not found.",
        },
        "catalogue.not_your_turn.accept": {
            "it": "Accettano la richiesta gli operatori del servizio.",
            "en": "The service's operators accept a request.",
        },
        "catalogue.not_your_turn.decline": {
            "it": "Rifiutano la richiesta gli operatori del servizio; tu puoi annullarla.",
            "en": "The service's operators decline a request; you can cancel it.",
        },
        "catalogue.not_your_turn.cancel": {
            "it": "Solo chi ha chiesto il servizio o i suoi operatori possono annullarlo.",
            "en": "Only the requester or the service's operators can cancel it.",
        },
        "catalogue.not_your_turn.complete": {
            "it": "Conferma il servizio chi l'ha ricevuto.",
            "en": "The person who received the service confirms it.",
        },
        "catalogue.bad_transition": {
            "it": "Non si può fare ora: la richiesta è nello stato «{status}».",
            "en": "Not possible now: the request is '{status}'.",
        },
        "catalogue.time_in_past": {
            "it": "L'orario proposto è già passato.",
            "en": "The proposed time is in the past.",
        },
        "catalogue.closure_order": {
            "it": "Una chiusura deve finire lo stesso giorno o dopo il giorno in cui inizia.",
            "en": "A closure must end on or after the day it starts.",
        },
        # Notifications
        "notifications.service_requested.title": {
            "it": "Nuova richiesta: {service}",
            "en": "New request: {service}",
        },
        "notifications.service_requested.body": {
            "it": "{name} chiede il servizio.",
            "en": "{name} asks for the service.",
        },
        "notifications.service_accepted.title": {
            "it": "Richiesta accettata: {service}",
            "en": "Request accepted: {service}",
        },
        "notifications.service_accepted.body": {
            "it": "{organisation} ha accettato la tua richiesta. {when}",
            "en": "{organisation} accepted your request. {when}",
        },
        "notifications.service_declined.title": {
            "it": "Richiesta non accettata: {service}",
            "en": "Request declined: {service}",
        },
        "notifications.service_declined.body": {
            "it": "{organisation}: {reason}",
            "en": "{organisation}: {reason}",
        },
        "notifications.service_cancelled.title": {
            "it": "Richiesta annullata: {service}",
            "en": "Request cancelled: {service}",
        },
        "notifications.service_cancelled.body": {
            "it": "{name} ha annullato la richiesta.",
            "en": "{name} cancelled the request.",
        },
        "notifications.service_completed.title": {
            "it": "Servizio completato: {service}",
            "en": "Service completed: {service}",
        },
        "notifications.service_completed.body": {
            "it": "{name} ha confermato di aver ricevuto il servizio.",
            "en": "{name} confirmed receiving the service.",
        },
    }
)


# GDPR erasure: what must be closed first (catalogue/gdpr.py).
register_messages(
    {
        "catalogue.erasure_open_request": {
            "it": "la richiesta n. {request_id} del servizio «{title}» è stata accettata e non "
            "è ancora completata: completala o annullala.",
            "en": "request no. {request_id} for the service '{title}' was accepted and is not "
            "completed yet: complete or cancel it.",
        },
    }
)
