"""The audit log never ties the sender of an anonymous report to it.

A sender who also handles their report is audited for what they do as its handler, like
every handler (the row names a handler of the report, as their colleagues' rows do), and
for nothing they do as its sender.
"""

from __future__ import annotations

from sqlalchemy import select

from qc_platform.core.audit import AuditEntry
from qc_platform.extensions import db
from tests.accounts.factories import bearer, user_with_roles

API = "/api/v1/feedback"


def test_a_privileged_tenant_writing_anonymously_leaves_no_audit_row(client):
    # Tenant of complex 1 and custodian of complex 2: every write of theirs is audited…
    sender = user_with_roles(("tenant", "complex", 1), ("custodian", "complex", 2))
    sender_id, headers = sender.id, bearer(sender)
    created = client.post(
        f"{API}/reports",
        json={
            "category": "living-together",
            "complex_id": 1,
            "title": "Rumori notturni",
            "description": "Ogni notte dalle due.",
            "anonymous": True,
        },
        headers=headers,
    )
    assert created.status_code == 201
    report_id = created.get_json()["id"]
    comment = client.post(
        f"{API}/reports/{report_id}/updates", json={"body": "Anche stanotte."}, headers=headers
    )
    assert comment.status_code == 201
    # …except when they speak as the anonymous sender of a report.
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == sender_id)).all()
    assert rows == []


def test_the_same_person_reporting_openly_is_audited(client):
    sender = user_with_roles(("tenant", "complex", 1), ("custodian", "complex", 2))
    sender_id, headers = sender.id, bearer(sender)
    created = client.post(
        f"{API}/reports",
        json={
            "category": "living-together",
            "complex_id": 1,
            "title": "Rumori notturni",
            "description": "Ogni notte dalle due.",
            "anonymous": False,
        },
        headers=headers,
    )
    assert created.status_code == 201
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == sender_id)).all()
    assert len(rows) == 1


def test_a_sender_who_handles_their_report_answers_and_is_audited_like_their_colleague(client):
    # Tenant and custodian of complex 1; maintenance reports go to its custodians.
    sender = user_with_roles(("tenant", "complex", 1), ("custodian", "complex", 1))
    colleague = user_with_roles(("custodian", "complex", 1))
    neighbour = user_with_roles(("tenant", "complex", 1))
    sender_id, colleague_id = sender.id, colleague.id
    headers, colleague_headers, neighbour_headers = (
        bearer(sender),
        bearer(colleague),
        bearer(neighbour),
    )
    created = client.post(
        f"{API}/reports",
        json={
            "category": "maintenance",
            "complex_id": 1,
            "title": "Perdita dal tetto",
            "description": "Gocciola in soffitta.",
            "anonymous": True,
            "visibility": "public",
        },
        headers=headers,
    )
    assert created.status_code == 201
    report_id = created.get_json()["id"]
    for who, body in [
        (headers, {"body": "Chiamato il lattoniere.", "status": "acknowledged"}),
        (colleague_headers, {"body": "Riparato.", "status": "resolved"}),
    ]:
        answer = client.post(f"{API}/reports/{report_id}/updates", json=body, headers=who)
        assert answer.status_code == 201
    outcome = client.post(
        f"{API}/reports/{report_id}/outcome",
        json={"solved": True, "satisfaction": 5},
        headers=headers,
    )
    assert outcome.status_code == 200

    # A neighbour reads two answers of two named custodians, and an anonymous outcome.
    trail = client.get(f"{API}/reports/{report_id}/updates", headers=neighbour_headers)
    assert [
        (u["author"] and u["author"]["id"], u["author_role"]) for u in trail.get_json()["items"]
    ] == [
        (sender_id, "custodian"),
        (colleague_id, "custodian"),
        (None, "reporter"),
    ]
    shown = client.get(f"{API}/reports/{report_id}", headers=neighbour_headers).get_json()
    assert (shown["reporter"], shown["first_responded_at"]) == (
        None,
        trail.get_json()["items"][0]["created_at"],
    )
    # The audit log: one row per answer, alike; none for sending it or for the outcome.
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id.in_([sender_id, colleague_id]))
    ).all()
    assert [(r.actor_id, r.action, r.object_id, sorted(r.details)) for r in rows] == [
        (sender_id, "report.update", report_id, ["internal", "status"]),
        (colleague_id, "report.update", report_id, ["internal", "status"]),
    ]
