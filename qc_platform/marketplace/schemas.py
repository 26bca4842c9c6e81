"""Schemas of the marketplace API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from qc_platform.conversations.schemas import PartySchema, message_body
from qc_platform.core.pagination import PaginationArgsSchema
from qc_platform.core.schemas import (
    MAX_INT,
    LocalisedString,
    MultiLineString,
    SingleLineString,
    not_blank,
)
from qc_platform.marketplace.models import (
    ExchangeStatus,
    FlagStatus,
    ListingKind,
    ListingStatus,
)
from qc_platform.timebank.service import MAX_TRANSFER_MINUTES


def _id(**kwargs):
    return fields.Integer(validate=validate.Range(min=1, max=MAX_INT), **kwargs)


def _minutes(**kwargs):
    return fields.Integer(
        strict=True, validate=validate.Range(min=1, max=MAX_TRANSFER_MINUTES), **kwargs
    )


class ListingCategorySchema(Schema):
    code = fields.String(required=True)
    name = LocalisedString("name", required=True)
    description = LocalisedString("description", required=True)


class ListingCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(ListingKind.ALL))
    title = SingleLineString(required=True, validate=[validate.Length(min=3, max=120), not_blank])
    description = MultiLineString(
        required=True, validate=[validate.Length(min=1, max=2000), not_blank]
    )
    category = SingleLineString(required=True, validate=validate.Length(min=1, max=40))
    minutes_estimate = _minutes(load_default=None, allow_none=True)
    space_id = _id(load_default=None, allow_none=True)
    complex_id = _id(load_default=None, allow_none=True)


class ListingUpdateSchema(Schema):
    title = SingleLineString(validate=[validate.Length(min=3, max=120), not_blank])
    description = MultiLineString(validate=[validate.Length(min=1, max=2000), not_blank])
    category = SingleLineString(validate=validate.Length(min=1, max=40))
    minutes_estimate = _minutes(allow_none=True)
    space_id = _id(allow_none=True)
    complex_id = _id(allow_none=True)
    status = fields.String(
        validate=validate.OneOf([ListingStatus.OPEN, ListingStatus.CLOSED]),
        metadata={"description": "`closed`: no more proposals; `open` again when you like."},
    )


class ListingSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(ListingKind.ALL)})
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True)
    minutes_estimate = fields.Integer(allow_none=True, required=True)
    space_id = fields.Integer(allow_none=True, required=True)
    complex_id = fields.Integer(allow_none=True, required=True)
    status = fields.String(required=True, metadata={"enum": list(ListingStatus.ALL)})
    hidden = fields.Boolean(required=True, metadata={"description": "Hidden by a moderator."})
    owner = fields.Nested(PartySchema, required=True)
    mine = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class ListingListArgsSchema(PaginationArgsSchema):
    q = fields.String(
        load_default=None,
        validate=validate.Length(max=100),
        metadata={"description": "Words to find in title or description (accents ignored)."},
    )
    kind = fields.String(load_default=None, validate=validate.OneOf(ListingKind.ALL))
    category = fields.String(load_default=None, validate=validate.Length(max=40))
    space = _id(load_default=None)
    complex = _id(load_default=None)
    status = fields.String(
        load_default=ListingStatus.OPEN,
        validate=validate.OneOf([ListingStatus.OPEN, ListingStatus.CLOSED]),
    )
    mine = fields.Boolean(load_default=False, metadata={"description": "Only my listings."})


class FlagCreateSchema(Schema):
    reason = MultiLineString(required=True, validate=[validate.Length(min=3, max=1000), not_blank])


class FlagSchema(Schema):
    id = fields.Integer(required=True)
    listing_id = fields.Integer(allow_none=True, required=True)
    exchange_id = fields.Integer(allow_none=True, required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(FlagStatus.ALL)})
    created_at = fields.AwareDateTime(required=True)
    resolved_at = fields.AwareDateTime(allow_none=True, required=True)
    resolution_note = fields.String(allow_none=True, required=True)
    subject = fields.String(
        required=True, metadata={"description": "The listing's title (of the exchange's)."}
    )


class FlagListArgsSchema(PaginationArgsSchema):
    status = fields.String(load_default=FlagStatus.OPEN, validate=validate.OneOf(FlagStatus.ALL))


class FlagResolveSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(["hide", "dismiss"]))
    note = MultiLineString(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class ExchangeCreateSchema(Schema):
    listing_id = _id(required=True)
    minutes = _minutes(required=True)
    message = message_body()


class ReviewSchema(Schema):
    id = fields.Integer(required=True)
    author = fields.Nested(PartySchema, required=True)
    rating = fields.Integer(required=True)
    comment = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class ListingSummarySchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)


class ExchangeSchema(Schema):
    id = fields.Integer(required=True)
    listing = fields.Nested(ListingSummarySchema, required=True)
    status = fields.String(required=True, metadata={"enum": list(ExchangeStatus.ALL)})
    minutes = fields.Integer(required=True)
    provider = fields.Nested(PartySchema, required=True, metadata={"description": "Gives help."})
    receiver = fields.Nested(
        PartySchema, required=True, metadata={"description": "Receives help, pays the hours."}
    )
    proposer_id = fields.Integer(required=True)
    my_role = fields.String(
        allow_none=True, required=True, metadata={"enum": ["provider", "receiver", None]}
    )
    allowed_actions = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "What you may do now: accept, decline, cancel, complete, review."},
    )
    transfer_id = fields.Integer(allow_none=True, required=True)
    conversation_hidden = fields.Boolean(required=True)
    reviews = fields.List(fields.Nested(ReviewSchema), required=True)
    created_at = fields.AwareDateTime(required=True)
    accepted_at = fields.AwareDateTime(allow_none=True, required=True)
    closed_at = fields.AwareDateTime(allow_none=True, required=True)


class ExchangeListArgsSchema(PaginationArgsSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(ExchangeStatus.ALL))


class ReviewCreateSchema(Schema):
    rating = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=5))
    comment = MultiLineString(load_default="", validate=validate.Length(max=1000))
