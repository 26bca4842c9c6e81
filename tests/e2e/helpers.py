"""Helpers shared by the browser tests: page state, accounts, sign-in, errors, axe."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import BrowserContext, Page, expect

PASSWORD = "una-password-lunga-42"
# The demo accounts of `qc seed --demo` (qc_platform/data/demo.json; never in production).
DEMO_PASSWORD = "quartieri-demo-2026"  # noqa: S105 - a public demo password

# Collects the page's CSP violations in ``window.__cspViolations`` (an init script).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def ready(page: Page) -> None:
    """The current page has loaded its data and rendered."""
    page.locator("main#main[data-state='ready']").wait_for()


def unique_email() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}@example.org"


def register(context: BrowserContext, name: str, locale: str = "it") -> str:
    """A new resident, signed in for the context's API requests (not yet for its pages)."""
    email = unique_email()
    response = context.request.post(
        "/api/v1/auth/register",
        data={"email": email, "password": PASSWORD, "display_name": name, "locale": locale},
    )
    assert response.ok, response.text()
    return email


def submit_sign_in_form(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill in and submit the sign-in form of the current page."""
    page.locator("form#signin input[name='email']").fill(email)
    page.locator("form#signin input[name='password']").fill(password)
    page.locator("form#signin button[type='submit']").click()


def sign_in(page: Page, email: str, password: str = PASSWORD, then: str = r"/profilo$") -> None:
    """Through the sign-in form, as a person would; waits for the page it leads to."""
    page.goto("/accedi")
    ready(page)
    submit_sign_in_form(page, email, password)
    expect(page).to_have_url(re.compile(then))
    ready(page)


def collect_errors(page: Page) -> list[str]:
    """The page's console errors and uncaught exceptions, from now on."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def serious_axe_violations(page: Page, axe_source) -> list[dict]:
    """axe-core's serious and critical violations on the current page (needs bypass_csp)."""
    page.add_script_tag(path=str(axe_source))
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, { resultTypes: ['violations'] });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
            }));
        }"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def live(page: Page) -> None:
    """The page's Socket.IO connection is up (and the server has put it in the user's room)."""
    expect(page.locator("html")).to_have_attribute("data-live", "connected")


def person(
    new_context,
    email: str,
    password: str = DEMO_PASSWORD,
    *,
    init_script: str | None = None,
    **options,
) -> Page:
    """A user (a demo one by default) in a browser of their own, signed in through the form
    (on /profilo); ``init_script`` runs in every page (e.g. ``CSP_LISTENER``)."""
    context = new_context(**options)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    sign_in(page, email, password)
    return page


def api(context: BrowserContext, method: str, path: str, data: dict | None = None) -> dict:
    """An API call with the context's session cookie and CSRF token."""
    token = context.request.get("/api/v1/auth/me").json()["csrf_token"]
    response = context.request.fetch(
        path, method=method, data=data if data is not None else {}, headers={"X-CSRF-Token": token}
    )
    assert response.ok, f"{method} {path}: {response.status} {response.text()}"
    return response.json() if response.status != 204 else {}
