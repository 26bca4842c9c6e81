"""User-facing messages of the time bank."""

from qc_platform.core.i18n import register_messages

register_messages(
    {
        "timebank.account_not_found": {
            "it": "Conto della banca del tempo non trovato.",
            "en": "Time-bank account not found.",
        },
        "timebank.transfer_not_found": {
            "it": "Trasferimento non trovato.",
            "en": "Transfer not found.",
        },
        "timebank.minutes_range": {
            "it": "I minuti devono essere un numero intero da 1 a {max} (24 ore).",
            "en": "Minutes must be a whole number from 1 to {max} (24 hours).",
        },
        "timebank.self_transfer": {
            "it": "Non puoi trasferire ore a te stesso/a.",
            "en": "You cannot transfer hours to yourself.",
        },
        "timebank.unknown_payee": {
            "it": "Il conto di destinazione non esiste.",
            "en": "The receiving account does not exist.",
        },
        "timebank.below_floor": {
            "it": "Saldo insufficiente: puoi dare al massimo {available} minuti senza scendere "
            "sotto il limite del tuo conto.",
            "en": "Not enough balance: you can give at most {available} minutes without going "
            "below your account's limit.",
        },
        "timebank.cannot_reverse_reversal": {
            "it": "Uno storno non si può stornare: registra un nuovo trasferimento.",
            "en": "A reversal cannot be reversed: record a new transfer instead.",
        },
        "timebank.already_reversed": {
            "it": "Questo trasferimento è già stato stornato (storno n. {reversal_id}).",
            "en": "This transfer was already reversed (reversal #{reversal_id}).",
        },
        "timebank.floor_above_balance": {
            "it": "Il limite non può superare il saldo attuale del conto ({balance} minuti).",
            "en": "The limit cannot be above the account's current balance ({balance} minutes).",
        },
        "timebank.contact_details": {
            "it": "Per la tua sicurezza non scrivere numeri di telefono o indirizzi e-mail "
            "in «Per cosa?»: lo legge chi riceve le ore.",
            "en": "For your safety, do not put phone numbers or e-mail addresses in "
            "“What for?”: whoever receives the hours reads it.",
        },
        "timebank.not_your_account": {
            "it": "Puoi pagare solo dal tuo conto o da quello della tua organizzazione.",
            "en": "You can only pay from your own account or your organisation's.",
        },
    }
)
