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
import json
import os
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import scaling  # bench/scaling.py: this script's directory comes first on sys.path
import serverctl
from bench_feedback import postgres_admin_main
from scaling import BenchError, get_page
from serverctl import REPO_ROOT

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
LIMITS = scaling.LIMITS
DEFAULT_PAGE = 20
DEFAULT_SIZES = (200, 20_000)
LOG_PROBLEM = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Exception")


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
                scaling.copy_rows(conn, table, rows)
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
                result[name]["plan"] = scaling.explain(app, db, *captured[-1])
    event.remove(Engine, "before_cursor_execute", capture)
    print(json.dumps(result))
    return 0


# ===== orchestration (standard library) ========================================================


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


def scenario() -> scaling.Scenario:
    def urls(ports: dict[int, int]) -> dict[int, dict[str, str]]:
        limits = page_limits(next(iter(ports.values())))
        return {size: search_urls(port, limits) for size, port in ports.items()}

    return scaling.Scenario(
        name="catalogue",
        script=Path(__file__).resolve(),
        noun="services",
        searches=tuple(SEARCHES),
        urls=urls,
        log_problem=LOG_PROBLEM,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scaling.add_arguments(
        parser, default_sizes=",".join(str(s) for s in DEFAULT_SIZES), unit="service"
    )
    args = parser.parse_args(argv)
    scaling.check_arguments(parser, args)
    return args


def run(args: argparse.Namespace) -> int:
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    backends = scaling.backends_of(args)
    small, large = args.sizes[0], args.sizes[-1]
    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-catalogue-"))
    results: dict[str, dict] = {}
    failures: list[str] = []
    try:
        for backend in backends:
            sizes = scaling.run_backend(scenario(), args, backend, tmp)
            ratio = scaling.ratios(sizes, small, large)
            results[backend] = {"sizes": sizes, "ratio_p50": ratio}
            failures += scaling.find_failures(backend, sizes, ratio, args.max_ratio)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    scaling.print_table(results, small, large, args.max_ratio)
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
    if args.load is not None:
        return load_services_main(args.load)
    if args.count_queries:
        return count_queries_main(args.explain)
    if args.postgres_admin:
        return postgres_admin_main(*args.postgres_admin)
    return serverctl.run_cleanly(
        run, args, interrupted="interrupted; servers stopped, temp files removed"
    )


if __name__ == "__main__":
    sys.exit(main())
