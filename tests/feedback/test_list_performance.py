"""The staff's lists cost the same whatever the page size and the number of reports.

The benchmark (bench/bench_feedback.py) measures it at 1,000 and 100,000 reports; these
tests keep its two preconditions from regressing: the same SQL statements at any page
size, and an inbox plan that reads the partial index of open reports in the page's order
instead of sorting every open report.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from qc_platform.core.querycount import count_queries
from qc_platform.extensions import db
from qc_platform.feedback import policies, service
from qc_platform.feedback.models import Report, open_status
from tests.accounts.factories import bearer
from tests.feedback.factories import complex_ab, custodian, staff, submit, tenant

OPEN_DUE_INDEX = "ix_feedback_reports_open_due"


@pytest.fixture
def reports():
    a, b = complex_ab()
    reporter = tenant(a)
    ids = [submit(reporter, a, title=f"Guasto numero {n}") for n in range(4)]
    ids.append(submit(tenant(b), b, category="space-services", title="Sala chiusa"))
    # The newest report, first on the list and alone on a page of 1, is anonymous.
    ids.append(submit(reporter, a, category="space-services", anonymous=True, title="Anonima"))
    return ids


@pytest.mark.parametrize("path", ["/api/v1/feedback/reports", "/api/v1/feedback/inbox"])
def test_the_same_statements_at_any_page_size(client, reports, path):
    headers = bearer(staff())
    client.get(path, headers=headers)
    counts = {}
    for limit in (1, 20, 100):
        with count_queries() as counter:
            response = client.get(path, query_string={"limit": limit}, headers=headers)
        assert response.status_code == 200
        assert response.get_json()["items"]
        counts[limit] = counter.count
    assert len(set(counts.values())) == 1, counts


def _plan(statement) -> str:
    dialect = db.session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN (COSTS OFF) "
    return "\n".join(
        " ".join(str(value) for value in row) for row in db.session.execute(text(prefix + sql))
    )


@pytest.fixture
def planner(backend):
    """PostgreSQL chooses by cost, and a test table is tiny: forbid what it could do
    instead (scan the table, sort), so the plan shows whether the index *can* be used."""
    if backend == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_sort = off"))
    yield


@pytest.mark.parametrize("who", ["staff", "custodian"])
def test_the_inbox_reads_open_reports_in_due_order_from_the_partial_index(
    reports, planner, backend, who
):
    a, _ = complex_ab()
    user = staff() if who == "staff" else custodian(a)
    statement = (
        service.inbox_query(user).order_by(Report.first_response_due_at, Report.id).limit(21)
    )
    plan = _plan(statement)
    assert OPEN_DUE_INDEX in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_escalation_reads_a_range_of_the_partial_index(planner):
    statement = (
        select(Report.id)
        .where(
            open_status(),
            Report.first_responded_at.is_(None),
            Report.escalated_at.is_(None),
            Report.first_response_due_at < datetime(2026, 11, 25, tzinfo=UTC),
        )
        .order_by(Report.first_response_due_at)
    )
    plan = _plan(statement)
    assert OPEN_DUE_INDEX in plan, plan


def test_staff_see_every_report_newest_first_without_a_sort(reports, planner):
    statement = policies.visible_reports(staff()).order_by(Report.id.desc()).limit(21)
    plan = _plan(statement)
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
