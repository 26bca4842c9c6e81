"""The status flow, who may move it, the first answer, the outcome, and "me too" supports.

``submitted → acknowledged → in_progress → resolved → closed``, with ``rejected`` and
``duplicate`` closing a report early; a resolved report reopens (``in_progress``) when the
sender says it was not solved. Every other move is a 409 that changes nothing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from qc_platform.feedback.models import ReportSupport, ReportUpdate
from tests.accounts.factories import bearer, user_with_roles
from tests.feedback.factories import (
    audit_rows,
    complex_ab,
    count,
    custodian,
    get,
    notification_ids,
    notified,
    post,
    report,
    set_status,
    staff,
    submit,
    tenant,
    updates,
)

STATUSES = (
    "submitted",
    "acknowledged",
    "in_progress",
    "resolved",
    "closed",
    "rejected",
    "duplicate",
)
ALLOWED = {
    "submitted": {"acknowledged", "in_progress", "resolved", "rejected", "duplicate"},
    "acknowledged": {"in_progress", "resolved", "rejected", "duplicate"},
    "in_progress": {"resolved", "rejected", "duplicate"},
    "resolved": {"closed", "in_progress"},
    "closed": set(),
    "rejected": set(),
    "duplicate": set(),
}
FINAL = {"closed", "rejected", "duplicate"}


@dataclass
class Case:
    report_id: int
    ids: dict[str, int]
    headers: dict[str, dict[str, str]]


def _case(visibility: str = "private", **report_kwargs) -> Case:
    """A maintenance report of a tenant of complex A, routed to A's custodian."""
    a, b = complex_ab()
    people = {
        "reporter": tenant(a),
        "neighbour": tenant(a),
        "tenant_other": tenant(b),
        "custodian": custodian(a),
        "staff": staff(),
    }
    report_id = submit(people["reporter"], a, "maintenance", visibility=visibility, **report_kwargs)
    return Case(
        report_id=report_id,
        ids={role: user.id for role, user in people.items()},
        headers={role: bearer(user) for role, user in people.items()},
    )


def _update(client, case: Case, role: str, **body):
    return post(client, f"/feedback/reports/{case.report_id}/updates", body, case.headers[role])


# --- every (from, to) pair -------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), list(itertools.product(STATUSES, STATUSES)))
def test_every_transition(client, source, target):
    case = _case()
    set_status(case.report_id, source)
    before_updates = len(updates(case.report_id))
    before_notifications = notification_ids()
    before_audit = len(audit_rows("report.update"))

    response = _update(client, case, "custodian", status=target, body="Aggiornamento")

    stored = report(case.report_id)
    if target in ALLOWED[source]:
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert (body["status_from"], body["status_to"]) == (source, target)
        assert body["author_role"] == "custodian"
        assert stored.status == target
        assert (stored.resolved_at is not None) is (target == "resolved")
        assert (stored.closed_at is not None) is (target in FINAL)
        (last,) = updates(case.report_id)[before_updates:]
        assert (last.status_from, last.status_to, last.internal) == (source, target, False)
        # The sender hears of it, with the new status; the change is audited.
        (heard,) = notified("feedback.updated")[case.ids["reporter"]]
        assert heard.link == f"/segnalazioni/{case.report_id}"
        (entry,) = audit_rows("report.update")[before_audit:]
        assert (entry.actor_id, entry.details["status"]) == (case.ids["custodian"], target)
    elif target == source:
        # The current status again is no change: the text is kept as a plain comment.
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert (body["status_from"], body["status_to"], body["body"]) == (
            None,
            None,
            "Aggiornamento",
        )
        assert stored.status == source
    else:
        assert response.status_code == 409, response.get_json()
        message = response.get_json()["message"]
        assert source in message and target in message
        assert stored.status == source
        assert (stored.resolved_at, stored.closed_at, stored.first_responded_at) == (None,) * 3
        assert len(updates(case.report_id)) == before_updates
        assert notification_ids() == before_notifications
        assert len(audit_rows("report.update")) == before_audit


@pytest.mark.parametrize("status", STATUSES)
def test_the_current_status_alone_is_not_an_update(client, status):
    case = _case()
    set_status(case.report_id, status)
    response = _update(client, case, "staff", status=status)
    assert response.status_code == 422, response.get_json()
    assert updates(case.report_id) == []
    # ... and it is not a first answer either.
    assert report(case.report_id).first_responded_at is None


