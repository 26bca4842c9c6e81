"""Small malformed inputs are refused at the request boundary, never a 500.

JSON nested deeper than the limit is a 400 (json.loads itself recurses once per level); text
that no column can store — NUL, or a lone UTF-16 surrogate such as JSON's ``"\\ud800"``,
which cannot be encoded as UTF-8 — is a 422 naming the field, whatever the route.
"""

from __future__ import annotations

import json

import pytest
from flask import jsonify, request
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import UnprocessableEntity

from qc_platform.accounts.models import User
from qc_platform.core.http import (
    MAX_JSON_DEPTH,
    _check_json,
    _TextErrors,
    accepts_multipart,
    reject_unusable_text,
)
from qc_platform.extensions import db
from tests.accounts.factories import UserFactory, bearer
from tests.core.test_errors import API, LOCALES, REGISTER, assert_error, lang

SURROGATE = {
    "it": "Il testo contiene caratteri non validi (surrogati Unicode isolati).",
    "en": "The text contains invalid characters (lone Unicode surrogates).",
}
NUL = {
    "it": "Il testo contiene caratteri non ammessi (NUL).",
    "en": "The text contains characters that are not allowed (NUL).",
}
TOO_DEEP = {
    "it": "Il JSON è annidato troppo in profondità (al massimo 32 livelli).",
    "en": "The JSON is nested too deeply (at most 32 levels).",
}


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def nested(depth: int) -> str:
    """A JSON array nested ``depth`` levels deep."""
    return "[" * depth + "]" * depth


def post_raw(client, path: str, text: str, headers=None):
    """Send JSON text as written: escapes such as ``\\ud800`` reach the server untouched."""
    return client.post(path, data=text, content_type="application/json", headers=headers or {})


# --- nesting depth -----------------------------------------------------------------------


@pytest.mark.parametrize(("header", "locale"), LOCALES)
def test_a_json_body_nested_a_thousand_deep_is_400_not_500(client, header, locale):
    body = '{"email": ' + nested(1000) + ', "password": "x"}'
    assert len(body) < 2100  # the review's 2 KB body
    response = post_raw(client, f"{API}/auth/login", body, lang(header))
    errors = assert_error(response, 400, "http.400", locale)["errors"]
    assert errors == {"json": [TOO_DEEP[locale]]}


def test_nesting_is_refused_just_past_the_limit_and_read_at_it(client):
    user = UserFactory()
    # One object level (the body) plus the arrays.
    too_deep = '{"complex_id": 1, "tenancy_code": ' + nested(MAX_JSON_DEPTH) + "}"
    assert_error(post_raw(client, f"{API}/tenancy-verifications", too_deep, bearer(user)), 400)
    at_limit = '{"complex_id": 1, "tenancy_code": ' + nested(MAX_JSON_DEPTH - 1) + "}"
    response = post_raw(client, f"{API}/tenancy-verifications", at_limit, bearer(user))
    body = assert_error(response, 422)  # read, and refused by the schema: not a string
    assert list(body["errors"]["json"]) == ["tenancy_code"]


def test_measuring_the_depth_does_not_itself_recurse():
    document: list = []
    for _ in range(100_000):  # far past any recursion limit
        document = [document]
    assert _check_json(document, _TextErrors()) is False
    assert _check_json(json.loads(nested(MAX_JSON_DEPTH)), _TextErrors()) is True


# --- lone surrogates and NUL ---------------------------------------------------------------


@pytest.mark.parametrize(("header", "locale"), LOCALES)
def test_a_lone_surrogate_in_display_name_is_422_naming_the_field(client, header, locale):
    body = json.dumps({**REGISTER, "display_name": "PLACEHOLDER"}).replace(
        "PLACEHOLDER", "a\\ud800b"
    )
    response = post_raw(client, f"{API}/auth/register", body, lang(header))
    errors = assert_error(response, 422, "http.422", locale)["errors"]
    assert errors == {"json": {"display_name": [SURROGATE[locale]]}}
    assert users() == 0


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\udc00\\ud800", "x\\ud83d"])
def test_every_kind_of_lone_surrogate_is_refused(client, escape):
    body = json.dumps({**REGISTER, "display_name": "PLACEHOLDER"}).replace("PLACEHOLDER", escape)
    response = post_raw(client, f"{API}/auth/register", body)
    assert assert_error(response, 422)["errors"] == {"json": {"display_name": [SURROGATE["it"]]}}
    assert users() == 0


