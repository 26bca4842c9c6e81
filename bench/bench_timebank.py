"""Benchmark time-bank transfers against a bare JSON POST, on one server, in one run; then audit.

``POST /api/v1/timebank/transfers`` with N concurrent clients (default 8: N payers, each
with its own bearer token, paying a rotating set of payees), without and with an
``Idempotency-Key``, alternated with ``POST /bench/echo`` (a trivial JSON route that
``bench/bench_wsgi.py`` adds to the app, same gunicorn process). The figures to compare over
time are the throughput ratios transfers/echo. After the load, the ledger is checked over
HTTP (``GET /api/v1/timebank/audit`` as staff) and in SQL (balances sum to zero, each balance
equals its entries, none below its floor, one transfer per 201 answered): any violation, 5xx
or unexpected status fails the run. PostgreSQL only: a fresh database, created and dropped.
See bench/README.md.

The orchestration uses the standard library only; the app and psycopg are used only in
child processes run with the venv's Python (creating the users and tokens, the SQL checks,
creating and dropping the database).

    .venv/bin/python bench/bench_timebank.py [--duration 5] [--rounds 3] [--clients 8]
    QC_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_timebank.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import serverctl  # bench/serverctl.py: this script's directory comes first on sys.path
from bench_spaces import parse_wrk
from scaling import postgres_admin_main
from serverctl import HOST, REPO_ROOT, RESULTS_DIR, Server, ServerError

DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
# The production app plus POST /bench/echo (bench/bench_wsgi.py); never in the product.
APP_MODULE = "bench.bench_wsgi:app"
STAFF_EMAIL = "staff@demo.quartiericonnessi.it"  # `qc seed --demo`: has timebank.manage
TRANSFERS = "/api/v1/timebank/transfers"
PATHS = {"echo": "/bench/echo", "transfer": TRANSFERS, "idem": TRANSFERS}
LABELS = {
    "echo": "POST /bench/echo",
    "transfer": f"POST {TRANSFERS}",
    "idem": f"POST {TRANSFERS} + Idempotency-Key",
}
EXPECTED_STATUSES = {"echo": {200}, "transfer": {201, 409}, "idem": {201, 409}}
MODES = tuple(PATHS)
MAX_MINUTES = 10  # each transfer moves 1..10 minutes; the default floor is -600
LOG_PROBLEM = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Exception")
THREAD_LINE = re.compile(r"^TIMEBANK_THREAD (.*)$", re.M)


class BenchError(ServerError):
    """The benchmark could not produce a trustworthy figure."""


# ===== children: run by the venv's Python, with the run's environment ==========================


def _pg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def prepare_main(clients: int) -> int:
    """Register the payers, issue their bearer tokens and the staff's; prints JSON."""
    sys.path.insert(0, str(REPO_ROOT))
    from qc_platform import create_app

    app = create_app()
    from qc_platform.accounts import service as accounts
    from qc_platform.extensions import db
    from qc_platform.timebank import service as timebank

    with app.app_context():
        payers = []
        for n in range(1, clients + 1):
            user = accounts.register(
                email=f"pagatore-{n}@bench.invalid",
                password=secrets.token_urlsafe(18),
                display_name=f"Pagatore {n}",
            )
            _, token = accounts.issue_token(user=user, name="bench-timebank")
            account = timebank.account_of_user(user.id)
            payers.append(
                {
                    "user_id": user.id,
                    "account_id": account.id,
                    "floor_minutes": account.floor_minutes,
                    "token": token,
                }
            )
        staff = accounts.find_user_by_email(STAFF_EMAIL)
        if staff is None:
            print(f"{STAFF_EMAIL} not found (qc seed --demo?)", file=sys.stderr)
            return 1
        _, staff_token = accounts.issue_token(user=staff, name="bench-timebank-audit")
        db.session.commit()
    print(json.dumps({"payers": payers, "staff_token": staff_token}))
    return 0


