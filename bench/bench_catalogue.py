"""Benchmark the public catalogue search at 200 and at 20,000 services, in one run.

``GET /api/v1/catalogue/services`` with the searches people make (the first page,
``open_now=true``, a category in Arabic, a word of ``q`` typed without its accent,
time-bank services open now, the second page through ``next_cursor``): the p50 latency at
20k services must stay within 1.5x of the p50 at 200 (both sizes served side by side and
asked in turn, so the ratio is the figure to compare over time), and each search must run
the same number of SQL statements at both sizes and at ``limit`` 1, 20 and 100.
See bench/README.md.

The orchestration uses the standard library only; the app is imported only in child
processes run with the venv's Python (loading the services, counting statements, EXPLAIN).

    .venv/bin/python bench/bench_catalogue.py [--requests 200] [--sizes 200,20000]
    QC_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_catalogue.py        # SQLite, then PostgreSQL
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
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import serverctl  # bench/serverctl.py: this script's directory comes first on sys.path
from bench_feedback import clone_sqlite, postgres_admin_main
from serverctl import HOST, REPO_ROOT, RESULTS_DIR, Server, ServerError

PATH = "/api/v1/catalogue/services"
# name -> query string. "page2" is the default search's second page: its cursor is read
# from each server's first page (the same at both sizes: the first 200 services are the
# same rows).
SEARCHES = {
    "default": "",
    "open_now": "open_now=true",
    "category_ar": "category=paperwork&language=ar",
    "q": "q=" + quote("caffè"),
    "timebank_open": "price_model=timebank&open_now=true",
    "page2": "cursor={cursor}",
}
LIMITS = (1, 20, 100)
DEFAULT_PAGE = 20
DEFAULT_SIZES = (200, 20_000)
MAX_RATIO = 1.5
LOG_PROBLEM = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Exception")


class BenchError(ServerError):
    """The benchmark could not produce a trustworthy figure."""


# ===== children: run by the venv's Python, with the run's environment ==========================


def _app():
    sys.path.insert(0, str(REPO_ROOT))
    from qc_platform import create_app

    return create_app()


# What the generated services look like: per category, titles and descriptions in Italian
# (some with accents, so that an unaccented query has something to fold), and the weekly
# hours of small services in the neighbourhood.
TEXTS = {
    "concierge": [
        ("Portineria sociale", "Ritiro pacchi e chiavi, piccole commissioni, un caffè e due "),
        ("Ritiro pacchi", "Teniamo i tuoi pacchi in portineria fino a sette giorni. "),
    ],
    "paperwork": [
        ("Sportello pratiche", "Aiuto con moduli, ISEE, SPID, bollette e domande al Comune. "),
        ("Aiuto bollette e contratti", "Leggiamo insieme bollette e contratti di luce e gas. "),
    ],
    "tailoring": [
        ("Sartoria di quartiere", "Orli, cerniere, piccole riparazioni e modifiche. "),
        ("Rammendo e orli", "Porta i tuoi capi: orli e rammendi in giornata. "),
    ],
    "repairs": [
        ("Piccole riparazioni", "Elettrodomestici, mobili, serrature, tapparelle. "),
        ("Tuttofare del cortile", "Mensole, lampadine, rubinetti che gocciolano. "),
    ],
    "bikes": [
        ("Ciclofficina", "Ripariamo la tua bici o ti insegniamo a farlo da te. "),
        ("Bici per tutti", "Camere d'aria, freni, catene: attrezzi e consigli. "),
    ],
    "laundry": [
        ("Lavanderia sociale", "Lavaggio e stiratura a prezzi popolari. "),
        ("Stireria", "Stiriamo camicie e lenzuola, consegna al portone. "),
    ],
    "catering": [
        ("Cucina di comunità", "Pranzi, rinfreschi e caffè per feste di cortile. "),
        ("Pasti a domicilio", "Un pasto caldo a chi non può cucinare, anche per più giorni. "),
    ],
    "care": [
        ("Compagnia e ascolto", "Una visita, una passeggiata, due chiacchiere. "),
        ("Ginnastica dolce", "Attività per la salute e l'equilibrio, per tutte le età. "),
    ],
    "digital": [
        ("Assistenza digitale", "Smartphone, computer, stampa, posta elettronica e SPID. "),
        ("Punto stampa", "Stampa, scansione e fotocopie di documenti. "),
    ],
    "other": [
        ("Servizio di quartiere", "Altri servizi utili per chi abita nei cortili. "),
        ("Banco del riuso", "Oggetti e vestiti che cercano una nuova casa. "),
    ],
}
FILLER = (
    "Su appuntamento o passando in sede; chiedi in portineria. ",
    "Attività della rete di quartiere, con volontari e operatori. ",
    "Gratuito per chi abita negli alloggi ERP della zona. ",
    "Per anziani, famiglie e nuovi arrivati. ",
    "Parliamo più lingue: chiedi pure. ",
)
WEEKS = (  # (weight, {weekday index: [(opens, closes), ...]})
    (30, {d: [("09:00", "12:30"), ("14:30", "18:00")] for d in range(5)}),
    (15, {0: [("09:00", "12:00")], 2: [("09:00", "12:00")], 4: [("09:00", "12:00")]}),
    (15, {1: [("15:00", "19:00")], 3: [("15:00", "19:00")]}),
    (15, {d: [("08:30", "19:30")] for d in range(6)}),
    (10, {d: [("18:00", "21:00")] for d in (1, 2, 3)}),
    (5, {5: [("10:00", "13:00")]}),
    (10, {d: [("07:00", "22:00")] for d in range(7)}),
)
LANGUAGES = (("en", 0.35), ("ar", 0.12), ("es", 0.10), ("fr", 0.08), ("zh", 0.05), ("ro", 0.05))
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _minute(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def load_services_main(target: int) -> int:
    """Bring the number of services up to ``target`` with bulk inserts; prints JSON.

    Services are spread over the organisations of ``qc seed`` (80 % at one of their spaces,
    20 % without a space), the ten categories, the four price models (40 % free, 25 % fixed,
    15 % sliding, 20 % time bank) and languages (Italian almost always, then English, Arabic,
    Spanish, French, Chinese, Romanian); 5 % are paused. Weekly hours from seven patterns
    (office hours, mornings, afternoons, shop hours, evenings, Saturdays, every day), one
    row per interval in ``catalogue_service_hours`` as the app writes them. 15 % have
    closures: a past one, a future one, and for a third of them one that covers today.
    Deterministic: the same target gives the same rows. PostgreSQL: COPY; SQLite:
    executemany, in one transaction. Then ANALYZE on PostgreSQL (what autovacuum would do);
    SQLite gets none, as in production.
    """
    import random
    from datetime import timedelta

    from sqlalchemy import func, insert, select, text

    from qc_platform.catalogue.models import (
        CatalogueCategory,
        Service,
        ServiceClosure,
        ServiceHours,
    )
    from qc_platform.core.clock import ROME, utcnow
    from qc_platform.core.textsearch import fold
    from qc_platform.extensions import db
    from qc_platform.places.models import Organisation, Space

    started = time.perf_counter()
    app = _app()
    with app.app_context():
        session = db.session
        current = session.scalar(select(func.count()).select_from(Service))
        needed = target - current
        if needed <= 0:
            print(json.dumps({"added": 0, "total": current, "seconds": 0}))
            return 0
        conn = session.connection()
        postgres = conn.dialect.name == "postgresql"
        organisations = list(session.scalars(select(Organisation.id).order_by(Organisation.id)))
        spaces: dict[int, list[tuple[int, str]]] = {}
        for space_id, organisation_id, name in session.execute(
            select(Space.id, Space.organisation_id, Space.name).order_by(Space.id)
        ):
            spaces.setdefault(organisation_id, []).append((space_id, name))
        categories = dict(
            session.execute(select(CatalogueCategory.code, CatalogueCategory.id)).all()
        )
        rng = random.Random(target)
        now = utcnow()
        today = now.astimezone(ROME).date()
        ids = {
            model: (session.scalar(select(func.max(model.id))) or 0) + 1
            for model in (Service, ServiceHours, ServiceClosure)
        }
        services, hours, closures = [], [], []
        weights = [w for w, _ in WEEKS]
        for n in range(needed):
            service_id = ids[Service] + n
            organisation_id = organisations[n % len(organisations)]
            at_space = spaces.get(organisation_id) and rng.random() < 0.8
            space_id, place = rng.choice(spaces[organisation_id]) if at_space else (None, "")
            code = rng.choice(list(TEXTS))
            title, description = rng.choice(TEXTS[code])
            title = f"{title} {place or 'a domicilio'} {service_id}"
            description += " ".join(rng.sample(FILLER, 2))
            price_model = rng.choices(("free", "fixed", "sliding", "timebank"), (40, 25, 15, 20))[0]
            languages = ["it"] if rng.random() < 0.97 else []
            languages += [code_ for code_, p in LANGUAGES if rng.random() < p]
            languages = languages or ["en"]
            week = rng.choices([w for _, w in WEEKS], weights)[0]
            availability = {day: [list(i) for i in week.get(d, [])] for d, day in enumerate(DAYS)}
            services.append(
                {
                    "id": service_id,
                    "organisation_id": organisation_id,
                    "space_id": space_id,
                    "title": title,
                    "description": description,
                    "category_id": categories[code],
                    "price_model": price_model,
                    "price_cents": rng.randrange(500, 5000, 50)
                    if price_model in ("fixed", "sliding")
                    else None,
                    "minutes": rng.choice((30, 60, 90, 120)) if price_model == "timebank" else None,
                    "languages": languages,
                    "languages_key": "," + "".join(f"{c}," for c in languages),
                    "accessibility": rng.choice(("", "Ingresso senza gradini.")),
                    "availability": availability,
                    "closed_on_holidays": rng.random() < 0.85,
                    "status": "paused" if rng.random() < 0.05 else "active",
                    "search_text": fold(f"{title} {description}"),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for weekday, intervals in week.items():
                for opens, closes in intervals:
                    hours.append(
                        {
                            "id": ids[ServiceHours] + len(hours),
                            "service_id": service_id,
                            "weekday": weekday,
                            "opens_minute": _minute(opens),
                            "closes_minute": _minute(closes),
                        }
                    )
            if rng.random() < 0.15:
                spans = [(-40, -30, "Ferie"), (200, 220, "Chiusura estiva")]
                if rng.random() < 1 / 3:
                    spans.append((-1, 2, "Malattia"))
                for first, last, reason in spans:
                    closures.append(
                        {
                            "id": ids[ServiceClosure] + len(closures),
                            "service_id": service_id,
                            "starts_on": today + timedelta(days=first),
                            "ends_on": today + timedelta(days=last),
                            "reason": reason,
                        }
                    )
        built = time.perf_counter()
        tables = (
            (Service.__table__, services),
            (ServiceHours.__table__, hours),
            (ServiceClosure.__table__, closures),
        )
        if postgres:
            for table, rows in tables:
                _copy(conn, table, rows)
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
        total = session.scalar(select(func.count()).select_from(Service))
    print(
        json.dumps(
            {
                "added": needed,
                "total": total,
                "hours_rows": len(hours),
                "closure_rows": len(closures),
                "seconds": round(time.perf_counter() - started, 1),
                "insert_seconds": round(time.perf_counter() - built, 1),
                "method": "COPY" if postgres else "executemany",
            }
        )
    )
    return 0


def _copy(conn, table, rows: list[dict]) -> None:
    """PostgreSQL COPY … FROM STDIN through the session's own psycopg connection."""
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


