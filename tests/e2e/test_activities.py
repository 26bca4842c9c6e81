"""The activities of the spaces in the web app: an operator publishes a weekly course in the
console; the lodge's kiosk screen shows it; a tenant finds it in the week's agenda (words
without accents), books a seat and the kiosk's seat count drops live; the last seat goes,
a third person waits, the tenant cancels and the waiting person gets the seat; the tenant
adds her bookings to her phone's calendar; the operator sees the registrants and cancels
a meeting. The console refused to tenants; the public page's JSON-LD; axe-core on every
activities page, in Italian and English.

One real server with the demo data; each person in a browser context of their own. Waits
are on page state (``main[data-state=ready]``, ``data-live``, texts), never on the clock.
"""

from __future__ import annotations

import json
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
    PASSWORD,
    api,
    collect_errors,
    person,
    ready,
    register,
    serious_axe_violations,
)

pytestmark = pytest.mark.e2e

OPERATOR = "operatore@demo.quartiericonnessi.it"
TENANT = "inquilina@demo.quartiericonnessi.it"
RESIDENT = "residente@demo.quartiericonnessi.it"
ROME = ZoneInfo("Europe/Rome")


def tomorrow_in_milan() -> datetime:
    return datetime.now(ROME) + timedelta(days=1)


def boccioni_space(context: BrowserContext) -> dict:
    return context.request.get("/api/v1/spaces/boccioni").json()


def publish(context: BrowserContext, title: str, *, capacity: int = 2) -> tuple[int, list[int]]:
    """A weekly course at Boccioni, four meetings from tomorrow at 06:00 (through the API):
    its id and its sessions' ids."""
    day = tomorrow_in_milan().strftime("%Y-%m-%d")
    body = {
        "space_id": boccioni_space(context)["id"],
        "title": title,
        "description": "Ginnastica dolce all'alba.",
        "category": "sport",
        "audience": "elderly",
        "languages": ["it"],
        "starts_at": f"{day}T06:00:00",
        "ends_at": f"{day}T07:00:00",
        "rrule": "FREQ=WEEKLY;COUNT=4",
        "capacity": capacity,
        "registration_required": True,
    }
    activity = api(context, "POST", "/api/v1/activities", body)
    sessions = context.request.get(f"/api/v1/activities/{activity['id']}/sessions").json()
    return activity["id"], [s["id"] for s in sessions["items"]]


def seats(kiosk: Page, session_id: int):
    return kiosk.locator(f"li[data-session-id='{session_id}'] .qc-kiosk-seats")


# The journey ------------------------------------------------------------------------------


