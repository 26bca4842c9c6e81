"""The scaling benchmarks' common harness: one database per size, served side by side.

A scaling benchmark (bench_catalogue.py, bench_activities.py) asks whether a public search
stays as fast when its table grows a hundredfold. Per backend (SQLite; PostgreSQL when
``QC_BENCH_DATABASE_URL`` is set) it prepares one database per size (each next one starts
as a copy of the previous, then the scenario's loader tops it up), counts the SQL
statements of every search at ``limit`` 1, 20 and 100 in a child process, serves every
size with its own gunicorn, and asks the servers in turn, so that the p50 ratio between
the largest and the smallest size is measured in one run on one machine.

A benchmark is a ``Scenario`` (the route, its searches, the table that grows and the
loader that fills it) and one line, ``sys.exit(scaling.main(SCENARIO, None, doc))``: the
same script is run again as the children (``--load N``, ``--count-queries``,
``--postgres-admin``). The orchestration uses the standard library only; the app is
imported only by the children.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import serverctl
from serverctl import HOST, REPO_ROOT, RESULTS_DIR, ServerError

LIMITS = (1, 20, 100)
DEFAULT_PAGE = 20
LOG_PROBLEM = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Exception")


class BenchError(ServerError):
    """The benchmark could not produce a trustworthy figure."""


@dataclass(frozen=True)
class Scenario:
    """What one scaling benchmark measures."""

    name: str  # "catalogue": file names, the results file
    script: Path  # the benchmark's script: run again as the children (main() dispatches)
    noun: str  # what grows ("services", "sessions", "reports")
    path: str  # the route of the searches given as query strings
    # name -> a query string of `path`, or a path of its own ("/api/v1/…?…"); the one with
    # "{cursor}" is the second page of `first`.
    searches: dict[str, str]
    first: str
    table: str  # the table whose paginated SELECT ``--explain`` shows
    # In a child: bring the table up to N rows (bulk SQL, then ``store``); a JSON-able
    # summary with at least "added", "total", "seconds".
    load: Callable[[int], dict]
    default_sizes: tuple[int, int]
    # Put before every search's own parameters (activities: the week's from/to).
    common_query: Callable[[], str] = lambda: ""
    min_size: int = max(LIMITS) + 1  # a second page at limit 100
    settings: dict = field(default_factory=dict)  # recorded in the results
    log_problem: re.Pattern = LOG_PROBLEM
    demo: bool = False  # `qc seed --demo`: the demo accounts and their places
    # (email, password) of the account whose bearer token every request carries.
    sign_in: tuple[str, str] | None = None

    def url(self, name: str, limit: int | None, cursor: str | None) -> str:
        spec = self.searches[name].format(cursor=cursor)
        path, own = spec.partition("?")[::2] if spec.startswith("/") else (self.path, spec)
        parts = [self.common_query(), own]
        if limit is not None:
            parts.append(f"limit={limit}")
        query = "&".join(p for p in parts if p)
        return f"{path}?{query}" if query else path

    def pages_from_cursor(self, name: str) -> bool:
        return "{cursor}" in self.searches[name]


def child(script: Path, venv: Path, env: dict[str, str], *flags: str, timeout: float) -> dict:
    """Run ``script`` with the venv's Python; its last line of output, as JSON."""
    command = [str(venv / "bin" / "python"), str(script), *flags]
    stdout = serverctl.run_command(command, env, timeout=timeout, what=" ".join(flags[:2]))
    lines = stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def postgres_url(server_url: str, name: str) -> str:
    """``server_url`` with its database replaced by ``name``."""
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


def clone_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (``VACUUM INTO``: WAL included, compacted)."""
    with contextlib.closing(sqlite3.connect(source)) as conn:
        conn.execute("VACUUM INTO ?", (str(target),))


def postgres_admin_main(action: str, server_url: str, name: str, template: str = "") -> int:
    """Create (from ``template`` when given) or drop one of the run's PostgreSQL databases
    (child: needs psycopg)."""
    import psycopg

    url = server_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        if action == "create":
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{suffix}')
        else:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


def issue_token(port: int, email: str, password: str) -> str:
    """A bearer token of the account, through the running server's API."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        body = json.dumps({"email": email, "password": password, "name": "bench"})
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


