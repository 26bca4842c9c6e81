"""The demo activities of ``qc seed --demo``."""

from __future__ import annotations

from sqlalchemy import select

from qc_platform.activities import service
from qc_platform.activities.models import Activity, ActivitySession
from qc_platform.activities.service import seeding
from qc_platform.core.clock import ROME, utcnow
from qc_platform.extensions import db


def _first_sessions() -> dict[str, ActivitySession]:
    firsts = {}
    for session in db.session.scalars(
        select(ActivitySession).order_by(ActivitySession.starts_at, ActivitySession.id)
    ):
        firsts.setdefault(db.session.get(Activity, session.activity_id).title, session)
    return firsts


def test_the_demo_activities_are_added_once_in_the_coming_week_at_their_milan_time(app):
    assert service.seed_demo_activities() == 3
    assert service.seed_demo_activities() == 0
    firsts = _first_sessions()
    assert sorted(firsts) == [
        "Corso di italiano per adulti",
        "Doposcuola del cortile",
        "Serata di racconti e musica dal mondo",
    ]
    today = utcnow().astimezone(ROME).date()
    for title, weekday, start in (
        ("Corso di italiano per adulti", 1, "18:00"),
        ("Doposcuola del cortile", 0, "16:30"),
        ("Serata di racconti e musica dal mondo", 4, "20:30"),
    ):
        local = firsts[title].starts_at.astimezone(ROME)
        assert (local.weekday(), local.strftime("%H:%M")) == (weekday, start)
        assert 1 <= (local.date() - today).days <= 7


def test_a_demo_series_starts_on_the_first_day_of_its_rule(app, monkeypatch):
    """An entry's weekday outside its BYDAY (Monday, for Wednesdays and Fridays) moves to
    the first day after it that the rule has: the first occurrence must be a day of the rule."""
    entry = {
        "space": "boccioni",
        "title": "Ginnastica in cortile",
        "description": "",
        "category": "sport",
        "audience": "everyone",
        "languages": ["it"],
        "accessibility_notes": "",
        "price_cents": 0,
        "weekday": 0,
        "start": "10:00",
        "end": "11:00",
        "rrule": "FREQ=WEEKLY;BYDAY=WE,FR;COUNT=4",
        "capacity": None,
        "registration_required": False,
    }
    monkeypatch.setattr(seeding, "_data", lambda: {"demo_activities": [entry]})
    assert service.seed_demo_activities() == 1
    sessions = db.session.scalars(select(ActivitySession).order_by(ActivitySession.starts_at))
    local = [s.starts_at.astimezone(ROME) for s in sessions]
    assert [(d.weekday(), d.strftime("%H:%M")) for d in local] == [
        (2, "10:00"),
        (4, "10:00"),
        (2, "10:00"),
        (4, "10:00"),
    ]
