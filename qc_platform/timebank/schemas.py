"""Schemas of the time-bank API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from qc_platform.core.pagination import PaginationArgsSchema
from qc_platform.core.schemas import MAX_INT, MultiLineString, SingleLineString, not_blank
from qc_platform.timebank.models import TransferKind
from qc_platform.timebank.service import MAX_TRANSFER_MINUTES, MEMO_MAX, MIN_FLOOR_MINUTES


class AccountSchema(Schema):
    id = fields.Integer(required=True)
    owner_type = fields.String(required=True, metadata={"enum": ["user", "organisation"]})
    owner_name = fields.String(required=True)
    user_id = fields.Integer(allow_none=True, required=True)
    organisation_id = fields.Integer(allow_none=True, required=True)
    balance_minutes = fields.Integer(required=True)
    floor_minutes = fields.Integer(
        required=True, metadata={"description": "The balance may not go below this (≤ 0)."}
    )
    available_minutes = fields.Integer(
        required=True, metadata={"description": "How much the account can still give."}
    )


class AccountListArgsSchema(PaginationArgsSchema):
    all = fields.Boolean(
        load_default=False,
        metadata={"description": "Staff: every account, not only the ones you act for."},
    )


class AccountUpdateSchema(Schema):
    floor_minutes = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=MIN_FLOOR_MINUTES, max=0)
    )


class CounterpartySchema(Schema):
    account_id = fields.Integer(required=True)
    name = fields.String(required=True)


class EntrySchema(Schema):
    id = fields.Integer(required=True)
    transfer_id = fields.Integer(required=True)
    minutes = fields.Integer(
        required=True, metadata={"description": "Signed: negative when the account paid."}
    )
    memo = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": list(TransferKind.ALL)})
    counterparty = fields.Nested(CounterpartySchema, required=True)
    created_at = fields.AwareDateTime(required=True)


class TransferCreateSchema(Schema):
    to_account_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_INT))
    minutes = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_TRANSFER_MINUTES),
        metadata={"description": "Whole minutes, 1 to 1440 (24 hours)."},
    )
    memo = SingleLineString(load_default="", validate=validate.Length(max=MEMO_MAX))
    from_account_id = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_INT),
        metadata={
            "description": "Default: your own account. Operators may pay from their "
            "organisation's account."
        },
    )


class TransferSchema(Schema):
    id = fields.Integer(required=True)
    from_account_id = fields.Integer(required=True)
    to_account_id = fields.Integer(required=True)
    minutes = fields.Integer(required=True)
    memo = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": list(TransferKind.ALL)})
    reverses_id = fields.Integer(allow_none=True, required=True)
    reason = fields.String(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)


class ReversalCreateSchema(Schema):
    reason = MultiLineString(required=True, validate=[validate.Length(min=3, max=500), not_blank])


class MismatchSchema(Schema):
    account_id = fields.Integer(required=True)
    balance_minutes = fields.Integer(required=True)
    entries_minutes = fields.Integer(required=True)


class AuditSchema(Schema):
    sum_minutes = fields.Integer(
        required=True, metadata={"description": "Sum of all balances: always 0."}
    )
    entries_sum_minutes = fields.Integer(required=True)
    accounts_checked = fields.Integer(required=True)
    transfers_checked = fields.Integer(required=True)
    mismatches = fields.List(fields.Nested(MismatchSchema), required=True)
    unbalanced_transfers = fields.List(fields.Integer(), required=True)
    below_floor = fields.List(fields.Integer(), required=True)
