"""Becoming a tenant in the web app, and the profile's own sections, in a real browser.

A resident registers, meets the "only tenants" dead end of the report form, asks to be
recognised as a tenant from there, the demo custodian approves in /gestione/inquilini, and
the resident files a report. Withdrawing a request; a rejection's reason reaching the
requester; the queue's filters and the custodian's scope; name and language in the profile
and the header's offer to save the language; sessions and tokens one can see and end; the
catalogue console offering only the organisation's own spaces. axe-core on every new page
in Italian and English, on a 390-pixel phone and a desktop.

Each person has a browser context of their own, on one real server with the demo data.
Waits are on page state (``main[data-state=ready]``, texts, accessible names).
"""

from __future__ import annotations

import re
import uuid

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
    sign_in,
)

pytestmark = pytest.mark.e2e

CUSTODIAN = "custode@demo.quartiericonnessi.it"
STAFF = "staff@demo.quartiericonnessi.it"
OPERATOR = "operatore@demo.quartiericonnessi.it"
BOCCIONI = "Complesso ERP via Umberto Boccioni"
ASK = "Chiedi di essere riconosciuto/a come inquilino/a"
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


def complex_id(context: BrowserContext, code: str) -> int:
    complexes = context.request.get("/api/v1/complexes?limit=100").json()["items"]
    return next(c["id"] for c in complexes if c["code"] == code)


def new_name(first: str) -> str:
    return f"{first} {uuid.uuid4().hex[:6]}"


def resident(new_context, name: str, locale: str = "it", **options) -> tuple[Page, str]:
    """A new resident (registered through the API), signed in through the form."""
    context = new_context(**options)
    email = register(context, name, locale=locale)
    page = context.new_page()
    sign_in(page, email)
    return page, email


def ask_by_api(
    page: Page, code: str = "boccioni", tenancy_code: str = "Scala A, interno 3"
) -> dict:
    return api(
        page.context,
        "POST",
        "/api/v1/tenancy-verifications",
        {"complex_id": complex_id(page.context, code), "tenancy_code": tenancy_code},
    )


def queue_item(page: Page, name: str):
    return page.locator("li.qc-queue-item", has=page.get_by_role("heading", name=name, exact=True))


# The journey ------------------------------------------------------------------------------