def check_sql_main(spec_path: str) -> int:
    """The ledger's invariants straight from the database, after the server stopped; JSON.

    ``spec_path``: JSON with ``nonce`` (the run's Idempotency-Key prefix) and ``in_flight``
    (memos of the requests wrk had sent but not seen answered when it stopped).
    """
    import psycopg

    spec = json.loads(Path(spec_path).read_text())
    with psycopg.connect(_pg_url(os.environ["QC_DATABASE_URL"]), connect_timeout=5) as conn:

        def rows(sql: str, *params):
            return [list(row) for row in conn.execute(sql, params or None).fetchall()]

        balance_sum, accounts, min_balance, max_balance = rows(
            "SELECT coalesce(sum(balance_minutes), 0), count(*), min(balance_minutes), "
            "max(balance_minutes) FROM timebank_accounts"
        )[0]
        entries_sum, entries = rows(
            "SELECT coalesce(sum(minutes), 0), count(*) FROM timebank_entries"
        )[0]
        result = {
            "accounts": accounts,
            "balance_sum_minutes": int(balance_sum),
            "min_balance_minutes": min_balance,
            "max_balance_minutes": max_balance,
            "entries": entries,
            "entries_sum_minutes": int(entries_sum),
            "transfers": rows("SELECT count(*) FROM timebank_transfers")[0][0],
            # balance = sum of its entries, for every account (none has entries elsewhere)
            "balance_mismatches": rows(
                "SELECT a.id, a.balance_minutes, coalesce(e.total, 0) FROM timebank_accounts a "
                "LEFT JOIN (SELECT account_id, sum(minutes) AS total FROM timebank_entries "
                "GROUP BY account_id) e ON e.account_id = a.id "
                "WHERE a.balance_minutes <> coalesce(e.total, 0) ORDER BY a.id LIMIT 100"
            ),
            "below_floor": rows(
                "SELECT id, balance_minutes, floor_minutes FROM timebank_accounts "
                "WHERE balance_minutes < floor_minutes ORDER BY id LIMIT 100"
            ),
            # two entries per transfer: -minutes for the payer, +minutes for the payee
            "unbalanced_transfers": rows(
                "SELECT t.id FROM timebank_transfers t LEFT JOIN (SELECT transfer_id, "
                "count(*) AS n, sum(minutes) AS total, min(minutes) AS debit, "
                "count(DISTINCT account_id) AS accounts FROM timebank_entries "
                "GROUP BY transfer_id) e ON e.transfer_id = t.id "
                "WHERE e.n IS NULL OR e.n <> 2 OR e.total <> 0 OR e.debit <> -t.minutes "
                "OR e.accounts <> 2 ORDER BY t.id LIMIT 100"
            ),
            # memo = "<run>/<client>/<n>": one transfer per request, per wrk run and client
            "per_client": rows(
                "SELECT split_part(memo, '/', 1), split_part(memo, '/', 2), count(*), "
                "count(DISTINCT memo) FROM timebank_transfers GROUP BY 1, 2 ORDER BY 1, 2"
            ),
            "in_flight_committed": [
                row[0]
                for row in rows(
                    "SELECT memo FROM timebank_transfers WHERE memo = ANY(%s) ORDER BY memo",
                    spec["in_flight"],
                )
            ],
            "idempotency_keys": rows(
                "SELECT count(*), count(DISTINCT key), count(*) FILTER (WHERE status_code = 201) "
                "FROM idempotency_keys WHERE scope = 'timebank.transfer'"
            )[0],
            # each stored key names the transfer it paid for: "<nonce>:<memo>"
            "idempotency_keys_matching_a_transfer": rows(
                "SELECT count(*) FROM idempotency_keys k JOIN timebank_transfers t "
                "ON k.key = %s || ':' || t.memo WHERE k.scope = 'timebank.transfer'",
                spec["nonce"],
            )[0][0],
            "idem_run_transfers": rows(
                "SELECT count(*) FROM timebank_transfers "
                "WHERE split_part(split_part(memo, '/', 1), '-', 1) = 'idem'"
            )[0][0],
        }
    print(json.dumps(result))
    return 0


