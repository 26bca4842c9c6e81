"""User-facing messages of the activities module."""

from qc_platform.core.i18n import register_messages

register_messages(
    {
        "activities.unknown_category": {"it": "Categoria sconosciuta.", "en": "Unknown category."},
        "activities.unknown_space": {
            "it": "Lo spazio indicato non esiste.",
            "en": "The space given does not exist.",
        },
        "activities.unknown_user": {"it": "Utente sconosciuto.", "en": "Unknown user."},
        "activities.not_your_space": {
            "it": "Solo gli operatori dell'ente che gestisce lo spazio possono farlo.",
            "en": "Only operators of the organisation that runs the space can do this.",
        },
        "activities.ends_before_start": {
            "it": "La fine deve seguire l'inizio.",
            "en": "The end must come after the start.",
        },
        "activities.too_long": {
            "it": "Un incontro può durare al massimo {hours} ore.",
            "en": "A session can last at most {hours} hours.",
        },
        "activities.starts_in_past": {
            "it": "L'inizio deve essere nel futuro.",
            "en": "The start must be in the future.",
        },
        "activities.starts_too_far": {
            "it": "L'inizio può essere al massimo tra due anni.",
            "en": "The start can be at most two years ahead.",
        },
        "activities.invalid_rrule": {
            "it": "La regola di ripetizione non è valida: controlla il campo rrule.",
            "en": "The recurrence rule is not valid: check the rrule field.",
        },
        "activities.rrule.syntax": {
            "it": "Regola RFC 5545 non leggibile (es. FREQ=WEEKLY;BYDAY=TU,TH).",
            "en": "Unreadable RFC 5545 rule (e.g. FREQ=WEEKLY;BYDAY=TU,TH).",
        },
        "activities.rrule.frequency": {
            "it": "FREQ deve essere DAILY, WEEKLY, MONTHLY o YEARLY.",
            "en": "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY.",
        },
        "activities.rrule.part_not_allowed": {
            "it": "{part} non è ammesso con FREQ={freq}.",
            "en": "{part} is not allowed with FREQ={freq}.",
        },
        "activities.rrule.interval": {
            "it": "INTERVAL deve essere tra 1 e {max}.",
            "en": "INTERVAL must be between 1 and {max}.",
        },
        "activities.rrule.count": {
            "it": "COUNT deve essere tra 1 e {max}.",
            "en": "COUNT must be between 1 and {max}.",
        },
        "activities.rrule.count_and_until": {
            "it": "Usa COUNT oppure UNTIL, non entrambi.",
            "en": "Use COUNT or UNTIL, not both.",
        },
        "activities.rrule.until_before_start": {
            "it": "UNTIL precede l'inizio dell'attività.",
            "en": "UNTIL comes before the activity starts.",
        },
        "activities.rrule.byday_ordinal": {
            "it": "BYDAY con un numero (es. 1MO) vale solo con FREQ=MONTHLY o YEARLY.",
            "en": "BYDAY with a number (e.g. 1MO) only works with FREQ=MONTHLY or YEARLY.",
        },
        "activities.rrule.daily_byday_interval": {
            "it": "Per ripetere ogni N giorni in certi giorni della settimana usa FREQ=WEEKLY.",
            "en": "To repeat every N days on given weekdays, use FREQ=WEEKLY.",
        },
        "activities.rrule.not_synchronised": {
            "it": "L'inizio (starts_at) deve essere la prima ripetizione della regola.",
            "en": "The start (starts_at) must be the rule's first occurrence.",
        },
        "activities.capacity_below_confirmed": {
            "it": "Ci sono già {confirmed} iscritti confermati in un incontro futuro: "
            "la capienza non può scendere sotto.",
            "en": "A future session already has {confirmed} confirmed registrations: the "
            "capacity cannot go below that.",
        },
        "activities.registration_not_required": {
            "it": "Questa attività non richiede iscrizione: basta presentarsi.",
            "en": "This activity needs no registration: just come along.",
        },
        "activities.session_cancelled": {
            "it": "Questo incontro è stato annullato.",
            "en": "This session has been cancelled.",
        },
        "activities.session_started": {
            "it": "Questo incontro è già iniziato o concluso.",
            "en": "This session has already started or ended.",
        },
        "activities.session_not_started": {
            "it": "Le presenze si registrano dall'inizio dell'incontro.",
            "en": "Attendance can be recorded once the session has started.",
        },
        "activities.already_registered": {
            "it": "Sei già iscritto/a a questo incontro.",
            "en": "You are already registered for this session.",
        },
        "activities.already_cancelled": {
            "it": "L'iscrizione è già annullata.",
            "en": "The registration is already cancelled.",
        },
        "activities.session_already_cancelled": {
            "it": "L'incontro è già annullato.",
            "en": "The session is already cancelled.",
        },
        "activities.desk_only_operators": {
            "it": "Solo gli operatori dello spazio possono iscrivere altre persone.",
            "en": "Only the space's operators can register other people.",
        },
        "activities.user_or_desk_name": {
            "it": "Indica user_id oppure desk_name, non entrambi.",
            "en": "Give user_id or desk_name, not both.",
        },
        "activities.not_a_confirmed_registration": {
            "it": "Solo le iscrizioni confermate di questo incontro.",
            "en": "Only confirmed registrations of this session.",
        },
        "activities.period_too_long": {
            "it": "L'intervallo può essere al massimo di {days} giorni.",
            "en": "The period can be at most {days} days.",
        },
        "activities.to_before_from": {
            "it": "«to» deve seguire «from».",
            "en": "'to' must come after 'from'.",
        },
        "activities.no_feed_token": {
            "it": "Indica il token del calendario o accedi.",
            "en": "Give the calendar token or sign in.",
        },
        # notifications
        "activities.registered.title": {
            "it": "Iscrizione confermata: {title}",
            "en": "Registration confirmed: {title}",
        },
        "activities.waitlisted.title": {
            "it": "In lista d'attesa: {title}",
            "en": "On the waiting list: {title}",
        },
        "activities.registered.body": {
            "it": "{when} — {space}.",
            "en": "{when} — {space}.",
        },
        "activities.promoted.title": {
            "it": "Si è liberato un posto: {title}",
            "en": "A place is free for you: {title}",
        },
        "activities.promoted.body": {
            "it": "Ora sei iscritto/a. {when} — {space}.",
            "en": "You are now registered. {when} — {space}.",
        },
        "activities.session_cancelled.title": {
            "it": "Incontro annullato: {title}",
            "en": "Session cancelled: {title}",
        },
        "activities.session_cancelled.body": {
            "it": "{when} — {space}. {reason}",
            "en": "{when} — {space}. {reason}",
        },
        "activities.session_changed.title": {
            "it": "Cambio di orario: {title}",
            "en": "New time: {title}",
        },
        "activities.session_changed.body": {
            "it": "Nuovo orario: {when} — {space}. La tua iscrizione resta valida.",
            "en": "New time: {when} — {space}. Your registration still stands.",
        },
    }
)
