"""User-facing messages of the places module."""

from qc_platform.core.i18n import register_messages

register_messages(
    {
        "places.duplicate": {
            "it": "Esiste già un elemento con questo codice.",
            "en": "An item with this code already exists.",
        },
        "places.unknown_reference": {
            "it": "L'elemento collegato non esiste.",
            "en": "The linked item does not exist.",
        },
    }
)


# GDPR erasure: what must be closed first (places/gdpr.py).
register_messages(
    {
        "places.erasure_last_operator": {
            "it": "sei l'unico operatore di «{organisation}»: chiedi allo staff di affidare "
            "l'organizzazione a un altro operatore.",
            "en": "you are the only operator of '{organisation}': ask staff to hand the "
            "organisation over to another operator.",
        },
    }
)