def _search_url(name: str, limit: int | None, cursor: str | None) -> str:
    query = SEARCHES[name].format(cursor=cursor)
    if limit is not None:
        query = f"{query}&limit={limit}" if query else f"limit={limit}"
    return f"{PATH}?{query}" if query else PATH


def count_queries_main(explain: bool) -> int:
    """SQL statements per request of each search at each page size; prints JSON.

    Also the matches (items on a page of 100, and whether there is a next page) and, with
    ``explain``, the query plan of the search's main SELECT, with the very SQL and
    parameters the request sent.
    """
    from sqlalchemy import Engine, event

    from qc_platform.core.querycount import count_queries
    from qc_platform.extensions import db

    app = _app()
    client = app.test_client()
    client.get(f"{PATH}?limit=1")  # connection set-up is not the route's
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM catalogue_services" in statement and "LIMIT" in statement:
            captured.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", capture)
    result: dict[str, dict] = {}
    for name in SEARCHES:
        result[name] = {}
        for limit in LIMITS:
            cursor = None
            if name == "page2":
                cursor = client.get(_search_url("default", limit, None)).get_json()["next_cursor"]
            captured.clear()
            with app.app_context(), count_queries() as counter:
                response = client.get(_search_url(name, limit, cursor))
            if response.status_code != 200:
                print(
                    f"GET {_search_url(name, limit, cursor)}: {response.status_code}",
                    file=sys.stderr,
                )
                return 1
            body = response.get_json()
            result[name][str(limit)] = {
                "statements": counter.count,
                "items": len(body["items"]),
                "more": body["next_cursor"] is not None,
                "sql": [" ".join(s.split())[:200] for s in counter.statements],
            }
            if explain and limit == 20 and captured:
                result[name]["plan"] = _explain(app, db, *captured[-1])
    event.remove(Engine, "before_cursor_execute", capture)
    print(json.dumps(result))
    return 0


