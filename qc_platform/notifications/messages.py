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
        # --- e-mails about the account itself (account_emails.py) ---
        "email.account.signature": {
            "it": "Quartieri Connessi\n{url}",
            "en": "Quartieri Connessi\n{url}",
        },
        "email.password_reset.subject": {
            "it": "Reimposta la password di Quartieri Connessi",
            "en": "Reset your Quartieri Connessi password",
        },
        "email.password_reset.body": {
            "it": "Ciao {name},\n\nè stato chiesto di reimpostare la password del tuo account "
            "Quartieri Connessi. Per sceglierne una nuova apri questo collegamento entro 60 "
            "minuti (funziona una volta sola):\n\n{link}\n\nSe non l'hai chiesto tu, ignora "
            "questa e-mail: la tua password resta quella di prima.",
            "en": "Hello {name},\n\nsomeone asked to reset the password of your Quartieri "
            "Connessi account. To choose a new one, open this link within 60 minutes (it "
            "works once only):\n\n{link}\n\nIf you did not ask for this, ignore this e-mail: "
            "your password stays as it was.",
        },
        "email.verification.subject": {
            "it": "Conferma il tuo indirizzo e-mail",
            "en": "Confirm your e-mail address",
        },
        "email.verification.body": {
            "it": "Ciao {name},\n\nper ricevere anche per e-mail le notifiche di Quartieri "
            "Connessi, conferma che questo indirizzo è tuo: apri questo collegamento entro 3 "
            "giorni.\n\n{link}\n\nSe non hai creato tu un account, ignora questa e-mail.",
            "en": "Hello {name},\n\nto receive Quartieri Connessi notifications by e-mail too, "
            "confirm that this address is yours: open this link within 3 days.\n\n{link}\n\n"
            "If you did not create an account, ignore this e-mail.",
        },
        "email.change.subject": {
            "it": "Conferma il tuo nuovo indirizzo e-mail",
            "en": "Confirm your new e-mail address",
        },
        "email.change.body": {
            "it": "Ciao {name},\n\nhai chiesto di usare questo indirizzo per il tuo account "
            "Quartieri Connessi. Per confermarlo apri questo collegamento entro 24 ore:\n\n"
            "{link}\n\nFinché non lo apri, l'account resta legato all'indirizzo di prima. Se "
            "non l'hai chiesto tu, ignora questa e-mail.",
            "en": "Hello {name},\n\nyou asked to use this address for your Quartieri Connessi "
            "account. To confirm it, open this link within 24 hours:\n\n{link}\n\nUntil you "
            "open it, the account keeps its previous address. If you did not ask for this, "
            "ignore this e-mail.",
        },
        "email.changed.subject": {
            "it": "L'indirizzo e-mail del tuo account è cambiato",
            "en": "The e-mail address of your account has changed",
        },
        "email.changed.body": {
            "it": "Ciao {name},\n\nl'indirizzo e-mail del tuo account Quartieri Connessi ora "
            "è {new_email}: da adesso le e-mail arriveranno lì, non più qui.\n\nSe non sei "
            "stato tu, qualcuno potrebbe usare il tuo account: rivolgiti subito al custode "
            "sociale del tuo complesso o al gestore della piattaforma.",
            "en": "Hello {name},\n\nthe e-mail address of your Quartieri Connessi account is "
            "now {new_email}: from now on e-mails go there, no longer here.\n\nIf this was not "
            "you, someone may be using your account: contact the social custodian of your "
            "complex or the platform's manager at once.",
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