def test_a_reopened_report_loses_its_resolution_time(client):
    case = _case()
    assert _update(client, case, "custodian", status="resolved").status_code == 201
    assert report(case.report_id).resolved_at is not None
    assert _update(client, case, "custodian", status="in_progress").status_code == 201
    stored = report(case.report_id)
    assert (stored.status, stored.resolved_at) == ("in_progress", None)


def test_a_whole_life_through_the_api(client):
    case = _case()
    for status in ("acknowledged", "in_progress", "resolved"):
        response = _update(client, case, "custodian", status=status)
        assert response.status_code == 201, (status, response.get_json())
    outcome = post(
        client,
        f"/feedback/reports/{case.report_id}/outcome",
        {"solved": True, "satisfaction": 4},
        case.headers["reporter"],
    )
    assert outcome.status_code == 200
    trail = get(client, f"/feedback/reports/{case.report_id}/updates", case.headers["reporter"])
    assert [(u["status_from"], u["status_to"]) for u in trail.get_json()["items"]] == [
        ("submitted", "acknowledged"),
        ("acknowledged", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
    ]


# --- who may do what -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["acknowledged", "resolved", "rejected", "submitted"])
def test_the_reporter_cannot_change_the_status(client, status):
    case = _case()
    response = _update(client, case, "reporter", status=status, body="Chiudo io")
    assert response.status_code == 403, response.get_json()
    assert report(case.report_id).status == "submitted"
    assert updates(case.report_id) == []


def test_the_reporter_cannot_write_internal_notes(client):
    case = _case()
    response = _update(client, case, "reporter", body="Solo per voi", internal=True)
    assert response.status_code == 403
    assert updates(case.report_id) == []


def test_the_reporter_comments(client):
    case = _case()
    response = _update(client, case, "reporter", body="  Ora perde anche acqua.  ")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["author_role"], body["body"], body["internal"]) == (
        "reporter",
        "Ora perde anche acqua.",
        False,
    )
    assert body["author"]["id"] == case.ids["reporter"]  # not anonymous: their own name
    stored = report(case.report_id)
    assert (stored.status, stored.first_responded_at) == ("submitted", None)
    # Nobody is notified of the sender's own comment, and a tenant's comment is not audited.
    assert notified("feedback.updated") == {}
    assert audit_rows("report.update") == []


def test_another_tenant_of_a_public_report_reads_but_cannot_write(client):
    case = _case(visibility="public")
    assert (
        get(client, f"/feedback/reports/{case.report_id}", case.headers["neighbour"]).status_code
        == 200
    )
    for body in ({"body": "Anche da me"}, {"status": "resolved"}, {"body": "x", "internal": True}):
        response = _update(client, case, "neighbour", **body)
        assert response.status_code == 403, body
    assert updates(case.report_id) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"body": "   "},
        {"status": "resolved", "internal": True},
        {"status": "finished"},
        {"body": "x" * 5001},
        {"body": "ok", "internal": "forse"},
    ],
)
def test_bad_updates_are_refused(client, body):
    case = _case()
    response = _update(client, case, "custodian", **body)
    assert response.status_code == 422, response.get_json()
    assert updates(case.report_id) == []
    assert report(case.report_id).status == "submitted"


# --- the first answer ------------------------------------------------------------------------


def test_the_first_public_answer_sets_first_responded_at_internal_notes_do_not(client):
    case = _case()
    assert (
        _update(client, case, "custodian", body="Da verificare", internal=True).status_code == 201
    )
    assert (
        _update(client, case, "staff", body="Nota per il custode", internal=True).status_code == 201
    )
    assert _update(client, case, "reporter", body="Ci siete?").status_code == 201
    assert report(case.report_id).first_responded_at is None
    shown = get(client, f"/feedback/reports/{case.report_id}", case.headers["reporter"])
    assert shown.get_json()["first_responded_at"] is None

    assert _update(client, case, "custodian", body="Arriva il tecnico domani.").status_code == 201
    first = report(case.report_id).first_responded_at
    assert first is not None

    assert _update(client, case, "staff", body="Confermo.").status_code == 201
    assert _update(client, case, "custodian", status="in_progress").status_code == 201
    assert report(case.report_id).first_responded_at == first
    shown = get(client, f"/feedback/reports/{case.report_id}", case.headers["reporter"])
    assert shown.get_json()["first_responded_at"] is not None


