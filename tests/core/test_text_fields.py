"""Text fields of one line refuse control characters; text of several lines keeps its line
breaks and tabs and refuses the rest.

A title or a name with CR/LF in it breaks e-mail subjects, log lines, calendar feeds and
CSV exports; nobody types the other control characters. Every text field of a request body
says which kind it is (``SingleLineString`` or ``MultiLineString``, core/schemas.py).
"""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import func, select

from qc_platform.accounts.models import ApiToken, User
from qc_platform.core.schemas import MultiLineString, SingleLineString
from qc_platform.extensions import db
from qc_platform.feedback.models import Report
from qc_platform.marketplace.models import Listing
from qc_platform.places.models import Organisation
from tests.accounts.factories import UserFactory, bearer, user_with_roles
from tests.conftest import TEST_PASSWORD
from tests.core.test_errors import API, LOCALES, REGISTER, assert_error, lang
from tests.feedback.factories import tenant
from tests.marketplace.helpers import LISTING, complex_id

ONE_LINE = {
    "it": "Deve stare su una sola riga, senza a capo né caratteri di controllo.",
    "en": "Must be a single line, without control characters.",
}
CONTROL = {
    "it": "Contiene caratteri di controllo non ammessi.",
    "en": "Contains control characters that are not allowed.",
}
# Fields whose text is nobody's to read: a password may hold whatever its owner types.
ANY_TEXT = {"password", "current_password", "new_password"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the two fields ----------------------------------------------------------------------


class _Sample(Schema):
    title = SingleLineString(validate=validate.Length(max=10))
    body = MultiLineString()


@pytest.mark.parametrize(
    "text", ["a\nb", "a\rb", "a\tb", "a\x1bb", "a\x7fb", "a\x85b", "a\u2028b", "a\u2029b"]
)
def test_one_line_refuses_breaks_tabs_and_control_characters(text):
    with pytest.raises(ValidationError) as refused:
        _Sample().load({"title": text})
    assert refused.value.messages == {"title": [ONE_LINE["en"]]}


@pytest.mark.parametrize("text", ["a\x07b", "a\x1bb", "a\x0bb", "a\x0cb", "a\x7fb", "a\x9bb"])
def test_several_lines_refuse_the_other_control_characters(text):
    with pytest.raises(ValidationError) as refused:
        _Sample().load({"body": text})
    assert refused.value.messages == {"body": [CONTROL["en"]]}


def test_ordinary_text_passes_and_several_lines_keep_their_breaks_and_tabs():
    text = "Prima riga\nseconda\r\n\tterza: ünïcödé, عربي, 😀"
    loaded = _Sample().load({"title": "Caffè 😀 ·", "body": text})
    assert loaded == {"title": "Caffè 😀 ·", "body": text}
    # The field's own validators still run, and every message is given.
    with pytest.raises(ValidationError) as refused:
        _Sample().load({"title": "troppo\nlungo davvero"})
    assert refused.value.messages["title"] == [ONE_LINE["en"], "Longer than maximum length 10."]


def _plain_text_fields(schema, prefix=""):
    schema = schema() if isinstance(schema, type) else schema
    for name, field in schema.load_fields.items():
        yield from _plain_text_field(field, prefix + name)


def _plain_text_field(field, path):
    if isinstance(field, fields.Nested):
        yield from _plain_text_fields(field.schema, path + ".")
    elif isinstance(field, fields.List):
        yield from _plain_text_field(field.inner, path + "[]")
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        yield from _plain_text_field(field.value_field, path + "{}")
    elif type(field) is fields.String and not any(
        isinstance(v, validate.OneOf) for v in field.validators
    ):
        yield path


def test_every_text_field_of_a_request_body_is_one_line_or_several(app):
    """A new text field must choose: plain ``fields.String`` takes any control character."""
    plain = []
    for endpoint, view in app.view_functions.items():
        view_class = getattr(view, "view_class", None)
        handlers = (
            [getattr(view_class, m) for m in ("post", "put", "patch") if hasattr(view_class, m)]
            if view_class
            else [view]
        )
        for handler in handlers:
            for argument in (
                getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", [])
            ):
                if argument["in"] in ("json", "form", "files"):
                    plain += [
                        f"{endpoint}: {path}"
                        for path in _plain_text_fields(argument["schema"])
                        if path.split(".")[-1] not in ANY_TEXT
                    ]
    assert plain == []


# --- through the API -----------------------------------------------------------------------


@pytest.mark.parametrize(("header", "locale"), LOCALES)
@pytest.mark.parametrize("name", ["Mario\r\nRossi", "Mario\nBcc: x@example.org", "Mario\tRossi"])
def test_a_display_name_with_a_line_break_is_422_naming_the_field(client, name, header, locale):
    response = client.post(
        f"{API}/auth/register", json={**REGISTER, "display_name": name}, headers=lang(header)
    )
    body = assert_error(response, 422, "http.422", locale)
    assert body["errors"] == {"json": {"display_name": [ONE_LINE[locale]]}}
    assert count(User) == 0


def test_a_token_name_with_a_line_break_is_422(client):
    user = UserFactory()
    response = client.post(
        f"{API}/auth/tokens",
        json={"email": user.email, "password": TEST_PASSWORD, "name": "script\nnotturno"},
    )
    assert assert_error(response, 422)["errors"] == {"json": {"name": [ONE_LINE["it"]]}}
    assert count(ApiToken) == 0


def test_an_organisation_name_with_a_line_break_is_422(client):
    before = count(Organisation)
    admin = bearer(user_with_roles(("admin", None, None)))
    response = client.post(
        f"{API}/organisations",
        json={"slug": "ente-nuovo", "name": "Ente\r\nNuovo"},
        headers=admin,
    )
    assert assert_error(response, 422)["errors"] == {"json": {"name": [ONE_LINE["it"]]}}
    # A slug's pattern alone lets a trailing newline through ("$" matches before it).
    response = client.post(
        f"{API}/organisations",
        json={"slug": "ente-nuovo\n", "name": "Ente Nuovo"},
        headers=admin,
    )
    assert assert_error(response, 422)["errors"] == {"json": {"slug": [ONE_LINE["it"]]}}
    assert count(Organisation) == before


def test_a_report_title_refuses_line_breaks_and_its_description_keeps_them(client):
    author = bearer(tenant(complex_id("boccioni")))
    report = {
        "category": "maintenance",
        "complex_id": complex_id("boccioni"),
        "title": "Citofono guasto",
        "description": "Il citofono della scala A non suona.",
    }
    refused = client.post(
        f"{API}/feedback/reports",
        json={**report, "title": "Citofono\r\nguasto", "location_detail": "Scala A\npiano 2"},
        headers=author,
    )
    assert assert_error(refused, 422)["errors"] == {
        "json": {"title": [ONE_LINE["it"]], "location_detail": [ONE_LINE["it"]]}
    }
    bell = client.post(
        f"{API}/feedback/reports",
        json={**report, "description": "Il citofono\x07 non suona."},
        headers=author,
    )
    assert assert_error(bell, 422)["errors"] == {"json": {"description": [CONTROL["it"]]}}
    assert count(Report) == 0
    description = "Il citofono della scala A non suona.\r\nDa lunedì.\n\tGrazie."
    created = client.post(
        f"{API}/feedback/reports", json={**report, "description": description}, headers=author
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["description"] == description


def test_a_listing_title_with_a_line_break_is_422(client):
    owner = bearer(tenant(complex_id("boccioni")))
    response = client.post(
        f"{API}/marketplace/listings",
        json={**LISTING, "title": "Aiuto\ncon la spesa"},
        headers=owner,
    )
    assert assert_error(response, 422)["errors"] == {"json": {"title": [ONE_LINE["it"]]}}
    assert count(Listing) == 0
