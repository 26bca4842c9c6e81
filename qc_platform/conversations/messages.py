"""User-facing messages of the conversations."""

from qc_platform.core.i18n import register_messages

register_messages(
    {
        "conversations.hidden": {
            "it": "Questa conversazione è stata chiusa dai moderatori.",
            "en": "This conversation was closed by the moderators.",
        },
        # Notifications
        "notifications.message.title": {
            "it": "Nuovo messaggio da {name}",
            "en": "New message from {name}",
        },
        "notifications.message.body": {"it": "{subject}", "en": "{subject}"},
    }
)
