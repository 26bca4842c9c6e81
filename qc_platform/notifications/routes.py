"""Notifications API: my notifications, reading them, my e-mail preferences."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from qc_platform.core.pagination import paginate
from qc_platform.core.permissions import login_required, require_login
from qc_platform.notifications import (
    messages,  # noqa: F401 - registers the texts
    service,
)
from qc_platform.notifications.models import Notification
from qc_platform.notifications.schemas import (
    NotificationPageSchema,
    NotificationQueryArgsSchema,
    NotificationSchema,
    PreferencesSchema,
    PreferencesUpdateSchema,
    ReadAllSchema,
)

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/v1",
    description="Stored notifications (also sent live on Socket.IO as `notification`) "
    "and e-mail preferences.",
)


@blp.route("/notifications")
class Notifications(MethodView):
    @login_required
    @blp.arguments(NotificationQueryArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, NotificationPageSchema)
    def get(self, unread, limit, cursor):
        """My notifications, newest first, with the number still unread."""
        user = require_login()
        page = paginate(
            service.notifications_of(user, unread_only=unread),
            keys=[Notification.id],
            limit=limit,
            cursor=cursor,
            descending=True,
        )
        return {
            "items": page.items,
            "next_cursor": page.next_cursor,
            "unread_count": service.unread_count(user),
        }


@blp.route("/notifications/<int:notification_id>/read")
class NotificationRead(MethodView):
    @login_required
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        """Mark one of my notifications as read."""
        return service.mark_read(user=require_login(), notification_id=notification_id)


@blp.route("/notifications/read-all")
class NotificationsReadAll(MethodView):
    @login_required
    @blp.response(200, ReadAllSchema)
    def post(self):
        """Mark all my notifications as read."""
        updated = service.mark_all_read(user=require_login())
        return {"updated": updated, "unread_count": 0}


@blp.route("/notifications/preferences")
class Preferences(MethodView):
    @login_required
    @blp.response(200, PreferencesSchema)
    def get(self):
        """Which kinds of notification I also receive by e-mail."""
        return _preferences()

    @login_required
    @blp.arguments(PreferencesUpdateSchema)
    @blp.response(200, PreferencesSchema)
    def put(self, data):
        """Choose, per kind, whether to receive it by e-mail too."""
        service.set_preferences(user=require_login(), preferences=data["preferences"])
        return _preferences()


def _preferences() -> dict:
    return {
        "items": service.preferences_of(require_login()),
        "next_cursor": None,
        "email_enabled": bool(current_app.config.get("QC_SMTP_URL")),
    }
