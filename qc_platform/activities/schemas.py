"""Schemas of the activities API."""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from qc_platform.activities.models import Audience, RegistrationStatus, SessionStatus
from qc_platform.core.pagination import PaginationArgsSchema
from qc_platform.core.schemas import (
    MAX_INT,
    AwareDateTime,
    LocalisedString,
    MultiLineString,
    SingleLineString,
    not_blank,
    plausible_datetime,
)

_LANGUAGE = re.compile(r"^[a-z]{2}$")


def _id(**kwargs):
    return fields.Integer(validate=validate.Range(min=1, max=MAX_INT), **kwargs)


def _language(value: str) -> None:
    if not _LANGUAGE.match(value):
        raise ValidationError("Use an ISO 639-1 code of two lower-case letters (it, en, ar…).")


class ActivityCategorySchema(Schema):
    code = fields.String(required=True)
    name = LocalisedString("name", required=True)
    description = LocalisedString("description", required=True)


# --- activities ---------------------------------------------------------------------


class ActivityCreateSchema(Schema):
    space_id = _id(required=True)
    title = SingleLineString(required=True, validate=[validate.Length(min=3, max=160), not_blank])
    description = MultiLineString(load_default="", validate=validate.Length(max=5000))
    category = SingleLineString(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "A `code` from GET /activities/categories."},
    )
    audience = fields.String(
        load_default=Audience.EVERYONE,
        validate=validate.OneOf(Audience.ALL),
        metadata={"description": "Target group; `young_people` means 15–35."},
    )
    languages = fields.List(
        SingleLineString(validate=_language),
        load_default=lambda: ["it"],
        validate=validate.Length(min=1, max=10),
        metadata={"description": "ISO 639-1 codes of the languages spoken."},
    )
    accessibility_notes = MultiLineString(load_default="", validate=validate.Length(max=500))
    price_cents = fields.Integer(
        load_default=0,
        strict=True,
        validate=validate.Range(min=0, max=1_000_000),
        metadata={"description": "0: free."},
    )
    starts_at = AwareDateTime(
        required=True,
        validate=plausible_datetime,
        metadata={
            "description": "Start of the first session (ISO 8601; without an offset it is "
            "Europe/Rome time). Must be in the future and, with `rrule`, its first occurrence."
        },
    )
    ends_at = AwareDateTime(
        required=True,
        validate=plausible_datetime,
        metadata={"description": "End of the first session; later sessions last as long."},
    )
    rrule = SingleLineString(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=300),
        metadata={
            "description": "RFC 5545 RRULE value, expanded in Europe/Rome local time (so a "
            "session keeps its clock time across daylight-saving changes), e.g. "
            "`FREQ=WEEKLY;BYDAY=TU,TH;COUNT=20`. FREQ is DAILY, WEEKLY, MONTHLY or YEARLY; "
            "COUNT at most 500; without COUNT/UNTIL sessions exist 120 days ahead (rolling)."
        },
    )
    capacity = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=10_000),
        metadata={"description": "Places per session; null: no limit."},
    )
    registration_required = fields.Boolean(load_default=False)


class ActivityUpdateSchema(ActivityCreateSchema):
    """Every field optional; `space_id` cannot change."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)

    class Meta:
        exclude = ("space_id",)


class PlaceRefSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    address = fields.String(required=True)


class ActivitySummarySchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    category = fields.Function(lambda a: a.category.code, required=True)
    audience = fields.String(required=True, metadata={"enum": list(Audience.ALL)})
    languages = fields.List(fields.String(), required=True)
    free = fields.Boolean(required=True)
    price_cents = fields.Integer(required=True)
    registration_required = fields.Boolean(required=True)
    capacity = fields.Integer(allow_none=True, required=True)
    recurring = fields.Function(lambda a: a.rrule is not None, required=True)
    space = fields.Nested(PlaceRefSchema, required=True)


class SessionBriefSchema(Schema):
    """A session without its activity (inside an activity)."""

    id = fields.Integer(required=True)
    activity_id = fields.Integer(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True, metadata={"enum": list(SessionStatus.ALL)})
    cancel_reason = fields.String(allow_none=True, required=True)
    confirmed = fields.Integer(required=True, attribute="confirmed_count")
    waitlisted = fields.Integer(required=True, attribute="waitlisted_count")
    seats_left = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Null when anyone may come (no registration or no limit)."},
    )


class ActivitySessionSchema(SessionBriefSchema):
    """A session with its activity's summary (lists, search)."""

    activity = fields.Nested(ActivitySummarySchema, required=True)


class OrganisationRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ActivitySchema(Schema):
    id = fields.Integer(required=True)
    space_id = fields.Integer(required=True)
    space = fields.Nested(PlaceRefSchema, required=True)
    organisation = fields.Nested(OrganisationRefSchema, required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True)
    audience = fields.String(required=True, metadata={"enum": list(Audience.ALL)})
    languages = fields.List(fields.String(), required=True)
    accessibility_notes = fields.String(required=True)
    price_cents = fields.Integer(required=True)
    free = fields.Boolean(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    rrule = fields.String(allow_none=True, required=True)
    capacity = fields.Integer(allow_none=True, required=True)
    registration_required = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    next_session = fields.Nested(
        SessionBriefSchema,
        allow_none=True,
        required=True,
        metadata={"description": "The next session not yet over, else the last one."},
    )
    json_ld = fields.Dict(
        required=True,
        metadata={
            "description": "schema.org Event (JSON-LD) for the activity's page: put it in a "
            '<script type="application/ld+json"> (a data block, which the CSP allows), with '
            "`<` escaped as `\\u003c`."
        },
    )


class ActivityQueryArgsSchema(PaginationArgsSchema):
    date_from = AwareDateTime(
        data_key="from",
        load_default=None,
        validate=plausible_datetime,
        metadata={"description": "Sessions not over by then (default: now)."},
    )
    date_to = AwareDateTime(
        data_key="to",
        load_default=None,
        validate=plausible_datetime,
        metadata={"description": "Sessions starting before then (default: no limit)."},
    )
    space = fields.String(
        load_default=None, validate=validate.Length(max=80), metadata={"description": "Id or slug."}
    )
    area = fields.String(
        load_default=None,
        validate=validate.Length(max=40),
        metadata={"description": "Project-area code."},
    )
    category = fields.String(load_default=None, validate=validate.Length(max=40))
    audience = fields.String(load_default=None, validate=validate.OneOf(Audience.ALL))
    free = fields.Boolean(
        load_default=None, metadata={"description": "true: free only; false: priced only."}
    )
    q = fields.String(
        load_default=None,
        validate=validate.Length(max=100),
        metadata={
            "description": "Words to find in title, description, category, space "
            "(all of them; accents and case ignored)."
        },
    )
    include_cancelled = fields.Boolean(
        load_default=True, metadata={"description": "Cancelled sessions too (status shows it)."}
    )

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] <= data["date_from"]:
            raise ValidationError("activities.to_before_from", field_name="to")


class SessionQueryArgsSchema(PaginationArgsSchema):
    date_from = AwareDateTime(data_key="from", load_default=None, validate=plausible_datetime)
    date_to = AwareDateTime(data_key="to", load_default=None, validate=plausible_datetime)


# --- sessions and registrations -----------------------------------------------------


class SessionCancelSchema(Schema):
    reason = MultiLineString(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "Told to everyone registered."},
    )


class RegistrationCreateSchema(Schema):
    user_id = _id(
        load_default=None,
        allow_none=True,
        metadata={"description": "Operators at the desk: register this user."},
    )
    desk_name = SingleLineString(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=2, max=120), not_blank],
        metadata={"description": "Operators at the desk: a person without an account, by name."},
    )