def get_page(port: int, url: str, headers: dict[str, str] | None = None) -> dict:
    status, body = serverctl.http_get(port, url, timeout=30, headers=headers)
    if status != 200:
        raise BenchError(f"GET {url} answered {status}: {body[:300]!r}")
    return json.loads(body)


def percentile(values: list[float], fraction: float) -> float:
    return values[max(0, int(len(values) * fraction + 0.5) - 1)]


# ===== children: run by the venv's Python, with the run's environment ==========================


def app():
    """The application, from this checkout (children only)."""
    sys.path.insert(0, str(REPO_ROOT))
    from qc_platform import create_app

    return create_app()


def store(db, tables: list[tuple[object, list[dict]]]) -> str:
    """Insert the generated rows in one transaction, as fast as the backend allows: COPY
    (and the id sequences moved on) on PostgreSQL, ``executemany`` on SQLite. Then ANALYZE
    on PostgreSQL (what autovacuum would do; SQLite gets none, as in production) or an
    empty WAL on SQLite (as after a quiet night). Returns the method's name."""
    from sqlalchemy import insert, text

    conn = db.session.connection()
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        for table, rows in tables:
            copy_rows(conn, table, rows)
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table.name}))"
                )
            )
    else:
        for table, rows in tables:
            for chunk in range(0, len(rows), 10_000):
                conn.execute(insert(table), rows[chunk : chunk + 10_000])
    db.session.commit()
    if postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
            auto.execute(text("ANALYZE"))
    else:
        raw = db.engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    return "COPY" if postgres else "executemany"


def copy_rows(conn, table, rows: list[dict]) -> None:
    """PostgreSQL COPY … FROM STDIN through a SQLAlchemy connection's psycopg connection
    (run in a child: needs SQLAlchemy)."""
    from sqlalchemy import JSON

    columns = [column.name for column in table.columns]
    as_json = {column.name for column in table.columns if isinstance(column.type, JSON)}
    raw = conn.connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in as_json else row[c] for c in columns])


def explain(app, db, statement: str, parameters) -> list[str]:
    """The plan of one statement, as the request sent it (run in a child)."""
    with app.app_context():
        conn = db.session.connection()
        prefix = (
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
            if conn.dialect.name == "postgresql"
            else "EXPLAIN QUERY PLAN "
        )
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
        db.session.rollback()
    return [" | ".join(str(v) for v in row) for row in rows]


def count_queries_main(scenario: Scenario, explain_plans: bool) -> int:
    """SQL statements per request of each search at each page size; prints JSON.

    Also the matches (items on a page of 100, and whether there is a next page) and, with
    ``explain_plans``, the query plan of the search's main SELECT, with the very SQL and
    parameters the request sent.
    """
    from sqlalchemy import Engine, event

    from qc_platform.core.querycount import count_queries
    from qc_platform.extensions import db

    application = app()
    client = application.test_client()
    if scenario.sign_in:
        from qc_platform.accounts import service as accounts

        with application.app_context():
            user = accounts.find_user_by_email(scenario.sign_in[0])
            _, token = accounts.issue_token(user=user, name="bench-count")
            db.session.commit()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    client.get(scenario.url(scenario.first, 1, None))  # connection set-up is not the route's
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if f"FROM {scenario.table}" in statement and "LIMIT" in statement:
            captured.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", capture)
    result: dict[str, dict] = {}
    for name in scenario.searches:
        result[name] = {}
        for limit in LIMITS:
            cursor = None
            if scenario.pages_from_cursor(name):
                first = client.get(scenario.url(scenario.first, limit, None)).get_json()
                cursor = first["next_cursor"]
                if not cursor:
                    print(f"{scenario.first} at limit={limit}: no second page", file=sys.stderr)
                    return 1
            captured.clear()
            url = scenario.url(name, limit, cursor)
            with application.app_context(), count_queries() as counter:
                response = client.get(url)
            if response.status_code != 200:
                print(f"GET {url}: {response.status_code}", file=sys.stderr)
                return 1
            body = response.get_json()
            result[name][str(limit)] = {
                "statements": counter.count,
                "items": len(body["items"]),
                "more": body["next_cursor"] is not None,
                "sql": [" ".join(s.split())[:200] for s in counter.statements],
            }
            if explain_plans and limit == DEFAULT_PAGE and captured:
                result[name]["plan"] = explain(application, db, *captured[-1])
    event.remove(Engine, "before_cursor_execute", capture)
    print(json.dumps(result))
    return 0


