"""The marketplace's notifications: steps of an exchange, reviews, flags. (An exchange's
private messages are the conversations' notifications.)"""

from __future__ import annotations

from qc_platform.accounts import service as accounts
from qc_platform.marketplace import service, signals
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
    "marketplace.flag",
    name={"it": "Segnalazioni da moderare", "en": "Reports to moderate"},
    description={
        "it": "Per operatori e personale: un annuncio o una conversazione è stato segnalato.",
        "en": "For operators and staff: a listing or conversation was reported.",
    },
    email_default=True,
)


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
        link=service.page_link(exchange),
        params={
            "name": actor.display_name,
            "listing": exchange.listing.title,
            "minutes": exchange.minutes,
        },
    )


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
