"""Security headers on every response, cookie flags by environment, secrets at start-up."""

from __future__ import annotations

import stat

import pytest

from qc_platform import create_app
from qc_platform.config import ConfigurationError, load_config
from tests.accounts.factories import UserFactory
from tests.conftest import TEST_PASSWORD

PRODUCTION_SECRET = "s" * 48


def csp_directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/areas",
        "/api/v1/auth/me",
        "/api/v1/nothing-here",
        "/",
        "/spazi/boccioni",
        "/assets/app.js",
        "/healthz",
    ],
)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    directives = csp_directives(response)
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_api_answers_are_not_cached_and_vary_by_language_and_credentials(client):
    response = client.get("/api/v1/areas")
    assert response.headers["Cache-Control"] == "no-store"
    vary = {value.strip() for value in response.headers["Vary"].split(",")}
    assert {"Accept-Language", "Cookie", "Authorization"} <= vary


def _login_cookie(app):
    client = app.test_client()
    user = UserFactory()
    response = client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    cookie = client.get_cookie("qc_session")
    assert cookie is not None
    return response, cookie


@pytest.mark.parametrize(("qc_env", "secure"), [("production", True), ("development", False)])
def test_the_session_cookie_is_secure_only_in_production(make_app, monkeypatch, qc_env, secure):
    monkeypatch.setenv("QC_ENV", qc_env)
    monkeypatch.setenv("QC_SECRET_KEY", PRODUCTION_SECRET)
    app = make_app()
    response, cookie = _login_cookie(app)
    assert cookie.secure is secure
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert ("Strict-Transport-Security" in response.headers) is secure


@pytest.mark.parametrize("secret", [None, "", "troppo-corto"])
def test_production_refuses_to_start_without_a_real_secret(tmp_path, secret):
    env = {"QC_ENV": "production"}
    if secret is not None:
        env["QC_SECRET_KEY"] = secret
    with pytest.raises(ConfigurationError, match="QC_SECRET_KEY"):
        load_config(tmp_path, env=env)
    assert not (tmp_path / "secret_key").exists()  # no development key made up instead


def test_create_app_refuses_production_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("QC_ENV", "production")
    monkeypatch.delenv("QC_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_an_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="QC_ENV"):
        load_config(tmp_path, env={"QC_ENV": "prod"})


def test_production_uses_the_given_secret_and_secure_cookies(tmp_path):
    config = load_config(tmp_path, env={"QC_ENV": "production", "QC_SECRET_KEY": PRODUCTION_SECRET})
    assert config["SECRET_KEY"] == PRODUCTION_SECRET
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


def test_a_development_secret_is_generated_once_and_reused(tmp_path):
    first = load_config(tmp_path, env={})
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["SESSION_COOKIE_SECURE"] is False

    second = load_config(tmp_path, env={"QC_ENV": "development"})
    assert second["SECRET_KEY"] == first["SECRET_KEY"]
    # Another instance folder gets its own random key.
    other = load_config(tmp_path / "other", env={})
    assert other["SECRET_KEY"] != first["SECRET_KEY"]


def test_a_given_development_secret_wins_over_the_generated_one(tmp_path):
    config = load_config(tmp_path, env={"QC_SECRET_KEY": "a-secret-from-the-environment"})
    assert config["SECRET_KEY"] == "a-secret-from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_behind_a_trusted_proxy_the_client_address_and_scheme_are_the_forwarded_ones(
    database_url, frontend_dist, tmp_path
):
    from flask import jsonify, request

    from tests.conftest import make_test_app

    app = make_test_app(database_url, frontend_dist, tmp_path, QC_TRUSTED_PROXIES=1)
    app.add_url_rule(
        "/whoami", "whoami", lambda: jsonify(addr=request.remote_addr, scheme=request.scheme)
    )
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    seen = app.test_client().get("/whoami", headers=headers).get_json()
    assert seen == {"addr": "203.0.113.7", "scheme": "https"}

    direct = make_test_app(database_url, frontend_dist, tmp_path)
    direct.add_url_rule(
        "/whoami", "whoami", lambda: jsonify(addr=request.remote_addr, scheme=request.scheme)
    )
    # Without a trusted proxy, nobody can claim another address by sending the header.
    assert direct.test_client().get("/whoami", headers=headers).get_json() == {
        "addr": "127.0.0.1",
        "scheme": "http",
    }


def test_scripts_may_connect_only_to_this_site_by_default(client):
    for path in ("/", "/api/v1/areas", "/healthz"):
        # 'self' covers this site's own ws:/wss: (CSP Level 3): no socket to any other host.
        assert csp_directives(client.get(path))["connect-src"] == "'self'"


def test_scripts_may_also_connect_to_the_allowed_origins_and_their_sockets(make_app):
    app = make_app(
        QC_ALLOWED_ORIGINS=[
            "https://quartieri.example.org",
            "http://localhost:5173/",
            "https://evil.example.org; script-src *",  # not an origin: never in the header
        ]
    )
    response = app.test_client().get("/")
    assert csp_directives(response)["connect-src"].split() == [
        "'self'",
        "https://quartieri.example.org",
        "wss://quartieri.example.org",
        "http://localhost:5173",
        "ws://localhost:5173",
    ]
    assert csp_directives(response)["script-src"] == "'self'"
