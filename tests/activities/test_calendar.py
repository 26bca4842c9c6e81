"""Calendar feeds, read back by independent libraries (icalendar + recurring-ical-events),
not by the code that wrote them; and the schema.org JSON-LD, read by a JSON-LD processor."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import recurring_ical_events
import time_machine
from pyld import jsonld
from sqlalchemy import select

from qc_platform.activities.models import Registration
from qc_platform.core.clock import ROME
from qc_platform.extensions import db
from tests.activities.helpers import (
    API,
    make_activity,
    operator,
    person,
    rome,
    sessions_of,
)


def _parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.get_data()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded at 75 octets
    return icalendar.Calendar.from_ical(raw)


def _dst_course(operator_):
    """Weekly on Tuesday 18:00, four times, across the change of Sunday 31 October 2027."""
    with time_machine.travel(rome(2027, 10, 1, 12), tick=False):
        return make_activity(
            operator=operator_,
            title="Corso di cucito; livello base, con macchine",
            description="Portate stoffa, filo e pazienza.\nAgo e forbici ci sono già.",
            starts_at=rome(2027, 10, 26, 18),
            ends_at=rome(2027, 10, 26, 19, 30),
            rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=4",
        )


def test_the_space_feed_is_valid_and_its_recurrence_expands_in_milan_time(client):
    operator_ = operator()
    activity = _dst_course(operator_)
    cancelled = sessions_of(activity.id)[1]
    response = client.post(
        f"{API}/sessions/{cancelled.id}/cancel", json={}, headers=operator_.headers
    )
    assert response.status_code == 200
    calendar = _parse(client.get(f"{API}/spaces/boccioni/calendar.ics"))

    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Rome"]
    events = calendar.walk("VEVENT")
    assert events and all("UID" in e and "DTSTAMP" in e for e in events)
    master = next(e for e in events if "RRULE" in e)
    assert str(master["SUMMARY"]) == "Corso di cucito; livello base, con macchine"
    assert str(master["DESCRIPTION"]).startswith(
        "Portate stoffa, filo e pazienza.\nAgo e forbici ci sono già."
    )

    occurrences = recurring_ical_events.of(calendar).between(date(2027, 10, 1), date(2028, 1, 1))
    ours = [o for o in occurrences if str(o["UID"]) == str(master["UID"])]
    starts = [o["DTSTART"].dt for o in ours]
    assert [s.astimezone(ROME).strftime("%d/%m %H:%M") for s in starts] == [
        "26/10 18:00",
        "02/11 18:00",
        "09/11 18:00",
        "16/11 18:00",
    ]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=2)] + [timedelta(hours=1)] * 3
    statuses = [str(o.get("STATUS", "CONFIRMED")) for o in ours]
    assert statuses == ["CONFIRMED", "CANCELLED", "CONFIRMED", "CONFIRMED"]


def test_the_all_activities_feed_has_every_space(client):
    make_activity(title="Doposcuola", rrule=None)
    make_activity(slug="faenza", title="Serata di musica", rrule=None)
    calendar = _parse(client.get(f"{API}/activities/calendar.ics"))
    titles = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert {"Doposcuola", "Serata di musica"} <= titles
    faenza = _parse(client.get(f"{API}/spaces/faenza/calendar.ics"))
    assert {str(e["SUMMARY"]) for e in faenza.walk("VEVENT")} == {"Serata di musica"}
    assert client.get(f"{API}/spaces/nowhere/calendar.ics").status_code == 404


def test_calendar_apps_polling_get_304_until_something_changes(client):
    operator_ = operator()
    activity = make_activity(operator=operator_, rrule="FREQ=WEEKLY;COUNT=2")
    first = client.get(f"{API}/spaces/boccioni/calendar.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert (
        client.get(
            f"{API}/spaces/boccioni/calendar.ics", headers={"If-None-Match": etag}
        ).status_code
        == 304
    )
    assert (
        client.get(
            f"{API}/spaces/boccioni/calendar.ics", headers={"If-Modified-Since": modified}
        ).status_code
        == 304
    )
    session_id = sessions_of(activity.id)[0].id
    with time_machine.travel(timedelta(seconds=5)):
        client.post(f"{API}/sessions/{session_id}/cancel", json={}, headers=operator_.headers)
    changed = client.get(f"{API}/spaces/boccioni/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b"STATUS:CANCELLED" in changed.get_data()


def test_my_feed_behind_a_secret_token_and_regenerating_it(client):
    activity = make_activity(rrule="FREQ=WEEKLY;COUNT=3", capacity=1)
    first, second, _ = sessions_of(activity.id)
    me, other = person(), person()
    client.post(f"{API}/sessions/{first.id}/registrations", headers=other.headers)
    client.post(f"{API}/sessions/{first.id}/registrations", headers=me.headers)  # waitlisted
    client.post(f"{API}/sessions/{second.id}/registrations", headers=me.headers)

    assert (
        client.get(f"{API}/users/me/calendar-feed", headers=me.headers).get_json()["active"]
        is False
    )
    made = client.post(f"{API}/users/me/calendar-feed", headers=me.headers)
    assert made.status_code == 201
    feed = made.get_json()
    assert feed["webcal_url"].startswith("webcal://")
    # The owner can see the address again.
    assert (
        client.get(f"{API}/users/me/calendar-feed", headers=me.headers).get_json()["url"]
        == feed["url"]
    )
    url = urlsplit(feed["url"])
    path = f"{url.path}?{url.query}"
    calendar = _parse(client.get(path))  # no cookie, no bearer: a calendar app
    events = {e["DTSTART"].dt: e for e in calendar.walk("VEVENT")}
    assert len(events) == 2
    statuses = sorted(str(e["STATUS"]) for e in events.values())
    assert statuses == ["CONFIRMED", "TENTATIVE"]  # waitlisted for the first one

    again = client.post(f"{API}/users/me/calendar-feed", headers=me.headers).get_json()
    assert again["url"] != feed["url"]
    assert client.get(path).status_code == 404
    assert client.delete(f"{API}/users/me/calendar-feed", headers=me.headers).status_code == 204
    new_url = urlsplit(again["url"])
    assert client.get(f"{new_url.path}?{new_url.query}").status_code == 404
    assert client.get(f"{API}/users/me/calendar.ics").status_code == 401
    assert client.get(f"{API}/users/me/calendar.ics", headers=me.headers).status_code == 200
    assert client.get(f"{API}/users/me/calendar.ics?token=qcf_guess").status_code == 404


def _schema_org_loader(url, options=None):
    """schema.org's context, offline: every term is a schema.org IRI."""
    assert url.rstrip("/") in {"https://schema.org", "http://schema.org"}
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": "https://schema.org/"}},
    }


