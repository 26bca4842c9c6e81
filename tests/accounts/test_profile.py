"""PATCH /users/me: a person changes their own display name and language."""

from __future__ import annotations

import pytest

from qc_platform.accounts.models import User
from qc_platform.extensions import db
from tests.accounts.factories import UserFactory, bearer, user_with_roles
from tests.conftest import TEST_PASSWORD

API = "/api/v1"


def test_a_person_changes_their_name_and_language(client):
    user = UserFactory(display_name="Giulia Bianchi", locale="it")
    user_id = user.id
    headers = bearer(user)
    response = client.patch(
        f"{API}/users/me", json={"display_name": "  Giulia B.  ", "locale": "en"}, headers=headers
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["display_name"], body["locale"]) == (user_id, "Giulia B.", "en")
    me = client.get(f"{API}/auth/me", headers=headers).get_json()
    assert (me["display_name"], me["locale"]) == ("Giulia B.", "en")


def test_a_field_left_out_stays_as_it_is(client):
    user = UserFactory(display_name="Mario Rossi", locale="it")
    user_id = user.id
    headers = bearer(user)
    assert (
        client.patch(f"{API}/users/me", json={"locale": "en"}, headers=headers).status_code == 200
    )
    assert client.patch(f"{API}/users/me", json={}, headers=headers).status_code == 200
    stored = db.session.get(User, user_id)
    assert (stored.display_name, stored.locale) == ("Mario Rossi", "en")


def test_the_new_language_is_the_one_of_later_notifications(client):
    staff = user_with_roles(("staff", None, None))
    user = UserFactory(locale="it")
    user_id = user.id
    client.patch(f"{API}/users/me", json={"locale": "en"}, headers=bearer(user))
    granted = client.post(
        f"{API}/users/{user_id}/roles",
        json={"role": "custodian", "scope_type": "complex", "scope_id": 1},
        headers=bearer(staff),
    )
    assert granted.status_code == 201
    notes = client.get(f"{API}/notifications", headers=bearer(db.session.get(User, user_id)))
    (notification,) = notes.get_json()["items"]
    assert notification["title"] == "You have a new role: social custodian"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "n" * 81}, "display_name"),
        ({"display_name": "Riga uno\nRiga due"}, "display_name"),
        ({"display_name": "Tab\tnel nome"}, "display_name"),
        ({"display_name": None}, "display_name"),
        ({"display_name": 42}, "display_name"),
        ({"locale": "fr"}, "locale"),
        ({"locale": "EN"}, "locale"),
        ({"locale": None}, "locale"),
        # one good field and one bad: nothing at all changes
        ({"display_name": "Nome nuovo", "locale": "xx"}, "locale"),
        ({"display_name": "Nome nuovo", "email": "altro@example.org"}, "email"),
        ({"display_name": "Nome nuovo", "roles": [{"role": "admin"}]}, "roles"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(client, body, field):
    user = UserFactory(display_name="Anna Neri", locale="it", email="anna@example.org")
    user_id = user.id
    response = client.patch(f"{API}/users/me", json=body, headers=bearer(user))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    stored = db.session.get(User, user_id)
    assert (stored.display_name, stored.locale, stored.email) == (
        "Anna Neri",
        "it",
        "anna@example.org",
    )
    assert stored.global_roles() == set()


def test_a_body_that_is_not_an_object_is_refused(client):
    response = client.patch(f"{API}/users/me", json=["Anna"], headers=bearer(UserFactory()))
    assert response.status_code == 422


def test_with_the_session_cookie_the_csrf_token_is_needed(client):
    user = UserFactory(display_name="Anna Neri")
    user_id = user.id
    login = client.post(f"{API}/auth/login", json={"email": user.email, "password": TEST_PASSWORD})
    token = login.get_json()["csrf_token"]
    refused = client.patch(f"{API}/users/me", json={"display_name": "Altro"})
    assert refused.status_code == 403
    assert db.session.get(User, user_id).display_name == "Anna Neri"
    ok = client.patch(
        f"{API}/users/me", json={"display_name": "Altro"}, headers={"X-CSRF-Token": token}
    )
    assert ok.status_code == 200
    assert db.session.get(User, user_id).display_name == "Altro"


def test_signed_out_is_401(client):
    assert client.patch(f"{API}/users/me", json={"locale": "en"}).status_code == 401
