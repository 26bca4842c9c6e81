"""Benchmark the delivery of one live notification to N Socket.IO clients in one room.

Two production servers, A and B, share one database and one Redis. N clients, all signed in
as the same user (so all in the room ``user:<id>``), are connected to B over websocket. Each
event is one real notification to that user (a role grant); it is caused by a request to B
(same process: no Redis on the way) or to A (cross process: the event travels through Redis
to B). The two modes are interleaved in one run, so the machine's speed cancels out of the
figure that matters: the ratio cross/same of the p50 and p95 delivery latencies.
See bench/README.md.

The orchestration uses the standard library only; the clients use python-socketio's
AsyncClient (with aiohttp, the ``bench`` extra), so the script re-runs itself with the venv's
Python when started by another one.

    .venv/bin/python bench/bench_live.py [--clients 200] [--events 15]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import serverctl  # bench/serverctl.py: this script's directory comes first on sys.path
from serverctl import HOST, REPO_ROOT, RESULTS_DIR, Server, ServerError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
DEFAULT_CHANNEL = "flask-socketio"  # Flask-SocketIO's, when the app does not set one
CONNECT_TIMEOUT = 10.0
CONNECT_CONCURRENCY = 20
# The demo accounts of `qc seed --demo` (qc_platform/data/demo.json).
DEMO_PASSWORD = "quartieri-demo-2026"  # noqa: S105 - a public demo password
ADMIN_EMAIL = "admin@demo.quartiericonnessi.it"
TARGET_EMAIL = "residente@demo.quartiericonnessi.it"
# One event: the admin grants the target a role (notified), then revokes it (not notified).
EVENT_KIND = "account.role_granted"
EVENT_ROLE = "custodian"
MODES = {
    "same": "same process (POST to B, where the clients are)",
    "cross": "cross process (POST to A, via Redis to B)",
}
LOG_PROBLEM = re.compile(
    r"Traceback|\[ERROR\]|\[CRITICAL\]|\[WARNING\]|WORKER TIMEOUT|Exception"
    r"|Cannot (?:receive from|publish to) redis"
)
REDIS_PROBLEM = re.compile(r"Cannot (?:receive from|publish to) redis")


class BenchError(ServerError):
    """The benchmark could not produce a trustworthy figure."""


# --- Redis, spoken directly (a PING and PUBSUB NUMSUB are all we need) -------------------------


def redis_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "redis":
        raise BenchError(f"--redis-url must be redis://host:port/db, not {url!r}")
    if parts.hostname not in LOOPBACK:
        raise BenchError(f"the benchmark talks to 127.0.0.1 only; Redis URL {url!r} is not local")
    return parts.hostname, parts.port or 6379


def _read_reply(reader) -> object:
    line = reader.readline()
    if not line:
        raise BenchError("Redis closed the connection")
    kind, rest = line[:1], line[1:].rstrip(b"\r\n")
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise BenchError(f"Redis answered an error: {rest.decode()}")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        return None if size < 0 else reader.read(size + 2)[:-2].decode()
    if kind == b"*":
        return [_read_reply(reader) for _ in range(max(0, int(rest)))]
    raise BenchError(f"unexpected Redis reply {line!r}")


def redis_command(url: str, *args: str) -> object:
    host, port = redis_address(url)
    payload = f"*{len(args)}\r\n".encode()
    for arg in args:
        data = arg.encode()
        payload += b"$%d\r\n%s\r\n" % (len(data), data)
    try:
        with socket.create_connection((host, port), timeout=3) as sock:
            sock.sendall(payload)
            with sock.makefile("rb") as reader:
                return _read_reply(reader)
    except OSError as exc:
        raise BenchError(
            f"Redis is not reachable at {host}:{port} ({exc}); start it with "
            "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' "
            "--appendonly no` or set QC_BENCH_REDIS_URL"
        ) from exc


def channel_subscribers(url: str, channel: str) -> int:
    reply = redis_command(url, "PUBSUB", "NUMSUB", channel)
    return int(reply[1]) if isinstance(reply, list) and len(reply) == 2 else 0


# --- the servers under test --------------------------------------------------------------------


def bench_env(tmp: Path, redis_url: str, channel: str, live_max: int) -> dict[str, str]:
    return serverctl.server_env(
        # QC_ENV: development (the default); the secret is set anyway. QC_SMTP_URL: no
        # e-mail, only the live event is measured.
        unset=("QC_ENV", "QC_SMTP_URL"),
        QC_DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",  # absolute: four slashes
        QC_REDIS_URL=redis_url,
        # The run's own pub/sub channel: nobody else's events reach our clients, ours
        # reach nobody else (pub/sub channels are global to a Redis server, whatever the db).
        QC_SOCKETIO_CHANNEL=channel,
        QC_RATELIMIT_ENABLED="0",
        # Every client may connect (the default cap, 80, fits make run's 100 threads); the
        # threads exceed the clients, so HTTP keeps some.
        QC_LIVE_MAX_CONNECTIONS=str(live_max),
        QC_SECRET_KEY=serverctl.secret_key(),
        # Cheap password hashing: tokens are issued during set-up only, never measured.
        QC_ARGON2_TIME_COST="1",
        QC_ARGON2_MEMORY_COST="8",
    )


def start_server(name: str, venv: Path, threads: int, env: dict[str, str], tmp: Path) -> Server:
    """Server ``name``, logging to ``tmp/gunicorn-NAME.log``.

    The flags of `make run` (GUNICORN_FLAGS in the Makefile) but the thread count: a
    websocket holds one gthread thread for as long as it is open (see bench/README.md).
    """
    return serverctl.start_gunicorn(
        venv / "bin",
        env,
        tmp / f"gunicorn-{name}.log",
        threads=threads,
        log_problem=LOG_PROBLEM,
        name=name,
        port=serverctl.free_port(),
    )


def http_json(
    port: int, method: str, path: str, body: dict | None = None, token: str | None = None
) -> tuple[int, object]:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None)
    finally:
        conn.close()


@dataclass
class Fixture:
    """What the events need: the two accounts' tokens, the target's id, a complex to scope to."""

    admin_token: str
    target_token: str
    target_id: int
    complex_id: int


def issue_token(port: int, email: str) -> str:
    status, body = http_json(
        port,
        "POST",
        "/api/v1/auth/tokens",
        {"email": email, "password": DEMO_PASSWORD, "name": "bench_live"},
    )
    if status != 201:
        raise BenchError(f"POST /api/v1/auth/tokens for {email} answered {status}: {body}")
    return body["token"]


def prepare_fixture(port: int) -> Fixture:
    admin_token = issue_token(port, ADMIN_EMAIL)
    target_token = issue_token(port, TARGET_EMAIL)
    status, me = http_json(port, "GET", "/api/v1/auth/me", token=target_token)
    if status != 200:
        raise BenchError(f"GET /api/v1/auth/me answered {status}")
    status, complexes = http_json(port, "GET", "/api/v1/complexes")
    if status != 200 or not complexes["items"]:
        raise BenchError(f"GET /api/v1/complexes answered {status} with no complex")
    taken = {r["scope_id"] for r in me["roles"] if r["role"] == EVENT_ROLE}
    free = [c["id"] for c in complexes["items"] if c["id"] not in taken]
    if not free:
        raise BenchError(f"{TARGET_EMAIL} is already {EVENT_ROLE} of every complex")
    return Fixture(admin_token, target_token, me["id"], free[0])


def stored_event_ids(port: int, fixture: Fixture) -> list[int]:
    """The ids of the target's stored notifications of the event's kind (all pages)."""
    ids, cursor = [], None
    while True:
        path = "/api/v1/notifications?limit=100" + (f"&cursor={cursor}" if cursor else "")
        status, page = http_json(port, "GET", path, token=fixture.target_token)
        if status != 200:
            raise BenchError(f"GET /api/v1/notifications answered {status}")
        ids += [n["id"] for n in page["items"] if n["kind"] == EVENT_KIND]
        cursor = page["next_cursor"]
        if not cursor:
            return ids


# --- the clients and the events (asyncio, one process) -----------------------------------------


@dataclass
class EventResult:
    number: int  # 0-based, over the whole run, warm-up included
    mode: str
    warmup: bool
    post_status: int = 0
    post_ms: float = float("nan")
    notification_ids: list[int] = field(default_factory=list)
    received: int = 0
    missed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    error: str | None = None

    def brief(self) -> dict:
        lat = sorted(self.latencies_ms)
        return {
            "number": self.number,
            "mode": self.mode,
            "warmup": self.warmup,
            "post_status": self.post_status,
            "post_ms": round(self.post_ms, 3),
            "notification_ids": self.notification_ids,
            "received": self.received,
            "missed": self.missed,
            "first_ms": round(lat[0], 3) if lat else None,
            "p50_ms": round(percentile(lat, 50), 3) if lat else None,
            "p95_ms": round(percentile(lat, 95), 3) if lat else None,
            "last_ms": round(lat[-1], 3) if lat else None,
            "error": self.error,
        }


class Swarm:
    """N clients of the same user; records when each receives the event being awaited."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.clients: list = []
        self.window_open = False
        self.receipts: dict[int, tuple[float, int]] = {}  # client -> (monotonic time, id)
        self.all_in = asyncio.Event()
        self.stray: list[dict] = []  # events outside a window: late, or not ours
        self.disconnects = 0  # while measuring; our own disconnects at the end do not count
        self.closing = False

    def handler(self, index: int):
        def on_notification(data):
            received_at = time.monotonic()
            kind = data.get("kind") if isinstance(data, dict) else None
            if self.window_open and kind == EVENT_KIND and index not in self.receipts:
                self.receipts[index] = (received_at, data.get("id"))
                if len(self.receipts) == self.size:
                    self.all_in.set()
            else:
                notification_id = data.get("id") if isinstance(data, dict) else None
                self.stray.append({"client": index, "kind": kind, "id": notification_id})

        return on_notification

    def on_disconnect(self, *args) -> None:
        if not self.closing:
            self.disconnects += 1

    def open_window(self) -> None:
        self.receipts = {}
        self.all_in.clear()
        self.window_open = True

    def close_window(self) -> dict[int, tuple[float, int]]:
        self.window_open = False
        return self.receipts

    async def connect(self, url: str, token: str) -> float:
        import socketio

        started = time.monotonic()
        limit = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one(index: int) -> None:
            client = socketio.AsyncClient(reconnection=False)
            client.on("notification", self.handler(index))
            try:
                async with limit, asyncio.timeout(CONNECT_TIMEOUT):
                    await client.connect(
                        url,
                        transports=["websocket"],
                        auth={"token": token},
                        wait_timeout=CONNECT_TIMEOUT,
                    )
            except Exception:
                # A connect cut short leaves the client's aiohttp session open: close it.
                session = getattr(client.eio, "http", None)
                if session is not None and not session.closed:
                    await session.close()
                raise
            # Registered once connected: a failed connect is not a disconnect.
            client.on("disconnect", self.on_disconnect)
            self.clients.append(client)

        outcomes = await asyncio.gather(*(one(i) for i in range(self.size)), return_exceptions=True)
        failed = [c for c in outcomes if isinstance(c, BaseException)]
        if failed:
            raise BenchError(
                f"{len(failed)} of {self.size} clients could not connect "
                f"(first: {failed[0]!r}); is --server-threads at least --clients + 8?"
            )
        return time.monotonic() - started

    async def disconnect(self) -> None:
        self.closing = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True),
                15,
            )


