"""The web app in a real headless Chromium, against the real server and the demo data.

Waits are on page state (``main[data-state=ready]``, URLs, texts), never on the clock.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    CSP_LISTENER,
    PASSWORD,
    collect_errors,
    ready,
    register,
    serious_axe_violations,
    sign_in,
    unique_email,
)

pytestmark = pytest.mark.e2e

AREAS_IT = {
    "portinerie-sociali": "Portinerie sociali",
    "servizi-animazione": "Servizi innovativi e animazione",
    "impresa-comunita": "Impresa e comunità",
}
SPACES_BY_AREA = {
    "portinerie-sociali": ["Boccioni", "Fratelli Zoia", "Omero"],
    "servizi-animazione": ["Faenza", "Alex Visconti", "Sant'Erlembaldo"],
    "impresa-comunita": ["Palmanova", "Capuana", "Padre Luigi Monti"],
}
WEEKDAYS_IT = ["Lunedì", "Martedì", "Mercoledì", "Giovedì", "Venerdì", "Sabato", "Domenica"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HOME_BUDGET_BYTES = 300 * 1024


def register_through_form(page: Page, name: str, email: str) -> None:
    page.goto("/registrati")
    ready(page)
    page.get_by_label("Nome visualizzato").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    expect(page.get_by_role("combobox", name="Lingua")).to_have_value("it")
    page.get_by_role("button", name="Crea l’account").click()


def sign_in_through_form(page: Page, email: str, password: str = PASSWORD) -> None:
    """By the fields' labels, as a screen reader names them (helpers.sign_in goes by name)."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("form#signin").get_by_role("button", name="Accedi").click()


# (a) ---------------------------------------------------------------------------------------


def test_home_lists_the_three_areas_and_nine_spaces_in_italian(page: Page) -> None:
    page.goto("/")
    ready(page)
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page).to_have_title("Quartieri Connessi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gli spazi di Quartieri Connessi")

    sections = page.locator("main section[data-area]")
    expect(sections).to_have_count(3)
    for code, name in AREAS_IT.items():
        section = page.locator(f"main section[data-area='{code}']")
        expect(section.get_by_role("heading", level=2)).to_have_text(name)
        links = section.locator("a[href^='/spazi/']")
        expect(links).to_have_count(3)
        expect(links).to_have_text(sorted(SPACES_BY_AREA[code]))
    expect(page.locator("main a[href^='/spazi/']")).to_have_count(9)

    # a card leads to its space page, without a full page load
    page.get_by_role("link", name="Boccioni").click()
    expect(page).to_have_url(re.compile(r"/spazi/boccioni$"))
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Boccioni")


# (b) ---------------------------------------------------------------------------------------


def test_register_sign_out_and_sign_in_again(page: Page) -> None:
    email = unique_email()
    register_through_form(page, "Giulia Prova", email)

    expect(page).to_have_url(re.compile(r"/profilo$"))
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Il mio profilo")
    expect(page.locator(".qc-display-name")).to_have_text("Giulia Prova")
    expect(page.locator(".qc-email")).to_have_text(email)
    expect(page.locator(".qc-locale")).to_have_text("Italiano")
    expect(page.locator(".qc-roles .qc-role")).to_have_text(["residente"])
    expect(page.locator("header .qc-access")).to_contain_text("Giulia Prova")

    page.get_by_role("button", name="Esci").click()
    expect(page).to_have_url(re.compile(r"/accedi$"))
    ready(page)
    expect(page.locator("#signin-status")).to_contain_text("Sei uscito")
    expect(page.locator("header .qc-access")).to_contain_text("Accedi")

    # the profile is no longer reachable
    page.goto("/profilo")
    expect(page).to_have_url(re.compile(r"/accedi$"))
    ready(page)

    sign_in_through_form(page, email)
    expect(page).to_have_url(re.compile(r"/profilo$"))
    ready(page)
    expect(page.locator(".qc-display-name")).to_have_text("Giulia Prova")

    # the session survives a reload (cookie + /auth/me)
    page.reload()
    ready(page)
    expect(page.locator(".qc-display-name")).to_have_text("Giulia Prova")


def test_server_errors_are_shown_in_the_live_region(page: Page) -> None:
    email = unique_email()
    page.goto("/accedi")
    ready(page)
    sign_in_through_form(page, email, "password-sbagliata")
    status = page.locator("#signin-status")
    expect(status).to_have_attribute("aria-live", "assertive")
    expect(status.locator(".alert-danger")).to_be_visible()
    expect(status).not_to_have_text("")
    expect(page).to_have_url(re.compile(r"/accedi$"))

    # client-side check: the password is too short
    page.goto("/registrati")
    ready(page)
    page.get_by_label("Nome visualizzato").fill("Mario")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("corta")
    page.get_by_role("button", name="Crea l’account").click()
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#register-password-error")).to_have_text(
        "La password deve avere almeno 10 caratteri."
    )

    # server-side: an email already registered (409) comes back as the server's message
    page.context.request.post(
        "/api/v1/auth/register",
        data={"email": email, "password": PASSWORD, "display_name": "Primo", "locale": "it"},
    )
    password.fill(PASSWORD)
    page.get_by_role("button", name="Crea l’account").click()
    expect(page.locator("#register-status .alert-danger")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/registrati$"))


# (c) ---------------------------------------------------------------------------------------


def test_space_page_in_italian_then_english(page: Page) -> None:
    page.goto("/spazi/boccioni")
    ready(page)
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("heading", level=1)).to_have_text("Boccioni")
    expect(page.locator(".qc-space-address")).to_contain_text("Boccioni")
    expect(page.locator(".qc-space-area")).to_have_text("Portinerie sociali")
    expect(page.get_by_role("heading", name="Orari di apertura")).to_be_visible()
    hours = page.locator("table.qc-hours")
    expect(hours.locator("tbody th[scope='row']")).to_have_text(WEEKDAYS_IT)
    expect(hours.locator("tbody tr[data-day='mon'] td")).to_contain_text(
        re.compile(r"\d\d:\d\d–\d\d:\d\d")
    )
    expect(page.locator(".qc-space-description")).not_to_have_text("")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    ready(page)
    expect(page.get_by_role("heading", name="Opening hours")).to_be_visible()
    expect(hours.locator("tbody th[scope='row']")).to_have_text(WEEKDAYS_EN)
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Spaces")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")

    # the choice is remembered
    page.reload()
    ready(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Opening hours")).to_be_visible()

    page.get_by_role("button", name="Italiano").click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("heading", name="Orari di apertura")).to_be_visible()


