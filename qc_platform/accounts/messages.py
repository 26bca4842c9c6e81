"""User-facing messages of the accounts module (Italian first, English)."""

from qc_platform.core.i18n import register_messages

register_messages(
    {
        "accounts.email_taken": {
            "it": "Esiste già un account con questo indirizzo e-mail.",
            "en": "An account with this e-mail address already exists.",
        },
        "accounts.bad_credentials": {
            "it": "E-mail o password non corrette.",
            "en": "Wrong e-mail or password.",
        },
        "accounts.resident_implicit": {
            "it": "Ogni utente registrato è già residente: questo ruolo non si assegna.",
            "en": "Every registered user is a resident: this role is not granted.",
        },
        "accounts.scope_not_allowed": {
            "it": "Questo ruolo non ha un ambito: ometti scope_type e scope_id.",
            "en": "This role has no scope: omit scope_type and scope_id.",
        },
        "accounts.scope_required": {
            "it": "Questo ruolo richiede un ambito di tipo «{scope}» con il suo identificativo.",
            "en": "This role needs a scope of type '{scope}' with its id.",
        },
        "accounts.unknown_scope": {
            "it": "L'ambito indicato non esiste.",
            "en": "The scope given does not exist.",
        },
        "accounts.role_exists": {
            "it": "L'utente ha già questo ruolo.",
            "en": "The user already holds this role.",
        },
        "accounts.role_not_grantable": {
            "it": "Non puoi assegnare o revocare questo ruolo.",
            "en": "You may not grant or revoke this role.",
        },
        "accounts.unknown_complex": {
            "it": "Il complesso indicato non esiste.",
            "en": "The complex given does not exist.",
        },
        "accounts.already_tenant": {
            "it": "Sei già riconosciuto come inquilino di questo complesso.",
            "en": "You are already recognised as a tenant of this complex.",
        },
        "accounts.tenancy_pending": {
            "it": "Hai già una richiesta in attesa per questo complesso.",
            "en": "You already have a pending request for this complex.",
        },
        "accounts.tenancy_decided": {
            "it": "Questa richiesta è già stata decisa.",
            "en": "This request has already been decided.",
        },
        "accounts.wrong_password": {
            "it": "La password attuale non è corretta.",
            "en": "The current password is wrong.",
        },
        "accounts.token_days": {
            "it": "La durata del token va da 1 a 365 giorni.",
            "en": "A token lasts from 1 to 365 days.",
        },
        "accounts.password_too_short": {
            "it": "La password deve avere almeno 10 caratteri.",
            "en": "The password must be at least 10 characters long.",
        },
    }
)
