"""Benchmark ``GET /api/v1/spaces`` against the bare ``GET /healthz``, on one server, in one run.

The figure that matters is the throughput ratio spaces/healthz: both routes are measured
alternately against the same gunicorn process on the same machine, so the machine's own
speed cancels out. See bench/README.md.

The orchestration uses the standard library only; the app itself is imported only in a
child process (``--count-queries``) that counts the SQL statements per request.

    .venv/bin/python bench/bench_spaces.py [--duration 5] [--rounds 3] [--tool auto]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import serverctl  # bench/serverctl.py: this script's directory comes first on sys.path
from serverctl import HOST, REPO_ROOT, RESULTS_DIR, Server, ServerError, http_get

ROUTES = {"healthz": "/healthz", "spaces": "/api/v1/spaces"}
EXPECTED_SPACES = 9
# Lines of gunicorn's log worth reporting (it logs to stderr; no access log is kept).
LOG_PROBLEM = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Exception")


class BenchError(ServerError):
    """The benchmark could not produce a trustworthy figure."""


@dataclass
class Measurement:
    route: str
    tool: str
    duration_s: float
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)


# --- load tools -----------------------------------------------------------------------------


def _wrk_ms(value: str, unit: str) -> float:
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}[unit]
    return float(value) * factor


def parse_wrk(output: str, route: str, duration: float) -> Measurement:
    """Requests/s, p50/p99, non-2xx and socket errors from ``wrk --latency`` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(\w+),", output, re.M)
    latency = {
        m.group(1): _wrk_ms(m.group(2), m.group(3))
        for m in re.finditer(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
    }
    if not rps or not total or set(latency) != {"50", "99"}:
        raise BenchError(f"cannot parse wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, sock.groups()), strict=True))
        if sock
        else {}
    )
    return Measurement(
        route=route,
        tool="wrk",
        duration_s=duration,
        requests=int(total.group(1)),
        requests_per_s=float(rps.group(1)),
        p50_ms=latency["50"],
        p99_ms=latency["99"],
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors={k: v for k, v in socket_errors.items() if v},
    )


def run_wrk(port: int, route: str, duration: float, threads: int, connections: int) -> Measurement:
    seconds = max(1, round(duration))
    url = f"http://{HOST}:{port}{ROUTES[route]}"
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout, route, seconds)


def _percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil without floats
    return sorted_values[int(rank) - 1]


def run_python_client(port: int, route: str, duration: float, connections: int) -> Measurement:
    """Fallback load: ``connections`` threads, each with one keep-alive HTTP/1.1 connection."""
    path = ROUTES[route]
    deadline = time.perf_counter() + duration
    latencies: list[list[float]] = [[] for _ in range(connections)]
    statuses: list[dict[int, int]] = [{} for _ in range(connections)]
    errors: list[dict[str, int]] = [{} for _ in range(connections)]

    def worker(index: int) -> None:
        conn: http.client.HTTPConnection | None = None
        lat, status_counts, error_counts = latencies[index], statuses[index], errors[index]
        while time.perf_counter() < deadline:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                kind = "timeout" if isinstance(exc, TimeoutError) else "read"
                error_counts[kind] = error_counts.get(kind, 0) + 1
                conn.close()
                conn = None
                continue
            lat.append((time.perf_counter() - started) * 1000.0)
            status_counts[response.status] = status_counts.get(response.status, 0) + 1
            if response.will_close:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=duration + 30)
    elapsed = time.perf_counter() - started
    merged = sorted(value for values in latencies for value in values)
    socket_errors: dict[str, int] = {}
    for error_counts in errors:
        for kind, n in error_counts.items():
            socket_errors[kind] = socket_errors.get(kind, 0) + n
    non_2xx = sum(n for counts in statuses for code, n in counts.items() if not 200 <= code < 300)
    return Measurement(
        route=route,
        tool="python-threads",
        duration_s=round(elapsed, 3),
        requests=len(merged),
        requests_per_s=round(len(merged) / elapsed, 2),
        p50_ms=round(_percentile(merged, 50), 3),
        p99_ms=round(_percentile(merged, 99), 3),
        non_2xx=non_2xx,
        socket_errors=socket_errors,
    )


# --- the server under test --------------------------------------------------------------------


def bench_env(tmp: Path) -> dict[str, str]:
    return serverctl.server_env(
        # QC_ENV: development (the default); the secret is set anyway. QC_REDIS_URL: one
        # process, no message queue, memory rate-limit storage.
        unset=("QC_ENV", "QC_REDIS_URL"),
        QC_DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",  # absolute: four slashes
        QC_RATELIMIT_ENABLED="0",
        QC_SECRET_KEY=serverctl.secret_key(),
    )


def start_server(args: argparse.Namespace, env: dict[str, str], log_path: Path) -> Server:
    """The production server with the flags of `make run` (GUNICORN_FLAGS in the Makefile)."""
    return serverctl.start_gunicorn(
        args.venv / "bin",
        env,
        log_path,
        threads=args.server_threads,
        log_problem=LOG_PROBLEM,
        port=serverctl.free_port(),
        extra_flags=("--access-logfile", "-") if args.access_log else (),
    )