def _explain(app, db, statement: str, parameters) -> list[str]:
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


def get_page(port: int, url: str) -> dict:
    status, body = serverctl.http_get(port, url, timeout=30)
    if status != 200:
        raise BenchError(f"GET {url} answered {status}: {body[:300]!r}")
    return json.loads(body)


def page_limits(port: int) -> dict[str, int]:
    """Per search, the page size the smallest catalogue fills: its matches, at most 20.

    Both sizes are then asked for pages of that size, so that they return the same number
    of services and the ratio measures the size of the catalogue, not the size of the page
    (presenting a service costs about as much as finding it). 1 when nothing matches.
    """
    limits = {}
    for name in SEARCHES:
        if name == "page2":
            limits[name] = DEFAULT_PAGE
            continue
        matches = len(get_page(port, _search_url(name, DEFAULT_PAGE + 1, None))["items"])
        limits[name] = max(1, min(DEFAULT_PAGE, matches))
    return limits


def search_urls(port: int, limits: dict[str, int]) -> dict[str, str]:
    """The URL of each search on one server; page 2 follows its own first page's cursor."""
    cursor = get_page(port, _search_url("default", limits["page2"], None))["next_cursor"]
    if not cursor:
        raise BenchError(f"GET {PATH}: no next_cursor, so no second page to measure")
    return {name: _search_url(name, limit, cursor) for name, limit in limits.items()}


