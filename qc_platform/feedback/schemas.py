"""Schemas of the feedback API."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from qc_platform.core.pagination import PaginationArgsSchema
from qc_platform.core.schemas import (
    MAX_INT,
    LocalisedString,
    MultiLineString,
    SingleLineString,
    not_blank,
)
from qc_platform.feedback.models import ReportStatus, RouteTo


def _id(**kwargs):
    return fields.Integer(validate=validate.Range(min=1, max=MAX_INT), **kwargs)


class CategorySchema(Schema):
    code = fields.String(required=True)
    name = LocalisedString("name", required=True)
    description = LocalisedString("description", required=True)


class ReportCreateSchema(Schema):
    category = SingleLineString(required=True, validate=validate.Length(min=1, max=40))
    complex_id = _id(required=True)
    title = SingleLineString(required=True, validate=[validate.Length(min=3, max=160), not_blank])
    description = MultiLineString(
        required=True, validate=[validate.Length(min=1, max=5000), not_blank]
    )
    location_detail = SingleLineString(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "Where inside the complex: stair, floor, courtyard…"},
    )
    anonymous = fields.Boolean(load_default=False)
    visibility = fields.String(
        load_default="private", validate=validate.OneOf(["private", "public"])
    )
    on_behalf_of = _id(
        load_default=None,
        allow_none=True,
        metadata={"description": "Custodians and staff: the tenant they report for."},
    )


class PersonSchema(Schema):
    id = fields.Integer(required=True)
    display_name = fields.String(required=True)


class AssignmentSchema(Schema):
    target = fields.String(required=True, metadata={"enum": list(RouteTo.ALL)})
    complex_id = fields.Integer(required=True)
    committee_id = fields.Integer(allow_none=True, required=True)
    active = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)


class ReportSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(ReportStatus.ALL)})
    category = fields.String(required=True)
    complex_id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    location_detail = fields.String(allow_none=True, required=True)
    anonymous = fields.Boolean(required=True)
    visibility = fields.String(required=True)
    reporter = fields.Nested(
        PersonSchema,
        allow_none=True,
        required=True,
        metadata={"description": "Null when the report is anonymous (except for its sender)."},
    )
    submitted_on_behalf = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    first_response_due_at = fields.AwareDateTime(required=True)
    first_responded_at = fields.AwareDateTime(allow_none=True, required=True)
    overdue = fields.Boolean(required=True)
    escalated = fields.Boolean(required=True)
    resolved_at = fields.AwareDateTime(allow_none=True, required=True)
    closed_at = fields.AwareDateTime(allow_none=True, required=True)
    solved = fields.Boolean(allow_none=True, required=True)
    satisfaction = fields.Integer(allow_none=True, required=True)
    support_count = fields.Integer(required=True)
    assignments = fields.List(fields.Nested(AssignmentSchema), required=True)


class ReportQueryArgsSchema(PaginationArgsSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(ReportStatus.ALL))
    category = fields.String(load_default=None, validate=validate.Length(max=40))
    complex_id = _id(load_default=None)
    overdue = fields.Boolean(load_default=None)


class ReportListArgsSchema(ReportQueryArgsSchema):
    mine = fields.Boolean(
        load_default=False,
        metadata={"description": "Only the reports I sent (or typed for a tenant)."},
    )


class UpdateCreateSchema(Schema):
    body = MultiLineString(load_default="", validate=validate.Length(max=5000))
    status = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(ReportStatus.ALL)
    )
    internal = fields.Boolean(load_default=False)


class UpdateSchema(Schema):
    id = fields.Integer(required=True)
    author = fields.Nested(PersonSchema, allow_none=True, required=True)
    author_role = fields.String(required=True)
    body = fields.String(required=True)
    status_from = fields.String(allow_none=True, required=True)
    status_to = fields.String(allow_none=True, required=True)
    internal = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)


class OutcomeSchema(Schema):
    solved = fields.Boolean(required=True)
    # strict: 4.5 is not a rating (non-strict Integer would silently make it 4)
    satisfaction = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))


class ReassignSchema(Schema):
    route_to = fields.String(required=True, validate=validate.OneOf(RouteTo.ALL))
    committee_id = _id(load_default=None, allow_none=True)


class RoutingRuleSchema(Schema):
    id = fields.Integer(required=True)
    category = fields.Function(lambda rule: rule.category.code, required=True)
    complex_id = fields.Integer(allow_none=True, required=True)
    route_to = fields.String(required=True)


class RoutingRuleCreateSchema(Schema):
    category = SingleLineString(required=True, validate=validate.Length(min=1, max=40))
    complex_id = _id(load_default=None, allow_none=True)
    route_to = fields.String(required=True, validate=validate.OneOf(RouteTo.ALL))


class AccreditationSchema(Schema):
    id = fields.Integer(required=True)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(required=True)


class AccreditationCreateSchema(Schema):
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(required=True)

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data["valid_until"] < data["valid_from"]:
            raise ValidationError("feedback.period_inverted", field_name="valid_until")


class CommitteeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    complex_ids = fields.Function(
        lambda c: [link.complex_id for link in c.complexes], required=True
    )
    accreditations = fields.List(fields.Nested(AccreditationSchema), required=True)
    accredited_today = fields.Boolean(required=True)


class CommitteeCreateSchema(Schema):
    name = SingleLineString(required=True, validate=[validate.Length(min=2, max=160), not_blank])
    complex_ids = fields.List(_id(), required=True, validate=validate.Length(min=1, max=50))


class MemberCreateSchema(Schema):
    user_id = _id(required=True)


class MemberSchema(Schema):
    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    committee_id = fields.Integer(required=True, attribute="scope_id")


# --- service levels (GET /feedback/stats) -------------------------------------------


def _plausible_day(value) -> None:
    if not 2000 <= value.year <= 2999:
        raise ValidationError("feedback.stats.date_out_of_range")


class FeedbackStatsQueryArgsSchema(Schema):
    complex_id = _id(load_default=None, metadata={"description": "Only this complex."})
    date_from = fields.Date(
        data_key="from",
        load_default=None,
        validate=_plausible_day,
        metadata={"description": "First day (Europe/Rome), included; default: 12 months ago."},
    )
    date_to = fields.Date(
        data_key="to",
        load_default=None,
        validate=_plausible_day,
        metadata={
            "description": "Last day (Europe/Rome), included; default: today. "
            "At most a year after `from`."
        },
    )


class FeedbackStatsPeriodSchema(Schema):
    start = fields.Date(data_key="from", required=True)
    end = fields.Date(data_key="to", required=True)


class CategoryCountSchema(Schema):
    category = fields.String(required=True)
    count = fields.Integer(required=True)


class StatusCountSchema(Schema):
    status = fields.String(required=True, metadata={"enum": list(ReportStatus.ALL)})
    count = fields.Integer(required=True)


class FeedbackStatsSchema(Schema):
    period = fields.Nested(FeedbackStatsPeriodSchema, required=True)
    complex_id = fields.Integer(allow_none=True, required=True)
    total = fields.Integer(
        required=True, metadata={"description": "Reports submitted in the period."}
    )
    by_category = fields.List(fields.Nested(CategoryCountSchema), required=True)
    by_status = fields.List(
        fields.Nested(StatusCountSchema),
        required=True,
        metadata={"description": "The period's reports by their status today."},
    )
    median_hours_to_first_response = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "Median working hours (weekends and holidays not counted) from "
            "submission to the first public answer; null when none was answered."
        },
    )
    median_hours_to_resolution = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "Median working hours from submission to resolution."},
    )
    answered_on_time_share = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "0–1: of the reports whose first answer was due in the period "
            "(deadline already past), those answered by the deadline; null when none."
        },
    )
    mean_satisfaction = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "Mean rating 1–5 of the period's reports; null below 3 ratings, "
            "so that no single person's answer is shown."
        },
    )
    satisfaction_count = fields.Integer(required=True)


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(
        required=True,
        metadata={"enum": ["image/jpeg", "image/png", "image/webp", "application/pdf"]},
    )
    size = fields.Integer(required=True, metadata={"description": "Bytes, as stored."})
    created_at = fields.AwareDateTime(required=True)
    url = fields.String(required=True, metadata={"description": "Where to download the file."})


class AttachmentUploadSchema(Schema):
    file = fields.Raw(
        required=True,
        metadata={
            "type": "string",
            "format": "binary",
            "description": "A photo (JPEG, PNG, WebP) or a PDF, at most 5 MB; the type is "
            "read from the content. Photos are stored without their metadata.",
        },
    )
