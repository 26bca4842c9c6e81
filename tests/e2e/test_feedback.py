"""Feedback (segnalazioni) in the web app: a tenant reports with a photo, the custodian sees
it arrive live and answers, the tenant sees the answer; the staff pages; the public
service-level page; axe-core on every feedback page, in Italian and English.

Two or three people, each in a browser context of their own, one real server with the demo
data. Waits are on page state (``main[data-state=ready]``, ``html[data-live]``, texts,
accessible names), never on the clock.
"""

from __future__ import annotations

import base64
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

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

TENANT = "inquilina@demo.quartiericonnessi.it"
TENANT_NAME = "Teresa (inquilina)"
CUSTODIAN = "custode@demo.quartiericonnessi.it"
STAFF = "staff@demo.quartiericonnessi.it"
BOCCIONI = "Complesso ERP via Umberto Boccioni"

# An 8×8 JPEG, for when Pillow is not installed.
MINIMAL_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERX"
    "RTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAEC"
    "AwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2Jy"
    "ggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWW"
    "l5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEA"
    "AwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMi"
    "MoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0"
    "dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn"
    "6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCSiiivGPWP/9k="
)


def photo(tmp_path: Path) -> Path:
    """A small JPEG, as a phone camera would hand it over."""
    path = tmp_path / "scala-b.jpg"
    try:
        from PIL import Image
    except ImportError:
        path.write_bytes(MINIMAL_JPEG)
    else:
        Image.new("RGB", (64, 48), (200, 120, 40)).save(path, "JPEG", quality=80)
    return path


def api_login(context: BrowserContext, email: str) -> None:
    response = context.request.post(
        "/api/v1/auth/login", data={"email": email, "password": DEMO_PASSWORD}
    )
    assert response.ok, response.text()


def boccioni_id(context: BrowserContext) -> int:
    complexes = context.request.get("/api/v1/complexes?limit=100").json()["items"]
    return next(c["id"] for c in complexes if c["code"] == "boccioni")


def file_report(context: BrowserContext, title: str, **extra) -> int:
    """A report by the demo tenant (whose session `context` holds), through the API."""
    body = {
        "category": "maintenance",
        "complex_id": boccioni_id(context),
        "title": title,
        "description": "La luce delle scale non si accende da due giorni.",
        **extra,
    }
    return api(context, "POST", "/api/v1/feedback/reports", body)["id"]


def use_language(page: Page, language: str) -> None:
    page.evaluate("lang => localStorage.setItem('qc.lang', lang)", language)


# The journey ------------------------------------------------------------------------------


