"""The scaling benchmarks' common harness: one database per size, served side by side.

A scaling benchmark (bench_catalogue.py, bench_activities.py) asks whether a public search
stays as fast when its table grows a hundredfold. Per backend (SQLite; PostgreSQL when
``QC_BENCH_DATABASE_URL`` is set) it prepares one database per size (each next one starts
as a copy of the previous, then the scenario's loader tops it up), counts the SQL
statements of every search at ``limit`` 1, 20 and 100 in a child process, serves every
size with its own gunicorn, and asks the servers in turn, so that the p50 ratio between
the largest and the smallest size is measured in one run on one machine.

A ``Scenario`` says what differs: the script whose children load rows and count
statements, the searches and how their URLs are built from a running server.
This module uses the standard library only; the app is imported only by the children.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import serverctl
from bench_feedback import clone_sqlite
from serverctl import HOST, ServerError

LIMITS = (1, 20, 100)


class BenchError(ServerError):
    """The benchmark could not produce a trustworthy figure."""


@dataclass(frozen=True)
class Scenario:
    name: str  # "catalogue": file names, the results file
    script: Path  # runs the children: --load N, --count-queries [--explain], --postgres-admin
    noun: str  # what the loader counts ("services", "sessions")
    searches: tuple[str, ...]
    # {size: port} of the running servers, smallest first -> {size: {search: URL}}.
    urls: Callable[[dict[int, int]], dict[int, dict[str, str]]]
    log_problem: object  # a compiled regex of gunicorn log lines that spoil the run


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


def get_page(port: int, url: str) -> dict:
    status, body = serverctl.http_get(port, url, timeout=30)
    if status != 200:
        raise BenchError(f"GET {url} answered {status}: {body[:300]!r}")
    return json.loads(body)


def percentile(values: list[float], fraction: float) -> float:
    return values[max(0, int(len(values) * fraction + 0.5) - 1)]


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


def measure(
    ports: dict[int, int], urls: dict[int, dict[str, str]], requests: int, warmup: int
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
                    try:
                        conn.request("GET", url)
                        response = conn.getresponse()
                    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                        conn.close()
                        reconnects[(size, name)] += 1
                        started = time.perf_counter()
                        conn.request("GET", url)
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
            )
            # The first database is prepared; each next one starts as a copy of the previous.
            if previous is None:
                if backend == "postgresql":
                    run_child(env, "--postgres-admin", "create", pg_server, name, timeout=60)
                    pg_databases.append(name)
                print(f"[{backend}] preparing the database (db upgrade, qc seed) ...")
                serverctl.prepare_database(bin_dir, env, demo=False, timeout=180)
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
        urls = scenario.urls(ports)
        local = datetime.now(UTC).astimezone(_rome()).strftime("%a %H:%M")
        print(
            f"[{backend}] {len(servers)} servers: {' '.join(servers[0].command[1:])} "
            f"(ports {', '.join(str(s.port) for s in servers)}); "
            f"{args.requests} measured rounds after {args.warmup} warm-up rounds; "
            f"Milan time {local}"
        )
        for name, url in urls[args.sizes[0]].items():
            print(f"[{backend}] {name:<13} GET {url}")
        latency = measure(ports, urls, args.requests, args.warmup)
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


def add_arguments(parser: argparse.ArgumentParser, *, default_sizes: str, unit: str) -> None:
    """The options every scaling benchmark takes."""
    from serverctl import REPO_ROOT, RESULTS_DIR

    parser.add_argument("--requests", type=int, default=200, help="measured GETs per search (200)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured GETs per search (20)")
    parser.add_argument(
        "--sizes",
        default=default_sizes,
        help=f"{unit} counts to measure, ascending; the ratio is last/first ({default_sizes})",
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


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    try:
        args.sizes = [int(s) for s in str(args.sizes).split(",")]
    except ValueError:
        parser.error("--sizes: comma-separated integers")
    if len(args.sizes) < 2 or args.sizes != sorted(args.sizes) or args.sizes[0] < 1:
        parser.error("--sizes: at least two ascending positive counts")
    if args.sizes[0] <= max(LIMITS):
        parser.error(
            f"--sizes: the smallest must exceed {max(LIMITS)} (a second page at limit 100)"
        )
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be positive, --warmup not negative")


def backends_of(args: argparse.Namespace) -> list[str]:
    if args.backend == "postgresql" and not os.environ.get("QC_BENCH_DATABASE_URL"):
        raise BenchError("--backend postgresql needs QC_BENCH_DATABASE_URL")
    if args.backend == "postgresql":
        return ["postgresql"]
    if args.backend == "auto" and os.environ.get("QC_BENCH_DATABASE_URL"):
        return ["sqlite", "postgresql"]
    return ["sqlite"]


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
