"""Benchmark the staff's feedback lists at 1,000 and at 100,000 reports, in one run.

``GET /api/v1/feedback/inbox`` and ``GET /api/v1/feedback/reports`` as the demo staff user
(bearer token): the p50 latency at 100k reports must stay within 1.5x of the p50 at 1k
(the ratio is the figure to compare over time: both sizes are measured in the same run,
on the same machine), and each route must run the same number of SQL statements at
``limit`` 1, 20 and 100. See bench/README.md.

The orchestration uses the standard library only; the app is imported only in child
processes run with the venv's Python (loading the reports, counting statements, EXPLAIN).

    .venv/bin/python bench/bench_feedback.py [--requests 200] [--sizes 1000,100000]
    QC_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_feedback.py        # SQLite, then PostgreSQL
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import serverctl  # bench/serverctl.py: this script's directory comes first on sys.path
from serverctl import HOST, REPO_ROOT, RESULTS_DIR, Server, ServerError

STAFF_EMAIL = "staff@demo.quartiericonnessi.it"
# The demo accounts of `qc seed --demo` (qc_platform/data/demo.json; never in production).
DEMO_PASSWORD = "quartieri-demo-2026"  # noqa: S105 - a public demo password
ROUTES = {"inbox": "/api/v1/feedback/inbox", "reports": "/api/v1/feedback/reports"}
LIMITS = (1, 20, 100)
DEFAULT_SIZES = (1_000, 100_000)
MAX_RATIO = 1.5
LOG_PROBLEM = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Exception")


class BenchError(ServerError):
    """The benchmark could not produce a trustworthy figure."""


# ===== children: run by the venv's Python, with the run's environment ==========================


def _app():
    sys.path.insert(0, str(REPO_ROOT))
    from qc_platform import create_app

    return create_app()


def load_reports_main(target: int) -> int:
    """Bring the number of reports up to ``target`` with bulk inserts; prints JSON.

    Reports are spread over the nine complexes and the last three years; a tenth are open
    (sent in the last 60 days), each has one active assignment (70 % custodians, 30 % the
    staff queue), 15 % are anonymous. Deterministic: the same target gives the same rows.
    PostgreSQL: COPY; SQLite: executemany, in one transaction. Then ANALYZE on PostgreSQL
    (what autovacuum would do); SQLite gets none, as in production.
    """
    import random
    from datetime import timedelta

    from sqlalchemy import func, insert, select, text

    from qc_platform.accounts.models import RoleGrant, User
    from qc_platform.core.clock import utcnow
    from qc_platform.extensions import db
    from qc_platform.feedback import sla
    from qc_platform.feedback.models import FeedbackCategory, Report, ReportAssignment
    from qc_platform.places.models import Complex

    started = time.perf_counter()
    app = _app()
    with app.app_context():
        session = db.session
        current = session.scalar(select(func.count()).select_from(Report))
        needed = target - current
        if needed <= 0:
            print(json.dumps({"added": 0, "total": current, "seconds": 0}))
            return 0
        conn = session.connection()
        postgres = conn.dialect.name == "postgresql"
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
        if postgres:
            _copy(conn, Report.__table__, reports)
            _copy(conn, ReportAssignment.__table__, assignments)
            for table in ("feedback_reports", "feedback_assignments"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        else:
            for chunk in range(0, needed, 10_000):
                conn.execute(insert(Report.__table__), reports[chunk : chunk + 10_000])
                conn.execute(
                    insert(ReportAssignment.__table__), assignments[chunk : chunk + 10_000]
                )
        session.commit()
        if postgres:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
                auto.execute(text("ANALYZE"))
        else:  # start the server with an empty WAL, as after a quiet night
            raw = db.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        total = session.scalar(select(func.count()).select_from(Report))
    print(
        json.dumps(
            {
                "added": needed,
                "total": total,
                "seconds": round(time.perf_counter() - started, 1),
                "insert_seconds": round(time.perf_counter() - built, 1),
                "method": "COPY" if postgres else "executemany",
            }
        )
    )
    return 0


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


def _copy(conn, table, rows: list[dict]) -> None:
    """PostgreSQL COPY … FROM STDIN through the session's own psycopg connection."""
    columns = [column.name for column in table.columns]
    raw = conn.connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in columns])


