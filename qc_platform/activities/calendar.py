"""iCalendar (RFC 5545) feeds, written by hand: a few dozen lines, no dependency.

- Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character);
  TEXT values are escaped (``\\``, ``;``, ``,``, newlines).
- Every event has a UID (stable: ``activity-<id>@host``, ``session-<id>@host``) and a
  DTSTAMP: without a METHOD, RFC 5545 makes it the time the event was last revised (its
  ``updated_at``), so an unchanged feed is byte for byte the same, and so is its ETag.
- Times are local ``TZID=Europe/Rome`` with the VTIMEZONE included, so a recurring event
  keeps its clock time across daylight-saving changes in every calendar app.
- A recurring activity is one event with its RRULE; a cancelled session is an override
  (RECURRENCE-ID) with ``STATUS:CANCELLED``; occurrences that have no session (removed
  when the series changed) are EXDATEs; sessions kept from an earlier schedule of the
  series are events of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app

from qc_platform.activities import recurrence
from qc_platform.activities.models import (
    Activity,
    ActivitySession,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from qc_platform.activities.presenters import page_link
from qc_platform.core.clock import ROME

CRLF = "\r\n"
TZID = "Europe/Rome"
# Europe/Rome since 1996 (EU rules): what calendar apps need to place TZID times.
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (RFC 5545 §3.1)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    chunks, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a UTF-8 character
            end -= 1
        chunks.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines start with a space
    return (CRLF + " ").join(chunks)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime) -> str:
    return moment.astimezone(ROME).strftime("%Y%m%dT%H%M%S")


def _host() -> str:
    return urlsplit(current_app.config["QC_PUBLIC_URL"]).hostname or "quartiericonnessi"


def _page_url(activity_id: int) -> str:
    return current_app.config["QC_PUBLIC_URL"].rstrip("/") + page_link(activity_id)


class _Writer:
    def __init__(self):
        self.lines: list[str] = []
        self.last_modified: datetime | None = None

    def add(self, name: str, value: str) -> None:
        self.lines.append(fold(f"{name}:{value}"))

    def text(self, name: str, value: str) -> None:
        self.add(name, escape_text(value))

    def touch(self, moment: datetime) -> None:
        if self.last_modified is None or moment > self.last_modified:
            self.last_modified = moment


def _describe(writer: _Writer, activity: Activity, *, summary_prefix: str = "") -> None:
    space = activity.space
    writer.text("SUMMARY", summary_prefix + activity.title)
    url = _page_url(activity.id)
    description = f"{activity.description}\n\n{url}" if activity.description else url
    writer.text("DESCRIPTION", description)
    writer.text("LOCATION", f"{space.name}, {space.address}")
    writer.text("CATEGORIES", activity.category.name_it)
    writer.add("URL;VALUE=URI", url)


def _event(
    writer: _Writer,
    *,
    uid: str,
    stamp: datetime,
    activity: Activity,
    starts_at: datetime,
    ends_at: datetime,
    status: str,
    extra: Iterable[tuple[str, str]] = (),
    summary_prefix: str = "",
) -> None:
    writer.touch(stamp)
    writer.add("BEGIN", "VEVENT")
    writer.add("UID", uid)
    writer.add("DTSTAMP", _utc(stamp))
    writer.add("LAST-MODIFIED", _utc(stamp))
    for name, value in extra:
        writer.add(name, value)
    writer.add(f"DTSTART;TZID={TZID}", _local(starts_at))
    writer.add(f"DTEND;TZID={TZID}", _local(ends_at))
    writer.add("STATUS", status)
    _describe(writer, activity, summary_prefix=summary_prefix)
    writer.add("END", "VEVENT")


def _status(session: ActivitySession) -> str:
    return "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED"


def _activity_events(writer: _Writer, activity: Activity, sessions: list[ActivitySession]) -> None:
    host = _host()
    uid = f"activity-{activity.id}@{host}"
    if not activity.rrule:
        for session in sessions:
            own = uid if session.recurrence_id is None else f"session-{session.id}@{host}"
            _session_event(writer, activity, session, uid=own)
        return
    generated = _generated_occurrences(activity, sessions)
    by_start = {o.starts_at: o for o in generated}
    matched = {s.recurrence_id: s for s in sessions if s.recurrence_id in by_start}
    exdates = [o.starts_at for o in generated if o.starts_at not in matched]
    _series_event(writer, activity, uid=uid, exdates=exdates)
    for session in sessions:
        occurrence = by_start.get(session.recurrence_id)
        if occurrence is None or matched.get(session.recurrence_id) is not session:
            # From an earlier schedule of the series: an event of its own.
            _session_event(writer, activity, session, uid=f"session-{session.id}@{host}")
        elif _differs(session, occurrence):
            _session_event(
                writer,
                activity,
                session,
                uid=uid,
                extra=[(f"RECURRENCE-ID;TZID={TZID}", _local(occurrence.starts_at))],
            )
        # else the RRULE says it all


def _generated_occurrences(
    activity: Activity, sessions: list[ActivitySession]
) -> list[recurrence.Occurrence]:
    """The series' occurrences up to its last session (at least its first)."""
    rule = recurrence.parse(activity.rrule, max_sessions=10**6)
    last = max((s.starts_at for s in sessions), default=activity.starts_at)
    return recurrence.occurrences(
        rule,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        until=last,
        limit=len(sessions) + 1000,
    )


