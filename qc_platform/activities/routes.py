"""Activities API: search, publishing, sessions, registrations, calendars, kiosk."""

from __future__ import annotations

import hashlib
import json

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from qc_platform.activities import (
    calendar,
    messages,  # noqa: F401 - registers the texts
    presenters,
    service,
)
from qc_platform.activities.events import EVENT_SEATS, kiosk_room
from qc_platform.activities.models import ActivitySession, Registration
from qc_platform.activities.schemas import (
    ActivityCategorySchema,
    ActivityCreateSchema,
    ActivityQueryArgsSchema,
    ActivitySchema,
    ActivitySessionSchema,
    ActivityUpdateSchema,
    AttendanceSchema,
    AttendanceSummarySchema,
    CalendarFeedSchema,
    KioskSchema,
    MyRegistrationQueryArgsSchema,
    MyRegistrationSchema,
    PersonalCalendarArgsSchema,
    RegistrationCreateSchema,
    RegistrationSchema,
    SessionCancelSchema,
    SessionQueryArgsSchema,
    SessionRegistrationSchema,
)
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import NotFound, Unauthorized
from qc_platform.core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from qc_platform.core.pagination import PaginationArgsSchema, page_schema, paginate
from qc_platform.core.permissions import login_required, require_login
from qc_platform.places import service as places
from qc_platform.places.models import Space

blp = Blueprint(
    "activities",
    __name__,
    url_prefix="/api/v1",
    description="Activities of the nine spaces: sessions (recurring ones expanded in "
    "Europe/Rome time), registrations with waitlists, iCalendar feeds, the kiosk screen.",
)

_CALENDAR_RESPONSES = {
    "200": {
        "description": "An RFC 5545 calendar (Europe/Rome times with their VTIMEZONE). "
        "Poll it with If-None-Match / If-Modified-Since.",
        "content": {"text/calendar": {"schema": {"type": "string"}}},
    },
    "304": {"description": "Not modified since the ETag or date given."},
}


def _calendar_response(text: str, last_modified, *, filename: str, private: bool):
    response = current_app.response_class(text, status=200)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.set_etag(hashlib.sha256(text.encode()).hexdigest()[:40])
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = "private, no-cache" if private else "no-cache"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response.make_conditional(request)


# --- categories and search ----------------------------------------------------------


@blp.route("/activities/categories")
class Categories(MethodView):
    @blp.response(200, page_schema(ActivityCategorySchema))
    def get(self):
        """The categories of activities (public), by their stable `code`."""
        return {"items": service.categories(), "next_cursor": None}


@blp.route("/activities")
class Activities(MethodView):
    @blp.arguments(ActivityQueryArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(ActivitySessionSchema))
    def get(self, limit, cursor, date_from, date_to, **filters):
        """Search what is on (public): the **sessions** not over by `from` (default now) and
        starting before `to`, soonest first, each with its activity's summary. Filters:
        space (id or slug), area (code), category (code), audience, free, q (words, accents
        and case ignored)."""
        query = service.search_sessions(date_from=date_from or utcnow(), date_to=date_to, **filters)
        return paginate(
            query,
            keys=[ActivitySession.starts_at, ActivitySession.id],
            limit=limit,
            cursor=cursor,
        )

    @login_required
    @blp.arguments(ActivityCreateSchema)
    @blp.response(201, ActivitySchema)
    def post(self, data):
        """Publish an activity (operators of the organisation that runs the space). Its
        sessions are created at once, recurring ones for the next 120 days (rolling)."""
        activity = service.create_activity(actor=require_login(), **data)
        return presenters.present_activity(service.get_activity(activity.id))


@blp.route("/activities/<int:activity_id>")
class ActivityItem(MethodView):
    @blp.response(200, ActivitySchema)
    def get(self, activity_id):
        """One activity (public), with its next session and its schema.org JSON-LD."""
        return presenters.present_activity(service.get_activity(activity_id))

    @login_required
    @blp.arguments(ActivityUpdateSchema)
    @blp.response(200, ActivitySchema)
    def patch(self, data, activity_id):
        """Change an activity (its space's operators). A new schedule changes the future
        sessions only: a session on the same day moves to the new time and keeps its
        registrations; other future sessions are cancelled (people notified) or removed."""
        activity = service.get_activity(activity_id)
        service.update_activity(actor=require_login(), activity=activity, **data)
        return presenters.present_activity(service.get_activity(activity_id))