# ===== orchestration (standard library) ========================================================


def page_limits(scenario: Scenario, port: int, headers: dict[str, str]) -> dict[str, int]:
    """Per search, the page size the smallest database fills: its matches, at most 20.

    Both sizes are then asked for pages of that size, so that they return the same number
    of rows and the ratio measures the size of the table, not the size of the page
    (presenting a row costs about as much as finding it). 1 when nothing matches.
    """
    limits = {}
    for name in scenario.searches:
        if scenario.pages_from_cursor(name):
            limits[name] = DEFAULT_PAGE
            continue
        url = scenario.url(name, DEFAULT_PAGE + 1, None)
        matches = len(get_page(port, url, headers)["items"])
        limits[name] = max(1, min(DEFAULT_PAGE, matches))
    return limits


def search_urls(
    scenario: Scenario, ports: dict[int, int], headers: dict[int, dict[str, str]]
) -> dict[int, dict[str, str]]:
    """Per size, the URL of each search; the second page follows the server's own first
    page's cursor. Page sizes come from the smallest database (the first port)."""
    smallest = next(iter(ports))
    limits = page_limits(scenario, ports[smallest], headers[smallest])
    urls = {}
    for size, port in ports.items():
        urls[size] = {}
        for name, limit in limits.items():
            cursor = None
            if scenario.pages_from_cursor(name):
                first = get_page(port, scenario.url(scenario.first, limit, None), headers[size])
                cursor = first["next_cursor"]
                if not cursor:
                    raise BenchError(f"GET {scenario.path}: no next_cursor, no second page")
            urls[size][name] = scenario.url(name, limit, cursor)
    return urls


def measure(
    ports: dict[int, int],
    urls: dict[int, dict[str, str]],
    requests: int,
    warmup: int,
    headers: dict[int, dict[str, str]] | None = None,
) -> dict:
    """Sequential GETs, interleaved: every round asks each search of each server once.

    The servers run side by side and are asked in turn (the order of the sizes flips every
    round), so a slower moment of the machine hits all sizes alike. One keep-alive
    connection per server and search; gunicorn closes a connection left idle longer than
    its keep-alive (2 s, when a round is slow), so a closed one is reopened and the request
    sent again (counted as ``reconnects``; the timing is the second attempt's).
    """
    names = list(next(iter(urls.values())))
    connections = {
        (size, name): http.client.HTTPConnection(HOST, port, timeout=60)
        for size, port in ports.items()
        for name in names
    }
    latencies: dict[tuple[int, str], list[float]] = {key: [] for key in connections}
    items: dict[tuple[int, str], int] = {}
    errors: dict[tuple[int, str], int] = dict.fromkeys(connections, 0)
    reconnects: dict[tuple[int, str], int] = dict.fromkeys(connections, 0)
    order = list(ports)
    try:
        for number in range(warmup + requests):
            for size in order if number % 2 == 0 else order[::-1]:
                for name in names:
                    conn = connections[(size, name)]
                    url = urls[size][name]
                    started = time.perf_counter()
                    sent = (headers or {}).get(size, {})
                    try:
                        conn.request("GET", url, headers=sent)
                        response = conn.getresponse()
                    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                        conn.close()
                        reconnects[(size, name)] += 1
                        started = time.perf_counter()
                        conn.request("GET", url, headers=sent)
                        response = conn.getresponse()
                    body = response.read()
                    elapsed = (time.perf_counter() - started) * 1000.0
                    if response.status != 200:
                        errors[(size, name)] += 1
                        continue
                    if (size, name) not in items:
                        items[(size, name)] = len(json.loads(body)["items"])
                    if number >= warmup:
                        latencies[(size, name)].append(elapsed)
    finally:
        for conn in connections.values():
            conn.close()
    summary: dict[str, dict] = {str(size): {} for size in ports}
    for (size, name), values in latencies.items():
        values.sort()
        summary[str(size)][name] = {
            "requests": len(values),
            "errors": errors[(size, name)],
            "reconnects": reconnects[(size, name)],
            "items": items.get((size, name)),
            "p50_ms": round(statistics.median(values), 3) if values else None,
            "p95_ms": round(percentile(values, 0.95), 3) if values else None,
            "min_ms": round(values[0], 3) if values else None,
        }
    return summary


