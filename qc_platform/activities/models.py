"""Activities of the spaces: categories, activities, their sessions, registrations, feed tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qc_platform.core.clock import utcnow
from qc_platform.core.db import CategoryMixin, TimestampMixin, UTCDateTime, in_values
from qc_platform.extensions import db
from qc_platform.places.models import Space


class Audience:
    """Target groups (the municipality monitors participation per space and target group)."""

    EVERYONE = "everyone"
    CHILDREN = "children"
    YOUNG_PEOPLE = "young_people"  # 15–35
    FAMILIES = "families"
    ELDERLY = "elderly"
    WOMEN = "women"
    MIGRANTS = "migrants"
    ALL = (EVERYONE, CHILDREN, YOUNG_PEOPLE, FAMILIES, ELDERLY, WOMEN, MIGRANTS)


class SessionStatus:
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    ALL = (SCHEDULED, CANCELLED)


class RegistrationStatus:
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ALL = (CONFIRMED, WAITLISTED, CANCELLED)
    ACTIVE = (CONFIRMED, WAITLISTED)


class ActivityCategory(CategoryMixin, db.Model):
    __tablename__ = "activity_categories"


class Activity(TimestampMixin, db.Model):
    """An event, course or open hour of a space: once, or recurring by an RFC 5545 rule.

    ``starts_at``/``ends_at`` are the first occurrence (the rule's DTSTART); the rule is
    expanded in Europe/Rome local time into ``ActivitySession`` rows.
    """

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="period"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity"),
        CheckConstraint("price_cents >= 0", name="price"),
        CheckConstraint(in_values("audience", Audience.ALL), name="audience"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True, nullable=False)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("activity_categories.id"), index=True, nullable=False
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    audience: Mapped[str] = mapped_column(String(20), default=Audience.EVERYONE, nullable=False)
    # ISO 639-1 codes, e.g. ["it", "ar"].
    languages: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    accessibility_notes: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    price_cents: Mapped[int] = mapped_column(default=0, nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # Canonical RRULE value (no "RRULE:" prefix, UNTIL in UTC), or NULL for a one-off.
    rrule: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int | None] = mapped_column()
    registration_required: Mapped[bool] = mapped_column(default=False, nullable=False)
    # Title, description, category and space names, accent- and case-folded, for `q`.
    search_text: Mapped[str] = mapped_column(Text, default="", nullable=False)

    space: Mapped[Space] = relationship(lazy="raise")
    category: Mapped[ActivityCategory] = relationship(lazy="joined")
    sessions: Mapped[list[ActivitySession]] = relationship(
        back_populates="activity",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="ActivitySession.starts_at",
    )

    @property
    def free(self) -> bool:
        return self.price_cents == 0


class ActivitySession(TimestampMixin, db.Model):
    """One concrete occurrence of an activity, with its seat counts (kept under a row lock)."""

    __tablename__ = "activity_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="period"),
        CheckConstraint(in_values("status", SessionStatus.ALL), name="status"),
        CheckConstraint("confirmed_count >= 0", name="confirmed_count"),
        CheckConstraint("waitlisted_count >= 0", name="waitlisted_count"),
        CheckConstraint("walk_ins IS NULL OR walk_ins >= 0", name="walk_ins"),
        # One session per occurrence of the rule (NULLs, for one-offs, never collide).
        UniqueConstraint("activity_id", "recurrence_id"),
        # The order of every listing (starts_at, id), and ends_at for "under way at `from`":
        # the rows of the 14 days read before `from` are refused inside the index.
        Index("ix_activity_sessions_start_end", "starts_at", "id", "ends_at"),
        Index("ix_activity_sessions_activity_start", "activity_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), nullable=False
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # The start this occurrence has under the rule (iCalendar RECURRENCE-ID); NULL: one-off.
    recurrence_id: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default=SessionStatus.SCHEDULED, nullable=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    confirmed_count: Mapped[int] = mapped_column(default=0, nullable=False)
    waitlisted_count: Mapped[int] = mapped_column(default=0, nullable=False)
    # Attendance, recorded by the operators after the session (monitoring).
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    walk_ins: Mapped[int | None] = mapped_column()

    activity: Mapped[Activity] = relationship(back_populates="sessions", lazy="raise")

    @property
    def seats_left(self) -> int | None:
        """Free places; None when anyone may come (no registration, or no capacity).

        Needs ``activity`` loaded (every query that lists sessions loads it)."""
        return seats_left(self, self.activity)


def seats_left(session: ActivitySession, activity: Activity) -> int | None:
    if not activity.registration_required or activity.capacity is None:
        return None
    if session.status == SessionStatus.CANCELLED:
        return 0
    return max(activity.capacity - session.confirmed_count, 0)


class Registration(TimestampMixin, db.Model):
    """A place (or a waitlist place) of one person in one session.

    Either a user (``user_id``) or someone registered at the desk by name only
    (``desk_name``). One row per user and session: cancelling and registering again
    reuses it.
    """

    __tablename__ = "activity_registrations"
    __table_args__ = (
        CheckConstraint(in_values("status", RegistrationStatus.ALL), name="status"),
        CheckConstraint("user_id IS NULL OR desk_name IS NULL", name="one_person"),
        UniqueConstraint("session_id", "user_id"),
        Index("ix_activity_registrations_queue", "session_id", "status", "queued_at", "id"),
        Index("ix_activity_registrations_user", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("activity_sessions.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    desk_name: Mapped[str | None] = mapped_column(String(120))
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    # Waitlist order: (queued_at, id), set each time the person (re)enters the queue.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool | None] = mapped_column()

    session: Mapped[ActivitySession] = relationship(lazy="raise")


class CalendarFeed(db.Model):
    """A person's secret calendar-feed token: derived from a random nonce and the secret key.

    Only the nonce and the token's SHA-256 are stored: the database alone does not reveal
    the feed URL, while the server can show it again to its owner.
    """

    __tablename__ = "activity_calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    nonce: Mapped[str] = mapped_column(String(64), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
