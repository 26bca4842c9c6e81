"""Services of the catalogue, their weekly hours and closures, and the requests for them.

``availability`` keeps the weekly hours as given (``{"mon": [["09:00", "12:30"]], …}``);
``ServiceHours`` holds the same intervals one row each, so that "open now" is a query.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qc_platform.conversations.models import Conversation
from qc_platform.core.db import CategoryMixin, TimestampMixin, UTCDateTime, in_values
from qc_platform.extensions import db


class PriceModel:
    FREE = "free"
    FIXED = "fixed"
    SLIDING = "sliding"
    TIMEBANK = "timebank"
    ALL = (FREE, FIXED, SLIDING, TIMEBANK)


class ServiceStatus:
    ACTIVE = "active"
    PAUSED = "paused"
    ALL = (ACTIVE, PAUSED)


class RequestStatus:
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ALL = (PENDING, ACCEPTED, DECLINED, COMPLETED, CANCELLED)
    OPEN = (PENDING, ACCEPTED)


class CatalogueCategory(CategoryMixin, db.Model):
    __tablename__ = "catalogue_categories"


class Service(TimestampMixin, db.Model):
    __tablename__ = "catalogue_services"
    __table_args__ = (
        CheckConstraint(in_values("price_model", PriceModel.ALL), name="known_price_model"),
        CheckConstraint(in_values("status", ServiceStatus.ALL), name="known_status"),
        CheckConstraint(
            "(price_model = 'free' AND price_cents IS NULL AND minutes IS NULL)"
            " OR (price_model IN ('fixed', 'sliding') AND price_cents > 0 AND minutes IS NULL)"
            " OR (price_model = 'timebank' AND minutes BETWEEN 1 AND 1440"
            " AND price_cents IS NULL)",
            name="price_fits_model",
        ),
        Index("ix_catalogue_services_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), index=True, nullable=False
    )
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id"), index=True)
    title: Mapped[str] = mapped_column(String(160), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_categories.id"), index=True, nullable=False
    )
    price_model: Mapped[str] = mapped_column(String(10), nullable=False)
    price_cents: Mapped[int | None] = mapped_column()
    minutes: Mapped[int | None] = mapped_column()
    #: ISO 639-1 codes, and the same as ",it,en," for a portable LIKE filter.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    languages_key: Mapped[str] = mapped_column(String(200), default=",", nullable=False)
    accessibility: Mapped[str] = mapped_column(String(1000), default="", nullable=False)
    availability: Mapped[dict] = mapped_column(JSON, nullable=False)
    closed_on_holidays: Mapped[bool] = mapped_column(default=True, nullable=False)
    status: Mapped[str] = mapped_column(String(10), default=ServiceStatus.ACTIVE, nullable=False)
    search_text: Mapped[str] = mapped_column(Text, default="", nullable=False)

    category = relationship(CatalogueCategory, lazy="joined")
    organisation = relationship("Organisation", lazy="joined")
    hours = relationship("ServiceHours", cascade="all, delete-orphan", passive_deletes=True)
    closures = relationship(
        "ServiceClosure",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ServiceClosure.starts_on",
        passive_deletes=True,
    )


class ServiceHours(db.Model):
    """One opening interval of a service, in minutes of the day (Europe/Rome)."""

    __tablename__ = "catalogue_service_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint(
            "opens_minute >= 0 AND closes_minute <= 1440 AND opens_minute < closes_minute",
            name="interval_order",
        ),
        # "Open now" asks, service by service in id order, for an interval of this weekday
        # around this minute: service_id leads (the FK's index too), the rest covers the test.
        Index(
            "ix_catalogue_service_hours_service_day",
            "service_id",
            "weekday",
            "opens_minute",
            "closes_minute",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_services.id", ondelete="CASCADE"), nullable=False
    )
    weekday: Mapped[int] = mapped_column(nullable=False)
    opens_minute: Mapped[int] = mapped_column(nullable=False)
    closes_minute: Mapped[int] = mapped_column(nullable=False)


class ServiceClosure(db.Model):
    """Days a service is closed (holidays of its own, summer break, illness)."""

    __tablename__ = "catalogue_service_closures"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="date_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_services.id", ondelete="CASCADE"), index=True, nullable=False
    )
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(String(200), default="", nullable=False)


class ServiceRequest(TimestampMixin, db.Model):
    __tablename__ = "catalogue_requests"
    __table_args__ = (
        CheckConstraint(in_values("status", RequestStatus.ALL), name="known_status"),
        CheckConstraint(
            "status <> 'completed' OR price_model <> 'timebank' OR transfer_id IS NOT NULL",
            name="timebank_paid_when_completed",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_services.id"), index=True, nullable=False
    )
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    preferred_times: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.PENDING, nullable=False)
    #: The price as it was when asked: later changes to the service do not apply.
    price_model: Mapped[str] = mapped_column(String(10), nullable=False)
    price_cents: Mapped[int | None] = mapped_column()
    minutes: Mapped[int | None] = mapped_column()
    proposed_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provider_note: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id"), unique=True, nullable=False
    )
    transfer_id: Mapped[int | None] = mapped_column(
        ForeignKey("timebank_transfers.id"), unique=True
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    service = relationship(Service, lazy="joined")
    requester = relationship("User", lazy="joined")
    conversation = relationship(Conversation, lazy="joined")