def _series_event(
    writer: _Writer, activity: Activity, *, uid: str, exdates: list[datetime]
) -> None:
    """The series as one event with its RRULE, less the occurrences that have no session."""
    extra = [("RRULE", activity.rrule)]
    if exdates:
        extra.append((f"EXDATE;TZID={TZID}", ",".join(_local(d) for d in exdates)))
    _event(
        writer,
        uid=uid,
        stamp=activity.updated_at,
        activity=activity,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        status="CONFIRMED",
        extra=extra,
    )


def _differs(session: ActivitySession, occurrence: recurrence.Occurrence) -> bool:
    """Whether the session is not what its occurrence of the RRULE says (cancelled, moved)."""
    unchanged = (session.starts_at, session.ends_at) == (occurrence.starts_at, occurrence.ends_at)
    return not unchanged or session.status != SessionStatus.SCHEDULED


def _session_event(
    writer: _Writer,
    activity: Activity,
    session: ActivitySession,
    *,
    uid: str,
    extra: Iterable[tuple[str, str]] = (),
) -> None:
    _event(
        writer,
        uid=uid,
        stamp=max(activity.updated_at, session.updated_at),
        activity=activity,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        status=_status(session),
        extra=extra,
    )


def _calendar(name: str, body: _Writer) -> str:
    head = _Writer()
    head.add("BEGIN", "VCALENDAR")
    head.add("VERSION", "2.0")
    head.add("PRODID", "-//Quartieri Connessi//Attivita 1.0//IT")
    head.add("CALSCALE", "GREGORIAN")
    head.text("X-WR-CALNAME", name)
    head.add("X-WR-TIMEZONE", TZID)
    head.add("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
    head.add("X-PUBLISHED-TTL", "PT1H")
    lines = head.lines + VTIMEZONE + body.lines + ["END:VCALENDAR"]
    return CRLF.join(lines) + CRLF


def activities_calendar(
    name: str, activities: list[tuple[Activity, list[ActivitySession]]]
) -> tuple[str, datetime | None]:
    """A public feed: ``(text, last modified)``."""
    writer = _Writer()
    for activity, sessions in activities:
        _activity_events(writer, activity, sessions)
    return _calendar(name, writer), writer.last_modified


def personal_calendar(
    name: str, rows: list[tuple[ActivitySession, Registration]]
) -> tuple[str, datetime | None]:
    """My registrations, one event per session; waitlisted ones are TENTATIVE."""
    writer = _Writer()
    host = _host()
    for session, registration in rows:
        waitlisted = registration.status == RegistrationStatus.WAITLISTED
        status = _status(session)
        if waitlisted and status == "CONFIRMED":
            status = "TENTATIVE"
        _event(
            writer,
            uid=f"session-{session.id}@{host}",
            stamp=max(session.activity.updated_at, session.updated_at, registration.updated_at),
            activity=session.activity,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            status=status,
            summary_prefix="[Lista d'attesa] " if waitlisted else "",
        )
    return _calendar(name, writer), writer.last_modified
