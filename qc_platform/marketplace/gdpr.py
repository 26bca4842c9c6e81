"""The marketplace's part of the GDPR export and erasure (``marketplace.init_app``).

Export: the person's listings, the exchanges they took part in, the reviews they wrote
and received, the abuse reports they filed (their messages are the conversations').
Erasure: an accepted exchange not completed is an obligation to the other party and
blocks it (409: complete or cancel it first). Proposals still open are cancelled (the
other party is told); their listings are removed (withdrawn, and their text with them);
the comments of their reviews are removed, the ratings stay with the exchanges (and a
completed exchange's payment stays in the ledger). Abuse reports stay for moderation.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update

from qc_platform.accounts import gdpr
from qc_platform.extensions import db
from qc_platform.marketplace import service
from qc_platform.marketplace.models import (
    Exchange,
    ExchangeStatus,
    Flag,
    Listing,
    ListingStatus,
    Review,
)

#: What a removed listing is called where an exchange still shows it.
REMOVED_LISTING_TITLE = "Annuncio rimosso"


def _rows(model, condition, exclude: tuple[str, ...] = ()) -> list[dict]:
    rows = db.session.scalars(select(model).where(condition).order_by(model.id)).unique()
    return [gdpr.columns(row, exclude=exclude) for row in rows]


def _exchanges_of(user):
    return or_(Exchange.provider_id == user.id, Exchange.receiver_id == user.id)


def export(user) -> dict:
    return {
        "listings": _rows(Listing, Listing.owner_id == user.id, ("search_text",)),
        "exchanges": _rows(Exchange, _exchanges_of(user)),
        "reviews_written": _rows(Review, Review.author_id == user.id),
        "reviews_received": _rows(Review, Review.subject_id == user.id),
        "flags_filed": _rows(Flag, Flag.reporter_id == user.id),
    }


def _exchanges(user, status: str) -> list[Exchange]:
    query = select(Exchange).where(_exchanges_of(user), Exchange.status == status)
    return list(db.session.scalars(query.order_by(Exchange.id)).unique())


def obstacles(user) -> list[gdpr.Obstacle]:
    return [
        gdpr.Obstacle(
            "marketplace.erasure_open_exchange",
            {"exchange_id": exchange.id, "title": exchange.listing.title},
        )
        for exchange in _exchanges(user, ExchangeStatus.ACCEPTED)
    ]


def erase(erasure: gdpr.Erasure) -> None:
    user = erasure.user
    for exchange in _exchanges(user, ExchangeStatus.PROPOSED):
        service.act(user=user, exchange=exchange, action="cancel")
    db.session.execute(
        update(Listing)
        .where(Listing.owner_id == user.id)
        .values(
            status=ListingStatus.WITHDRAWN,
            title=REMOVED_LISTING_TITLE,
            description="",
            search_text="",
        )
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        update(Review)
        .where(Review.author_id == user.id)
        .values(comment="")
        .execution_options(synchronize_session="fetch")
    )


def register() -> None:
    gdpr.register("marketplace", export=export, obstacles=obstacles, erase=erase)
