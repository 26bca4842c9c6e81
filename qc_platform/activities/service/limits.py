"""The bounds of a schedule: how long a session lasts, how far ahead, how many sessions."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

MAX_RECURRING_DURATION = timedelta(hours=24)
MAX_ONE_OFF_DURATION = timedelta(days=14)
MAX_LEAD_TIME = timedelta(days=730)
# No session lasts longer (a recurring one's 24 hours may be 25 across a DST change), so a
# session under way at an instant started at most this long before it: the lower bound
# that lets "sessions overlapping [from, to)" read a range of the starts_at index instead
# of every session since the first.
LONGEST_SESSION = MAX_ONE_OFF_DURATION


def horizon() -> timedelta:
    return timedelta(days=current_app.config["QC_ACTIVITIES_HORIZON_DAYS"])


def max_sessions() -> int:
    return current_app.config["QC_ACTIVITIES_MAX_SESSIONS"]