def test_operator_publishes_tenant_books_and_the_kiosk_follows_live(new_context) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"Ginnastica dolce della città {tag}"
    start = tomorrow_in_milan()
    weekday_it = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]

    # the operator publishes a weekly course in the console: 4 meetings, 2 seats each
    operator = person(new_context, OPERATOR, init_script=CSP_LISTENER)
    operator_errors = collect_errors(operator)
    operator.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Gestione attività"
    ).click()
    expect(operator).to_have_url(re.compile(r"/gestione/attivita$"))
    ready(operator)
    expect(operator.get_by_role("heading", level=1)).to_have_text("Gestione delle attività")
    operator.get_by_role("link", name="Pubblica una nuova attività").click()
    expect(operator).to_have_url(re.compile(r"/gestione/attivita\?nuovo$"))
    ready(operator)
    form = operator.locator("form#activity")
    form.get_by_label("Spazio", exact=True).select_option(
        value=str(boccioni_space(operator.context)["id"])
    )
    form.get_by_label("Titolo", exact=True).fill(title)
    form.get_by_label("Descrizione", exact=True).fill("Ginnastica dolce all'alba, con un caffè.")
    form.get_by_label("Tipo di attività").select_option(label="Sport e benessere")
    form.get_by_label("Per chi è").select_option(label="Persone anziane")
    expect(form.get_by_role("checkbox", name="italiano")).to_be_checked()
    form.get_by_label("Giorno", exact=True).fill(start.strftime("%Y-%m-%d"))
    form.get_by_label("Dalle", exact=True).fill("06:00")
    form.get_by_label("Alle", exact=True).fill("07:00")
    # the weekly controls appear only for a weekly course; the first day's weekday is ticked
    days = form.locator(".qc-weekly")
    expect(days).to_be_hidden()
    form.get_by_role("radio", name="Sì, ogni settimana").check()
    expect(days).to_be_visible()
    expect(
        form.get_by_role("checkbox", name=weekday_it[start.weekday()], exact=False)
    ).to_be_checked()
    form.get_by_role("radio", name="Per un numero di incontri").check()
    form.get_by_label("Numero di incontri", exact=True).fill("4")
    expect(form.get_by_role("checkbox", name="Serve prenotare")).to_be_checked()
    # a wrong capacity is explained next to its field, and nothing typed is lost
    form.get_by_label("Posti per incontro").fill("zero")
    form.get_by_role("button", name="Pubblica l’attività").click()
    expect(form.locator(".qc-form-status")).to_contain_text("Controlla i campi evidenziati.")
    expect(form.get_by_label("Posti per incontro")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Titolo", exact=True)).to_have_value(title)
    form.get_by_label("Posti per incontro").fill("2")
    form.get_by_role("button", name="Pubblica l’attività").click()

    expect(operator).to_have_url(re.compile(r"/gestione/attivita$"))
    ready(operator)
    expect(operator.locator("#console-status")).to_have_text("Attività pubblicata.")
    block = operator.locator("li.qc-console-activity", has_text=title)
    activity_id = int(block.get_attribute("data-id") or 0)
    created = operator.context.request.get(f"/api/v1/activities/{activity_id}").json()
    byday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.weekday()]
    assert sorted(created["rrule"].split(";")) == ["BYDAY=" + byday, "COUNT=4", "FREQ=WEEKLY"]
    assert created["capacity"] == 2
    assert created["audience"] == "elderly"
    sessions = block.locator("li.qc-console-session")
    expect(sessions).to_have_count(4)
    first_id = int(sessions.first.get_attribute("data-id") or 0)
    second_id = int(sessions.nth(1).get_attribute("data-id") or 0)
    expect(sessions.first).to_contain_text("2 posti liberi")

    # the lodge's screen, opened from the console, shows the first meeting with its seats
    kiosk_href = operator.get_by_role("link", name="Apri lo schermo della portineria").first
    kiosk_path = kiosk_href.get_attribute("href") or ""
    assert kiosk_path == "/kiosk/boccioni"
    kiosk = new_context(viewport={"width": 1280, "height": 900}).new_page()
    kiosk_errors = collect_errors(kiosk)
    kiosk.goto(kiosk_path)
    ready(kiosk)
    expect(kiosk.get_by_role("heading", level=1)).to_contain_text("Boccioni")
    expect(kiosk.locator(".qc-kiosk")).to_have_attribute("data-live", "connected")
    expect(seats(kiosk, first_id)).to_have_text("2 posti liberi")
    expect(kiosk.locator(f"li[data-session-id='{first_id}']")).to_contain_text(title)
    expect(kiosk.locator(f"li[data-session-id='{first_id}']")).to_contain_text("06:00–07:00")

    # the tenant finds it in the week's agenda, words without accents, elderly only
    tenant = person(new_context, TENANT, init_script=CSP_LISTENER)
    tenant_errors = collect_errors(tenant)
    tenant.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Attività", exact=True
    ).click()
    expect(tenant).to_have_url(re.compile(r"/attivita$"))
    ready(tenant)
    expect(tenant.get_by_role("heading", level=1)).to_have_text("Attività della settimana")
    tenant.get_by_label("Per chi").select_option(label="Persone anziane")
    tenant.get_by_label("Cerca un’attività").fill(f"citta {tag}")
    tenant.get_by_role("button", name="Cerca", exact=True).click()
    expect(tenant).to_have_url(re.compile(r"audience=elderly"))
    cards = tenant.locator(".qc-agenda-days li.qc-session")
    if start.weekday() == 0:  # tomorrow is a Monday: the meeting is in next week's agenda
        tenant.get_by_role("link", name="Settimana dopo").click()
        expect(tenant).to_have_url(re.compile(r"week="))
    expect(cards).to_have_count(1)
    expect(tenant.locator("#agenda-count")).to_have_text("1 appuntamento in questa settimana.")
    expect(cards.first).to_contain_text("06:00–07:00")
    expect(cards.first).to_contain_text("Persone anziane")
    expect(cards.first).to_contain_text("Gratuito")
    cards.first.get_by_role("link", name=title).click()
    expect(tenant).to_have_url(re.compile(rf"/attivita/{activity_id}$"))
    ready(tenant)
    expect(tenant.get_by_role("heading", level=1)).to_have_text(title)
    expect(tenant.locator(".qc-fact-where")).to_contain_text("Boccioni")
    expect(tenant.locator(".qc-fact-schedule")).to_have_text("Ogni settimana")
    expect(tenant.locator(".qc-fact-price")).to_have_text("Gratuito")
    expect(tenant.locator("li.qc-session")).to_have_count(4)

    # she books the first meeting (a double tap books once); the kiosk drops to 1, live
    first = tenant.locator(f"li.qc-session[data-id='{first_id}']")
    first.get_by_role("button", name=re.compile(r"^Prenota: ")).dblclick()
    expect(tenant.locator("#activity-status")).to_have_text(
        "Prenotazione confermata: ti aspettiamo!"
    )
    expect(first).to_contain_text("Prenotazione confermata")
    expect(first).to_contain_text("1 posto libero")
    expect(seats(kiosk, first_id)).to_have_text("1 posto libero")
    registrants = operator.context.request.get(f"/api/v1/sessions/{first_id}/registrations")
    assert [r["status"] for r in registrants.json()["items"]] == ["confirmed"]

    # a neighbour takes the last seat: the kiosk says it is full
    neighbour = person(new_context, RESIDENT, init_script=CSP_LISTENER)
    neighbour.goto(f"/attivita/{activity_id}")
    ready(neighbour)
    neighbour.locator(f"li.qc-session[data-id='{first_id}']").get_by_role(
        "button", name=re.compile(r"^Prenota: ")
    ).click()
    expect(neighbour.locator("#activity-status")).to_have_text(
        "Prenotazione confermata: ti aspettiamo!"
    )
    expect(seats(kiosk, first_id)).to_have_text("Completo: lista d’attesa")

    # a third person can only wait: first on the list
    waiting_context = new_context()
    waiting_email = register(waiting_context, "Nadia Ferri")
    waiting = person(new_context, waiting_email, PASSWORD, init_script=CSP_LISTENER)
    waiting.goto(f"/attivita/{activity_id}")
    ready(waiting)
    waiting_row = waiting.locator(f"li.qc-session[data-id='{first_id}']")
    expect(waiting_row).to_contain_text("Completo: lista d’attesa")
    waiting_row.get_by_role("button", name=re.compile(r"^Mettiti in lista d’attesa: ")).click()
    expect(waiting.locator("#activity-status")).to_contain_text("In lista d’attesa (posizione 1)")
    expect(waiting_row).to_have_attribute("data-registration", "waitlisted")

    # the tenant cancels (after a question): her seat goes to the person waiting, at once
    first.get_by_role("button", name=re.compile(r"^Annulla la prenotazione: ")).click()
    expect(first.locator(".qc-confirm-slot")).to_contain_text(
        "Vuoi davvero annullare la prenotazione?"
    )
    first.get_by_role("button", name="Sì, annulla").click()
    expect(tenant.locator("#activity-status")).to_have_text("Prenotazione annullata.")
    expect(first).to_have_attribute("data-registration", "")
    mine = waiting.context.request.get("/api/v1/users/me/registrations").json()["items"]
    assert [(r["session_id"], r["status"]) for r in mine] == [(first_id, "confirmed")]
    expect(seats(kiosk, first_id)).to_have_text("Completo: lista d’attesa")
    waiting.goto("/notifiche")
    ready(waiting)
    expect(waiting.locator("main")).to_contain_text(title)

    # the tenant books the second meeting and puts her bookings in her phone's calendar
    tenant.locator(f"li.qc-session[data-id='{second_id}']").get_by_role(
        "button", name=re.compile(r"^Prenota: ")
    ).click()
    expect(seats(kiosk, second_id)).to_have_text("1 posto libero")
    tenant.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Attività", exact=True
    ).click()
    ready(tenant)
    tenant.get_by_role("link", name="Le mie prenotazioni").click()
    expect(tenant).to_have_url(re.compile(r"/attivita/mie$"))
    ready(tenant)
    booking = tenant.locator(f"li.qc-booking[data-session='{second_id}']")
    expect(booking).to_contain_text(title)
    expect(booking).to_contain_text("Prenotazione confermata")
    expect(tenant.locator(f"li.qc-booking[data-session='{first_id}']")).to_have_count(0)
    tenant.get_by_role("button", name="Crea l’indirizzo del mio calendario").click()
    feed = tenant.get_by_label("Indirizzo del tuo calendario")
    expect(feed).to_have_value(re.compile(r"^https?://.+/calendar\.ics\?token="))
    url = feed.input_value()
    visitor = new_context()
    ics = visitor.request.get(url)
    assert ics.ok and ics.headers["content-type"].startswith("text/calendar")
    assert title in ics.text().replace("\r\n ", "")
    assert ics.text().count("BEGIN:VEVENT") == 1
    # a new address and the old one stops working
    tenant.get_by_role("button", name="Crea un nuovo indirizzo").click()
    tenant.get_by_role("button", name="Sì, crea un nuovo indirizzo").click()
    expect(feed).not_to_have_value(url)
    assert visitor.request.get(url).status == 404
    assert visitor.request.get(feed.input_value()).ok

    # the operator sees who is registered, and cancels the second meeting: everyone is told
    operator.goto(f"/gestione/attivita?sessione={second_id}")
    ready(operator)
    expect(operator.get_by_role("heading", level=2, name="Iscritti: 1")).to_be_visible()
    expect(operator.locator("li.qc-registrant")).to_contain_text("Teresa")
    operator.get_by_label("Motivo (facoltativo)").fill("La palestra è chiusa per lavori.")
    operator.get_by_role("button", name="Annulla l’incontro").click()
    operator.get_by_role("button", name="Sì, annulla l’incontro").click()
    expect(operator.locator("#session-status")).to_have_text(
        "Incontro annullato: le persone iscritte sono state avvisate."
    )
    expect(operator.locator(".qc-seats")).to_have_text("Annullato")
    tenant.goto(f"/attivita/{activity_id}")
    ready(tenant)
    cancelled = tenant.locator(f"li.qc-session[data-id='{second_id}']")
    expect(cancelled).to_contain_text("Annullato")
    expect(cancelled).to_contain_text("La palestra è chiusa per lavori.")
    expect(cancelled.get_by_role("button")).to_have_count(0)

    for page in (tenant, operator, kiosk):
        assert page.evaluate("() => window.__cspViolations || []") == []
    assert tenant_errors == []
    assert operator_errors == []
    assert kiosk_errors == []


