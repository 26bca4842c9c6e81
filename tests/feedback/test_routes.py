"""Bad input and abuse on the feedback API; committees, routing rules, and the audit trail.

Every refusal has the JSON error shape and leaves nothing behind: no report, no
assignment, no notification.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from qc_platform.accounts.models import User
from qc_platform.extensions import db
from qc_platform.feedback import service as feedback
from qc_platform.feedback.models import Committee, Report, ReportAssignment, RoutingRule
from qc_platform.notifications.models import Notification
from tests.accounts.factories import UserFactory, bearer, user_with_roles
from tests.conftest import make_test_app
from tests.feedback.factories import (
    API,
    accreditations_of,
    audit_rows,
    complex_ab,
    count,
    custodian,
    get,
    listed_ids,
    make_committee,
    member,
    notified,
    organisation_id,
    post,
    report,
    staff,
    submit,
    tenant,
)


def _body(complex_: int, **changes) -> dict:
    body = {
        "category": "maintenance",
        "complex_id": complex_,
        "title": "Citofono guasto",
        "description": "Il citofono della scala A non suona.",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def _nothing_written() -> None:
    assert count(Report) == 0
    assert count(ReportAssignment) == 0
    assert count(Notification) == 0


# --- creating reports: bad input -------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "weather"}, "category"),
        ({"category": ""}, "category"),
        ({"category": ...}, "category"),
        ({"title": "x" * 161}, "title"),
        ({"title": "ok"}, "title"),
        ({"title": "    "}, "title"),
        ({"title": ...}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"description": " "}, "description"),
        ({"description": ...}, "description"),
        ({"location_detail": "x" * 201}, "location_detail"),
        ({"visibility": "secret"}, "visibility"),
        ({"anonymous": "forse"}, "anonymous"),
        ({"complex_id": 0}, "complex_id"),
        ({"complex_id": "boccioni"}, "complex_id"),
        ({"complex_id": 999_999}, "complex_id"),
        ({"complex_id": ...}, "complex_id"),
        ({"on_behalf_of": "me"}, "on_behalf_of"),
        ({"reporter_id": 1}, "reporter_id"),
    ],
)
def test_bad_report_input_is_422(client, changes, field):
    a, _ = complex_ab()
    custodian(a)
    headers = bearer(tenant(a))
    response = post(client, "/feedback/reports", _body(a, **changes), headers)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()
    assert error["code"] == 422 and error["message"]
    assert field in error["errors"]["json"], error
    _nothing_written()


def test_a_title_of_160_characters_is_fine(client):
    a, _ = complex_ab()
    response = post(client, "/feedback/reports", _body(a, title="x" * 160), bearer(tenant(a)))
    assert response.status_code == 201, response.get_json()
    assert report(response.get_json()["id"]).title == "x" * 160


def test_the_unknown_category_is_named_in_the_users_language(client):
    a, _ = complex_ab()
    headers = {**bearer(tenant(a)), "Accept-Language": "en"}
    response = post(client, "/feedback/reports", _body(a, category="weather"), headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["category"] == ["Unknown category."]


@pytest.mark.parametrize(
    "who", ["resident", "tenant_other", "operator", "committee_member", "custodian_other"]
)
def test_who_is_not_a_tenant_of_the_complex_cannot_report_on_it(client, who):
    a, b = complex_ab()
    people = {
        "resident": lambda: UserFactory(),
        "tenant_other": lambda: tenant(b),
        "operator": lambda: user_with_roles(("operator", "organisation", organisation_id())),
        "committee_member": lambda: member(make_committee([a], "today")),
        "custodian_other": lambda: custodian(b),
    }
    response = post(client, "/feedback/reports", _body(a), bearer(people[who]()))
    assert response.status_code == 403, response.get_json()
    assert response.get_json()["code"] == 403
    _nothing_written()


def test_signing_in_is_required(client):
    a, _ = complex_ab()
    response = post(client, "/feedback/reports", _body(a))
    assert response.status_code == 401
    _nothing_written()


def test_a_tenant_reports_on_their_own_complex(client):
    a, _ = complex_ab()
    sender = tenant(a)
    sender_id = sender.id
    response = post(
        client,
        "/feedback/reports",
        _body(a, location_detail="  Scala A, piano terra  ", visibility="public"),
        bearer(sender),
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "submitted"
    assert (body["category"], body["complex_id"], body["visibility"]) == (
        "maintenance",
        a,
        "public",
    )
    assert body["location_detail"] == "Scala A, piano terra"
    assert body["reporter"]["id"] == sender_id
    assert body["submitted_on_behalf"] is False
    assert body["anonymous"] is False
    assert body["first_responded_at"] is None
    assert body["overdue"] is False
    stored = report(body["id"])
    assert (stored.reporter_id, stored.submitted_by_id) == (sender_id, sender_id)
    # A tenant's own report is no privileged action: nothing in the audit log.
    assert [e for e in audit_rows() if e.object_type in ("report", "request")] == []


# --- on a tenant's behalf ---------------------------------------------------------------


def test_a_custodian_reports_for_a_tenant_of_their_complex(client):
    a, _ = complex_ab()
    typist, sender = custodian(a), tenant(a)
    typist_id, sender_id = typist.id, sender.id
    sender_headers = bearer(sender)
    response = post(client, "/feedback/reports", _body(a, on_behalf_of=sender_id), bearer(typist))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["reporter"]["id"] == sender_id
    assert body["submitted_on_behalf"] is True
    stored = report(body["id"])
    assert (stored.reporter_id, stored.submitted_by_id) == (sender_id, typist_id)
    (entry,) = audit_rows("report.submit_on_behalf")
    assert (entry.actor_id, entry.object_id) == (typist_id, body["id"])
    # The tenant finds it among their reports, and may comment and give the outcome.
    assert body["id"] in listed_ids(get(client, "/feedback/reports", sender_headers))
    shown = get(client, f"/feedback/reports/{body['id']}", sender_headers).get_json()
    assert (shown["reporter"]["id"], shown["submitted_on_behalf"]) == (sender_id, True)


def test_staff_report_for_a_tenant(client):
    a, _ = complex_ab()
    sender = tenant(a)
    sender_id = sender.id
    response = post(client, "/feedback/reports", _body(a, on_behalf_of=sender_id), bearer(staff()))
    assert response.status_code == 201, response.get_json()
    assert report(response.get_json()["id"]).reporter_id == sender_id


@pytest.mark.parametrize(
    ("author", "on_behalf", "status"),
    [
        ("tenant", "tenant_a", 403),  # a tenant reports only for themself
        ("committee_tenant", "tenant_a", 403),  # so does a committee member
        ("custodian_b", "tenant_a", 403),  # not their complex
        ("custodian_a", None, 422),  # custodians must say for whom
        ("staff", None, 422),
        ("custodian_a", "tenant_b", 422),  # not a tenant of this complex
        ("custodian_a", "resident", 422),
        ("custodian_a", "nobody", 422),
        ("staff", "tenant_b", 422),
    ],
)
def test_on_behalf_of_rules(client, author, on_behalf, status):
    a, b = complex_ab()
    committee = make_committee([a], "today")
    authors = {
        "tenant": lambda: tenant(a),
        "committee_tenant": lambda: user_with_roles(
            ("tenant", "complex", a), ("committee_member", "committee", committee)
        ),
        "custodian_a": lambda: custodian(a),
        "custodian_b": lambda: custodian(b),
        "staff": staff,
    }
    targets = {
        "tenant_a": lambda: tenant(a).id,
        "tenant_b": lambda: tenant(b).id,
        "resident": lambda: UserFactory().id,
        "nobody": lambda: 999_999,
        None: lambda: None,
    }
    body = _body(a)
    if on_behalf is not None:
        body["on_behalf_of"] = targets[on_behalf]()
    response = post(client, "/feedback/reports", body, bearer(authors[author]()))
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert "on_behalf_of" in response.get_json()["errors"]["json"]
    _nothing_written()
    assert audit_rows("report.submit_on_behalf") == []


# --- rate limit ---------------------------------------------------------------------------


@pytest.fixture
def limited_app(database_url, frontend_dist, tmp_path, extension_state):
    """An app with rate limits on (memory storage); the process-wide state handed back after."""
    app = make_test_app(
        database_url,
        frontend_dist,
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        QC_REPORT_RATE_LIMIT="3 per hour",
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_report_creation_is_rate_limited_per_user(limited_app):
    client = limited_app.test_client()
    a, _ = complex_ab()
    first, second = tenant(a), tenant(a)
    first_id = first.id
    first_headers, second_headers = bearer(first), bearer(second)

    created = []
    for n in range(3):
        response = post(client, "/feedback/reports", _body(a, title=f"Guasto {n}"), first_headers)
        assert response.status_code == 201, response.get_json()
        created.append(response.get_json()["id"])

    refused = post(client, "/feedback/reports", _body(a, title="Guasto 3"), first_headers)
    assert refused.status_code == 429
    assert refused.get_json()["code"] == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert db.session.query(Report).filter(Report.reporter_id == first_id).count() == 3

    # Per person, not per address: the neighbour on the same connection still reports.
    assert post(client, "/feedback/reports", _body(a), second_headers).status_code == 201
    # Only creation is limited: reading and commenting go on.
    assert get(client, "/feedback/reports", first_headers).status_code == 200
    comment = post(
        client, f"/feedback/reports/{created[0]}/updates", {"body": "Ancora guasto"}, first_headers
    )
    assert comment.status_code == 201


def test_without_the_limit_the_test_app_does_not_refuse(client):
    a, _ = complex_ab()
    headers = bearer(tenant(a))
    for n in range(12):
        assert (
            post(client, "/feedback/reports", _body(a, title=f"Guasto {n}"), headers).status_code
            == 201
        )


# --- committees and accreditations -----------------------------------------------------------


def test_staff_register_a_committee_accredit_it_and_add_members(client):
    a, b = complex_ab()
    staff_user = staff()
    staff_id = staff_user.id
    headers = bearer(staff_user)
    created = post(
        client,
        "/committees",
        {"name": " Comitato Boccioni-Zoia ", "complex_ids": [b, a, a]},
        headers,
    )
    assert created.status_code == 201, created.get_json()
    committee = created.get_json()
    assert committee["name"] == "Comitato Boccioni-Zoia"
    assert committee["complex_ids"] == sorted([a, b])
    assert (committee["accreditations"], committee["accredited_today"]) == ([], False)
    cid = committee["id"]

    today = feedback.today_in_milan()
    past = post(
        client,
        f"/committees/{cid}/accreditations",
        {
            "valid_from": str(today - timedelta(days=400)),
            "valid_until": str(today - timedelta(days=35)),
        },
        headers,
    )
    assert past.status_code == 201, past.get_json()
    assert get(client, f"/committees/{cid}", headers).get_json()["accredited_today"] is False
    one_day = post(
        client,
        f"/committees/{cid}/accreditations",
        {"valid_from": str(today), "valid_until": str(today)},
        headers,
    )
    assert one_day.status_code == 201, one_day.get_json()
    shown = get(client, f"/committees/{cid}", headers).get_json()
    assert shown["accredited_today"] is True
    assert [acc["valid_from"] for acc in shown["accreditations"]] == [
        str(today - timedelta(days=400)),
        str(today),
    ]

    newcomer = UserFactory()
    newcomer_id = newcomer.id
    added = post(client, f"/committees/{cid}/members", {"user_id": newcomer_id}, headers)
    assert added.status_code == 201, added.get_json()
    assert (added.get_json()["user_id"], added.get_json()["committee_id"]) == (newcomer_id, cid)
    assert (
        post(client, f"/committees/{cid}/members", {"user_id": newcomer_id}, headers).status_code
        == 409
    )
    assert [n.kind for n in notified()[newcomer_id]] == ["account.role_granted"]
    # The new member now has an inbox, and reports of both complexes reach it.
    report_id = submit(tenant(a), a, "suggestion")
    inbox = get(client, "/feedback/inbox", bearer(db.session.get(User, newcomer_id)))
    assert listed_ids(inbox) == [report_id]

    on_committee = [e for e in audit_rows(object_id=cid) if e.object_type == "committee"]
    assert [(e.actor_id, e.action) for e in on_committee] == [
        (staff_id, "committee.create"),
        (staff_id, "committee.accredit"),
        (staff_id, "committee.accredit"),
    ]
    (grant,) = audit_rows("role.grant")
    assert (grant.actor_id, grant.object_id) == (staff_id, newcomer_id)
    assert cid in listed_ids(get(client, "/committees", headers))


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Comitato", "complex_ids": []},
        {"name": "Comitato", "complex_ids": [999_999]},
        {"name": "Comitato", "complex_ids": [0]},
        {"name": " ", "complex_ids": [1]},
        {"name": "Comitato"},
        {"complex_ids": [1]},
    ],
)
def test_bad_committees_are_422(client, body):
    response = post(client, "/committees", body, bearer(staff()))
    assert response.status_code == 422, response.get_json()
    assert count(Committee) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"valid_from": "2026-06-30", "valid_until": "2026-06-01"},
        {"valid_from": "2026-06-01"},
        {"valid_from": "2026-06-01", "valid_until": "30/06/2026"},
        {"valid_from": "2026-02-30", "valid_until": "2026-06-30"},
    ],
)
def test_bad_accreditations_are_422(client, body):
    a, _ = complex_ab()
    cid = make_committee([a], None)
    response = post(client, f"/committees/{cid}/accreditations", body, bearer(staff()))
    assert response.status_code == 422, response.get_json()
    assert accreditations_of(cid) == []


def test_an_inverted_period_is_named_in_the_error(client):
    a, _ = complex_ab()
    cid = make_committee([a], None)
    response = post(
        client,
        f"/committees/{cid}/accreditations",
        {"valid_from": "2026-06-30", "valid_until": "2026-06-01"},
        {**bearer(staff()), "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "valid_until" in response.get_json()["errors"]["json"]


def test_accrediting_or_joining_a_committee_that_does_not_exist_is_404(client):
    headers = bearer(staff())
    accreditation = {"valid_from": "2026-01-01", "valid_until": "2026-12-31"}
    assert (
        post(client, "/committees/999999/accreditations", accreditation, headers).status_code == 404
    )
    user_id = UserFactory().id
    assert (
        post(client, "/committees/999999/members", {"user_id": user_id}, headers).status_code == 404
    )
    assert get(client, "/committees/999999", headers).status_code == 404


def test_a_member_who_does_not_exist_is_422(client):
    a, _ = complex_ab()
    cid = make_committee([a])
    response = post(client, f"/committees/{cid}/members", {"user_id": 999_999}, bearer(staff()))
    assert response.status_code == 422
    assert "user_id" in response.get_json()["errors"]["json"]


@pytest.mark.parametrize("who", ["custodian", "committee_member", "tenant"])
def test_only_staff_manage_committees(client, who):
    a, _ = complex_ab()
    cid = make_committee([a])
    person = {"custodian": custodian(a), "committee_member": member(cid), "tenant": tenant(a)}[who]
    person_id, headers = person.id, bearer(person)
    assert (
        post(client, "/committees", {"name": "Nuovo", "complex_ids": [a]}, headers).status_code
        == 403
    )
    accreditation = {"valid_from": "2026-01-01", "valid_until": "2026-12-31"}
    assert (
        post(client, f"/committees/{cid}/accreditations", accreditation, headers).status_code == 403
    )
    assert (
        post(client, f"/committees/{cid}/members", {"user_id": person_id}, headers).status_code
        == 403
    )
    assert count(Committee) == 1


# --- routing rules --------------------------------------------------------------------------


def test_routing_rules_crud(client):
    a, _ = complex_ab()
    staff_user = staff()
    staff_id = staff_user.id
    headers = bearer(staff_user)

    listing = get(client, "/feedback/routing-rules", headers, limit=100)
    assert listing.status_code == 200
    seeded = {(r["category"], r["complex_id"], r["route_to"]) for r in listing.get_json()["items"]}
    assert ("maintenance", None, "custodian") in seeded
    assert ("living-together", None, "committee") in seeded

    created = post(
        client,
        "/feedback/routing-rules",
        {"category": "praise", "complex_id": a, "route_to": "staff"},
        headers,
    )
    assert created.status_code == 201, created.get_json()
    rule = created.get_json()
    assert {k: rule[k] for k in ("category", "complex_id", "route_to")} == {
        "category": "praise",
        "complex_id": a,
        "route_to": "staff",
    }
    listed = get(client, "/feedback/routing-rules", headers, limit=100).get_json()["items"]
    assert rule in listed
    (entry,) = audit_rows("routing_rule.create")
    assert (entry.actor_id, entry.object_id) == (staff_id, rule["id"])
    assert entry.details == {"category": "praise", "complex_id": a, "route_to": "staff"}

    duplicate = post(
        client,
        "/feedback/routing-rules",
        {"category": "praise", "complex_id": a, "route_to": "staff"},
        headers,
    )
    assert duplicate.status_code == 409
    # Another target for the same category and complex is a new rule.
    other = post(
        client,
        "/feedback/routing-rules",
        {"category": "praise", "complex_id": a, "route_to": "custodian"},
        headers,
    )
    assert other.status_code == 201

    assert (
        client.delete(f"{API}/feedback/routing-rules/{rule['id']}", headers=headers).status_code
        == 204
    )
    assert db.session.get(RoutingRule, rule["id"]) is None
    (deleted,) = audit_rows("routing_rule.delete")
    assert (deleted.actor_id, deleted.object_id) == (staff_id, rule["id"])
    assert (
        client.delete(f"{API}/feedback/routing-rules/{rule['id']}", headers=headers).status_code
        == 404
    )


def test_a_general_rule_that_exists_is_409(client):
    before = count(RoutingRule)
    response = post(
        client,
        "/feedback/routing-rules",
        {"category": "maintenance", "complex_id": None, "route_to": "custodian"},
        bearer(staff()),
    )
    assert response.status_code == 409, response.get_json()
    assert count(RoutingRule) == before
    # Leaving complex_id out is the same general rule.
    response = post(
        client,
        "/feedback/routing-rules",
        {"category": "maintenance", "route_to": "custodian"},
        bearer(staff()),
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "weather", "route_to": "staff"}, "category"),
        ({"category": "praise", "complex_id": 999_999, "route_to": "staff"}, "complex_id"),
        ({"category": "praise", "route_to": "everyone"}, "route_to"),
        ({"category": "praise"}, "route_to"),
        ({"route_to": "staff"}, "category"),
    ],
)
def test_bad_routing_rules_are_422(client, body, field):
    before = count(RoutingRule)
    response = post(client, "/feedback/routing-rules", body, bearer(staff()))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    assert count(RoutingRule) == before
    assert audit_rows("routing_rule.create") == []


@pytest.mark.parametrize("who", ["custodian", "committee_member", "tenant"])
def test_only_staff_manage_routing_rules(client, who):
    a, _ = complex_ab()
    person = {
        "custodian": lambda: custodian(a),
        "committee_member": lambda: member(make_committee([a])),
        "tenant": lambda: tenant(a),
    }[who]()
    headers = bearer(person)
    before = count(RoutingRule)
    body = {"category": "praise", "complex_id": a, "route_to": "staff"}
    assert post(client, "/feedback/routing-rules", body, headers).status_code == 403
    assert get(client, "/feedback/routing-rules", headers).status_code == 403
    rule_id = db.session.query(RoutingRule.id).first()[0]
    assert (
        client.delete(f"{API}/feedback/routing-rules/{rule_id}", headers=headers).status_code == 403
    )
    assert count(RoutingRule) == before


# --- the audit trail ------------------------------------------------------------------------


def test_every_action_of_custodians_committees_and_staff_on_a_report_is_audited(client):
    a, _ = complex_ab()
    committee = make_committee([a], "today")
    people = {
        "sender": tenant(a),
        "custodian": custodian(a),
        # a committee member who is also a tenant of the complex: supports too
        "member": user_with_roles(
            ("tenant", "complex", a), ("committee_member", "committee", committee)
        ),
        "staff": staff(),
        "neighbour": tenant(a),
    }
    ids = {role: user.id for role, user in people.items()}
    h = {role: bearer(user) for role, user in people.items()}
    report_id = submit(people["sender"], a, "living-together", visibility="public")
    url = f"/feedback/reports/{report_id}"

    steps = [
        ("sender", "updates", {"body": "Di nuovo stanotte."}),
        ("neighbour", "supports", None),
        ("custodian", "updates", {"body": "Parlo con i vicini.", "status": "acknowledged"}),
        ("member", "updates", {"body": "Lo sappiamo da tempo.", "internal": True}),
        ("member", "supports", None),
        ("staff", "updates", {"status": "in_progress"}),
        ("staff", "reassign", {"route_to": "committee"}),
        ("member", "updates", {"body": "Incontro fissato.", "status": "resolved"}),
    ]
    for role, action, body in steps:
        response = post(client, f"{url}/{action}", body, h[role])
        assert response.status_code in (200, 201), (role, action, response.get_json())

    trail = [
        (e.actor_id, e.action, e.details)
        for e in audit_rows(object_id=report_id)
        if e.object_type == "report"
    ]
    trail += [
        (e.actor_id, e.action, e.details)
        for e in audit_rows()
        if e.object_type == "request"
        and e.details.get("view_args", {}).get("report_id") == str(report_id)
    ]
    assert trail == [
        (ids["custodian"], "report.update", {"status": "acknowledged", "internal": False}),
        (ids["member"], "report.update", {"status": None, "internal": True}),
        (ids["staff"], "report.update", {"status": "in_progress", "internal": False}),
        (ids["staff"], "report.reassign", {"route_to": "committee"}),
        (ids["member"], "report.update", {"status": "resolved", "internal": False}),
        # The committee member's "me too": no action of its own, recorded at the boundary.
        (
            ids["member"],
            "POST /api/v1/feedback/reports/<int:report_id>/supports",
            {"view_args": {"report_id": str(report_id)}, "status": 201},
        ),
    ]
    # The tenants' comments and supports are theirs: not audited.
    assert not [e for e in audit_rows() if e.actor_id in (ids["sender"], ids["neighbour"])]


def test_a_refused_action_leaves_no_audit_row(client):
    a, _ = complex_ab()
    headers = bearer(custodian(a))
    report_id = submit(tenant(a), a, "maintenance")
    response = post(client, f"/feedback/reports/{report_id}/updates", {"status": "closed"}, headers)
    assert response.status_code == 409
    assert [e for e in audit_rows(object_id=report_id) if e.object_type == "report"] == []
    assert [e for e in audit_rows() if e.object_type == "request"] == []


def test_mine_lists_only_the_reports_i_sent(client):
    sender = user_with_roles(("tenant", "complex", 1), ("custodian", "complex", 1))
    other = user_with_roles(("tenant", "complex", 1))
    sender_headers, other_headers = bearer(sender), bearer(other)
    body = {
        "category": "maintenance",
        "complex_id": 1,
        "title": "Luce cortile",
        "description": "Spenta da giorni.",
    }
    mine = client.post("/api/v1/feedback/reports", json=body, headers=sender_headers).get_json()[
        "id"
    ]
    theirs = client.post("/api/v1/feedback/reports", json=body, headers=other_headers).get_json()[
        "id"
    ]
    # As custodian of complex 1 the sender sees both; "mine" keeps only their own.
    seen = [
        r["id"]
        for r in client.get("/api/v1/feedback/reports", headers=sender_headers).get_json()["items"]
    ]
    assert {mine, theirs} <= set(seen)
    listed = client.get("/api/v1/feedback/reports?mine=true", headers=sender_headers).get_json()[
        "items"
    ]
    assert [r["id"] for r in listed] == [mine]
