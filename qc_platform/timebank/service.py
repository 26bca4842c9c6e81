"""The ledger's only writer: transfers, reversals, floors, and the audit that checks them.

Correct under concurrency by construction: a transfer locks both accounts (PostgreSQL
``SELECT … FOR UPDATE``, always in ascending id order so two transfers can never wait on
each other), reads the fresh balances, checks the payer's floor, then writes the transfer,
its two entries and both balances in the caller's transaction. On SQLite every writing
request already holds the database's write lock from its first statement
(``BEGIN IMMEDIATE``, see core/db.py), which serialises transfers the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload

from qc_platform.core import audit
from qc_platform.core.contact_details import refuse_contact_details
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qc_platform.extensions import db
from qc_platform.timebank import (
    messages,  # noqa: F401 - registers the texts
    policies,
)
from qc_platform.timebank.models import LedgerEntry, TimeAccount, Transfer, TransferKind

MAX_TRANSFER_MINUTES = 24 * 60
MIN_FLOOR_MINUTES = -100 * 60
MEMO_MAX = 200


def get_account(account_id: int) -> TimeAccount:
    account = db.session.get(TimeAccount, account_id)
    if account is None:
        raise NotFound("timebank.account_not_found")
    return account


def account_of_user(user_id: int) -> TimeAccount:
    account = db.session.scalar(select(TimeAccount).where(TimeAccount.user_id == user_id))
    if account is None:  # pragma: no cover - accounts are opened with their user
        raise NotFound("timebank.account_not_found")
    return account


def account_of_organisation(organisation_id: int) -> TimeAccount:
    account = db.session.scalar(
        select(TimeAccount).where(TimeAccount.organisation_id == organisation_id)
    )
    if account is None:  # pragma: no cover - accounts are opened with their organisation
        raise NotFound("timebank.account_not_found")
    return account


def search_accounts(*, user, all: bool = False) -> Select:
    """The accounts ``user`` acts for (theirs, their organisations'); with ``all``, a
    manager's every account. For ``paginate``."""
    query = select(TimeAccount)
    if not (all and policies.is_manager(user)):
        query = query.where(policies.acting_for(user))
    return query


def visible_account(*, user, account_id: int) -> TimeAccount:
    """The account, if ``user`` may see it; otherwise 404, as if it did not exist."""
    account = db.session.get(TimeAccount, account_id)
    if account is None or not policies.can_see(user, account):
        raise NotFound("timebank.account_not_found")
    return account


def visible_transfer(*, user, transfer_id: int) -> Transfer:
    """The transfer, if ``user`` may see either of its accounts; otherwise 404."""
    record = db.session.get(Transfer, transfer_id)
    if record is None or not any(
        policies.can_see(user, db.session.get(TimeAccount, account_id))
        for account_id in (record.from_account_id, record.to_account_id)
    ):
        raise NotFound("timebank.transfer_not_found")
    return record


def _paying_account(user, account_id: int | None) -> TimeAccount:
    """The user's own account by default; another only if they may pay from it."""
    if account_id is None:
        return account_of_user(user.id)
    payer = visible_account(user=user, account_id=account_id)
    if not policies.can_pay_from(user, payer):
        raise Forbidden("timebank.not_your_account")
    return payer


def give(
    *, actor, from_account_id: int | None, to_account_id: int, minutes: int, memo: str
) -> Transfer:
    """``actor`` gives hours from their account (none named), or from one they may pay
    from (404 if they may not see it, 403 if they see it but may not pay)."""
    payer = _paying_account(actor, from_account_id)
    return transfer(
        from_account_id=payer.id,
        to_account_id=to_account_id,
        minutes=minutes,
        memo=memo,
        actor=actor,
    )


def _lock(*account_ids: int) -> dict[int, TimeAccount]:
    """Lock the accounts in ascending id order and reload them from the database."""
    rows = db.session.scalars(
        select(TimeAccount)
        .where(TimeAccount.id.in_(sorted(set(account_ids))))
        .order_by(TimeAccount.id)
        # Only the account rows: refreshing their owners would reload the signed-in user.
        .options(lazyload(TimeAccount.user), lazyload(TimeAccount.organisation))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).unique()
    return {account.id: account for account in rows}


def transfer(
    *,
    from_account_id: int,
    to_account_id: int,
    minutes: int,
    memo: str = "",
    actor=None,
    kind: str = TransferKind.TRANSFER,
    reverses: Transfer | None = None,
    reason: str | None = None,
) -> Transfer:
    """Move ``minutes`` from one account to another, or raise and write nothing.

    The payer may not go below its floor. A memo a person typed (a plain transfer) may
    hold no contact details: it lands in the ledger of whichever account they choose to
    pay, so it would reach strangers the way a listing does.
    """
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        raise InvalidInput("timebank.minutes_range", errors={"minutes": ["invalid"]})
    if not 1 <= minutes <= MAX_TRANSFER_MINUTES:
        raise InvalidInput(
            "timebank.minutes_range",
            errors={"minutes": ["out of range"]},
            max=MAX_TRANSFER_MINUTES,
        )
    if from_account_id == to_account_id:
        raise InvalidInput("timebank.self_transfer", errors={"to_account_id": ["same account"]})
    if kind == TransferKind.TRANSFER:
        refuse_contact_details({"memo": memo}, ("memo",), message_key="timebank.contact_details")
    accounts = _lock(from_account_id, to_account_id)
    if to_account_id not in accounts:
        raise InvalidInput("timebank.unknown_payee", errors={"to_account_id": ["unknown"]})
    if from_account_id not in accounts:
        raise NotFound("timebank.account_not_found")
    payer, payee = accounts[from_account_id], accounts[to_account_id]
    if payer.balance_minutes - minutes < payer.floor_minutes:
        raise Conflict(
            "timebank.below_floor",
            available=payer.balance_minutes - payer.floor_minutes,
        )
    record = Transfer(
        from_account_id=payer.id,
        to_account_id=payee.id,
        minutes=minutes,
        memo=(memo or "")[:MEMO_MAX],
        kind=kind,
        reverses_id=reverses.id if reverses is not None else None,
        reason=reason,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(record)
    db.session.flush()
    db.session.add_all(
        [
            LedgerEntry(transfer_id=record.id, account_id=payer.id, minutes=-minutes),
            LedgerEntry(transfer_id=record.id, account_id=payee.id, minutes=minutes),
        ]
    )
    payer.balance_minutes -= minutes
    payee.balance_minutes += minutes
    db.session.flush()
    return record


def get_transfer(transfer_id: int) -> Transfer:
    record = db.session.get(Transfer, transfer_id)
    if record is None:
        raise NotFound("timebank.transfer_not_found")
    return record


def reverse(*, actor, transfer_id: int, reason: str) -> Transfer:
    """Undo a transfer with an opposite one (staff); nothing is ever edited or deleted."""
    original = get_transfer(transfer_id)
    # Two staff reversing at once: the second waits here, then finds the first's reversal
    # (instead of running into the unique reverses_id and a 500).
    db.session.refresh(original, with_for_update=True)
    if original.kind == TransferKind.REVERSAL:
        raise Conflict("timebank.cannot_reverse_reversal")
    already = db.session.scalar(select(Transfer.id).where(Transfer.reverses_id == original.id))
    if already is not None:
        raise Conflict("timebank.already_reversed", reversal_id=already)
    reversal = transfer(
        from_account_id=original.to_account_id,
        to_account_id=original.from_account_id,
        minutes=original.minutes,
        memo=f"Storno del trasferimento #{original.id}",
        actor=actor,
        kind=TransferKind.REVERSAL,
        reverses=original,
        reason=reason,
    )
    audit.record(
        actor=actor,
        action="timebank.transfer_reversed",
        object_type="timebank_transfer",
        object_id=original.id,
        details={"reversal_id": reversal.id, "minutes": original.minutes, "reason": reason},
    )
    return reversal


def set_floor(*, actor, account_id: int, floor_minutes: int) -> TimeAccount:
    """Staff choose an account's floor; it is theirs from then on (a tenancy keeps it)."""
    account = _lock(account_id).get(account_id)
    if account is None:
        raise NotFound("timebank.account_not_found")
    if account.balance_minutes < floor_minutes:
        raise Conflict("timebank.floor_above_balance", balance=account.balance_minutes)
    previous = account.floor_minutes
    account.floor_minutes = floor_minutes
    account.floor_set_by_staff = True
    audit.record(
        actor=actor,
        action="timebank.floor_changed",
        object_type="timebank_account",
        object_id=account.id,
        details={"from": previous, "to": floor_minutes},
    )
    db.session.flush()
    return account


def entries_statement(account_id: int):
    return select(LedgerEntry).where(LedgerEntry.account_id == account_id)


def counterparties(entries: list[LedgerEntry]) -> dict[int, TimeAccount]:
    """The other account of each entry's transfer, in one query, by entry id."""
    other_of = {
        entry.id: (
            entry.transfer.to_account_id if entry.minutes < 0 else entry.transfer.from_account_id
        )
        for entry in entries
    }
    if not other_of:
        return {}
    accounts = {
        account.id: account
        for account in db.session.scalars(
            select(TimeAccount).where(TimeAccount.id.in_(set(other_of.values())))
        ).unique()
    }
    return {entry_id: accounts[account_id] for entry_id, account_id in other_of.items()}


@dataclass
class AuditResult:
    sum_minutes: int = 0
    entries_sum_minutes: int = 0
    accounts_checked: int = 0
    transfers_checked: int = 0
    mismatches: list[dict] = field(default_factory=list)
    unbalanced_transfers: list[int] = field(default_factory=list)
    below_floor: list[int] = field(default_factory=list)


def audit_ledger() -> AuditResult:
    """Recompute every balance from the entries; all sums must be zero."""
    entry_sums = (
        select(LedgerEntry.account_id, func.sum(LedgerEntry.minutes).label("total"))
        .group_by(LedgerEntry.account_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            TimeAccount.id,
            TimeAccount.balance_minutes,
            TimeAccount.floor_minutes,
            func.coalesce(entry_sums.c.total, 0),
        )
        .outerjoin(entry_sums, entry_sums.c.account_id == TimeAccount.id)
        .order_by(TimeAccount.id)
    ).all()
    result = AuditResult(accounts_checked=len(rows))
    for account_id, balance, floor, entries_total in rows:
        result.sum_minutes += balance
        result.entries_sum_minutes += int(entries_total)
        if balance != entries_total:
            result.mismatches.append(
                {
                    "account_id": account_id,
                    "balance_minutes": balance,
                    "entries_minutes": int(entries_total),
                }
            )
        if balance < floor:
            result.below_floor.append(account_id)
    per_transfer = (
        select(
            LedgerEntry.transfer_id,
            func.count().label("entries"),
            func.sum(LedgerEntry.minutes).label("total"),
            func.min(LedgerEntry.minutes).label("debit"),
        )
        .group_by(LedgerEntry.transfer_id)
        .subquery()
    )
    result.transfers_checked = db.session.scalar(select(func.count()).select_from(Transfer))
    result.unbalanced_transfers = list(
        db.session.scalars(
            select(Transfer.id)
            .outerjoin(per_transfer, per_transfer.c.transfer_id == Transfer.id)
            .where(
                (per_transfer.c.entries.is_(None))
                | (per_transfer.c.entries != 2)
                | (per_transfer.c.total != 0)
                | (per_transfer.c.debit != -Transfer.minutes)
            )
            .order_by(Transfer.id)
            .limit(100)
        )
    )
    return result
