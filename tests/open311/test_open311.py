"""Open311 GeoReport v2: documents in JSON and XML as the specification shapes them.

JSON is read with ``get_json``; XML is parsed with ``xml.etree.ElementTree`` and checked
element by element against the specification's names. A real outside client, PyPI's
``georeport``, reads a live server over HTTP; it cannot create requests (its README says
so), so the POST goes through ``requests`` on the same live server.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own server's output
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qc_platform.accounts import service as accounts
from qc_platform.accounts.models import User
from qc_platform.core.clock import utcnow
from qc_platform.extensions import db
from qc_platform.feedback import service as feedback
from qc_platform.feedback.models import Report
from qc_platform.places.models import Complex
from tests.accounts.factories import bearer, persist, user_with_roles
from tests.conftest import _postgres_database, make_test_app

V2 = "/open311/v2"
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
CREATED_FIELDS = ["service_request_id", "service_notice", "account_id"]
# W3C date-time with seconds and an explicit offset (Milan: +01:00 or +02:00).
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
SENDER = {"display_name": "Gualtiera Sconosciutissima", "email": "gualtiera.segreta@example.org"}


def xml(response) -> ET.Element:
    assert response.content_type == "text/xml; charset=utf-8"
    body = response.get_data()
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(body)  # noqa: S314 - our own server's output


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def complex_id(code: str) -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == code))


def token(user) -> str:
    _, clear = accounts.issue_token(user=user, name="open311")
    persist()
    return clear


def tenant(code: str = "boccioni", **kwargs):
    return user_with_roles(("tenant", "complex", complex_id(code)), **kwargs)


def report(author, *, visibility="private", anonymous=False, category="maintenance", **kw):
    values = {
        "complex_id": complex_id("boccioni"),
        "title": "Ascensore fermo",
        "description": "L'ascensore della scala A è fermo da ieri.",
        **kw,
    }
    created = feedback.submit(
        author=author, category=category, visibility=visibility, anonymous=anonymous, **values
    )
    persist()
    return created.id


def assert_open311_error(response, status: int, fmt: str = "json"):
    assert response.status_code == status
    if fmt == "json":
        assert response.content_type == "application/json"
        body = response.get_json()
        assert isinstance(body, list) and len(body) == 1
        assert list(body[0]) == ["code", "description"]
        assert body[0]["code"] == status and body[0]["description"]
    else:
        root = xml(response)
        assert root.tag == "errors" and children(root) == ["error"]
        assert children(root[0]) == ["code", "description"]
        assert root[0].findtext("code") == str(status) and root[0].findtext("description")


# --- discovery and services --------------------------------------------------------


def test_discovery_json_and_xml(client):
    body = client.get(f"{V2}/discovery.json").get_json()
    assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
    assert W3C.match(body["changeset"])
    (endpoint,) = body["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://localhost/open311/v2/",
        "changeset": body["changeset"],
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    root = xml(client.get(f"{V2}/discovery.xml"))
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    assert children(root.find("endpoints")) == ["endpoint"]
    endpoint = root.find("endpoints/endpoint")
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert {f.tag for f in endpoint.find("formats")} == {"format"}


def test_services_are_the_categories_in_the_callers_language(client):
    services = client.get(f"{V2}/services.json").get_json()
    assert [s["service_code"] for s in services][:2] == ["maintenance", "cleaning"]
    assert len(services) == 7
    for service in services:
        assert list(service) == SERVICE_FIELDS
        assert service["metadata"] is False and service["type"] == "realtime"
    assert services[0]["service_name"] == "Manutenzione e guasti"
    english = client.get(f"{V2}/services.json?locale=en").get_json()
    assert english[0]["service_name"] == "Maintenance and breakdowns"
    negotiated = client.get(f"{V2}/services.json", headers={"Accept-Language": "en"}).get_json()
    assert negotiated == english

    root = xml(client.get(f"{V2}/services.xml?locale=en"))
    assert root.tag == "services" and set(children(root)) == {"service"}
    assert len(root) == 7
    assert children(root[0]) == SERVICE_FIELDS
    assert root[0].findtext("service_name") == "Maintenance and breakdowns"
    assert root[0].findtext("metadata") == "false"


def test_service_definition_has_no_attributes(client):
    assert client.get(f"{V2}/services/safety.json").get_json() == {
        "service_code": "safety",
        "attributes": [],
    }
    root = xml(client.get(f"{V2}/services/safety.xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "safety" and len(root.find("attributes")) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_an_open311_404(client, fmt):
    assert_open311_error(client.get(f"{V2}/services/pothole.{fmt}"), 404, fmt)


# --- GET requests --------------------------------------------------------------------------


def test_requests_list_public_reports_to_anyone_with_dates_and_coordinates(client):
    author = tenant()
    public_id = report(author, visibility="public", description="Lampadina bruciata.")
    private_id = report(author, description="Perdita nel bagno di casa mia.")

    body = client.get(f"{V2}/requests.json").get_json()
    ids = [item["service_request_id"] for item in body]
    assert public_id in ids and private_id not in ids
    item = body[ids.index(public_id)]
    assert list(item) == REQUEST_FIELDS
    assert item["status"] == "open"
    assert item["description"] == "Lampadina bruciata."
    assert item["service_code"] == "maintenance"
    assert item["service_name"] == "Manutenzione e guasti"
    boccioni = db.session.get(Complex, complex_id("boccioni"))
    assert item["address_id"] == boccioni.id and item["address"] == boccioni.address
    assert (item["lat"], item["long"]) == (boccioni.latitude, boccioni.longitude)
    assert item["lat"] == pytest.approx(45.52, abs=0.05)
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(item[name]), item[name]
        assert datetime.fromisoformat(item[name]).utcoffset() in (
            timedelta(hours=1),
            timedelta(hours=2),
        )
    requested = datetime.fromisoformat(item["requested_datetime"])
    assert abs(requested - utcnow()) < timedelta(minutes=5)
    assert datetime.fromisoformat(item["expected_datetime"]) > requested
    assert item["media_url"] is None and item["zipcode"] is None

    root = xml(client.get(f"{V2}/requests.xml"))
    assert root.tag == "service_requests" and set(children(root)) == {"request"}
    element = next(r for r in root if r.findtext("service_request_id") == str(public_id))
    assert children(element) == REQUEST_FIELDS
    assert element.findtext("description") == "Lampadina bruciata."
    assert W3C.match(element.findtext("requested_datetime"))
    assert float(element.findtext("lat")) == boccioni.latitude
    assert element.findtext("media_url") == ""


def test_private_report_shows_no_description_even_to_its_sender(client):
    author = tenant()
    private_id = report(author, description="Il mio vicino del terzo piano urla.")
    key, author_headers = token(author), bearer(author)
    # (Objects detach after each request: everything about users is prepared first.)
    stranger = token(tenant("fratelli-zoia"))

    assert_open311_error(client.get(f"{V2}/requests/{private_id}.json"), 404)
    assert_open311_error(client.get(f"{V2}/requests/{private_id}.xml"), 404, "xml")
    for url in (f"{V2}/requests/{private_id}.json", f"{V2}/requests.json"):
        response = client.get(url, query_string={"api_key": key})
        assert response.status_code == 200
        (item,) = [i for i in response.get_json() if i["service_request_id"] == private_id]
        assert item["description"] is None and item["status_notes"] is None
        assert "urla" not in response.get_data(as_text=True)
    root = xml(client.get(f"{V2}/requests/{private_id}.xml", headers=author_headers))
    assert root[0].findtext("description") == ""
    # Someone else's api_key does not open it.
    response = client.get(f"{V2}/requests/{private_id}.json", query_string={"api_key": stranger})
    assert_open311_error(response, 404)


def test_status_is_open_or_closed_with_the_latest_public_note(client):
    staff_id = user_with_roles(("staff", None, None)).id
    staff = db.session.get(User, staff_id)
    report_id = report(tenant(), visibility="public")
    row = db.session.get(Report, report_id)
    feedback.add_update(author=staff, report=row, body="Nota interna", internal=True)
    feedback.add_update(author=staff, report=row, body="Tecnico in arrivo.", status="in_progress")
    persist()
    (item,) = client.get(f"{V2}/requests/{report_id}.json").get_json()
    assert (item["status"], item["status_notes"]) == ("open", "Tecnico in arrivo.")
    assert item["agency_responsible"]

    row, staff = db.session.get(Report, report_id), db.session.get(User, staff_id)
    feedback.add_update(author=staff, report=row, body="Ascensore riparato.", status="resolved")
    persist()
    (item,) = client.get(f"{V2}/requests/{report_id}.json").get_json()
    assert (item["status"], item["status_notes"]) == ("closed", "Ascensore riparato.")
    assert "Nota interna" not in str(item)
    assert item["updated_datetime"] >= item["requested_datetime"]

    ids = lambda status: {  # noqa: E731
        i["service_request_id"]
        for i in client.get(f"{V2}/requests.json?status={status}").get_json()
    }
    assert report_id in ids("closed") and report_id not in ids("open")
    assert report_id in ids("open,closed")


def test_filters_ids_codes_and_dates(client):
    author = tenant()
    lift = report(author, visibility="public")
    noise = report(author, visibility="public", category="living-together")
    private = report(author)

    def ids(**query):
        response = client.get(f"{V2}/requests.json", query_string=query)
        assert response.status_code == 200, response.get_json()
        return [i["service_request_id"] for i in response.get_json()]

    # service_request_id overrides the rest, and still shows only what may be seen.
    assert ids(service_request_id=f"{lift}, {noise},{private}", service_code="praise") == [
        lift,
        noise,
    ]
    assert lift in ids(service_code="maintenance") and noise not in ids(service_code="maintenance")
    assert {lift, noise} <= set(ids(service_code="maintenance,living-together"))
    now = utcnow()
    assert lift in ids(start_date=(now - timedelta(days=1)).isoformat())
    assert lift not in ids(start_date=(now + timedelta(hours=1)).isoformat())
    assert lift not in ids(end_date=(now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    # An offset whose "+" was not percent-encoded arrives as a space: understood anyway.
    start = (now - timedelta(hours=2)).astimezone().strftime("%Y-%m-%dT%H:%M:%S+00:00")
    url = f"{V2}/requests.json?start_date={start.replace('+', '%20')}"
    assert client.get(url).status_code == 200
    # Empty parameters count as absent.
    assert lift in ids(service_code="", status="", start_date="")


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"start_date": "ieri"},
        {"status": "pending"},
        {"service_request_id": "1,due"},
        {"service_request_id": ",".join(str(n) for n in range(1, 300))},
    ],
)
def test_bad_filters_are_an_open311_400(client, query):
    assert_open311_error(client.get(f"{V2}/requests.json", query_string=query), 400)


# --- anonymity -------------------------------------------------------------------------------


def test_no_request_ever_shows_a_person(client):
    """Anonymous or not, public or private, for every caller: no name, e-mail or id."""
    sender = tenant(**SENDER)
    anonymous_public = report(sender, visibility="public", anonymous=True)
    anonymous_private = report(sender, anonymous=True)
    named_public = report(sender, visibility="public")
    custodian = user_with_roles(("custodian", "complex", complex_id("boccioni")))
    staff = user_with_roles(("staff", None, None))
    callers = {
        "nobody": {},
        "sender": bearer(sender),
        "custodian": bearer(custodian),
        "staff": bearer(staff),
    }
    for headers in callers.values():
        for fmt in ("json", "xml"):
            urls = [f"{V2}/requests.{fmt}"] + [
                f"{V2}/requests/{i}.{fmt}"
                for i in (anonymous_public, anonymous_private, named_public)
            ]
            for url in urls:
                response = client.get(url, headers=headers)
                assert response.status_code in (200, 404)
                text = response.get_data(as_text=True)
                assert SENDER["display_name"] not in text and SENDER["email"] not in text
                assert "Gualtiera" not in text and "gualtiera" not in text
                if response.status_code == 200 and fmt == "json":
                    for item in response.get_json():
                        assert list(item) == REQUEST_FIELDS
                if response.status_code == 200 and fmt == "xml":
                    for element in xml(response):
                        assert children(element) == REQUEST_FIELDS


# --- POST requests ---------------------------------------------------------------------------


def _post(client, fmt="json", **form):
    return client.post(f"{V2}/requests.{fmt}", data=form)


def test_a_tenant_files_a_request_that_is_routed_and_shows_in_the_api(client):
    author = tenant()
    author_id = author.id
    custodian = bearer(user_with_roles(("custodian", "complex", complex_id("boccioni"))))
    key, author_headers = token(author), bearer(author)
    description = "Il citofono della scala C non funziona da tre giorni, " * 3
    response = _post(
        client,
        api_key=key,
        service_code="maintenance",
        address_id=str(complex_id("boccioni")),
        address_string="Scala C, piano terra",
        description=description,
        first_name="Falso",
        last_name="Nome",
        email="falso@example.org",
        phone="0212345678",
        **{"attribute[WHISPAWN]": "123"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    (created,) = response.get_json()
    assert list(created) == CREATED_FIELDS and created["account_id"] is None
    assert "token" not in created and created["service_notice"]

    row = db.session.get(Report, created["service_request_id"])
    assert (row.reporter_id, row.submitted_by_id) == (author_id, author_id)
    assert (row.visibility, row.anonymous) == ("private", False)
    assert row.title == " ".join(description.split())[:80].strip() and len(row.title) <= 80
    assert row.description == description.strip()
    assert row.location_detail == "Scala C, piano terra"
    assert row.category.code == "maintenance" and row.status == "submitted"
    assert [a.target for a in row.assignments] == ["custodian"]

    mine = client.get("/api/v1/feedback/reports", headers=author_headers)
    assert created["service_request_id"] in [r["id"] for r in mine.get_json()["items"]]
    inbox = client.get("/api/v1/feedback/inbox", headers=custodian).get_json()
    assert created["service_request_id"] in [r["id"] for r in inbox["items"]]
    for ignored in ("Falso", "falso@example.org", "0212345678"):
        assert ignored not in str(
            client.get(f"/api/v1/feedback/reports/{row.id}", headers=custodian).get_json()
        )


def test_post_answers_in_xml_and_takes_anonymous_true(client):
    author = tenant()
    custodian = bearer(user_with_roles(("custodian", "complex", complex_id("boccioni"))))
    response = _post(
        client,
        "xml",
        api_key=token(author),
        service_code="living-together",
        address_id=str(complex_id("boccioni")),
        description="Musica ad alto volume ogni notte.",
        anonymous="true",
    )
    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "service_requests" and children(root) == ["request"]
    assert children(root[0]) == CREATED_FIELDS
    assert root[0].findtext("account_id") == ""
    report_id = int(root[0].findtext("service_request_id"))
    assert db.session.get(Report, report_id).anonymous is True
    seen = client.get(f"/api/v1/feedback/reports/{report_id}", headers=custodian)
    assert seen.get_json()["reporter"] is None


def test_lat_long_picks_the_nearest_complex_within_500_m(client):
    key = token(tenant("omero"))
    omero = db.session.get(Complex, complex_id("omero"))
    near = {"lat": str(omero.latitude + 0.002), "long": str(omero.longitude - 0.002)}
    response = _post(client, api_key=key, service_code="cleaning", description="Rifiuti.", **near)
    assert response.status_code == 200, response.get_json()
    assert db.session.get(Report, response.get_json()[0]["service_request_id"]).complex_id == (
        omero.id
    )
    far = {"lat": "45.4642", "long": "9.1900"}  # the Duomo: no complex within 500 m
    response = _post(client, api_key=key, service_code="cleaning", description="Rifiuti.", **far)
    assert_open311_error(response, 400)
    response = _post(client, api_key=key, service_code="cleaning", description="Rifiuti.")
    assert_open311_error(response, 400)


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("api_key", [None, "", "qct_not-a-real-token", "abc"])
def test_post_without_a_valid_api_key_is_an_open311_403(client, fmt, api_key):
    form = {"service_code": "maintenance", "address_id": "1", "description": "Guasto."}
    if api_key is not None:
        form["api_key"] = api_key
    assert_open311_error(_post(client, fmt, **form), 403, fmt)
    assert db.session.scalar(select(Report.id)) is None


def test_post_errors_unknown_service_other_complex_and_bad_values(client):
    key = token(tenant())
    a = str(complex_id("boccioni"))
    base = {"api_key": key, "address_id": a, "description": "Guasto.", "service_code": "cleaning"}
    assert_open311_error(_post(client, **{**base, "service_code": "pothole"}), 404)
    assert_open311_error(_post(client, "xml", **{**base, "service_code": "pothole"}), 404, "xml")
    other = str(complex_id("fratelli-zoia"))
    assert_open311_error(_post(client, **{**base, "address_id": other}), 403)
    assert_open311_error(_post(client, **{**base, "address_id": "999999"}), 400)
    assert_open311_error(_post(client, **{**base, "service_code": ""}), 400)
    assert_open311_error(_post(client, **{**base, "description": "   "}), 400)
    assert_open311_error(_post(client, **{**base, "description": "x" * 4001}), 400)
    assert_open311_error(_post(client, **{**base, "anonymous": "forse"}), 400)
    assert_open311_error(
        _post(client, **{**base, "lat": "nan", "long": "9", "address_id": ""}), 400
    )
    response = client.post(f"{V2}/requests.json", json=base)
    assert_open311_error(response, 415)
    assert db.session.scalar(select(Report.id)) is None


def test_custodians_and_staff_do_not_file_through_open311(client):
    """Open311 has no "on behalf of": only the complex's tenants."""
    a = complex_id("boccioni")
    for roles in (("custodian", "complex", a), ("staff", None, None)):
        response = _post(
            client,
            api_key=token(user_with_roles(roles)),
            service_code="maintenance",
            address_id=str(a),
            description="Guasto.",
        )
        assert_open311_error(response, 403)