def count_queries_main() -> int:
    """SQL statements per request of each route at each page size; prints JSON."""
    app = _app()
    from qc_platform.accounts import service as accounts
    from qc_platform.core.querycount import count_queries
    from qc_platform.extensions import db

    with app.app_context():
        user = accounts.find_user_by_email(STAFF_EMAIL)
        _, token = accounts.issue_token(user=user, name="bench-count")
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    result: dict[str, dict] = {}
    for route, path in ROUTES.items():
        client.get(f"{path}?limit=1", headers=headers)  # connection set-up is not the route's
        result[route] = {}
        for limit in LIMITS:
            with app.app_context(), count_queries() as counter:
                response = client.get(f"{path}?limit={limit}", headers=headers)
            if response.status_code != 200:
                print(f"GET {path}?limit={limit}: {response.status_code}", file=sys.stderr)
                return 1
            result[route][str(limit)] = {
                "statements": counter.count,
                "items": len(response.get_json()["items"]),
                "sql": [" ".join(s.split())[:160] for s in counter.statements],
            }
    print(json.dumps(result))
    return 0


def explain_main() -> int:
    """The query plans of the two lists' main SELECT (staff, first page); prints JSON."""
    app = _app()
    from sqlalchemy import text

    from qc_platform.accounts import service as accounts
    from qc_platform.extensions import db
    from qc_platform.feedback import policies, service
    from qc_platform.feedback.models import Report

    plans = {}
    with app.app_context():
        user = accounts.find_user_by_email(STAFF_EMAIL)
        dialect = db.engine.dialect
        statements = {
            "inbox": service.inbox_query(user)
            .order_by(Report.first_response_due_at, Report.id)
            .limit(21),
            "reports": policies.visible_reports(user).order_by(Report.id.desc()).limit(21),
        }
        for route, statement in statements.items():
            sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
            prefix = (
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
                if dialect.name == "postgresql"
                else "EXPLAIN QUERY PLAN "
            )
            rows = db.session.execute(text(prefix + sql)).all()
            plans[route] = [" | ".join(str(v) for v in row) for row in rows]
        db.session.rollback()
    print(json.dumps(plans))
    return 0


def postgres_admin_main(action: str, server_url: str, name: str, template: str = "") -> int:
    """Create (from ``template`` when given) or drop one of the run's PostgreSQL databases."""
    import psycopg

    url = server_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        if action == "create":
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{suffix}')
        else:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


# ===== orchestration (standard library) ========================================================


def child(args: argparse.Namespace, env: dict[str, str], *flags: str, timeout: float) -> dict:
    command = [str(args.venv / "bin" / "python"), str(Path(__file__).resolve()), *flags]
    stdout = serverctl.run_command(command, env, timeout=timeout, what=" ".join(flags[:2]))
    lines = stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def _postgres_url(server_url: str, name: str) -> str:
    """``server_url`` with its database replaced by ``name``."""
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