@blp.route("/activities/<int:activity_id>/jsonld")
class ActivityJsonLd(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "schema.org Event, JSON-LD (`<` escaped, safe to embed).",
                "content": {"application/ld+json": {"schema": {"type": "object"}}},
            }
        }
    )
    def get(self, activity_id):
        """The activity's schema.org Event as a JSON-LD document (public)."""
        data = presenters.present_activity(service.get_activity(activity_id))["json_ld"]
        text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
        return current_app.response_class(text, mimetype="application/ld+json")


@blp.route("/activities/<int:activity_id>/sessions")
class ActivitySessions(MethodView):
    @blp.arguments(SessionQueryArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(ActivitySessionSchema))
    def get(self, activity_id, limit, cursor, date_from, date_to):
        """The activity's sessions, in time order (public); filter by `from`/`to`."""
        activity = service.get_activity(activity_id)
        query = service.sessions_of(activity, date_from=date_from, date_to=date_to)
        return paginate(
            query,
            keys=[ActivitySession.starts_at, ActivitySession.id],
            limit=limit,
            cursor=cursor,
        )


# --- sessions -----------------------------------------------------------------------


@blp.route("/sessions/<int:session_id>")
class SessionItem(MethodView):
    @blp.response(200, ActivitySessionSchema)
    def get(self, session_id):
        """One session with its seat counts (public)."""
        return service.get_session(session_id)


@blp.route("/sessions/<int:session_id>/cancel")
class SessionCancel(MethodView):
    @login_required
    @blp.arguments(SessionCancelSchema)
    @blp.response(200, ActivitySessionSchema)
    def post(self, data, session_id):
        """Cancel one session (its space's operators); everyone registered is notified."""
        service.cancel_session(actor=require_login(), session_id=session_id, **data)
        return service.get_session(session_id)


@blp.route("/sessions/<int:session_id>/registrations")
class SessionRegistrations(MethodView):
    @idempotent("activities.registration")
    @login_required
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    @blp.arguments(RegistrationCreateSchema)
    @blp.response(201, RegistrationSchema)
    def post(self, data, session_id):
        """Register for a session → `confirmed`, or `waitlisted` when it is full.

        Operators of the space may register someone at the desk: a user (`user_id`) or a
        person without an account (`desk_name`). One registration per person and session.
        """
        registration = service.register(actor=require_login(), session_id=session_id, **data)
        return presenters.present_registration(registration)

    @login_required
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(SessionRegistrationSchema))
    def get(self, session_id, limit, cursor):
        """Who is registered, in order of registration (the space's operators)."""
        session = service.get_session(session_id)
        query = service.registrations_of_session(actor=require_login(), session=session)
        page = paginate(query, keys=[Registration.id], limit=limit, cursor=cursor)
        return {
            "items": presenters.present_session_registrations(page.items),
            "next_cursor": page.next_cursor,
        }


@blp.route("/sessions/<int:session_id>/attendance")
class SessionAttendance(MethodView):
    @login_required
    @blp.arguments(AttendanceSchema)
    @blp.response(200, AttendanceSummarySchema)
    def post(self, data, session_id):
        """Record who came (operators, from the session's start): confirmed registrations
        `attended` true/false, and `walk_ins` who came without registering."""
        session = service.record_attendance(
            actor=require_login(),
            session_id=session_id,
            records=data["attendance"],
            walk_ins=data["walk_ins"],
        )
        return service.attendance_summary(session)


@blp.route("/registrations/<int:registration_id>")
class RegistrationItem(MethodView):
    @login_required
    @blp.response(204)
    def delete(self, registration_id):
        """Cancel a registration (the person, or the space's operators) before the session;
        the first on the waitlist gets the place at once and is notified."""
        user = require_login()
        registration = service.get_registration_visible(user, registration_id)
        service.cancel_registration(actor=user, registration=registration)


@blp.route("/users/me/registrations")
class MyRegistrations(MethodView):
    @login_required
    @blp.arguments(MyRegistrationQueryArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(MyRegistrationSchema))
    def get(self, when, include_cancelled, limit, cursor):
        """My registrations with their sessions: upcoming soonest first (default), or past."""
        user = require_login()
        query, descending = service.my_sessions(
            user, when=when, include_cancelled=include_cancelled
        )
        page = paginate(
            query,
            keys=[ActivitySession.starts_at, ActivitySession.id],
            limit=limit,
            cursor=cursor,
            descending=descending,
        )
        return {
            "items": presenters.present_my_registrations(user, page.items),
            "next_cursor": page.next_cursor,
        }