def test_a_surrogate_pair_is_a_character_like_any_other(client):
    # "\ud83d\ude00" is one emoji, written as a pair: nothing wrong with it.
    body = json.dumps({**REGISTER, "display_name": "PLACEHOLDER"}).replace(
        "PLACEHOLDER", "Anna \\ud83d\\ude00"
    )
    response = post_raw(client, f"{API}/auth/register", body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["display_name"] == "Anna \U0001f600"


def test_each_bad_field_is_named_however_deep(client):
    body = (
        '{"email": "nuova@example.org", "password": "a\\u0000b", "display_name": "\\udc00",'
        ' "extra": [{"ok": "bene"}, {"note": "\\ud800"}], "bad\\ud800key": {"inner": "x"}}'
    )
    response = post_raw(client, f"{API}/auth/register", body)
    errors = assert_error(response, 422)["errors"]
    assert errors == {
        "json": {
            "password": [NUL["it"]],
            "display_name": [SURROGATE["it"]],
            "extra": {"1": {"note": [SURROGATE["it"]]}},
            # A key that cannot be written back is reported by what holds it.
            "_schema": [SURROGATE["it"]],
        }
    }
    assert users() == 0


def test_a_bare_json_string_with_a_surrogate_is_422(client):
    response = post_raw(client, f"{API}/auth/register", '"\\ud800"')
    assert assert_error(response, 422)["errors"] == {"json": {"_schema": [SURROGATE["it"]]}}


def test_nul_in_the_query_and_the_path_is_422_naming_the_parameter(client):
    query = client.get(f"{API}/spaces", query_string={"area": "a\x00b"})
    assert assert_error(query, 422)["errors"] == {"query": {"area": [NUL["it"]]}}
    path = client.get(f"{API}/spaces/a%00b")
    assert assert_error(path, 422)["errors"] == {"path": {"space_ref": [NUL["it"]]}}


@pytest.fixture
def guarded_app(make_app, extension_state):
    """Another app with a view that takes a form: the guard stops bad text before it."""
    app = make_app()

    @accepts_multipart
    def upload():
        return jsonify(sorted(request.form))

    app.add_url_rule(f"{API}/guard-upload", "guard_upload", upload, methods=["POST"])
    return app


def test_nul_in_a_form_field_is_422_naming_the_field(guarded_app):
    client = guarded_app.test_client()
    response = client.post(
        f"{API}/guard-upload",
        data={"note": "a\x00b", "title": "bene"},
        content_type="multipart/form-data",
    )
    assert assert_error(response, 422)["errors"] == {"form": {"note": [NUL["it"]]}}
    fine = client.post(
        f"{API}/guard-upload", data={"title": "bene"}, content_type="multipart/form-data"
    )
    assert fine.get_json() == ["title"]


def test_lone_surrogates_in_the_path_and_query_are_refused_too(app):
    # werkzeug re-quotes undecodable percent-escapes, so a surrogate reaches the path or the
    # query only through a server or middleware that decodes differently: refused anyway.
    with app.test_request_context(f"{API}/spaces/x"):
        request.view_args = {"space_ref": "a\ud800"}
        request.args = MultiDict([("area", "\udfff"), ("q\ud800", "x")])
        with pytest.raises(UnprocessableEntity) as refused:
            reject_unusable_text()
    assert refused.value.data["messages"] == {
        "path": {"space_ref": ["error.lone_surrogate"]},
        "query": {"area": ["error.lone_surrogate"], "_schema": ["error.lone_surrogate"]},
    }
