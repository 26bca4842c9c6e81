"""The pages every public service needs, and deleting one's account, in a real browser.

/privacy, /accessibilita, /aiuto (linked from the footer), the HTML 404 of an unknown
page and /profilo/cancella-account: axe finds no serious violation in Italian or English,
on a 390-pixel phone or a desktop; a person downloads their data and deletes their
account from the web app.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    PASSWORD,
    collect_errors,
    ready,
    register,
    serious_axe_violations,
    sign_in,
)

pytestmark = pytest.mark.e2e

VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
PUBLIC_PAGES = ["/privacy", "/accessibilita", "/aiuto", "/pagina-che-non-esiste"]


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
@pytest.mark.parametrize("language", ["it", "en"])
def test_axe_finds_no_serious_violation_on_the_legal_pages(new_context, axe_source, language, size):
    # add_script_tag injects inline code, which the CSP forbids: bypass it for axe only
    context = new_context(bypass_csp=True, **VIEWPORTS[size])
    page = context.new_page()
    errors = collect_errors(page)
    email = register(context, "Axe Legale", locale=language)
    page.goto("/")
    page.evaluate("lang => localStorage.setItem('qc.lang', lang)", language)

    found = {}
    for path in [*PUBLIC_PAGES, "/profilo/cancella-account"]:
        if path == "/profilo/cancella-account":
            sign_in(page, email)
        response = page.goto(path)
        ready(page)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if path == "/pagina-che-non-esiste":
            assert response is not None and response.status == 404
        bad = serious_axe_violations(page, axe_source)
        if bad:
            found[path] = bad
    assert found == {}
    assert [e for e in errors if "404" not in e] == []


def test_the_footer_leads_to_privacy_accessibility_and_help(page: Page) -> None:
    page.goto("/")
    ready(page)
    footer = page.locator("footer")
    footer.get_by_role("link", name="Privacy").click()
    expect(page).to_have_url(re.compile(r"/privacy$"))
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Informativa sulla privacy")
    # the controller comes from the installation's settings; the DPO is still to be filled in
    expect(page.locator(".qc-controller")).to_have_text("Comune di Milano")
    expect(page.locator(".qc-dpo")).to_contain_text("da completare")
    expect(page.locator(".qc-retention")).to_contain_text("14 giorni")

    footer.get_by_role("link", name="Dichiarazione di accessibilità").click()
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dichiarazione di accessibilità")
    expect(page.locator(".qc-a11y-status")).to_contain_text("parzialmente conforme")

    footer.get_by_role("link", name="Aiuto").click()
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Come ottenere aiuto")
    # the nine spaces, each with its address and hours, from GET /spaces
    places = page.locator(".qc-help-place")
    expect(places).to_have_count(9)
    boccioni = page.locator(".qc-help-place[data-slug='boccioni']")
    expect(boccioni.locator(".qc-address")).to_have_text("Via Umberto Boccioni, Milano")
    expect(boccioni.locator("[data-day='mon']")).to_contain_text("09:30–12:30, 15:00–18:30")
    expect(boccioni.locator("[data-day='sun']")).to_contain_text("chiuso")


def test_an_unknown_page_opened_in_the_browser_says_so_with_a_404(page: Page) -> None:
    response = page.goto("/questa/pagina/non-esiste")
    assert response is not None and response.status == 404
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina non trovata")
    expect(page.locator("footer").get_by_role("link", name="Aiuto")).to_be_visible()


def test_a_person_downloads_their_data_then_deletes_their_account(new_context) -> None:
    context = new_context()
    email = register(context, "Dora Definitiva")
    page = context.new_page()
    errors = collect_errors(page)
    sign_in(page, email)

    # the profile offers the export; the browser saves the JSON
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica i tuoi dati (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["modules"]["accounts"]["profile"]["display_name"] == "Dora Definitiva"
    assert PASSWORD not in json.dumps(data)

    page.get_by_role("link", name="Cancella il tuo account").click()
    expect(page).to_have_url(re.compile(r"/profilo/cancella-account$"))
    ready(page)
    expect(page.get_by_role("heading", name="Cosa resta, e perché")).to_be_visible()
    password = page.get_by_label("La tua password, per confermare")
    button = page.get_by_role("button", name="Cancella definitivamente il mio account")

    # a wrong password: said on the field, nothing erased
    password.fill("non-e-la-mia-password")
    button.click()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".qc-form-status")).to_contain_text("password")

    password.fill(PASSWORD)
    button.click()
    expect(page).to_have_url(re.compile(r"/accedi$"))
    expect(page.locator(".qc-form-status")).to_contain_text("Il tuo account è stato cancellato.")
    # signed out everywhere: the API no longer knows the cookie, the e-mail no longer signs in
    assert context.request.get("/api/v1/auth/me").status == 401
    refused = context.request.post(
        "/api/v1/auth/login", data={"email": email, "password": PASSWORD}
    )
    assert refused.status == 401
    assert errors == [] or all("401" in e or "403" in e for e in errors)


def test_an_open_obligation_is_named_on_the_erase_page(new_context) -> None:
    # the demo operator of the Boccioni organisation is its only one (qc seed --demo)
    from tests.e2e.helpers import DEMO_PASSWORD

    context = new_context()
    page = context.new_page()
    sign_in(page, "operatore@demo.quartiericonnessi.it", DEMO_PASSWORD)
    page.goto("/profilo/cancella-account")
    ready(page)
    page.get_by_label("La tua password, per confermare").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Cancella definitivamente il mio account").click()
    status = page.locator(".qc-form-status")
    expect(status).to_contain_text("unico operatore")
    expect(page).to_have_url(re.compile(r"/profilo/cancella-account$"))
    assert context.request.get("/api/v1/auth/me").status == 200