def clone_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (``VACUUM INTO``: WAL included, compacted)."""
    with contextlib.closing(sqlite3.connect(source)) as conn:
        conn.execute("VACUUM INTO ?", (str(target),))


def issue_token(port: int) -> str:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        body = json.dumps({"email": STAFF_EMAIL, "password": DEMO_PASSWORD, "name": "bench"})
        conn.request(
            "POST", "/api/v1/auth/tokens", body=body, headers={"Content-Type": "application/json"}
        )
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    if response.status != 201:
        raise BenchError(f"POST /api/v1/auth/tokens answered {response.status}: {data[:300]!r}")
    return json.loads(data)["token"]


def measure(targets: dict[int, tuple[int, str]], requests: int, warmup: int) -> dict:
    """Sequential GETs, interleaved: every round asks each route of each server once.

    ``targets``: size -> (port, bearer token). The servers run side by side and are asked
    in turn (the order of the sizes flips every round), so a slower moment of the machine
    hits all sizes alike. One keep-alive connection per server and route.
    """
    connections = {
        (size, route): http.client.HTTPConnection(HOST, port, timeout=60)
        for size, (port, _) in targets.items()
        for route in ROUTES
    }
    latencies: dict[tuple[int, str], list[float]] = {key: [] for key in connections}
    items: dict[tuple[int, str], int] = {}
    errors: dict[tuple[int, str], int] = dict.fromkeys(connections, 0)
    order = list(targets)
    try:
        for number in range(warmup + requests):
            for size in order if number % 2 == 0 else order[::-1]:
                headers = {"Authorization": f"Bearer {targets[size][1]}"}
                for route, path in ROUTES.items():
                    conn = connections[(size, route)]
                    started = time.perf_counter()
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    elapsed = (time.perf_counter() - started) * 1000.0
                    if response.status != 200:
                        errors[(size, route)] += 1
                        continue
                    if (size, route) not in items:
                        items[(size, route)] = len(json.loads(body)["items"])
                    if number >= warmup:
                        latencies[(size, route)].append(elapsed)
    finally:
        for conn in connections.values():
            conn.close()
    summary: dict[str, dict] = {str(size): {} for size in targets}
    for (size, route), values in latencies.items():
        values.sort()
        summary[str(size)][route] = {
            "requests": len(values),
            "errors": errors[(size, route)],
            "items": items.get((size, route)),
            "p50_ms": round(statistics.median(values), 3) if values else None,
            "p90_ms": round(values[max(0, int(len(values) * 0.9) - 1)], 3) if values else None,
            "min_ms": round(values[0], 3) if values else None,
        }
    return summary


def run_backend(args: argparse.Namespace, backend: str, tmp: Path) -> dict:
    """Load one database per size, serve them side by side, measure; the backend's results."""
    pg_server = os.environ.get("QC_BENCH_DATABASE_URL", "")
    run_id = f"{os.getpid()}_{secrets.token_hex(3)}"
    secret = serverctl.secret_key()
    bin_dir = args.venv / "bin"
    envs: dict[int, dict[str, str]] = {}
    pg_databases: list[str] = []
    servers: list[Server] = []
    sizes: dict[str, dict] = {}
    try:
        previous = None
        for size in args.sizes:
            if backend == "sqlite":
                path = tmp / f"feedback-{size}.sqlite3"
                url = f"sqlite:///{path}"  # absolute: four slashes
            else:
                name = f"qc_bench_{run_id}_{size}"
                url = _postgres_url(pg_server, name)
            envs[size] = env = serverctl.server_env(
                unset=("QC_ENV", "QC_REDIS_URL", "QC_SMTP_URL"),
                QC_DATABASE_URL=url,
                QC_RATELIMIT_ENABLED="0",
                QC_SECRET_KEY=secret,
                # Tokens are issued during set-up only; cheap hashing keeps it short.
                QC_ARGON2_TIME_COST="1",
                QC_ARGON2_MEMORY_COST="8",
            )
            # The first database is prepared; each next one starts as a copy of the previous.
            if previous is None:
                if backend == "postgresql":
                    child(args, env, "--postgres-admin", "create", pg_server, name, timeout=60)
                    pg_databases.append(name)
                print(f"[{backend}] preparing the database (db upgrade, qc seed --demo) ...")
                serverctl.prepare_database(bin_dir, env, demo=True, timeout=180)
            elif backend == "sqlite":
                clone_sqlite(tmp / f"feedback-{previous}.sqlite3", path)
            else:
                template = f"qc_bench_{run_id}_{previous}"
                child(
                    args, env, "--postgres-admin", "create", pg_server, name, template, timeout=120
                )
                pg_databases.append(name)
            loaded = child(args, env, "--load-reports", str(size), timeout=1800)
            print(
                f"[{backend}] {loaded['total']:>7} reports (+{loaded['added']} by "
                f"{loaded.get('method', '-')} in {loaded['seconds']} s)"
            )
            sizes[str(size)] = {
                "reports": loaded["total"],
                "load": loaded,
                "sql": child(args, env, "--count-queries", timeout=300),
                "plans": child(args, env, "--explain-child", timeout=300) if args.explain else None,
            }
            previous = size

        targets = {}
        for size in args.sizes:
            server = serverctl.start_gunicorn(
                bin_dir,
                envs[size],
                tmp / f"gunicorn-{backend}-{size}.log",
                threads=args.server_threads,
                log_problem=LOG_PROBLEM,
                name=str(size),
            )
            servers.append(server)
        for size, server in zip(args.sizes, servers, strict=True):
            serverctl.wait_until_healthy(server)
            targets[size] = (server.port, issue_token(server.port))
        print(
            f"[{backend}] {len(servers)} servers: {' '.join(servers[0].command[1:])} "
            f"(ports {', '.join(str(s.port) for s in servers)}); "
            f"{args.requests} measured rounds after {args.warmup} warm-up rounds"
        )
        latency = measure(targets, args.requests, args.warmup)
        alive = {server.name: server.proc.poll() is None for server in servers}
        serverctl.stop_servers(servers)
        for server in servers:
            sizes[server.name].update(
                latency=latency[server.name],
                server=" ".join(server.command[1:]),
                server_alive=alive[server.name],
                gunicorn_log_problems=server.problems(),
            )
        for size, result in sizes.items():
            for route, row in result["latency"].items():
                counts = " ".join(
                    f"limit={limit}:{result['sql'][route][str(limit)]['statements']}"
                    for limit in LIMITS
                )
                print(
                    f"[{backend}] {size:>7} {route:<8} p50 {row['p50_ms']:>8.2f} ms  "
                    f"p90 {row['p90_ms']:>8.2f} ms  items {row['items']}  SQL {counts}"
                    + (f"  ERRORS {row['errors']}" if row["errors"] else "")
                )
            for route, plan in (result["plans"] or {}).items():
                print(f"[{backend}] {size:>7} {route} plan:")
                for line in plan:
                    print(f"    {line}")
            for line in result["gunicorn_log_problems"][:20]:
                print(f"[{backend}] {size:>7} gunicorn log: {line}")
    finally:
        serverctl.stop_servers(servers)
        for name in reversed(pg_databases):
            child(
                args, envs[args.sizes[0]], "--postgres-admin", "drop", pg_server, name, timeout=120
            )
    return sizes