def percentile(values: list[float], fraction: float) -> float:
    return values[max(0, int(len(values) * fraction + 0.5) - 1)]


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
    connections = {
        (size, name): http.client.HTTPConnection(HOST, port, timeout=60)
        for size, port in ports.items()
        for name in SEARCHES
    }
    latencies: dict[tuple[int, str], list[float]] = {key: [] for key in connections}
    items: dict[tuple[int, str], int] = {}
    errors: dict[tuple[int, str], int] = dict.fromkeys(connections, 0)
    reconnects: dict[tuple[int, str], int] = dict.fromkeys(connections, 0)
    order = list(ports)
    try:
        for number in range(warmup + requests):
            for size in order if number % 2 == 0 else order[::-1]:
                for name in SEARCHES:
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
                path = tmp / f"catalogue-{size}.sqlite3"
                url = f"sqlite:///{path}"  # absolute: four slashes
            else:
                name = f"qc_bench_{run_id}_{size}"
                url = _postgres_url(pg_server, name)
            envs[size] = env = serverctl.server_env(
                unset=("QC_ENV", "QC_REDIS_URL", "QC_SMTP_URL"),
                QC_DATABASE_URL=url,
                QC_RATELIMIT_ENABLED="0",
                QC_SECRET_KEY=secret,
            )
            # The first database is prepared; each next one starts as a copy of the previous.
            if previous is None:
                if backend == "postgresql":
                    child(args, env, "--postgres-admin", "create", pg_server, name, timeout=60)
                    pg_databases.append(name)
                print(f"[{backend}] preparing the database (db upgrade, qc seed) ...")
                serverctl.prepare_database(bin_dir, env, demo=False, timeout=180)
            elif backend == "sqlite":
                clone_sqlite(tmp / f"catalogue-{previous}.sqlite3", path)
            else:
                template = f"qc_bench_{run_id}_{previous}"
                child(
                    args, env, "--postgres-admin", "create", pg_server, name, template, timeout=120
                )
                pg_databases.append(name)
            loaded = child(args, env, "--load-services", str(size), timeout=1800)
            print(
                f"[{backend}] {loaded['total']:>6} services (+{loaded['added']} by "
                f"{loaded.get('method', '-')} in {loaded['seconds']} s)"
            )
            flags = ["--count-queries", *(["--explain"] if args.explain else [])]
            sizes[str(size)] = {
                "services": loaded["total"],
                "load": loaded,
                "sql": child(args, env, *flags, timeout=300),
            }
            previous = size

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
        ports = {}
        for size, server in zip(args.sizes, servers, strict=True):
            serverctl.wait_until_healthy(server)
            ports[size] = server.port
        limits = page_limits(ports[args.sizes[0]])
        urls = {size: search_urls(port, limits) for size, port in ports.items()}
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
            child(
                args, envs[args.sizes[0]], "--postgres-admin", "drop", pg_server, name, timeout=120
            )
    return sizes