async def one_event(
    session, swarm: Swarm, port: int, fixture: Fixture, result: EventResult, timeout: float
) -> None:
    """Grant the role through ``port``, wait for the N deliveries, revoke the role."""
    import aiohttp

    base = f"http://{HOST}:{port}/api/v1/users/{fixture.target_id}/roles"
    headers = {"Authorization": f"Bearer {fixture.admin_token}"}
    grant = {"role": EVENT_ROLE, "scope_type": "complex", "scope_id": fixture.complex_id}
    body: dict = {}
    swarm.open_window()
    sent_at = time.monotonic()
    try:
        async with session.post(base, json=grant, headers=headers) as response:
            body = await response.json(content_type=None)
            result.post_status = response.status
        result.post_ms = (time.monotonic() - sent_at) * 1000.0
        if response.status != 201:
            result.error = f"POST answered {response.status}: {body}"
        else:
            with contextlib.suppress(TimeoutError):
                remaining = timeout - (time.monotonic() - sent_at)
                await asyncio.wait_for(swarm.all_in.wait(), max(0.0, remaining))
    except (OSError, ValueError, aiohttp.ClientError) as exc:
        result.error = f"POST failed: {exc!r}"
    finally:
        receipts = swarm.close_window()
    result.received = len(receipts)
    # Without a grant there was no notification to miss (the failed POST is its own error).
    result.missed = swarm.size - len(receipts) if result.post_status == 201 else 0
    result.latencies_ms = [(t - sent_at) * 1000.0 for t, _ in receipts.values()]
    result.notification_ids = sorted({nid for _, nid in receipts.values()})
    if result.post_status == 201:
        try:
            async with session.delete(f"{base}/{body['id']}", headers=headers) as response:
                if response.status != 204:
                    result.error = f"DELETE of the grant answered {response.status}"
        except (OSError, aiohttp.ClientError) as exc:
            result.error = f"DELETE of the grant failed: {exc!r}"


