"""Routing: category × complex (with/without custodian) × committee accreditation → assignments.

The general rules are the seeded defaults (qc_platform/data/feedback.json). A report goes
at once to the custodians of its complex and/or the committee accredited *today* (Milan's
calendar day) per its category's rules; when nobody matches, to the staff queue. Every
recipient is notified (``feedback.routed``), the reporter never.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib import resources

import pytest
import time_machine
from sqlalchemy import select

from qc_platform.extensions import db
from qc_platform.feedback.models import (
    Committee,
    CommitteeAccreditation,
    CommitteeComplex,
    FeedbackCategory,
    RoutingRule,
)
from tests.accounts.factories import bearer, persist, user_with_roles
from tests.feedback.factories import (
    CATEGORIES,
    assignments,
    audit_rows,
    complex_ab,
    complex_id,
    custodian,
    get,
    listed_ids,
    make_committee,
    member,
    notification_ids,
    notified,
    post,
    replace_rules,
    staff,
    submit,
    tenant,
)

# Per category, the assignments of a new report when the complex has
# (a custodian and a committee accredited today, a custodian only,
#  a committee accredited today only, neither).
EXPECTED = {
    "maintenance": ("custodian", "custodian", "staff", "staff"),
    "cleaning": ("custodian", "custodian", "staff", "staff"),
    "safety": ("custodian staff", "custodian staff", "staff", "staff"),
    "living-together": ("custodian committee", "custodian", "committee", "staff"),
    "space-services": ("staff", "staff", "staff", "staff"),
    "suggestion": ("committee", "staff", "committee", "staff"),
    "praise": ("committee", "staff", "committee", "staff"),
}
COLUMN = {(True, True): 0, (True, False): 1, (False, True): 2, (False, False): 3}


def _report_body(complex_id: int, category: str = "maintenance", **extra) -> dict:
    return {
        "category": category,
        "complex_id": complex_id,
        "title": "Luce delle scale",
        "description": "La luce della scala C è spenta da tre giorni.",
        **extra,
    }


def test_the_matrix_covers_every_seeded_category(client):
    response = client.get("/api/v1/feedback/categories")
    assert {c["code"] for c in response.get_json()["items"]} == set(EXPECTED) == set(CATEGORIES)


@pytest.mark.parametrize("committee_state", ["today", "expired", "future", None])
@pytest.mark.parametrize("with_custodian", [True, False], ids=["custodian", "no_custodian"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_routing_matrix(client, category, with_custodian, committee_state):
    a, b = complex_ab()
    # Around the case: complex B's custodian and accredited committee, which must never
    # receive a report of complex A, and the staff queue.
    bystanders = [custodian(b).id, member(make_committee([b], "today")).id]
    staff_id = staff().id
    custodian_id = custodian(a).id if with_custodian else None
    committee_id = make_committee([a], committee_state) if committee_state else None
    member_id = member(committee_id).id if committee_id else None
    reporter = tenant(a)
    reporter_id = reporter.id

    response = post(client, "/feedback/reports", _report_body(a, category), bearer(reporter))

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    expected = set(EXPECTED[category][COLUMN[with_custodian, committee_state == "today"]].split())
    assert {item["target"] for item in body["assignments"]} == expected
    assert all(item["active"] and item["complex_id"] == a for item in body["assignments"])
    committees = {item["committee_id"] for item in body["assignments"]} - {None}
    assert committees == ({committee_id} if "committee" in expected else set())
    stored = assignments(body["id"])
    assert stored == {(t, committee_id if t == "committee" else None) for t in expected}

    recipients = {
        "custodian": {custodian_id},
        "committee": {member_id},
        "staff": {staff_id},
    }
    should_hear = set().union(*(recipients[target] for target in expected))
    routed = notified("feedback.routed")
    assert set(routed) == should_hear
    for user_id in should_hear:
        (notification,) = routed[user_id]
        assert notification.link == f"/segnalazioni/{body['id']}"
        assert "Luce delle scale" in notification.title
    assert reporter_id not in routed
    assert not set(bystanders) & set(routed)
    assert notified() == routed  # nothing else was sent to anyone


def test_a_committee_accredited_until_today_or_from_today_receives(client):
    a, _ = complex_ab()
    for accredited in ("until_today", "from_today"):
        committee = make_committee([a], accredited)
        report_id = submit(tenant(a), a, "suggestion")
        assert assignments(report_id) == {("committee", committee)}, accredited
        db.session.execute(
            CommitteeAccreditation.__table__.delete().where(
                CommitteeAccreditation.committee_id == committee
            )
        )
        persist()


def _dated_committee(complex_id: int, valid_from: date, valid_until: date) -> int:
    committee = Committee(name="Comitato", complexes=[CommitteeComplex(complex_id=complex_id)])
    committee.accreditations = [
        CommitteeAccreditation(valid_from=valid_from, valid_until=valid_until)
    ]
    db.session.add(committee)
    persist()
    return committee.id


def test_today_is_milans_calendar_day_not_utcs(client):
    a, _ = complex_ab()
    # 23:30 UTC on 10 March is already 00:30 on 11 March in Milan.
    with time_machine.travel(datetime(2026, 3, 10, 23, 30, tzinfo=UTC), tick=False):
        starts = _dated_committee(a, date(2026, 3, 11), date(2026, 3, 31))
        assert assignments(submit(tenant(a), a, "praise")) == {("committee", starts)}

    b = complex_id("omero")
    with time_machine.travel(datetime(2026, 3, 10, 23, 30, tzinfo=UTC), tick=False):
        _dated_committee(b, date(2026, 3, 1), date(2026, 3, 10))  # ended yesterday in Milan
        assert assignments(submit(tenant(b), b, "praise")) == {("staff", None)}


def test_one_committee_receives_when_two_are_accredited(client):
    a, _ = complex_ab()
    make_committee([a], "today", name="Primo comitato")
    newest = make_committee([a], "today", name="Secondo comitato")
    assert assignments(submit(tenant(a), a, "suggestion")) == {("committee", newest)}


def test_a_committee_of_several_complexes_receives_from_each_of_them(client):
    a, b = complex_ab()
    committee = make_committee([a, b], "today")
    for complex_ in (a, b):
        assert assignments(submit(tenant(complex_), complex_, "praise")) == {
            ("committee", committee)
        }
    # ... and not from a complex it does not represent.
    c = complex_id("omero")
    assert assignments(submit(tenant(c), c, "praise")) == {("staff", None)}


def test_an_inactive_custodian_does_not_count(client):
    a, _ = complex_ab()
    custodian(a, is_active=False)
    assert assignments(submit(tenant(a), a, "maintenance")) == {("staff", None)}


def test_the_reporter_is_never_notified_even_as_a_recipient(client):
    a, _ = complex_ab()
    committee = make_committee([a], "today")
    both = user_with_roles(
        ("tenant", "complex", a),
        ("custodian", "complex", a),
        ("committee_member", "committee", committee),
    )
    both_id = both.id
    other_custodian = custodian(a).id
    other_member = member(committee).id

    response = post(client, "/feedback/reports", _report_body(a, "living-together"), bearer(both))

    assert response.status_code == 201, response.get_json()
    assert {t["target"] for t in response.get_json()["assignments"]} == {"custodian", "committee"}
    routed = notified("feedback.routed")
    assert set(routed) == {other_custodian, other_member}
    assert both_id not in notified()


# --- a complex's own rules -----------------------------------------------------------------


def test_a_complex_rule_replaces_the_general_ones_for_that_category(client):
    a, b = complex_ab()
    committee = make_committee([a, b], "today")
    custodian(a), custodian(b)
    staff_headers = bearer(staff())

    created = post(
        client,
        "/feedback/routing-rules",
        {"category": "maintenance", "complex_id": a, "route_to": "committee"},
        staff_headers,
    )
    assert created.status_code == 201, created.get_json()
    rule_id = created.get_json()["id"]

    assert assignments(submit(tenant(a), a, "maintenance")) == {("committee", committee)}
    # The general rule still holds for the other complexes and the other categories.
    assert assignments(submit(tenant(b), b, "maintenance")) == {("custodian", None)}
    assert assignments(submit(tenant(a), a, "cleaning")) == {("custodian", None)}

    # Several rules of the complex add up (and still replace the general one).
    second = post(
        client,
        "/feedback/routing-rules",
        {"category": "maintenance", "complex_id": a, "route_to": "staff"},
        staff_headers,
    )
    assert second.status_code == 201
    assert assignments(submit(tenant(a), a, "maintenance")) == {
        ("committee", committee),
        ("staff", None),
    }

    # Without its own rules the complex follows the general one again.
    for rid in (rule_id, second.get_json()["id"]):
        deleted = client.delete(f"/api/v1/feedback/routing-rules/{rid}", headers=staff_headers)
        assert deleted.status_code == 204
    assert assignments(submit(tenant(a), a, "maintenance")) == {("custodian", None)}


def test_a_complex_rule_to_nobody_available_falls_back_to_staff(client):
    a, _ = complex_ab()
    custodian(a)
    replace_rules("maintenance", "committee", complex_id=a)  # no committee accredited
    assert assignments(submit(tenant(a), a, "maintenance")) == {("staff", None)}


def test_a_general_rule_change_applies_to_every_complex(client):
    a, b = complex_ab()
    custodian(a), custodian(b)
    replace_rules("praise", "custodian")
    for complex_ in (a, b):
        assert assignments(submit(tenant(complex_), complex_, "praise")) == {("custodian", None)}


def test_a_category_without_any_rule_goes_to_staff(client):
    a, _ = complex_ab()
    custodian(a)
    make_committee([a], "today")
    replace_rules("cleaning")
    assert assignments(submit(tenant(a), a, "cleaning")) == {("staff", None)}


# --- staff reassign ------------------------------------------------------------------------


def _reassign(client, report_id, headers, **body):
    return post(client, f"/feedback/reports/{report_id}/reassign", body, headers)


def test_staff_reassign_ends_the_old_assignments_and_notifies_the_new_recipients(client):
    a, _ = complex_ab()
    committee = make_committee([a], "today")
    custodian_user = custodian(a)
    member_user = member(committee)
    staff_user = staff()
    reporter = tenant(a)
    ids = {
        "custodian": custodian_user.id,
        "member": member_user.id,
        "staff": staff_user.id,
        "reporter": reporter.id,
    }
    headers = {
        "custodian": bearer(custodian_user),
        "member": bearer(member_user),
        "staff": bearer(staff_user),
    }
    report_id = submit(reporter, a, "maintenance")
    assert report_id in listed_ids(get(client, "/feedback/inbox", headers["custodian"]))
    assert report_id not in listed_ids(get(client, "/feedback/inbox", headers["member"]))

    response = _reassign(client, report_id, headers["staff"], route_to="committee")

    assert response.status_code == 200, response.get_json()
    shown = [
        (x["target"], x["committee_id"], x["active"]) for x in response.get_json()["assignments"]
    ]
    assert shown == [("custodian", None, False), ("committee", committee, True)]
    assert assignments(report_id) == {("committee", committee)}
    assert report_id not in listed_ids(get(client, "/feedback/inbox", headers["custodian"]))
    assert report_id in listed_ids(get(client, "/feedback/inbox", headers["member"]))
    routed = notified("feedback.routed")
    assert {uid: len(rows) for uid, rows in routed.items()} == {
        ids["custodian"]: 1,  # at submission only
        ids["member"]: 1,  # at the reassignment
    }
    assert ids["reporter"] not in notified()
    (entry,) = audit_rows("report.reassign", report_id)
    assert (entry.actor_id, entry.details) == (ids["staff"], {"route_to": "committee"})

    # To the staff queue: every staff member hears of it, and the staff inbox lists it.
    response = _reassign(client, report_id, headers["staff"], route_to="staff")
    assert response.status_code == 200
    assert assignments(report_id) == {("staff", None)}
    assert [n.link for n in notified("feedback.routed")[ids["staff"]]] == [
        f"/segnalazioni/{report_id}"
    ]
    assert report_id in listed_ids(get(client, "/feedback/inbox", headers["staff"]))
    assert report_id not in listed_ids(get(client, "/feedback/inbox", headers["member"]))

    # Back to the custodians.
    assert _reassign(client, report_id, headers["staff"], route_to="custodian").status_code == 200
    assert assignments(report_id) == {("custodian", None)}
    assert len(notified("feedback.routed")[ids["custodian"]]) == 2
    assert ids["reporter"] not in notified()


def test_reassign_to_a_named_committee(client):
    a, _ = complex_ab()
    named = make_committee([a], "today", name="Comitato scelto")
    make_committee([a], "today", name="Comitato più recente")  # the one routing would pick
    report_id = submit(tenant(a), a, "maintenance")
    headers = bearer(staff())
    response = _reassign(client, report_id, headers, route_to="committee", committee_id=named)
    assert response.status_code == 200, response.get_json()
    assert assignments(report_id) == {("committee", named)}


@pytest.mark.parametrize("committee", ["none", "expired", "future", "other_complex", "unknown"])
def test_reassign_to_a_committee_not_accredited_today_for_the_complex_is_refused(client, committee):
    a, b = complex_ab()
    custodian(a)
    committee_id = {
        "none": lambda: None,
        "expired": lambda: make_committee([a], "expired"),
        "future": lambda: make_committee([a], "future"),
        "other_complex": lambda: make_committee([b], "today"),
        "unknown": lambda: 999_999,
    }[committee]()
    report_id = submit(tenant(a), a, "maintenance")
    before = notification_ids()
    body = {"route_to": "committee"}
    if committee != "none":
        body["committee_id"] = committee_id

    response = _reassign(client, report_id, bearer(staff()), **body)

    assert response.status_code == (404 if committee == "unknown" else 409), response.get_json()
    assert assignments(report_id) == {("custodian", None)}
    assert notification_ids() == before
    assert audit_rows("report.reassign") == []


def test_reassign_to_the_custodians_of_a_complex_without_any_is_refused(client):
    a, _ = complex_ab()
    report_id = submit(tenant(a), a, "maintenance")  # no custodian: staff queue
    response = _reassign(client, report_id, bearer(staff()), route_to="custodian")
    assert response.status_code == 409, response.get_json()
    assert assignments(report_id) == {("staff", None)}


@pytest.mark.parametrize("who", ["custodian", "committee_member", "reporter"])
def test_only_staff_reassign(client, who):
    a, _ = complex_ab()
    committee = make_committee([a], "today")
    people = {"custodian": custodian(a), "committee_member": member(committee)}
    reporter = tenant(a)
    people["reporter"] = reporter
    report_id = submit(reporter, a, "living-together")
    response = _reassign(client, report_id, bearer(people[who]), route_to="staff")
    assert response.status_code == 403
    assert assignments(report_id) == {("custodian", None), ("committee", committee)}


@pytest.mark.parametrize("body", [{}, {"route_to": "everyone"}, {"route_to": "staff", "x": 1}])
def test_reassign_bad_input(client, body):
    a, _ = complex_ab()
    report_id = submit(tenant(a), a, "maintenance")
    response = _reassign(client, report_id, bearer(staff()), **body)
    assert response.status_code == 422


def test_the_general_rules_are_the_seeded_defaults():
    data = json.loads(resources.files("qc_platform.data").joinpath("feedback.json").read_text())
    rows = db.session.execute(
        select(FeedbackCategory.code, RoutingRule.complex_id, RoutingRule.route_to).join(
            FeedbackCategory, FeedbackCategory.id == RoutingRule.category_id
        )
    ).all()
    assert all(cid is None for _, cid, _ in rows)
    assert sorted((code, to) for code, _, to in rows) == sorted(
        (rule["category"], rule["route_to"]) for rule in data["routing"]
    )