class RegistrantSchema(Schema):
    id = fields.Integer(required=True)
    display_name = fields.String(required=True)


class RegistrationSchema(Schema):
    id = fields.Integer(required=True)
    session_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(RegistrationStatus.ALL)})
    waitlist_position = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "1 for the first on the waitlist; null unless waitlisted."},
    )
    attended = fields.Boolean(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    promoted_at = fields.AwareDateTime(allow_none=True, required=True)
    cancelled_at = fields.AwareDateTime(allow_none=True, required=True)


class SessionRegistrationSchema(RegistrationSchema):
    """For the space's operators: who it is (a user, or a name taken at the desk)."""

    person = fields.Nested(RegistrantSchema, allow_none=True, required=True)
    desk_name = fields.String(allow_none=True, required=True)


class MyRegistrationSchema(RegistrationSchema):
    session = fields.Nested(ActivitySessionSchema, required=True)


class MyRegistrationQueryArgsSchema(PaginationArgsSchema):
    when = fields.String(
        load_default="upcoming",
        validate=validate.OneOf(["upcoming", "past", "all"]),
        metadata={
            "description": "upcoming (not over yet, soonest first), past (latest first), all."
        },
    )
    include_cancelled = fields.Boolean(load_default=False)


class AttendanceRecordSchema(Schema):
    registration_id = _id(required=True)
    attended = fields.Boolean(required=True)


class AttendanceSchema(Schema):
    attendance = fields.List(
        fields.Nested(AttendanceRecordSchema),
        load_default=list,
        validate=validate.Length(max=1000),
        metadata={"description": "Confirmed registrations of this session, came or not."},
    )
    walk_ins = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=10_000),
        metadata={"description": "People who came without registering."},
    )


class AttendanceSummarySchema(Schema):
    session_id = fields.Integer(required=True)
    attended = fields.Integer(required=True)
    absent = fields.Integer(required=True)
    not_recorded = fields.Integer(required=True)
    walk_ins = fields.Integer(allow_none=True, required=True)
    recorded_at = fields.AwareDateTime(allow_none=True, required=True)


# --- kiosk and calendar feed --------------------------------------------------------


class KioskSessionSchema(Schema):
    session_id = fields.Integer(required=True, attribute="id")
    activity_id = fields.Integer(required=True)
    title = fields.Function(lambda s: s.activity.title, required=True)
    category = fields.Function(lambda s: s.activity.category.code, required=True)
    audience = fields.Function(lambda s: s.activity.audience, required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True, metadata={"enum": list(SessionStatus.ALL)})
    registration_required = fields.Function(
        lambda s: s.activity.registration_required, required=True
    )
    capacity = fields.Function(lambda s: s.activity.capacity, required=True)
    seats_left = fields.Integer(allow_none=True, required=True)
    waitlisted = fields.Integer(required=True, attribute="waitlisted_count")


class KioskSpaceSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)


class KioskSchema(Schema):
    space = fields.Nested(KioskSpaceSchema, required=True)
    generated_at = fields.AwareDateTime(required=True)
    today = fields.List(fields.Nested(KioskSessionSchema), required=True)
    next = fields.List(fields.Nested(KioskSessionSchema), required=True)
    socket = fields.Dict(
        required=True,
        metadata={
            "description": "How to follow it live: Socket.IO at `/socket.io` with "
            '`auth: {kiosk: "<slug>"}`; event `session.seats`.'
        },
    )


class CalendarFeedSchema(Schema):
    active = fields.Boolean(required=True)
    url = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The secret address to subscribe to (keep it private)."},
    )
    webcal_url = fields.String(allow_none=True, required=True)
    created_at = fields.AwareDateTime(allow_none=True, required=True)


class PersonalCalendarArgsSchema(Schema):
    token = fields.String(
        load_default=None,
        validate=validate.Length(max=100),
        metadata={"description": "The secret feed token (GET /users/me/calendar-feed)."},
    )
