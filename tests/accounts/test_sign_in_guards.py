"""Password guessing and personal tokens: a per-account budget shared by every route that
checks a password, an audit row for each failed attempt and each token, tokens that expire.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from qc_platform.accounts.models import ApiToken
from qc_platform.core.audit import AuditEntry
from qc_platform.extensions import db
from tests.accounts.factories import UserFactory, bearer
from tests.conftest import TEST_PASSWORD, make_test_app, restored_extension_state

API = "/api/v1"
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def limited_app(database_url, frontend_dist, tmp_path):
    """An app with rate limits on (memory storage): a generous per-address budget, so that
    only the per-account one is at work, and a per-account budget of three failures."""
    with restored_extension_state():
        yield make_test_app(
            database_url,
            frontend_dist,
            tmp_path,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI="memory://",
            QC_LOGIN_RATE_LIMIT="1000 per minute",
            QC_ACCOUNT_LOGIN_RATE_LIMIT="3 per 15 minutes",
        )


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _login(app, address, email, password):
    return app.test_client().post(
        f"{API}/auth/login", json={"email": email, "password": password}, **_from(address)
    )


def _token(app, address, email, password, **extra):
    return app.test_client().post(
        f"{API}/auth/tokens",
        json={"email": email, "password": password, "name": "x", **extra},
        **_from(address),
    )


def audit_rows(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


# --- the per-account budget -------------------------------------------------------------


def test_guesses_from_many_addresses_share_one_budget_across_login_and_tokens(limited_app):
    victim, other_email = UserFactory().email, UserFactory().email
    assert _login(limited_app, "10.0.0.1", victim, "guess-one!").status_code == 401
    assert _token(limited_app, "10.0.0.2", victim.upper(), "guess-two!").status_code == 401
    assert _login(limited_app, "10.0.0.3", f" {victim} ", "guess-three").status_code == 401
    # The budget of the account is spent, whichever route and address comes next...
    over = _token(limited_app, "10.0.0.4", victim, TEST_PASSWORD)
    assert over.status_code == 429
    assert over.get_json()["code"] == 429
    assert _login(limited_app, "10.0.0.5", victim, TEST_PASSWORD).status_code == 429
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
    # ...and another account's is untouched.
    assert _login(limited_app, "10.0.0.1", other_email, TEST_PASSWORD).status_code == 200


def test_successful_sign_ins_do_not_spend_the_budget(limited_app):
    user = UserFactory()
    for n in range(5):
        assert _login(limited_app, f"10.0.1.{n}", user.email, TEST_PASSWORD).status_code == 200


def test_guesses_at_an_unknown_address_are_limited_too(limited_app):
    for n in range(3):
        assert _login(limited_app, f"10.0.2.{n}", "nessuno@example.org", "x").status_code == 401
    assert _login(limited_app, "10.0.2.9", "NESSUNO@example.org", "x").status_code == 429


def test_wrong_current_passwords_spend_the_same_budget(limited_app):
    user = UserFactory()
    email, headers = user.email, bearer(user)
    client = limited_app.test_client()
    for _ in range(2):
        response = client.post(
            f"{API}/auth/password",
            json={"current_password": "non-è-questa", "new_password": "una-password-nuova"},
            headers=headers,
        )
        assert response.status_code == 403
    assert _login(limited_app, "10.0.3.1", email, "guess-three").status_code == 401
    assert _login(limited_app, "10.0.3.2", email, TEST_PASSWORD).status_code == 429


# --- audit ------------------------------------------------------------------------------


def test_a_failed_login_of_an_account_is_audited_without_the_password(client):
    user = UserFactory()
    user_id = user.id
    response = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": "la-password-sbagliata"}
    )
    assert response.status_code == 401
    (row,) = audit_rows("auth.login_failed")
    assert (row.actor_id, row.object_type, row.object_id) == (None, "user", user_id)
    assert row.details == {"via": "login"}
    assert "sbagliata" not in str(row.details)


def test_each_failed_attempt_leaves_its_own_row_and_a_success_none(client):
    email = UserFactory().email
    for password in ("prima-prova", "seconda-prova"):
        body = {"email": email, "password": password}
        assert client.post(f"{API}/auth/login", json=body).status_code == 401
    ok = client.post(f"{API}/auth/login", json={"email": email, "password": TEST_PASSWORD})
    assert ok.status_code == 200
    assert len(audit_rows("auth.login_failed")) == 2


def test_a_failed_token_creation_is_audited_too(client):
    user = UserFactory()
    user_id = user.id
    response = client.post(
        f"{API}/auth/tokens", json={"email": user.email, "password": "sbagliata!!", "name": "x"}
    )
    assert response.status_code == 401
    (row,) = audit_rows("auth.login_failed")
    assert (row.object_type, row.object_id, row.details) == ("user", user_id, {"via": "token"})


def test_a_failed_login_at_an_unknown_address_is_audited_with_no_personal_data(client):
    response = client.post(
        f"{API}/auth/login", json={"email": "Sconosciuta@Example.org", "password": "qualcosa!"}
    )
    assert response.status_code == 401
    (row,) = audit_rows("auth.login_failed")
    assert (row.actor_id, row.object_type, row.object_id) == (None, None, None)
    assert row.details == {"via": "login", "account": "unknown"}
    assert "sconosciuta" not in str(row.details).lower()


def test_a_token_creation_is_audited(client):
    user = UserFactory()
    created = _token_ok(client, user)
    (row,) = audit_rows("token.create")
    assert (row.actor_id, row.object_type, row.object_id) == (user.id, "api_token", created["id"])
    assert created["token"] not in str(row.details)


# --- token expiry -----------------------------------------------------------------------


def _token_ok(client, user, **extra):
    response = client.post(
        f"{API}/auth/tokens",
        json={"email": user.email, "password": TEST_PASSWORD, "name": "telefono", **extra},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_token_expires_after_90_days_by_default(client):
    with time_machine.travel(T0, tick=False) as clock:
        user = UserFactory()
        created = _token_ok(client, user)
        assert datetime.fromisoformat(created["expires_at"]) == T0 + timedelta(days=90)
        headers = {"Authorization": f"Bearer {created['token']}"}
        clock.shift(timedelta(days=90) - timedelta(seconds=1))
        assert client.get(f"{API}/auth/me", headers=headers).status_code == 200
        clock.shift(timedelta(seconds=1))
        assert client.get(f"{API}/auth/me", headers=headers).status_code == 401


def test_an_expired_token_is_401_everywhere(client):
    with time_machine.travel(T0, tick=False) as clock:
        user = UserFactory()
        created = _token_ok(client, user, expires_in_days=1)
        headers = {"Authorization": f"Bearer {created['token']}"}
        assert client.get(f"{API}/auth/me", headers=headers).status_code == 200
        clock.shift(timedelta(days=1, seconds=1))
        assert client.get(f"{API}/auth/me", headers=headers).status_code == 401
        assert client.get(f"{API}/auth/tokens", headers=headers).status_code == 401
        assert client.post(f"{API}/auth/logout-everywhere", headers=headers).status_code == 401


def test_the_token_list_shows_expiry_and_last_use(client):
    with time_machine.travel(T0, tick=False):
        user = UserFactory()
        created = _token_ok(client, user, expires_in_days=365)
        headers = {"Authorization": f"Bearer {created['token']}"}
        (item,) = client.get(f"{API}/auth/tokens", headers=headers).get_json()["items"]
    assert datetime.fromisoformat(item["expires_at"]) == T0 + timedelta(days=365)
    assert datetime.fromisoformat(item["last_used_at"]) == T0
    assert "token" not in item


@pytest.mark.parametrize("days", [0, -1, 366, 10_000, "trenta", None, 1.5])
def test_expires_in_days_outside_1_to_365_is_422_and_issues_nothing(client, days):
    user = UserFactory()
    response = client.post(
        f"{API}/auth/tokens",
        json={"email": user.email, "password": TEST_PASSWORD, "name": "x", "expires_in_days": days},
    )
    assert response.status_code == 422
    assert "expires_in_days" in response.get_json()["errors"]["json"]
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
    # The field is known: only its value was wrong.
    _token_ok(client, user, expires_in_days=30)


@pytest.mark.parametrize("days", [1, 365])
def test_expires_in_days_at_the_bounds_is_accepted(client, days):
    with time_machine.travel(T0, tick=False):
        created = _token_ok(client, UserFactory(), expires_in_days=days)
    assert datetime.fromisoformat(created["expires_at"]) == T0 + timedelta(days=days)