def test_tenant_reports_with_a_photo_custodian_answers_live(new_context, tmp_path) -> None:
    title = f"Luce delle scale spenta {uuid.uuid4().hex[:6]}"
    answer = "Abbiamo chiamato l’elettricista: passa domani mattina."

    # the custodian keeps the inbox open
    custodian = person(new_context, CUSTODIAN, init_script=CSP_LISTENER)
    custodian_errors = collect_errors(custodian)
    custodian.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Segnalazioni ricevute"
    ).click()
    expect(custodian).to_have_url(re.compile(r"/casella$"))
    ready(custodian)
    live(custodian)
    expect(custodian.get_by_role("heading", level=1)).to_have_text("Segnalazioni ricevute")
    custodian.evaluate("() => { window.__sameDocument = true }")

    # the tenant writes the report, with a photo from the camera
    tenant = person(new_context, TENANT, init_script=CSP_LISTENER)
    tenant_errors = collect_errors(tenant)
    tenant.goto("/segnalazioni")
    ready(tenant)
    tenant.get_by_role("link", name="Fai una nuova segnalazione").click()
    expect(tenant).to_have_url(re.compile(r"/segnalazioni/nuova$"))
    ready(tenant)
    expect(tenant.get_by_role("heading", level=1)).to_have_text("Nuova segnalazione")
    # the only complex she is a tenant of is chosen for her
    expect(tenant.locator(".qc-fixed-complex-name")).to_have_text(BOCCIONI)

    category = tenant.get_by_role("combobox", name="Di cosa si tratta?")
    category.select_option(label="Manutenzione e guasti")
    expect(category).to_have_accessible_description(re.compile("Ascensori"))
    tenant.get_by_label("Titolo", exact=True).fill(title)
    tenant.get_by_label("Descrizione", exact=True).fill(
        "Da lunedì la luce delle scale non si accende: la sera si sale al buio."
    )
    tenant.get_by_label("Dove, nel complesso (se serve)").fill("Scala B, piano 3")

    camera = tenant.get_by_label("Scatta una foto")
    expect(camera).to_have_attribute("capture", "environment")
    expect(camera).to_have_attribute("accept", "image/*")
    camera.set_input_files(str(photo(tmp_path)))
    chosen = tenant.get_by_role("list", name="File da allegare").get_by_role("listitem")
    expect(chosen).to_have_count(1)
    expect(chosen.first).to_contain_text("scala-b.jpg")

    # what "anonima" and "pubblica" mean is said next to each choice
    expect(tenant.get_by_role("radio", name="Con il mio nome")).to_be_checked()
    expect(tenant.get_by_role("radio", name="Anonima")).to_have_accessible_description(
        re.compile(r"Nessuno, tranne te, saprà che l’hai inviata tu")
    )
    expect(tenant.get_by_role("radio", name="Privata")).to_be_checked()
    expect(tenant.get_by_role("radio", name="Pubblica")).to_have_accessible_description(
        re.compile(r"altri inquilini del tuo complesso.*«anche io»")
    )
    tenant.get_by_role("button", name="Invia la segnalazione").click()

    expect(tenant).to_have_url(re.compile(r"/segnalazioni/\d+$"))
    ready(tenant)
    report_id = int(urlsplit(tenant.url).path.rsplit("/", 1)[1])
    expect(tenant.locator("#report-status")).to_contain_text("Segnalazione inviata")
    expect(tenant.get_by_role("heading", level=1)).to_have_text(title)
    expect(tenant.locator(".qc-summary .qc-step[aria-current='step']")).to_contain_text("Inviata")
    expect(tenant.locator(".qc-fact-where")).to_have_text("Scala B, piano 3")
    tenant_photo = tenant.get_by_role("img", name="Foto allegata: scala-b.jpg")
    expect(tenant_photo).to_be_visible()
    assert tenant_photo.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    live(tenant)

    # the custodian's inbox shows it, without a reload
    item = custodian.locator(f"main li.qc-report[data-id='{report_id}']")
    expect(item).to_contain_text(title)
    expect(item).to_contain_text("Nuova")
    expect(custodian.locator("#inbox-status")).to_contain_text(f"Nuova segnalazione: {title}")
    assert custodian.evaluate("() => window.__sameDocument") is True

    # … opens it, sees who sent it and the photo, and answers
    item.get_by_role("link", name=title).click()
    expect(custodian).to_have_url(re.compile(rf"/segnalazioni/{report_id}$"))
    ready(custodian)
    expect(custodian.locator(".qc-fact-reporter")).to_have_text(TENANT_NAME)
    custodian_photo = custodian.get_by_role("img", name="Foto allegata: scala-b.jpg")
    expect(custodian_photo).to_be_visible()
    assert custodian_photo.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    status = custodian.get_by_role("combobox", name="Cambia lo stato")
    # only the states the report can move to from "submitted"
    expect(status.locator("option")).to_have_text(
        [
            "Lascia com’è (Inviata)",
            "Presa in carico",
            "In lavorazione",
            "Risolta",
            "Respinta",
            "Già segnalata (doppione)",
        ]
    )
    status.select_option(label="Presa in carico")
    custodian.get_by_label("Messaggio", exact=True).fill(answer)
    custodian.locator("form#update").get_by_role("button", name="Invia").click()
    expect(custodian.locator("#report-status")).to_have_text("Risposta inviata.")
    expect(custodian.locator(".qc-summary .qc-badge-status")).to_have_text("Presa in carico")

    # the tenant, still on her report, sees the answer arrive
    update = tenant.locator(".qc-updates .qc-update").last
    expect(update).to_contain_text(answer)
    expect(update).to_contain_text("Stato: Inviata → Presa in carico")
    expect(update).to_contain_text("Carla (custode sociale)")
    expect(tenant.locator(".qc-summary .qc-step[aria-current='step']")).to_contain_text(
        "Presa in carico"
    )
    expect(tenant.locator("#report-status")).to_contain_text("La segnalazione è stata aggiornata.")
    # the comment form is the sender's: no status, no internal notes
    expect(tenant.get_by_role("combobox", name="Cambia lo stato")).to_have_count(0)
    expect(tenant.get_by_role("checkbox", name="Nota interna")).to_have_count(0)

    # … and in her list, where the report has moved one step on
    tenant.get_by_role("link", name="Le mie segnalazioni").click()
    expect(tenant).to_have_url(re.compile(r"/segnalazioni$"))
    ready(tenant)
    card = tenant.locator(f"main li.qc-report[data-id='{report_id}']")
    expect(card.locator(".qc-step[aria-current='step']")).to_contain_text("Presa in carico")
    expect(card).to_contain_text("Inviata da te")

    for page in (tenant, custodian):
        assert page.evaluate("() => window.__cspViolations") == []
    assert tenant_errors == []
    assert custodian_errors == []


