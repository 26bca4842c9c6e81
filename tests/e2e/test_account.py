"""A forgotten password in the web app, as a person lives it: "Password dimenticata?" on the
sign-in page, the e-mail (received by the live server's SMTP server), the link, the new
password typed twice, signing in with it. And axe on every new account page (asking for a
link, choosing a password, confirming an address, the profile's password and e-mail
forms with the "not confirmed" banner), in Italian and English, on a 390-pixel phone.
"""

from __future__ import annotations

import re
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    collect_errors,
    ready,
    register,
    serious_axe_violations,
    sign_in,
    submit_sign_in_form,
)

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}}
NEW_PASSWORD = "pioggia-sul-ponte-delle-gru"


def wait_for_email(mail_sink, address: str, subject: str) -> EmailMessage:
    """The newest message to ``address`` with ``subject`` (the live server's mailer sends
    it from its own thread, after the commit); fails after 20 seconds without one."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for envelope in reversed(mail_sink[1].envelopes):
            message = message_from_bytes(envelope.content, policy=policy.default)
            if address in envelope.rcpt_tos and message["Subject"] == subject:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no e-mail {subject!r} to {address}")


def link_in(message: EmailMessage, live_server: str) -> str:
    (link,) = re.findall(re.escape(live_server) + r"/\S+", message.get_content())
    return link.removeprefix(live_server)


def test_forgotten_password_email_link_new_password_sign_in(new_context, live_server, mail_sink):
    context = new_context(**PHONE)
    email = register(context, "Rita Dimentica")
    context.clear_cookies()  # registration signed the API client in: start signed out
    page = context.new_page()
    errors = collect_errors(page)

    page.goto("/accedi")
    ready(page)
    page.get_by_role("link", name="Password dimenticata?").click()
    expect(page).to_have_url(re.compile(r"/password-dimenticata$"))
    ready(page)
    page.locator("#forgot-password-email").fill(email)
    page.get_by_role("button", name="Mandami il collegamento").click()
    expect(page.locator(".qc-form-status")).to_contain_text("Se l'indirizzo è quello di un account")

    message = wait_for_email(mail_sink, email, "Reimposta la password di Quartieri Connessi")
    path = link_in(message, live_server)
    assert path.startswith("/reimposta-password?token=")

    page.goto(path)
    ready(page)
    # the rules are there before anything is typed
    expect(page.locator(".qc-password-rules")).to_contain_text("almeno 10 caratteri")
    page.get_by_label("Nuova password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Ripeti la nuova password").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="Salva la nuova password").click()
    expect(page.locator("#reset-password-new_password_again-error")).to_have_text(
        "Le due password non sono uguali."
    )
    page.get_by_label("Ripeti la nuova password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Salva la nuova password").click()
    expect(page).to_have_url(re.compile(r"/accedi$"))
    ready(page)
    expect(page.locator(".qc-form-status")).to_contain_text("Password cambiata")

    submit_sign_in_form(page, email, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/profilo$"))
    ready(page)
    expect(page.locator(".qc-email")).to_have_text(email)

    # the same link, a second time: refused, with a way to ask for a new one
    page.goto(path)
    ready(page)
    page.get_by_label("Nuova password", exact=True).fill("un-altra-password-ancora")
    page.get_by_label("Ripeti la nuova password").fill("un-altra-password-ancora")
    page.get_by_role("button", name="Salva la nuova password").click()
    expect(page.locator(".qc-form-status")).to_contain_text("Questo collegamento non è valido")
    expect(page.get_by_role("link", name="Chiedi un nuovo collegamento")).to_be_visible()
    assert errors == [] or all("400" in e for e in errors)


def test_the_verification_link_confirms_the_address_and_the_banner_goes(
    new_context, live_server, mail_sink
):
    context = new_context(**PHONE)
    email = register(context, "Ugo Conferma")
    page = context.new_page()
    sign_in(page, email)
    expect(page.locator(".qc-unverified")).to_contain_text(email)
    page.get_by_role("button", name="Invia di nuovo").click()
    expect(page.locator(".qc-resend-status")).to_contain_text("Ti abbiamo inviato")

    message = wait_for_email(mail_sink, email, "Conferma il tuo indirizzo e-mail")
    path = link_in(message, live_server)
    assert path.startswith("/verifica-email?token=")
    page.goto(path)
    ready(page)
    expect(page.locator(".qc-verify-status")).to_contain_text("è confermato")
    page.get_by_role("link", name="Vai al tuo profilo").click()
    ready(page)
    expect(page.locator(".qc-unverified")).to_have_count(0)


@pytest.mark.parametrize("language", ["it", "en"])
def test_axe_finds_no_serious_violation_on_the_account_pages(new_context, axe_source, language):
    # add_script_tag injects inline code, which the CSP forbids: bypass it for axe only
    context = new_context(bypass_csp=True, **PHONE)
    page = context.new_page()
    email = register(context, "Axe Account", locale=language)
    context.clear_cookies()
    page.goto("/")
    page.evaluate("lang => localStorage.setItem('qc.lang', lang)", language)

    found = {}
    for path in [
        "/accedi",
        "/password-dimenticata",
        "/reimposta-password?token=prova",
        "/reimposta-password",
        "/verifica-email?token=prova",
        "/profilo",
    ]:
        if path == "/profilo":
            sign_in(page, email)
        page.goto(path)
        ready(page)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if path == "/profilo":
            expect(page.locator(".qc-unverified")).to_be_visible()
            expect(page.locator("#change-password")).to_be_visible()
            expect(page.locator("#change-email")).to_be_visible()
        if path == "/reimposta-password?token=prova":
            # the form with an error shown, as after a refused link
            page.locator("#reset-password-new_password").fill("pioggia-sul-ponte")
            page.locator("#reset-password-new_password_again").fill("pioggia-sul-ponte")
            page.locator("#reset-password button[type=submit]").click()
            expect(page.locator(".qc-ask-again")).to_be_visible()
        bad = serious_axe_violations(page, axe_source)
        if bad:
            found[path] = bad
    assert found == {}
