"""Schemas of the notifications API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from qc_platform.core.pagination import PaginationArgsSchema, page_schema
from qc_platform.core.schemas import SingleLineString


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    link = fields.String(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    read_at = fields.AwareDateTime(allow_none=True, required=True)


class NotificationPageSchema(page_schema(NotificationSchema)):
    unread_count = fields.Integer(required=True)


class NotificationQueryArgsSchema(PaginationArgsSchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "Only unread ones."})


class ReadAllSchema(Schema):
    updated = fields.Integer(required=True)
    unread_count = fields.Integer(required=True)


class PreferenceSchema(Schema):
    kind = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    email = fields.Boolean(required=True)


class PreferencesSchema(page_schema(PreferenceSchema)):
    email_enabled = fields.Boolean(
        required=True, metadata={"description": "False when the server sends no e-mail."}
    )


class PreferenceChoiceSchema(Schema):
    kind = SingleLineString(required=True, validate=validate.Length(min=1, max=60))
    email = fields.Boolean(required=True)


class PreferencesUpdateSchema(Schema):
    preferences = fields.List(
        fields.Nested(PreferenceChoiceSchema), required=True, validate=validate.Length(max=100)
    )