def ratios(sizes: dict[str, dict], small: int, large: int) -> dict[str, float]:
    return {
        route: round(
            sizes[str(large)]["latency"][route]["p50_ms"]
            / sizes[str(small)]["latency"][route]["p50_ms"],
            3,
        )
        for route in ROUTES
    }


def find_failures(backend: str, sizes: dict[str, dict], ratio: dict, max_ratio: float) -> list:
    failures = []
    for size, result in sizes.items():
        if not result["server_alive"]:
            failures.append(f"{backend} {size}: gunicorn exited during the run")
        for route, row in result["latency"].items():
            if row["errors"]:
                failures.append(f"{backend} {size} {route}: {row['errors']} non-200 responses")
            counts = {c["statements"] for c in result["sql"][route].values()}
            if len(counts) != 1:
                failures.append(
                    f"{backend} {size} {route}: SQL statements differ with the page size "
                    f"({ {k: c['statements'] for k, c in result['sql'][route].items()} })"
                )
    for route, value in ratio.items():
        if value > max_ratio:
            failures.append(f"{backend} {route}: p50 ratio {value} > {max_ratio}")
    return failures


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="measured GETs per route (200)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured GETs per route (20)")
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="report counts to measure, ascending; the ratio is last/first (1000,100000)",
    )
    parser.add_argument("--max-ratio", type=float, default=MAX_RATIO, help="goal (1.5)")
    parser.add_argument(
        "--backend",
        choices=("auto", "sqlite", "postgresql"),
        default="auto",
        help="auto: SQLite, and PostgreSQL too when QC_BENCH_DATABASE_URL is set",
    )
    parser.add_argument("--explain", action="store_true", help="print the query plans per size")
    parser.add_argument(
        "--server-threads", type=int, default=100, help="gunicorn threads (100, as make run)"
    )
    parser.add_argument("--venv", type=Path, default=REPO_ROOT / ".venv", help="the venv to use")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--load-reports", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--explain-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--postgres-admin", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in str(args.sizes).split(",")]
    except ValueError:
        parser.error("--sizes: comma-separated integers")
    if len(args.sizes) < 2 or args.sizes != sorted(args.sizes) or args.sizes[0] < 1:
        parser.error("--sizes: at least two ascending positive counts")
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be positive, --warmup not negative")
    return args


