"""Helpers of the time-bank tests: accounts of test users, row counts, the ledger's sums."""

from __future__ import annotations

from sqlalchemy import func, select

from qc_platform.extensions import db
from qc_platform.places.models import Complex
from qc_platform.timebank import service
from qc_platform.timebank.models import LedgerEntry, TimeAccount, Transfer

API = "/api/v1"


def tenancy() -> tuple[str, str, int]:
    """A tenant grant (of the first complex) for ``user_with_roles``: a verified tenant's
    account may go below zero, a newcomer's may not."""
    return ("tenant", "complex", db.session.scalar(select(func.min(Complex.id))))


def account_of(user) -> TimeAccount:
    return service.account_of_user(user.id)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def ledger_rows() -> tuple[int, int]:
    """How many transfers and entries exist (to prove that a refusal wrote nothing)."""
    return count(Transfer), count(LedgerEntry)


def entries_sum(account_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.minutes), 0)).where(
            LedgerEntry.account_id == account_id
        )
    )


def stored_balance(account_id: int) -> int:
    """The balance as the database holds it now, not as the session remembers it."""
    return db.session.scalar(
        select(TimeAccount.balance_minutes).where(TimeAccount.id == account_id)
    )


def assert_error(response, status: int) -> dict:
    """The platform's one JSON error shape with ``status``; the body."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert {"code", "status", "message"} <= set(body) <= {"code", "status", "message", "errors"}
    assert body["code"] == status
    assert isinstance(body["message"], str) and body["message"]
    return body
