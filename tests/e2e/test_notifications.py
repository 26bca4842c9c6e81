"""Notifications in the web app: the header's bell, live toasts, the list, the preferences.

Two people, two browser contexts, one real server: a resident asks to be recognised as a
tenant of the "boccioni" complex, the demo custodian of that complex is told live (Socket.IO)
and decides. Waits are on page state (``main[data-state=ready]``, ``html[data-live]``,
accessible names, texts), never on the clock.
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
    live,
    ready,
    register,
    serious_axe_violations,
    sign_in,
    submit_sign_in_form,
)

pytestmark = pytest.mark.e2e

CUSTODIAN = "custode@demo.quartiericonnessi.it"
REQUESTED_IT = "Nuova richiesta di riconoscimento inquilino"
APPROVED_IT = "Sei stato/a riconosciuto/a come inquilino/a"

# From a signed-in page: the CSRF token from /auth/me, the id of the complex "boccioni",
# then the request itself — what the resident's own browser would send.
SEND_TENANCY_REQUEST = """async () => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const complexes = await (await fetch('/api/v1/complexes?limit=100')).json();
    const boccioni = complexes.items.find((c) => c.code === 'boccioni');
    const res = await fetch('/api/v1/tenancy-verifications', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ complex_id: boccioni.id, tenancy_code: 'MI-1' }),
    });
    return { status: res.status, body: await res.json() };
}"""

DECIDE_TENANCY_REQUEST = """async ([id, decision]) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const res = await fetch(`/api/v1/tenancy-verifications/${id}/${decision}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ note: 'Il codice non corrisponde.' }),
    });
    return res.status;
}"""


def api_login(context: BrowserContext, email: str, password: str = PASSWORD) -> None:
    response = context.request.post(
        "/api/v1/auth/login", data={"email": email, "password": password}
    )
    assert response.ok, response.text()


def send_tenancy_request(page: Page) -> int:
    result = page.evaluate(SEND_TENANCY_REQUEST)
    assert result["status"] == 201, result
    return result["body"]["id"]


def resident_page(new_context, name: str) -> Page:
    """A new resident, in a browser of their own, signed in through the form (on /profilo)."""
    context = new_context()
    email = register(context, name)
    page = context.new_page()
    sign_in(page, email)
    return page


def request_tenancy_as_new_resident(new_context, name: str) -> None:
    """A new resident, in another browser, asks to be recognised as tenant of Boccioni."""
    context = new_context()
    api_login(context, register(context, name))
    page = context.new_page()
    page.goto("/")
    ready(page)
    send_tenancy_request(page)


def custodian_page(new_context, **options) -> Page:
    """The demo custodian, signed in, with nothing left unread."""
    context = new_context(**options)
    page = context.new_page()
    sign_in(page, CUSTODIAN, DEMO_PASSWORD)
    api(context, "POST", "/api/v1/notifications/read-all")
    return page


def decide_as_custodian(new_context, verification_id: int, decision: str) -> None:
    """The demo custodian approves or rejects the request, from a browser of their own."""
    custodian = custodian_page(new_context)
    assert custodian.evaluate(DECIDE_TENANCY_REQUEST, [verification_id, decision]) == 200


# Live -----------------------------------------------------------------------------------


def test_custodian_is_told_live_then_reads_the_notification(new_context) -> None:
    custodian = custodian_page(new_context)
    custodian.context.add_init_script(CSP_LISTENER)
    errors = collect_errors(custodian)

    custodian.goto("/notifiche")
    ready(custodian)
    live(custodian)
    bell = custodian.locator("header a.qc-bell")
    expect(bell).to_have_accessible_name("Notifiche")
    expect(bell).to_have_attribute("href", "/notifiche")
    expect(bell).to_have_attribute("aria-current", "page")
    summary = custodian.locator(".qc-unread-summary")
    expect(summary).to_have_text("Nessuna notifica da leggere.")
    custodian.evaluate("() => { window.__sameDocument = true }")

    # a resident, in another browser, asks to be recognised as tenant of Boccioni
    name = f"Residente {uuid.uuid4().hex[:6]}"
    request_tenancy_as_new_resident(new_context, name)

    # the custodian's bell counts it, and a toast says so, without a reload
    expect(bell).to_have_accessible_name("Notifiche, 1 non letta")
    expect(bell.locator(".qc-bell-badge")).to_have_text("1")
    toasts = custodian.locator("#qc-toasts [role='status'][aria-live='polite'] .qc-toast")
    expect(toasts).to_have_count(1)
    expect(toasts.first).to_contain_text(REQUESTED_IT)
    expect(custodian.locator("#qc-toasts")).to_have_accessible_name("Notifiche in arrivo")
    assert custodian.evaluate("() => window.__sameDocument") is True

    # the open list shows it on top, unread
    items = custodian.locator("main li.qc-notification")
    expect(items.first).to_have_attribute("data-unread", "true")
    expect(items.first).to_contain_text(REQUESTED_IT)
    expect(items.first).to_contain_text(name)
    expect(summary).to_have_text("Hai 1 notifica da leggere.")

    # the toast goes away with its button
    toasts.first.get_by_role("button", name="Chiudi l’avviso").click()
    expect(toasts).to_have_count(0)

    # the server has it too
    custodian.reload()
    ready(custodian)
    expect(bell).to_have_accessible_name("Notifiche, 1 non letta")
    first = items.first
    expect(first).to_have_attribute("data-unread", "true")
    expect(first.locator(".qc-unread-badge")).to_have_text("Non letta")
    expect(first.get_by_role("heading", level=2)).to_have_text(REQUESTED_IT)
    expect(first).to_contain_text(name)

    first.get_by_role("button", name=re.compile(r"^Segna come letta")).click()
    expect(custodian.locator(".qc-notifications-status")).to_have_text(
        "Notifica segnata come letta."
    )
    expect(first).to_have_attribute("data-unread", "false")
    expect(first.get_by_role("button", name=re.compile(r"^Segna come letta"))).to_have_count(0)
    expect(bell).to_have_accessible_name("Notifiche")
    expect(bell.locator(".qc-bell-badge")).to_have_text("")
    expect(summary).to_have_text("Nessuna notifica da leggere.")

    page = api(custodian.context, "GET", "/api/v1/notifications?unread=true&limit=1")
    assert page["unread_count"] == 0

    assert custodian.evaluate("() => window.__cspViolations") == []
    assert errors == []


def test_resident_follows_the_decision_from_the_list(new_context) -> None:
    resident = resident_page(new_context, "Giulia Inquilina")
    resident.goto("/notifiche")
    ready(resident)
    live(resident)
    expect(resident.locator(".qc-notifications-empty")).to_be_visible()
    expect(resident.locator(".qc-notifications-empty")).to_contain_text("Non hai ancora notifiche")
    verification_id = send_tenancy_request(resident)

    decide_as_custodian(new_context, verification_id, "approve")

    bell = resident.locator("header a.qc-bell")
    expect(bell).to_have_accessible_name("Notifiche, 1 non letta")
    toast = resident.locator("#qc-toasts .qc-toast")
    expect(toast).to_contain_text(APPROVED_IT)
    expect(toast.get_by_role("link", name=re.compile(r"^Apri"))).to_have_attribute(
        "href", "/profilo"
    )
    expect(resident.locator(".qc-notifications-empty")).to_be_hidden()

    # following the item's link marks it read and opens the page it points to
    item = resident.locator("main li.qc-notification").first
    expect(item).to_have_attribute("data-unread", "true")
    item.get_by_role("link", name=APPROVED_IT).click()
    expect(resident).to_have_url(re.compile(r"/profilo$"))
    ready(resident)
    expect(bell).to_have_accessible_name("Notifiche")
    expect(resident.locator(".qc-roles .qc-role[data-role='tenant']")).to_have_count(1)

    resident.go_back()
    ready(resident)
    expect(resident.locator("main li.qc-notification").first).to_have_attribute(
        "data-unread", "false"
    )


def test_the_toast_link_marks_read_and_navigates(new_context) -> None:
    resident = resident_page(new_context, "Marco Inquilino")  # on /profilo
    live(resident)
    verification_id = send_tenancy_request(resident)
    resident.goto("/")
    ready(resident)
    live(resident)

    decide_as_custodian(new_context, verification_id, "reject")

    bell = resident.locator("header a.qc-bell")
    expect(bell).to_have_accessible_name("Notifiche, 1 non letta")
    toast = resident.locator("#qc-toasts .qc-toast")
    toast.get_by_role("link", name=re.compile(r"^Apri")).click()
    expect(resident).to_have_url(re.compile(r"/profilo$"))
    ready(resident)
    expect(toast).to_have_count(0)
    expect(bell).to_have_accessible_name("Notifiche")


# The list ---------------------------------------------------------------------------------


def test_load_more_then_mark_all_as_read(new_context) -> None:
    resident_context = new_context()
    email = register(resident_context, "Anna Molte Notifiche")
    api_login(resident_context, email)
    custodian_context = new_context()
    api_login(custodian_context, CUSTODIAN, DEMO_PASSWORD)
    boccioni = next(
        c
        for c in resident_context.request.get("/api/v1/complexes?limit=100").json()["items"]
        if c["code"] == "boccioni"
    )
    # 21 rejections: one more than a page
    for _ in range(21):
        verification = api(
            resident_context,
            "POST",
            "/api/v1/tenancy-verifications",
            {"complex_id": boccioni["id"], "tenancy_code": "MI-1"},
        )
        api(
            custodian_context,
            "POST",
            f"/api/v1/tenancy-verifications/{verification['id']}/reject",
            {"note": "Il codice non corrisponde."},
        )

    resident = resident_context.new_page()
    sign_in(resident, email)
    bell = resident.locator("header a.qc-bell")
    expect(bell).to_have_accessible_name("Notifiche, 21 non lette")
    bell.click()
    expect(resident).to_have_url(re.compile(r"/notifiche$"))
    ready(resident)
    expect(resident.get_by_role("heading", level=1)).to_have_text("Notifiche")
    items = resident.locator("main li.qc-notification")
    expect(items).to_have_count(20)
    expect(resident.locator(".qc-unread-summary")).to_have_text("Hai 21 notifiche da leggere.")
    ids = [int(i) for i in items.evaluate_all("els => els.map((e) => e.dataset.id)")]
    assert ids == sorted(ids, reverse=True)  # newest first

    more = resident.get_by_role("button", name="Mostra notifiche meno recenti")
    more.click()
    expect(items).to_have_count(21)
    expect(more).to_be_hidden()
    expect(items.nth(20).get_by_role("link")).to_be_focused()
    ids = [int(i) for i in items.evaluate_all("els => els.map((e) => e.dataset.id)")]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 21

    resident.get_by_role("button", name="Segna tutte come lette").click()
    expect(resident.locator(".qc-notifications-status")).to_have_text(
        "Tutte le notifiche sono state segnate come lette."
    )
    expect(resident.locator("main li.qc-notification[data-unread='true']")).to_have_count(0)
    expect(bell).to_have_accessible_name("Notifiche")
    expect(resident.locator(".qc-unread-summary")).to_have_text("Nessuna notifica da leggere.")


def test_notification_pages_ask_to_sign_in_first(page: Page) -> None:
    page.goto("/notifiche")
    expect(page).to_have_url(re.compile(r"/accedi\?next=%2Fnotifiche$"))
    ready(page)
    expect(page.locator("header a.qc-bell")).to_have_count(0)
    submit_sign_in_form(page, CUSTODIAN, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/notifiche$"))
    ready(page)
    expect(page.locator("header a.qc-bell")).to_be_visible()
    live(page)


# Preferences ------------------------------------------------------------------------------


def test_preferences_toggle_save_and_stay_saved(new_context, mail_sink) -> None:
    page = resident_page(new_context, "Paola Preferenze")
    page.goto("/notifiche")
    ready(page)
    page.get_by_role("link", name="Preferenze e-mail").click()
    expect(page).to_have_url(re.compile(r"/notifiche/preferenze$"))
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Preferenze di notifica")
    expect(page.locator(".qc-email-unavailable")).to_have_count(0)

    roles = page.get_by_role("switch", name="Nuovi ruoli")
    expect(roles).to_be_enabled()
    expect(roles).to_be_checked()  # on by default
    expect(roles).to_have_accessible_description(re.compile(r"ruolo"))
    roles.click()  # the label wraps the switch: a tap anywhere on it toggles
    expect(roles).not_to_be_checked()
    page.get_by_role("button", name="Salva le preferenze").click()
    status = page.locator("#preferences-status")
    expect(status).to_have_text("Preferenze salvate.")
    expect(status).to_have_attribute("aria-live", "assertive")

    page.reload()
    ready(page)
    expect(page.get_by_role("switch", name="Nuovi ruoli")).not_to_be_checked()
    saved = {
        p["kind"]: p["email"]
        for p in api(page.context, "GET", "/api/v1/notifications/preferences")["items"]
    }
    assert saved["account.role_granted"] is False

    # the same page in English, names from the server in English too
    page.get_by_role("button", name="English").click()
    ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification preferences")
    expect(page.get_by_role("switch", name="New roles")).not_to_be_checked()
    page.get_by_role("switch", name="New roles").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(status).to_have_text("Preferences saved.")
    page.reload()
    ready(page)
    expect(page.get_by_role("switch", name="New roles")).to_be_checked()


def test_preferences_without_email_are_shown_but_disabled(new_context) -> None:
    page = resident_page(new_context, "Senza Posta")

    # the same server's answer, as a server without SMTP would give it
    def without_email(route) -> None:
        response = route.fetch()
        body = response.json()
        body["email_enabled"] = False
        route.fulfill(response=response, json=body)

    page.route("**/api/v1/notifications/preferences", without_email)
    page.goto("/notifiche/preferenze")
    ready(page)
    expect(page.locator(".qc-email-unavailable")).to_contain_text("L’invio di e-mail non è attivo")
    switches = page.get_by_role("switch")
    assert switches.count() >= 1
    for i in range(switches.count()):
        expect(switches.nth(i)).to_be_disabled()
    expect(page.get_by_role("button", name="Salva le preferenze")).to_be_disabled()


# Accessibility ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["it", "en"])
def test_axe_finds_no_serious_violation_on_the_notification_pages(
    new_context, axe_source, language: str
) -> None:
    # add_script_tag injects inline code, which the CSP forbids: bypass it for axe only
    custodian = custodian_page(new_context, bypass_csp=True)
    custodian.evaluate("lang => localStorage.setItem('qc.lang', lang)", language)
    custodian.goto("/notifiche")
    ready(custodian)
    live(custodian)
    expect(custodian.locator("html")).to_have_attribute("lang", language)

    # an unread item in the list and a toast on screen while axe looks
    request_tenancy_as_new_resident(new_context, "Axe Residente")
    expect(custodian.locator("#qc-toasts .qc-toast")).to_have_count(1)
    expect(custodian.locator("main li.qc-notification[data-unread='true']")).to_have_count(1)
    bell_name = {"it": "Notifiche, 1 non letta", "en": "Notifications, 1 unread"}[language]
    expect(custodian.locator("header a.qc-bell")).to_have_accessible_name(bell_name)
    region = {"it": "Notifiche in arrivo", "en": "Incoming notifications"}[language]
    expect(custodian.locator("#qc-toasts")).to_have_accessible_name(region)

    found = {}
    bad = serious_axe_violations(custodian, axe_source)
    if bad:
        found["/notifiche"] = bad
    custodian.goto("/notifiche/preferenze")
    ready(custodian)
    expect(custodian.get_by_role("switch").first).to_be_visible()
    bad = serious_axe_violations(custodian, axe_source)
    if bad:
        found["/notifiche/preferenze"] = bad
    assert found == {}