# --- calendars ----------------------------------------------------------------------


@blp.route("/activities/calendar.ics")
class AllActivitiesCalendar(MethodView):
    @blp.doc(responses=_CALENDAR_RESPONSES)
    def get(self):
        """All activities of the nine spaces as an iCalendar feed (public)."""
        text, modified = calendar.activities_calendar(
            "Quartieri Connessi — attività", service.feed_activities()
        )
        return _calendar_response(text, modified, filename="attivita.ics", private=False)


@blp.route("/spaces/<string:space_ref>/calendar.ics")
class SpaceCalendar(MethodView):
    @blp.doc(responses=_CALENDAR_RESPONSES)
    def get(self, space_ref):
        """One space's activities as an iCalendar feed (public); by id or slug."""
        space = places.get_space(space_ref)
        text, modified = calendar.activities_calendar(
            f"{space.name} — Quartieri Connessi", service.feed_activities(space=space)
        )
        return _calendar_response(text, modified, filename=f"{space.slug}.ics", private=False)


@blp.route("/users/me/calendar.ics")
class PersonalCalendar(MethodView):
    @blp.arguments(PersonalCalendarArgsSchema, location="query", as_kwargs=True)
    @blp.doc(responses=_CALENDAR_RESPONSES)
    def get(self, token):
        """My registrations as an iCalendar feed, for calendar apps: `?token=` the secret
        of GET /users/me/calendar-feed (no sign-in needed), or signed in without it.
        A wrong or revoked token → 404."""
        if token is not None:
            user = service.user_for_feed_token(token)
            if user is None:
                raise NotFound("http.404")
        else:
            try:
                user = require_login()
            except Unauthorized:
                raise Unauthorized("activities.no_feed_token") from None
        text, modified = calendar.personal_calendar(
            "Le mie attività — Quartieri Connessi", service.personal_feed(user)
        )
        changed = service.last_registration_change(user)
        if changed is not None and (modified is None or changed > modified):
            modified = changed
        return _calendar_response(text, modified, filename="mie-attivita.ics", private=True)


def _feed_view(feed, token) -> dict:
    if feed is None:
        return {"active": False, "url": None, "webcal_url": None, "created_at": None}
    url = (
        current_app.config["QC_PUBLIC_URL"].rstrip("/")
        + f"/api/v1/users/me/calendar.ics?token={token}"
    )
    webcal = "webcal://" + url.split("://", 1)[1]
    return {"active": True, "url": url, "webcal_url": webcal, "created_at": feed.created_at}


@blp.route("/users/me/calendar-feed")
class MyCalendarFeed(MethodView):
    @login_required
    @blp.response(200, CalendarFeedSchema)
    def get(self):
        """My secret calendar-feed address (if I made one): subscribe to it in a calendar
        app. The server keeps only a nonce and a hash, and derives the token again."""
        return _feed_view(*service.calendar_feed(require_login()))

    @login_required
    @blp.response(201, CalendarFeedSchema)
    def post(self):
        """Make a new secret feed address; the previous one stops working."""
        return _feed_view(*service.regenerate_calendar_feed(require_login()))

    @login_required
    @blp.response(204)
    def delete(self):
        """Switch my feed off: its address stops working."""
        service.revoke_calendar_feed(require_login())


# --- kiosk --------------------------------------------------------------------------


@blp.route("/spaces/<string:space_ref>/kiosk")
class Kiosk(MethodView):
    @blp.response(200, KioskSchema)
    def get(self, space_ref):
        """The lodge screen of a space (public): today's sessions not yet over and the next
        ones, with seats left. Live updates: Socket.IO `auth: {kiosk: "<slug>"}`, event
        `session.seats` `{session_id, activity_id, space_id, status, starts_at, ends_at,
        capacity, confirmed, seats_left, waitlisted}`."""
        space: Space = places.get_space(space_ref)
        data = service.kiosk(space)
        data["socket"] = {
            "path": "/socket.io",
            "auth": {"kiosk": space.slug},
            "room": kiosk_room(space.id),
            "event": EVENT_SEATS,
        }
        return data
