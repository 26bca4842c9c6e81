"""The conversations' notification: a private message, also sent live to open pages."""

from __future__ import annotations

from qc_platform.accounts import service as accounts
from qc_platform.conversations import presenters, signals
from qc_platform.core.after_commit import after_commit
from qc_platform.core.live import emit_to_users
from qc_platform.notifications import notify, register_kind

register_kind(
    "conversation.message",
    name={"it": "Messaggi privati", "en": "Private messages"},
    description={
        "it": "Quando qualcuno ti scrive in uno scambio o in una richiesta di servizio.",
        "en": "When someone writes to you in an exchange or a service request.",
    },
)


# The live event of a private message, to its recipients' open pages.
EVENT_MESSAGE = "message"


@signals.message_posted.connect
def message_posted(message, recipient_ids=(), link=None, subject="", **extra):
    """A notification, and the message itself live to the recipients' open pages."""
    recipients = [accounts.get_user(user_id) for user_id in recipient_ids]
    notify(
        recipients,
        "conversation.message",
        title_key="notifications.message.title",
        body_key="notifications.message.body",
        link=link,
        params={"name": message.author.display_name, "subject": subject},
    )
    data = presenters.live_message(message, link)
    user_ids = [user.id for user in recipients if user is not None]
    after_commit(lambda: emit_to_users(EVENT_MESSAGE, data, user_ids))
