"""The ledger's rules, at the service and in the database itself.

A transfer writes exactly two entries and moves both cached balances in one flush; every
refusal (floor, bounds, self, unknown account) writes nothing. Corrections are reversals,
audited. The database refuses what the service would never write (CHECK constraints,
foreign keys, append-only triggers), and the audit finds what someone wrote around both.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from qc_platform.core.audit import AuditEntry
from qc_platform.core.errors import Conflict, InvalidInput, NotFound
from qc_platform.extensions import db
from qc_platform.timebank import service
from qc_platform.timebank.models import (
    CREDIT_FLOOR_MINUTES,
    LedgerEntry,
    TimeAccount,
    Transfer,
    TransferKind,
)
from tests.accounts.factories import UserFactory, user_with_roles
from tests.places.factories import OrganisationFactory
from tests.timebank.helpers import (
    account_of,
    entries_sum,
    ledger_rows,
    stored_balance,
    tenancy,
)


@pytest.fixture
def alice():
    """A verified tenant: may go below zero, down to the credit floor."""
    return account_of(user_with_roles(tenancy()))


@pytest.fixture
def bruno():
    return account_of(user_with_roles(tenancy()))


@pytest.fixture
def carla():
    return account_of(user_with_roles(tenancy()))


@pytest.fixture
def staff():
    return user_with_roles(("staff", None, None))


def pay(payer: TimeAccount, payee: TimeAccount, minutes: int, **kwargs) -> Transfer:
    return service.transfer(
        from_account_id=payer.id, to_account_id=payee.id, minutes=minutes, **kwargs
    )


def audit_rows(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


# --- accounts ----------------------------------------------------------------------------------


def test_every_new_user_gets_an_empty_account_that_may_not_go_below_zero():
    user = UserFactory()
    [account] = db.session.scalars(select(TimeAccount).where(TimeAccount.user_id == user.id))
    assert (account.balance_minutes, account.floor_minutes) == (0, 0)
    assert account.floor_set_by_staff is False
    assert account.organisation_id is None
    assert account.owner_name == user.display_name


def test_every_new_organisation_gets_its_own_account():
    organisation = OrganisationFactory()
    [account] = db.session.scalars(
        select(TimeAccount).where(TimeAccount.organisation_id == organisation.id)
    )
    assert (account.balance_minutes, account.floor_minutes) == (0, CREDIT_FLOOR_MINUTES)
    assert account.user_id is None
    assert account.owner_name == organisation.name
    assert service.account_of_organisation(organisation.id).id == account.id


# --- transfers ---------------------------------------------------------------------------------


def test_a_transfer_writes_two_opposite_entries_and_moves_both_balances(alice, bruno):
    before = ledger_rows()
    record = pay(alice, bruno, 90, memo="Ripetizioni di matematica")

    assert ledger_rows() == (before[0] + 1, before[1] + 2)
    assert (record.from_account_id, record.to_account_id, record.minutes) == (
        alice.id,
        bruno.id,
        90,
    )
    assert record.kind == TransferKind.TRANSFER
    assert record.memo == "Ripetizioni di matematica"
    entries = db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.transfer_id == record.id).order_by(LedgerEntry.id)
    ).all()
    assert [(e.account_id, e.minutes) for e in entries] == [(alice.id, -90), (bruno.id, 90)]
    assert (stored_balance(alice.id), stored_balance(bruno.id)) == (-90, 90)
    assert entries_sum(alice.id) == -90 and entries_sum(bruno.id) == 90


def test_the_payer_may_reach_its_floor_exactly_but_not_pass_it(alice, bruno):
    pay(alice, bruno, 600 - 1)
    pay(alice, bruno, 1)
    assert stored_balance(alice.id) == CREDIT_FLOOR_MINUTES

    before = ledger_rows()
    with pytest.raises(Conflict) as refused:
        pay(alice, bruno, 1)
    assert refused.value.message_key == "timebank.below_floor"
    assert refused.value.params["available"] == 0
    assert ledger_rows() == before
    assert (stored_balance(alice.id), stored_balance(bruno.id)) == (-600, 600)


def test_an_overdraft_writes_nothing_and_says_what_is_available(alice, bruno):
    pay(alice, bruno, 500)
    before = ledger_rows()
    with pytest.raises(Conflict) as refused:
        pay(alice, bruno, 101)
    assert refused.value.params["available"] == 100
    assert ledger_rows() == before
    assert (stored_balance(alice.id), stored_balance(bruno.id)) == (-500, 500)
    assert not db.session.new and not db.session.dirty


def test_a_received_balance_can_be_given_on(alice, bruno, carla):
    pay(alice, bruno, 600)
    pay(bruno, carla, 1200)  # 600 received + 600 of floor
    assert [stored_balance(a.id) for a in (alice, bruno, carla)] == [-600, -600, 1200]


@pytest.mark.parametrize("minutes", [1, 60, 24 * 60])
def test_minutes_from_one_to_a_day_are_accepted(alice, bruno, minutes):
    alice.floor_minutes = -24 * 60
    db.session.flush()
    assert pay(alice, bruno, minutes).minutes == minutes


@pytest.mark.parametrize("minutes", [0, -1, -60, 24 * 60 + 1, 10**9, 1.5, "60", True, None])
def test_non_positive_absurd_or_non_integer_minutes_are_refused(alice, bruno, minutes):
    before = ledger_rows()
    with pytest.raises(InvalidInput) as refused:
        pay(alice, bruno, minutes)
    assert refused.value.message_key == "timebank.minutes_range"
    assert ledger_rows() == before


def test_paying_yourself_is_refused(alice):
    before = ledger_rows()
    with pytest.raises(InvalidInput) as refused:
        pay(alice, alice, 10)
    assert refused.value.message_key == "timebank.self_transfer"
    assert ledger_rows() == before


def test_an_unknown_payee_is_refused(alice):
    before = ledger_rows()
    with pytest.raises(InvalidInput) as refused:
        service.transfer(from_account_id=alice.id, to_account_id=10**8, minutes=10)
    assert refused.value.message_key == "timebank.unknown_payee"
    assert ledger_rows() == before


def test_an_unknown_payer_is_not_found(bruno):
    with pytest.raises(NotFound):
        service.transfer(from_account_id=10**8, to_account_id=bruno.id, minutes=10)


def test_the_transfer_records_who_made_it(alice, bruno):
    user = db.session.get(TimeAccount, alice.id).user
    assert pay(alice, bruno, 5, actor=user).created_by_id == user.id


# --- reversals ---------------------------------------------------------------------------------


def test_a_reversal_is_an_opposite_transfer_and_is_audited(alice, bruno, staff):
    original = pay(alice, bruno, 120)
    before = ledger_rows()

    reversal = service.reverse(actor=staff, transfer_id=original.id, reason="Registrato per errore")

    assert ledger_rows() == (before[0] + 1, before[1] + 2)
    assert (reversal.from_account_id, reversal.to_account_id, reversal.minutes) == (
        bruno.id,
        alice.id,
        120,
    )
    assert reversal.kind == TransferKind.REVERSAL
    assert reversal.reverses_id == original.id
    assert reversal.reason == "Registrato per errore"
    assert reversal.created_by_id == staff.id
    assert (stored_balance(alice.id), stored_balance(bruno.id)) == (0, 0)
    # The original is untouched: nothing in the ledger is ever edited.
    assert db.session.get(Transfer, original.id).minutes == 120
    [row] = audit_rows("timebank.transfer_reversed")
    assert (row.actor_id, row.object_type, row.object_id) == (
        staff.id,
        "timebank_transfer",
        original.id,
    )
    assert row.details == {
        "reversal_id": reversal.id,
        "minutes": 120,
        "reason": "Registrato per errore",
    }


def test_a_transfer_is_reversed_at_most_once(alice, bruno, staff):
    original = pay(alice, bruno, 30)
    first = service.reverse(actor=staff, transfer_id=original.id, reason="Errore")
    before = ledger_rows()
    with pytest.raises(Conflict) as refused:
        service.reverse(actor=staff, transfer_id=original.id, reason="Ancora")
    assert refused.value.message_key == "timebank.already_reversed"
    assert refused.value.params["reversal_id"] == first.id
    assert ledger_rows() == before
    assert len(audit_rows("timebank.transfer_reversed")) == 1


def test_a_reversal_cannot_be_reversed(alice, bruno, staff):
    reversal = service.reverse(actor=staff, transfer_id=pay(alice, bruno, 30).id, reason="Errore")
    before = ledger_rows()
    with pytest.raises(Conflict) as refused:
        service.reverse(actor=staff, transfer_id=reversal.id, reason="Ripensamento")
    assert refused.value.message_key == "timebank.cannot_reverse_reversal"
    assert ledger_rows() == before


def test_a_reversal_respects_the_floor_of_the_account_it_takes_from(alice, bruno, carla, staff):
    original = pay(alice, bruno, 100)
    pay(bruno, carla, 700)  # bruno is now at his floor
    before = ledger_rows()
    with pytest.raises(Conflict) as refused:
        service.reverse(actor=staff, transfer_id=original.id, reason="Errore")
    assert refused.value.message_key == "timebank.below_floor"
    assert ledger_rows() == before
    assert [stored_balance(a.id) for a in (alice, bruno, carla)] == [-100, -600, 700]
    assert audit_rows("timebank.transfer_reversed") == []


def test_reversing_an_unknown_transfer_is_not_found(staff):
    with pytest.raises(NotFound):
        service.reverse(actor=staff, transfer_id=10**8, reason="Errore")


# --- floors ------------------------------------------------------------------------------------


def test_staff_can_lower_a_floor_and_the_change_is_audited(alice, bruno, staff):
    service.set_floor(actor=staff, account_id=alice.id, floor_minutes=-1200)
    assert pay(alice, bruno, 1200).minutes == 1200
    assert stored_balance(alice.id) == -1200
    [row] = audit_rows("timebank.floor_changed")
    assert (row.actor_id, row.object_type, row.object_id) == (
        staff.id,
        "timebank_account",
        alice.id,
    )
    assert row.details == {"from": CREDIT_FLOOR_MINUTES, "to": -1200}


def test_a_raised_floor_limits_the_next_transfers(alice, bruno, staff):
    service.set_floor(actor=staff, account_id=alice.id, floor_minutes=-60)
    with pytest.raises(Conflict):
        pay(alice, bruno, 61)
    assert pay(alice, bruno, 60).minutes == 60


def test_a_floor_may_equal_the_balance_but_not_exceed_it(alice, bruno, staff):
    pay(alice, bruno, 300)
    with pytest.raises(Conflict) as refused:
        service.set_floor(actor=staff, account_id=alice.id, floor_minutes=-299)
    assert refused.value.message_key == "timebank.floor_above_balance"
    assert refused.value.params["balance"] == -300
    assert db.session.get(TimeAccount, alice.id).floor_minutes == CREDIT_FLOOR_MINUTES
    assert audit_rows("timebank.floor_changed") == []

    service.set_floor(actor=staff, account_id=alice.id, floor_minutes=-300)
    with pytest.raises(Conflict):
        pay(alice, bruno, 1)


def test_setting_the_floor_of_an_unknown_account_is_not_found(staff):
    with pytest.raises(NotFound):
        service.set_floor(actor=staff, account_id=10**8, floor_minutes=-10)


# --- what the database itself refuses -----------------------------------------------------------


def refused_by_database(*rows) -> IntegrityError:
    """Insert ``rows`` in a savepoint; the IntegrityError the database raised."""
    with pytest.raises(IntegrityError) as refused, db.session.begin_nested():
        db.session.add_all(rows)
    return refused.value


def raw_statement_refused(sql: str, **params) -> DBAPIError:
    with pytest.raises(DBAPIError) as refused, db.session.begin_nested():
        db.session.execute(text(sql), params)
    return refused.value


@pytest.mark.parametrize("minutes", [0, -5])
def test_the_database_refuses_a_transfer_of_no_or_negative_minutes(alice, bruno, minutes):
    refused_by_database(Transfer(from_account_id=alice.id, to_account_id=bruno.id, minutes=minutes))


def test_the_database_refuses_a_transfer_to_the_same_account(alice):
    refused_by_database(Transfer(from_account_id=alice.id, to_account_id=alice.id, minutes=5))


def test_the_database_refuses_a_zero_entry(alice, bruno):
    record = pay(alice, bruno, 5)
    refused_by_database(LedgerEntry(transfer_id=record.id, account_id=alice.id, minutes=0))


def test_the_database_refuses_an_entry_without_its_transfer(alice):
    refused_by_database(LedgerEntry(transfer_id=10**8, account_id=alice.id, minutes=5))


def test_the_database_refuses_a_second_reversal_of_one_transfer(alice, bruno, staff):
    original = pay(alice, bruno, 5)
    service.reverse(actor=staff, transfer_id=original.id, reason="Errore")
    refused_by_database(
        Transfer(
            from_account_id=bruno.id,
            to_account_id=alice.id,
            minutes=5,
            kind=TransferKind.REVERSAL,
            reverses_id=original.id,
        )
    )


def test_the_database_refuses_a_reversal_that_reverses_nothing(alice, bruno):
    refused_by_database(
        Transfer(
            from_account_id=alice.id,
            to_account_id=bruno.id,
            minutes=5,
            kind=TransferKind.REVERSAL,
        )
    )


def test_the_database_refuses_a_balance_below_the_floor(alice):
    raw_statement_refused(
        "UPDATE timebank_accounts SET balance_minutes = floor_minutes - 1 WHERE id = :id",
        id=alice.id,
    )
    assert stored_balance(alice.id) == 0


def test_the_database_refuses_a_positive_floor(alice):
    raw_statement_refused(
        "UPDATE timebank_accounts SET floor_minutes = 10 WHERE id = :id", id=alice.id
    )


def test_the_database_refuses_an_account_with_two_owners_or_none():
    organisation = OrganisationFactory()
    user = UserFactory()
    # Accounts for these two were opened when they were created; these would be extra.
    refused_by_database(TimeAccount(user_id=user.id, organisation_id=organisation.id))
    refused_by_database(TimeAccount())


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE timebank_transfers SET minutes = 999 WHERE id = :transfer_id",
        "DELETE FROM timebank_transfers WHERE id = :transfer_id",
        "UPDATE timebank_entries SET minutes = 999 WHERE transfer_id = :transfer_id",
        "DELETE FROM timebank_entries WHERE transfer_id = :transfer_id",
    ],
)
def test_the_database_refuses_to_edit_or_delete_the_ledger(alice, bruno, sql):
    record = pay(alice, bruno, 45)
    before = ledger_rows()
    error = raw_statement_refused(sql, transfer_id=record.id)
    assert "append-only" in str(error)
    assert ledger_rows() == before
    assert db.session.scalar(select(Transfer.minutes).where(Transfer.id == record.id)) == 45
    assert entries_sum(alice.id) == -45 and entries_sum(bruno.id) == 45


def test_the_models_refuse_to_edit_or_delete_the_ledger(alice, bruno):
    record = pay(alice, bruno, 45)
    with pytest.raises(RuntimeError, match="immutable"), db.session.begin_nested():
        record.minutes = 1
        db.session.flush()
    with pytest.raises(RuntimeError, match="immutable"), db.session.begin_nested():
        db.session.delete(record)
        db.session.flush()
    assert db.session.scalar(select(Transfer.minutes).where(Transfer.id == record.id)) == 45


# --- the audit ---------------------------------------------------------------------------------


def test_the_audit_of_a_sound_ledger_finds_nothing(alice, bruno, carla, staff):
    pay(alice, bruno, 200)
    pay(bruno, carla, 50)
    service.reverse(actor=staff, transfer_id=pay(carla, alice, 10).id, reason="Errore")

    result = service.audit_ledger()

    assert result.sum_minutes == 0 and result.entries_sum_minutes == 0
    assert result.mismatches == []
    assert result.unbalanced_transfers == []
    assert result.below_floor == []
    assert result.transfers_checked >= 4
    assert result.accounts_checked >= 3


def test_the_audit_detects_a_balance_changed_behind_the_ledger(alice, bruno):
    pay(alice, bruno, 200)
    db.session.execute(
        text("UPDATE timebank_accounts SET balance_minutes = 500 WHERE id = :id"),
        {"id": bruno.id},
    )

    result = service.audit_ledger()

    assert result.mismatches == [
        {"account_id": bruno.id, "balance_minutes": 500, "entries_minutes": 200}
    ]
    assert result.sum_minutes == 300
    assert result.entries_sum_minutes == 0


def test_the_audit_detects_a_transfer_whose_entries_do_not_cancel_out(alice, bruno):
    # Written around the service, as a buggy writer would: one entry only.
    lopsided = Transfer(from_account_id=alice.id, to_account_id=bruno.id, minutes=30)
    db.session.add(lopsided)
    db.session.flush()
    db.session.add(LedgerEntry(transfer_id=lopsided.id, account_id=alice.id, minutes=-30))
    db.session.flush()
    sound = pay(bruno, alice, 10)

    result = service.audit_ledger()

    assert result.unbalanced_transfers == [lopsided.id]
    assert sound.id not in result.unbalanced_transfers
    assert {m["account_id"] for m in result.mismatches} == {alice.id}
