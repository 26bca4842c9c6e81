"""Live seat counts for the kiosk screens: Socket.IO events to a public room per space.

Only public facts travel here (a session's status and seat counts, never a person), to
``kiosk:space:<id>``, which anonymous kiosk clients may join (notifications/live.py).
Emitted only once the transaction has committed, so a screen never shows a registration
that was rolled back.
"""

from __future__ import annotations

from qc_platform.activities.models import seats_left
from qc_platform.core.after_commit import after_commit
from qc_platform.extensions import socketio
from qc_platform.notifications.live import kiosk_room

EVENT_SEATS = "session.seats"


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
    after_commit(lambda: socketio.emit(EVENT_SEATS, payload, to=room))