def schedule(events: int, warmup: int) -> list[tuple[str, bool]]:
    """Warm-up, then rounds alternating which mode goes first (same, cross, cross, same …)."""
    plan = [(mode, True) for _ in range(warmup) for mode in MODES]
    for number in range(events):
        order = list(MODES) if number % 2 == 0 else list(reversed(MODES))
        plan += [(mode, False) for mode in order]
    return plan


async def run_events(
    args: argparse.Namespace, ports: dict[str, int], fixture: Fixture
) -> tuple[list[EventResult], Swarm, float]:
    import aiohttp

    swarm = Swarm(args.clients)
    results: list[EventResult] = []
    try:
        connect_s = await swarm.connect(f"http://{HOST}:{ports['B']}", fixture.target_token)
        print(f"{args.clients} clients connected to B in {connect_s:.1f} s")
        async with aiohttp.ClientSession() as session:
            for number, (mode, warmup) in enumerate(schedule(args.events, args.warmup_events)):
                port = ports["B"] if mode == "same" else ports["A"]
                result = EventResult(number=number, mode=mode, warmup=warmup)
                await one_event(session, swarm, port, fixture, result, args.event_timeout)
                results.append(result)
                brief = result.brief()
                print(
                    f"event {number + 1:>3} {'warm-up' if warmup else mode:<8} "
                    f"POST {result.post_ms:7.1f} ms  received {result.received}/{args.clients}"
                    + (
                        f"  first {brief['first_ms']:.1f}  p50 {brief['p50_ms']:.1f}  "
                        f"last {brief['last_ms']:.1f} ms"
                        if result.latencies_ms
                        else ""
                    )
                    + (f"  MISSED {result.missed}" if result.missed else "")
                    + (f"  ERROR {result.error}" if result.error else "")
                )
                if args.pause > 0:
                    await asyncio.sleep(args.pause)
    finally:
        await swarm.disconnect()
    return results, swarm, connect_s


