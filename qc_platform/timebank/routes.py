"""Time-bank API: accounts, their ledger lines, transfers, reversals, the audit."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from qc_platform.core.errors import Forbidden
from qc_platform.core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from qc_platform.core.pagination import PaginationArgsSchema, page_schema, paginate
from qc_platform.core.permissions import login_required, permission_required, require_login
from qc_platform.timebank import policies, service
from qc_platform.timebank.models import LedgerEntry, TimeAccount
from qc_platform.timebank.schemas import (
    AccountListArgsSchema,
    AccountSchema,
    AccountUpdateSchema,
    AuditSchema,
    EntrySchema,
    ReversalCreateSchema,
    TransferCreateSchema,
    TransferSchema,
)

blp = Blueprint(
    "timebank",
    __name__,
    url_prefix="/api/v1",
    description="Time bank (banca del tempo): hours given and received, in integer minutes, "
    "kept in a double-entry ledger.",
)

managers_only = permission_required(policies.TIMEBANK_MANAGE)


def present_account(account: TimeAccount) -> dict:
    return {
        "id": account.id,
        "owner_type": "user" if account.user_id is not None else "organisation",
        "owner_name": account.owner_name,
        "user_id": account.user_id,
        "organisation_id": account.organisation_id,
        "balance_minutes": account.balance_minutes,
        "floor_minutes": account.floor_minutes,
        "available_minutes": account.balance_minutes - account.floor_minutes,
    }


@blp.route("/timebank/accounts/me")
class MyAccount(MethodView):
    @login_required
    @blp.response(200, AccountSchema)
    def get(self):
        """My personal account: balance, floor and what I can still give."""
        return present_account(service.account_of_user(require_login().id))


@blp.route("/timebank/accounts")
class Accounts(MethodView):
    @login_required
    @blp.arguments(AccountListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(AccountSchema))
    def get(self, all, limit, cursor):
        """The accounts I act for: mine and my organisations'; staff with `all=true`: every one."""
        query = service.search_accounts(user=require_login(), all=all)
        page = paginate(query, keys=[TimeAccount.id], limit=limit, cursor=cursor)
        return {
            "items": [present_account(account) for account in page.items],
            "next_cursor": page.next_cursor,
        }


@blp.route("/timebank/accounts/<int:account_id>")
class Account(MethodView):
    @login_required
    @blp.response(200, AccountSchema)
    def get(self, account_id):
        """One account: its owner, operators of an organisation's account, staff."""
        return present_account(service.visible_account(user=require_login(), account_id=account_id))

    @login_required
    @blp.arguments(AccountUpdateSchema)
    @blp.response(200, AccountSchema)
    def patch(self, data, account_id):
        """Staff: change the account's floor (how far below zero it may go)."""
        user = require_login()
        service.visible_account(user=user, account_id=account_id)
        if not policies.is_manager(user):
            raise Forbidden("http.403")
        account = service.set_floor(
            actor=user, account_id=account_id, floor_minutes=data["floor_minutes"]
        )
        return present_account(account)


@blp.route("/timebank/accounts/<int:account_id>/entries")
class Entries(MethodView):
    @login_required
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(EntrySchema))
    def get(self, account_id, limit, cursor):
        """The account's ledger lines, newest first."""
        account = service.visible_account(user=require_login(), account_id=account_id)
        page = paginate(
            service.entries_statement(account.id),
            keys=[LedgerEntry.id],
            limit=limit,
            cursor=cursor,
            descending=True,
        )
        others = service.counterparties(page.items)
        return {
            "items": [
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
                for entry in page.items
            ],
            "next_cursor": page.next_cursor,
        }


@blp.route("/timebank/transfers")
class Transfers(MethodView):
    @idempotent("timebank.transfer")
    @login_required
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    @blp.arguments(TransferCreateSchema)
    @blp.response(201, TransferSchema)
    def post(self, data):
        """Give hours from your account (or your organisation's) to another account.

        Below the paying account's floor → 409 and nothing is written. Send an
        `Idempotency-Key` so that a retry never pays twice.
        """
        return service.give(
            actor=require_login(),
            from_account_id=data["from_account_id"],
            to_account_id=data["to_account_id"],
            minutes=data["minutes"],
            memo=data["memo"],
        )


@blp.route("/timebank/transfers/<int:transfer_id>")
class TransferDetail(MethodView):
    @login_required
    @blp.response(200, TransferSchema)
    def get(self, transfer_id):
        """One transfer: to those who can see either account."""
        return service.visible_transfer(user=require_login(), transfer_id=transfer_id)


@blp.route("/timebank/transfers/<int:transfer_id>/reversal")
class Reversal(MethodView):
    @managers_only
    @blp.arguments(ReversalCreateSchema)
    @blp.response(201, TransferSchema)
    def post(self, data, transfer_id):
        """Staff: undo a transfer with a new, opposite one, with a reason (audited)."""
        return service.reverse(
            actor=require_login(), transfer_id=transfer_id, reason=data["reason"]
        )


@blp.route("/timebank/audit")
class Audit(MethodView):
    @managers_only
    @blp.response(200, AuditSchema)
    def get(self):
        """Staff: recompute every balance from the ledger; every sum must be zero."""
        return service.audit_ledger()
