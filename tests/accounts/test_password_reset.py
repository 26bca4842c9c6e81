"""A forgotten password, through a real SMTP server: ask, read the link in the e-mail, choose
a new password; every session and token of the person ends. The answer to the request is
the same whether the address is an account's or not; a link works once, for 60 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from qc_platform.accounts.models import EmailToken, User
from qc_platform.core.audit import AuditEntry
from qc_platform.extensions import db
from qc_platform.notifications.models import OutgoingEmail
from tests.accounts.conftest import PUBLIC_URL
from tests.accounts.factories import UserFactory, bearer
from tests.conftest import TEST_PASSWORD, make_test_app, restored_extension_state

API = "/api/v1"
NEW_PASSWORD = "lampione-verde-sul-naviglio"
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
INVALID_LINK = {
    "it": "Questo collegamento non è valido: è scaduto, è già stato usato o è incompleto. "
    "Chiedine uno nuovo.",
    "en": "This link is not valid: it has expired, it has been used already or it is "
    "incomplete. Ask for a new one.",
}


def ask_reset(app, email: str, **kwargs):
    return app.test_client().post(f"{API}/auth/password-reset", json={"email": email}, **kwargs)


def confirm(app, token: str, password: str = NEW_PASSWORD, **kwargs):
    return app.test_client().post(
        f"{API}/auth/password-reset/confirm",
        json={"token": token, "new_password": password},
        **kwargs,
    )


def sign_in(client, email: str, password: str):
    return client.post(f"{API}/auth/login", json={"email": email, "password": password})


def audit_actions(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def reset_link_for(app, inbox, email: str) -> str:
    assert ask_reset(app, email).status_code == 202
    return inbox.token_in(inbox.only_message_to(email))


# --- the whole journey --------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["it", "en"])
def test_reset_by_email_ends_every_session_and_token(mail_app, inbox, smtp_server, locale):
    user = UserFactory(email="mario.rossi@example.org", display_name="Mario Rossi", locale=locale)
    user_id = user.id
    browser, other_browser = mail_app.test_client(), mail_app.test_client()
    assert sign_in(browser, user.email, TEST_PASSWORD).status_code == 200
    assert sign_in(other_browser, user.email, TEST_PASSWORD).status_code == 200
    token_headers = bearer(user)
    assert browser.get(f"{API}/auth/me").status_code == 200

    response = ask_reset(mail_app, "Mario.Rossi@Example.org ")
    assert response.status_code == 202
    # Written to the outbox in the request, sent after it: the server has nothing yet.
    assert smtp_server.mailbox.messages == []

    message = inbox.only_message_to("mario.rossi@example.org")
    subject = {
        "it": "Reimposta la password di Quartieri Connessi",
        "en": "Reset your Quartieri Connessi password",
    }[locale]
    assert message["Subject"] == subject
    assert "Mario Rossi" in message.get_content()
    link = inbox.link_in(message)
    assert link.startswith(f"{PUBLIC_URL}/reimposta-password?token=")

    assert confirm(mail_app, inbox.token_in(message)).status_code == 204

    # Every session and every personal token of the person has ended...
    assert browser.get(f"{API}/auth/me").status_code == 401
    assert other_browser.get(f"{API}/auth/me").status_code == 401
    assert mail_app.test_client().get(f"{API}/auth/me", headers=token_headers).status_code == 401
    # ...the old password no longer signs in, the new one does.
    fresh = mail_app.test_client()
    assert sign_in(fresh, "mario.rossi@example.org", TEST_PASSWORD).status_code == 401
    assert sign_in(fresh, "mario.rossi@example.org", NEW_PASSWORD).status_code == 200
    (row,) = audit_actions("password.reset")
    assert (row.object_id, row.details) == (user_id, {"sessions_ended": 2, "tokens_revoked": 1})


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(mail_app, inbox):
    UserFactory(email="conosciuta@example.org")
    known = ask_reset(mail_app, "conosciuta@example.org")
    unknown = ask_reset(mail_app, "sconosciuta@example.org")
    assert known.status_code == unknown.status_code == 202
    assert known.get_data() == unknown.get_data()
    assert known.get_json()["message"].startswith("Se l'indirizzo è quello di un account")

    def headers(response):
        return sorted((k, v) for k, v in response.headers.items() if k not in {"Date"})

    assert headers(known) == headers(unknown)
    # Both leave one audit row; only the account's names it, and only it gets an e-mail.
    known_row, unknown_row = audit_actions("password.reset_requested")
    assert known_row.object_type == "user" and known_row.object_id is not None
    assert (unknown_row.object_type, unknown_row.object_id) == (None, None)
    assert unknown_row.details == {"account": "unknown"}
    assert inbox.deliver() == 1
    assert inbox.messages_to("sconosciuta@example.org") == []


@pytest.mark.parametrize("locale", ["it", "en"])
def test_the_same_english_or_italian_answer_whoever_asks(mail_app, locale):
    UserFactory(email="conosciuta@example.org")
    lang = {"headers": {"Accept-Language": locale}}
    known = ask_reset(mail_app, "conosciuta@example.org", **lang).get_json()
    unknown = ask_reset(mail_app, "sconosciuta@example.org", **lang).get_json()
    assert known == unknown
    expected = {"it": "Se l'indirizzo", "en": "If the address belongs"}[locale]
    assert known["message"].startswith(expected)


def test_an_inactive_account_gets_no_link(mail_app, inbox):
    UserFactory(email="sospesa@example.org", is_active=False)
    assert ask_reset(mail_app, "sospesa@example.org").status_code == 202
    assert inbox.deliver() == 0


# --- the link: once, for 60 minutes, for the address it was sent to -------------------------


def test_a_link_works_once(mail_app, inbox):
    UserFactory(email="una.volta@example.org")
    token = reset_link_for(mail_app, inbox, "una.volta@example.org")
    assert confirm(mail_app, token).status_code == 204
    again = confirm(mail_app, token, "un-altra-password-ancora")
    assert again.status_code == 400
    assert again.get_json()["message"] == INVALID_LINK["it"]
    assert again.get_json()["errors"] == {"json": {"token": [INVALID_LINK["it"]]}}
    fresh = mail_app.test_client()
    assert sign_in(fresh, "una.volta@example.org", NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize("locale", ["it", "en"])
def test_a_link_expires_after_60_minutes_with_the_same_message(mail_app, inbox, locale):
    UserFactory(email="in.ritardo@example.org")
    lang = {"headers": {"Accept-Language": locale}}
    with time_machine.travel(T0, tick=False):
        early = reset_link_for(mail_app, inbox, "in.ritardo@example.org")
    with time_machine.travel(T0 + timedelta(minutes=59), tick=False):
        assert confirm(mail_app, early, **lang).status_code == 204
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        assert ask_reset(mail_app, "in.ritardo@example.org").status_code == 202
        inbox.deliver()
        late = inbox.token_in(inbox.messages_to("in.ritardo@example.org")[-1])
    with time_machine.travel(T0 + timedelta(hours=3, seconds=1), tick=False):
        expired = confirm(mail_app, late, "un-altra-password-ancora", **lang)
    unknown = confirm(mail_app, "non-esiste-questo-token", **lang)
    reused = confirm(mail_app, early, **lang)
    for response in (expired, unknown, reused):
        assert response.status_code == 400
        assert response.get_json()["message"] == INVALID_LINK[locale]
    assert expired.get_data() == unknown.get_data() == reused.get_data()


def test_a_weak_password_is_422_and_the_link_still_works(mail_app, inbox):
    UserFactory(email="giulia.verdi@example.org", display_name="Giulia Verdi")
    token = reset_link_for(mail_app, inbox, "giulia.verdi@example.org")
    for weak in ("1234567890", "giulia.verdi.2026", "corta"):
        response = confirm(mail_app, token, weak)
        assert response.status_code == 422, weak
        assert list(response.get_json()["errors"]["json"]) == ["new_password"]
    assert confirm(mail_app, token).status_code == 204


def test_a_reset_ends_the_other_links_of_the_person(mail_app, inbox):
    UserFactory(email="due.link@example.org")
    assert ask_reset(mail_app, "due.link@example.org").status_code == 202
    assert ask_reset(mail_app, "due.link@example.org").status_code == 202
    inbox.deliver()
    first, second = (inbox.token_in(m) for m in inbox.messages_to("due.link@example.org"))
    assert confirm(mail_app, second).status_code == 204
    assert confirm(mail_app, first, "un-altra-password-ancora").status_code == 400


def test_only_the_hash_of_the_token_is_stored(mail_app, inbox):
    UserFactory(email="hash@example.org")
    token = reset_link_for(mail_app, inbox, "hash@example.org")
    (row,) = db.session.scalars(select(EmailToken))
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert token not in str(audit_actions("password.reset_requested")[0].details)


def test_a_reset_verifies_an_unverified_address(mail_app, inbox):
    user_id = UserFactory(email="nuova@example.org", email_verified_at=None).id
    token = reset_link_for(mail_app, inbox, "nuova@example.org")
    assert confirm(mail_app, token).status_code == 204
    assert db.session.get(User, user_id).email_verified


# --- rate limits -----------------------------------------------------------------------------


@pytest.fixture
def limited_app(database_url, frontend_dist, tmp_path):
    with restored_extension_state():
        yield make_test_app(
            database_url,
            frontend_dist,
            tmp_path,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI="memory://",
            QC_PASSWORD_RESET_RATE_LIMIT="4 per hour",
            QC_PASSWORD_RESET_EMAIL_RATE_LIMIT="2 per hour",
        )


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.mark.parametrize("email", ["conosciuta@example.org", "sconosciuta@example.org"])
def test_requests_for_one_address_are_limited_from_any_client(limited_app, email):
    UserFactory(email="conosciuta@example.org")
    assert ask_reset(limited_app, email, **_from("10.0.0.1")).status_code == 202
    assert ask_reset(limited_app, email.upper(), **_from("10.0.0.2")).status_code == 202
    over = ask_reset(limited_app, email, **_from("10.0.0.3"))
    assert over.status_code == 429  # the same for an account and for no account
    assert ask_reset(limited_app, "altra@example.org", **_from("10.0.0.3")).status_code == 202


def test_requests_from_one_client_are_limited_whatever_the_address(limited_app):
    for n in range(4):
        assert ask_reset(limited_app, f"p{n}@example.org", **_from("10.0.0.9")).status_code == 202
    assert ask_reset(limited_app, "p9@example.org", **_from("10.0.0.9")).status_code == 429
    assert ask_reset(limited_app, "p9@example.org", **_from("10.0.0.10")).status_code == 202


def test_without_a_mail_server_nothing_is_queued(client):
    UserFactory(email="senza.posta@example.org")
    assert ask_reset(client.application, "senza.posta@example.org").status_code == 202
    assert db.session.scalar(select(func.count()).select_from(OutgoingEmail)) == 0
