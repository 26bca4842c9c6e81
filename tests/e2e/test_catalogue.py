"""The catalogue of micro-services in the web app: an operator publishes a time-bank service
in the console, a tenant finds it ("Aperto ora", a search without accents), asks for it; the
operator sees the request arrive, accepts it proposing a time and writes; the tenant sees
it accepted, with the time and the message, live, completes it, and pays 30 minutes of the
time bank. The organisation page; axe-core on every catalogue page, in Italian and English.

Two people, each in a browser context of their own, one real server with the demo data.
Waits are on page state (``main[data-state=ready]``, ``html[data-live]``, texts, accessible
names), never on the clock.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.helpers import (
    CSP_LISTENER,
    DEMO_PASSWORD,
    api,
    collect_errors,
    live,
    person,
    ready,
    serious_axe_violations,
)

pytestmark = pytest.mark.e2e

OPERATOR = "operatore@demo.quartiericonnessi.it"
TENANT = "inquilina@demo.quartiericonnessi.it"
ORGANISATION = "Ente gestore Boccioni (da designare)"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS_OPEN = {day: [["00:00", "24:00"]] for day in WEEKDAYS}


def balance(context: BrowserContext) -> int:
    response = context.request.get("/api/v1/timebank/accounts/me")
    assert response.ok, response.text()
    return response.json()["balance_minutes"]


def boccioni_organisation(context: BrowserContext) -> int:
    items = context.request.get("/api/v1/organisations?limit=100").json()["items"]
    return next(o["id"] for o in items if o["slug"] == "ente-boccioni")


def publish(context: BrowserContext, title: str) -> int:
    """A time-bank service of the operator's organisation (whose session `context` holds)."""
    body = {
        "organisation_id": boccioni_organisation(context),
        "title": title,
        "description": "Piccole riparazioni in casa.",
        "category": "repairs",
        "price_model": "timebank",
        "minutes": 30,
        "languages": ["it", "ar"],
        "availability": ALWAYS_OPEN,
        "closed_on_holidays": False,
        "closures": [{"starts_on": "2099-08-01", "ends_on": "2099-08-31", "reason": "Ferie"}],
        "accessibility": "Ingresso senza gradini.",
    }
    return api(context, "POST", "/api/v1/catalogue/services", body)["id"]


def rome_tomorrow_at(hhmm: str) -> str:
    """The value of a datetime-local field: tomorrow at `hhmm`, on Milan's clocks."""
    tomorrow = datetime.now(ZoneInfo("Europe/Rome")) + timedelta(days=1)
    return f"{tomorrow:%Y-%m-%d}T{hhmm}"


# The journey ------------------------------------------------------------------------------


