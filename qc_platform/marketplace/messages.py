"""User-facing messages of the marketplace."""

from qc_platform.core.i18n import register_messages

register_messages(
    {
        "marketplace.unknown_category": {"it": "Categoria sconosciuta.", "en": "Unknown category."},
        "marketplace.unknown_space": {
            "it": "Lo spazio indicato non esiste.",
            "en": "The space given does not exist.",
        },
        "marketplace.unknown_complex": {
            "it": "Il complesso indicato non esiste.",
            "en": "The complex given does not exist.",
        },
        "marketplace.contact_details": {
            "it": "Per la tua sicurezza non scrivere numeri di telefono o indirizzi e-mail "
            "nell'annuncio: vi scriverete con i messaggi privati dello scambio.",
            "en": "For your safety, do not put phone numbers or e-mail addresses in a listing: "
            "you will talk through the exchange's private messages.",
        },
        "marketplace.listing_not_found": {
            "it": "Annuncio non trovato.",
            "en": "Listing not found.",
        },
        "marketplace.not_owner": {
            "it": "Solo chi ha pubblicato l'annuncio può modificarlo.",
            "en": "Only the person who published the listing may change it.",
        },
        "marketplace.own_listing": {
            "it": "Non puoi proporre uno scambio sul tuo annuncio.",
            "en": "You cannot propose an exchange on your own listing.",
        },
        "marketplace.listing_not_open": {
            "it": "Questo annuncio non accetta più proposte.",
            "en": "This listing no longer accepts proposals.",
        },
        "marketplace.already_proposed": {
            "it": "Hai già una proposta in corso per questo annuncio (scambio n. {exchange_id}).",
            "en": "You already have a proposal going on this listing (exchange #{exchange_id}).",
        },
        "marketplace.exchange_not_found": {
            "it": "Scambio non trovato.",
            "en": "Exchange not found.",
        },
        "marketplace.not_your_turn.accept": {
            "it": "La proposta la accetta l'altra persona, non chi l'ha fatta.",
            "en": "The proposal is accepted by the other person, not by whoever made it.",
        },
        "marketplace.not_your_turn.decline": {
            "it": "La proposta la rifiuta l'altra persona; tu puoi annullarla.",
            "en": "The other person declines a proposal; you can cancel it.",
        },
        "marketplace.not_your_turn.cancel": {
            "it": "Solo le due persone dello scambio possono annullarlo.",
            "en": "Only the two people in the exchange can cancel it.",
        },
        "marketplace.not_your_turn.complete": {
            "it": "Conferma lo scambio chi ha ricevuto l'aiuto: è dal suo conto che partono "
            "le ore.",
            "en": "The exchange is confirmed by whoever received the help: the hours leave "
            "their account.",
        },
        "marketplace.bad_transition": {
            "it": "Non si può fare ora: lo scambio è nello stato «{status}».",
            "en": "Not possible now: the exchange is '{status}'.",
        },
        "marketplace.not_a_party": {
            "it": "Solo le due persone dello scambio possono farlo.",
            "en": "Only the two people in the exchange can do this.",
        },
        "marketplace.review_before_completion": {
            "it": "Potrai lasciare una recensione quando lo scambio sarà completato.",
            "en": "You can leave a review once the exchange is completed.",
        },
        "marketplace.already_reviewed": {
            "it": "Hai già lasciato la tua recensione per questo scambio.",
            "en": "You already reviewed this exchange.",
        },
        "marketplace.flag_own_listing": {
            "it": "Non puoi segnalare il tuo annuncio: puoi modificarlo o ritirarlo.",
            "en": "You cannot report your own listing: you can edit or withdraw it.",
        },
        "marketplace.already_flagged": {
            "it": "L'hai già segnalato: i moderatori stanno verificando.",
            "en": "You already reported it: the moderators are looking into it.",
        },
        "marketplace.flag_not_found": {
            "it": "Segnalazione non trovata.",
            "en": "Report not found.",
        },
        "marketplace.flag_resolved": {
            "it": "Questa segnalazione è già stata gestita.",
            "en": "This report was already handled.",
        },
        # Notifications
        "notifications.exchange_proposed.title": {
            "it": "Nuova proposta di scambio: {listing}",
            "en": "New exchange proposal: {listing}",
        },
        "notifications.exchange_proposed.body": {
            "it": "{name} propone uno scambio di {minutes} minuti.",
            "en": "{name} proposes an exchange of {minutes} minutes.",
        },
        "notifications.exchange_accepted.title": {
            "it": "Proposta accettata: {listing}",
            "en": "Proposal accepted: {listing}",
        },
        "notifications.exchange_accepted.body": {
            "it": "{name} ha accettato. Mettetevi d'accordo con i messaggi.",
            "en": "{name} accepted. Agree the details in the messages.",
        },
        "notifications.exchange_declined.title": {
            "it": "Proposta rifiutata: {listing}",
            "en": "Proposal declined: {listing}",
        },
        "notifications.exchange_declined.body": {
            "it": "{name} non può accettare questa volta.",
            "en": "{name} cannot accept this time.",
        },
        "notifications.exchange_cancelled.title": {
            "it": "Scambio annullato: {listing}",
            "en": "Exchange cancelled: {listing}",
        },
        "notifications.exchange_cancelled.body": {
            "it": "{name} ha annullato lo scambio.",
            "en": "{name} cancelled the exchange.",
        },
        "notifications.exchange_completed.title": {
            "it": "Hai ricevuto {minutes} minuti",
            "en": "You received {minutes} minutes",
        },
        "notifications.exchange_completed.body": {
            "it": "{name} ha confermato lo scambio «{listing}». Grazie!",
            "en": "{name} confirmed the exchange '{listing}'. Thank you!",
        },
        "notifications.exchange_reviewed.title": {
            "it": "Nuova recensione da {name}",
            "en": "New review from {name}",
        },
        "notifications.exchange_reviewed.body": {
            "it": "Per lo scambio «{listing}».",
            "en": "For the exchange '{listing}'.",
        },
        "notifications.flag.title": {
            "it": "Nuova segnalazione da moderare",
            "en": "New report to moderate",
        },
        "notifications.flag.body": {
            "it": "Riguarda «{subject}».",
            "en": "About '{subject}'.",
        },
    }
)


# GDPR erasure: what must be closed first (marketplace/gdpr.py).
register_messages(
    {
        "marketplace.erasure_open_exchange": {
            "it": "lo scambio n. {exchange_id} («{title}») è stato accettato e non è ancora "
            "completato: completalo o annullalo.",
            "en": "exchange no. {exchange_id} ('{title}') was accepted and is not completed "
            "yet: complete or cancel it.",
        },
    }
)
