"""Activities: publishing, sessions over a rolling horizon, registrations and waitlists.

Services add and flush; the request (or CLI command) commits. Seat counts change only
while the session's row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
writers are serialised by ``BEGIN IMMEDIATE``), so concurrent registrations can never
confirm more people than the capacity.

One file per concern; each imports only the ones listed before it:

- ``limits``: the bounds of a schedule (durations, lead time, horizon, session cap);
- ``categories`` and ``loading``: categories by code, activities and sessions by id;
- ``registrations``: registering, cancelling, the waitlist, attendance;
- ``sessions``: cancelling a session, the public searches, the kiosk;
- ``horizon``: sessions materialised over the rolling horizon, fitted to a new schedule;
- ``publishing``: creating and changing an activity;
- ``seeding``: categories and demo activities;
- ``feeds``: the calendars' contents and the personal feed's token.

Callers use the package as one namespace: ``from qc_platform.activities import service``.
"""

from qc_platform.activities.service.categories import categories, category_by_code
from qc_platform.activities.service.feeds import (
    FEED_TOKEN_PREFIX,
    FEED_WINDOW_PAST,
    calendar_feed,
    feed_activities,
    last_registration_change,
    personal_feed,
    regenerate_calendar_feed,
    revoke_calendar_feed,
    user_for_feed_token,
)
from qc_platform.activities.service.horizon import extend_horizon
from qc_platform.activities.service.limits import (
    LONGEST_SESSION,
    MAX_LEAD_TIME,
    MAX_ONE_OFF_DURATION,
    MAX_RECURRING_DURATION,
    horizon,
    max_sessions,
)
from qc_platform.activities.service.loading import get_activity, get_session
from qc_platform.activities.service.publishing import (
    SCHEDULE_FIELDS,
    create_activity,
    update_activity,
)
from qc_platform.activities.service.registrations import (
    attendance_summary,
    cancel_registration,
    get_registration_visible,
    my_sessions,
    record_attendance,
    register,
    registrants,
    registrations_for,
    registrations_of_session,
    waitlist_positions,
)
from qc_platform.activities.service.seeding import seed_categories, seed_demo_activities
from qc_platform.activities.service.sessions import (
    cancel_session,
    kiosk,
    next_session,
    search_sessions,
    sessions_of,
)

__all__ = [
    "FEED_TOKEN_PREFIX",
    "FEED_WINDOW_PAST",
    "LONGEST_SESSION",
    "MAX_LEAD_TIME",
    "MAX_ONE_OFF_DURATION",
    "MAX_RECURRING_DURATION",
    "SCHEDULE_FIELDS",
    "attendance_summary",
    "calendar_feed",
    "cancel_registration",
    "cancel_session",
    "categories",
    "category_by_code",
    "create_activity",
    "extend_horizon",
    "feed_activities",
    "get_activity",
    "get_registration_visible",
    "get_session",
    "horizon",
    "kiosk",
    "last_registration_change",
    "max_sessions",
    "my_sessions",
    "next_session",
    "personal_feed",
    "record_attendance",
    "regenerate_calendar_feed",
    "register",
    "registrants",
    "registrations_for",
    "registrations_of_session",
    "revoke_calendar_feed",
    "search_sessions",
    "seed_categories",
    "seed_demo_activities",
    "sessions_of",
    "update_activity",
    "user_for_feed_token",
    "waitlist_positions",
]