def test_a_status_change_without_text_is_a_first_answer(client):
    case = _case()
    assert _update(client, case, "staff", status="acknowledged").status_code == 201
    assert report(case.report_id).first_responded_at is not None


def _typed_for(client, typist_headers, sender_id: int, category: str, **extra) -> int:
    response = post(
        client,
        "/feedback/reports",
        {
            "category": category,
            "complex_id": complex_ab()[0],
            "title": "Cortile sporco",
            "description": "Rifiuti nel cortile.",
            "on_behalf_of": sender_id,
            **extra,
        },
        typist_headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_the_custodian_who_typed_the_report_and_handles_it_answers_like_any_handler(client):
    """They write on it as its handler: named, and their first public word is its first
    answer. (A handler's comment that did not count would tell every reader who typed it.)"""
    a, _ = complex_ab()
    typist, colleague, sender = custodian(a), custodian(a), tenant(a)
    typist_headers, colleague_headers = bearer(typist), bearer(colleague)
    report_id = _typed_for(client, typist_headers, sender.id, "cleaning")  # to the custodians
    comment = post(
        client, f"/feedback/reports/{report_id}/updates", {"body": "Aggiungo foto"}, typist_headers
    )
    assert comment.status_code == 201
    assert report(report_id).first_responded_at is not None
    trail = get(client, f"/feedback/reports/{report_id}/updates", colleague_headers).get_json()
    assert [(u["author"]["id"], u["author_role"]) for u in trail["items"]] == [
        (typist.id, "custodian")
    ]


def test_who_typed_a_report_they_do_not_handle_comments_as_its_sender(client):
    a, _ = complex_ab()
    typist, sender, manager = custodian(a), tenant(a), staff()
    typist_headers, manager_headers = bearer(typist), bearer(manager)
    report_id = _typed_for(client, typist_headers, sender.id, "space-services", anonymous=True)
    comment = post(
        client, f"/feedback/reports/{report_id}/updates", {"body": "Aggiungo foto"}, typist_headers
    )
    assert comment.status_code == 201
    assert comment.get_json()["author_role"] == "reporter"
    assert report(report_id).first_responded_at is None  # the sender does not answer
    trail = get(client, f"/feedback/reports/{report_id}/updates", manager_headers).get_json()
    assert [(u["author"], u["author_role"]) for u in trail["items"]] == [(None, "reporter")]
    answer = post(
        client, f"/feedback/reports/{report_id}/updates", {"body": "Pulito"}, manager_headers
    )
    assert answer.status_code == 201
    assert report(report_id).first_responded_at is not None


# --- the outcome -----------------------------------------------------------------------------


def _outcome(client, case: Case, role: str = "reporter", **body):
    return post(client, f"/feedback/reports/{case.report_id}/outcome", body, case.headers[role])


def test_solved_closes_the_report(client):
    case = _case()
    set_status(case.report_id, "resolved")
    response = _outcome(client, case, solved=True, satisfaction=5)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["solved"], body["satisfaction"]) == ("closed", True, 5)
    assert body["closed_at"] is not None
    stored = report(case.report_id)
    assert (stored.status, stored.solved, stored.satisfaction) == ("closed", True, 5)
    (trail,) = updates(case.report_id)
    assert (trail.author_id, trail.author_role, trail.status_from, trail.status_to) == (
        case.ids["reporter"],
        "reporter",
        "resolved",
        "closed",
    )
    # Closed: no second outcome.
    assert _outcome(client, case, solved=False, satisfaction=1).status_code == 409


def test_not_solved_reopens_the_report(client):
    case = _case()
    assert _update(client, case, "custodian", status="resolved").status_code == 201
    response = _outcome(client, case, solved=False, satisfaction=2)
    assert response.status_code == 200, response.get_json()
    stored = report(case.report_id)
    assert (stored.status, stored.solved, stored.satisfaction) == ("in_progress", False, 2)
    assert (stored.resolved_at, stored.closed_at) == (None, None)
    # Resolved again, the sender answers again: the new answer replaces the old one.
    assert _update(client, case, "custodian", status="resolved").status_code == 201
    assert _outcome(client, case, solved=True, satisfaction=4).status_code == 200
    stored = report(case.report_id)
    assert (stored.status, stored.solved, stored.satisfaction) == ("closed", True, 4)