def count_queries_main(spec_path: str) -> int:
    """SQL statements of one transfer, without and with Idempotency-Key (in-process); JSON.

    Run on the run's database after the checks (its transfers no longer matter).
    Savepoints are not counted (``count_queries`` skips them): the key's insert runs in one.
    """
    sys.path.insert(0, str(REPO_ROOT))
    from qc_platform import create_app
    from qc_platform.core.querycount import count_queries

    spec = json.loads(Path(spec_path).read_text())
    app = create_app()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {spec['token']}"}
    body = {"to_account_id": spec["to_account_id"], "minutes": 1, "memo": "count"}
    client.post(TRANSFERS, json=body, headers=headers)  # connection set-up is not the route's
    result = {}
    for mode, extra in (("transfer", {}), ("idem", {"Idempotency-Key": secrets.token_hex(8)})):
        with app.app_context(), count_queries() as counter:
            response = client.post(TRANSFERS, json=body, headers=headers | extra)
        if response.status_code != 201:
            print(f"POST {TRANSFERS} answered {response.status_code}", file=sys.stderr)
            return 1
        result[mode] = {
            "statements": counter.count,
            "sql": [" ".join(s.split())[:120] for s in counter.statements],
        }
    print(json.dumps(result))
    return 0


# ===== orchestration (standard library) ========================================================


def child(args: argparse.Namespace, env: dict[str, str], *flags: str, timeout: float) -> dict:
    command = [str(args.venv / "bin" / "python"), str(Path(__file__).resolve()), *flags]
    stdout = serverctl.run_command(command, env, timeout=timeout, what=" ".join(flags[:2]))
    lines = stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def database_url(server_url: str, name: str) -> str:
    """``server_url`` with its database replaced by ``name``."""
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


def start_server(args: argparse.Namespace, env: dict[str, str], log_path: Path) -> Server:
    """``serverctl.start_gunicorn``'s command (``make run``'s GUNICORN_FLAGS), bench app.

    The same flags, session and log handling; only the app module differs: the product plus
    ``POST /bench/echo``, so that both routes are served by one and the same process.
    """
    command = [str(args.venv / "bin" / "gunicorn"), "-k", "gthread", "-w", "1"]
    command += ["--threads", str(args.server_threads), "--no-control-socket"]
    command += ["-b", f"{HOST}:0"]
    command += ["--access-logfile", "-"] if args.access_log else []
    command.append(APP_MODULE)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server("", proc, command, log_path, LOG_PROBLEM)


def http_json(
    port: int, method: str, path: str, *, token: str = "", body: dict | None = None
) -> tuple[int, dict]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, {"raw": data[:300].decode(errors="replace")}


def check_routes(port: int, payers: list[dict]) -> None:
    """Before the load: the echo route answers, and each token is its payer's."""
    status, body = http_json(port, "POST", PATHS["echo"], body={"to_account_id": 1})
    if status != 200 or body.get("ok") is not True:
        raise BenchError(f"POST {PATHS['echo']} answered {status}: {body}")
    for payer in payers:
        status, body = http_json(port, "GET", "/api/v1/timebank/accounts/me", token=payer["token"])
        if status != 200 or body.get("id") != payer["account_id"]:
            raise BenchError(f"GET /api/v1/timebank/accounts/me answered {status}: {body}")


# --- wrk and its Lua script ------------------------------------------------------------------