# --- figures -------------------------------------------------------------------------------


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil without floats
    return sorted_values[int(rank) - 1]


def summarise(results: list[EventResult], mode: str) -> dict:
    mine = [r for r in results if r.mode == mode and not r.warmup]
    lat = sorted(v for r in mine for v in r.latencies_ms)
    firsts = [min(r.latencies_ms) for r in mine if r.latencies_ms]
    lasts = [max(r.latencies_ms) for r in mine if r.latencies_ms]
    posts = [r.post_ms for r in mine if r.post_status]
    return {
        "mode": MODES[mode],
        "events": len(mine),
        "deliveries": len(lat),
        "missed": sum(r.missed for r in mine),
        "p50_ms": round(percentile(lat, 50), 3),
        "p95_ms": round(percentile(lat, 95), 3),
        "p99_ms": round(percentile(lat, 99), 3),
        "max_ms": round(lat[-1], 3) if lat else None,
        "mean_ms": round(statistics.fmean(lat), 3) if lat else None,
        # Per event, median over the events: the first and the last client served.
        "first_delivery_ms_median": round(statistics.median(firsts), 3) if firsts else None,
        "last_delivery_ms_median": round(statistics.median(lasts), 3) if lasts else None,
        "post_ms_median": round(statistics.median(posts), 3) if posts else None,
    }