def test_a_new_resident_becomes_a_tenant_and_files_a_report(new_context) -> None:
    name = new_name("Rosa")
    email = f"rosa-{uuid.uuid4().hex[:10]}@example.org"
    context = new_context()
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors = collect_errors(page)

    # registers, as anyone would
    page.goto("/registrati")
    ready(page)
    page.get_by_label("Nome visualizzato").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Crea l’account").click()
    expect(page).to_have_url(re.compile(r"/profilo$"))
    ready(page)
    section = page.get_by_role("region", name="Inquilino/a delle case popolari")
    expect(section.get_by_role("link", name=ASK)).to_be_visible()

    # the time bank says why the balance cannot go below zero, and where to ask
    page.goto("/banca-del-tempo")
    ready(page)
    floor = page.locator(".qc-balance-floor")
    expect(floor).to_contain_text("non può scendere sotto zero finché non sei riconosciuto/a")
    expect(floor.get_by_role("link", name=ASK)).to_have_attribute("href", "/profilo/inquilino")

    # the report form is for tenants: the dead end leads to the request
    page.goto("/segnalazioni/nuova")
    ready(page)
    expect(page.locator("main")).to_contain_text("devi essere riconosciuto/a come inquilino/a")
    page.get_by_role("link", name=ASK).click()
    expect(page).to_have_url(re.compile(r"/profilo/inquilino$"))
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(ASK)

    complex_box = page.get_by_role("combobox", name="Il tuo complesso")
    # the nine complexes, by name and address, after "choose"
    expect(complex_box.locator("option")).to_have_count(10)
    expect(complex_box.locator("option").nth(0)).to_have_text("Scegli il complesso")
    # nothing chosen: the form says what is missing and sends nothing
    page.locator("form#tenancy").get_by_role("button", name=ASK).click()
    expect(complex_box).to_have_attribute("aria-invalid", "true")
    complex_box.select_option(str(complex_id(context, "boccioni")))
    expect(complex_box.locator("option:checked")).to_contain_text(BOCCIONI)
    page.get_by_label("Scala e interno").fill("Scala B, interno 12")
    page.get_by_label("Vuoi aggiungere qualcosa? (facoltativo)").fill("Abito qui da marzo.")
    page.locator("form#tenancy").get_by_role("button", name=ASK).click()
    expect(page.locator("#tenancy-page-status")).to_contain_text("Richiesta inviata")
    request = page.locator("li.qc-tenancy-request")
    expect(request).to_have_count(1)
    expect(request.locator(".qc-tenancy-state")).to_have_text("In attesa di risposta")
    expect(request).to_contain_text(BOCCIONI)
    expect(page.locator("form#tenancy")).to_have_count(0)

    # the demo custodian of Boccioni approves it in the queue, reached from the notification
    custodian = person(new_context, CUSTODIAN)
    custodian.goto("/notifiche")
    ready(custodian)
    notification = custodian.locator("li.qc-notification", has_text=name).first
    notification.get_by_role("link", name="Nuova richiesta di riconoscimento inquilino").click()
    expect(custodian).to_have_url(re.compile(r"/gestione/inquilini$"))
    ready(custodian)
    expect(custodian.get_by_role("heading", level=1)).to_have_text("Richieste degli inquilini")
    item = queue_item(custodian, name)
    expect(item).to_contain_text("Scala B, interno 12")
    expect(item).to_contain_text("Abito qui da marzo.")
    item.get_by_role("button", name="Approva", exact=True).click()
    item.get_by_role("button", name="Sì, approva").click()
    expect(custodian.locator("#queue-status")).to_contain_text(f"Richiesta approvata: {name}")
    expect(queue_item(custodian, name).locator(".qc-tenancy-state")).to_have_text("Accolta")

    # the resident is a tenant at once: the profile says so, the time bank's floor moved
    page.goto("/profilo")
    ready(page)
    expect(page.locator(".qc-roles .qc-role[data-role='tenant']")).to_be_visible()
    expect(page.locator(".qc-tenant-of")).to_contain_text(BOCCIONI)
    expect(page.locator("li.qc-tenancy-request .qc-tenancy-state")).to_have_text("Accolta")
    page.goto("/banca-del-tempo")
    ready(page)
    expect(page.locator(".qc-balance-floor")).to_contain_text("può scendere fino a meno")

    # … and files a report on her complex
    page.goto("/segnalazioni/nuova")
    ready(page)
    expect(page.locator(".qc-fixed-complex-name")).to_have_text(BOCCIONI)
    page.get_by_role("combobox", name="Di cosa si tratta?").select_option(
        label="Manutenzione e guasti"
    )
    title = f"Portone rotto {uuid.uuid4().hex[:6]}"
    page.get_by_label("Titolo", exact=True).fill(title)
    page.get_by_label("Descrizione", exact=True).fill(
        "Il portone della scala B non si chiude da ieri."
    )
    page.get_by_role("button", name="Invia la segnalazione").click()
    expect(page).to_have_url(re.compile(r"/segnalazioni/\d+$"))
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    assert page.evaluate("() => window.__cspViolations") == []
    assert errors == []


def test_a_request_is_withdrawn_and_a_rejection_shows_its_reason(new_context) -> None:
    name = new_name("Marco")
    page, _ = resident(new_context, name)
    boccioni = complex_id(page.context, "boccioni")

    # from the complex's page, "do you live here?" chooses the complex
    page.goto(f"/complessi/{boccioni}/servizio")
    ready(page)
    page.get_by_role(
        "link", name="Abiti qui? Chiedi di essere riconosciuto/a come inquilino/a"
    ).click()
    expect(page).to_have_url(re.compile(rf"/profilo/inquilino\?complesso={boccioni}$"))
    ready(page)
    expect(page.get_by_role("combobox", name="Il tuo complesso")).to_have_value(str(boccioni))
    page.get_by_label("Scala e interno").fill("Scala C, interno 9")
    page.locator("form#tenancy").get_by_role("button", name=ASK).click()
    expect(page.locator("li.qc-tenancy-request .qc-tenancy-state")).to_have_text(
        "In attesa di risposta"
    )

    # wrong staircase: withdrawn, and the form is back
    page.get_by_role("button", name="Ritira la richiesta").click()
    page.get_by_role("button", name="Sì, ritira la richiesta").click()
    expect(page.locator("#tenancy-page-status")).to_have_text("Richiesta ritirata.")
    expect(page.locator("li.qc-tenancy-request")).to_have_count(0)
    expect(page.locator("form#tenancy")).to_be_visible()

    # asked again; the custodian does not approve, saying why
    ask_by_api(page, tenancy_code="Scala C, interno 99")
    custodian = person(new_context, CUSTODIAN)
    custodian.goto("/gestione/inquilini")
    ready(custodian)
    item = queue_item(custodian, name)
    item.get_by_role("button", name="Non approvare").click()
    reason = item.get_by_label(f"Motivo (lo leggerà {name})")
    expect(reason).to_be_focused()
    item.get_by_role("button", name="Conferma: non approvare").click()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(item).to_contain_text("Scrivi il motivo")
    reason.fill("In scala C non c’è l’interno 99: controlla sul contratto.")
    item.get_by_role("button", name="Conferma: non approvare").click()
    expect(custodian.locator("#queue-status")).to_contain_text(f"Richiesta non approvata. {name}")
    expect(queue_item(custodian, name).locator(".qc-tenancy-state")).to_have_text("Non accolta")

    page.goto("/profilo")
    ready(page)
    refused = page.locator("li.qc-tenancy-request[data-status='rejected']")
    expect(refused.locator(".qc-tenancy-state")).to_have_text("Non accolta")
    expect(refused.locator(".qc-tenancy-reason")).to_have_text(
        "In scala C non c’è l’interno 99: controlla sul contratto."
    )
    # a new request may be made
    expect(page.get_by_role("link", name=ASK)).to_be_visible()


