"""GET /users/me/export: everything about me, by module, and never a secret."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from sqlalchemy import select

from qc_platform.accounts.models import ApiToken, EmailToken, User, UserSession
from qc_platform.activities.models import CalendarFeed
from qc_platform.extensions import db
from qc_platform.feedback import attachments
from qc_platform.feedback.models import ReportAttachment
from tests.accounts.gdpr_world import NAME, NEW_EMAIL, build
from tests.conftest import make_test_app
from tests.marketplace.helpers import API, complex_id, ok, refused

EXPORT = f"{API}/users/me/export"


def _secrets_of(user_id: int) -> list[str]:
    """Every secret, or hash of one, the database holds about the person."""
    user = db.session.get(User, user_id)
    found = [user.password_hash]
    found += db.session.scalars(select(ApiToken.token_hash).where(ApiToken.user_id == user_id))
    found += db.session.scalars(
        select(UserSession.secret_hash).where(UserSession.user_id == user_id)
    )
    found += db.session.scalars(select(EmailToken.token_hash).where(EmailToken.user_id == user_id))
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id))
    found += [feed.token_hash, feed.nonce]
    return found


def test_the_export_holds_a_datum_of_every_module_and_no_secret(client):
    w = build(client)
    # staff recognise her as a tenant of a second complex too
    grant = {"role": "tenant", "scope_type": "complex", "scope_id": complex_id("omero")}
    ok(client.post(f"{API}/users/{w.erin.id}/roles", json=grant, headers=w.staff.headers), 201)
    response = client.get(EXPORT, headers=w.erin.headers)
    data = ok(response)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    assert data["user_id"] == w.erin.id
    modules = data["modules"]

    accounts = modules["accounts"]
    assert accounts["profile"]["display_name"] == NAME
    assert accounts["profile"]["email"] == w.erin.email
    assert [g["role"] for g in accounts["roles"]] == ["tenant", "tenant"]
    assert [t["id"] for t in accounts["tenancy_requests"]] == [w.ids["tenancy"]]
    assert [s["device"] for s in accounts["sessions"]] == ["Firefox, Linux"]
    assert len(accounts["tokens"]) == 1 and accounts["tokens"][0]["name"] == "test"
    # what she did, and what others did to her account (her tenant role granted), not who
    assert "email.change_requested" in [row["action"] for row in accounts["audit"]]
    granted = [row for row in accounts["audit_about_me"] if row["action"] == "role.grant"]
    assert granted and all("actor_id" not in row for row in granted)
    changes = [link for link in accounts["email_links"] if link["purpose"] == "email_change"]
    assert [link["email"] for link in changes] == [NEW_EMAIL]

    feedback = modules["feedback"]
    assert [r["title"] for r in feedback["reports"]] == ["Perdita d'acqua in cantina"]
    assert feedback["reports"][0]["category"] == "maintenance"
    assert [u["body"] for u in feedback["updates_written"]] == ["Ora gocciola anche in scala B."]
    assert [s["report_id"] for s in feedback["supports"]] == [w.ids["their_report"]]
    assert [a["id"] for a in feedback["attachments_uploaded"]] == [w.ids["attachment"]]

    marketplace = modules["marketplace"]
    assert [x["title"] for x in marketplace["listings"]] == ["Ripetizioni di matematica"]
    assert [x["id"] for x in marketplace["exchanges"]] == [w.ids["exchange"]]

    registrations = modules["activities"]["registrations"]
    assert [(r["id"], r["status"], r["activity_title"]) for r in registrations] == [
        (w.ids[f"registration_{w.erin.id}"], "confirmed", "Yoga dolce")
    ]
    assert modules["activities"]["calendar_feed"]["created_at"]

    assert [r["message"] for r in modules["catalogue"]["requests"]] == [
        "Ho una giacca da accorciare."
    ]
    timebank = modules["timebank"]
    assert timebank["account"]["balance_minutes"] == -30
    assert [(e["minutes"], e["memo"]) for e in timebank["entries"]] == [
        (-30, "Grazie per il caffè")
    ]
    assert timebank["entries"][0]["counterparty"]["name"] == "Nello Vicino"
    assert "Avviso ai residenti" in [n["title"] for n in modules["notifications"]["notifications"]]

    text = response.get_data(as_text=True)
    for secret in _secrets_of(w.erin.id):
        assert secret not in text
    assert "$argon2" not in text
    assert not re.search(r"\b[0-9a-f]{64}\b", text), "a SHA-256 (of a secret?) in the export"
    keys = set(re.findall(r'"([a-z_]+)":', text))
    assert not {k for k in keys if "hash" in k or "secret" in k or k in {"nonce", "token"}}


def test_the_export_is_mine_only(client):
    w = build(client)
    data = ok(client.get(EXPORT, headers=w.neighbour.headers))
    text = json.dumps(data, ensure_ascii=False)
    assert "Ripetizioni di matematica" not in text  # her listing
    assert "Perdita d'acqua" not in text  # her report
    assert data["modules"]["accounts"]["profile"]["display_name"] == "Nello Vicino"


def test_the_zip_export_has_the_json_and_my_report_photos(client):
    w = build(client)
    response = client.get(EXPORT, query_string={"format": "zip"}, headers=w.erin.headers)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    data = json.loads(archive.read("dati-personali.json"))
    assert data["modules"]["accounts"]["profile"]["display_name"] == NAME
    stored = attachments.read(db.session.get(ReportAttachment, w.ids["attachment"]))
    path = f"segnalazioni/{w.ids['report']}/{w.ids['attachment']}-cantina.png"
    assert archive.read(path) == stored


@pytest.mark.parametrize("query", [{"format": "pdf"}, {"format": ""}])
def test_an_unknown_format_is_a_422(client, query):
    w = build(client)
    refused(client.get(EXPORT, query_string=query, headers=w.erin.headers), 422)


def test_the_export_needs_a_signed_in_person(client):
    refused(client.get(EXPORT), 401)


@pytest.fixture
def limited_app(database_url, frontend_dist, tmp_path, extension_state):
    app = make_test_app(
        database_url,
        frontend_dist,
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        QC_EXPORT_RATE_LIMIT="2 per hour",
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_exports_are_rate_limited_per_person(limited_app):
    from tests.marketplace.helpers import person

    client = limited_app.test_client()
    first, second = person(), person()
    for _ in range(2):
        ok(client.get(EXPORT, headers=first.headers))
    body = refused(client.get(EXPORT, headers=first.headers), 429)
    assert body["status"] == "Too Many Requests"
    # someone else's budget is their own
    ok(client.get(EXPORT, headers=second.headers))