def pair_ratios(results: list[EventResult]) -> list[float]:
    """cross/same of the per-event p50, round by round: how stable the ratio was."""
    measured = [r for r in results if not r.warmup and r.latencies_ms]
    same = [statistics.median(r.latencies_ms) for r in measured if r.mode == "same"]
    cross = [statistics.median(r.latencies_ms) for r in measured if r.mode == "cross"]
    return [round(c / s, 3) for s, c in zip(same, cross, strict=False) if s > 0]


def print_table(summary: dict[str, dict], ratios: dict[str, float], per_round: list[float]):
    print()
    print(
        f"{'mode':<48} {'deliveries':>10} {'missed':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'POST ms':>8}"
    )
    for row in summary.values():
        print(
            f"{row['mode']:<48} {row['deliveries']:>10} {row['missed']:>6} "
            f"{row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['max_ms'] or float('nan'):>8.2f} {row['post_ms_median'] or float('nan'):>8.2f}"
        )
    print(f"ratio cross/same: p50 {ratios['p50']:.2f}, p95 {ratios['p95']:.2f}")
    if per_round:
        print(
            "  per round (p50): "
            + " ".join(f"{r:.2f}" for r in per_round)
            + f"  (min {min(per_round):.2f}, median {statistics.median(per_round):.2f}, "
            f"max {max(per_round):.2f})"
        )


def find_failures(
    results: list[EventResult],
    swarm: Swarm,
    stored_ids: list[int],
    servers_alive: dict[str, bool],
    redis_problems: dict[str, int],
) -> list[str]:
    failures = [
        f"gunicorn {name} exited during the run" for name, ok in servers_alive.items() if not ok
    ]
    missed = sum(r.missed for r in results)
    if missed:
        by_mode = {m: sum(r.missed for r in results if r.mode == m) for m in MODES}
        failures.append(f"missed deliveries: {missed} ({by_mode}, warm-up included)")
    errors = [f"event {r.number + 1}: {r.error}" for r in results if r.error]
    failures += errors
    mixed = [r.number + 1 for r in results if len(r.notification_ids) > 1]
    if mixed:
        failures.append(f"clients got different notifications within one event: {mixed}")
    delivered = [r.notification_ids[0] for r in results if len(r.notification_ids) == 1]
    granted = sum(r.post_status == 201 for r in results)
    if (
        len(delivered) != len(set(delivered))
        or not set(delivered) <= set(stored_ids)
        or len(stored_ids) != granted
    ):
        failures.append(
            f"delivered notifications do not match the stored ones, one per event "
            f"({len(set(delivered))} delivered, {len(stored_ids)} stored, {granted} grants)"
        )
    if swarm.stray:
        failures.append(f"{len(swarm.stray)} notification(s) outside an event's window")
    if swarm.disconnects:
        failures.append(f"{swarm.disconnects} client(s) disconnected during the run")
    for name, count in redis_problems.items():
        if count:
            failures.append(f"gunicorn {name} logged {count} Redis pub/sub error(s)")
    return failures