def test_the_event_json_ld_expands_to_schema_org(client):
    operator_ = operator()
    activity = make_activity(
        operator=operator_, description="Lezione </script> di prova", capacity=3
    )
    detail = client.get(f"{API}/activities/{activity.id}").get_json()
    raw = client.get(f"{API}/activities/{activity.id}/jsonld")
    assert raw.headers["Content-Type"].startswith("application/ld+json")
    assert b"</script" not in raw.get_data()  # safe inside a <script> element
    document = json.loads(raw.get_data())
    assert document == detail["json_ld"]

    (event,) = jsonld.expand(document, {"documentLoader": _schema_org_loader})
    s = "https://schema.org/"
    assert event["@type"] == [s + "Event"]
    assert event[s + "name"][0]["@value"] == "Corso di italiano"
    start = datetime.fromisoformat(event[s + "startDate"][0]["@value"])
    assert start == datetime.fromisoformat(detail["next_session"]["starts_at"])
    assert start.utcoffset() in (timedelta(hours=1), timedelta(hours=2))  # Milan time
    location = event[s + "location"][0]
    assert location["@type"] == [s + "Place"]
    address = location[s + "address"][0]
    assert address[s + "streetAddress"][0]["@value"] == "Via Umberto Boccioni, Milano"
    assert event[s + "organizer"][0]["@type"] == [s + "Organization"]
    assert event[s + "eventStatus"][0]["@value"] == s + "EventScheduled"

    session_id = detail["next_session"]["id"]
    client.post(f"{API}/sessions/{session_id}/cancel", json={}, headers=operator_.headers)
    cancelled = client.get(f"{API}/activities/{activity.id}").get_json()["json_ld"]
    assert cancelled["eventStatus"] == s + "EventCancelled"


def test_my_feed_changes_when_a_registration_is_cancelled(client):
    activity = make_activity(rrule="FREQ=WEEKLY;COUNT=2")
    first, second = sessions_of(activity.id)
    me = person()
    client.post(f"{API}/sessions/{first.id}/registrations", headers=me.headers)
    kept = client.post(f"{API}/sessions/{second.id}/registrations", headers=me.headers)
    before = client.get(f"{API}/users/me/calendar.ics", headers=me.headers)
    registration_id = db.session.scalar(
        select(Registration.id).where(
            Registration.session_id == first.id, Registration.user_id == me.id
        )
    )
    with time_machine.travel(timedelta(seconds=10)):
        assert (
            client.delete(f"{API}/registrations/{registration_id}", headers=me.headers).status_code
            == 204
        )
    # A calendar app that only sends If-Modified-Since still sees the event go.
    after = client.get(
        f"{API}/users/me/calendar.ics",
        headers={**me.headers, "If-Modified-Since": before.headers["Last-Modified"]},
    )
    assert after.status_code == 200
    assert len(_parse(after).walk("VEVENT")) == 1
    assert kept.status_code == 201


def _events(response) -> list[icalendar.Event]:
    return list(_parse(response).walk("VEVENT"))


def _uid_kind(event) -> str:
    """``activity`` or ``session``: what the event's UID names."""
    return str(event["UID"]).split("-", 1)[0]


