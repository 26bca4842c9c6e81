"""Texts of the notifications module: the notifications themselves and the e-mails."""

from qc_platform.core.i18n import register_messages

register_messages(
    {
        "notifications.unknown_kind": {
            "it": "Tipo di notifica sconosciuto.",
            "en": "Unknown kind of notification.",
        },
        "notifications.tenancy_requested.title": {
            "it": "Nuova richiesta di riconoscimento inquilino",
            "en": "New tenant recognition request",
        },
        "notifications.tenancy_requested.body": {
            "it": "{name} chiede di essere riconosciuto/a come inquilino/a del complesso {complex}.",
            "en": "{name} asks to be recognised as a tenant of the complex {complex}.",
        },
        "notifications.tenancy_approved.title": {
            "it": "Sei stato/a riconosciuto/a come inquilino/a",
            "en": "You have been recognised as a tenant",
        },
        "notifications.tenancy_approved.body": {
            "it": "Ora puoi inviare segnalazioni sul complesso {complex}.",
            "en": "You can now send reports about the complex {complex}.",
        },
        "notifications.tenancy_rejected.title": {
            "it": "La richiesta di riconoscimento non è stata accolta",
            "en": "Your recognition request was not accepted",
        },
        "notifications.tenancy_rejected.body": {
            "it": "Complesso {complex}. {note}",
            "en": "Complex {complex}. {note}",
        },
        "notifications.role_granted.title": {
            "it": "Hai un nuovo ruolo: {role}",
            "en": "You have a new role: {role}",
        },
        "notifications.role_granted.body": {
            "it": "Lo trovi nel tuo profilo.",
            "en": "You can see it in your profile.",
        },
        "notifications.announcement.title": {"it": "{title}", "en": "{title}"},
        "notifications.announcement.body": {"it": "{body}", "en": "{body}"},
        "notifications.email.footer": {
            "it": "Ricevi questa e-mail perché l'hai scelto nelle preferenze di Quartieri "
            "Connessi. Per cambiarle: {url}",
            "en": "You receive this e-mail because you chose it in your Quartieri Connessi "
            "preferences. To change them: {url}",
        },
        "role.resident": {"it": "residente", "en": "resident"},
        "role.tenant": {"it": "inquilino/a", "en": "tenant"},
        "role.operator": {"it": "operatore", "en": "operator"},
        "role.custodian": {"it": "custode sociale", "en": "social custodian"},
        "role.committee_member": {
            "it": "membro del comitato inquilini",
            "en": "tenant committee member",
        },
        "role.staff": {"it": "personale del gestore", "en": "housing manager staff"},
        "role.admin": {"it": "amministratore", "en": "administrator"},
    }
)