# --- orchestration -----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    redis_command(args.redis_url, "PING")
    channel = f"qc-bench-live-{secrets.token_hex(6)}"
    threads = args.server_threads or args.clients + 8
    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-live-"))
    servers: dict[str, Server] = {}
    try:
        env = bench_env(tmp, args.redis_url, channel, live_max=args.clients)
        print("preparing a fresh SQLite database (db upgrade, qc seed --demo) ...")
        serverctl.prepare_database(args.venv / "bin", env, demo=True, timeout=120)

        for name in ("A", "B"):
            servers[name] = start_server(name, args.venv, threads, env, tmp)
        for name, server in servers.items():
            serverctl.wait_until_healthy(server)
            print(f"server {name}: {' '.join(server.command[1:])} (pid {server.proc.pid})")
        ports = {name: server.port for name, server in servers.items()}
        print(
            f"note: --threads {threads}, not make run's 8: under gthread every open websocket "
            "holds a thread, and a server whose threads are all held answers nothing"
        )
        fixture = prepare_fixture(ports["B"])

        results, swarm, connect_s = asyncio.run(run_events(args, ports, fixture))
        # B listens on the channel since its first client connected (A, with no client of
        # its own, only publishes); if the app ignores QC_SOCKETIO_CHANNEL, B listens on
        # Flask-SocketIO's default channel instead and nobody on ours.
        own_channel = channel_subscribers(args.redis_url, channel)
        default_channel = channel_subscribers(args.redis_url, DEFAULT_CHANNEL)
        stored_ids = stored_event_ids(ports["B"], fixture)
        servers_alive = {name: server.proc.poll() is None for name, server in servers.items()}
        serverctl.stop_servers(list(servers.values()))
        problems = {name: server.problems() for name, server in servers.items()}
        redis_problems = {
            name: sum(bool(REDIS_PROBLEM.search(line)) for line in lines)
            for name, lines in problems.items()
        }

        summary = {mode: summarise(results, mode) for mode in MODES}
        ratios = {
            pct: round(summary["cross"][f"{pct}_ms"] / summary["same"][f"{pct}_ms"], 4)
            for pct in ("p50", "p95")
        }
        per_round = pair_ratios(results)
        print_table(summary, ratios, per_round)
        if own_channel:
            print(f"Redis channel: {channel} (this run's own; {own_channel} subscriber(s))")
        else:
            print(
                f"note: nobody listens on {channel}: the app ignores QC_SOCKETIO_CHANNEL, so the "
                f"run shared the default channel {DEFAULT_CHANNEL!r} "
                f"({default_channel} subscriber(s)) with any other process on this Redis"
            )
        for name, lines in problems.items():
            serverctl.print_problems(servers[name].label, lines)
        failures = find_failures(results, swarm, stored_ids, servers_alive, redis_problems)

        result = {
            "benchmark": "live",
            "started_at": started_at.isoformat(timespec="seconds"),
            # Servers, Redis and the clients share the machine: the ratio tolerates
            # other work on it, the absolute latencies do not.
            "machine": serverctl.machine(load_before),
            "servers": {name: " ".join(s.command[1:]) for name, s in servers.items()},
            "database": "SQLite, fresh temp file, reference data and demo users seeded",
            "redis": {
                "url": args.redis_url,
                "channel": channel if own_channel else DEFAULT_CHANNEL,
                "own_channel": bool(own_channel),
                "subscribers": own_channel or default_channel,
            },
            "client": "python-socketio AsyncClient, websocket transport, one asyncio process",
            "settings": {
                "clients": args.clients,
                "events_per_mode": args.events,
                "warmup_events_per_mode": args.warmup_events,
                "event_timeout_s": args.event_timeout,
                "pause_s": args.pause,
                "server_threads": threads,
            },
            "event": f"POST /api/v1/users/<id>/roles {{role: {EVENT_ROLE}}} -> {EVENT_KIND}",
            "target_user_id": fixture.target_id,
            "connect_s": round(connect_s, 3),
            "summary": summary,
            "ratio_cross_same": ratios,
            "ratio_p50_per_round": per_round,
            "events": [r.brief() for r in results],
            "stray_notifications": swarm.stray,
            "gunicorn_log_problems": problems,
            "failures": failures,
        }
        return serverctl.save_results(args.results_dir, "live", started_at, result)
    finally:
        serverctl.stop_servers(list(servers.values()))
        if args.server_log_dir:
            args.server_log_dir.mkdir(parents=True, exist_ok=True)
            for server in servers.values():
                if server.log_path.exists():
                    shutil.copyfile(server.log_path, args.server_log_dir / server.log_path.name)
        shutil.rmtree(tmp, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="clients in the room (200)")
    parser.add_argument("--events", type=int, default=15, help="measured events per mode (15)")
    parser.add_argument(
        "--warmup-events", type=int, default=2, help="unmeasured events per mode first (2)"
    )
    parser.add_argument(
        "--event-timeout",
        type=float,
        default=10.0,
        help="seconds to wait for all clients to get one event (10)",
    )
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between events (0.2)")
    parser.add_argument(
        "--server-threads",
        type=int,
        help="gunicorn gthread threads of A and B (default: --clients + 8)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("QC_BENCH_REDIS_URL") or DEFAULT_REDIS_URL,
        help=f"Redis shared by A and B (QC_BENCH_REDIS_URL, else {DEFAULT_REDIS_URL})",
    )
    parser.add_argument("--venv", type=Path, default=REPO_ROOT / ".venv", help="the venv to use")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--server-log-dir", type=Path, help="keep copies of both gunicorn logs in this directory"
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.events < 1 or args.warmup_events < 0:
        parser.error("--clients and --events must be at least 1, --warmup-events not negative")
    if args.event_timeout <= 0 or args.pause < 0:
        parser.error("--event-timeout must be positive, --pause not negative")
    if args.server_threads is not None and args.server_threads <= args.clients:
        parser.error("--server-threads must exceed --clients: each websocket holds a thread")
    redis_address(args.redis_url)
    return args


