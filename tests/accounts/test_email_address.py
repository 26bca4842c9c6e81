"""A person's e-mail address, through a real SMTP server: the link sent at registration (and
again on request) verifies it; notifications are e-mailed only to verified addresses; a
change needs the password and a link opened from the new address, and the old one is told.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qc_platform.accounts.models import User
from qc_platform.core.audit import AuditEntry
from qc_platform.extensions import db
from qc_platform.notifications.models import Notification
from tests.accounts.conftest import PUBLIC_URL
from tests.accounts.factories import UserFactory, bearer
from tests.conftest import TEST_PASSWORD
from tests.notifications.helpers import announce_committed

API = "/api/v1"
PASSWORD = "tre-gatti-sul-tetto"


def register(app, email: str, locale: str = "it"):
    response = app.test_client().post(
        f"{API}/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": "Anna Neri", "locale": locale},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def me(app, headers) -> dict:
    response = app.test_client().get(f"{API}/auth/me", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def confirm_verification(app, token: str):
    return app.test_client().post(f"{API}/auth/email-verification/confirm", json={"token": token})


def confirm_change(app, token: str):
    return app.test_client().post(f"{API}/auth/email-change/confirm", json={"token": token})


def ask_change(app, headers, new_email: str, password: str = TEST_PASSWORD, **kwargs):
    return app.test_client().post(
        f"{API}/users/me/email",
        json={"new_email": new_email, "password": password},
        headers={**headers, **kwargs.pop("headers", {})},
        **kwargs,
    )


def audit_actions(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- verification -----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["it", "en"])
def test_the_link_sent_at_registration_verifies_the_address(mail_app, inbox, locale):
    user_id = register(mail_app, "anna.neri@example.org", locale)
    headers = bearer(db.session.get(User, user_id))
    assert me(mail_app, headers)["email_verified"] is False

    message = inbox.only_message_to("anna.neri@example.org")
    assert (
        message["Subject"]
        == {
            "it": "Conferma il tuo indirizzo e-mail",
            "en": "Confirm your e-mail address",
        }[locale]
    )
    assert inbox.link_in(message).startswith(f"{PUBLIC_URL}/verifica-email?token=")
    token = inbox.token_in(message)

    assert confirm_verification(mail_app, token).status_code == 204
    assert me(mail_app, headers)["email_verified"] is True
    # Once only: the same answer as for any bad link.
    again = confirm_verification(mail_app, token)
    assert again.status_code == 400
    assert again.get_data() == confirm_verification(mail_app, "inventato").get_data()
    assert len(audit_actions("email.verified")) == 1


def test_a_new_link_can_be_asked_for_and_none_once_verified(mail_app, inbox):
    user_id = register(mail_app, "di.nuovo@example.org")
    inbox.deliver()
    headers = bearer(db.session.get(User, user_id))
    again = mail_app.test_client().post(f"{API}/auth/email-verification", headers=headers)
    assert again.status_code == 202
    assert again.get_json()["message"].startswith("Ti abbiamo inviato")
    inbox.deliver()
    first, second = inbox.messages_to("di.nuovo@example.org")
    assert confirm_verification(mail_app, inbox.token_in(second)).status_code == 204
    # Verified: asking again sends nothing.
    done = mail_app.test_client().post(f"{API}/auth/email-verification", headers=headers)
    assert done.status_code == 202
    assert done.get_json()["message"] == "Il tuo indirizzo e-mail è già confermato."
    assert inbox.deliver() == 0


def test_the_demo_seed_and_create_admin_count_as_verified(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["qc", "create-admin", "--email", "capo@example.org", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "capo@example.org"))
    assert admin.email_verified


# --- notifications go only to verified addresses ---------------------------------------------


def test_notifications_are_emailed_only_to_verified_addresses(mail_app, inbox):
    unverified = UserFactory(email="non.verificata@example.org", email_verified_at=None)
    verified = UserFactory(email="verificata@example.org")
    unverified_id = unverified.id
    with mail_app.app_context():
        announce_committed([unverified, verified], title="Acqua sospesa")
    inbox.deliver()
    assert [m["Subject"] for m in inbox.messages_to("verificata@example.org")] == ["Acqua sospesa"]
    assert inbox.messages_to("non.verificata@example.org") == []
    # The notification itself is there, in the app, for both.
    assert db.session.scalar(
        select(Notification.title).where(Notification.user_id == unverified_id)
    ) == ("Acqua sospesa")

    # Once the address is verified, e-mails reach it.
    headers = bearer(db.session.get(User, unverified_id))
    mail_app.test_client().post(f"{API}/auth/email-verification", headers=headers)
    token = inbox.token_in(inbox.only_message_to("non.verificata@example.org"))
    assert confirm_verification(mail_app, token).status_code == 204
    with mail_app.app_context():
        announce_committed([db.session.get(User, unverified_id)], title="Ascensore riparato")
    inbox.deliver()
    subjects = [m["Subject"] for m in inbox.messages_to("non.verificata@example.org")]
    assert subjects[-1] == "Ascensore riparato"


# --- changing the address ---------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["it", "en"])
def test_a_change_is_confirmed_from_the_new_address_and_the_old_one_is_told(
    mail_app, inbox, locale
):
    user = UserFactory(email="vecchio@example.org", display_name="Luca Bruni", locale=locale)
    user_id, headers = user.id, bearer(user)

    response = ask_change(mail_app, headers, "Nuovo@Example.org")
    assert response.status_code == 202
    # Nothing changes until the link is opened from the new address.
    assert me(mail_app, headers)["email"] == "vecchio@example.org"
    message = inbox.only_message_to("nuovo@example.org")
    assert (
        message["Subject"]
        == {
            "it": "Conferma il tuo nuovo indirizzo e-mail",
            "en": "Confirm your new e-mail address",
        }[locale]
    )
    link = inbox.link_in(message)
    assert link.startswith(f"{PUBLIC_URL}/verifica-email?token=") and "cambio=1" in link

    assert confirm_change(mail_app, inbox.token_in(message)).status_code == 204
    after = me(mail_app, headers)
    assert (after["email"], after["email_verified"]) == ("nuovo@example.org", True)

    inbox.deliver()
    (notice,) = inbox.messages_to("vecchio@example.org")
    assert (
        notice["Subject"]
        == {
            "it": "L'indirizzo e-mail del tuo account è cambiato",
            "en": "The e-mail address of your account has changed",
        }[locale]
    )
    assert "n***@example.org" in notice.get_content()
    assert "nuovo@example.org" not in notice.get_content()
    # Sign-in is with the new address now.
    client = mail_app.test_client()
    login = {"password": TEST_PASSWORD}
    assert (
        client.post(f"{API}/auth/login", json={**login, "email": "vecchio@example.org"}).status_code
        == 401
    )
    assert (
        client.post(f"{API}/auth/login", json={**login, "email": "nuovo@example.org"}).status_code
        == 200
    )
    assert [row.object_id for row in audit_actions("email.change")] == [user_id]


def test_a_wrong_password_is_403_and_nothing_is_sent(mail_app, inbox):
    user = UserFactory(email="prudente@example.org")
    response = ask_change(mail_app, bearer(user), "altro@example.org", password="non-e-questa")
    assert response.status_code == 403
    assert list(response.get_json()["errors"]["json"]) == ["password"]
    assert inbox.deliver() == 0
    assert audit_actions("auth.login_failed")[0].details == {"via": "email_change"}


def test_a_taken_address_is_refused_only_at_confirmation(mail_app, inbox):
    UserFactory(email="occupato@example.org")
    asker = UserFactory(email="richiedente@example.org")
    asker_id, headers = asker.id, bearer(asker)
    taken = ask_change(mail_app, headers, "occupato@example.org")
    free = ask_change(mail_app, headers, "libero@example.org")
    # The same answer: asking tells nobody who has an account.
    assert taken.status_code == free.status_code == 202
    assert taken.get_data() == free.get_data()

    token = inbox.token_in(inbox.only_message_to("occupato@example.org"))
    refused = confirm_change(mail_app, token)
    assert refused.status_code == 409
    assert refused.get_json()["message"] == (
        "Questo indirizzo è già usato da un altro account: non può diventare il tuo."
    )
    assert db.session.get(User, asker_id).email == "richiedente@example.org"


def test_the_same_address_is_422(mail_app):
    user = UserFactory(email="uguale@example.org")
    response = ask_change(mail_app, bearer(user), "UGUALE@example.org")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["new_email"]


def test_links_sent_to_the_old_address_stop_working_after_a_change(mail_app, inbox):
    user = UserFactory(email="prima@example.org", email_verified_at=None)
    headers = bearer(user)
    mail_app.test_client().post(f"{API}/auth/email-verification", headers=headers)
    mail_app.test_client().post(f"{API}/auth/password-reset", json={"email": "prima@example.org"})
    inbox.deliver()
    verification, reset = inbox.messages_to("prima@example.org")
    assert ask_change(mail_app, headers, "dopo@example.org").status_code == 202
    assert (
        confirm_change(
            mail_app, inbox.token_in(inbox.only_message_to("dopo@example.org"))
        ).status_code
        == 204
    )

    assert confirm_verification(mail_app, inbox.token_in(verification)).status_code == 400
    stale_reset = mail_app.test_client().post(
        f"{API}/auth/password-reset/confirm",
        json={"token": inbox.token_in(reset), "new_password": "un-altra-password-ancora"},
    )
    assert stale_reset.status_code == 400
