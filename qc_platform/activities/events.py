"""Live seat counts for the kiosk screens: Socket.IO events to a public room per space.

Only public facts travel here (a session's status and seat counts, never a person), to
``kiosk:space:<id>``, which anonymous kiosk clients may join (``auth: {kiosk: "<slug>"}``,
an anonymous channel of the live channel, ``core/live.py``).
Emitted only once the transaction has committed, so a screen never shows a registration
that was rolled back.
"""

from __future__ import annotations

from qc_platform.activities.models import seats_left
from qc_platform.core.after_commit import after_commit
from qc_platform.core.errors import NotFound
from qc_platform.core.live import publish
from qc_platform.places import service as places

EVENT_SEATS = "session.seats"


def kiosk_room(space_id: int) -> str:
    """The public room of a space's kiosk screen: seat counts only, never anything personal."""
    return f"kiosk:space:{space_id}"


def kiosk_room_for(space_ref) -> str | None:
    """The kiosk room a screen asks for by the space's slug (or id), or None if none."""
    if not isinstance(space_ref, str) or not 1 <= len(space_ref) <= 80:
        return None
    try:
        return kiosk_room(places.get_space(space_ref).id)
    except NotFound:
        return None


def seats_payload(session, activity) -> dict:
    return {
        "session_id": session.id,
        "activity_id": activity.id,
        "space_id": activity.space_id,
        "status": session.status,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "capacity": activity.capacity if activity.registration_required else None,
        "confirmed": session.confirmed_count,
        "seats_left": seats_left(session, activity),
        "waitlisted": session.waitlisted_count,
    }


def announce_seats(session, activity) -> None:
    """Queue a ``session.seats`` event (a snapshot taken now) for after the commit."""
    payload = seats_payload(session, activity)
    room = kiosk_room(activity.space_id)
    after_commit(lambda: publish(EVENT_SEATS, payload, to=room))
