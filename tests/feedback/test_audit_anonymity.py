"""The audit log never ties the sender of an anonymous report to it."""

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