# --- tokens, unknown paths, methods -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_tokens_are_never_issued_so_every_lookup_is_404(client, fmt):
    assert_open311_error(client.get(f"{V2}/tokens/12345.{fmt}"), 404, fmt)


def test_unknown_paths_and_methods_answer_in_open311_shape(client):
    assert_open311_error(client.get(f"{V2}/nothing.json"), 404)
    assert_open311_error(client.get(f"{V2}/services.csv"), 404)
    assert_open311_error(client.get(f"{V2}/requests/abc.xml"), 404, "xml")
    response = client.delete(f"{V2}/requests.json")
    assert_open311_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert_open311_error(client.put(f"{V2}/services.xml"), 405, "xml")
    # The rest of the API keeps its own shape.
    assert set(client.get("/api/v1/nothing").get_json()) >= {"code", "status", "message"}


# --- bad input: never a 500 --------------------------------------------------------------------

GARBAGE = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60
) | st.sampled_from(
    [
        "\x00",
        "-1",
        "0",
        "1e309",
        "nan",
        "inf",
        "9" * 40,
        "2026-02-30",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-12:00",
        ",,,",
        "open,closed,",
        "<x/>",
        "'; drop table users; --",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    name=st.sampled_from(
        [
            "service_request_id",
            "service_code",
            "start_date",
            "end_date",
            "status",
            "locale",
            "api_key",
            "jurisdiction_id",
        ]
    ),
    value=GARBAGE,
    fmt=st.sampled_from(["json", "xml"]),
)
def test_garbage_query_values_never_cause_a_server_error(client, name, value, fmt):
    response = client.get(f"{V2}/requests.{fmt}", query_string={name: value})
    assert response.status_code in (200, 400, 403), response.get_data(as_text=True)
    if response.status_code != 200:
        assert_open311_error(response, response.status_code, fmt)
    path = quote(value, safe="") or "x"
    for url in (f"{V2}/services/{path}.{fmt}", f"{V2}/tokens/{path}.{fmt}"):
        assert client.get(url).status_code in (400, 404)


@pytest.fixture
def tenant_key():
    return token(tenant())


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    name=st.sampled_from(
        [
            "service_code",
            "address_id",
            "lat",
            "long",
            "description",
            "address_string",
            "anonymous",
            "email",
            "first_name",
            "media_url",
            "attribute[x]",
            "api_key",
        ]
    ),
    value=GARBAGE,
)
def test_garbage_form_values_never_cause_a_server_error(client, tenant_key, name, value):
    form = {
        "api_key": tenant_key,
        "service_code": "maintenance",
        "address_id": str(complex_id("boccioni")),
        "description": "Guasto alla luce.",
    }
    form[name] = value
    response = client.post(f"{V2}/requests.json", data=form)
    assert response.status_code in (200, 400, 403, 404), response.get_data(as_text=True)
    if response.status_code != 200:
        assert_open311_error(response, response.status_code)