def test_unknown_space_shows_not_found(page: Page) -> None:
    page.goto("/spazi/non-esiste")
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Spazio non trovato")


# (d) ---------------------------------------------------------------------------------------

AXE_PAGES = ["/", "/spazi/boccioni", "/accedi", "/registrati", "/profilo"]


@pytest.mark.parametrize("language", ["it", "en"])
def test_axe_finds_no_serious_violation(new_context, axe_source, language: str) -> None:
    # add_script_tag injects inline code, which the CSP forbids: bypass it for axe only
    context = new_context(bypass_csp=True)
    page = context.new_page()
    email = register(context, "Axe", locale=language)
    page.goto("/")
    page.evaluate("lang => localStorage.setItem('qc.lang', lang)", language)

    found = {}
    for path in AXE_PAGES:
        if path == "/profilo":
            sign_in(page, email)
        else:
            page.goto(path)
        ready(page)
        expect(page.locator("html")).to_have_attribute("lang", language)
        bad = serious_axe_violations(page, axe_source)
        if bad:
            found[path] = bad
    assert found == {}


# (e) ---------------------------------------------------------------------------------------


def test_home_first_load_is_small_and_local(new_context) -> None:
    context = new_context()
    requests = []
    context.on("request", lambda request: requests.append(request))
    page = context.new_page()
    page.goto("/")
    ready(page)
    # everything the first visit triggers: fonts, and the service worker's precache
    page.evaluate("() => document.fonts.ready.then(() => undefined)")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => undefined)")

    hosts = {urlsplit(r.url).hostname for r in requests if not r.url.startswith("data:")}
    assert hosts == {"127.0.0.1"}
    # the live channel (socket.io-client, its own chunk) is for signed-in users only:
    # neither the page nor the service worker's precache fetches it for a visitor
    paths = [urlsplit(r.url).path for r in requests]
    assert not [p for p in paths if p.startswith("/assets/live-") or p.startswith("/socket.io")]
    assert page.locator("html").get_attribute("data-live") is None

    total = 0
    rows = []
    for request in requests:
        response = request.response()
        if response is None or response.from_service_worker:
            continue  # failed, or answered from the worker's cache: nothing over the wire
        size = request.sizes()["responseBodySize"]
        if size < 0:
            size = 0  # Chromium reports a negative size for an answer from the HTTP cache
        elif size == 0 and response.status == 200:
            # the worker script's body size is not reported: count it, uncompressed
            size = len(response.body())
        rows.append((size, response.headers.get("content-encoding", ""), request.url))
        total += size
    report = "\n".join(f"{s:>8} {enc:<5} {url}" for s, enc, url in sorted(rows, reverse=True))
    print(f"home first load: {total} B over the wire\n{report}")  # shown with pytest -s
    assert total <= HOME_BUDGET_BYTES, (
        f"home first load {total} B > {HOME_BUDGET_BYTES} B:\n{report}"
    )

    # text was sent compressed
    for _size, encoding, url in rows:
        if re.search(r"\.(js|css)$", url):
            assert encoding == "gzip", url
    assert any(url.endswith(".woff2") for *_, url in rows), "fonts were not loaded"


# (f) ---------------------------------------------------------------------------------------


def test_home_has_no_console_errors_or_csp_violations(new_context) -> None:
    context = new_context()
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors = collect_errors(page)

    response = page.goto("/")
    assert response is not None
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    ready(page)
    page.evaluate("() => document.fonts.ready.then(() => undefined)")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => undefined)")
    # switching language re-renders everything: still clean
    page.get_by_role("button", name="English").click()
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("The Quartieri Connessi spaces")

    assert page.evaluate("() => window.__cspViolations") == []
    assert errors == []


# PWA ---------------------------------------------------------------------------------------


def test_service_worker_serves_the_shell_offline_and_never_caches_the_api(new_context) -> None:
    context = new_context()
    page = context.new_page()
    page.goto("/")
    ready(page)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => undefined)")
    page.reload()  # now controlled by the worker
    ready(page)
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")

    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    assert "/" in cached
    assert any(u.startswith("/assets/") and u.endswith(".js") for u in cached)
    assert not [u for u in cached if u.startswith("/api/")]

    manifest = context.request.get("/manifest.webmanifest")
    assert manifest.ok
    assert manifest.json()["name"] == "Quartieri Connessi"

    context.set_offline(True)
    page.goto("/spazi/boccioni")
    ready(page)
    expect(page.locator("header")).to_contain_text("Quartieri Connessi")
    # the API is never answered from a cache: offline, the page says so
    expect(page.locator("main .alert-danger")).to_contain_text("Connessione non riuscita")
    context.set_offline(False)
