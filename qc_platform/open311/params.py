"""Open311's parameters: comma lists, W3C dates, coordinates, flags. Bad values → 400.

Everything here reads text a stranger typed into a query string or a form, so every
function either returns a clean value or raises ``Open311Error(400, …)``; nothing
unparsed reaches the database.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from qc_platform.core.clock import ROME
from qc_platform.core.schemas import MAX_INT
from qc_platform.open311.errors import Open311Error

MAX_IDS = 200
MAX_CODES = 50
MAX_CODE_LENGTH = 40
# "may not span more than 90 days"; without dates, "the most recent 90 days".
MAX_WINDOW = timedelta(days=90)
STATUSES = ("open", "closed")
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST = datetime(9000, 1, 1, tzinfo=UTC)

_ID = re.compile(r"[0-9]{1,10}")
# "+01:00" in a query string that was not percent-encoded arrives as " 01:00".
_UNENCODED_PLUS = re.compile(r"^(.+T[^ ]+) ([0-9]{2}(?::?[0-9]{2})?)$")


def invalid(name: str) -> Open311Error:
    return Open311Error(400, "open311.invalid_parameter", name=name)


def text(source, name: str) -> str | None:
    """A parameter's text; empty counts as absent ("Optional Arguments" in the spec)."""
    return (source.get(name) or "").strip() or None


def text_list(source, name: str) -> str | None:
    """A list parameter: "can be declared multiple times, comma delimited"."""
    return text({name: ",".join(source.getlist(name))}, name)


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def id_list(value: str, name: str = "service_request_id") -> list[int]:
    items = _items(value)
    if not items:
        raise invalid(name)
    if len(items) > MAX_IDS:
        raise Open311Error(400, "open311.too_many_values", name=name, limit=MAX_IDS)
    ids = []
    for item in items:
        if not _ID.fullmatch(item) or not 1 <= int(item) <= MAX_INT:
            raise invalid(name)
        ids.append(int(item))
    return ids


def one_id(value: str, name: str) -> int:
    ids = id_list(value, name)
    if len(ids) != 1:
        raise invalid(name)
    return ids[0]


def code_list(value: str, name: str = "service_code") -> list[str]:
    items = _items(value)
    if not items or any(len(item) > MAX_CODE_LENGTH for item in items):
        raise invalid(name)
    if len(items) > MAX_CODES:
        raise Open311Error(400, "open311.too_many_values", name=name, limit=MAX_CODES)
    return items


def status_list(value: str) -> list[str]:
    items = [item.lower() for item in _items(value)]
    if not items or any(item not in STATUSES for item in items):
        raise invalid("status")
    return items


def w3c_datetime(value: str, name: str) -> datetime:
    """A W3C/ISO 8601 date or date-time; without an offset it is Milan's local time."""
    text = value.strip()
    match = _UNENCODED_PLUS.match(text)
    if match:
        text = f"{match.group(1)}+{match.group(2)}"
    if not text or len(text) > 40:
        raise invalid(name)
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ROME)
    except ValueError:
        raise invalid(name) from None
    # Years near 1 or 9999 would overflow in the 90-day window arithmetic.
    if not _EARLIEST <= parsed <= _LATEST:
        raise invalid(name)
    return parsed


def date_window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The requested_datetime range to search, never wider than 90 days."""
    if start is None and end is None:
        end = now
    if start is None:
        start = end - MAX_WINDOW
    if end is None:
        end = start + MAX_WINDOW
    if end < start:
        raise Open311Error(400, "open311.date_range_inverted")
    if end - start > MAX_WINDOW:
        raise Open311Error(400, "open311.date_range_too_long", days=MAX_WINDOW.days)
    return start, end


def coordinate(value: str, name: str, limit: float) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise invalid(name) from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise invalid(name)
    return number


def flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    text = value.strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no", ""):
        return False
    raise invalid(name)