def ensure_client_libraries(venv: Path, argv: list[str]) -> None:
    """Re-run with the venv's Python when this one lacks python-socketio or aiohttp."""
    if all(importlib.util.find_spec(name) for name in ("socketio", "aiohttp")):
        return
    python = venv / "bin" / "python"
    if python.exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(python, [str(python), str(Path(__file__).resolve()), *argv])  # noqa: S606
    raise BenchError(
        "python-socketio's AsyncClient needs aiohttp: "
        ".venv/bin/pip install -e '.[bench]' (make bench-live does it)"
    )


def _sigterm_as_sigint(signum, frame):
    # Handled as Ctrl-C: asyncio cancels the event loop's task (the clients disconnect),
    # outside it KeyboardInterrupt is raised; either way ``run``'s ``finally`` stops gunicorn.
    signal.raise_signal(signal.SIGINT)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = parse_args(argv)
        ensure_client_libraries(args.venv, argv)
    except ServerError as exc:  # BenchError included
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    # Also when started from a shell that ignores SIGINT (background jobs): Ctrl-C must clean up.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _sigterm_as_sigint)
    try:
        return run(args)
    except ServerError as exc:  # BenchError included
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, asyncio.CancelledError):  # the latter: Ctrl-C inside asyncio.run
        print("interrupted; servers stopped, temp dir removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
