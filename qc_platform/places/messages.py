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
