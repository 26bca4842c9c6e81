"""``GET /api/v1/feedback/stats``: the public service levels, on a data set worked out by hand.

Durations are in working hours (weekends and holidays do not count), as for the deadline.
The clock is frozen; the reports' timestamps are written directly, so every figure below
can be checked with a calendar. The endpoint is public and costly (security review, finding
6 of issue 12): a period is at most a year, answers are cached per set of parameters
(switched off in the other tests: ``QC_FEEDBACK_STATS_CACHE_SECONDS=0``), and each client
address has a rate limit.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from qc_platform.core.clock import ROME
from qc_platform.core.querycount import count_queries
from qc_platform.extensions import cache, db
from qc_platform.feedback import sla
from qc_platform.feedback.models import Report
from tests.accounts.factories import bearer, persist
from tests.conftest import make_test_app
from tests.feedback.factories import category_id, complex_ab, staff, tenant

STATS = "/api/v1/feedback/stats"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
TOP_KEYS = {
    "period",
    "complex_id",
    "total",
    "by_category",
    "by_status",
    "median_hours_to_first_response",
    "median_hours_to_resolution",
    "answered_on_time_share",
    "mean_satisfaction",
    "satisfaction_count",
}


def rome(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


def add_report(
    reporter,
    complex_id: int,
    created: datetime,
    *,
    category: str = "maintenance",
    status: str = "submitted",
    responded: datetime | None = None,
    resolved: datetime | None = None,
    satisfaction: int | None = None,
    title: str = "Segnalazione",
    anonymous: bool = False,
) -> Report:
    """A report with the given history, its deadline 48 working hours after ``created``."""
    report = Report(
        complex_id=complex_id,
        category_id=category_id(category),
        reporter_id=reporter.id,
        submitted_by_id=reporter.id,
        title=title,
        description=f"{title}: descrizione dettagliata.",
        anonymous=anonymous,
        status=status,
        first_response_due_at=sla.add_working_hours(created, 48),
        first_responded_at=responded,
        resolved_at=resolved,
        closed_at=resolved if status == "closed" else None,
        solved=True if satisfaction else None,
        satisfaction=satisfaction,
        created_at=created,
        updated_at=created,
    )
    db.session.add(report)
    return report


@pytest.fixture
def data_set():
    """March 2026, complex A (Boccioni) and B (Fratelli Zoia); hours are working hours.

    | report | complex | sent | first answer (h) | due | on time | resolved (h) | rating |
    |---|---|---|---|---|---|---|---|
    | R0 | A | Fri 27 Feb 12:00 | Tue 3 Mar 13:00 | Tue 3 Mar 12:00 | no | – | – |
    | R1 | A | Mon 2 Mar 10:00 | 14:00 (4) | Wed 4 Mar 10:00 | yes | Wed 4 Mar 10:00 (48) | 5 |
    | R2 | A | Fri 6 Mar 17:00 | Mon 09:00 (16) | Tue 10 Mar 17:00 | yes | Tue 17:00 (48) | 4 |
    | R3 | A | Wed 11 Mar 12:00 | Mon 16 12:00 (72) | Fri 13 Mar 12:00 | no | Tue 17 (96) | 1 |
    | R4 | A | Thu 19 Mar 08:00 | – | Mon 23 Mar 08:00 | no | – | – |
    | R5 | A | Fri 27 Mar 17:00 CET | Tue 31 10:00 CEST (41) | Tue 31 Mar 17:00 | yes | – | – |
    | R6 | A, cleaning | Mon 30 Mar 09:00 | 10:00 (1), rejected | Wed 1 Apr (April) | – | – | – |
    | R7 | B, safety | Tue 10 Mar 10:00 | 10:30 (0.5) | Thu 12 Mar 10:00 | yes | 11:00 (1) | 2 |
    | R8 | A | Thu 2 Apr 10:00 | – | Tue 7 Apr 10:00 (Easter Monday) | no | – | – |
    """
    a, b = complex_ab()
    people = {
        "a": tenant(a, display_name="Giuseppina Verdi-Anonima", email="giuseppina@example.org"),
        "a2": tenant(a, display_name="Ottavio Bellini", email="ottavio.bellini@example.org"),
        "b": tenant(b, display_name="Rosalba Ferri", email="rosalba.ferri@example.org"),
    }
    # fmt: off
    add_report(people["a"], a, rome(2026, 2, 27, 12), status="in_progress",
               responded=rome(2026, 3, 3, 13), title="Caldaia centrale guasta")
    add_report(people["a"], a, rome(2026, 3, 2, 10), status="closed",
               responded=rome(2026, 3, 2, 14), resolved=rome(2026, 3, 4, 10), satisfaction=5,
               title="Ascensore scala C bloccato", anonymous=True)
    add_report(people["a2"], a, rome(2026, 3, 6, 17), status="closed",
               responded=rome(2026, 3, 9, 9), resolved=rome(2026, 3, 10, 17), satisfaction=4,
               title="Portone che non si chiude")
    add_report(people["a2"], a, rome(2026, 3, 11, 12), status="closed",
               responded=rome(2026, 3, 16, 12), resolved=rome(2026, 3, 17, 12), satisfaction=1,
               title="Infiltrazioni dal tetto")
    add_report(people["a"], a, rome(2026, 3, 19, 8), title="Luce del cortile spenta",
               anonymous=True)
    add_report(people["a2"], a, rome(2026, 3, 27, 17), status="in_progress",
               responded=rome(2026, 3, 31, 10), title="Citofono muto")
    add_report(people["a"], a, rome(2026, 3, 30, 9), category="cleaning", status="rejected",
               responded=rome(2026, 3, 30, 10), title="Scale sporche")
    add_report(people["b"], b, rome(2026, 3, 10, 10), category="safety", status="closed",
               responded=rome(2026, 3, 10, 10, 30), resolved=rome(2026, 3, 10, 11),
               satisfaction=2, title="Cancello aperto di notte")
    add_report(people["a"], a, rome(2026, 4, 2, 10), title="Perdita in cantina")
    # fmt: on
    persist()
    return {"a": a, "b": b, "people": people}


def get_stats(client, **query):
    response = client.get(STATS, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def counts(rows: list[dict], key: str) -> dict[str, int]:
    return {row[key]: row["count"] for row in rows if row["count"]}


@pytest.fixture(autouse=True)
def june_2026():
    with time_machine.travel(rome(2026, 6, 15, 12), tick=False):
        yield


def test_one_complex_in_march(client, data_set):
    body = get_stats(client, complex_id=data_set["a"], **MARCH)
    assert set(body) == TOP_KEYS
    assert body["period"] == MARCH
    assert body["complex_id"] == data_set["a"]
    assert body["total"] == 6  # R1–R6: R0 was sent in February, R8 in April
    assert counts(body["by_category"], "category") == {"maintenance": 5, "cleaning": 1}
    assert counts(body["by_status"], "status") == {
        "closed": 3,
        "submitted": 1,
        "in_progress": 1,
        "rejected": 1,
    }
    assert body["median_hours_to_first_response"] == 16.0  # 1, 4, [16], 41, 72
    assert body["median_hours_to_resolution"] == 48.0  # 48, [48], 96
    assert body["answered_on_time_share"] == 0.5  # due in March: R0 R1 R2 R3 R4 R5, 3 on time
    assert body["mean_satisfaction"] == 3.33  # (5 + 4 + 1) / 3
    assert body["satisfaction_count"] == 3


def test_all_complexes_in_march(client, data_set):
    body = get_stats(client, **MARCH)
    assert body["complex_id"] is None
    assert body["total"] == 7
    assert counts(body["by_category"], "category") == {
        "maintenance": 5,
        "cleaning": 1,
        "safety": 1,
    }
    assert body["median_hours_to_first_response"] == 10.0  # 0.5, 1, [4, 16], 41, 72
    assert body["median_hours_to_resolution"] == 48.0  # 1, [48, 48], 96
    assert body["answered_on_time_share"] == 0.571  # 4 of 7
    assert body["mean_satisfaction"] == 3.0  # (5 + 4 + 1 + 2) / 4
    assert body["satisfaction_count"] == 4


def test_every_category_and_status_is_listed_even_at_zero(client, data_set):
    body = get_stats(client, complex_id=data_set["b"], **MARCH)
    assert [row["category"] for row in body["by_category"]] == [
        "maintenance",
        "cleaning",
        "safety",
        "living-together",
        "space-services",
        "suggestion",
        "praise",
    ]
    assert [row["status"] for row in body["by_status"]] == [
        "submitted",
        "acknowledged",
        "in_progress",
        "resolved",
        "closed",
        "rejected",
        "duplicate",
    ]
    assert sum(row["count"] for row in body["by_category"]) == body["total"] == 1


def test_a_single_rating_is_not_shown(client, data_set):
    body = get_stats(client, complex_id=data_set["b"], **MARCH)
    assert body["satisfaction_count"] == 1
    assert body["mean_satisfaction"] is None  # it would be one person's answer


def test_april_counts_the_deadlines_that_fell_in_april(client, data_set):
    body = get_stats(client, complex_id=data_set["a"], **{"from": "2026-04-01", "to": "2026-04-30"})
    assert body["total"] == 1  # R8
    assert body["answered_on_time_share"] == 0.5  # R6 (due 1 April, answered) and R8 (not)
    assert body["median_hours_to_first_response"] is None
    assert body["median_hours_to_resolution"] is None


def test_an_empty_period(client, data_set):
    body = get_stats(client, **{"from": "2020-01-01", "to": "2020-12-31"})
    assert body["total"] == 0
    assert body["answered_on_time_share"] is None
    assert body["median_hours_to_first_response"] is None
    assert body["mean_satisfaction"] is None
    assert body["satisfaction_count"] == 0


def test_the_default_period_is_the_last_12_months(client, data_set):
    body = get_stats(client, complex_id=data_set["a"])
    assert body["period"] == {"from": "2025-06-16", "to": "2026-06-15"}
    assert body["total"] == 8  # R0–R6 and R8
    assert get_stats(client, to="2026-03-31")["period"] == {
        "from": "2025-04-01",
        "to": "2026-03-31",
    }
    assert get_stats(client, **{"from": "2026-01-01"})["period"] == {
        "from": "2026-01-01",
        "to": "2026-06-15",
    }


def test_period_days_are_days_in_rome(client, data_set):
    a = data_set["a"]
    # 23:30 in Rome on 31 March is 21:30 UTC: still March for the statistics.
    add_report(data_set["people"]["a"], a, rome(2026, 3, 31, 23, 30), title="Ultima di marzo")
    add_report(data_set["people"]["a"], a, rome(2026, 4, 1, 0, 30), title="Prima di aprile")
    persist()
    assert get_stats(client, complex_id=a, **MARCH)["total"] == 7
    assert (
        get_stats(client, complex_id=a, **{"from": "2026-04-01", "to": "2026-04-01"})["total"] == 1
    )


def test_a_deadline_still_to_come_is_neither_met_nor_missed(client, data_set):
    a = data_set["a"]
    with time_machine.travel(rome(2026, 6, 16, 9), tick=False):
        add_report(data_set["people"]["a"], a, rome(2026, 6, 16, 8), title="Appena arrivata")
        persist()
        body = get_stats(client, complex_id=a, **{"from": "2026-06-01", "to": "2026-06-30"})
    assert body["total"] == 1
    assert body["answered_on_time_share"] is None


def test_each_median_counts_only_the_reports_that_reached_it(client, data_set):
    """An answered report not yet resolved counts for the first answer only; one resolved
    with no first answer on record (as older rows may be) for the resolution only."""
    a, sender = data_set["a"], data_set["people"]["a"]
    add_report(
        sender, a, rome(2026, 5, 4, 10), status="in_progress", responded=rome(2026, 5, 4, 12)
    )
    add_report(sender, a, rome(2026, 5, 5, 9), status="resolved", resolved=rome(2026, 5, 5, 17))
    persist()
    body = get_stats(client, complex_id=a, **{"from": "2026-05-01", "to": "2026-05-31"})
    assert body["total"] == 2
    assert body["median_hours_to_first_response"] == 2.0
    assert body["median_hours_to_resolution"] == 8.0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2025-01-01", "to": "2026-01-01"}, "to"),  # a year and a day
        ({"from": "2024-03-01", "to": "2025-03-01"}, "to"),  # 366 days, not a leap year's
        ({"from": "2021-01-01", "to": "2025-12-31"}, "to"),  # five years
        ({"to": "2026-06-15", "from": "2025-06-15"}, "to"),  # the default period and a day
        ({"from": "2026-02-01", "to": "2026-01-31"}, "from"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "ieri"}, "to"),
        ({"from": "1999-12-31"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"complex_id": 999999}, "complex_id"),
        ({"complex_id": 0}, "complex_id"),
    ],
)
def test_bad_queries_are_422(client, query, field):
    response = client.get(STATS, query_string=query)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422
    assert field in body["errors"]["query"]


@pytest.mark.parametrize(
    "period",
    [
        {"from": "2025-01-01", "to": "2025-12-31"},
        {"from": "2024-01-01", "to": "2024-12-31"},  # 366 days
        {"from": "2024-03-01", "to": "2025-02-28"},
        {"from": "2025-06-16", "to": "2026-06-15"},  # the default: 12 months up to today
    ],
)
def test_a_year_exactly_is_allowed(client, period):
    assert get_stats(client, **period)["period"] == period


def test_nothing_personal_in_the_response(client, data_set):
    """No id, title, text, name or e-mail: only the fields of the contract, and numbers."""
    reports = db.session.scalars(select(Report)).all()
    secrets = {person.display_name for person in data_set["people"].values()}
    secrets |= {person.email for person in data_set["people"].values()}
    secrets |= {r.title for r in reports} | {r.description for r in reports}
    for query in ({}, MARCH, {"complex_id": data_set["a"], **MARCH}):
        text = client.get(STATS, query_string=query).get_data(as_text=True)
        leaked = {secret for secret in secrets if secret.lower() in text.lower()}
        assert not leaked, leaked
        body = json.loads(text)
        assert set(body) == TOP_KEYS
        assert set(body["period"]) == {"from", "to"}
        assert all(set(row) == {"category", "count"} for row in body["by_category"])
        assert all(set(row) == {"status", "count"} for row in body["by_status"])
        for person in data_set["people"].values():
            assert f'"id": {person.id}' not in text and f'"id":{person.id}' not in text


def test_a_bounded_number_of_queries(client, data_set):
    """The same statements whatever the number of reports (GROUP BY, not one per report)."""
    with count_queries() as before:
        get_stats(client, **MARCH)
    a = data_set["a"]
    for day in range(2, 28):
        add_report(
            data_set["people"]["a2"],
            a,
            rome(2026, 3, day, 9),
            status="closed",
            responded=rome(2026, 3, day, 10),
            resolved=rome(2026, 3, day, 11),
            satisfaction=3,
        )
    persist()
    with count_queries() as after:
        body = get_stats(client, **MARCH)
    assert body["total"] == 7 + 26
    assert after.count == before.count
    assert sum(s.lstrip().upper().startswith("SELECT") for s in after.statements) <= 5


def test_the_stats_are_public(client, data_set):
    response = client.get(STATS, query_string=MARCH)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


# --- cached, and rate limited (issue 12, finding 6) -------------------------------------


@pytest.fixture
def cached(app, monkeypatch):
    """The cache on, as in production (60 s), and empty before and after the test."""
    monkeypatch.setitem(app.config, "QC_FEEDBACK_STATS_CACHE_SECONDS", 60)
    with app.app_context():
        cache.clear()
    yield
    with app.app_context():
        cache.clear()


def get_counted(client, headers=None, **query):
    """The answer, and the SQL statements the request ran."""
    with count_queries() as statements:
        response = client.get(STATS, query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), statements.statements


def test_a_repeated_question_runs_no_sql(client, data_set, cached):
    first, computed = get_counted(client, complex_id=data_set["a"], **MARCH)
    assert sum("feedback_reports" in statement for statement in computed) >= 3
    again, statements = get_counted(client, complex_id=data_set["a"], **MARCH)
    assert statements == []
    assert again == first
    assert first["total"] == 6 and first["mean_satisfaction"] == 3.33  # as computed above


def test_cached_answers_are_the_uncached_ones(app, client, data_set, cached, monkeypatch):
    queries = [{}, MARCH, {"complex_id": data_set["a"], **MARCH}, {"to": "2026-03-31"}]
    answers = [get_stats(client, **query) for query in queries]
    assert [get_counted(client, **query)[0] for query in queries] == answers  # from the cache
    monkeypatch.setitem(app.config, "QC_FEEDBACK_STATS_CACHE_SECONDS", 0)
    assert [get_counted(client, **query)[0] for query in queries] == answers  # computed again


def test_different_parameters_are_cached_separately(client, data_set, cached):
    a, b = data_set["a"], data_set["b"]
    april = {"from": "2026-04-01", "to": "2026-04-30"}
    totals = {}
    for name, query in {
        "all, March": MARCH,
        "A, March": {"complex_id": a, **MARCH},
        "B, March": {"complex_id": b, **MARCH},
        "A, April": {"complex_id": a, **april},
        "A, 1-29 March": {"complex_id": a, "from": "2026-03-01", "to": "2026-03-29"},
    }.items():
        body, statements = get_counted(client, **query)
        assert statements, f"{name}: a new set of parameters is computed"
        totals[name] = body["total"]
    assert totals == {
        "all, March": 7,
        "A, March": 6,
        "B, March": 1,
        "A, April": 1,
        "A, 1-29 March": 5,  # R6 was sent on the 30th
    }


def test_the_same_period_said_differently_is_one_entry(client, data_set, cached):
    """Parameters are normalised first: the default period is the same as its two days."""
    default, statements = get_counted(client)
    assert statements
    explicit, statements = get_counted(client, **{"from": "2025-06-16", "to": "2026-06-15"})
    assert statements == [] and explicit == default
    only_from, statements = get_counted(client, **{"from": "2025-06-16"})
    assert statements == [] and only_from == default


def test_the_answer_is_the_same_for_everyone(client, data_set, cached):
    """Public figures, not role-dependent: a staff member is served what a visitor was."""
    anonymous, _ = get_counted(client, complex_id=data_set["a"], **MARCH)
    for person in (staff(), data_set["people"]["a"]):
        body, statements = get_counted(
            client, headers=bearer(person), complex_id=data_set["a"], **MARCH
        )
        assert body == anonymous
        assert not [s for s in statements if "feedback_reports" in s]  # only the sign-in


def test_an_answer_is_computed_again_once_its_time_is_up(client, data_set, cached):
    first, _ = get_counted(client, **MARCH)
    add_report(data_set["people"]["a"], data_set["a"], rome(2026, 3, 20, 9), title="Nuova")
    persist()
    with time_machine.travel(rome(2026, 6, 15, 12) + timedelta(seconds=59), tick=False):
        assert get_counted(client, **MARCH) == (first, [])  # still the cached answer
    with time_machine.travel(rome(2026, 6, 15, 12) + timedelta(seconds=61), tick=False):
        later, statements = get_counted(client, **MARCH)
    assert statements and later["total"] == first["total"] + 1


def test_bad_parameters_are_refused_before_the_cache(client, data_set, cached):
    for _ in range(2):
        with count_queries() as statements:
            response = client.get(STATS, query_string={"from": "2025-01-01", "to": "2026-01-01"})
        assert response.status_code == 422
        assert "to" in response.get_json()["errors"]["query"]
        assert statements.statements == []
    unknown = client.get(STATS, query_string={"complex_id": 999999})
    assert unknown.status_code == 422  # not cached: asked again, still refused
    assert client.get(STATS, query_string={"complex_id": 999999}).status_code == 422


def test_a_cache_that_fails_costs_speed_not_the_answer(
    database_url, frontend_dist, tmp_path, data_set, extension_state
):
    """Redis away (nothing listens on port 1): the figures are computed, no 500."""
    app = make_test_app(
        database_url,
        frontend_dist,
        tmp_path / "no-redis",
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL="redis://127.0.0.1:1/0",
        QC_FEEDBACK_STATS_CACHE_SECONDS=60,
    )
    client = app.test_client()
    try:
        for _ in range(2):
            body, statements = get_counted(client, complex_id=data_set["a"], **MARCH)
            assert statements and body["total"] == 6
    finally:
        with app.app_context():
            app.extensions["cache"][cache]._write_client.close()
            db.engine.dispose()


@pytest.fixture
def limited_app(database_url, frontend_dist, tmp_path, extension_state):
    """Rate limits on (memory storage); the process-wide limiter state handed back after."""
    app = make_test_app(
        database_url,
        frontend_dist,
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        QC_STATS_RATE_LIMIT="3 per minute",
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_stats_are_rate_limited_per_client_address(limited_app):
    client = limited_app.test_client()
    here = {"REMOTE_ADDR": "192.0.2.10"}
    for n in range(3):
        query = {"from": f"2026-03-0{n + 1}", "to": "2026-03-31"}
        assert client.get(STATS, query_string=query, environ_base=here).status_code == 200
    refused = client.get(STATS, query_string=MARCH, environ_base=here)
    assert refused.status_code == 429
    assert refused.get_json()["code"] == 429
    assert int(refused.headers["Retry-After"]) > 0
    elsewhere = client.get(STATS, query_string=MARCH, environ_base={"REMOTE_ADDR": "192.0.2.11"})
    assert elsewhere.status_code == 200


# --- shared between processes through Redis ----------------------------------------------
# Needs a Redis server: ``QC_TEST_REDIS_URL`` (CI: ``redis://127.0.0.1:6379/15``). Without it
# the test is skipped, unless ``QC_REQUIRE_REDIS=1`` makes that a failure
# (as tests/core/test_redis_limits.py).


@pytest.fixture
def redis_url():
    url = os.environ.get("QC_TEST_REDIS_URL")
    if not url:
        if os.environ.get("QC_REQUIRE_REDIS") == "1":
            pytest.fail("QC_REQUIRE_REDIS=1 but QC_TEST_REDIS_URL is not set")
        pytest.skip("QC_TEST_REDIS_URL not set")
    return url


@pytest.fixture
def redis_apps(redis_url, database_url, frontend_dist, tmp_path, extension_state):
    """Two apps (two server processes) on one Redis, under a key prefix of this test's own;
    its keys, and only they, are removed afterwards."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.ping()  # set but unreachable is a failure, not a skip
    prefix = f"qc-test-{secrets.token_hex(8)}:"
    apps = [
        make_test_app(
            database_url,
            frontend_dist,
            tmp_path / name,
            CACHE_TYPE="RedisCache",
            CACHE_REDIS_URL=redis_url,
            CACHE_KEY_PREFIX=prefix,
            QC_FEEDBACK_STATS_CACHE_SECONDS=60,
        )
        for name in ("a", "b")
    ]
    try:
        yield apps, client, prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()
        for app in apps:
            with app.app_context():
                app.extensions["cache"][cache]._write_client.close()
                db.engine.dispose()


def test_processes_share_the_cache_through_redis(redis_apps, data_set):
    (app_a, app_b), redis_client, prefix = redis_apps
    query = {"complex_id": data_set["a"], **MARCH}
    first, statements = get_counted(app_a.test_client(), **query)
    assert statements and first["total"] == 6
    # The other process never computed it: its answer comes from Redis, without SQL.
    second, statements = get_counted(app_b.test_client(), **query)
    assert statements == [] and second == first
    keys = [key.decode() for key in redis_client.scan_iter(match=f"{prefix}*")]
    assert keys == [f"{prefix}feedback-stats:v1:{data_set['a']}:2026-03-01:2026-03-31"]
    assert 0 < redis_client.ttl(keys[0]) <= 60