def test_occurrences_without_a_session_are_exdates_of_the_series(client, app, monkeypatch):
    """With the session cap at two and the horizon not extended in time, the third day never
    got a session: the feed must not show it."""
    monkeypatch.setitem(app.config, "QC_ACTIVITIES_MAX_SESSIONS", 2)
    activity = make_activity(rrule="FREQ=DAILY", capacity=None)
    with time_machine.travel(activity.starts_at + timedelta(days=2, hours=1), tick=False):
        assert app.test_cli_runner().invoke(args=["qc", "activities-extend"]).exit_code == 0
    first = activity.starts_at.astimezone(ROME)
    days = [s.starts_at.astimezone(ROME) for s in sessions_of(activity.id)]
    assert days == [first, first + timedelta(days=1), first + timedelta(days=3)]
    (master,) = _events(client.get(f"{API}/spaces/boccioni/calendar.ics"))
    assert _uid_kind(master) == "activity" and "RRULE" in master
    assert [d.dt.astimezone(ROME) for d in master["EXDATE"].dts] == [first + timedelta(days=2)]


def test_sessions_kept_from_an_earlier_schedule_are_events_of_their_own(client):
    operator_ = operator()
    activity = make_activity(operator=operator_, rrule="FREQ=WEEKLY;COUNT=3")
    tuesday = sessions_of(activity.id)[0]
    client.post(f"{API}/sessions/{tuesday.id}/registrations", headers=person().headers)
    wednesday = activity.starts_at + timedelta(days=1)
    response = client.patch(
        f"{API}/activities/{activity.id}",
        json={
            "starts_at": wednesday.isoformat(),
            "ends_at": (wednesday + timedelta(hours=1)).isoformat(),
        },
        headers=operator_.headers,
    )
    assert response.status_code == 200, response.get_json()
    events = _events(client.get(f"{API}/spaces/boccioni/calendar.ics"))
    assert sorted((_uid_kind(e), str(e["STATUS"]), "RRULE" in e) for e in events) == [
        ("activity", "CONFIRMED", True),
        ("session", "CANCELLED", False),
    ]
    kept = next(e for e in events if _uid_kind(e) == "session")
    assert str(kept["UID"]).startswith(f"session-{tuesday.id}@")
    assert kept["DTSTART"].dt == tuesday.starts_at
    assert "EXDATE" not in next(e for e in events if _uid_kind(e) == "activity")


def test_a_series_made_one_off_keeps_its_cancelled_sessions_as_their_own_events(client):
    operator_ = operator()
    activity = make_activity(operator=operator_, rrule="FREQ=WEEKLY;COUNT=3")
    first, second, _ = sessions_of(activity.id)
    client.post(f"{API}/sessions/{second.id}/registrations", headers=person().headers)
    response = client.patch(
        f"{API}/activities/{activity.id}", json={"rrule": None}, headers=operator_.headers
    )
    assert response.status_code == 200, response.get_json()
    events = _events(client.get(f"{API}/spaces/boccioni/calendar.ics"))
    assert sorted((str(e["UID"]).split("@")[0], str(e["STATUS"])) for e in events) == [
        (f"activity-{activity.id}", "CONFIRMED"),
        (f"session-{second.id}", "CANCELLED"),
    ]
    assert not any("RRULE" in e for e in events)


def test_the_json_ld_of_a_paid_full_weekly_course(client):
    operator_ = operator()
    activity = make_activity(
        operator=operator_,
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=4",
        capacity=1,
        price_cents=250,
        audience="elderly",
        languages=["it", "en"],
        accessibility_notes="Senza gradini.",
    )
    session_id = sessions_of(activity.id)[0].id
    client.post(f"{API}/sessions/{session_id}/registrations", headers=person().headers)
    document = client.get(f"{API}/activities/{activity.id}/jsonld").get_json()
    start = activity.starts_at.astimezone(ROME)
    url = document["url"]
    assert url.endswith(f"/attivita/{activity.id}")
    assert document["offers"] == {
        "@type": "Offer",
        "price": "2.50",
        "priceCurrency": "EUR",
        "url": url,
        "availability": "https://schema.org/SoldOut",
    }
    assert document["isAccessibleForFree"] is False
    assert document["accessibilitySummary"] == "Senza gradini."
    assert document["inLanguage"] == ["it", "en"]
    assert document["audience"] == {"@type": "Audience", "audienceType": "older people"}
    assert (document["maximumAttendeeCapacity"], document["remainingAttendeeCapacity"]) == (1, 0)
    assert document["eventSchedule"] == {
        "@type": "Schedule",
        "repeatFrequency": "P1W",
        "startDate": start.date().isoformat(),
        "startTime": "18:00:00",
        "endTime": "19:30:00",
        "scheduleTimezone": "Europe/Rome",
        "byDay": ["https://schema.org/Tuesday"],
        "repeatCount": 4,
    }
    assert document["location"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Via Umberto Boccioni, Milano",
        "addressLocality": "Milano",
        "addressRegion": "MI",
        "addressCountry": "IT",
    }
    assert document["organizer"]["@type"] == "Organization" and document["organizer"]["name"]