def test_the_queue_shows_each_reviewer_their_complexes(new_context) -> None:
    at_omero = new_name("Omero")
    page, _ = resident(new_context, at_omero)
    ask_by_api(page, code="omero")

    custodian = person(new_context, CUSTODIAN)
    custodian.goto("/gestione/inquilini")
    ready(custodian)
    # Boccioni's custodian: only Boccioni's requests, no choice of complex to make
    expect(queue_item(custodian, at_omero)).to_have_count(0)
    expect(custodian.get_by_role("combobox", name="Complesso")).to_have_count(0)
    for complex_name in custodian.locator(".qc-queue-complex").all_inner_texts():
        assert complex_name == BOCCIONI

    staff = person(new_context, STAFF)
    staff.goto("/gestione/inquilini")
    ready(staff)
    complex_box = staff.get_by_role("combobox", name="Complesso")
    expect(complex_box.locator("option")).to_have_count(10)
    complex_box.select_option(str(complex_id(staff.context, "omero")))
    staff.get_by_role("button", name="Mostra").click()
    expect(staff).to_have_url(re.compile(r"/gestione/inquilini\?complesso=\d+$"))
    ready(staff)
    expect(queue_item(staff, at_omero)).to_be_visible()
    assert set(staff.locator(".qc-queue-complex").all_inner_texts()) == {"Complesso ERP via Omero"}
    staff.get_by_role("combobox", name="Stato").select_option("approved")
    staff.get_by_role("button", name="Mostra").click()
    ready(staff)
    expect(queue_item(staff, at_omero)).to_have_count(0)

    # a resident is told the page is not for them
    page.goto("/gestione/inquilini")
    ready(page)
    expect(page.locator("main")).to_contain_text("Questa pagina è per i custodi sociali")


# The profile's own sections ------------------------------------------------------------------


