"""Notifications sent live: the ``notification`` event to each recipient's room.

The channel itself (rooms, authentication, caps) is core's (``qc_platform.core.live``).
"""

from __future__ import annotations

from qc_platform.core.live import emit_to_users

EVENT_NOTIFICATION = "notification"


def payload(notification, unread_count: int) -> dict:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "created_at": notification.created_at.isoformat(),
        "unread_count": unread_count,
    }


def emit_notifications(payloads: list[tuple[int, dict]]) -> None:
    for user_id, data in payloads:
        emit_to_users(EVENT_NOTIFICATION, data, [user_id])
