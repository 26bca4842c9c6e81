"""Benchmark the week's agenda at 2,000 and at 200,000 sessions, in one run.

``GET /api/v1/activities?from=&to=`` for one week (next week, Monday to Monday in Milan),
with the searches people make (the whole week, one space, a category for an audience,
free only, a word of ``q`` typed without its accent, the second page through
``next_cursor``): the p50 latency at 200k sessions must stay within 1.5x of the p50 at 2k
(both sizes served side by side and asked in turn, so the ratio is the figure to compare
over time), and each search must run the same number of SQL statements at both sizes and
at ``limit`` 1, 20 and 100. See bench/README.md.

The sessions grow as a real programme does: the same 540 weekly activities in the nine
spaces (60 each, about what a busy year brings), with a longer history behind them. 2,000
sessions are the last weeks; 200,000 are seven years of them. The week asked for holds the
same sessions at both sizes.

The orchestration uses the standard library only; the app is imported only in child
processes run with the venv's Python (loading the sessions, counting statements, EXPLAIN).

    .venv/bin/python bench/bench_activities.py [--requests 200] [--sizes 2000,200000]
    QC_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_activities.py        # SQLite, then PostgreSQL
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import scaling  # bench/scaling.py: this script's directory comes first on sys.path

ROME = ZoneInfo("Europe/Rome")
# name -> query string, after the week's from/to (``_week_query``). "page2" is the whole
# week's second page: its cursor is read from each server's first page.
SEARCHES = {
    "week": "",
    "space": "space=boccioni",
    "course_elderly": "category=course&audience=elderly",
    "free": "free=true",
    "q": "q=" + quote("caffe"),
    "page2": "cursor={cursor}",
}
ACTIVITIES = 540  # weekly activities: 60 per space
AHEAD_WEEKS = 3  # the newest session of every activity is this many weeks ahead


def week_bounds(now: datetime | None = None) -> tuple[str, str]:
    """Next week in Milan, Monday 00:00 to the Monday after, as UTC ISO 8601 instants."""
    today = (now or datetime.now(UTC)).astimezone(ROME).date()
    monday = today + timedelta(days=7 - today.weekday())
    start = datetime(monday.year, monday.month, monday.day, tzinfo=ROME)
    end = start + timedelta(days=7)  # wall-clock arithmetic: 00:00 again across DST
    return (
        start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


# ===== children: run by the venv's Python, with the run's environment ==========================


# What the generated activities look like: per category, titles and descriptions in
# Italian (some with accents, so that an unaccented query has something to fold).
TEXTS = {
    "course": [
        ("Corso di italiano", "Italiano per la vita di tutti i giorni, con un caffè alla fine. "),
        ("Laboratorio di cucito", "Orli, bottoni e piccole riparazioni, insieme. "),
        ("Informatica di base", "Smartphone, posta elettronica, SPID: un passo alla volta. "),
    ],
    "homework": [
        ("Doposcuola del cortile", "Aiuto compiti per la primaria e la secondaria, con merenda. "),
        ("Aula studio", "Uno spazio tranquillo per studiare, con il Wi-Fi. "),
    ],
    "culture": [
        ("Cinema in cortile", "Un film e due chiacchiere, ingresso libero. "),
        ("Letture ad alta voce", "Storie per grandi e piccoli, in più lingue. "),
    ],
    "sport": [
        ("Ginnastica dolce", "Movimento per l'equilibrio e la salute, per tutte le età. "),
        ("Camminata di quartiere", "Si parte dalla portineria, si torna per un caffè. "),
    ],
    "social": [
        ("Caffè di quartiere", "Un caffè insieme per conoscersi tra vicini. "),
        ("Pranzo condiviso", "Ognuno porta qualcosa: si mangia insieme. "),
    ],
    "help-desk": [
        ("Sportello casa", "Domande su contratto, affitto, manutenzione, con MM. "),
        ("Sportello lavoro", "Curriculum, annunci, colloqui: ti aiutiamo a prepararli. "),
    ],
}
SLOTS = (
    ("09:30", 90),
    ("10:00", 60),
    ("15:00", 120),
    ("16:30", 120),
    ("18:00", 90),
    ("20:30", 120),
)


def load_sessions(target: int) -> dict:
    """Bring the number of sessions up to ``target`` with bulk inserts (child).

    On the first call, ``ACTIVITIES`` weekly activities spread over the nine spaces, the
    categories, the audiences (everyone most often), 70 % free, 80 % with registration
    and 15 seats. Sessions are given to the activities in turn, each activity's going back
    one week at a time from ``AHEAD_WEEKS`` ahead; a top-up adds older ones, so the weeks
    around today are the same at every size. 2 % of sessions are cancelled; past ones
    have their attendance recorded; seats are partly taken. Deterministic: the same
    target gives the same rows. Stored by ``scaling.store``.
    """
    import random

    from sqlalchemy import func, select

    from qc_platform.activities.models import (
        Activity,
        ActivityCategory,
        ActivitySession,
        Audience,
    )
    from qc_platform.core.clock import utcnow
    from qc_platform.core.textsearch import fold
    from qc_platform.extensions import db
    from qc_platform.places.models import Space

    with scaling.app().app_context():
        session = db.session
        current = session.scalar(select(func.count()).select_from(ActivitySession))
        if target <= current:
            return {"added": 0, "total": current}
        now = utcnow()
        today = now.astimezone(ROME).date()
        newest_monday = today - timedelta(days=today.weekday()) + timedelta(weeks=AHEAD_WEEKS)
        tables = []

        activity_ids = list(session.scalars(select(Activity.id).order_by(Activity.id)))
        activities_added = 0
        if not activity_ids:
            spaces = list(session.execute(select(Space.id, Space.name).order_by(Space.id)))
            categories = {
                c.code: c
                for c in session.scalars(select(ActivityCategory).order_by(ActivityCategory.id))
            }
            audiences = [Audience.EVERYONE] * 4 + [
                a for a in Audience.ALL if a != Audience.EVERYONE
            ]
            rng = random.Random(ACTIVITIES)
            rows = []
            for n in range(ACTIVITIES):
                space_id, space_name = spaces[n % len(spaces)]
                code = rng.choice([c for c in TEXTS if c in categories])
                title, description = rng.choice(TEXTS[code])
                title = f"{title} {n + 1}"
                category = categories[code]
                slot, minutes = SLOTS[n % len(SLOTS)]
                registration = rng.random() < 0.8
                accessibility = rng.choice(("", "Spazio al piano terra, senza gradini."))
                rows.append(
                    {
                        "id": n + 1,
                        "space_id": space_id,
                        "category_id": category.id,
                        "created_by_id": None,
                        "title": title,
                        "description": description,
                        "audience": rng.choice(audiences),
                        "languages": ["it"] + (["ar"] if rng.random() < 0.2 else []),
                        "accessibility_notes": accessibility,
                        "price_cents": 0 if rng.random() < 0.7 else rng.choice((300, 500, 1000)),
                        "starts_at": now - timedelta(weeks=400),
                        "ends_at": now - timedelta(weeks=400) + timedelta(minutes=minutes),
                        "rrule": "FREQ=WEEKLY",
                        "capacity": 15 if registration else None,
                        "registration_required": registration,
                        "search_text": fold(
                            " ".join(
                                [
                                    title,
                                    description,
                                    category.name_it,
                                    category.name_en,
                                    space_name,
                                    accessibility,
                                ]
                            )
                        ),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            tables.append((Activity.__table__, rows))
            activity_ids = [row["id"] for row in rows]
            activities_added = len(rows)

        existing = dict(
            session.execute(
                select(ActivitySession.activity_id, func.count()).group_by(
                    ActivitySession.activity_id
                )
            ).all()
        )
        first_id = (session.scalar(select(func.max(ActivitySession.id))) or 0) + 1
        sessions = []
        for index, activity_id in enumerate(activity_ids):
            wanted = target // len(activity_ids) + (1 if index < target % len(activity_ids) else 0)
            slot, minutes = SLOTS[index % len(SLOTS)]
            hour, minute = (int(x) for x in slot.split(":"))
            for week in range(existing.get(activity_id, 0), wanted):
                rng = random.Random(activity_id * 1_000_003 + week)
                day = newest_monday + timedelta(days=index % 7) - timedelta(weeks=week)
                local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ROME)
                starts_at = local.astimezone(UTC)
                ends_at = (local + timedelta(minutes=minutes)).astimezone(UTC)
                cancelled = rng.random() < 0.02
                past = ends_at < now
                sessions.append(
                    {
                        "id": first_id + len(sessions),
                        "activity_id": activity_id,
                        "starts_at": starts_at,
                        "ends_at": ends_at,
                        "recurrence_id": starts_at,
                        "status": "cancelled" if cancelled else "scheduled",
                        "cancelled_at": starts_at - timedelta(days=1) if cancelled else None,
                        "cancel_reason": "Spazio chiuso per lavori." if cancelled else None,
                        "confirmed_count": 0 if cancelled else rng.randint(0, 15),
                        "waitlisted_count": 0,
                        "attendance_recorded_at": ends_at if past and not cancelled else None,
                        "walk_ins": rng.randint(0, 5) if past and not cancelled else None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        tables.append((ActivitySession.__table__, sessions))
        built = time.perf_counter()
        method = scaling.store(db, tables)
        total = session.scalar(select(func.count()).select_from(ActivitySession))
        oldest = session.scalar(select(func.min(ActivitySession.starts_at)))
    return {
        "added": len(sessions),
        "total": total,
        "activities_added": activities_added,
        "oldest": oldest.isoformat(timespec="minutes") if oldest else None,
        "insert_seconds": round(time.perf_counter() - built, 1),
        "method": method,
    }


def _week_query() -> str:
    start, end = week_bounds()
    return f"from={start}&to={end}"


SCENARIO = scaling.Scenario(
    name="activities",
    script=Path(__file__).resolve(),
    noun="sessions",
    path="/api/v1/activities",
    searches=SEARCHES,
    first="week",
    table="activity_sessions",
    load=load_sessions,
    default_sizes=(2_000, 200_000),
    common_query=_week_query,
    min_size=AHEAD_WEEKS * ACTIVITIES,  # sessions back to next week, the one asked for
    settings={"activities": ACTIVITIES, "ahead_weeks": AHEAD_WEEKS},
)


if __name__ == "__main__":
    sys.exit(scaling.main(SCENARIO, None, __doc__.split("\n\n")[0]))