def test_name_and_language_in_the_profile_and_the_header_offer(new_context) -> None:
    page, _ = resident(new_context, new_name("Lia"))
    page.get_by_label("Nome visualizzato").fill("")
    page.get_by_role("button", name="Salva nome e lingua").click()
    expect(page.get_by_label("Nome visualizzato")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Nome visualizzato").fill("Lia Nuova")
    page.get_by_role("combobox", name="Lingua").select_option("en")
    page.get_by_role("button", name="Salva nome e lingua").click()
    # the profile is drawn again, in English, and says it saved
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    expect(page.locator("form#details .qc-saved")).to_have_text("Saved.")
    expect(page.locator("form#details .qc-saved")).to_be_focused()
    expect(page.locator(".qc-display-name")).to_have_text("Lia Nuova")
    expect(page.locator("header .qc-access")).to_contain_text("Lia Nuova")
    me = page.context.request.get("/api/v1/auth/me").json()
    assert (me["display_name"], me["locale"]) == ("Lia Nuova", "en")

    # back to Italian with the header's switch: it offers to save that too
    page.get_by_role("button", name="Italiano").click()
    offer = page.get_by_role("region", name="Lingua del tuo profilo")
    expect(offer).to_contain_text("Vuoi ricevere in italiano anche le notifiche e le e-mail?")
    expect(offer.locator(".qc-lang-offer-msg")).to_be_focused()
    offer.get_by_role("button", name="Sì, salva nel mio profilo").click()
    expect(offer).to_contain_text("Fatto: l’italiano è la lingua del tuo profilo.")
    assert page.context.request.get("/api/v1/auth/me").json()["locale"] == "it"

    # "no, thanks" keeps the profile as it is
    page.get_by_role("button", name="English").click()
    offer = page.get_by_role("region", name="Your profile’s language")
    offer.get_by_role("button", name="No, thanks").click()
    expect(offer).to_have_count(0)
    expect(page.get_by_role("button", name="English")).to_be_focused()
    assert page.context.request.get("/api/v1/auth/me").json()["locale"] == "it"


def test_sessions_and_tokens_one_can_see_and_end(new_context) -> None:
    context = new_context()
    email = register(context, new_name("Ugo"))
    token = context.request.post(
        "/api/v1/auth/tokens",
        data={"email": email, "password": PASSWORD, "name": "App del telefono"},
    ).json()["token"]
    elsewhere = new_context()
    assert elsewhere.request.post(
        "/api/v1/auth/login", data={"email": email, "password": PASSWORD}
    ).ok
    page = context.new_page()
    sign_in(page, email)

    section = page.get_by_role("region", name="Dove hai fatto l’accesso")
    expect(section.locator(".qc-this-device")).to_have_count(1)
    expect(
        section.get_by_role("button", name=re.compile(r"^Esci da .*\(accesso il"))
    ).not_to_have_count(0)
    token_item = section.locator("li.qc-token", has_text="App del telefono")
    expect(token_item.locator(".qc-token-used")).to_have_text("mai usata")
    expect(token_item).to_contain_text("Scade il")

    section.get_by_role("button", name="Esci da tutti gli altri dispositivi").click()
    section.get_by_role("button", name="Sì, esci dagli altri dispositivi").click()
    expect(page.locator("#devices-status")).to_have_text(
        "Fatto: ora sei collegato/a solo da questo dispositivo."
    )
    expect(section.locator("li.qc-device")).to_have_count(1)
    expect(section).to_contain_text("Non sei collegato/a da nessun altro dispositivo.")
    assert elsewhere.request.get("/api/v1/auth/me").status == 401
    assert page.context.request.get("/api/v1/auth/me").ok

    section.get_by_role("button", name="Revoca la chiave «App del telefono»").click()
    section.get_by_role("button", name="Sì, revoca").click()
    expect(page.locator("#devices-status")).to_have_text("Chiave «App del telefono» revocata.")
    expect(section.locator(".qc-no-tokens")).to_be_visible()
    revoked = elsewhere.request.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status == 401


def test_the_catalogue_console_offers_only_the_organisation_s_spaces(new_context) -> None:
    operator = person(new_context, OPERATOR, DEMO_PASSWORD)
    operator.goto("/gestione/servizi?nuovo")
    ready(operator)
    options = operator.get_by_role("combobox", name="Spazio dove si svolge").locator("option")
    # Boccioni's organisation has one space; the other eight belong to other organisations
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Boccioni")
    expect(options.nth(1)).to_have_text("Nessuno spazio fisso (a domicilio o altrove)")


# Accessibility ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
@pytest.mark.parametrize("language", ["it", "en"])
def test_axe_finds_no_serious_violation_on_the_tenancy_and_profile_pages(
    new_context, axe_source, language: str, size: str
) -> None:
    # add_script_tag injects inline code, which the CSP forbids: bypass it for axe only
    options = {"bypass_csp": True, **VIEWPORTS[size]}
    name = new_name("Axe")
    page, _ = resident(new_context, name, locale=language, **options)
    page.context.request.post(
        "/api/v1/auth/tokens",
        data={
            "email": page.context.request.get("/api/v1/auth/me").json()["email"],
            "password": PASSWORD,
            "name": "Axe",
        },
    )
    custodian = person(new_context, CUSTODIAN, **options)
    for p in (page, custodian):
        p.evaluate("lang => localStorage.setItem('qc.lang', lang)", language)

    found = {}

    def check(p: Page, path: str, label: str, before=None) -> None:
        p.goto(path)
        ready(p)
        expect(p.locator("html")).to_have_attribute("lang", language)
        if before:
            before(p)
        bad = serious_axe_violations(p, axe_source)
        if bad:
            found[label] = bad

    def with_errors(p: Page) -> None:
        p.locator("form#tenancy button[type='submit']").click()
        expect(p.locator("form#tenancy [aria-invalid='true']").first).to_be_visible()

    check(page, "/profilo", "profile, before asking")
    check(page, "/profilo/inquilino", "request form with errors", with_errors)
    ask_by_api(page)
    check(page, "/profilo/inquilino", "request pending")
    check(page, "/profilo", "profile with a request, sessions and a token")

    def reject_open(p: Page) -> None:
        item = queue_item(p, name)
        item.locator("button[data-reject]").click()
        item.locator("form.qc-reject-form button[type='submit']").click()
        expect(item.locator("textarea[aria-invalid='true']")).to_be_visible()

    check(custodian, "/gestione/inquilini", "queue with the reason form", reject_open)

    def language_offer(p: Page) -> None:
        other = "en" if language == "it" else "it"
        p.locator(f"header button[data-lang='{other}']").click()
        expect(p.locator("header .qc-lang-offer")).to_be_visible()

    check(page, "/profilo", "header's language offer", language_offer)
    assert found == {}
