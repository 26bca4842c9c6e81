"""The password policy, wherever a password is set: registration, change, reset (in
test_password_reset.py) and ``qc create-admin``. At least 10 characters, not containing
the e-mail's local part or the display name, not easy to guess; a refusal is a 422 that
names the field and says why, in Italian and English."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from sqlalchemy import func, select

from qc_platform.accounts import passwords
from qc_platform.accounts import service as accounts
from qc_platform.accounts.models import User
from qc_platform.extensions import db
from tests.accounts.factories import UserFactory, bearer
from tests.conftest import TEST_PASSWORD

API = "/api/v1"

REASONS = {
    "too_short": {
        "it": "La password deve avere almeno 10 caratteri.",
        "en": "The password must be at least 10 characters long.",
    },
    "contains_email": {
        "it": "La password non deve contenere la prima parte del tuo indirizzo e-mail "
        "(quella prima della @).",
        "en": "The password must not contain the first part of your e-mail address "
        "(the part before the @).",
    },
    "contains_name": {
        "it": "La password non deve contenere il tuo nome.",
        "en": "The password must not contain your name.",
    },
    "too_common": {
        "it": "Questa password è troppo comune o facile da indovinare. Evita parole "
        "singole, nomi, date, sequenze come 12345 o qwerty e ripetizioni: unisci "
        "invece tre o quattro parole che non c'entrano tra loro.",
        "en": "This password is too common or easy to guess. Avoid single words, "
        "names, dates, sequences such as 12345 or qwerty, and repetitions: join three "
        "or four unrelated words instead.",
    },
}


def problem(password: str, email: str = "giulia.bianchi@example.org", name: str = "Giulia B."):
    return passwords.password_problem(password, email=email, display_name=name)


# --- the rule, reason by reason -----------------------------------------------------------


NICCOLO = {"email": "nd@example.org", "name": "Niccolò D'Amico"}


@pytest.mark.parametrize(
    ("password", "person", "reason"),
    [
        ("gufo-Ram7", {}, "too_short"),
        ("", {}, "too_short"),
        # the e-mail's local part, in any case, with or without its punctuation
        ("giulia.bianchi-2026", {}, "contains_email"),
        ("XX-GIULIA.BIANCHI-XX", {}, "contains_email"),
        ("giuliabianchi+vela", {}, "contains_email"),
        ("Giulia_Bianchi!!", {}, "contains_email"),
        # the display name, in any case, accents and spaces aside
        ("Niccolò D'Amico 1987", NICCOLO, "contains_name"),
        ("niccolodamico-vela", NICCOLO, "contains_name"),
        ("NICCOLO.DAMICO.SOLE", NICCOLO, "contains_name"),
        # common, or variations a guesser tries first
        ("1234567890", {}, "too_common"),
        ("password123!", {}, "too_common"),
        ("Password2026!", {}, "too_common"),
        ("qwertyuiop", {}, "too_common"),
        ("juventus1897", {}, "too_common"),
        ("ciaociao12", {}, "too_common"),
        ("passwordpassword", {}, "too_common"),
        ("aaaaaaaaaaaaaaa", {}, "too_common"),
        ("quartiericonnessi", {}, "too_common"),
        ("milanomilano", {}, "too_common"),
    ],
)
def test_a_password_is_refused_with_its_reason(password, person, reason):
    assert problem(password, **person) == reason


@pytest.mark.parametrize(
    "password",
    [
        "gufo-Ramo7",  # ten characters are enough when they are not guessable
        "tre parole qualunque",
        "correct-horse-battery",
        TEST_PASSWORD,
        "x" * 3 + "Vela-Nord7-" * 20,  # long: only the first 72 characters are estimated
    ],
)
def test_a_good_password_is_accepted(password):
    assert problem(password) is None


def test_short_parts_of_the_address_or_name_are_not_looked_for():
    # "al" cannot reasonably be avoided: only parts of three characters and more count.
    assert problem("cavallo-salato-verde", email="al@example.org", name="Al") is None
    assert problem("cavallo-anna-verde", email="anna@example.org", name="Al") == "contains_email"


def test_the_demo_password_and_the_test_password_keep_the_policy():
    demo = json.loads(resources.files("qc_platform.data").joinpath("demo.json").read_text())
    for entry in demo["users"]:
        assert (
            passwords.password_problem(
                demo["password"], email=entry["email"], display_name=entry["display_name"]
            )
            is None
        ), entry["email"]
    for n in range(3):
        assert problem(TEST_PASSWORD, email=f"persona{n}@example.org", name="Mario Rossi") is None


# --- where a password is set ----------------------------------------------------------------


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize("locale", ["it", "en"])
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("corta", "too_short"),
        ("gbianchi87-vela!", "contains_email"),
        ("Giulia Bianchi 99", "contains_name"),
        ("1234567890", "too_common"),
    ],
)
def test_registration_with_a_weak_password_is_422_naming_password_and_why(
    client, locale, password, reason
):
    before = _users()
    response = client.post(
        f"{API}/auth/register",
        json={
            "email": "gbianchi87@example.org",
            "password": password,
            "display_name": "Giulia Bianchi",
        },
        headers={"Accept-Language": locale},
    )
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["errors"]["json"] == {"password": [REASONS[reason][locale]]}
    assert _users() == before


@pytest.mark.parametrize("locale", ["it", "en"])
def test_a_weak_new_password_is_422_naming_new_password_and_nothing_changes(client, locale):
    user = UserFactory(email="mario.rossi@example.org", display_name="Mario Rossi")
    user_id, email = user.id, user.email
    headers = {**bearer(user), "Accept-Language": locale}
    for password, reason in [
        ("mario.rossi-2026", "contains_email"),
        ("password123!", "too_common"),
        ("corta", "too_short"),
    ]:
        response = client.post(
            f"{API}/auth/password",
            json={"current_password": TEST_PASSWORD, "new_password": password},
            headers=headers,
        )
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["errors"]["json"] == {"new_password": [REASONS[reason][locale]]}
        # The old password still signs in; the weak one does not.
        assert accounts.authenticate(email=email, password=TEST_PASSWORD).id == user_id
        with pytest.raises(accounts.BadCredentials):
            accounts.authenticate(email=email, password=password)


def test_a_wrong_current_password_is_403_before_the_policy_is_read(client):
    user = UserFactory()
    response = client.post(
        f"{API}/auth/password",
        json={"current_password": "non-e-questa-password", "new_password": "1234567890"},
        headers=bearer(user),
    )
    assert response.status_code == 403


def _create_admin(app, email: str, password: str):
    return app.test_cli_runner().invoke(
        args=["qc", "create-admin", "--email", email, "--password", password]
    )


def test_create_admin_refuses_a_weak_password_saying_why(app):
    result = _create_admin(app, "capo@example.org", "capo-capo-capo")
    assert result.exit_code != 0
    assert REASONS["contains_email"]["it"] in result.output
    assert REASONS["contains_email"]["en"] in result.output
    assert accounts.find_user_by_email("capo@example.org") is None


def test_create_admin_refuses_a_weak_password_for_an_existing_user_too(app):
    user_id = UserFactory(email="esistente@example.org").id
    result = _create_admin(app, "esistente@example.org", "1234567890")
    assert result.exit_code != 0
    assert REASONS["too_common"]["en"] in result.output
    assert (
        accounts.authenticate(email="esistente@example.org", password=TEST_PASSWORD).id == user_id
    )
