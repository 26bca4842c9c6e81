"""Feedback (segnalazioni): categories, committees, routing rules, reports and their trail."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qc_platform.core.clock import utcnow
from qc_platform.core.db import CategoryMixin, TimestampMixin, UTCDateTime, in_values
from qc_platform.extensions import db


class ReportStatus:
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    ALL = (SUBMITTED, ACKNOWLEDGED, IN_PROGRESS, RESOLVED, CLOSED, REJECTED, DUPLICATE)
    OPEN = (SUBMITTED, ACKNOWLEDGED, IN_PROGRESS)
    FINAL = (CLOSED, REJECTED, DUPLICATE)


class RouteTo:
    CUSTODIAN = "custodian"
    COMMITTEE = "committee"
    STAFF = "staff"
    ALL = (CUSTODIAN, COMMITTEE, STAFF)


class AuthorRole:
    """The capacity an update was written in (``ReportUpdate.author_role``).

    Decided by the server when the update is written, from who the author is for the report
    at that moment: a person who may handle it (a custodian or committee member it is routed
    to, staff) writes as its handler, even when they also sent it; anyone else who may write
    on it sent it (or typed it for its tenant) and writes as its sender. Anonymity follows
    the capacity, not the person (see presenters.py).
    """

    SENDER = "reporter"
    CUSTODIAN = "custodian"
    COMMITTEE = "committee"
    STAFF = "staff"
    HANDLERS = (CUSTODIAN, COMMITTEE, STAFF)


def open_status():
    """``feedback_reports.status IN ('submitted', 'acknowledged', 'in_progress')``, literally.

    Written into the SQL, not bound: SQLite uses the partial index on open reports
    (ix_feedback_reports_open_due) only when it can see that the query's WHERE implies the
    index's, which it cannot through ``?`` parameters. Inbox and escalation use it.
    """
    return Report.status.in_(
        bindparam("open_statuses", list(ReportStatus.OPEN), expanding=True, literal_execute=True)
    )


class FeedbackCategory(CategoryMixin, db.Model):
    __tablename__ = "feedback_categories"


class Committee(TimestampMixin, db.Model):
    """An accredited tenant committee (comitato inquilini) of one or more complexes."""

    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), nullable=False)

    complexes: Mapped[list[CommitteeComplex]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CommitteeComplex.complex_id"
    )
    accreditations: Mapped[list[CommitteeAccreditation]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CommitteeAccreditation.valid_from"
    )


class CommitteeComplex(db.Model):
    __tablename__ = "committee_complexes"

    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), primary_key=True
    )
    complex_id: Mapped[int] = mapped_column(
        ForeignKey("complexes.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CommitteeAccreditation(db.Model):
    """The period in which a committee is accredited (both days included)."""

    __tablename__ = "committee_accreditations"
    __table_args__ = (CheckConstraint("valid_until >= valid_from", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True, nullable=False
    )
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class RoutingRule(db.Model):
    """Reports of ``category`` on ``complex`` (or any complex, when NULL) go to ``route_to``.

    A complex's own rules for a category replace the general ones for that category.
    """

    __tablename__ = "feedback_routing_rules"
    __table_args__ = (
        CheckConstraint(in_values("route_to", RouteTo.ALL), name="route_to"),
        UniqueConstraint("category_id", "complex_id", "route_to"),
        Index(
            "uq_feedback_routing_rules_general",
            "category_id",
            "route_to",
            unique=True,
            sqlite_where=text("complex_id IS NULL"),
            postgresql_where=text("complex_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_categories.id", ondelete="CASCADE"), nullable=False
    )
    complex_id: Mapped[int | None] = mapped_column(ForeignKey("complexes.id", ondelete="CASCADE"))
    route_to: Mapped[str] = mapped_column(String(10), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    category: Mapped[FeedbackCategory] = relationship(lazy="joined")


class Report(TimestampMixin, db.Model):
    __tablename__ = "feedback_reports"
    __table_args__ = (
        CheckConstraint(in_values("status", ReportStatus.ALL), name="status"),
        CheckConstraint("visibility IN ('private', 'public')", name="visibility"),
        CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction"
        ),
        CheckConstraint("support_count >= 0", name="support_count"),
        Index("ix_feedback_reports_complex_status", "complex_id", "status"),
        Index("ix_feedback_reports_reporter", "reporter_id", "id"),
        # Open reports, due first: the inbox's order (a page stops after ``limit`` rows
        # however many reports there are) and escalation's ``due < now`` range.
        Index(
            "ix_feedback_reports_open_due",
            "first_response_due_at",
            "id",
            sqlite_where=text(in_values("status", ReportStatus.OPEN)),
            postgresql_where=text(in_values("status", ReportStatus.OPEN)),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complexes.id"), nullable=False)
    category_id: Mapped[int] = mapped_column(ForeignKey("feedback_categories.id"), nullable=False)
    # The tenant the report is about; on-behalf reports record who typed it.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    location_detail: Mapped[str | None] = mapped_column(String(200))
    anonymous: Mapped[bool] = mapped_column(default=False, nullable=False)
    visibility: Mapped[str] = mapped_column(String(10), default="private", nullable=False)
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.SUBMITTED, nullable=False)
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    solved: Mapped[bool | None] = mapped_column()
    satisfaction: Mapped[int | None] = mapped_column()
    support_count: Mapped[int] = mapped_column(default=0, nullable=False)

    category: Mapped[FeedbackCategory] = relationship(lazy="joined")
    assignments: Mapped[list[ReportAssignment]] = relationship(
        lazy="selectin", order_by="ReportAssignment.id", cascade="all, delete-orphan"
    )


class ReportAssignment(db.Model):
    """Who a report is routed to: the custodians of its complex, a committee, or staff."""

    __tablename__ = "feedback_assignments"
    __table_args__ = (
        CheckConstraint(in_values("target", RouteTo.ALL), name="target"),
        CheckConstraint(
            "(target = 'committee') = (committee_id IS NOT NULL)", name="committee_target"
        ),
        Index("ix_feedback_assignments_inbox", "target", "active", "complex_id", "committee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_reports.id", ondelete="CASCADE"), index=True, nullable=False
    )
    target: Mapped[str] = mapped_column(String(10), nullable=False)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complexes.id"), nullable=False)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"))
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    reason: Mapped[str] = mapped_column(String(20), default="routing", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class ReportUpdate(db.Model):
    """A comment, a status change with its note, or an internal note (never for the reporter)."""

    __tablename__ = "feedback_updates"
    __table_args__ = (Index("ix_feedback_updates_report", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_reports.id", ondelete="CASCADE"), nullable=False
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The capacity the author wrote in (AuthorRole): the sender's, or a handler's.
    author_role: Mapped[str] = mapped_column(String(20), nullable=False)
    body: Mapped[str] = mapped_column(Text, default="", nullable=False)
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))
    internal: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class ReportSupport(db.Model):
    """A "me too" by a tenant of the same complex, once per person."""

    __tablename__ = "feedback_supports"
    __table_args__ = (UniqueConstraint("report_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_reports.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class ReportAttachment(db.Model):
    """A photo or PDF, stored outside any public folder under a random key."""

    __tablename__ = "feedback_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_reports.id", ondelete="CASCADE"), index=True, nullable=False
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(120), nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size: Mapped[int] = mapped_column(nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
