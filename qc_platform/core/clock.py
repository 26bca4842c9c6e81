"""The one source of "now": timezone-aware UTC in storage, Europe/Rome at the edges."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")


def utcnow() -> datetime:
    return datetime.now(UTC)
