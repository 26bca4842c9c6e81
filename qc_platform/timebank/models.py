"""The ledger: accounts with a cached balance, immutable transfers, two entries each.

What the database itself guarantees (so that no bug or admin can corrupt it):
- a transfer moves a positive amount between two different accounts, and at most one
  reversal may ever point at it;
- an entry belongs to a transfer and is never zero;
- an account belongs to exactly one user or one organisation, and its balance is never
  below its floor (0 for a person until they are a verified tenant, see accounts.py);
- transfers and entries cannot be updated or deleted (triggers, see the migration).
That every balance equals the sum of its entries, and that each transfer's two entries
cancel out, is the service's job, checked by ``GET /timebank/audit``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qc_platform.core.clock import utcnow
from qc_platform.core.db import TimestampMixin, UTCDateTime
from qc_platform.extensions import db

#: How far below zero a verified tenant's and an organisation's account may go (the
#: fallback of QC_TIMEBANK_FLOOR_MINUTES). Other people's accounts start at 0: a fresh
#: registration must not be able to pay hours it never earned (throwaway accounts would
#: mint them).
CREDIT_FLOOR_MINUTES = -600


class TransferKind:
    TRANSFER = "transfer"
    EXCHANGE = "exchange"
    SERVICE = "service"
    REVERSAL = "reversal"
    ALL = (TRANSFER, EXCHANGE, SERVICE, REVERSAL)


class TimeAccount(TimestampMixin, db.Model):
    __tablename__ = "timebank_accounts"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (organisation_id IS NULL)", name="one_owner"),
        CheckConstraint("balance_minutes >= floor_minutes", name="not_below_floor"),
        CheckConstraint("floor_minutes <= 0", name="floor_not_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), unique=True)
    balance_minutes: Mapped[int] = mapped_column(default=0, nullable=False)
    floor_minutes: Mapped[int] = mapped_column(default=0, nullable=False)
    #: Staff chose this floor: becoming a tenant no longer moves it.
    floor_set_by_staff: Mapped[bool] = mapped_column(
        default=False, server_default=false(), nullable=False
    )

    user = relationship("User", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")

    @property
    def owner_name(self) -> str:
        return self.user.display_name if self.user is not None else self.organisation.name


class Transfer(db.Model):
    __tablename__ = "timebank_transfers"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("from_account_id <> to_account_id", name="distinct_accounts"),
        CheckConstraint(
            "kind IN ('transfer', 'exchange', 'service', 'reversal')", name="known_kind"
        ),
        CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)", name="reversal_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_account_id: Mapped[int] = mapped_column(
        ForeignKey("timebank_accounts.id"), index=True, nullable=False
    )
    to_account_id: Mapped[int] = mapped_column(
        ForeignKey("timebank_accounts.id"), index=True, nullable=False
    )
    minutes: Mapped[int] = mapped_column(nullable=False)
    memo: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    kind: Mapped[str] = mapped_column(String(20), default=TransferKind.TRANSFER, nullable=False)
    #: The transfer this one undoes; unique: a transfer is reversed at most once.
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("timebank_transfers.id"), unique=True
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class LedgerEntry(db.Model):
    __tablename__ = "timebank_entries"
    __table_args__ = (
        CheckConstraint("minutes <> 0", name="minutes_not_zero"),
        Index("ix_timebank_entries_account_newest", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(
        ForeignKey("timebank_transfers.id"), index=True, nullable=False
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("timebank_accounts.id"), nullable=False)
    #: Signed: negative for the payer, positive for the payee.
    minutes: Mapped[int] = mapped_column(nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    transfer = relationship(Transfer, lazy="joined")


def _immutable(mapper, connection, target):
    raise RuntimeError(f"{type(target).__name__} rows are immutable; reverse a transfer instead")


for _model in (Transfer, LedgerEntry):
    event.listen(_model, "before_update", _immutable)
    event.listen(_model, "before_delete", _immutable)