def test_sender_says_whether_it_was_solved(new_context) -> None:
    tenant = person(new_context, TENANT)
    report_id = file_report(tenant.context, f"Portone rotto {uuid.uuid4().hex[:6]}")
    custodian = new_context()
    api_login(custodian, CUSTODIAN)
    api(
        custodian,
        "POST",
        f"/api/v1/feedback/reports/{report_id}/updates",
        {"body": "Riparato.", "status": "resolved"},
    )

    tenant.goto(f"/segnalazioni/{report_id}")
    ready(tenant)
    form = tenant.locator("form#outcome")
    expect(tenant.get_by_role("heading", name="È stato risolto?")).to_be_visible()
    form.get_by_role("button", name="Invia la risposta").click()
    expect(form.locator(".qc-form-status")).to_contain_text("Rispondi a tutte e due le domande.")
    form.get_by_role("radio", name="Sì, è risolto").check()
    form.get_by_role("radio", name="4 – molto").check()
    form.get_by_role("button", name="Invia la risposta").click()
    expect(tenant.locator("#report-status")).to_have_text("Grazie per la risposta.")
    expect(tenant.locator(".qc-summary .qc-badge-status")).to_have_text("Chiusa")
    expect(tenant.locator(".qc-outcome-given")).to_contain_text("4 su 5")
    expect(tenant.locator("form#outcome")).to_have_count(0)


def test_an_internal_note_cannot_change_the_status(new_context) -> None:
    tenant = new_context()
    api_login(tenant, TENANT)
    report_id = file_report(tenant, f"Cantina allagata {uuid.uuid4().hex[:6]}")
    custodian = person(new_context, CUSTODIAN)
    custodian.goto(f"/segnalazioni/{report_id}")
    ready(custodian)
    custodian.get_by_role("combobox", name="Cambia lo stato").select_option(label="In lavorazione")
    custodian.get_by_label("Messaggio", exact=True).fill("Da verificare con l’amministratore.")
    custodian.get_by_role("checkbox", name="Nota interna").check()
    custodian.locator("form#update").get_by_role("button", name="Invia").click()
    expect(custodian.get_by_role("combobox", name="Cambia lo stato")).to_have_attribute(
        "aria-invalid", "true"
    )
    custodian.get_by_role("combobox", name="Cambia lo stato").select_option(index=0)
    custodian.locator("form#update").get_by_role("button", name="Invia").click()
    expect(custodian.locator("#report-status")).to_have_text("Risposta inviata.")
    note = custodian.locator(".qc-updates .qc-update.is-internal")
    expect(note).to_contain_text("Nota interna")

    # the sender never sees it
    updates = tenant.request.get(f"/api/v1/feedback/reports/{report_id}/updates").json()
    assert [u for u in updates["items"] if u["internal"]] == []


def test_an_anonymous_report_never_shows_its_sender(new_context) -> None:
    tenant = new_context()
    api_login(tenant, TENANT)
    title = f"Rumori notturni {uuid.uuid4().hex[:6]}"
    report_id = file_report(tenant, title, category="living-together", anonymous=True)
    api(
        tenant,
        "POST",
        f"/api/v1/feedback/reports/{report_id}/updates",
        {"body": "Succede anche stanotte."},
    )

    custodian = person(new_context, CUSTODIAN)
    custodian.goto("/casella")
    ready(custodian)
    card = custodian.locator(f"main li.qc-report[data-id='{report_id}']")
    expect(card).to_contain_text("Anonima")
    custodian.goto(f"/segnalazioni/{report_id}")
    ready(custodian)
    expect(custodian.locator(".qc-fact-reporter")).to_have_text("Persona anonima")
    expect(custodian.locator(".qc-updates .qc-update-author")).to_have_text(["Persona anonima"])
    expect(custodian.locator("main")).not_to_contain_text("Teresa")


