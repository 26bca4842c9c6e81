"""Service-level escalation: ``flask qc escalate`` with a frozen clock, once per report.

The clock is frozen with time-machine. The database's own ``now()`` is not, but nothing
here uses it: every timestamp (``created_at``, ``first_response_due_at``,
``escalated_at``…) is set in Python.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import func, select

from qc_platform.core.audit import AuditEntry
from qc_platform.core.clock import ROME
from qc_platform.extensions import db
from qc_platform.feedback import service as feedback
from qc_platform.feedback.models import Report, ReportAssignment
from qc_platform.notifications.models import Notification
from tests.accounts.factories import persist
from tests.conftest import _postgres_database, make_test_app, restored_extension_state
from tests.feedback.factories import (
    audit_rows,
    complex_ab,
    custodian,
    notified,
    report,
    staff,
    submit,
    tenant,
)

ESCALATED = "feedback.escalated"


def rome(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


def escalate(app) -> str:
    """``flask --app qc_platform qc escalate``, as cron runs it; its output."""
    result = app.test_cli_runner().invoke(args=["qc", "escalate"])
    assert result.exit_code == 0, result.output
    return result.output


def escalations_of(report_id: int) -> list[Notification]:
    link = f"/segnalazioni/{report_id}"
    return [n for ns in notified(ESCALATED).values() for n in ns if n.link == link]


@pytest.fixture
def people():
    a, _ = complex_ab()
    return {
        "tenant": tenant(a),
        "custodian": custodian(a),
        "staff": [staff(), staff()],
        "complex": a,
    }


def test_friday_evening_report_is_not_overdue_on_monday_morning(app, people):
    with time_machine.travel(rome(2026, 11, 20, 17), tick=False) as clock:  # Friday
        report_id = submit(people["tenant"], people["complex"])
        assert report(report_id).first_response_due_at == rome(2026, 11, 24, 17)

        clock.move_to(rome(2026, 11, 23, 9))  # Monday 09:00: 16 working hours later
        assert escalate(app) == "Escalated 0 overdue reports.\n"
        clock.move_to(rome(2026, 11, 24, 16, 59))  # Tuesday, one minute before the deadline
        assert escalate(app) == "Escalated 0 overdue reports.\n"
        assert report(report_id).escalated_at is None
        assert escalations_of(report_id) == []

        clock.move_to(rome(2026, 11, 24, 17, 1))  # 48 working hours and a minute
        assert escalate(app) == "Escalated 1 overdue reports.\n"
    escalated = report(report_id)
    assert escalated.escalated_at == rome(2026, 11, 24, 17, 1)
    assert ("staff", None) in {(a.target, a.committee_id) for a in escalated.assignments}


def test_the_deadline_skips_sant_ambrogio_and_the_immacolata(app, people):
    with time_machine.travel(rome(2026, 12, 4, 17), tick=False) as clock:  # Friday 4 December
        report_id = submit(people["tenant"], people["complex"])
        clock.move_to(rome(2026, 12, 9, 18))  # Wednesday: Mon 7 and Tue 8 were holidays
        escalate(app)
        assert report(report_id).escalated_at is None
        clock.move_to(rome(2026, 12, 10, 17, 1))
        escalate(app)
    assert report(report_id).escalated_at == rome(2026, 12, 10, 17, 1)


def test_running_twice_escalates_once_and_notifies_staff_once(app, people):
    with time_machine.travel(rome(2026, 11, 20, 17), tick=False) as clock:
        report_id = submit(people["tenant"], people["complex"])
        clock.move_to(rome(2026, 11, 25, 9))
        assert escalate(app) == "Escalated 1 overdue reports.\n"
        clock.move_to(rome(2026, 11, 25, 9, 1))  # cron, a minute later
        assert escalate(app) == "Escalated 0 overdue reports.\n"
        clock.move_to(rome(2026, 11, 30, 9))
        assert escalate(app) == "Escalated 0 overdue reports.\n"

    assert report(report_id).escalated_at == rome(2026, 11, 25, 9)
    notifications = escalations_of(report_id)
    assert sorted(n.user_id for n in notifications) == sorted(s.id for s in people["staff"])
    assert len(audit_rows("report.escalate", report_id)) == 1
    staff_queue = db.session.scalars(
        select(ReportAssignment).where(
            ReportAssignment.report_id == report_id, ReportAssignment.target == "staff"
        )
    ).all()
    assert [a.reason for a in staff_queue] == ["escalation"]


def test_an_answered_report_is_never_escalated(app, people):
    with time_machine.travel(rome(2026, 11, 20, 17), tick=False) as clock:
        on_time = submit(people["tenant"], people["complex"], title="Perdita d'acqua")
        late = submit(people["tenant"], people["complex"], title="Citofono rotto")
        unanswered = submit(people["tenant"], people["complex"], title="Luce scale")
        clock.move_to(rome(2026, 11, 23, 10))
        feedback.add_update(author=people["custodian"], report=report(on_time), body="Arriviamo.")
        persist()
        escalate(app)
        # Past the deadline, but answered before cron came by: nothing left to escalate.
        clock.move_to(rome(2026, 11, 24, 17, 30))
        feedback.add_update(author=people["custodian"], report=report(late), body="Visto.")
        persist()
        clock.move_to(rome(2026, 11, 24, 17, 31))
        assert escalate(app) == "Escalated 1 overdue reports.\n"
        clock.move_to(rome(2026, 12, 31, 10))  # far beyond the deadlines
        assert escalate(app) == "Escalated 0 overdue reports.\n"
    for answered in (on_time, late):
        assert report(answered).escalated_at is None
        assert escalations_of(answered) == []
    assert report(on_time).first_responded_at == rome(2026, 11, 23, 10)
    assert report(unanswered).escalated_at == rome(2026, 11, 24, 17, 31)


def test_internal_notes_and_the_reporters_comments_are_no_answer(app, people):
    with time_machine.travel(rome(2026, 11, 20, 17), tick=False) as clock:
        report_id = submit(people["tenant"], people["complex"])
        clock.move_to(rome(2026, 11, 23, 10))
        feedback.add_update(
            author=people["custodian"],
            report=report(report_id),
            body="Sentire il tecnico.",
            internal=True,
        )
        feedback.add_update(author=people["tenant"], report=report(report_id), body="Novità?")
        persist()
        clock.move_to(rome(2026, 11, 24, 17, 1))
        escalate(app)
    assert report(report_id).first_responded_at is None
    assert report(report_id).escalated_at == rome(2026, 11, 24, 17, 1)


def test_closed_reports_are_not_escalated(app, people):
    with time_machine.travel(rome(2026, 11, 20, 17), tick=False) as clock:
        report_id = submit(people["tenant"], people["complex"])
        row = report(report_id)
        row.status = "duplicate"  # set directly: no answer recorded
        persist()
        clock.move_to(rome(2026, 12, 31, 10))
        escalate(app)
    assert report(report_id).escalated_at is None


def test_the_configured_number_of_working_hours_is_honoured(app, people, monkeypatch):
    monkeypatch.setitem(app.config, "QC_FEEDBACK_SLA_HOURS", 8)
    with time_machine.travel(rome(2026, 11, 20, 17), tick=False) as clock:
        report_id = submit(people["tenant"], people["complex"])
        assert report(report_id).first_response_due_at == rome(2026, 11, 23, 1)  # Monday 01:00
        clock.move_to(rome(2026, 11, 23, 0, 59))
        escalate(app)
        assert report(report_id).escalated_at is None
        clock.move_to(rome(2026, 11, 23, 1, 1))
        escalate(app)
    assert report(report_id).escalated_at == rome(2026, 11, 23, 1, 1)


# --- concurrent runs, on a database of their own (real commits, real connections) -----


@pytest.fixture
def scratch_app(tmp_path, frontend_dist):
    """An app on a fresh, migrated and seeded database; process-wide state handed back."""
    with restored_extension_state():
        yield from _scratch_app(tmp_path, frontend_dist)


def _scratch_app(tmp_path, frontend_dist):
    if os.environ.get("QC_TEST_DATABASE_URL"):
        urls = _postgres_database()
        url = next(urls)
    else:
        urls, url = None, "sqlite:///" + str(tmp_path / "escalation.sqlite3")
    app = make_test_app(url, frontend_dist, tmp_path / "instance")
    try:
        with app.app_context():
            upgrade()
            from qc_platform.places import service as places

            places.seed_reference_data()
            feedback.seed_categories_and_routing()
            db.session.commit()
            db.session.remove()
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if urls is not None:
            urls.close()  # drops the database


OVERDUE_REPORTS = 12


def _overdue_reports(app) -> tuple[list[int], list[int]]:
    """Reports sent on Friday 20 November 2026, overdue since Tuesday 24; two staff."""
    with app.app_context():
        a, _ = complex_ab()
        reporter = tenant(a)
        staff_ids = [staff().id, staff().id]
        with time_machine.travel(rome(2026, 11, 20, 17), tick=False):
            report_ids = [submit(reporter, a, title=f"Guasto {n}") for n in range(OVERDUE_REPORTS)]
        db.session.remove()
    return report_ids, staff_ids


def _run_escalation(app, results: list, errors: list, barrier: threading.Barrier | None = None):
    """What ``qc escalate`` does, in a thread: one transaction, committed at the end."""
    with app.app_context():
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            escalated = feedback.escalate_overdue()
            ids = [r.id for r in escalated]
            db.session.commit()
            results.append(ids)
        except Exception as error:  # reported by the test
            db.session.rollback()
            errors.append(error)
        finally:
            db.session.remove()


def _check_escalated_once(app, report_ids, staff_ids, runs: list[list[int]]):
    assert sorted(i for run in runs for i in run) == sorted(report_ids)  # each once, in total
    with app.app_context():
        escalated = db.session.scalar(
            select(func.count()).where(Report.id.in_(report_ids), Report.escalated_at.isnot(None))
        )
        assert escalated == len(report_ids)
        per_staff = dict(
            db.session.execute(
                select(Notification.user_id, func.count())
                .where(Notification.kind == ESCALATED)
                .group_by(Notification.user_id)
            ).all()
        )
        assert per_staff == {staff_id: len(report_ids) for staff_id in staff_ids}
        audit = db.session.scalar(
            select(func.count()).where(AuditEntry.action == "report.escalate")
        )
        assert audit == len(report_ids)
        db.session.remove()


@pytest.mark.no_db
def test_a_second_run_during_the_first_escalates_nothing(scratch_app):
    """Run B starts while run A holds its transaction open.

    PostgreSQL: B skips the rows A has locked (``SKIP LOCKED``) and finishes at once with
    nothing. SQLite: B waits on ``BEGIN IMMEDIATE`` until A commits, then finds nothing.
    """
    app = scratch_app
    report_ids, staff_ids = _overdue_reports(app)
    b_results, b_errors = [], []
    with time_machine.travel(rome(2026, 11, 25, 9), tick=False), app.app_context():
        a_escalated = [r.id for r in feedback.escalate_overdue()]  # A: not committed yet
        thread = threading.Thread(target=_run_escalation, args=(app, b_results, b_errors))
        thread.start()
        thread.join(timeout=1.0)
        if db.engine.dialect.name == "sqlite":
            assert thread.is_alive(), "B should wait for A's write transaction"
        db.session.commit()
        db.session.remove()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert b_errors == []
    assert b_results == [[]]
    _check_escalated_once(app, report_ids, staff_ids, [a_escalated, *b_results])


@pytest.mark.no_db
def test_concurrent_runs_escalate_each_report_once(scratch_app):
    app = scratch_app
    report_ids, staff_ids = _overdue_reports(app)
    runs, errors = [], []
    barrier = threading.Barrier(3)
    with time_machine.travel(rome(2026, 11, 25, 9), tick=False):
        threads = [
            threading.Thread(target=_run_escalation, args=(app, runs, errors, barrier))
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert len(runs) == 3
    _check_escalated_once(app, report_ids, staff_ids, runs)
