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

import sys
import time
from pathlib import Path
from urllib.parse import quote

import scaling  # bench/scaling.py: this script's directory comes first on sys.path

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


# ===== children: run by the venv's Python, with the run's environment ==========================


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


def load_services(target: int) -> dict:
    """Bring the number of services up to ``target`` with bulk inserts (child).

    Services are spread over the organisations of ``qc seed`` (80 % at one of their spaces,
    20 % without a space), the ten categories, the four price models (40 % free, 25 % fixed,
    15 % sliding, 20 % time bank) and languages (Italian almost always, then English, Arabic,
    Spanish, French, Chinese, Romanian); 5 % are paused. Weekly hours from seven patterns
    (office hours, mornings, afternoons, shop hours, evenings, Saturdays, every day), one
    row per interval in ``catalogue_service_hours`` as the app writes them. 15 % have
    closures: a past one, a future one, and for a third of them one that covers today.
    Deterministic: the same target gives the same rows. Stored by ``scaling.store``.
    """
    import random
    from datetime import timedelta

    from sqlalchemy import func, select

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

    with scaling.app().app_context():
        session = db.session
        current = session.scalar(select(func.count()).select_from(Service))
        needed = target - current
        if needed <= 0:
            return {"added": 0, "total": current}
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
        tables = [
            (Service.__table__, services),
            (ServiceHours.__table__, hours),
            (ServiceClosure.__table__, closures),
        ]
        method = scaling.store(db, tables)
        total = session.scalar(select(func.count()).select_from(Service))
    return {
        "added": needed,
        "total": total,
        "hours_rows": len(hours),
        "closure_rows": len(closures),
        "insert_seconds": round(time.perf_counter() - built, 1),
        "method": method,
    }


SCENARIO = scaling.Scenario(
    name="catalogue",
    script=Path(__file__).resolve(),
    noun="services",
    path="/api/v1/catalogue/services",
    searches=SEARCHES,
    first="default",
    table="catalogue_services",
    load=load_services,
    default_sizes=(200, 20_000),
)


if __name__ == "__main__":
    sys.exit(scaling.main(SCENARIO, None, __doc__.split("\n\n")[0]))