def test_console_is_for_operators_and_the_public_page_describes_the_event(new_context) -> None:
    tenant = person(new_context, TENANT, init_script=CSP_LISTENER)
    tenant.goto("/gestione/attivita")
    ready(tenant)
    expect(tenant.locator("main")).to_contain_text("è per gli operatori degli enti")
    nav = tenant.get_by_role("navigation", name="Navigazione principale")
    expect(nav.get_by_role("link", name="Attività", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Gestione attività")).to_have_count(0)

    operator = new_context()
    operator.request.post("/api/v1/auth/login", data={"email": OPERATOR, "password": DEMO_PASSWORD})
    title = f"Laboratorio di cucito {uuid.uuid4().hex[:6]}"
    activity_id, _ = publish(operator, title)

    visitor = new_context().new_page()
    visitor.goto(f"/attivita/{activity_id}")
    ready(visitor)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    expect(visitor.get_by_role("button", name=re.compile(r"^Prenota"))).to_have_count(0)
    # the schema.org Event a search engine reads
    data = json.loads(visitor.locator("script[type='application/ld+json']").text_content() or "")
    assert data["@type"] == "Event"
    assert data["name"] == title
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["startDate"].endswith(("+01:00", "+02:00"))
    assert "Boccioni" in data["location"]["name"]
    assert data["location"]["address"]["addressLocality"] == "Milano"
    assert data["organizer"]["name"]
    visitor.get_by_role("link", name="Accedi per prenotare").click()
    expect(visitor).to_have_url(re.compile(r"/accedi\?next="))
    ready(visitor)
    # and it leaves with the page
    assert visitor.locator("script[type='application/ld+json']").count() == 0
    visitor.goto("/attivita/999999")
    ready(visitor)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Attività non trovata")
    visitor.goto("/kiosk/non-esiste")
    ready(visitor)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Spazio non trovato")


# Accessibility ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["it", "en"])
def test_axe_finds_no_serious_violation_on_the_activities_pages(
    new_context, axe_source, language: str
) -> None:
    # add_script_tag injects inline code, which the CSP forbids: bypass it for axe only
    tenant = person(new_context, TENANT, init_script=CSP_LISTENER, bypass_csp=True)
    operator = person(new_context, OPERATOR, init_script=CSP_LISTENER, bypass_csp=True)
    visitor = new_context(bypass_csp=True).new_page()
    visitor.goto("/")
    ready(visitor)
    for page in (tenant, operator, visitor):
        page.evaluate("lang => localStorage.setItem('qc.lang', lang)", language)

    activity_id, session_ids = publish(operator.context, f"Axe {uuid.uuid4().hex[:6]}", capacity=1)
    api(tenant.context, "POST", f"/api/v1/sessions/{session_ids[0]}/registrations", {})
    api(tenant.context, "POST", "/api/v1/users/me/calendar-feed", {})

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
        page.locator("form#agenda-filters select[name='audience']").select_option("elderly")
        page.locator("form#agenda-filters input[name='free']").check()

    def cancel_question(page: Page) -> None:
        page.locator("button[data-cancel]").first.click()
        expect(page.locator(".qc-confirm").first).to_be_visible()

    def with_errors(page: Page) -> None:
        page.locator("input[name='repeat'][value='weekly']").check()
        page.locator("form#activity button[type='submit']").click()
        expect(page.locator("form#activity .qc-form-status")).not_to_be_empty()

    check(visitor, "/attivita", "visitor /attivita", filtered)
    check(visitor, f"/attivita/{activity_id}", "visitor /attivita/<id>")
    check(visitor, "/kiosk/boccioni", "/kiosk/<slug>")
    check(tenant, "/attivita", "tenant /attivita")
    check(tenant, f"/attivita/{activity_id}", "tenant /attivita/<id>", cancel_question)
    check(tenant, "/attivita/mie", "/attivita/mie")
    check(operator, "/gestione/attivita", "/gestione/attivita")
    check(operator, "/gestione/attivita?nuovo", "/gestione/attivita?nuovo", with_errors)
    check(operator, f"/gestione/attivita?modifica={activity_id}", "/gestione/attivita?modifica")
    check(operator, f"/gestione/attivita?sessione={session_ids[0]}", "/gestione/attivita?sessione")
    assert found == {}


def test_the_kiosk_screen_loads_no_navigation_and_is_public(new_context) -> None:
    context = new_context(viewport={"width": 1280, "height": 900})
    paths: list[str] = []
    context.on("request", lambda request: paths.append(urlsplit(request.url).path))
    page = context.new_page()
    page.goto("/kiosk/boccioni")
    ready(page)
    expect(page.locator("html")).to_have_class(re.compile(r"\bqc-kiosk-mode\b"))
    expect(page.locator("#header")).to_be_hidden()
    expect(page.locator(".qc-kiosk-today h2")).to_contain_text("Oggi")
    # nothing personal is asked for: the kiosk reads the public kiosk route only
    api_paths = {p for p in paths if p.startswith("/api/")}
    assert "/api/v1/spaces/boccioni/kiosk" in api_paths
    assert not any(p.startswith("/api/v1/users/") for p in api_paths), api_paths