# One wrk thread per client, one connection each (-tN -cN): thread i is payer i, with its
# own token; it pays payers i+1, i+2, … (never itself), 1..10 minutes each time. The memo
# "<run>/<client>/<n>" makes every request's transfer identifiable in the database. wrk
# calls request() once more in its first thread, before the run, to check the script (that
# request is never sent: client 1's numbers start at 2); `last_answered` is the number of
# the last request answered, so the one still on its way when wrk stops is known exactly.
LUA_TEMPLATE = """\
-- Generated by bench/bench_timebank.py for one wrk run (removed with the run's temp dir).
local mode = "{mode}"
local run = "{run}"
local nonce = "{nonce}"
local path = "{path}"
local tokens = {{{tokens}}}
local accounts = {{{accounts}}}

local threads = {{}}
local created = 0

function setup(thread)
  created = created + 1
  thread:set("client", created)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  answered = 0
  last_answered = 0
  statuses = {{}}
  headers = {{["Content-Type"] = "application/json"}}
  if mode ~= "echo" then
    headers["Authorization"] = "Bearer " .. tokens[client]
  end
  math.randomseed({seed} + client * 7919)
end

function request()
  sent = sent + 1
  local n = #accounts
  local payee = accounts[(client - 1 + (sent - 1) % (n - 1) + 1) % n + 1]
  local memo = run .. "/" .. client .. "/" .. sent
  if mode == "idem" then
    headers["Idempotency-Key"] = nonce .. ":" .. memo
  end
  local body = '{{"to_account_id":' .. payee .. ',"minutes":' .. math.random(1, {max_minutes})
    .. ',"memo":"' .. memo .. '"}}'
  return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
  answered = answered + 1
  last_answered = sent  -- one connection, no pipelining: the answer is to the last request
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local parts = {{}}
    for status, count in pairs(thread:get("statuses")) do
      table.insert(parts, status .. ":" .. count)
    end
    io.write(string.format(
      "TIMEBANK_THREAD client=%d sent=%d answered=%d last_answered=%d statuses=%s\\n",
      thread:get("client"), thread:get("sent"), thread:get("answered"),
      thread:get("last_answered"), table.concat(parts, ",")))
  end
end
"""


@dataclass
class Run:
    mode: str
    run: str  # the memo prefix: "<mode>-<round>" or "<mode>-w" for the warm-up
    duration_s: float
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    clients: list[dict] = field(default_factory=list)  # client, sent, answered, statuses
    socket_errors: dict[str, int] = field(default_factory=dict)

    def count(self, *codes: int) -> int:
        return sum(self.statuses.get(str(code), 0) for code in codes)

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if int(code) >= 500)

    @property
    def unexpected(self) -> dict[str, int]:
        allowed = EXPECTED_STATUSES[self.mode]
        return {code: n for code, n in self.statuses.items() if int(code) not in allowed}

    @property
    def created_per_s(self) -> float:
        """Transfers per second: req/s × the share of 201s (wrk counts 409s as requests)."""
        answered = sum(self.statuses.values())
        return self.requests_per_s * self.count(201) / answered if answered else 0.0


def parse_threads(output: str) -> list[dict]:
    clients = []
    for match in THREAD_LINE.finditer(output):
        fields = dict(part.split("=", 1) for part in match.group(1).split())
        statuses = dict(pair.split(":") for pair in fields["statuses"].split(",") if pair)
        clients.append(
            {
                "client": int(fields["client"]),
                "sent": int(fields["sent"]),
                "answered": int(fields["answered"]),
                "last_answered": int(fields["last_answered"]),
                "statuses": {code: int(n) for code, n in statuses.items()},
            }
        )
    return sorted(clients, key=lambda c: c["client"])


