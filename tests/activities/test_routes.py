"""The activities API as people use it: operators publish, residents find and register."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from qc_platform.activities.models import ActivitySession, Registration
from qc_platform.core.clock import ROME, utcnow
from qc_platform.extensions import db
from qc_platform.notifications.models import Notification
from tests.activities.helpers import (
    API,
    iso,
    make_activity,
    next_local,
    operator,
    person,
    rome,
    sessions_of,
    space,
)


def _body(**overrides):
    start = overrides.pop("starts_at", None) or next_local(1, 18)
    body = {
        "space_id": space().id,
        "title": "Corso di italiano",
        "description": "Parlare, leggere, scrivere.",
        "category": "course",
        "audience": "migrants",
        "languages": ["it", "ar"],
        "accessibility_notes": "Senza gradini.",
        "starts_at": iso(start),
        "ends_at": iso(start + timedelta(minutes=90)),
        "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=4",
        "capacity": 2,
        "registration_required": True,
    }
    body.update(overrides)
    return body


def _kinds(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id)
        )
    )


def _register(client, session_id, user, **kwargs):
    return client.post(f"{API}/sessions/{session_id}/registrations", headers=user.headers, **kwargs)


# --- publishing ---------------------------------------------------------------------


def test_an_operator_publishes_a_weekly_course_and_its_sessions_exist_at_once(client):
    response = client.post(f"{API}/activities", json=_body(), headers=operator().headers)
    assert response.status_code == 201, response.get_json()
    activity = response.get_json()
    assert activity["rrule"] == "FREQ=WEEKLY;COUNT=4;BYDAY=TU"
    assert activity["space"]["slug"] == "boccioni"
    assert activity["category"] == "course" and activity["free"] is True
    sessions = client.get(f"{API}/activities/{activity['id']}/sessions").get_json()["items"]
    assert len(sessions) == 4
    assert {s["seats_left"] for s in sessions} == {2}
    local = [datetime.fromisoformat(s["starts_at"]).astimezone(ROME) for s in sessions]
    assert {(d.weekday(), d.hour, d.minute) for d in local} == {(1, 18, 0)}
    assert activity["next_session"]["id"] == sessions[0]["id"]


def test_operators_of_another_organisation_and_residents_get_403(client):
    headers = [
        operator("faenza").headers,
        person().headers,
        person(("staff", None, None)).headers,
    ]
    for who in headers:
        assert client.post(f"{API}/activities", json=_body(), headers=who).status_code == 403
    assert client.post(f"{API}/activities", json=_body()).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "starts"}, "ends_at"),
        ({"rrule": "FREQ=HOURLY"}, "rrule"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=WE"}, "rrule"),  # the start is a Tuesday
        ({"rrule": "FREQ=DAILY;COUNT=100000"}, "rrule"),
        ({"rrule": "FREQ=WEEKLY;COUNT=²"}, "rrule"),  # a digit int() cannot read: was a 500
        ({"category": "nope"}, "category"),
        ({"audience": "aliens"}, "audience"),
        ({"languages": ["ita"]}, "languages"),
        ({"capacity": 0}, "capacity"),
        ({"space_id": 999999}, "space_id"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, change, field):
    body = _body()
    if change.get("ends_at") == "starts":
        change = {"ends_at": body["starts_at"]}
    body.update(change)
    response = client.post(
        f"{API}/activities", json=body, headers={**operator().headers, "Accept-Language": "en"}
    )
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    assert db.session.scalar(select(ActivitySession.id)) is None


def test_a_start_in_the_past_is_refused(client):
    start = utcnow() - timedelta(days=1)
    body = _body(starts_at=start, ends_at=iso(start + timedelta(hours=1)), rrule=None)
    response = client.post(f"{API}/activities", json=body, headers=operator().headers)
    assert response.status_code == 422
    assert "starts_at" in response.get_json()["errors"]["json"]


def test_an_unbounded_rule_materialises_only_the_horizon(client, app):
    body = _body(rrule="FREQ=DAILY", capacity=None)
    response = client.post(f"{API}/activities", json=body, headers=operator().headers)
    assert response.status_code == 201
    sessions = sessions_of(response.get_json()["id"])
    end = utcnow() + timedelta(days=app.config["QC_ACTIVITIES_HORIZON_DAYS"])
    # Every day from the start up to the horizon, and not one day more (days counted in
    # Milan: a daylight-saving change inside the horizon shifts the UTC times by an hour).
    assert sessions[-1].starts_at <= end < sessions[-1].starts_at + timedelta(days=1)
    first, last = (s.starts_at.astimezone(ROME).date() for s in (sessions[0], sessions[-1]))
    assert len(sessions) == (last - first).days + 1


def test_qc_activities_extend_rolls_the_horizon_and_is_idempotent(app):
    activity = make_activity(rrule="FREQ=DAILY", capacity=None)
    before = len(sessions_of(activity.id))
    runner = app.test_cli_runner()
    with time_machine.travel(utcnow() + timedelta(days=10), tick=False):
        first = runner.invoke(args=["qc", "activities-extend"])
        assert first.exit_code == 0, first.output
        assert len(sessions_of(activity.id)) == before + 10
        second = runner.invoke(args=["qc", "activities-extend"])
        assert "0 new sessions" in second.output
    assert len(sessions_of(activity.id)) == before + 10


def test_the_session_cap_counts_the_sessions_ahead_so_a_long_series_keeps_rolling(app, monkeypatch):
    """A weekday open desk reaches 500 sessions in under two years: the series must go on
    (and the calendar feed, which publishes the rule, must keep matching the sessions)."""
    monkeypatch.setitem(app.config, "QC_ACTIVITIES_MAX_SESSIONS", 3)
    activity = make_activity(rrule="FREQ=WEEKLY", capacity=None)
    assert len(sessions_of(activity.id)) == 3
    runner = app.test_cli_runner()
    # a day before the third meeting: two are past
    with time_machine.travel(activity.starts_at + timedelta(weeks=1, days=6), tick=False):
        result = runner.invoke(args=["qc", "activities-extend"])
        assert result.exit_code == 0, result.output
        sessions = sessions_of(activity.id)
        ahead = [s for s in sessions if s.starts_at > utcnow()]
    assert len(ahead) == 3
    assert len(sessions) == 5
    local = [s.starts_at.astimezone(ROME) for s in sessions]
    assert {(d.weekday(), d.hour, d.minute) for d in local} == {(1, 18, 0)}
    assert [(b.date() - a.date()).days for a, b in zip(local, local[1:], strict=False)] == [7] * 4


def test_an_until_at_the_edge_of_the_calendar_is_422_not_500(client):
    for until in ("00010101T000000", "99991231T235959Z"):
        response = client.post(
            f"{API}/activities",
            json=_body(rrule=f"FREQ=DAILY;UNTIL={until}"),
            headers=operator().headers,
        )
        assert response.status_code == 422, response.get_json()
        assert "rrule" in response.get_json()["errors"]["json"]


# --- search -------------------------------------------------------------------------


def test_search_is_accent_insensitive_filters_and_pages_by_start(client):
    make_activity(
        title="Caffè letterario",
        category="culture",
        rrule=None,
        capacity=None,
        registration_required=False,
        starts_at=next_local(3, 17),
    )
    make_activity(
        slug="faenza",
        title="Ginnastica dolce",
        category="sport",
        audience="elderly",
        price_cents=500,
        rrule="FREQ=WEEKLY;COUNT=3",
        starts_at=next_local(2, 10),
    )
    found = client.get(f"{API}/activities?q=CAFFE").get_json()["items"]
    assert [s["activity"]["title"] for s in found] == ["Caffè letterario"]
    assert client.get(f"{API}/activities?q=caffè letterario").get_json()["items"]
    assert not client.get(f"{API}/activities?q=caff%25").get_json()["items"]  # % is literal
    assert len(client.get(f"{API}/activities?space=faenza").get_json()["items"]) == 3
    assert len(client.get(f"{API}/activities?area=servizi-animazione").get_json()["items"]) == 3
    assert len(client.get(f"{API}/activities?audience=elderly").get_json()["items"]) == 3
    assert [
        s["activity"]["title"]
        for s in client.get(f"{API}/activities?free=true").get_json()["items"]
    ] == ["Caffè letterario"]
    assert len(client.get(f"{API}/activities?category=sport").get_json()["items"]) == 3
    assert client.get(f"{API}/activities?category=nope").status_code == 422
    assert client.get(f"{API}/activities?space=nowhere").status_code == 422

    seen, cursor = [], None
    while True:
        page = client.get(
            f"{API}/activities?limit=1" + (f"&cursor={cursor}" if cursor else "")
        ).get_json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 4
    starts = [(s["starts_at"], s["id"]) for s in seen]
    assert starts == sorted(starts)
    window = client.get(
        f"{API}/activities",
        query_string={"from": iso(next_local(3, 0)), "to": iso(next_local(3, 23))},
    )
    assert [s["activity"]["title"] for s in window.get_json()["items"]] == ["Caffè letterario"]
    assert (
        client.get(
            f"{API}/activities",
            query_string={"from": iso(next_local(3, 1)), "to": iso(next_local(3, 0))},
        ).status_code
        == 422
    )


def test_a_session_under_way_is_found_however_long_ago_it_began(client):
    """The search reads the starts_at index from `from` minus the longest a session may
    last (14 days): an exhibition of 14 days is still found on its last day, the day after
    it is not; a weekly meeting under way at `from` is found too."""
    opening = next_local(0, 10)
    exhibition = make_activity(
        title="Mostra fotografica del quartiere",
        rrule=None,
        capacity=None,
        registration_required=False,
        starts_at=opening,
        ends_at=opening + timedelta(days=14),
    )
    make_activity(title="Coro", rrule="FREQ=WEEKLY;COUNT=3", starts_at=next_local(1, 18))
    last_day = opening + timedelta(days=13, hours=23)

    def titles(moment, hours=1):
        found = client.get(
            f"{API}/activities",
            query_string={"from": iso(moment), "to": iso(moment + timedelta(hours=hours))},
        ).get_json()["items"]
        return sorted(s["activity"]["title"] for s in found)

    assert titles(last_day) == ["Mostra fotografica del quartiere"]
    assert titles(opening + timedelta(days=14)) == []
    assert titles(next_local(1, 19)) == ["Coro", "Mostra fotografica del quartiere"]
    with time_machine.travel(last_day, tick=False):
        page = client.get(f"{API}/activities/{exhibition.id}").get_json()
        assert page["next_session"] is not None
        assert page["next_session"]["ends_at"] == iso(opening + timedelta(days=14))


# --- registrations ------------------------------------------------------------------


def test_beyond_capacity_people_are_waitlisted_and_a_cancellation_promotes_the_first(client):
    activity = make_activity(capacity=2)
    session_id = sessions_of(activity.id)[0].id
    people = [person() for _ in range(4)]
    statuses = [_register(client, session_id, p).get_json() for p in people]
    assert [s["status"] for s in statuses] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [s["waitlist_position"] for s in statuses] == [None, None, 1, 2]
    session = client.get(f"{API}/sessions/{session_id}").get_json()
    assert (session["confirmed"], session["waitlisted"], session["seats_left"]) == (2, 2, 0)

    response = client.delete(f"{API}/registrations/{statuses[0]['id']}", headers=people[0].headers)
    assert response.status_code == 204
    promoted = db.session.get(Registration, statuses[2]["id"])
    assert promoted.status == "confirmed" and promoted.promoted_at is not None
    assert db.session.get(Registration, statuses[3]["id"]).status == "waitlisted"
    assert _kinds(people[2].id) == ["activities.registered", "activities.promoted"]
    mine = client.get(f"{API}/users/me/registrations", headers=people[3].headers).get_json()[
        "items"
    ]
    assert mine[0]["waitlist_position"] == 1


def test_one_registration_per_person_and_again_after_cancelling(client):
    activity = make_activity()
    session_id = sessions_of(activity.id)[0].id
    who = person()
    first = _register(client, session_id, who)
    assert first.status_code == 201
    assert _register(client, session_id, who).status_code == 409
    client.delete(f"{API}/registrations/{first.get_json()['id']}", headers=who.headers)
    again = _register(client, session_id, who)
    assert again.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]


def test_the_idempotency_key_never_registers_twice(client):
    activity = make_activity(capacity=1)
    session_id = sessions_of(activity.id)[0].id
    who = person()
    headers = {**who.headers, "Idempotency-Key": "tap-1"}
    first = client.post(f"{API}/sessions/{session_id}/registrations", headers=headers, json={})
    replay = client.post(f"{API}/sessions/{session_id}/registrations", headers=headers, json={})
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first.get_json()
    assert db.session.get(ActivitySession, session_id).confirmed_count == 1
    other = client.post(
        f"{API}/sessions/{session_id}/registrations", headers=headers, json={"desk_name": "Anna"}
    )
    assert other.status_code == 409


def test_operators_register_people_at_the_desk(client):
    operator_ = operator()
    activity = make_activity(operator=operator_)
    session_id = sessions_of(activity.id)[0].id
    resident = person()
    by_id = client.post(
        f"{API}/sessions/{session_id}/registrations",
        json={"user_id": resident.id},
        headers=operator_.headers,
    )
    by_name = client.post(
        f"{API}/sessions/{session_id}/registrations",
        json={"desk_name": "Signora Rosa"},
        headers=operator_.headers,
    )
    assert (by_id.status_code, by_name.status_code) == (201, 201)
    assert _kinds(resident.id) == ["activities.registered"]
    listed = client.get(
        f"{API}/sessions/{session_id}/registrations", headers=operator_.headers
    ).get_json()["items"]
    assert [(r["person"] or {}).get("id") for r in listed] == [resident.id, None]
    assert listed[1]["desk_name"] == "Signora Rosa"
    # Nobody else may register others, nor see who is registered.
    other = person()
    assert (
        client.post(
            f"{API}/sessions/{session_id}/registrations",
            json={"desk_name": "X Y"},
            headers=other.headers,
        ).status_code
        == 403
    )
    assert (
        client.get(f"{API}/sessions/{session_id}/registrations", headers=other.headers).status_code
        == 403
    )
    assert (
        client.post(
            f"{API}/sessions/{session_id}/registrations",
            json={"user_id": resident.id, "desk_name": "Z Z"},
            headers=operator_.headers,
        ).status_code
        == 422
    )


def test_the_desk_registers_only_known_active_users(client):
    operator_ = operator()
    session_id = sessions_of(make_activity(operator=operator_).id)[0].id
    gone = person(is_active=False)
    for user_id in (gone.id, 999999):
        response = client.post(
            f"{API}/sessions/{session_id}/registrations",
            json={"user_id": user_id},
            headers=operator_.headers,
        )
        assert response.status_code == 422, response.get_json()
        assert "user_id" in response.get_json()["errors"]["json"]
    assert db.session.scalar(select(Registration.id)) is None


def test_others_cannot_see_or_cancel_my_registration(client):
    activity = make_activity()
    session_id = sessions_of(activity.id)[0].id
    mine = _register(client, session_id, person()).get_json()
    assert (
        client.delete(f"{API}/registrations/{mine['id']}", headers=person().headers).status_code
        == 404
    )
    assert (
        client.delete(
            f"{API}/registrations/{mine['id']}", headers=operator("faenza").headers
        ).status_code
        == 404
    )
    assert (
        client.delete(f"{API}/registrations/{mine['id']}", headers=operator().headers).status_code
        == 204
    )


def test_no_registration_when_not_required_cancelled_or_started(client):
    open_door = make_activity(registration_required=False, capacity=None, rrule=None)
    assert _register(client, sessions_of(open_door.id)[0].id, person()).status_code == 409
    activity = make_activity(rrule="FREQ=WEEKLY;COUNT=2")
    first, second = sessions_of(activity.id)
    operator_ = operator()
    assert (
        client.post(
            f"{API}/sessions/{first.id}/cancel", json={}, headers=operator_.headers
        ).status_code
        == 200
    )
    assert _register(client, first.id, person()).status_code == 409
    with time_machine.travel(second.starts_at + timedelta(minutes=5), tick=False):
        assert _register(client, second.id, person()).status_code == 409


def test_cancelling_a_session_notifies_everyone_registered_or_waiting(client):
    operator_ = operator()
    activity = make_activity(operator=operator_, capacity=1)
    session_id = sessions_of(activity.id)[0].id
    confirmed, waiting = person(locale="en"), person()
    _register(client, session_id, confirmed)
    _register(client, session_id, waiting)
    response = client.post(
        f"{API}/sessions/{session_id}/cancel",
        json={"reason": "Sciopero dei mezzi"},
        headers=operator_.headers,
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert _kinds(confirmed.id)[-1] == _kinds(waiting.id)[-1] == "activities.session_cancelled"
    note = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == confirmed.id)
        .order_by(Notification.id.desc())
    ).first()
    assert note.title.startswith("Session cancelled") and "Sciopero dei mezzi" in note.body
    assert (
        client.post(
            f"{API}/sessions/{session_id}/cancel", json={}, headers=operator_.headers
        ).status_code
        == 409
    )
    assert (
        client.post(
            f"{API}/sessions/{session_id}/cancel", json={}, headers=operator("faenza").headers
        ).status_code
        == 403
    )


def test_attendance_is_recorded_after_the_start_for_confirmed_registrations(client):
    operator_ = operator()
    activity = make_activity(operator=operator_, capacity=1)
    session = sessions_of(activity.id)[0]
    came = _register(client, session.id, person()).get_json()
    waiting = _register(client, session.id, person()).get_json()
    body = {"attendance": [{"registration_id": came["id"], "attended": True}], "walk_ins": 3}
    early = client.post(
        f"{API}/sessions/{session.id}/attendance", json=body, headers=operator_.headers
    )
    assert early.status_code == 409
    with time_machine.travel(session.ends_at + timedelta(hours=1), tick=False):
        response = client.post(
            f"{API}/sessions/{session.id}/attendance", json=body, headers=operator_.headers
        )
        assert response.status_code == 200, response.get_json()
        summary = response.get_json()
        assert (summary["attended"], summary["absent"], summary["walk_ins"]) == (1, 0, 3)
        wrong = {"attendance": [{"registration_id": waiting["id"], "attended": True}]}
        assert (
            client.post(
                f"{API}/sessions/{session.id}/attendance", json=wrong, headers=operator_.headers
            ).status_code
            == 422
        )
        assert (
            client.post(
                f"{API}/sessions/{session.id}/attendance",
                json=body,
                headers=person().headers,
            ).status_code
            == 403
        )


def test_no_attendance_for_a_cancelled_session(client):
    operator_ = operator()
    session = sessions_of(make_activity(operator=operator_).id)[0]
    client.post(f"{API}/sessions/{session.id}/cancel", json={}, headers=operator_.headers)
    with time_machine.travel(session.ends_at + timedelta(hours=1), tick=False):
        response = client.post(
            f"{API}/sessions/{session.id}/attendance",
            json={"attendance": [], "walk_ins": 2},
            headers=operator_.headers,
        )
    assert response.status_code == 409
    assert db.session.get(ActivitySession, session.id).walk_ins is None


# --- editing a series ---------------------------------------------------------------


def test_a_new_time_moves_future_sessions_and_keeps_their_registrations(client):
    operator_ = operator()
    activity = make_activity(operator=operator_, rrule="FREQ=WEEKLY;COUNT=3", capacity=3)
    sessions = sessions_of(activity.id)
    who = person()
    registration = _register(client, sessions[1].id, who).get_json()
    later = activity.starts_at + timedelta(hours=1)
    response = client.patch(
        f"{API}/activities/{activity.id}",
        json={
            "starts_at": iso(later),
            "ends_at": iso(later + timedelta(minutes=90)),
            "title": "Corso di italiano (B1)",
        },
        headers=operator_.headers,
    )
    assert response.status_code == 200, response.get_json()
    moved = sessions_of(activity.id)
    assert [s.id for s in moved] == [s.id for s in sessions]
    assert {s.starts_at.astimezone(ROME).hour for s in moved} == {19}
    assert db.session.get(Registration, registration["id"]).status == "confirmed"
    assert _kinds(who.id) == ["activities.registered", "activities.session_changed"]
    found = client.get(f"{API}/activities?q=b1").get_json()["items"]
    assert len(found) == 3


def test_a_new_weekday_cancels_sessions_with_people_and_drops_empty_ones(client):
    operator_ = operator()
    activity = make_activity(operator=operator_, rrule="FREQ=WEEKLY;COUNT=3")
    tuesdays = sessions_of(activity.id)
    who = person()
    _register(client, tuesdays[0].id, who)
    wednesday = activity.starts_at + timedelta(days=1)
    response = client.patch(
        f"{API}/activities/{activity.id}",
        json={
            "starts_at": iso(wednesday),
            "ends_at": iso(wednesday + timedelta(minutes=90)),
            "rrule": "FREQ=WEEKLY;COUNT=3",
        },
        headers=operator_.headers,
    )
    assert response.status_code == 200, response.get_json()
    after = sessions_of(activity.id)
    assert [(s.id, s.status) for s in after if s.id in {t.id for t in tuesdays}] == [
        (tuesdays[0].id, "cancelled")
    ]
    assert sum(1 for s in after if s.status == "scheduled") == 3
    assert _kinds(who.id)[-1] == "activities.session_cancelled"


def test_an_edit_of_the_details_changes_them_and_leaves_the_sessions_alone(client):
    operator_ = operator()
    activity = make_activity(operator=operator_, rrule="FREQ=WEEKLY;COUNT=3", capacity=3)
    sessions = sessions_of(activity.id)
    response = client.patch(
        f"{API}/activities/{activity.id}",
        json={
            "title": "  Laboratorio di cucito ",
            "description": " Ago e filo. ",
            "accessibility_notes": " Ascensore. ",
            "category": "culture",
            "audience": "elderly",
            "languages": ["it", "en", "it"],
            "price_cents": 250,
            "capacity": None,
            "registration_required": False,
            # the same schedule sent again changes nothing
            "starts_at": iso(activity.starts_at),
            "ends_at": iso(activity.ends_at),
            "rrule": "FREQ=WEEKLY;COUNT=3",
        },
        headers=operator_.headers,
    )
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert (edited["title"], edited["description"], edited["accessibility_notes"]) == (
        "Laboratorio di cucito",
        "Ago e filo.",
        "Ascensore.",
    )
    assert (edited["category"], edited["audience"], edited["languages"]) == (
        "culture",
        "elderly",
        ["it", "en"],
    )
    assert (edited["price_cents"], edited["free"], edited["capacity"]) == (250, False, None)
    assert edited["registration_required"] is False
    assert sessions_of(activity.id) == sessions
    assert len(client.get(f"{API}/activities?q=cucito").get_json()["items"]) == 3
    assert client.get(f"{API}/activities?q=italiano").get_json()["items"] == []


def test_capacity_cannot_drop_below_confirmed_and_raising_it_promotes(client):
    operator_ = operator()
    activity = make_activity(operator=operator_, capacity=2)
    session_id = sessions_of(activity.id)[0].id
    people = [person() for _ in range(3)]
    ids = [_register(client, session_id, p).get_json()["id"] for p in people]
    lower = client.patch(
        f"{API}/activities/{activity.id}",
        json={"capacity": 1},
        headers={**operator_.headers, "Accept-Language": "en"},
    )
    assert lower.status_code == 409
    assert "2" in lower.get_json()["message"]
    raised = client.patch(
        f"{API}/activities/{activity.id}", json={"capacity": 3}, headers=operator_.headers
    )
    assert raised.status_code == 200
    assert db.session.get(Registration, ids[2]).status == "confirmed"
    assert "activities.promoted" in _kinds(people[2].id)
    assert (
        client.patch(
            f"{API}/activities/{activity.id}",
            json={"capacity": 5},
            headers=operator("faenza").headers,
        ).status_code
        == 403
    )


def test_my_registrations_upcoming_and_past(client):
    activity = make_activity(rrule="FREQ=WEEKLY;COUNT=2")
    first, second = sessions_of(activity.id)
    who = person()
    _register(client, first.id, who)
    _register(client, second.id, who)
    upcoming = client.get(f"{API}/users/me/registrations", headers=who.headers).get_json()["items"]
    assert [r["session"]["id"] for r in upcoming] == [first.id, second.id]
    assert upcoming[0]["session"]["activity"]["title"] == "Corso di italiano"
    with time_machine.travel(first.ends_at + timedelta(minutes=1), tick=False):
        past = client.get(
            f"{API}/users/me/registrations?when=past", headers=who.headers
        ).get_json()["items"]
        assert [r["session"]["id"] for r in past] == [first.id]
    assert client.get(f"{API}/users/me/registrations").status_code == 401


def test_dst_series_through_the_api(client):
    """A weekly Tuesday 18:00 course created in October keeps 18:00 after the change."""
    with time_machine.travel(rome(2027, 10, 1, 12), tick=False):
        operator_ = operator()  # signed in then: a token from today would have expired
        start = rome(2027, 10, 26, 18)  # the clocks go back on Sunday 31 October 2027
        body = _body(
            starts_at=start,
            ends_at=iso(start + timedelta(hours=1)),
            rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        )
        response = client.post(f"{API}/activities", json=body, headers=operator_.headers)
        assert response.status_code == 201, response.get_json()
        sessions = client.get(f"{API}/activities/{response.get_json()['id']}/sessions").get_json()[
            "items"
        ]
    assert [s["starts_at"] for s in sessions] == [
        "2027-10-26T16:00:00+00:00",
        "2027-11-02T17:00:00+00:00",
        "2027-11-09T17:00:00+00:00",
    ]