# Staff pages ------------------------------------------------------------------------------


def test_staff_add_and_delete_a_routing_rule(new_context) -> None:
    staff = person(new_context, STAFF)
    staff.get_by_role("link", name="Chi riceve le segnalazioni (regole)").click()
    expect(staff).to_have_url(re.compile(r"/gestione/instradamento$"))
    ready(staff)
    table = staff.get_by_role("table", name="Le regole in vigore")
    before = table.locator("tbody tr").count()
    assert before >= 7  # the seeded defaults

    form = staff.locator("form#rule")
    form.get_by_label("Categoria").select_option(label="Apprezzamento")
    form.get_by_label("Complesso").select_option(label=BOCCIONI)
    form.get_by_label("Va a").select_option(label="Custode sociale")
    form.get_by_role("button", name="Aggiungi la regola").click()
    expect(form.locator(".qc-form-status")).to_have_text("Regola aggiunta.")
    expect(table.locator("tbody tr")).to_have_count(before + 1)
    row = table.locator("tbody tr", has_text=BOCCIONI).filter(has_text="Apprezzamento")
    expect(row).to_contain_text("Custode sociale")

    delete = row.locator("button.qc-delete")
    expect(delete).to_have_accessible_name(re.compile(r"^Elimina: Apprezzamento"))
    delete.click()
    # a second press, on a button that now says what it will do
    expect(delete).to_have_accessible_name(re.compile(r"^Conferma: elimina"))
    delete.click()
    expect(staff.locator("#rules-status")).to_have_text("Regola eliminata.")
    expect(table.locator("tbody tr")).to_have_count(before)


def test_staff_register_and_accredit_a_committee(new_context) -> None:
    staff = person(new_context, STAFF)
    staff.goto("/gestione/comitati")
    ready(staff)
    expect(staff.get_by_role("heading", level=1)).to_have_text("Comitati inquilini")
    name = f"Comitato Boccioni {uuid.uuid4().hex[:6]}"
    create = staff.locator("form#committee-new")
    create.get_by_label("Nome del comitato").fill(name)
    create.get_by_role("checkbox", name=BOCCIONI).check()
    create.get_by_role("button", name="Registra il comitato").click()
    expect(create.locator(".qc-form-status")).to_have_text("Comitato registrato.")

    section = staff.get_by_role("region", name=name)
    expect(section).to_contain_text("Non accreditato oggi")
    expect(section).to_contain_text(BOCCIONI)
    section.get_by_label("Dal giorno").fill("2020-01-01")
    section.get_by_label("Al giorno (compreso)").fill("2099-12-31")
    section.get_by_role("button", name="Aggiungi il periodo").click()
    section = staff.get_by_role("region", name=name)
    expect(section.locator(".qc-form-status").first).to_have_text("Periodo aggiunto.")
    expect(section).to_contain_text("Accreditato oggi")
    expect(section.locator(".qc-periods li")).to_have_count(1)

    member_id = staff.context.request.get("/api/v1/auth/me").json()["id"]
    section.get_by_label("Numero utente").fill(str(member_id))
    section.get_by_role("button", name="Aggiungi il membro").click()
    expect(section.locator("form[data-action='member'] .qc-form-status")).to_have_text(
        f"Membro aggiunto: utente n. {member_id}."
    )


