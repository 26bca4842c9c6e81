"""Schemas of the conversations' API (the message routes of the domains that own one)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from qc_platform.conversations.service import BODY_MAX
from qc_platform.core.schemas import MultiLineString, not_blank


def message_body(**kwargs) -> MultiLineString:
    """A message's text: 1 to ``BODY_MAX`` characters, not only blanks."""
    return MultiLineString(
        required=True, validate=[validate.Length(min=1, max=BODY_MAX), not_blank], **kwargs
    )


class PartySchema(Schema):
    """A person as others see them: a name, never an e-mail address or phone number."""

    id = fields.Integer(required=True)
    display_name = fields.String(required=True)


class MessageCreateSchema(Schema):
    body = message_body()


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    conversation_id = fields.Integer(required=True)
    author = fields.Nested(PartySchema, required=True)
    mine = fields.Boolean(required=True)
    body = fields.String(
        allow_none=True, required=True, metadata={"description": "null once hidden by moderators"}
    )
    hidden = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