def run_wrk(args, tmp: Path, port: int, mode: str, run: str, seconds: int, setup: dict) -> Run:
    payers = setup["payers"]
    script = tmp / f"wrk-{run}.lua"
    script.write_text(
        LUA_TEMPLATE.format(
            mode=mode,
            run=run,
            nonce=setup["nonce"],
            path=PATHS[mode],
            tokens=", ".join(f'"{p["token"]}"' for p in payers),
            accounts=", ".join(str(p["account_id"]) for p in payers),
            seed=secrets.randbelow(1_000_000),
            max_minutes=MAX_MINUTES,
        )
    )
    clients = args.clients
    command = ["wrk", f"-t{clients}", f"-c{clients}", f"-d{seconds}s", "--latency"]
    command += ["-s", str(script), f"http://{HOST}:{port}{PATHS[mode]}"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    measured = parse_wrk(done.stdout, mode, seconds)
    threads = parse_threads(done.stdout)
    if len(threads) != clients:
        raise BenchError(
            f"wrk's script reported {len(threads)} clients of {clients}:\n{done.stdout}"
        )
    statuses: dict[str, int] = {}
    for client in threads:
        for code, n in client["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    return Run(
        mode=mode,
        run=run,
        duration_s=seconds,
        requests=measured.requests,
        requests_per_s=measured.requests_per_s,
        p50_ms=measured.p50_ms,
        p99_ms=measured.p99_ms,
        statuses=statuses,
        clients=threads,
        socket_errors=measured.socket_errors,
    )


def print_run(label: str, r: Run) -> None:
    extra = ""
    if r.mode != "echo":
        extra = f"  201 {r.count(201)}  409 {r.count(409)}"
    if r.server_errors:
        extra += f"  5XX {r.server_errors}"
    if r.unexpected:
        extra += f"  UNEXPECTED {r.unexpected}"
    if r.socket_errors:
        extra += f"  socket errors {r.socket_errors}"
    print(
        f"{label} {r.mode:<8} {r.requests_per_s:>8.1f} req/s  p50 {r.p50_ms:.2f} ms  "
        f"p99 {r.p99_ms:.2f} ms{extra}"
    )


def run_load(args, tmp: Path, port: int, setup: dict) -> tuple[list[Run], list[Run]]:
    """Warm up each mode, then alternate echo, transfer, idem … for N rounds."""
    seconds = max(1, round(args.duration))
    warmups = []
    if args.warmup > 0:
        for mode in MODES:
            warmups.append(run_wrk(args, tmp, port, mode, f"{mode}-w", args.warmup, setup))
            print_run("warm-up    ", warmups[-1])
    rounds = []
    for number in range(1, args.rounds + 1):
        for mode in MODES:
            rounds.append(run_wrk(args, tmp, port, mode, f"{mode}-{number}", seconds, setup))
            print_run(f"round {number}/{args.rounds}", rounds[-1])
    return warmups, rounds


def summarise(rounds: list[Run], mode: str) -> dict:
    mine = [r for r in rounds if r.mode == mode]
    return {
        "route": LABELS[mode],
        "requests_per_s": round(statistics.median(r.requests_per_s for r in mine), 2),
        "created_per_s": round(statistics.median(r.created_per_s for r in mine), 2),
        "p50_ms": round(statistics.median(r.p50_ms for r in mine), 3),
        "p99_ms": round(statistics.median(r.p99_ms for r in mine), 3),
        "requests": sum(r.requests for r in mine),
        "status_200": sum(r.count(200) for r in mine),
        "status_201": sum(r.count(201) for r in mine),
        "status_409": sum(r.count(409) for r in mine),
        "status_5xx": sum(r.server_errors for r in mine),
        "other_statuses": sum(sum(r.unexpected.values()) for r in mine)
        - sum(r.server_errors for r in mine),
    }


def ratios(rounds: list[Run], summary: dict[str, dict]) -> dict[str, dict]:
    """Throughput ratios of the medians, and within each round (how stable they were)."""
    per_mode = {mode: [r.requests_per_s for r in rounds if r.mode == mode] for mode in MODES}
    result = {}
    for top, bottom in (("transfer", "echo"), ("idem", "echo"), ("idem", "transfer")):
        result[f"{top}/{bottom}"] = {
            "median": round(summary[top]["requests_per_s"] / summary[bottom]["requests_per_s"], 4),
            "per_round": [
                round(t / b, 3) for t, b in zip(per_mode[top], per_mode[bottom], strict=True)
            ],
        }
    return result


def in_flight(runs: list[Run]) -> list[str]:
    """Memos of the requests sent but not answered when wrk stopped (at most one per client).

    wrk stops at the deadline without waiting for the answers on the way; the server still
    finishes those requests, so each may or may not have written its transfer.
    """
    memos = []
    for r in runs:
        if r.mode == "echo":
            continue
        for client in r.clients:
            memos += [
                f"{r.run}/{client['client']}/{n}"
                for n in range(client["last_answered"] + 1, client["sent"] + 1)
            ]
    return memos


def check_invariants(runs: list[Run], audit: tuple[int, dict], sql: dict) -> list[str]:
    """Every violation of the ledger's invariants and of the request accounting."""
    violations = []
    status, body = audit
    if status != 200:
        violations.append(f"GET /api/v1/timebank/audit answered {status}: {body}")
    else:
        for key in ("sum_minutes", "entries_sum_minutes"):
            if body[key] != 0:
                violations.append(f"audit: {key} = {body[key]}, not 0")
        for key in ("mismatches", "unbalanced_transfers", "below_floor"):
            if body[key]:
                violations.append(f"audit: {key}: {body[key][:10]}")
        if body["transfers_checked"] != sql["transfers"]:
            violations.append(
                f"audit checked {body['transfers_checked']} transfers, the database has "
                f"{sql['transfers']}"
            )
    if sql["balance_sum_minutes"] != 0:
        violations.append(f"SQL: sum of balances = {sql['balance_sum_minutes']}, not 0")
    if sql["entries_sum_minutes"] != 0:
        violations.append(f"SQL: sum of entries = {sql['entries_sum_minutes']}, not 0")
    for key, what in (
        ("balance_mismatches", "balance <> sum of its entries (id, balance, entries)"),
        ("below_floor", "balance below its floor (id, balance, floor)"),
        ("unbalanced_transfers", "transfers without exactly two opposite entries"),
    ):
        if sql[key]:
            violations.append(f"SQL: {what}: {sql[key][:10]}")
    if sql["entries"] != 2 * sql["transfers"]:
        violations.append(f"SQL: {sql['entries']} entries for {sql['transfers']} transfers")

    # One transfer per 201, client by client and run by run (plus, possibly, the one request
    # per client that was still on its way when wrk stopped).
    committed = set(sql["in_flight_committed"])
    in_db = {(run, client): (n, distinct) for run, client, n, distinct in sql["per_client"]}
    expected_keys = set()
    for r in runs:
        if r.mode == "echo":
            continue
        for c in r.clients:
            key = (r.run, str(c["client"]))
            expected_keys.add(key)
            late = sum(
                f"{r.run}/{c['client']}/{n}" in committed
                for n in range(c["last_answered"] + 1, c["sent"] + 1)
            )
            created = c["statuses"].get("201", 0) + late
            n, distinct = in_db.get(key, (0, 0))
            if n != created or distinct != n:
                violations.append(
                    f"{r.run} client {c['client']}: {n} transfers ({distinct} distinct) in the "
                    f"database for {c['statuses'].get('201', 0)} answered 201"
                    + (f" + {late} committed after wrk stopped" if late else "")
                )
    strays = sorted(set(in_db) - expected_keys)
    if strays:
        violations.append(f"SQL: transfers no bench request made: {strays[:10]}")
    answered_201 = sum(r.count(201) for r in runs)
    if sql["transfers"] != answered_201 + len(committed):
        violations.append(
            f"SQL: {sql['transfers']} transfers for {answered_201} 201 responses "
            f"+ {len(committed)} committed after wrk stopped"
        )
    keys, distinct_keys, keys_201 = sql["idempotency_keys"]
    idem = sql["idem_run_transfers"]
    if not keys == distinct_keys == keys_201 == sql["idempotency_keys_matching_a_transfer"] == idem:
        violations.append(
            f"SQL: {keys} idempotency keys ({distinct_keys} distinct, {keys_201} with 201, "
            f"{sql['idempotency_keys_matching_a_transfer']} naming a transfer) for {idem} "
            "transfers of the Idempotency-Key runs"
        )
    return violations


def print_table(summary: dict[str, dict], ratio: dict[str, dict]) -> None:
    print()
    print(
        f"{'route':<56} {'req/s':>8} {'201/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'2xx':>7} {'409':>5} {'5xx':>4} {'other':>5}"
    )
    for mode, row in summary.items():
        ok = row["status_201"] if mode != "echo" else row["status_200"]
        created = f"{row['created_per_s']:>8.1f}" if mode != "echo" else f"{'-':>8}"
        print(
            f"{row['route']:<56} {row['requests_per_s']:>8.1f} {created} {row['p50_ms']:>7.2f} "
            f"{row['p99_ms']:>7.2f} {ok:>7} {row['status_409']:>5} {row['status_5xx']:>4} "
            f"{row['other_statuses']:>5}"
        )
    print("(req/s, 201/s, p50, p99: medians over the rounds; counts: all measured rounds)")
    for name, value in ratio.items():
        per_round = " ".join(f"{v:.2f}" for v in value["per_round"])
        print(f"ratio {name:<18} = {value['median']:.3f}   per round: {per_round}")
    spread = [v["per_round"] for v in ratio.values()]
    if any(min(p) > 0 and max(p) / min(p) > 1.2 for p in spread):
        print("  note: the rounds differ by more than 20 %: the machine was busy")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run (5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of echo/transfer/idem (3)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds per route (1)")
    parser.add_argument(
        "--clients", type=int, default=8, help="concurrent clients = payers = wrk threads (8)"
    )
    parser.add_argument(
        "--server-threads", type=int, default=100, help="gunicorn gthread threads (100, make run)"
    )
    parser.add_argument(
        "--access-log", action="store_true", help="gunicorn --access-logfile - (as make run)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("QC_BENCH_DATABASE_URL") or DEFAULT_PG_SERVER,
        help="PostgreSQL server to create the run's database on "
        "($QC_BENCH_DATABASE_URL or " + DEFAULT_PG_SERVER + ")",
    )
    parser.add_argument("--venv", type=Path, default=REPO_ROOT / ".venv", help="the venv to use")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--server-log", type=Path, help="keep a copy of gunicorn's log")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--check-sql", help=argparse.SUPPRESS)
    parser.add_argument("--count-queries", help=argparse.SUPPRESS)
    parser.add_argument("--postgres-admin", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.duration < 1 or args.rounds < 1 or args.warmup < 0:
        parser.error("--duration and --rounds must be at least 1, --warmup not negative")
    if args.clients < 2 or args.server_threads < 1:
        parser.error("--clients must be at least 2 (payers pay each other)")
    if not args.database_url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        parser.error("--database-url / QC_BENCH_DATABASE_URL: a postgresql:// URL")
    return args


def run(args: argparse.Namespace) -> int:
    if not shutil.which("wrk"):
        raise BenchError("wrk is not installed (apt-get install wrk)")
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-timebank-"))
    log_path = tmp / "gunicorn.log"
    name = f"qc_bench_timebank_{os.getpid()}_{secrets.token_hex(3)}"
    server_url = args.database_url
    env = serverctl.server_env(
        unset=("QC_ENV", "QC_REDIS_URL", "QC_SMTP_URL"),
        QC_DATABASE_URL=database_url(server_url, name),
        QC_RATELIMIT_ENABLED="0",
        QC_SECRET_KEY=serverctl.secret_key(),
        # Passwords are hashed during set-up only; cheap hashing keeps it short.
        QC_ARGON2_TIME_COST="1",
        QC_ARGON2_MEMORY_COST="8",
    )
    servers: list[Server] = []
    created_db = False
    try:
        created_db = True  # from here on, drop it (IF EXISTS) whatever happens
        child(args, env, "--postgres-admin", "create", server_url, name, timeout=60)
        print(f"database: {name} (fresh, PostgreSQL); db upgrade, qc seed --demo ...")
        serverctl.prepare_database(args.venv / "bin", env, demo=True, timeout=180)
        setup = child(args, env, "--prepare", str(args.clients), timeout=120)
        setup["nonce"] = secrets.token_hex(4)
        payers = setup["payers"]

        server = start_server(args, env, log_path)
        servers.append(server)
        serverctl.wait_until_healthy(server)
        port = server.port
        check_routes(port, payers)
        print(f"server: {' '.join(server.command[1:])} (pid {server.proc.pid}, port {port})")
        print(
            f"load: wrk -t{args.clients} -c{args.clients}, {args.clients} payers (accounts "
            f"{payers[0]['account_id']}..{payers[-1]['account_id']}, floor "
            f"{payers[0]['floor_minutes']} min), 1..{MAX_MINUTES} min per transfer"
        )

        warmups, rounds = run_load(args, tmp, port, setup)
        runs = warmups + rounds
        time.sleep(1.0)  # let requests wrk left on their way finish before the audit
        audit = http_json(port, "GET", "/api/v1/timebank/audit", token=setup["staff_token"])
        server_alive = server.proc.poll() is None
        serverctl.stop_servers(servers)  # graceful: whatever was still running has finished
        problems = server.problems()

        spec = tmp / "check.json"
        spec.write_text(json.dumps({"nonce": setup["nonce"], "in_flight": in_flight(runs)}))
        sql = child(args, env, "--check-sql", str(spec), timeout=120)
        violations = check_invariants(runs, audit, sql)
        spec.write_text(
            json.dumps({"token": payers[0]["token"], "to_account_id": payers[1]["account_id"]})
        )
        statements = child(args, env, "--count-queries", str(spec), timeout=120)

        summary = {mode: summarise(rounds, mode) for mode in MODES}
        ratio = ratios(rounds, summary)
        print_table(summary, ratio)
        answered_201 = sum(r.count(201) for r in runs)
        print(
            f"ledger after {len(runs)} wrk runs (warm-up included): {sql['transfers']} transfers "
            f"= {answered_201} 201 responses + {len(sql['in_flight_committed'])} committed "
            f"after wrk stopped; {sum(r.count(409) for r in runs)} answered 409 (below floor); "
            f"balances {sql['min_balance_minutes']}..{sql['max_balance_minutes']} min"
        )
        print(
            "invariants (audit over HTTP + SQL: balances sum to 0, balance = its entries, "
            "none below its floor, 2 entries per transfer, one transfer per 201, one "
            f"Idempotency-Key per transfer of those runs): {len(violations)} violations"
        )
        for violation in violations:
            print(f"  VIOLATION: {violation}")
        print(
            "SQL statements per transfer (in-process, savepoints not counted): "
            f"{statements['transfer']['statements']} without Idempotency-Key, "
            f"{statements['idem']['statements']} with"
        )
        serverctl.print_problems(server.label, problems)

        failures = [f"invariant: {v}" for v in violations]
        if not server_alive:
            failures.append("gunicorn exited during the run")
        for r in runs:
            if r.server_errors:
                failures.append(f"{r.run}: {r.server_errors} 5xx responses")
            if r.unexpected:
                failures.append(f"{r.run}: unexpected statuses {r.unexpected}")
            if r.socket_errors:
                failures.append(f"{r.run}: socket errors {r.socket_errors}")
        if problems:
            failures.append(f"gunicorn's log has {len(problems)} problem line(s)")

        result = {
            "benchmark": "timebank",
            "started_at": started_at.isoformat(timespec="seconds"),
            "machine": serverctl.machine(load_before),
            "server": " ".join(server.command[1:]),
            "database": "PostgreSQL, fresh database (db upgrade, qc seed --demo), dropped after",
            "tool": "wrk",
            "tool_version": subprocess.run(
                ["wrk", "--version"], capture_output=True, text=True, check=False
            ).stdout.split(" Copyright")[0],
            "settings": {
                "duration_s": max(1, round(args.duration)),
                "rounds": args.rounds,
                "warmup_s": args.warmup,
                "clients": args.clients,
                "server_threads": args.server_threads,
                "minutes_per_transfer": [1, MAX_MINUTES],
                "floor_minutes": payers[0]["floor_minutes"],
            },
            "summary": summary,
            "ratios": ratio,
            "runs": [asdict(r) for r in runs],
            "audit": audit[1],
            "sql": {k: v for k, v in sql.items() if k != "per_client"},
            "sql_statements_per_transfer": statements,
            "violations": violations,
            "gunicorn_log_problems": problems,
            "failures": failures,
        }
        return serverctl.save_results(args.results_dir, "timebank", started_at, result)
    finally:
        serverctl.stop_servers(servers)
        if args.server_log and log_path.exists():
            shutil.copyfile(log_path, args.server_log)
        if created_db:
            try:
                child(args, env, "--postgres-admin", "drop", server_url, name, timeout=120)
            except (ServerError, subprocess.TimeoutExpired) as exc:
                print(f"FAILED to drop the database {name}: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.postgres_admin:
        return postgres_admin_main(*args.postgres_admin)
    if args.prepare is not None:
        return prepare_main(args.prepare)
    if args.check_sql:
        return check_sql_main(args.check_sql)
    if args.count_queries:
        return count_queries_main(args.count_queries)
    return serverctl.run_cleanly(
        run, args, interrupted="interrupted; server stopped, database dropped, temp dir removed"
    )


if __name__ == "__main__":
    sys.exit(main())