def run(args: argparse.Namespace) -> int:
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    backends = ["sqlite"]
    if args.backend == "postgresql" or (
        args.backend == "auto" and os.environ.get("QC_BENCH_DATABASE_URL")
    ):
        backends = ["postgresql"] if args.backend == "postgresql" else ["sqlite", "postgresql"]
    if "postgresql" in backends and not os.environ.get("QC_BENCH_DATABASE_URL"):
        raise BenchError("--backend postgresql needs QC_BENCH_DATABASE_URL")
    small, large = args.sizes[0], args.sizes[-1]
    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-feedback-"))
    results: dict[str, dict] = {}
    failures: list[str] = []
    try:
        for backend in backends:
            sizes = run_backend(args, backend, tmp)
            ratio = ratios(sizes, small, large)
            results[backend] = {"sizes": sizes, "ratio_p50": ratio}
            failures += find_failures(backend, sizes, ratio, args.max_ratio)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(
        f"{'backend':<11} {'route':<8} {'p50 @' + str(small):>12} {'p50 @' + str(large):>13} "
        f"{'ratio':>7}  SQL statements (limit 1/20/100)"
    )
    for backend, result in results.items():
        for route in ROUTES:
            lo = result["sizes"][str(small)]["latency"][route]["p50_ms"]
            hi = result["sizes"][str(large)]["latency"][route]["p50_ms"]
            sql = result["sizes"][str(large)]["sql"][route]
            counts = "/".join(str(sql[str(limit)]["statements"]) for limit in LIMITS)
            print(
                f"{backend:<11} {route:<8} {lo:>10.2f}ms {hi:>11.2f}ms "
                f"{result['ratio_p50'][route]:>7.2f}  {counts}"
            )
    print(f"goal: ratio <= {args.max_ratio}, the same statement count at every limit")

    result = {
        "benchmark": "feedback",
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_1m": {"before": load_before[0], "after": os.getloadavg()[0]},
        },
        "settings": {
            "sizes": args.sizes,
            "requests": args.requests,
            "warmup": args.warmup,
            "server_threads": args.server_threads,
            "max_ratio": args.max_ratio,
            "client": "sequential http.client requests, one keep-alive connection per "
            "server and route; one server per size, side by side, asked in turn",
        },
        "backends": results,
        "failures": failures,
    }
    return serverctl.save_results(args.results_dir, "feedback", started_at, result)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.load_reports is not None:
        return load_reports_main(args.load_reports)
    if args.count_queries:
        return count_queries_main()
    if args.explain_child:
        return explain_main()
    if args.postgres_admin:
        return postgres_admin_main(*args.postgres_admin)
    return serverctl.run_cleanly(
        run, args, interrupted="interrupted; servers stopped, temp files removed"
    )


if __name__ == "__main__":
    sys.exit(main())