@pytest.mark.parametrize("satisfaction", [0, 6, -1, 1.5, "molto", None])
def test_satisfaction_is_1_to_5(client, satisfaction):
    case = _case()
    set_status(case.report_id, "resolved")
    response = _outcome(client, case, solved=True, satisfaction=satisfaction)
    assert response.status_code == 422, response.get_json()
    stored = report(case.report_id)
    assert (stored.status, stored.solved, stored.satisfaction) == ("resolved", None, None)


@pytest.mark.parametrize("body", [{"solved": True}, {"satisfaction": 3}, {}])
def test_the_outcome_needs_both_answers(client, body):
    case = _case()
    set_status(case.report_id, "resolved")
    assert _outcome(client, case, **body).status_code == 422
    assert report(case.report_id).status == "resolved"


@pytest.mark.parametrize("status", sorted(set(STATUSES) - {"resolved"}))
def test_no_outcome_before_resolution(client, status):
    case = _case()
    set_status(case.report_id, status)
    assert _outcome(client, case, solved=True, satisfaction=3).status_code == 409
    assert report(case.report_id).satisfaction is None


@pytest.mark.parametrize("role", ["custodian", "staff"])
def test_only_the_sender_gives_the_outcome(client, role):
    case = _case()
    set_status(case.report_id, "resolved")
    assert _outcome(client, case, role, solved=True, satisfaction=5).status_code == 403
    assert report(case.report_id).status == "resolved"


def test_a_neighbour_of_a_public_report_gives_no_outcome(client):
    case = _case(visibility="public")
    set_status(case.report_id, "resolved")
    assert _outcome(client, case, "neighbour", solved=True, satisfaction=5).status_code == 403


# --- supports ------------------------------------------------------------------------------


def _support(client, case: Case, role: str):
    return post(client, f"/feedback/reports/{case.report_id}/supports", None, case.headers[role])


def test_a_neighbour_supports_a_public_report_once(client):
    case = _case(visibility="public")
    response = _support(client, case, "neighbour")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["support_count"] == 1
    again = _support(client, case, "neighbour")
    assert again.status_code == 409
    assert report(case.report_id).support_count == 1
    assert count(ReportSupport) == 1

    # Another neighbour adds one more.
    a, _ = complex_ab()
    third = tenant(a)
    response = post(client, f"/feedback/reports/{case.report_id}/supports", None, bearer(third))
    assert response.status_code == 201
    assert response.get_json()["support_count"] == 2
    assert report(case.report_id).support_count == 2


def test_the_sender_does_not_support_their_own_report(client):
    case = _case(visibility="public")
    assert _support(client, case, "reporter").status_code == 409
    assert report(case.report_id).support_count == 0


def test_a_tenant_of_another_complex_does_not_even_see_the_report(client):
    case = _case(visibility="public")
    assert _support(client, case, "tenant_other").status_code == 404
    assert report(case.report_id).support_count == 0


def test_who_sees_a_report_but_is_not_a_tenant_of_its_complex_cannot_support(client):
    """403: the custodian, staff, and a tenant of another complex who is also a recipient."""
    case = _case(visibility="public")
    a, b = complex_ab()
    other_tenant_custodian = user_with_roles(("tenant", "complex", b), ("custodian", "complex", a))
    headers = bearer(other_tenant_custodian)
    url = f"/feedback/reports/{case.report_id}/supports"
    assert get(client, f"/feedback/reports/{case.report_id}", headers).status_code == 200
    assert post(client, url, None, headers).status_code == 403
    for role in ("custodian", "staff"):
        assert _support(client, case, role).status_code == 403, role
    assert report(case.report_id).support_count == 0


def test_a_private_report_cannot_be_supported(client):
    case = _case(visibility="private")
    # Its sender sees it (403); a neighbour does not (404).
    assert _support(client, case, "reporter").status_code == 403
    assert _support(client, case, "neighbour").status_code == 404
    # A neighbour who also sits on the report as its custodian sees it, and still may not.
    a, _ = complex_ab()
    both = user_with_roles(("tenant", "complex", a), ("custodian", "complex", a))
    response = post(client, f"/feedback/reports/{case.report_id}/supports", None, bearer(both))
    assert response.status_code == 403
    assert count(ReportSupport) == 0


def test_a_support_writes_no_update(client):
    case = _case(visibility="public")
    assert _support(client, case, "neighbour").status_code == 201
    assert count(ReportUpdate) == 0