def run_backend(scenario: Scenario, args: argparse.Namespace, backend: str, tmp: Path) -> dict:
    """Load one database per size, serve them side by side, measure; the backend's results."""
    pg_server = os.environ.get("QC_BENCH_DATABASE_URL", "")
    run_id = f"{os.getpid()}_{secrets.token_hex(3)}"
    secret = serverctl.secret_key()
    bin_dir = args.venv / "bin"
    envs: dict[int, dict[str, str]] = {}
    pg_databases: list[str] = []
    servers: list[serverctl.Server] = []
    sizes: dict[str, dict] = {}

    def run_child(env: dict[str, str], *flags: str, timeout: float) -> dict:
        return child(scenario.script, args.venv, env, *flags, timeout=timeout)

    try:
        previous = None
        for size in args.sizes:
            if backend == "sqlite":
                path = tmp / f"{scenario.name}-{size}.sqlite3"
                url = f"sqlite:///{path}"  # absolute: four slashes
            else:
                name = f"qc_bench_{run_id}_{size}"
                url = postgres_url(pg_server, name)
            envs[size] = env = serverctl.server_env(
                unset=("QC_ENV", "QC_REDIS_URL", "QC_SMTP_URL"),
                QC_DATABASE_URL=url,
                QC_RATELIMIT_ENABLED="0",
                QC_SECRET_KEY=secret,
                # Passwords are hashed during set-up only (seeding, tokens): cheaply.
                QC_ARGON2_TIME_COST="1",
                QC_ARGON2_MEMORY_COST="8",
            )
            # The first database is prepared; each next one starts as a copy of the previous.
            if previous is None:
                if backend == "postgresql":
                    run_child(env, "--postgres-admin", "create", pg_server, name, timeout=60)
                    pg_databases.append(name)
                seed = "qc seed --demo" if scenario.demo else "qc seed"
                print(f"[{backend}] preparing the database (db upgrade, {seed}) ...")
                serverctl.prepare_database(bin_dir, env, demo=scenario.demo, timeout=180)
            elif backend == "sqlite":
                clone_sqlite(tmp / f"{scenario.name}-{previous}.sqlite3", path)
            else:
                template = f"qc_bench_{run_id}_{previous}"
                run_child(env, "--postgres-admin", "create", pg_server, name, template, timeout=120)
                pg_databases.append(name)
            loaded = run_child(env, "--load", str(size), timeout=1800)
            print(
                f"[{backend}] {loaded['total']:>7} {scenario.noun} (+{loaded['added']} by "
                f"{loaded.get('method', '-')} in {loaded['seconds']} s)"
            )
            flags = ["--count-queries", *(["--explain"] if args.explain else [])]
            sizes[str(size)] = {
                scenario.noun: loaded["total"],
                "load": loaded,
                "sql": run_child(env, *flags, timeout=300),
            }
            previous = size

        for size in args.sizes:
            server = serverctl.start_gunicorn(
                bin_dir,
                envs[size],
                tmp / f"gunicorn-{backend}-{size}.log",
                threads=args.server_threads,
                log_problem=scenario.log_problem,
                name=str(size),
            )
            servers.append(server)
        ports = {}
        for size, server in zip(args.sizes, servers, strict=True):
            serverctl.wait_until_healthy(server)
            ports[size] = server.port
        headers: dict[int, dict[str, str]] = {size: {} for size in ports}
        if scenario.sign_in:
            for size, port in ports.items():
                token = issue_token(port, *scenario.sign_in)
                headers[size] = {"Authorization": f"Bearer {token}"}
        urls = search_urls(scenario, ports, headers)
        local = datetime.now(UTC).astimezone(_rome()).strftime("%a %H:%M")
        print(
            f"[{backend}] {len(servers)} servers: {' '.join(servers[0].command[1:])} "
            f"(ports {', '.join(str(s.port) for s in servers)}); "
            f"{args.requests} measured rounds after {args.warmup} warm-up rounds; "
            f"Milan time {local}"
        )
        for name, url in urls[args.sizes[0]].items():
            print(f"[{backend}] {name:<13} GET {url}")
        latency = measure(ports, urls, args.requests, args.warmup, headers)
        alive = {server.name: server.proc.poll() is None for server in servers}
        serverctl.stop_servers(servers)
        for server in servers:
            sizes[server.name].update(
                latency=latency[server.name],
                urls=urls[int(server.name)],
                milan_time=local,
                server=" ".join(server.command[1:]),
                server_alive=alive[server.name],
                gunicorn_log_problems=server.problems(),
            )
        for size, result in sizes.items():
            for name, row in result["latency"].items():
                sql = result["sql"][name]
                counts = " ".join(f"limit={lim}:{sql[str(lim)]['statements']}" for lim in LIMITS)
                matches = sql["100"]["items"], "+" if sql["100"]["more"] else ""
                print(
                    f"[{backend}] {size:>6} {name:<13} p50 {row['p50_ms']:>7.2f} ms  "
                    f"p95 {row['p95_ms']:>7.2f} ms  items {row['items']:>2}  "
                    f"matches {matches[0]}{matches[1]}  SQL {counts}"
                    + (f"  ERRORS {row['errors']}" if row["errors"] else "")
                )
                for line in sql.get("plan", []):
                    print(f"        plan: {line}")
            for line in result["gunicorn_log_problems"][:20]:
                print(f"[{backend}] {size:>6} gunicorn log: {line}")
    finally:
        serverctl.stop_servers(servers)
        for name in reversed(pg_databases):
            run_child(envs[args.sizes[0]], "--postgres-admin", "drop", pg_server, name, timeout=120)
    return sizes


