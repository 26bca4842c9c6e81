"""What the API shows of activities and registrations, and their schema.org JSON-LD."""

from __future__ import annotations

from flask import current_app

from qc_platform.activities import recurrence, service
from qc_platform.activities.models import (
    Activity,
    ActivitySession,
    Audience,
    Registration,
    SessionStatus,
)
from qc_platform.core.clock import ROME
from qc_platform.extensions import db
from qc_platform.places.models import Organisation, Space

SCHEMA = "https://schema.org/"
AUDIENCE_TYPES = {
    Audience.EVERYONE: "everyone",
    Audience.CHILDREN: "children",
    Audience.YOUNG_PEOPLE: "young people (15-35)",
    Audience.FAMILIES: "families",
    Audience.ELDERLY: "older people",
    Audience.WOMEN: "women",
    Audience.MIGRANTS: "migrants",
}
_DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_FREQUENCY = {"DAILY": "D", "WEEKLY": "W", "MONTHLY": "M", "YEARLY": "Y"}


def page_link(activity_id: int) -> str:
    """The activity's page in the web app."""
    return f"/attivita/{activity_id}"


def _public_url(path: str) -> str:
    return current_app.config["QC_PUBLIC_URL"].rstrip("/") + path


def _local(moment) -> str:
    return moment.astimezone(ROME).isoformat()


def _schedule(activity: Activity) -> dict | None:
    """schema.org ``Schedule`` of a recurring activity (from its RRULE)."""
    if not activity.rrule:
        return None
    parts = dict(part.split("=", 1) for part in activity.rrule.split(";"))
    start, end = activity.starts_at.astimezone(ROME), activity.ends_at.astimezone(ROME)
    schedule = {
        "@type": "Schedule",
        "repeatFrequency": f"P{parts.get('INTERVAL', '1')}{_FREQUENCY[parts['FREQ']]}",
        "startDate": start.date().isoformat(),
        "startTime": start.strftime("%H:%M:%S"),
        "endTime": end.strftime("%H:%M:%S"),
        "scheduleTimezone": "Europe/Rome",
    }
    if "BYDAY" in parts:
        days = [day[-2:] for day in parts["BYDAY"].split(",")]
        schedule["byDay"] = [SCHEMA + _DAY_NAMES[day] for day in dict.fromkeys(days)]
    if "BYMONTHDAY" in parts:
        schedule["byMonthDay"] = [int(d) for d in parts["BYMONTHDAY"].split(",")]
    if "BYMONTH" in parts:
        schedule["byMonth"] = [int(m) for m in parts["BYMONTH"].split(",")]
    if "COUNT" in parts:
        schedule["repeatCount"] = int(parts["COUNT"])
    if "UNTIL" in parts:
        until = recurrence.parse(activity.rrule, max_sessions=10**6).until
        schedule["endDate"] = until.astimezone(ROME).date().isoformat()
    return schedule


def json_ld(
    activity: Activity,
    space: Space,
    organisation: Organisation,
    session: ActivitySession | None,
) -> dict:
    """A schema.org ``Event`` for the activity's page, dated by its next session."""
    starts_at = session.starts_at if session else activity.starts_at
    ends_at = session.ends_at if session else activity.ends_at
    cancelled = session is not None and session.status == SessionStatus.CANCELLED
    url = _public_url(page_link(activity.id))
    seats = session.seats_left if session is not None else None
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url,
        "url": url,
        "name": activity.title,
        "description": activity.description,
        "startDate": _local(starts_at),
        "endDate": _local(ends_at),
        "eventStatus": SCHEMA + ("EventCancelled" if cancelled else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "location": _place(space),
        "organizer": _organizer(organisation),
        "inLanguage": list(activity.languages),
        "isAccessibleForFree": activity.free,
        "offers": _offer(activity, url=url, seats=seats),
        "audience": {"@type": "Audience", "audienceType": AUDIENCE_TYPES[activity.audience]},
    }
    if activity.accessibility_notes:
        event["accessibilitySummary"] = activity.accessibility_notes
    if activity.registration_required and activity.capacity is not None:
        event["maximumAttendeeCapacity"] = activity.capacity
        if seats is not None:
            event["remainingAttendeeCapacity"] = seats
    schedule = _schedule(activity)
    if schedule:
        event["eventSchedule"] = schedule
    return event


def _place(space: Space) -> dict:
    return {
        "@type": "Place",
        "name": space.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": space.address,
            "addressLocality": "Milano",
            "addressRegion": "MI",
            "addressCountry": "IT",
        },
    }


def _organizer(organisation: Organisation) -> dict:
    organizer = {"@type": "Organization", "name": organisation.name}
    if organisation.website:
        organizer["url"] = organisation.website
    return organizer


def _offer(activity: Activity, *, url: str, seats: int | None) -> dict:
    """Its price in euros, sold out when the next session has no seat left."""
    return {
        "@type": "Offer",
        "price": f"{activity.price_cents // 100}.{activity.price_cents % 100:02d}",
        "priceCurrency": "EUR",
        "url": url,
        "availability": SCHEMA + ("SoldOut" if seats == 0 else "InStock"),
    }


def present_activity(activity: Activity) -> dict:
    space = activity.space
    organisation = db.session.get(Organisation, space.organisation_id)
    session = service.next_session(activity)
    if session is not None:
        session.activity = activity
    return {
        "id": activity.id,
        "space_id": activity.space_id,
        "space": space,
        "organisation": organisation,
        "title": activity.title,
        "description": activity.description,
        "category": activity.category.code,
        "audience": activity.audience,
        "languages": activity.languages,
        "accessibility_notes": activity.accessibility_notes,
        "price_cents": activity.price_cents,
        "free": activity.free,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "rrule": activity.rrule,
        "capacity": activity.capacity,
        "registration_required": activity.registration_required,
        "created_at": activity.created_at,
        "updated_at": activity.updated_at,
        "next_session": session,
        "json_ld": json_ld(activity, space, organisation, session),
    }


def _registration(registration: Registration, positions: dict[int, int]) -> dict:
    return {
        "id": registration.id,
        "session_id": registration.session_id,
        "status": registration.status,
        "waitlist_position": positions.get(registration.id),
        "attended": registration.attended,
        "created_at": registration.created_at,
        "promoted_at": registration.promoted_at,
        "cancelled_at": registration.cancelled_at,
    }


def present_registration(registration: Registration) -> dict:
    return _registration(registration, service.waitlist_positions([registration]))


def present_session_registrations(registrations: list[Registration]) -> list[dict]:
    """For the space's operators: who each registration is."""
    people = service.registrants(registrations)
    positions = service.waitlist_positions(registrations)
    items = []
    for registration in registrations:
        person = people.get(registration.user_id)
        item = _registration(registration, positions)
        item["person"] = (
            {"id": person.id, "display_name": person.display_name} if person is not None else None
        )
        item["desk_name"] = registration.desk_name
        items.append(item)
    return items


def present_my_registrations(user, sessions: list[ActivitySession]) -> list[dict]:
    mine = service.registrations_for(user, sessions)
    positions = service.waitlist_positions(list(mine.values()))
    items = []
    for session in sessions:
        item = _registration(mine[session.id], positions)
        item["session"] = session
        items.append(item)
    return items
