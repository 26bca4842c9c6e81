"""Bad input: every failure answers in one JSON shape, localised, and writes nothing.

``{"code": <status>, "status": "<phrase>", "message": "...", "errors"?: {...}}``, with the
message in Italian by default and in English for ``Accept-Language: en``.
"""

from __future__ import annotations

import base64
import json
from http import HTTPStatus

import pytest
from sqlalchemy import func, select

from qc_platform.accounts.models import ApiToken, TenancyVerification, User
from qc_platform.core.i18n import translate
from qc_platform.extensions import db
from qc_platform.places.models import Complex
from tests.accounts.factories import (
    TenancyVerificationFactory,
    UserFactory,
    bearer,
    user_with_roles,
)
from tests.conftest import TEST_PASSWORD

API = "/api/v1"
LOCALES = [(None, "it"), ("en", "en")]
ONE_MB = 1024 * 1024


def assert_error(response, status: int, message_key: str | None = None, locale: str = "it"):
    """The one error shape; returns the body for further checks."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert {"code", "status", "message"} <= set(body) <= {"code", "status", "message", "errors"}
    assert body["code"] == status
    assert body["status"] == HTTPStatus(status).phrase
    assert isinstance(body["message"], str) and body["message"]
    if message_key is not None:
        assert body["message"] == translate(message_key, locale)
        other = "en" if locale == "it" else "it"
        assert body["message"] != translate(message_key, other)
    return body


def lang(accept_language: str | None) -> dict[str, str]:
    return {"Accept-Language": accept_language} if accept_language else {}


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def verifications() -> int:
    return db.session.scalar(select(func.count()).select_from(TenancyVerification))


def omero() -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == "omero"))


REGISTER = {
    "email": "nuova@example.org",
    "password": "una-password-lunga",
    "display_name": "Nuova Persona",
}


# --- 400 malformed JSON ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "locale", "detail"),
    [
        (None, "it", "Il corpo della richiesta non è JSON valido."),
        ("en", "en", "Invalid JSON body."),
    ],
)
def test_malformed_json_is_400_and_writes_nothing(client, header, locale, detail):
    response = client.post(
        f"{API}/auth/register",
        data='{"email": "nuova@example.org",',
        content_type="application/json",
        headers=lang(header),
    )
    body = assert_error(response, 400, "http.400", locale)
    assert body["errors"]["json"] == [detail]
    assert users() == 0


def test_malformed_json_from_a_signed_in_user_writes_nothing(client):
    response = client.post(
        f"{API}/tenancy-verifications",
        data=b'{"complex_id": 1, "tenancy_code": "MI',
        content_type="application/json",
        headers=bearer(UserFactory()),
    )
    assert_error(response, 400)
    assert verifications() == 0


# --- 415 wrong content type -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "description"),
    [
        ({"data": REGISTER}, "form-encoded"),
        ({"data": json.dumps(REGISTER), "content_type": "text/plain"}, "JSON sent as text"),
        ({"data": json.dumps(REGISTER), "content_type": "application/xml"}, "XML type"),
        ({"data": {**REGISTER, "file": (b"x", "a.txt")}}, "multipart"),
    ],
)
@pytest.mark.parametrize(("header", "locale"), LOCALES)
def test_a_body_that_is_not_json_is_415_and_writes_nothing(
    client, kwargs, description, header, locale
):
    response = client.post(f"{API}/auth/register", headers=lang(header), **kwargs)
    assert_error(response, 415, "http.415", locale)
    assert users() == 0, description


def test_a_json_content_type_with_a_charset_is_accepted(client):
    response = client.post(
        f"{API}/auth/register",
        data=json.dumps(REGISTER),
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 201


# --- 422 invalid input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "locale", "unknown", "missing", "not_integer"),
    [
        (None, "it", "Campo sconosciuto.", "Campo obbligatorio.", "Non è un numero intero valido."),
        ("en", "en", "Unknown field.", "Missing data for required field.", "Not a valid integer."),
    ],
)
def test_unknown_and_invalid_fields_are_422_naming_each_field(
    client, header, locale, unknown, missing, not_integer
):
    response = client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": "uno", "colour": "blu"},
        headers={**bearer(UserFactory()), **lang(header)},
    )
    body = assert_error(response, 422, "http.422", locale)
    assert body["errors"]["json"] == {
        "complex_id": [not_integer],
        "tenancy_code": [missing],
        "colour": [unknown],
    }
    assert verifications() == 0


@pytest.mark.parametrize("payload", [[REGISTER], "una stringa", 42, None])
def test_a_json_body_that_is_not_an_object_is_422(client, payload):
    response = client.post(
        f"{API}/auth/register", data=json.dumps(payload), content_type="application/json"
    )
    body = assert_error(response, 422)
    assert "json" in body["errors"]
    assert users() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "a" * 243 + "@example.org"),  # 255 characters
        ("password", "p" * 257),
        ("display_name", "d" * 81),
    ],
)
def test_strings_over_their_limit_are_422_on_register(client, field, value):
    response = client.post(f"{API}/auth/register", json={**REGISTER, field: value})
    body = assert_error(response, 422, "http.422")
    assert list(body["errors"]["json"]) == [field]
    assert users() == 0


def test_strings_at_their_limit_are_accepted(client):
    response = client.post(
        f"{API}/auth/register",
        json={
            "email": "a" * 242 + "@example.org",
            # 256 characters that keep the password policy (a run of one letter does not)
            "password": ("Vela-Nord7-gufo!" * 16)[:256],
            "display_name": "d" * 80,
        },
    )
    assert response.status_code == 201


def test_strings_over_their_limit_are_422_on_other_writes(client):
    user = UserFactory()
    email, headers = user.email, bearer(user)
    too_long_code = client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": omero(), "tenancy_code": "M" * 65},
        headers=headers,
    )
    assert "tenancy_code" in assert_error(too_long_code, 422)["errors"]["json"]
    assert verifications() == 0

    too_long_name = client.post(
        f"{API}/auth/tokens",
        json={"email": email, "password": TEST_PASSWORD, "name": "n" * 81},
    )
    assert "name" in assert_error(too_long_name, 422)["errors"]["json"]
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1  # bearer's own

    verification_id = TenancyVerificationFactory(complex_id=omero()).id
    too_long_note = client.post(
        f"{API}/tenancy-verifications/{verification_id}/reject",
        json={"note": "n" * 501},
        headers=bearer(user_with_roles(("staff", None, None))),
    )
    assert "note" in assert_error(too_long_note, 422)["errors"]["json"]
    assert db.session.get(TenancyVerification, verification_id).status == "pending"


# --- 413 too large --------------------------------------------------------------------


@pytest.mark.parametrize(("header", "locale"), LOCALES)
def test_a_json_body_over_one_megabyte_is_413_and_writes_nothing(client, header, locale):
    payload = json.dumps({**REGISTER, "display_name": "x" * ONE_MB})
    assert len(payload) > ONE_MB
    response = client.post(
        f"{API}/auth/register", data=payload, content_type="application/json", headers=lang(header)
    )
    assert_error(response, 413, "error.json_too_large", locale)
    assert users() == 0


def test_a_signed_in_write_over_one_megabyte_is_413_and_writes_nothing(client):
    response = client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": omero(), "tenancy_code": "M" * (ONE_MB + 1)},
        headers=bearer(UserFactory()),
    )
    assert_error(response, 413)
    assert verifications() == 0


def test_a_json_body_just_under_one_megabyte_is_read(client):
    payload = json.dumps({**REGISTER, "display_name": "x" * (ONE_MB - 200)})
    assert len(payload) <= ONE_MB
    response = client.post(f"{API}/auth/register", data=payload, content_type="application/json")
    # Read and validated (the name is too long), not refused for its size.
    assert "display_name" in assert_error(response, 422)["errors"]["json"]


# --- list parameters ------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5"])
@pytest.mark.parametrize("path", ["/spaces", "/areas", "/auth/tokens"])
def test_limit_outside_one_to_a_hundred_is_422(client, path, limit):
    response = client.get(f"{API}{path}?limit={limit}", headers=bearer(UserFactory()))
    body = assert_error(response, 422, "http.422")
    assert list(body["errors"]["query"]) == ["limit"]


@pytest.mark.parametrize("limit", ["1", "100"])
def test_limit_at_the_bounds_is_accepted(client, limit):
    response = client.get(f"{API}/spaces?limit={limit}")
    assert response.status_code == 200
    assert len(response.get_json()["items"]) == min(int(limit), 9)


def _b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "%FF%FE",
        _b64({"id": 1}),
        _b64([1]),
        _b64([1, "x"]),
        _b64([1, True]),
        _b64(["boccioni", 1]),
        "A" * 501,
    ],
)
@pytest.mark.parametrize(("header", "locale"), LOCALES)
def test_a_bad_cursor_is_422(client, cursor, header, locale):
    response = client.get(f"{API}/spaces?cursor={cursor}", headers=lang(header))
    body = assert_error(response, 422)
    assert list(body["errors"]["query"]) == ["cursor"]
    assert body["message"] in {
        translate("error.invalid_cursor", locale),
        translate("http.422", locale),
    }


# --- 404, 405 -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize(
    "path",
    [
        f"{API}/nothing-here",
        f"{API}/spaces/boccioni/nothing",
        "/nothing/here/at-all",
        "/api/v2/spaces",
    ],
)
@pytest.mark.parametrize(("header", "locale"), LOCALES)
def test_an_unknown_route_is_a_json_404(client, method, path, header, locale):
    response = client.open(path, method=method, headers=lang(header))
    assert_error(response, 404, "http.404", locale)


@pytest.mark.parametrize("path", ["/missing.txt", "/assets/missing.js", "/spazi/x/y"])
def test_a_missing_file_of_the_web_app_is_a_json_404(client, path):
    assert_error(client.get(path), 404, "http.404")


def test_an_unknown_route_is_404_before_content_type_or_csrf_checks(client):
    user = UserFactory()
    login = client.post(f"{API}/auth/login", json={"email": user.email, "password": TEST_PASSWORD})
    assert login.status_code == 200
    # Cookie-authenticated, no CSRF token, a body that is not JSON: still 404.
    response = client.post(f"{API}/nothing-here", data="x", content_type="text/plain")
    assert_error(response, 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", f"{API}/auth/login", {"POST", "OPTIONS"}),
        ("PUT", f"{API}/auth/register", {"POST", "OPTIONS"}),
        ("DELETE", f"{API}/spaces", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("POST", f"{API}/auth/me", {"GET", "HEAD", "OPTIONS"}),
        ("PUT", "/healthz", {"GET", "HEAD", "OPTIONS"}),
    ],
)
@pytest.mark.parametrize(("header", "locale"), LOCALES)
def test_a_wrong_method_is_405_with_allow(client, method, path, allowed, header, locale):
    response = client.open(path, method=method, json={}, headers=lang(header))
    assert_error(response, 405, "http.405", locale)
    assert set(response.headers["Allow"].split(", ")) == allowed


# --- 401 and 403 in the same shape ----------------------------------------------------


@pytest.mark.parametrize(("header", "locale"), LOCALES)
def test_not_signed_in_and_not_allowed_use_the_same_shape(client, header, locale):
    assert_error(client.get(f"{API}/auth/me", headers=lang(header)), 401, "http.401", locale)
    response = client.post(
        f"{API}/users/1/roles",
        json={"role": "staff"},
        headers={**bearer(UserFactory()), **lang(header)},
    )
    assert_error(response, 403, "http.403", locale)


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (None, "it"),
        ("it-IT", "it"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR", "it"),
        ("de, en;q=0.5", "en"),
        ("it;q=0.4, en;q=0.8", "en"),
    ],
)
def test_messages_follow_accept_language(client, header, locale):
    assert_error(client.get(f"{API}/nothing", headers=lang(header)), 404, "http.404", locale)


# --- 500 ------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "locale"), LOCALES)
def test_an_unexpected_error_is_a_500_without_a_trace(make_app, header, locale):
    app = make_app()

    def explode():
        raise RuntimeError("secret-detail")

    app.add_url_rule(f"{API}/explode", "explode", explode, methods=["GET", "POST"])
    app.add_url_rule("/explode", "explode_page", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    for response in (
        client.get(f"{API}/explode", headers=lang(header)),
        client.post(f"{API}/explode", json={}, headers=lang(header)),
        client.get("/explode", headers=lang(header)),
    ):
        assert_error(response, 500, "http.500", locale)
        text = response.get_data(as_text=True)
        assert "secret-detail" not in text
        assert "Traceback" not in text
        assert "RuntimeError" not in text


# --- 429 ------------------------------------------------------------------------------


def test_too_many_sign_in_attempts_are_429(rate_limited_app):
    app = rate_limited_app(QC_LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    attempt = {"email": "qualcuno@example.org", "password": "tentativo-sbagliato"}
    for _ in range(2):
        assert client.post(f"{API}/auth/login", json=attempt).status_code == 401
    response = client.post(f"{API}/auth/login", json=attempt)
    body = assert_error(response, 429, "http.429", "it")
    assert body["message"] == "Troppe richieste: riprova tra poco."
    assert int(response.headers["Retry-After"]) > 0
    english = client.post(f"{API}/auth/login", json=attempt, headers={"Accept-Language": "en"})
    assert_error(english, 429, "http.429", "en")
    # The correct password does not get through either while the limit holds.
    user = UserFactory()
    good = client.post(f"{API}/auth/login", json={"email": user.email, "password": TEST_PASSWORD})
    assert good.status_code == 429