def _rome():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Rome")


def ratios(sizes: dict[str, dict], small: int, large: int) -> dict[str, float]:
    return {
        name: round(row["p50_ms"] / sizes[str(small)]["latency"][name]["p50_ms"], 3)
        for name, row in sizes[str(large)]["latency"].items()
    }


def find_failures(backend: str, sizes: dict[str, dict], ratio: dict, max_ratio: float) -> list:
    failures = []
    for size, result in sizes.items():
        if not result["server_alive"]:
            failures.append(f"{backend} {size}: gunicorn exited during the run")
        for name, row in result["latency"].items():
            if row["errors"]:
                failures.append(f"{backend} {size} {name}: {row['errors']} non-200 responses")
    for name in ratio:
        counts = {
            (size, limit): result["sql"][name][str(limit)]["statements"]
            for size, result in sizes.items()
            for limit in LIMITS
        }
        if len(set(counts.values())) != 1:
            detail = ", ".join(f"{size} limit={limit}: {n}" for (size, limit), n in counts.items())
            failures.append(f"{backend} {name}: SQL statements differ ({detail})")
    for name, value in ratio.items():
        if value > max_ratio:
            failures.append(f"{backend} {name}: p50 ratio {value} > {max_ratio}")
    return failures


def print_table(results: dict[str, dict], small: int, large: int, max_ratio: float) -> None:
    print()
    print(
        f"{'backend':<11} {'search':<14} {'p50 @' + str(small):>10} {'p95 @' + str(small):>10} "
        f"{'p50 @' + str(large):>11} {'p95 @' + str(large):>11} {'ratio':>6} {'items':>6}  "
        f"SQL @{small} / @{large} (limit 1/20/100)"
    )
    for backend, result in results.items():
        for name, ratio in result["ratio_p50"].items():
            lo = result["sizes"][str(small)]["latency"][name]
            hi = result["sizes"][str(large)]["latency"][name]
            counts = [
                "/".join(
                    str(result["sizes"][str(size)]["sql"][name][str(limit)]["statements"])
                    for limit in LIMITS
                )
                for size in (small, large)
            ]
            flag = "  <-- over" if ratio > max_ratio else ""
            items = f"{lo['items']}/{hi['items']}"
            print(
                f"{backend:<11} {name:<14} {lo['p50_ms']:>8.2f}ms {lo['p95_ms']:>8.2f}ms "
                f"{hi['p50_ms']:>9.2f}ms {hi['p95_ms']:>9.2f}ms {ratio:>6.2f} {items:>6}  "
                f"{counts[0]} / {counts[1]}{flag}"
            )
    print(
        f"goal: p50 ratio @{large}/@{small} <= {max_ratio}; the same statement count "
        "at both sizes and every limit"
    )


