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
            "it": "Hai già una richiesta in attesa. Per cambiarla, ritirala dal tuo profilo e fanne una nuova.",
            "en": "You already have a pending request. To change it, withdraw it from your profile and ask again.",
        },
        "accounts.tenancy_not_pending": {
            "it": "Questa richiesta è già stata decisa: non si può più ritirare.",
            "en": "This request has already been decided: it can no longer be withdrawn.",
        },
        "accounts.rejection_reason": {
            "it": "Scrivi il motivo: la persona lo leggerà.",
            "en": "Write the reason: the person will read it.",
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
        "accounts.password_contains_email": {
            "it": "La password non deve contenere la prima parte del tuo indirizzo e-mail "
            "(quella prima della @).",
            "en": "The password must not contain the first part of your e-mail address "
            "(the part before the @).",
        },
        "accounts.password_contains_name": {
            "it": "La password non deve contenere il tuo nome.",
            "en": "The password must not contain your name.",
        },
        "accounts.password_too_common": {
            "it": "Questa password è troppo comune o facile da indovinare. Evita parole "
            "singole, nomi, date, sequenze come 12345 o qwerty e ripetizioni: unisci "
            "invece tre o quattro parole che non c'entrano tra loro.",
            "en": "This password is too common or easy to guess. Avoid single words, "
            "names, dates, sequences such as 12345 or qwerty, and repetitions: join three "
            "or four unrelated words instead.",
        },
        "accounts.link_invalid": {
            "it": "Questo collegamento non è valido: è scaduto, è già stato usato o è "
            "incompleto. Chiedine uno nuovo.",
            "en": "This link is not valid: it has expired, it has been used already or it "
            "is incomplete. Ask for a new one.",
        },
        "accounts.password_reset_sent": {
            "it": "Se l'indirizzo è quello di un account, tra poco riceverai un'e-mail con un "
            "collegamento per scegliere una nuova password, valido 60 minuti. Controlla anche "
            "la posta indesiderata.",
            "en": "If the address belongs to an account, you will soon receive an e-mail with "
            "a link to choose a new password, valid for 60 minutes. Check your spam folder "
            "too.",
        },
        "accounts.verification_sent": {
            "it": "Ti abbiamo inviato un'e-mail con il collegamento per confermare l'indirizzo.",
            "en": "We have sent you an e-mail with the link to confirm your address.",
        },
        "accounts.already_verified": {
            "it": "Il tuo indirizzo e-mail è già confermato.",
            "en": "Your e-mail address is already confirmed.",
        },
        "accounts.email_change_sent": {
            "it": "Ti abbiamo inviato un collegamento al nuovo indirizzo: aprilo da lì per "
            "completare il cambio. Fino ad allora resta valido l'indirizzo attuale.",
            "en": "We have sent a link to the new address: open it from there to complete the "
            "change. Until then your current address stays.",
        },
        "accounts.email_unchanged": {
            "it": "È già il tuo indirizzo e-mail.",
            "en": "This is already your e-mail address.",
        },
        "accounts.email_taken_by_another": {
            "it": "Questo indirizzo è già usato da un altro account: non può diventare il tuo.",
            "en": "Another account already uses this address: it cannot become yours.",
        },
    }
)
