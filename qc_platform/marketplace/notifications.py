"""The marketplace's notifications: steps of an exchange, reviews, private messages, flags."""

from __future__ import annotations

from qc_platform.accounts import service as accounts
from qc_platform.core.after_commit import after_commit
from qc_platform.core.live import emit_to_users
from qc_platform.marketplace import signals
from qc_platform.notifications import notify, register_kind

register_kind(
    "marketplace.exchange",
    name={"it": "I miei scambi", "en": "My exchanges"},
    description={
        "it": "Proposte, accettazioni, annullamenti e ore ricevute negli scambi.",
        "en": "Proposals, acceptances, cancellations and hours received in exchanges.",
    },
    email_default=True,
)
register_kind(
    "marketplace.review",
    name={"it": "Recensioni ricevute", "en": "Reviews received"},
    description={
        "it": "Quando qualcuno lascia una recensione su uno scambio fatto con te.",
        "en": "When someone reviews an exchange they made with you.",
    },
)
register_kind(
    "conversation.message",
    name={"it": "Messaggi privati", "en": "Private messages"},
    description={
        "it": "Quando qualcuno ti scrive in uno scambio o in una richiesta di servizio.",
        "en": "When someone writes to you in an exchange or a service request.",
    },
)
register_kind(
    "marketplace.flag",
    name={"it": "Segnalazioni da moderare", "en": "Reports to moderate"},
    description={
        "it": "Per operatori e personale: un annuncio o una conversazione è stato segnalato.",
        "en": "For operators and staff: a listing or conversation was reported.",
    },
    email_default=True,
)


# The live event of a private message, to its recipients' open pages.
EVENT_MESSAGE = "message"


def exchange_link(exchange) -> str:
    return f"/scambi/{exchange.id}"


@signals.exchange_event.connect
def exchange_event(exchange, event=None, actor=None, **extra):
    """The other person of the exchange hears of each step the actor takes."""
    other = accounts.get_user(exchange.other_party(actor.id))
    kind = "marketplace.review" if event == "reviewed" else "marketplace.exchange"
    notify(
        [other],
        kind,
        title_key=f"notifications.exchange_{event}.title",
        body_key=f"notifications.exchange_{event}.body",
        link=exchange_link(exchange),
        params={
            "name": actor.display_name,
            "listing": exchange.listing.title,
            "minutes": exchange.minutes,
        },
    )


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
    data = {
        "conversation_id": message.conversation_id,
        "link": link,
        "message": {
            "id": message.id,
            "conversation_id": message.conversation_id,
            "author": {"id": message.author.id, "display_name": message.author.display_name},
            "mine": False,
            "body": message.body,
            "hidden": False,
            "created_at": message.created_at.isoformat(),
        },
    }
    user_ids = [user.id for user in recipients if user is not None]
    after_commit(lambda: emit_to_users(EVENT_MESSAGE, data, user_ids))


@signals.flag_raised.connect
def flag_raised(flag, moderator_ids=(), **extra):
    listing = flag.listing if flag.listing is not None else flag.exchange.listing
    notify(
        [accounts.get_user(user_id) for user_id in moderator_ids],
        "marketplace.flag",
        title_key="notifications.flag.title",
        body_key="notifications.flag.body",
        link="/moderazione",
        params={"subject": listing.title},
    )