def check_spaces_response(port: int) -> int:
    """Make sure the route under test answers 200 with the nine seeded spaces."""
    status, body = http_get(port, ROUTES["spaces"], timeout=5)
    if status != 200:
        raise BenchError(f"GET {ROUTES['spaces']} answered {status}")
    items = json.loads(body)["items"]
    if len(items) != EXPECTED_SPACES:
        raise BenchError(f"expected {EXPECTED_SPACES} spaces, got {len(items)}")
    return len(body)


# --- SQL statements per request (in-process, child of the orchestrator) ------------------------


def count_queries_main() -> int:
    """Run by the venv's Python with the bench environment; prints JSON on stdout."""
    sys.path.insert(0, str(REPO_ROOT))
    from qc_platform import create_app
    from qc_platform.core.querycount import count_queries

    app = create_app()
    client = app.test_client()
    client.get(ROUTES["spaces"])  # first request: connection set-up is not the route's cost
    result = {}
    for label, query in (("default", ""), ("limit=1", "?limit=1"), ("limit=9", "?limit=9")):
        with app.app_context(), count_queries() as counter:
            response = client.get(ROUTES["spaces"] + query)
        if response.status_code != 200:
            print(f"GET {ROUTES['spaces']}{query} answered {response.status_code}", file=sys.stderr)
            return 1
        result[label] = {
            "statements": counter.count,
            "selects": sum(s.lstrip().upper().startswith("SELECT") for s in counter.statements),
            "items": len(response.get_json()["items"]),
            "sql": [" ".join(s.split())[:120] for s in counter.statements],
        }
    print(json.dumps(result))
    return 0


def count_statements(venv: Path, env: dict[str, str]) -> dict:
    command = [str(venv / "bin" / "python"), str(Path(__file__).resolve()), "--count-queries"]
    stdout = serverctl.run_command(command, env, timeout=120, what="counting SQL statements")
    return json.loads(stdout.strip().splitlines()[-1])


# --- orchestration -----------------------------------------------------------------------------


def measure(args: argparse.Namespace, tool: str, port: int, route: str, duration: float):
    if tool == "wrk":
        return run_wrk(port, route, duration, args.threads, args.connections)
    return run_python_client(port, route, duration, args.connections)


def run_rounds(args: argparse.Namespace, tool: str, port: int) -> list[Measurement]:
    """Warm up each route, then alternate healthz, spaces, healthz, spaces … for N rounds."""
    if args.warmup > 0:
        for route in ROUTES:
            measure(args, tool, port, route, args.warmup)
    rounds: list[Measurement] = []
    for number in range(1, args.rounds + 1):
        for route in ROUTES:
            m = measure(args, tool, port, route, args.duration)
            rounds.append(m)
            print(
                f"round {number}/{args.rounds} {route:<8} {m.requests_per_s:>9.1f} req/s  "
                f"p50 {m.p50_ms:.2f} ms  p99 {m.p99_ms:.2f} ms"
                + (f"  NON-2XX {m.non_2xx}" if m.non_2xx else "")
                + (f"  socket errors {m.socket_errors}" if m.socket_errors else "")
            )
    return rounds


def summarise(rounds: list[Measurement], route: str) -> dict:
    mine = [m for m in rounds if m.route == route]
    return {
        "route": ROUTES[route],
        "tool": mine[0].tool,
        "requests_per_s": round(statistics.median(m.requests_per_s for m in mine), 2),
        "p50_ms": round(statistics.median(m.p50_ms for m in mine), 3),
        "p99_ms": round(statistics.median(m.p99_ms for m in mine), 3),
        "requests": sum(m.requests for m in mine),
        "non_2xx": sum(m.non_2xx for m in mine),
        "socket_errors": sum(sum(m.socket_errors.values()) for m in mine),
    }


def round_ratios(rounds: list[Measurement]) -> list[float]:
    """spaces/healthz within each round: how stable the ratio was over the run."""
    healthz = [m.requests_per_s for m in rounds if m.route == "healthz"]
    spaces = [m.requests_per_s for m in rounds if m.route == "spaces"]
    return [round(s / h, 3) for h, s in zip(healthz, spaces, strict=True)]


