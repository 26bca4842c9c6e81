"""A private conversation and its messages.

A conversation belongs to something of another module (a marketplace exchange, a
catalogue service request) that points at it and decides who takes part; the
conversation itself knows nothing of its owner.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qc_platform.core.clock import utcnow
from qc_platform.core.db import UTCDateTime
from qc_platform.extensions import db


class Conversation(db.Model):
    """A private thread; its owner (an exchange, a service request) says who takes part."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: Set by a moderator: the messages are no longer shown and no new ones are accepted.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Message(db.Model):
    __tablename__ = "conversation_messages"
    __table_args__ = (Index("ix_conversation_messages_thread", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    author = relationship("User", lazy="joined")