def test_control_characters_never_break_the_xml(client):
    author = tenant()
    report_id = report(author, visibility="public", description="Luce\x01 rotta\x0b qui\ufffe.")
    root = xml(client.get(f"{V2}/requests/{report_id}.xml"))
    assert root[0].findtext("description") == "Luce rotta qui."
    assert client.get(f"{V2}/requests.json", query_string={"status": "\x00"}).status_code == 400
    assert client.get(f"{V2}/services/a%00b.json").status_code == 400
    # A second value of a repeated parameter is checked too (PostgreSQL refuses NUL).
    url = f"{V2}/requests.json?service_code=maintenance&service_code=a%00b"
    assert_open311_error(client.get(url), 400)


@pytest.fixture
def limited_app(database_url, frontend_dist, tmp_path, extension_state):
    """The app with its rate limits on: two requests an hour per api_key."""
    app = make_test_app(
        database_url,
        frontend_dist,
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        QC_REPORT_RATE_LIMIT="2 per hour",
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_filing_is_rate_limited_per_api_key(limited_app):
    client = limited_app.test_client()
    key, other_key = token(tenant()), token(tenant())
    form = {
        "service_code": "maintenance",
        "address_id": str(complex_id("boccioni")),
        "description": "Guasto alla luce.",
    }
    for _ in range(3):  # refused keys do not use up anyone's allowance
        assert _post(client, **form, api_key="qct_wrong").status_code == 403
    assert [_post(client, **form, api_key=key).status_code for _ in range(2)] == [200, 200]
    refused = _post(client, "xml", **form, api_key=key)
    assert_open311_error(refused, 429, "xml")
    assert refused.headers.get("Retry-After")
    assert _post(client, **form, api_key=other_key).status_code == 200
    assert client.get(f"{V2}/requests.json", query_string={"api_key": key}).status_code == 200


# --- a real outside client over HTTP ------------------------------------------------------------


@pytest.fixture
def live_database_url(tmp_path):
    """A database of its own: the live server commits, unlike the savepointed tests."""
    import os

    if os.environ.get("QC_TEST_DATABASE_URL"):
        yield from _postgres_database()
    else:
        yield "sqlite:///" + str(tmp_path / "live.sqlite3")


@pytest.fixture
def live_server(live_database_url, frontend_dist, tmp_path, extension_state):
    """The application on a free port of 127.0.0.1, seeded, with a tenant and a report."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from qc_platform.places import service as places

    app = make_test_app(live_database_url, frontend_dist, tmp_path / "live")
    with app.app_context():
        upgrade()
        places.seed_reference_data()
        feedback.seed_categories_and_routing()
        db.session.commit()
        author = tenant()
        key = token(author)
        public_id = report(author, visibility="public", description="Lampione spento.")
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {
            "url": f"http://127.0.0.1:{server.server_port}{V2}",
            "api_key": key,
            "public_id": public_id,
            "app": app,
        }
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.no_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_a_live_server(live_server, fmt):
    from georeport import GeoReport

    client = GeoReport(live_server["url"], output_format=fmt)
    services = client.get_service_list()
    assert [s["service_code"] for s in services][0] == "maintenance"
    assert services[0]["metadata"] in (False, "false")
    definition = client.get_service_definition("maintenance")
    assert definition["service_code"] == "maintenance"
    wanted = str(live_server["public_id"])
    found = client.get_service_requests(service_request_id=wanted)
    # xmltodict gives a lone <request> as a mapping, several as a list.
    found = found if isinstance(found, list) else [found]
    assert [str(r["service_request_id"]) for r in found] == [wanted]
    one = client.get_service_request(wanted)
    assert one["description"] == "Lampione spento." and W3C.match(one["requested_datetime"])
    assert client.get_service_requests(status="open", service_code="maintenance")


@pytest.mark.no_db
def test_a_form_post_over_http_creates_a_request(live_server):
    import requests

    url = live_server["url"]
    with live_server["app"].app_context():
        boccioni = complex_id("boccioni")
    response = requests.post(
        f"{url}/requests.json",
        data={
            "api_key": live_server["api_key"],
            "service_code": "cleaning",
            "address_id": boccioni,
            "description": "Cortile sporco.",
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    (created,) = response.json()
    # Private: not listed to the public, listed (without description) with the api_key.
    listed = requests.get(f"{url}/requests.json", timeout=10).json()
    assert created["service_request_id"] not in [r["service_request_id"] for r in listed]
    mine = requests.get(
        f"{url}/requests/{created['service_request_id']}.xml",
        params={"api_key": live_server["api_key"]},
        timeout=10,
    )
    root = ET.fromstring(mine.content)  # noqa: S314 - our own server's output
    assert root.tag == "service_requests" and root[0].findtext("status") == "open"
    bad = requests.post(f"{url}/requests.xml", data={"api_key": "qct_nope"}, timeout=10)
    assert bad.status_code == 403 and ET.fromstring(bad.content).tag == "errors"  # noqa: S314