def _rome():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Rome")


def ratios(sizes: dict[str, dict], small: int, large: int) -> dict[str, float]:
    return {
        name: round(
            sizes[str(large)]["latency"][name]["p50_ms"]
            / sizes[str(small)]["latency"][name]["p50_ms"],
            3,
        )
        for name in SEARCHES
    }


def find_failures(backend: str, sizes: dict[str, dict], ratio: dict, max_ratio: float) -> list:
    failures = []
    for size, result in sizes.items():
        if not result["server_alive"]:
            failures.append(f"{backend} {size}: gunicorn exited during the run")
        for name, row in result["latency"].items():
            if row["errors"]:
                failures.append(f"{backend} {size} {name}: {row['errors']} non-200 responses")
    for name in SEARCHES:
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


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="measured GETs per search (200)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured GETs per search (20)")
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="service counts to measure, ascending; the ratio is last/first (200,20000)",
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
    parser.add_argument("--load-services", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--postgres-admin", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
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
    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-catalogue-"))
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
        f"{'backend':<11} {'search':<14} {'p50 @' + str(small):>10} {'p95 @' + str(small):>10} "
        f"{'p50 @' + str(large):>11} {'p95 @' + str(large):>11} {'ratio':>6} {'items':>6}  "
        f"SQL @{small} / @{large} (limit 1/20/100)"
    )
    for backend, result in results.items():
        for name in SEARCHES:
            lo = result["sizes"][str(small)]["latency"][name]
            hi = result["sizes"][str(large)]["latency"][name]
            counts = [
                "/".join(
                    str(result["sizes"][str(size)]["sql"][name][str(limit)]["statements"])
                    for limit in LIMITS
                )
                for size in (small, large)
            ]
            ratio = result["ratio_p50"][name]
            flag = "  <-- over" if ratio > args.max_ratio else ""
            items = f"{lo['items']}/{hi['items']}"
            print(
                f"{backend:<11} {name:<14} {lo['p50_ms']:>8.2f}ms {lo['p95_ms']:>8.2f}ms "
                f"{hi['p50_ms']:>9.2f}ms {hi['p95_ms']:>9.2f}ms {ratio:>6.2f} {items:>6}  "
                f"{counts[0]} / {counts[1]}{flag}"
            )
    print(
        f"goal: p50 ratio @{large}/@{small} <= {args.max_ratio}; the same statement count "
        "at both sizes and every limit"
    )
    print(
        f"items: services per page @{small}/@{large}; pages are as large as the {small} "
        "services fill (at most 20), so both sizes present the same number"
    )

    result = {
        "benchmark": "catalogue",
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": serverctl.machine(load_before),
        "settings": {
            "sizes": args.sizes,
            "searches": SEARCHES,
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
    return serverctl.save_results(args.results_dir, "catalogue", started_at, result)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.load_services is not None:
        return load_services_main(args.load_services)
    if args.count_queries:
        return count_queries_main(args.explain)
    if args.postgres_admin:
        return postgres_admin_main(*args.postgres_admin)
    return serverctl.run_cleanly(
        run, args, interrupted="interrupted; servers stopped, temp files removed"
    )


if __name__ == "__main__":
    sys.exit(main())