def test_staff_pages_are_for_staff(new_context) -> None:
    tenant = person(new_context, TENANT)
    for path in ("/gestione/instradamento", "/gestione/comitati"):
        tenant.goto(path)
        ready(tenant)
        expect(tenant.locator("main")).to_contain_text("riservata al personale del gestore")
    tenant.goto("/casella")
    ready(tenant)
    expect(tenant.locator("main")).to_contain_text("è per custodi sociali")
    # her header offers her reports, not an inbox
    nav = tenant.get_by_role("navigation", name="Navigazione principale")
    expect(nav.get_by_role("link", name="Segnalazioni", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Segnalazioni ricevute")).to_have_count(0)


# The public service-level page ------------------------------------------------------------


def test_service_level_page_is_public_with_text_for_every_chart(page: Page) -> None:
    page.goto("/spazi/boccioni")
    ready(page)
    page.get_by_role(
        "link", name="Come vengono seguite le segnalazioni in questo complesso"
    ).click()
    expect(page).to_have_url(re.compile(r"/complessi/\d+/servizio$"))
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(BOCCIONI)
    figures = page.locator("dl.qc-stats")
    expect(figures).to_be_visible()
    expect(figures).to_contain_text("Segnalazioni arrivate")
    # every bar is decoration next to a number that says the same
    for chart in ("Per categoria", "Per stato"):
        section = page.get_by_role("region", name=chart)
        expect(section).to_be_visible()
    for svg in page.locator("svg.qc-bar").all():
        expect(svg).to_have_attribute("aria-hidden", "true")
    page.get_by_role("combobox", name="Periodo").select_option(label="Da sempre")
    page.get_by_role("button", name="Mostra").click()
    expect(page).to_have_url(re.compile(r"/servizio\?periodo=all$"))
    ready(page)
    expect(page.locator("dl.qc-stats")).to_be_visible()


# Loading ----------------------------------------------------------------------------------


def test_visitors_home_page_loads_none_of_the_feedback_code(new_context) -> None:
    context = new_context()
    paths: list[str] = []
    context.on("request", lambda request: paths.append(urlsplit(request.url).path))
    page = context.new_page()
    page.goto("/")
    ready(page)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => undefined)")
    scripts = sorted({p for p in paths if p.endswith(".js") and p.startswith("/assets/")})
    # the entry chunk only: the feedback pages (and their shared modules) are lazy chunks
    assert scripts and all(re.match(r"^/assets/index-[\w-]+\.js$", p) for p in scripts), scripts


# Accessibility ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["it", "en"])
def test_axe_finds_no_serious_violation_on_the_feedback_pages(
    new_context, axe_source, tmp_path, language: str
) -> None:
    # add_script_tag injects inline code, which the CSP forbids: bypass it for axe only
    tenant = person(new_context, TENANT, bypass_csp=True)
    custodian = person(new_context, CUSTODIAN, bypass_csp=True)
    staff = person(new_context, STAFF, bypass_csp=True)
    visitor = new_context(bypass_csp=True).new_page()
    visitor.goto("/")
    ready(visitor)
    for page in (tenant, custodian, staff, visitor):
        use_language(page, language)

    public_id = file_report(
        tenant.context, f"Axe pubblica {uuid.uuid4().hex[:6]}", visibility="public"
    )
    resolved_id = file_report(tenant.context, f"Axe risolta {uuid.uuid4().hex[:6]}")
    api(
        custodian.context,
        "POST",
        f"/api/v1/feedback/reports/{resolved_id}/updates",
        {"body": "Fatto.", "status": "resolved"},
    )
    api(
        staff.context,
        "POST",
        "/api/v1/committees",
        {
            "name": f"Comitato Axe {uuid.uuid4().hex[:6]}",
            "complex_ids": [boccioni_id(staff.context)],
        },
    )
    complex_id = boccioni_id(visitor.context)

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

    def with_a_photo(page: Page) -> None:
        page.locator("input[type='file'][capture]").set_input_files(str(photo(tmp_path)))
        expect(page.locator(".qc-file-item")).to_have_count(1)
        page.locator("form#report button[type='submit']").click()  # shows the errors too
        expect(page.locator("form#report [aria-invalid='true']").first).to_be_visible()

    check(tenant, "/segnalazioni/nuova", "new report", with_a_photo)
    check(tenant, "/segnalazioni", "my reports")
    check(tenant, f"/segnalazioni/{resolved_id}", "detail (sender, outcome form)")
    check(custodian, "/casella", "inbox")
    check(custodian, f"/segnalazioni/{public_id}", "detail (custodian)")
    check(staff, f"/segnalazioni/{public_id}", "detail (staff, reassign)")
    check(staff, "/gestione/instradamento", "routing rules")
    check(staff, "/gestione/comitati", "committees")
    check(visitor, f"/complessi/{complex_id}/servizio", "service level")
    assert found == {}
