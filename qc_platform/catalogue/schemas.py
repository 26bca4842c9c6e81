"""Schemas of the catalogue API."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from qc_platform.catalogue.models import PriceModel, RequestStatus, ServiceStatus
from qc_platform.conversations.schemas import PartySchema
from qc_platform.core.pagination import PaginationArgsSchema
from qc_platform.core.schemas import (
    MAX_INT,
    LocalisedString,
    MultiLineString,
    SingleLineString,
    not_blank,
    plausible_datetime,
)
from qc_platform.places.opening_hours import weekly_hours_field

MAX_CLOSURES = 50
MAX_LANGUAGES = 12


def _id(**kwargs):
    return fields.Integer(validate=validate.Range(min=1, max=MAX_INT), **kwargs)


class CatalogueCategorySchema(Schema):
    code = fields.String(required=True)
    name = LocalisedString("name", required=True)
    description = LocalisedString("description", required=True)


class ClosureSchema(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    reason = SingleLineString(load_default="", validate=validate.Length(max=200))

    @validates_schema
    def _order(self, data, **kwargs):
        if data["ends_on"] < data["starts_on"]:
            raise ValidationError("A closure must end on or after its first day.", "ends_on")


_ISO_639_1_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy"
    " da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht"
    " hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky"
    " la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny"
    " oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss"
    " st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo"
    " za zh zu"
)
#: The 183 codes of ISO 639-1: two letters of the right shape ("xx", "qq") are not a language.
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())
_LANGUAGE = fields.String(validate=validate.OneOf(sorted(ISO_639_1), error="An ISO 639-1 code."))


class ServiceWriteFields(Schema):
    space_id = _id(allow_none=True)
    title = SingleLineString(validate=[validate.Length(min=3, max=160), not_blank])
    description = MultiLineString(validate=[validate.Length(min=1, max=5000), not_blank])
    category = SingleLineString(validate=validate.Length(min=1, max=40))
    price_model = fields.String(validate=validate.OneOf(PriceModel.ALL))
    price_cents = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=10_000_000),
        metadata={
            "description": "fixed: the price; sliding: the full price (reductions "
            "explained in the description). Cents of a euro."
        },
    )
    minutes = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=1440),
        metadata={"description": "timebank: the hours asked, in minutes."},
    )
    languages = fields.List(
        _LANGUAGE, validate=validate.Length(min=1, max=MAX_LANGUAGES), metadata={"example": ["it"]}
    )
    accessibility = MultiLineString(validate=validate.Length(max=1000))
    availability = weekly_hours_field()
    closures = fields.List(fields.Nested(ClosureSchema), validate=validate.Length(max=MAX_CLOSURES))
    closed_on_holidays = fields.Boolean(
        metadata={"description": "Closed on Italian public holidays and 7 December (default)."}
    )
    status = fields.String(validate=validate.OneOf(ServiceStatus.ALL))

    @validates_schema
    def _distinct_languages(self, data, **kwargs):
        languages = data.get("languages") or []
        if len(set(languages)) != len(languages):
            raise ValidationError("Each language once.", "languages")


class ServiceCreateSchema(ServiceWriteFields):
    """The same fields as an update, with these required."""

    REQUIRED = frozenset(
        {"title", "description", "category", "price_model", "languages", "availability"}
    )
    organisation_id = _id(required=True)

    def on_bind_field(self, field_name, field_obj):
        if field_name in self.REQUIRED:
            field_obj.required = True


class ServiceUpdateSchema(ServiceWriteFields):
    pass


class ClosureOutSchema(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    reason = fields.String(required=True)


class ProviderSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)


class ServiceSchema(Schema):
    id = fields.Integer(required=True)
    organisation = fields.Nested(ProviderSchema, required=True)
    space_id = fields.Integer(allow_none=True, required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True)
    price_model = fields.String(required=True, metadata={"enum": list(PriceModel.ALL)})
    price_cents = fields.Integer(allow_none=True, required=True)
    minutes = fields.Integer(allow_none=True, required=True)
    languages = fields.List(fields.String(), required=True)
    accessibility = fields.String(required=True)
    availability = weekly_hours_field(required=True)
    closures = fields.List(fields.Nested(ClosureOutSchema), required=True)
    closed_on_holidays = fields.Boolean(required=True)
    status = fields.String(required=True, metadata={"enum": list(ServiceStatus.ALL)})
    open_now = fields.Boolean(required=True, metadata={"description": "In Milan, right now."})
    mine = fields.Boolean(
        required=True, metadata={"description": "You are an operator of its organisation."}
    )


class ServiceListArgsSchema(PaginationArgsSchema):
    category = fields.String(load_default=None, validate=validate.Length(max=40))
    space = _id(load_default=None)
    area = _id(load_default=None)
    organisation = _id(load_default=None)
    price_model = fields.String(load_default=None, validate=validate.OneOf(PriceModel.ALL))
    language = fields.String(
        load_default=None, validate=validate.Regexp(r"^[a-z]{2}$"), metadata={"example": "ar"}
    )
    open_now = fields.Boolean(load_default=None)
    q = fields.String(
        load_default=None,
        validate=validate.Length(max=100),
        metadata={"description": "Words in title or description (accents ignored)."},
    )
    include_paused = fields.Boolean(
        load_default=False, metadata={"description": "Also paused services."}
    )


class RequestCreateSchema(Schema):
    message = MultiLineString(required=True, validate=[validate.Length(min=1, max=2000), not_blank])
    preferred_times = MultiLineString(
        load_default="",
        validate=validate.Length(max=500),
        metadata={"description": "In your words: e.g. 'martedì mattina o giovedì dopo le 15'."},
    )


class AcceptSchema(Schema):
    proposed_time = fields.AwareDateTime(
        load_default=None, allow_none=True, validate=plausible_datetime
    )
    note = MultiLineString(load_default="", validate=validate.Length(max=500))


class DeclineSchema(Schema):
    reason = MultiLineString(required=True, validate=[validate.Length(min=3, max=500), not_blank])


class ServiceRefSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organisation = fields.Nested(ProviderSchema, required=True)


class ServiceRequestSchema(Schema):
    id = fields.Integer(required=True)
    service = fields.Nested(ServiceRefSchema, required=True)
    requester = fields.Nested(PartySchema, required=True)
    message = fields.String(required=True)
    preferred_times = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(RequestStatus.ALL)})
    price_model = fields.String(required=True)
    price_cents = fields.Integer(allow_none=True, required=True)
    minutes = fields.Integer(allow_none=True, required=True)
    proposed_time = fields.AwareDateTime(allow_none=True, required=True)
    provider_note = fields.String(required=True)
    decline_reason = fields.String(allow_none=True, required=True)
    transfer_id = fields.Integer(allow_none=True, required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    created_at = fields.AwareDateTime(required=True)
    closed_at = fields.AwareDateTime(allow_none=True, required=True)


class RequestListArgsSchema(PaginationArgsSchema):
    incoming = fields.Boolean(
        load_default=False,
        metadata={"description": "Operators: requests to your organisations' services."},
    )
    status = fields.String(load_default=None, validate=validate.OneOf(RequestStatus.ALL))
