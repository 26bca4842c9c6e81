"""Rate limits in Redis are shared by every server process.

Needs a Redis server: ``QC_TEST_REDIS_URL`` (CI: ``redis://127.0.0.1:6379/15``). Without
it the test is skipped, unless ``QC_REQUIRE_REDIS=1`` makes that a failure.
"""

from __future__ import annotations

import logging
import os
import secrets

import pytest

from tests.accounts.factories import UserFactory
from tests.conftest import TEST_PASSWORD

API = "/api/v1"


@pytest.fixture
def redis_client():
    url = os.environ.get("QC_TEST_REDIS_URL")
    if not url:
        if os.environ.get("QC_REQUIRE_REDIS") == "1":
            pytest.fail("QC_REQUIRE_REDIS=1 but QC_TEST_REDIS_URL is not set")
        pytest.skip("QC_TEST_REDIS_URL not set")
    import redis

    client = redis.Redis.from_url(url)
    client.ping()  # set but unreachable is a failure, not a skip
    try:
        yield url, client
    finally:
        client.close()


@pytest.fixture
def key_prefix(redis_client):
    """A prefix of this test's own; its keys, and only they, are removed afterwards."""
    _, client = redis_client
    prefix = f"qc-test-{secrets.token_hex(8)}"
    yield prefix
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)


def test_two_app_instances_share_the_login_counter(
    redis_client, key_prefix, make_app, isolated_limiter
):
    url, client = redis_client
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": key_prefix,
        "QC_LOGIN_RATE_LIMIT": "3 per minute",
    }
    user = UserFactory()
    credentials = {"email": user.email, "password": TEST_PASSWORD}

    def login(app):
        return app.test_client().post(f"{API}/auth/login", json=credentials)

    app_a = make_app(**settings)
    assert login(app_a).status_code == 200
    assert login(app_a).status_code == 200
    # A second server process starts later: its limiter begins with its own, new
    # connection to the storage and knows nothing of A's requests but what Redis holds.
    app_b = make_app(**settings)
    assert login(app_b).status_code == 200
    over_b = login(app_b)
    assert over_b.status_code == 429
    assert over_b.get_json()["code"] == 429
    assert login(app_a).status_code == 429
    # The counter is in Redis, under this test's prefix.
    assert list(client.scan_iter(match=f"*{key_prefix}*"))


# --- Redis goes away: the limits carry on in memory -------------------------------------


def test_rate_limits_fall_back_to_memory_while_redis_is_down(
    own_redis, make_app, isolated_limiter, caplog
):
    url, client, server = own_redis
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=url,
        QC_LOGIN_RATE_LIMIT="4 per minute",
        QC_REGISTER_RATE_LIMIT="50 per minute",
        QC_ACCOUNT_LOGIN_RATE_LIMIT="50 per minute",
    )
    http = app.test_client()
    email = UserFactory().email
    wrong = {"email": "nessuno@example.org", "password": "tentativo-sbagliato"}

    def login():
        return http.post(f"{API}/auth/login", json=wrong)

    assert login().status_code == 401
    assert login().status_code == 401
    assert list(client.scan_iter()), "the counters are in this Redis"

    server.kill()  # Redis dies mid-test
    server.wait()
    caplog.set_level(logging.WARNING)

    # Rate-limited routes still answer, and are still limited, now from memory.
    statuses = [login().status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    registered = http.post(
        f"{API}/auth/register",
        json={
            "email": "nuova@example.org",
            "password": "una-password-lunga",
            "display_name": "Nuova Persona",
        },
    )
    assert registered.status_code == 201
    token = http.post(
        f"{API}/auth/tokens",
        json={"email": email, "password": TEST_PASSWORD, "name": "script"},
    )
    assert token.status_code == 201
    # One warning for the outage, not one per request.
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "in-memory" in warnings[0].getMessage()