def print_table(summary: dict[str, dict], ratio: float, per_round: list[float], sql: dict) -> None:
    print()
    print(f"{'route':<18} {'tool':<14} {'req/s (median)':>14} {'p50 ms':>8} {'p99 ms':>8}")
    for row in summary.values():
        print(
            f"{'GET ' + row['route']:<18} {row['tool']:<14} {row['requests_per_s']:>14.1f} "
            f"{row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f}"
        )
    print(f"ratio spaces/healthz = {ratio:.2f}")
    print("  per round: " + " ".join(f"{r:.2f}" for r in per_round))
    if min(per_round) > 0 and max(per_round) / min(per_round) > 1.2:
        print("  note: the rounds differ by more than 20 %: the machine was busy")
    counts = ", ".join(
        f"{label}: {c['statements']} ({c['selects']} SELECT, {c['items']} items)"
        for label, c in sql.items()
    )
    print(f"SQL statements per GET {ROUTES['spaces']}: {counts}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per round (5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per route (3)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per route (1)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--server-threads",
        type=int,
        default=100,
        help="gunicorn gthread threads (100, as make run)",
    )
    parser.add_argument(
        "--access-log", action="store_true", help="gunicorn --access-logfile - (as make run)"
    )
    parser.add_argument(
        "--tool",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load tool: wrk if installed (auto), or the stdlib thread client",
    )
    parser.add_argument("--venv", type=Path, default=REPO_ROOT / ".venv", help="the venv to use")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--server-log", type=Path, help="keep a copy of gunicorn's log (stderr) at this path"
    )
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.duration, args.connections, args.server_threads, args.threads) <= 0:
        parser.error("--duration, --connections and the thread counts must be positive")
    if args.rounds < 1 or args.warmup < 0:
        parser.error("--rounds must be at least 1, --warmup not negative")
    return args


def pick_tool(requested: str) -> str:
    wrk = shutil.which("wrk")
    if requested == "wrk" and not wrk:
        raise BenchError("--tool wrk: wrk is not installed (apt-get install wrk)")
    if requested == "python" or not wrk:
        return "python-threads"
    return "wrk"


def tool_version(tool: str) -> str:
    if tool != "wrk":
        return f"Python {platform.python_version()} http.client"
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).split(" Copyright")[0].strip()


def find_failures(rounds: list[Measurement], sql: dict, server_alive: bool) -> list[str]:
    failures = []
    if not server_alive:
        failures.append("gunicorn exited during the run")
    non_2xx = sum(m.non_2xx for m in rounds)
    if non_2xx:
        failures.append(f"non-2xx responses: {non_2xx}")
    if any(m.socket_errors for m in rounds):
        failures.append(
            "socket errors: "
            + "; ".join(f"{m.route} {m.socket_errors}" for m in rounds if m.socket_errors)
        )
    if len({c["statements"] for c in sql.values()}) != 1:
        failures.append("the number of SQL statements depends on the page size")
    return failures


def run(args: argparse.Namespace) -> int:
    tool = pick_tool(args.tool)
    if tool == "wrk" and args.duration != round(args.duration):
        print(
            f"note: wrk takes whole seconds, --duration {args.duration} -> {round(args.duration)}"
        )
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-"))
    log_path = tmp / "gunicorn.log"
    servers: list[Server] = []
    try:
        env = bench_env(tmp)
        print(f"load tool: {tool}")
        print("preparing a fresh SQLite database (db upgrade, qc seed) ...")
        serverctl.prepare_database(args.venv / "bin", env, demo=False, timeout=120)
        sql = count_statements(args.venv, env)

        server = start_server(args, env, log_path)
        servers.append(server)
        serverctl.wait_until_healthy(server)
        port, command = server.port, server.command
        body_bytes = check_spaces_response(port)
        print(f"server: {' '.join(command[1:])} (pid {server.proc.pid})")

        rounds = run_rounds(args, tool, port)
        server_alive = server.proc.poll() is None
        serverctl.stop_servers(servers)
        problems = server.problems()

        summary = {route: summarise(rounds, route) for route in ROUTES}
        ratio = summary["spaces"]["requests_per_s"] / summary["healthz"]["requests_per_s"]
        per_round = round_ratios(rounds)
        print_table(summary, ratio, per_round, sql)
        serverctl.print_problems(server.label, problems)
        failures = find_failures(rounds, sql, server_alive)

        result = {
            "benchmark": "spaces",
            "started_at": started_at.isoformat(timespec="seconds"),
            # Other work on the machine shows here; the ratio tolerates it, req/s do not.
            "machine": serverctl.machine(load_before),
            "server": " ".join(command[1:]),
            "database": "SQLite, fresh temp file, reference data seeded (9 spaces)",
            "tool": tool,
            "tool_version": tool_version(tool),
            "settings": {
                "duration_s": args.duration,
                "rounds": args.rounds,
                "warmup_s": args.warmup,
                "connections": args.connections,
                "wrk_threads": args.threads if tool == "wrk" else None,
            },
            "spaces_body_bytes": body_bytes,
            "summary": summary,
            "ratio_spaces_healthz": round(ratio, 4),
            "ratio_per_round": per_round,
            "sql_per_spaces_request": sql,
            "rounds": [asdict(m) for m in rounds],
            "gunicorn_log_problems": problems,
            "failures": failures,
        }
        return serverctl.save_results(args.results_dir, "spaces", started_at, result)
    finally:
        serverctl.stop_servers(servers)
        if args.server_log and log_path.exists():
            shutil.copyfile(log_path, args.server_log)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.count_queries:
        return count_queries_main()
    return serverctl.run_cleanly(
        run, args, interrupted="interrupted; server stopped, temp dir removed"
    )


if __name__ == "__main__":
    sys.exit(main())
