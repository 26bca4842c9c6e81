"""Benchmark the staff's feedback lists at 1,000 and at 100,000 reports, in one run.

``GET /api/v1/feedback/inbox`` and ``GET /api/v1/feedback/reports`` as the demo staff user
(bearer token): the p50 latency at 100k reports must stay within 1.5x of the p50 at 1k
(both sizes served side by side and asked in turn, so the ratio is the figure to compare
over time), and each route must run the same number of SQL statements at both sizes and at
``limit`` 1, 20 and 100. The harness is bench/scaling.py. See bench/README.md.

The orchestration uses the standard library only; the app is imported only in child
processes run with the venv's Python (loading the reports, counting statements, EXPLAIN).

    .venv/bin/python bench/bench_feedback.py [--requests 200] [--sizes 1000,100000]
    QC_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_feedback.py        # SQLite, then PostgreSQL
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import scaling  # bench/scaling.py: this script's directory comes first on sys.path

STAFF_EMAIL = "staff@demo.quartiericonnessi.it"
# The demo accounts of `qc seed --demo` (qc_platform/data/demo.json; never in production).
DEMO_PASSWORD = "quartieri-demo-2026"  # noqa: S105 - a public demo password


# ===== children: run by the venv's Python, with the run's environment ==========================


def load_reports(target: int) -> dict:
    """Bring the number of reports up to ``target`` with bulk inserts (child).

    Reports are spread over the nine complexes and the last three years; a tenth are open
    (sent in the last 60 days), each has one active assignment (70 % custodians, 30 % the
    staff queue), 15 % are anonymous. Deterministic: the same target gives the same rows.
    Stored by ``scaling.store``.
    """
    import random
    from datetime import timedelta

    from sqlalchemy import func, insert, select

    from qc_platform.accounts.models import RoleGrant, User
    from qc_platform.core.clock import utcnow
    from qc_platform.extensions import db
    from qc_platform.feedback import sla
    from qc_platform.feedback.models import FeedbackCategory, Report, ReportAssignment
    from qc_platform.places.models import Complex

    with scaling.app().app_context():
        session = db.session
        current = session.scalar(select(func.count()).select_from(Report))
        needed = target - current
        if needed <= 0:
            return {"added": 0, "total": current}
        complexes = list(session.scalars(select(Complex.id).order_by(Complex.id)))
        categories = list(session.scalars(select(FeedbackCategory.id)))
        tenants = _bench_tenants(session, complexes, User, RoleGrant, insert, select)
        rng = random.Random(target)
        now = utcnow()
        next_report = (session.scalar(select(func.max(Report.id))) or 0) + 1
        next_assignment = (session.scalar(select(func.max(ReportAssignment.id))) or 0) + 1
        reports, assignments = [], []
        for n in range(needed):
            complex_id = complexes[n % len(complexes)]
            is_open = rng.random() < 0.10
            age = rng.uniform(0, 60 if is_open else 3 * 365) * 86400
            created = now - timedelta(seconds=age)
            due = sla.add_working_hours(created, 48)
            answered = None
            if not is_open or rng.random() < 0.5:
                answered = created + timedelta(hours=rng.uniform(0.5, 120))
            if is_open:
                status = rng.choice(("submitted", "acknowledged", "in_progress"))
                resolved = closed = None
            else:
                status = rng.choices(("closed", "rejected", "duplicate"), (85, 10, 5))[0]
                resolved = answered + timedelta(hours=rng.uniform(1, 400))
                closed = resolved
                if status != "closed":
                    resolved = None
            rating = rng.randint(1, 5) if status == "closed" and rng.random() < 0.4 else None
            report_id = next_report + n
            reporter = tenants[complex_id][n % len(tenants[complex_id])]
            reports.append(
                {
                    "id": report_id,
                    "complex_id": complex_id,
                    "category_id": categories[n % len(categories)],
                    "reporter_id": reporter,
                    "submitted_by_id": reporter,
                    "title": f"Segnalazione di prova {report_id}",
                    "description": "Descrizione di prova, lunga come una vera segnalazione: "
                    + "l'ascensore della scala B si ferma tra il secondo e il terzo piano. " * 2,
                    "location_detail": None,
                    "anonymous": rng.random() < 0.15,
                    "visibility": "public" if rng.random() < 0.2 else "private",
                    "status": status,
                    "first_response_due_at": due,
                    "first_responded_at": answered,
                    "escalated_at": due if answered is None and due < now else None,
                    "resolved_at": resolved,
                    "closed_at": closed,
                    "solved": True if rating else None,
                    "satisfaction": rating,
                    "support_count": 0,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            assignments.append(
                {
                    "id": next_assignment + n,
                    "report_id": report_id,
                    "target": "staff" if rng.random() < 0.3 else "custodian",
                    "complex_id": complex_id,
                    "committee_id": None,
                    "active": True,
                    "reason": "routing",
                    "created_at": created,
                }
            )
        built = time.perf_counter()
        tables = [(Report.__table__, reports), (ReportAssignment.__table__, assignments)]
        method = scaling.store(db, tables)
        total = session.scalar(select(func.count()).select_from(Report))
    return {
        "added": needed,
        "total": total,
        "insert_seconds": round(time.perf_counter() - built, 1),
        "method": method,
    }


def _bench_tenants(session, complexes, User, RoleGrant, insert, select) -> dict[int, list[int]]:
    """30 tenants per complex (``inquilino-<complex>-<n>@bench.invalid``), created once."""
    from qc_platform.core.clock import utcnow

    def ids():
        rows = session.execute(
            select(RoleGrant.scope_id, RoleGrant.user_id)
            .join(User, User.id == RoleGrant.user_id)
            .where(RoleGrant.role == "tenant", User.email.like("%@bench.invalid"))
        ).all()
        found: dict[int, list[int]] = {}
        for complex_id, user_id in rows:
            found.setdefault(complex_id, []).append(user_id)
        return found

    found = ids()
    if found:
        return found
    password_hash = session.scalar(select(User.password_hash).where(User.email == STAFF_EMAIL))
    now = utcnow()
    for complex_id in complexes:
        for n in range(30):
            user_id = session.execute(
                insert(User)
                .values(
                    email=f"inquilino-{complex_id}-{n}@bench.invalid",
                    display_name=f"Inquilino {complex_id}.{n}",
                    password_hash=password_hash,
                    locale="it",
                    is_active=True,
                    created_at=now,
                    updated_at=now,
                )
                .returning(User.id)
            ).scalar_one()
            session.execute(
                insert(RoleGrant).values(
                    user_id=user_id,
                    role="tenant",
                    scope_type="complex",
                    scope_id=complex_id,
                    created_at=now,
                )
            )
    session.flush()
    return ids()


SCENARIO = scaling.Scenario(
    name="feedback",
    script=Path(__file__).resolve(),
    noun="reports",
    path="",
    searches={"inbox": "/api/v1/feedback/inbox", "reports": "/api/v1/feedback/reports"},
    first="reports",
    table="feedback_reports",
    load=load_reports,
    default_sizes=(1_000, 100_000),
    demo=True,  # the staff user, and the places the reports belong to
    sign_in=(STAFF_EMAIL, DEMO_PASSWORD),
)


if __name__ == "__main__":
    sys.exit(scaling.main(SCENARIO, None, __doc__.split("\n\n")[0]))