def parse_args(scenario: Scenario, argv: list[str] | None, description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    sizes = ",".join(str(n) for n in scenario.default_sizes)
    parser.add_argument("--requests", type=int, default=200, help="measured GETs per search (200)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured GETs per search (20)")
    parser.add_argument(
        "--sizes",
        default=sizes,
        help=f"{scenario.noun} to load, ascending; the ratio is last/first ({sizes})",
    )
    parser.add_argument("--max-ratio", type=float, default=1.5, help="goal (1.5)")
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
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--postgres-admin", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in str(args.sizes).split(",")]
    except ValueError:
        parser.error("--sizes: comma-separated integers")
    if len(args.sizes) < 2 or args.sizes != sorted(args.sizes):
        parser.error("--sizes: at least two ascending counts")
    if args.sizes[0] < scenario.min_size:
        parser.error(f"--sizes: the smallest must be at least {scenario.min_size}")
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be positive, --warmup not negative")
    if args.backend == "postgresql" and not os.environ.get("QC_BENCH_DATABASE_URL"):
        parser.error("--backend postgresql needs QC_BENCH_DATABASE_URL")
    return args


def run(scenario: Scenario, args: argparse.Namespace) -> int:
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    backends = ["sqlite"]
    if args.backend == "postgresql":
        backends = ["postgresql"]
    elif args.backend == "auto" and os.environ.get("QC_BENCH_DATABASE_URL"):
        backends = ["sqlite", "postgresql"]
    small, large = args.sizes[0], args.sizes[-1]
    tmp = Path(tempfile.mkdtemp(prefix=f"qc-bench-{scenario.name}-"))
    results: dict[str, dict] = {}
    failures: list[str] = []
    try:
        for backend in backends:
            sizes = run_backend(scenario, args, backend, tmp)
            ratio = ratios(sizes, small, large)
            results[backend] = {"sizes": sizes, "ratio_p50": ratio}
            failures += find_failures(backend, sizes, ratio, args.max_ratio)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print_table(results, small, large, args.max_ratio)
    print(
        f"items: {scenario.noun} per page @{small}/@{large}; pages are as large as the "
        f"{small} {scenario.noun} fill (at most {DEFAULT_PAGE}), so both sizes present the same "
        "number"
    )
    result = {
        "benchmark": scenario.name,
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": serverctl.machine(load_before),
        "settings": {
            "sizes": args.sizes,
            "searches": scenario.searches,
            "common_query": scenario.common_query(),
            **scenario.settings,
            "requests": args.requests,
            "warmup": args.warmup,
            "server_threads": args.server_threads,
            "max_ratio": args.max_ratio,
            "client": "sequential http.client requests, one keep-alive connection per "
            "server and search; one server per size, side by side, asked in turn",
        },
        "backends": results,
        "failures": failures,
    }
    return serverctl.save_results(args.results_dir, scenario.name, started_at, result)


def main(scenario: Scenario, argv: list[str] | None, description: str) -> int:
    """The benchmark's entry point, and its children's (``--load``, ``--count-queries``,
    ``--postgres-admin``)."""
    args = parse_args(scenario, argv, description)
    if args.load is not None:
        started = time.perf_counter()
        summary = scenario.load(args.load)
        print(json.dumps({**summary, "seconds": round(time.perf_counter() - started, 1)}))
        return 0
    if args.count_queries:
        return count_queries_main(scenario, args.explain)
    if args.postgres_admin:
        return postgres_admin_main(*args.postgres_admin)
    return serverctl.run_cleanly(
        lambda a: run(scenario, a),
        args,
        interrupted="interrupted; servers stopped, temp files removed",
    )