def test_operator_publishes_tenant_finds_asks_and_pays_in_time(new_context) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"Aggiustatutto della città {tag}"
    note = "Porta la sedia in portineria, grazie."

    # the operator publishes a time-bank service in the console, open every day all day
    operator = person(new_context, OPERATOR, init_script=CSP_LISTENER)
    operator_errors = collect_errors(operator)
    operator.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="I miei servizi"
    ).click()
    expect(operator).to_have_url(re.compile(r"/gestione/servizi$"))
    ready(operator)
    operator.get_by_role("link", name="Pubblica un nuovo servizio").click()
    expect(operator).to_have_url(re.compile(r"/gestione/servizi\?nuovo$"))
    ready(operator)
    expect(operator.get_by_role("heading", level=1)).to_have_text("Nuovo servizio")
    form = operator.locator("form#service")
    form.get_by_label("Titolo", exact=True).fill(title)
    form.get_by_label("Descrizione", exact=True).fill(
        "Piccole riparazioni in casa: sedie, prese, rubinetti. Poi un caffè insieme."
    )
    form.get_by_label("Categoria").select_option(label="Piccole riparazioni")
    # the price fields follow the price model
    minutes = form.get_by_label("Minuti della banca del tempo")
    expect(minutes).to_be_hidden()
    form.get_by_role("radio", name="Prezzo agevolato").check()
    expect(form.get_by_label("Prezzo pieno in euro")).to_be_visible()
    form.get_by_role("radio", name="Ore della banca del tempo").check()
    expect(form.get_by_label("Prezzo pieno in euro")).to_be_hidden()
    minutes.fill("30")
    expect(form.get_by_role("checkbox", name="italiano")).to_be_checked()
    form.get_by_role("checkbox", name=re.compile(r"^arabo")).check()
    # every day, from 00:00 to midnight (a closing time of 00:00)
    day_names = ["Lunedì", "Martedì", "Mercoledì", "Giovedì", "Venerdì", "Sabato", "Domenica"]
    for day, name in zip(WEEKDAYS, day_names, strict=True):
        form.get_by_role("button", name=f"Aggiungi un orario: {name}").click()
        form.get_by_label(f"Dalle, Orario 1 di {name}", exact=True).fill("00:00")
        form.get_by_label(f"Alle, Orario 1 di {name}", exact=True).fill("00:00")
        expect(form.locator(f"input[name='h-{day}-0-from']")).to_have_value("00:00")
    # a second interval on Monday, then taken away again
    form.get_by_role("button", name="Aggiungi un orario: Lunedì").click()
    expect(form.locator(".qc-day[data-day='mon'] .qc-interval")).to_have_count(2)
    form.get_by_role("button", name="Togli l’orario 2 di Lunedì").click()
    expect(form.locator(".qc-day[data-day='mon'] .qc-interval")).to_have_count(1)
    expect(form.get_by_label("Dalle, Orario 1 di Lunedì", exact=True)).to_have_value("00:00")
    form.get_by_role("checkbox", name="Chiuso nei giorni festivi").uncheck()
    form.get_by_role("button", name="Pubblica il servizio").click()

    expect(operator).to_have_url(re.compile(r"/gestione/servizi$"))
    ready(operator)
    expect(operator.locator("#console-status")).to_have_text("Servizio pubblicato.")
    row = operator.locator("li.qc-console-service", has_text=title)
    expect(row).to_contain_text("30 minuti della banca del tempo")
    expect(row).to_contain_text("Aperto ora")
    service_id = int(row.get_attribute("data-id") or 0)
    live(operator)

    # the tenant finds it: open now, words without accents
    tenant = person(new_context, TENANT, init_script=CSP_LISTENER)
    tenant_errors = collect_errors(tenant)
    before = balance(tenant.context)
    tenant.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Servizi", exact=True
    ).click()
    expect(tenant).to_have_url(re.compile(r"/servizi$"))
    ready(tenant)
    expect(tenant.get_by_role("heading", level=1)).to_have_text("Servizi del quartiere")
    tenant.get_by_role("switch", name="Aperto ora").check()
    expect(tenant).to_have_url(re.compile(r"open_now=true"))
    tenant.get_by_label("Cerca un servizio").fill(f"citta caffe {tag}")
    tenant.get_by_role("button", name="Cerca", exact=True).click()
    results = tenant.locator("ul.qc-services > li")
    expect(results).to_have_count(1)
    expect(tenant.locator("#services-count")).to_have_text("1 servizio trovato.")
    card = results.first
    expect(card).to_contain_text("Aperto ora")
    expect(card).to_contain_text("30 minuti della banca del tempo")
    expect(card).to_contain_text("Si parla italiano e arabo")
    expect(card).to_contain_text(ORGANISATION)
    # … and by language: "Si parla arabo" keeps it, "Si parla cinese" does not
    tenant.get_by_label("Lingua parlata").select_option(value="zh")
    expect(tenant.locator("#services-count")).to_have_text(re.compile("Nessun servizio trovato"))
    tenant.get_by_label("Lingua parlata").select_option(value="ar")
    expect(results).to_have_count(1)

    card.get_by_role("link", name=title).click()
    expect(tenant).to_have_url(re.compile(rf"/servizi/{service_id}$"))
    ready(tenant)
    expect(tenant.get_by_role("heading", level=1)).to_have_text(title)
    expect(tenant.locator(".qc-fact-price")).to_have_text("30 minuti della banca del tempo")
    expect(tenant.locator(".qc-fact-org")).to_have_text(ORGANISATION)
    expect(tenant.locator(".qc-badge-open")).to_have_text("Aperto ora")
    hours = tenant.get_by_role("table", name="Orari della settimana")
    expect(hours.locator("tr[data-day='mon']")).to_contain_text("Lunedì")
    expect(hours.locator("tr[data-day='mon']")).to_contain_text("00:00–24:00")
    expect(tenant.locator(".qc-ask-timebank")).to_contain_text(
        f"30 minuti passeranno dal tuo conto della banca del tempo a quello di {ORGANISATION}"
    )
    tenant.get_by_label("Di cosa hai bisogno?").fill("Ho una sedia con una gamba rotta.")
    tenant.get_by_label("Quando ti va bene? (facoltativo)").fill("Martedì mattina")
    # a double tap sends one request
    tenant.get_by_role("button", name="Invia la richiesta").dblclick()

    expect(tenant).to_have_url(re.compile(r"/servizi/richieste/\d+$"))
    ready(tenant)
    request_id = int(urlsplit(tenant.url).path.rsplit("/", 1)[1])
    expect(tenant.locator("#request-status")).to_contain_text("Richiesta inviata")
    expect(tenant.locator(".qc-request-status")).to_have_text("In attesa di risposta")
    mine = tenant.context.request.get("/api/v1/catalogue/requests?limit=100").json()["items"]
    assert [r["id"] for r in mine if r["service"]["id"] == service_id] == [request_id]
    live(tenant)

    # the operator sees it among the requests received, without a reload
    incoming = operator.locator(f".qc-incoming li.qc-request[data-id='{request_id}']")
    expect(incoming).to_contain_text("Teresa")
    expect(incoming).to_contain_text("In attesa di risposta")
    incoming.get_by_role("link", name=title).click()
    expect(operator).to_have_url(re.compile(rf"/servizi/richieste/{request_id}$"))
    ready(operator)
    expect(operator.locator(".qc-fact-preferred")).to_have_text("Martedì mattina")
    operator.get_by_role("button", name="Accetta").click()
    accept = operator.locator("form#accept")
    accept.get_by_label("Orario proposto (facoltativo)").fill(rome_tomorrow_at("10:30"))
    accept.get_by_label("Nota per chi ha chiesto (facoltativa)").fill(note)
    accept.get_by_role("button", name="Conferma: accetta").click()
    expect(operator.locator("#request-status")).to_have_text("Richiesta accettata.")
    expect(operator.locator(".qc-request-status")).to_have_text("Accettata")
    operator.get_by_label("Scrivi un messaggio").fill("Ti aspettiamo domani alle 10:30.")
    operator.locator("form#send").get_by_role("button", name="Invia").click()
    expect(operator.locator(".qc-messages .qc-message.is-mine")).to_have_count(1)

    # the tenant, still on her request, sees it accepted with the time, and the message
    expect(tenant.locator(".qc-request-status")).to_have_text("Accettata")
    expect(tenant.locator(".qc-status-explained")).to_contain_text(
        f"{ORGANISATION} ha accettato la tua richiesta"
    )
    expect(tenant.locator(".qc-fact-proposed")).to_contain_text("10:30")
    expect(tenant.locator(".qc-fact-note")).to_have_text(note)
    expect(tenant.locator(".qc-messages .qc-message.is-theirs")).to_contain_text(
        "Ti aspettiamo domani alle 10:30."
    )
    # … and completes it, being told what moves where first
    tenant.get_by_role("button", name="Ho ricevuto il servizio").click()
    expect(tenant.locator(".qc-confirm-question")).to_have_text(
        f"30 minuti passeranno dal tuo conto a quello di {ORGANISATION}. "
        "Confermi di aver ricevuto il servizio?"
    )
    tenant.get_by_role("button", name="Sì, l’ho ricevuto").click()
    expect(tenant.locator("#request-status")).to_have_text("Grazie! Il servizio è confermato.")
    expect(tenant.locator(".qc-request-status")).to_have_text("Completata")
    expect(tenant.locator(".qc-paid")).to_contain_text("30 minuti sono passati dal tuo conto")
    expect(tenant.get_by_role("button", name="Ho ricevuto il servizio")).to_have_count(0)
    assert balance(tenant.context) == before - 30

    # her list of requests says so too
    tenant.get_by_role("link", name="Le mie richieste di servizi").click()
    expect(tenant).to_have_url(re.compile(r"/servizi/richieste$"))
    ready(tenant)
    expect(tenant.locator(f"li.qc-request[data-id='{request_id}']")).to_contain_text("Completata")

    # the organisation's page lists the service, with its space and hours
    tenant.goto("/organizzazioni/ente-boccioni")
    ready(tenant)
    expect(tenant.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect(tenant.locator(".qc-org-spaces")).to_contain_text("Boccioni")
    service_card = tenant.locator(f"li.qc-service[data-id='{service_id}']")
    expect(service_card).to_contain_text("Aperto ora")
    expect(service_card).to_contain_text("Lunedì 00:00–24:00")

    for page in (tenant, operator):
        assert page.evaluate("() => window.__cspViolations") == []
    assert tenant_errors == []
    assert operator_errors == []


def test_operator_pauses_and_edits_a_service(new_context) -> None:
    operator = person(new_context, OPERATOR)
    title = f"Stireria {uuid.uuid4().hex[:6]}"
    service_id = publish(operator.context, title)
    operator.goto("/gestione/servizi")
    ready(operator)
    operator.get_by_role("button", name=f"Sospendi: {title}").click()
    expect(operator.locator("#console-status")).to_have_text(
        "Servizio sospeso: non riceve richieste."
    )
    row = operator.locator(f"li.qc-console-service[data-id='{service_id}']")
    expect(row).to_contain_text("Sospeso")
    # its page takes no requests now
    visitor = new_context().new_page()
    visitor.goto(f"/servizi/{service_id}")
    ready(visitor)
    expect(visitor.locator(".qc-ask")).to_contain_text("sospeso")

    operator.get_by_role("button", name=f"Riattiva: {title}").click()
    expect(operator.locator("#console-status")).to_have_text("Servizio riattivato.")
    operator.get_by_role("link", name=f"Modifica: {title}").click()
    expect(operator).to_have_url(re.compile(rf"\?modifica={service_id}$"))
    ready(operator)
    form = operator.locator("form#service")
    expect(form.get_by_label("Minuti della banca del tempo")).to_have_value("30")
    expect(form.get_by_label("Alle, Orario 1 di Domenica", exact=True)).to_have_value("00:00")
    expect(form.get_by_label("Dal giorno, Chiusura 1")).to_have_value("2099-08-01")
    # wrong input is explained next to its field, and nothing typed is lost
    form.get_by_role("radio", name="Prezzo fisso").check()
    form.get_by_label("Prezzo in euro").fill("cinque")
    form.get_by_label("Alle, Orario 1 di Lunedì", exact=True).fill("")
    form.get_by_role("button", name="Salva le modifiche").click()
    expect(form.locator(".qc-form-status")).to_contain_text("Controlla i campi evidenziati.")
    expect(form.get_by_label("Prezzo in euro")).to_have_attribute("aria-invalid", "true")
    expect(
        form.get_by_label("Alle, Orario 1 di Lunedì", exact=True)
    ).to_have_accessible_description(re.compile("Indica l’ora di apertura e di chiusura"))
    form.get_by_label("Prezzo in euro").fill("5")
    form.get_by_label("Alle, Orario 1 di Lunedì", exact=True).fill("12:30")
    form.get_by_role("button", name="Salva le modifiche").click()
    expect(operator).to_have_url(re.compile(r"/gestione/servizi$"))
    ready(operator)
    expect(operator.locator("#console-status")).to_have_text("Modifiche salvate.")
    updated = operator.context.request.get(f"/api/v1/catalogue/services/{service_id}").json()
    assert updated["price_model"] == "fixed"
    assert updated["price_cents"] == 500
    assert updated["minutes"] is None
    assert updated["availability"]["mon"] == [["00:00", "12:30"]]
    assert updated["availability"]["sun"] == [["00:00", "24:00"]]
    expect(
        operator.locator(f"li.qc-console-service[data-id='{service_id}'] .qc-service-price")
    ).to_have_text("€ 5,00")


def test_console_is_for_operators_and_asking_needs_signing_in(new_context) -> None:
    tenant = person(new_context, TENANT)
    tenant.goto("/gestione/servizi")
    ready(tenant)
    expect(tenant.locator("main")).to_contain_text("è per gli operatori delle organizzazioni")
    nav = tenant.get_by_role("navigation", name="Navigazione principale")
    expect(nav.get_by_role("link", name="Servizi", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="I miei servizi")).to_have_count(0)

    operator = new_context()
    operator.request.post("/api/v1/auth/login", data={"email": OPERATOR, "password": DEMO_PASSWORD})
    service_id = publish(operator, f"Ciclofficina {uuid.uuid4().hex[:6]}")
    visitor = new_context().new_page()
    visitor.goto(f"/servizi/{service_id}")
    ready(visitor)
    visitor.get_by_role("link", name="Accedi per chiedere questo servizio").click()
    expect(visitor).to_have_url(re.compile(r"/accedi\?next="))
    ready(visitor)
    visitor.goto("/servizi/999999")
    ready(visitor)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Servizio non trovato")
    visitor.goto("/organizzazioni/non-esiste")
    ready(visitor)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Organizzazione non trovata")


# Accessibility ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["it", "en"])
def test_axe_finds_no_serious_violation_on_the_catalogue_pages(
    new_context, axe_source, language: str
) -> None:
    # add_script_tag injects inline code, which the CSP forbids: bypass it for axe only
    tenant = person(new_context, TENANT, bypass_csp=True)
    operator = person(new_context, OPERATOR, bypass_csp=True)
    visitor = new_context(bypass_csp=True).new_page()
    visitor.goto("/")
    ready(visitor)
    for page in (tenant, operator, visitor):
        page.evaluate("lang => localStorage.setItem('qc.lang', lang)", language)

    service_id = publish(operator.context, f"Axe {uuid.uuid4().hex[:6]}")
    request_id = api(
        tenant.context,
        "POST",
        f"/api/v1/catalogue/services/{service_id}/requests",
        {"message": "Mi serve aiuto.", "preferred_times": "Lunedì"},
    )["id"]
    api(
        tenant.context,
        "POST",
        f"/api/v1/catalogue/requests/{request_id}/messages",
        {"body": "Grazie!"},
    )

    found = {}

    def check(page: Page, path: str, label: str, before=None) -> None:
        page.goto(path)
        ready(page)
        expect(page.locator("html")).to_have_attribute("lang", language)
        if before:
            before(page)
        bad = serious_axe_violations(page, axe_source)
        if bad:
            found[label] = bad

    def filtered(page: Page) -> None:
        page.locator("form#filters input[role='switch']").check()
        page.locator("form#filters select[name='language']").select_option("ar")
        expect(page.locator("ul.qc-services")).not_to_have_attribute("aria-busy", "true")

    def accept_form(page: Page) -> None:
        page.locator("button[data-step='accept']").click()
        expect(page.locator("form#accept")).to_be_visible()

    def with_errors(page: Page) -> None:
        page.locator("button[data-add-interval='mon']").click()
        page.locator("button[data-add-closure]").click()
        page.locator("form#service button[type='submit']").click()
        expect(page.locator("form#service .qc-form-status")).not_to_be_empty()

    def timebank_confirm(page: Page) -> None:
        page.locator("button[data-step='cancel']").click()
        expect(page.locator(".qc-confirm")).to_be_visible()

    check(visitor, "/servizi", "visitor /servizi", filtered)
    check(visitor, f"/servizi/{service_id}", "visitor /servizi/<id>")
    check(visitor, "/organizzazioni/ente-boccioni", "/organizzazioni/<slug>")
    check(tenant, "/servizi", "tenant /servizi")
    check(tenant, f"/servizi/{service_id}", "tenant /servizi/<id>")
    check(tenant, "/servizi/richieste", "/servizi/richieste")
    check(tenant, f"/servizi/richieste/{request_id}", "tenant request", timebank_confirm)
    check(operator, f"/servizi/richieste/{request_id}", "operator request", accept_form)
    check(operator, "/gestione/servizi", "/gestione/servizi")
    check(operator, "/gestione/servizi?nuovo", "/gestione/servizi?nuovo", with_errors)
    check(operator, f"/gestione/servizi?modifica={service_id}", "/gestione/servizi?modifica")
    assert found == {}


def test_visitors_home_page_loads_none_of_the_catalogue_code(new_context) -> None:
    context = new_context()
    paths: list[str] = []
    context.on("request", lambda request: paths.append(urlsplit(request.url).path))
    page = context.new_page()
    page.goto("/")
    ready(page)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => undefined)")
    scripts = sorted({p for p in paths if p.endswith(".js") and p.startswith("/assets/")})
    assert scripts and all(re.match(r"^/assets/index-[\w-]+\.js$", p) for p in scripts), scripts
