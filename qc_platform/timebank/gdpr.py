"""The time bank's part of the GDPR export (registered in ``timebank.init_app``).

Nothing is erased here: the ledger is immutable and every balance must still equal the sum
of its entries (and all of them zero), so an erased person's account and entries stay.
The account shows its owner's name, which accounts has replaced by "Persona cancellata".
"""

from __future__ import annotations

from qc_platform.accounts import gdpr
from qc_platform.extensions import db
from qc_platform.timebank import service
from qc_platform.timebank.models import LedgerEntry


def export(user) -> dict:
    account = service.account_of_user(user.id)
    entries = list(
        db.session.scalars(service.entries_statement(account.id).order_by(LedgerEntry.id)).unique()
    )
    others = service.counterparties(entries)
    return {
        "account": gdpr.columns(account, exclude=("user_id", "organisation_id")),
        "entries": [
            {
                "id": entry.id,
                "transfer_id": entry.transfer_id,
                "minutes": entry.minutes,
                "memo": entry.transfer.memo,
                "kind": entry.transfer.kind,
                "counterparty": {
                    "account_id": others[entry.id].id,
                    "name": others[entry.id].owner_name,
                },
                "created_at": entry.created_at,
            }
            for entry in entries
        ],
    }


def register() -> None:
    gdpr.register("timebank", export=export)
