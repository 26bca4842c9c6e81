"""Request and response schemas of the places API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from qc_platform.core.schemas import (
    MAX_INT,
    SLUG,
    LocalisedString,
    MultiLineString,
    SingleLineString,
    not_blank,
)
from qc_platform.places.opening_hours import weekly_hours_field


def _text(max_length: int, **kwargs):
    return SingleLineString(validate=[validate.Length(min=1, max=max_length), not_blank], **kwargs)


def _id(**kwargs):
    return fields.Integer(validate=validate.Range(min=1, max=MAX_INT), **kwargs)


class AreaSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    number = fields.Integer(required=True)
    name = LocalisedString("name", required=True)
    model = LocalisedString("model", required=True)
    description = LocalisedString("description", required=True)
    startup_funding_cents = fields.Integer(required=True)


class AreaCreateSchema(Schema):
    code = SingleLineString(required=True, validate=[validate.Length(min=2, max=40), SLUG])
    number = fields.Integer(required=True, validate=validate.Range(min=1, max=99))
    name_it = _text(120, required=True)
    name_en = _text(120, required=True)
    model_it = _text(500, required=True)
    model_en = _text(500, required=True)
    description_it = MultiLineString(load_default="", validate=validate.Length(max=5000))
    description_en = MultiLineString(load_default="", validate=validate.Length(max=5000))
    startup_funding_cents = fields.Integer(
        required=True, validate=validate.Range(min=0, max=MAX_INT)
    )


class ComplexSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    address = fields.String(required=True)
    district = fields.String(allow_none=True, required=True)
    latitude = fields.Float(allow_none=True, required=True)
    longitude = fields.Float(allow_none=True, required=True)


class ComplexCreateSchema(Schema):
    code = SingleLineString(required=True, validate=[validate.Length(min=2, max=60), SLUG])
    name = _text(160, required=True)
    address = _text(200, required=True)
    district = SingleLineString(
        load_default=None, allow_none=True, validate=validate.Length(max=80)
    )
    latitude = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=-90, max=90),
        metadata={"description": "WGS 84; approximate is enough (Open311 lat/long)."},
    )
    longitude = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(min=-180, max=180)
    )


class OrganisationSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    website = fields.String(allow_none=True, required=True)
    is_placeholder = fields.Boolean(required=True)


class OrganisationCreateSchema(Schema):
    slug = SingleLineString(required=True, validate=[validate.Length(min=2, max=80), SLUG])
    name = _text(160, required=True)
    description = MultiLineString(load_default="", validate=validate.Length(max=5000))
    website = fields.Url(
        load_default=None,
        allow_none=True,
        schemes={"https", "http"},
        validate=validate.Length(max=200),
    )
    is_placeholder = fields.Boolean(load_default=False)


class SpaceSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    area_id = fields.Integer(required=True)
    complex_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    address = fields.String(required=True)
    opening_hours = weekly_hours_field(required=True)
    description = LocalisedString("description", required=True)


class _AreaRefSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = LocalisedString("name", required=True)


class _ComplexRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    address = fields.String(required=True)


class _OrganisationRefSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)


class SpaceDetailSchema(SpaceSchema):
    area = fields.Nested(_AreaRefSchema, required=True)
    complex = fields.Nested(_ComplexRefSchema, required=True)
    organisation = fields.Nested(_OrganisationRefSchema, required=True)


class SpaceCreateSchema(Schema):
    slug = SingleLineString(required=True, validate=[validate.Length(min=2, max=80), SLUG])
    name = _text(120, required=True)
    area_id = _id(required=True)
    complex_id = _id(required=True)
    organisation_id = _id(required=True)
    address = _text(200, required=True)
    opening_hours = weekly_hours_field(load_default=None)
    description_it = MultiLineString(load_default="", validate=validate.Length(max=5000))
    description_en = MultiLineString(load_default="", validate=validate.Length(max=5000))


class SpaceQueryArgsSchema(Schema):
    area = fields.String(
        load_default=None, validate=validate.Length(max=40), metadata={"description": "Area code."}
    )
    complex_id = _id(load_default=None)
    organisation_id = _id(load_default=None)


def _partial(schema_class: type[Schema]) -> type[Schema]:
    """The PATCH twin of a create schema: every field optional, no defaults filled in."""

    def __init__(self, **kwargs):
        schema_class.__init__(self, partial=True, **kwargs)

    name = schema_class.__name__.replace("Create", "Update")
    return type(name, (schema_class,), {"__init__": __init__})


AreaUpdateSchema = _partial(AreaCreateSchema)
ComplexUpdateSchema = _partial(ComplexCreateSchema)
OrganisationUpdateSchema = _partial(OrganisationCreateSchema)
SpaceUpdateSchema = _partial(SpaceCreateSchema)
