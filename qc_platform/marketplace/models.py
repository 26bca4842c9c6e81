"""Listings (offers and requests of help), exchanges between two people, abuse flags and
reviews. An exchange's private conversation is one of the conversations service's
(``qc_platform.conversations``): the exchange keeps its id and decides who may read it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qc_platform.conversations.models import Conversation
from qc_platform.core.clock import utcnow
from qc_platform.core.db import CategoryMixin, TimestampMixin, UTCDateTime, in_values
from qc_platform.extensions import db


class ListingKind:
    OFFER = "offer"
    REQUEST = "request"
    ALL = (OFFER, REQUEST)


class ListingStatus:
    OPEN = "open"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    ALL = (OPEN, CLOSED, WITHDRAWN)


class ExchangeStatus:
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    ALL = (PROPOSED, ACCEPTED, COMPLETED, DECLINED, CANCELLED)
    ACTIVE = (PROPOSED, ACCEPTED)


class FlagStatus:
    OPEN = "open"
    HIDDEN = "hidden"
    DISMISSED = "dismissed"
    ALL = (OPEN, HIDDEN, DISMISSED)


class MarketplaceCategory(CategoryMixin, db.Model):
    __tablename__ = "marketplace_categories"


class Listing(TimestampMixin, db.Model):
    __tablename__ = "marketplace_listings"
    __table_args__ = (
        CheckConstraint(in_values("kind", ListingKind.ALL), name="known_kind"),
        CheckConstraint(in_values("status", ListingStatus.ALL), name="known_status"),
        CheckConstraint(
            "minutes_estimate IS NULL OR minutes_estimate BETWEEN 1 AND 1440",
            name="minutes_estimate_range",
        ),
        Index("ix_marketplace_listings_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("marketplace_categories.id"), index=True, nullable=False
    )
    minutes_estimate: Mapped[int | None] = mapped_column()
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id"), index=True)
    complex_id: Mapped[int | None] = mapped_column(ForeignKey("complexes.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=ListingStatus.OPEN, nullable=False)
    #: Folded title + description (core/textsearch.py) for accent-insensitive search.
    search_text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    category = relationship(MarketplaceCategory, lazy="joined")


class Exchange(TimestampMixin, db.Model):
    __tablename__ = "marketplace_exchanges"
    __table_args__ = (
        CheckConstraint(in_values("status", ExchangeStatus.ALL), name="known_status"),
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="minutes_range"),
        CheckConstraint("provider_id <> receiver_id", name="two_people"),
        CheckConstraint(
            "(status = 'completed') = (transfer_id IS NOT NULL)", name="paid_when_completed"
        ),
        # One live proposal per person and listing.
        Index(
            "ux_marketplace_exchanges_active_proposal",
            "listing_id",
            "proposer_id",
            unique=True,
            sqlite_where=text("status IN ('proposed', 'accepted')"),
            postgresql_where=text("status IN ('proposed', 'accepted')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("marketplace_listings.id"), index=True, nullable=False
    )
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    #: Who gives the help (and receives the hours).
    provider_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    #: Who receives the help (and pays the hours).
    receiver_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    minutes: Mapped[int] = mapped_column(nullable=False)
    status: Mapped[str] = mapped_column(String(12), default=ExchangeStatus.PROPOSED, nullable=False)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id"), unique=True, nullable=False
    )
    transfer_id: Mapped[int | None] = mapped_column(
        ForeignKey("timebank_transfers.id"), unique=True
    )
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    listing = relationship(Listing, lazy="joined")
    proposer = relationship("User", foreign_keys=[proposer_id])
    provider = relationship("User", foreign_keys=[provider_id], lazy="joined")
    receiver = relationship("User", foreign_keys=[receiver_id], lazy="joined")
    conversation = relationship(Conversation, lazy="joined")
    reviews = relationship("Review", lazy="selectin", order_by="Review.id")

    def parties(self) -> tuple[int, int]:
        return (self.provider_id, self.receiver_id)

    def other_party(self, user_id: int) -> int:
        return self.receiver_id if user_id == self.provider_id else self.provider_id


class Flag(db.Model):
    """An abuse report on a listing or on an exchange's conversation."""

    __tablename__ = "marketplace_flags"
    __table_args__ = (
        CheckConstraint(in_values("status", FlagStatus.ALL), name="known_status"),
        CheckConstraint("(listing_id IS NULL) <> (exchange_id IS NULL)", name="one_target"),
        Index("ix_marketplace_flags_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("marketplace_listings.id"), index=True
    )
    exchange_id: Mapped[int | None] = mapped_column(
        ForeignKey("marketplace_exchanges.id"), index=True
    )
    reason: Mapped[str] = mapped_column(String(1000), nullable=False)
    status: Mapped[str] = mapped_column(String(12), default=FlagStatus.OPEN, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution_note: Mapped[str | None] = mapped_column(String(1000))

    listing = relationship(Listing, lazy="joined")
    exchange = relationship(Exchange, lazy="joined")


class Review(db.Model):
    __tablename__ = "marketplace_reviews"
    __table_args__ = (
        UniqueConstraint("exchange_id", "author_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("marketplace_exchanges.id"), nullable=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    #: The other party, whom the review is about.
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    rating: Mapped[int] = mapped_column(nullable=False)
    comment: Mapped[str] = mapped_column(String(1000), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
