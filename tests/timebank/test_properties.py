"""Property test of the ledger: random sequences of transfers, reversals, floor changes and
refused requests (overdrafts, bad amounts, self-payments), checked after every step against
a model of the accounts.

Invariants, after every operation: each balance equals the sum of its entries and the
model's figure; the balances of the example's accounts sum to zero; none is below its
floor; an accepted operation adds exactly one transfer and two entries, a refused one
adds nothing. Each example starts from fresh accounts, so examples cannot see each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from qc_platform.core.errors import Conflict, InvalidInput
from qc_platform.extensions import db
from qc_platform.timebank import service
from qc_platform.timebank.models import LedgerEntry, TimeAccount
from qc_platform.timebank.service import MAX_TRANSFER_MINUTES
from tests.accounts.factories import UserFactory, user_with_roles
from tests.timebank.helpers import account_of, ledger_rows

ACCOUNTS = 4

account_index = st.integers(min_value=0, max_value=ACCOUNTS - 1)
# Mostly valid amounts, large enough to hit the floors often; now and then an invalid one.
minutes = st.one_of(
    st.integers(min_value=1, max_value=400),
    st.sampled_from([0, -1, MAX_TRANSFER_MINUTES, MAX_TRANSFER_MINUTES + 1]),
)
floor = st.integers(min_value=-400, max_value=0)
operation = st.one_of(
    st.tuples(st.just("transfer"), account_index, account_index, minutes),
    # Exactly what the payer can still give (0) or one minute more (1): the floor's edge.
    st.tuples(st.just("drain"), account_index, account_index, st.sampled_from([0, 1])),
    # -1: the newest transfer, which after a reversal is that reversal.
    st.tuples(
        st.just("reverse"), st.one_of(st.just(-1), st.integers(min_value=0, max_value=10**6))
    ),
    st.tuples(st.just("floor"), account_index, floor),
)


@dataclass
class ModelTransfer:
    id: int
    payer: int
    payee: int
    minutes: int
    is_reversal: bool
    reversed: bool = False


class Model:
    """What the ledger should hold: balances and floors by account index, and the transfers."""

    def __init__(self, floors: list[int]):
        self.balances = [0] * ACCOUNTS
        self.floors = list(floors)
        self.transfers: list[ModelTransfer] = []

    def transfer_refusal(self, payer: int, payee: int, amount: int):
        if not 1 <= amount <= MAX_TRANSFER_MINUTES or payer == payee:
            return InvalidInput
        if self.balances[payer] - amount < self.floors[payer]:
            return Conflict
        return None

    def move(self, payer: int, payee: int, amount: int, record_id: int, is_reversal: bool):
        self.balances[payer] -= amount
        self.balances[payee] += amount
        self.transfers.append(ModelTransfer(record_id, payer, payee, amount, is_reversal))


def check_invariants(model: Model, ids: list[int]) -> None:
    """The ledger's figures for the example's accounts, straight from the database."""
    entry_totals = dict(
        db.session.execute(
            select(LedgerEntry.account_id, func.sum(LedgerEntry.minutes))
            .where(LedgerEntry.account_id.in_(ids))
            .group_by(LedgerEntry.account_id)
        ).all()
    )
    stored = {
        row.id: (row.balance_minutes, row.floor_minutes)
        for row in db.session.execute(
            select(TimeAccount.id, TimeAccount.balance_minutes, TimeAccount.floor_minutes).where(
                TimeAccount.id.in_(ids)
            )
        )
    }
    for index, account_id in enumerate(ids):
        balance, account_floor = stored[account_id]
        assert balance == int(entry_totals.get(account_id, 0)), f"account {index}: entries"
        assert balance == model.balances[index], f"account {index}: model"
        assert account_floor == model.floors[index]
        assert balance >= account_floor, f"account {index} below its floor"
    assert sum(balance for balance, _ in stored.values()) == 0


@settings(
    deadline=None,
    max_examples=100,
    database=None,  # no example database written into the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    floors=st.lists(floor, min_size=ACCOUNTS, max_size=ACCOUNTS),
    operations=st.lists(operation, min_size=1, max_size=30),
)
def test_random_operations_keep_the_ledger_sound(floors, operations):
    staff = user_with_roles(("staff", None, None))
    ids = [account_of(UserFactory()).id for _ in range(ACCOUNTS)]
    for account_id, account_floor in zip(ids, floors, strict=True):
        service.set_floor(actor=staff, account_id=account_id, floor_minutes=account_floor)
    model = Model(floors)

    for op in operations:
        before = ledger_rows()
        accepted = False
        if op[0] in ("transfer", "drain"):
            _, payer, payee, amount = op
            if op[0] == "drain":
                amount += model.balances[payer] - model.floors[payer]
            expected = model.transfer_refusal(payer, payee, amount)
            try:
                record = service.transfer(
                    from_account_id=ids[payer], to_account_id=ids[payee], minutes=amount
                )
            except (InvalidInput, Conflict) as refusal:
                assert type(refusal) is expected, f"{op}: refused with {refusal!r}"
            else:
                assert expected is None, f"{op}: accepted, expected {expected.__name__}"
                model.move(payer, payee, amount, record.id, is_reversal=False)
                accepted = True
        elif op[0] == "reverse":
            if not model.transfers:
                continue
            target = model.transfers[-1 if op[1] == -1 else op[1] % len(model.transfers)]
            refused = (
                target.is_reversal
                or target.reversed
                or model.balances[target.payee] - target.minutes < model.floors[target.payee]
            )
            try:
                record = service.reverse(actor=staff, transfer_id=target.id, reason="Prova")
            except Conflict:
                assert refused, f"{op}: reversal of {target} refused"
            else:
                assert not refused, f"{op}: reversal of {target} accepted"
                assert (record.from_account_id, record.to_account_id) == (
                    ids[target.payee],
                    ids[target.payer],
                )
                target.reversed = True
                model.move(target.payee, target.payer, target.minutes, record.id, True)
                accepted = True
        else:
            _, index, new_floor = op
            try:
                service.set_floor(actor=staff, account_id=ids[index], floor_minutes=new_floor)
            except Conflict:
                assert model.balances[index] < new_floor, f"{op}: floor refused"
            else:
                assert model.balances[index] >= new_floor, f"{op}: floor accepted"
                model.floors[index] = new_floor

        after = ledger_rows()
        if accepted:
            assert after == (before[0] + 1, before[1] + 2), op
        else:
            assert after == before, f"{op}: a refused or ledger-neutral operation wrote rows"
        check_invariants(model, ids)

    result = service.audit_ledger()
    assert result.sum_minutes == 0
    assert result.mismatches == []
    assert result.unbalanced_transfers == []
    assert result.below_floor == []
