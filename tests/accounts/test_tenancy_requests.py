"""Tenancy requests as the web app uses them: the requester's note, withdrawing a pending
request, rejections that must give a reason, and the reviewers' queue with its filters."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qc_platform.accounts.models import RoleGrant, TenancyVerification
from qc_platform.extensions import db
from qc_platform.places.models import Complex
from tests.accounts.factories import (
    TenancyVerificationFactory,
    UserFactory,
    bearer,
    user_with_roles,
)

API = "/api/v1"


def complex_id(code: str) -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == code))


def verifications() -> int:
    return db.session.scalar(select(func.count()).select_from(TenancyVerification))


def ask(client, headers, code: str = "omero", **extra):
    return client.post(
        f"{API}/tenancy-verifications",
        json={"complex_id": complex_id(code), "tenancy_code": "Scala B, interno 12", **extra},
        headers=headers,
    )


def listed(client, user, query: str = "") -> list[int]:
    response = client.get(f"{API}/tenancy-verifications{query}", headers=bearer(user))
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


# --- the request and its note -------------------------------------------------------------


def test_the_requester_s_note_reaches_the_reviewer_with_the_requester_s_name(client):
    resident = UserFactory(display_name="Lucia Verdi")
    custodian = user_with_roles(("custodian", "complex", complex_id("omero")))
    response = ask(
        client, bearer(resident), note="Abito qui da marzo.\nIl contratto è a nome di mia madre."
    )
    assert response.status_code == 201
    verification_id = response.get_json()["id"]

    seen = client.get(f"{API}/tenancy-verifications/{verification_id}", headers=bearer(custodian))
    body = seen.get_json()
    assert body["note"] == "Abito qui da marzo.\nIl contratto è a nome di mia madre."
    assert body["tenancy_code"] == "Scala B, interno 12"
    assert (body["requester_name"], body["user_id"]) == ("Lucia Verdi", resident.id)


def test_without_a_note_the_request_has_none(client):
    response = ask(client, bearer(UserFactory()), note="   ")
    assert response.status_code == 201
    assert response.get_json()["note"] is None


@pytest.mark.parametrize("note", ["n" * 501, 12, "con un carattere di controllo \x07"])
def test_a_bad_note_is_422_and_nothing_is_asked(client, note):
    response = ask(client, bearer(UserFactory()), note=note)
    assert response.status_code == 422
    assert "note" in response.get_json()["errors"]["json"]
    assert verifications() == 0


# --- withdrawing ----------------------------------------------------------------------------


def test_the_requester_withdraws_a_pending_request_and_may_ask_again(client):
    resident = UserFactory()
    headers = bearer(resident)
    custodian = user_with_roles(("custodian", "complex", complex_id("omero")))
    verification_id = ask(client, headers).get_json()["id"]
    assert listed(client, custodian, "?status=pending") == [verification_id]

    response = client.delete(f"{API}/tenancy-verifications/{verification_id}", headers=headers)
    assert response.status_code == 204
    assert (
        client.get(f"{API}/tenancy-verifications/{verification_id}", headers=headers).status_code
        == 404
    )
    # gone from the reviewers' queue too: nobody can approve it any more
    assert listed(client, custodian, "?status=pending") == []
    assert (
        client.post(
            f"{API}/tenancy-verifications/{verification_id}/approve",
            json={},
            headers=bearer(custodian),
        ).status_code
        == 404
    )
    # the one open request is no longer open: another complex may be asked for
    assert ask(client, headers, code="faenza").status_code == 201


def test_nobody_withdraws_someone_else_s_request(client):
    verification = TenancyVerificationFactory(complex_id=complex_id("omero"))
    verification_id = verification.id
    # a stranger does not see it; the custodian sees it but withdrawing is the requester's
    stranger = UserFactory()
    custodian = user_with_roles(("custodian", "complex", complex_id("omero")))
    staff = user_with_roles(("staff", None, None))
    for headers in [bearer(user) for user in (stranger, custodian, staff)]:
        response = client.delete(f"{API}/tenancy-verifications/{verification_id}", headers=headers)
        assert response.status_code == 404
    assert db.session.get(TenancyVerification, verification_id).status == "pending"


@pytest.mark.parametrize("verb", ["approve", "reject"])
def test_a_decided_request_cannot_be_withdrawn(client, verb):
    resident = UserFactory()
    resident_id = resident.id
    headers = bearer(resident)
    verification_id = ask(client, headers).get_json()["id"]
    staff = user_with_roles(("staff", None, None))
    decided = client.post(
        f"{API}/tenancy-verifications/{verification_id}/{verb}",
        json={"note": "Il codice non corrisponde."},
        headers=bearer(staff),
    )
    assert decided.status_code == 200

    response = client.delete(f"{API}/tenancy-verifications/{verification_id}", headers=headers)
    assert response.status_code == 409
    assert "già stata decisa" in response.get_json()["message"]
    expected = {"approve": "approved", "reject": "rejected"}[verb]
    assert db.session.get(TenancyVerification, verification_id).status == expected
    tenant_grants = db.session.scalar(
        select(func.count()).where(RoleGrant.user_id == resident_id, RoleGrant.role == "tenant")
    )
    assert tenant_grants == (1 if verb == "approve" else 0)


def test_a_withdrawn_request_id_is_404_for_everyone_afterwards(client):
    headers = bearer(UserFactory())
    verification_id = ask(client, headers).get_json()["id"]
    assert (
        client.delete(f"{API}/tenancy-verifications/{verification_id}", headers=headers).status_code
        == 204
    )
    again = client.delete(f"{API}/tenancy-verifications/{verification_id}", headers=headers)
    assert again.status_code == 404


# --- rejecting needs a reason -----------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"note": None}, {"note": ""}, {"note": "  \n "}])
def test_a_rejection_without_a_reason_is_422_and_the_request_stays_pending(client, body):
    verification_id = TenancyVerificationFactory(complex_id=complex_id("omero")).id
    custodian = user_with_roles(("custodian", "complex", complex_id("omero")))
    response = client.post(
        f"{API}/tenancy-verifications/{verification_id}/reject",
        json=body,
        headers=bearer(custodian),
    )
    assert response.status_code == 422
    assert "note" in response.get_json()["errors"]["json"]
    assert db.session.get(TenancyVerification, verification_id).status == "pending"


def test_the_rejection_s_reason_is_shown_to_the_requester(client):
    resident = UserFactory()
    headers = bearer(resident)
    verification_id = ask(client, headers).get_json()["id"]
    custodian = user_with_roles(("custodian", "complex", complex_id("omero")))
    client.post(
        f"{API}/tenancy-verifications/{verification_id}/reject",
        json={"note": "  Nel contratto la scala è la C.  "},
        headers=bearer(custodian),
    )
    (mine,) = client.get(f"{API}/tenancy-verifications?mine=true", headers=headers).get_json()[
        "items"
    ]
    assert (mine["status"], mine["decision_note"]) == ("rejected", "Nel contratto la scala è la C.")


# --- the reviewers' queue ----------------------------------------------------------------


def test_the_queue_is_oldest_first_and_filters_by_complex_and_state(client):
    omero, faenza = complex_id("omero"), complex_id("faenza")
    first = TenancyVerificationFactory(complex_id=faenza)
    second = TenancyVerificationFactory(complex_id=omero)
    third = TenancyVerificationFactory(complex_id=omero, status="rejected")
    fourth = TenancyVerificationFactory(complex_id=omero)
    staff = user_with_roles(("staff", None, None))

    assert listed(client, staff, "?mine=false") == [first.id, second.id, third.id, fourth.id]
    assert listed(client, staff, "?status=pending") == [first.id, second.id, fourth.id]
    assert listed(client, staff, f"?complex_id={omero}&status=pending") == [second.id, fourth.id]
    assert listed(client, staff, f"?complex_id={omero}&status=rejected") == [third.id]
    assert listed(client, staff, "?status=approved") == []
    # pages keep the order
    page = client.get(
        f"{API}/tenancy-verifications?status=pending&limit=2", headers=bearer(staff)
    ).get_json()
    assert [item["id"] for item in page["items"]] == [first.id, second.id]
    rest = client.get(
        f"{API}/tenancy-verifications?status=pending&limit=2&cursor={page['next_cursor']}",
        headers=bearer(staff),
    ).get_json()
    assert [item["id"] for item in rest["items"]] == [fourth.id]


def test_a_custodian_s_queue_has_only_their_complexes_whatever_the_filter(client):
    omero, faenza = complex_id("omero"), complex_id("faenza")
    at_omero = TenancyVerificationFactory(complex_id=omero)
    TenancyVerificationFactory(complex_id=faenza)
    custodian = user_with_roles(("custodian", "complex", omero))
    assert listed(client, custodian, "?status=pending&mine=false") == [at_omero.id]
    # asking for another complex's requests shows nothing, it does not widen the view
    assert listed(client, custodian, f"?complex_id={faenza}") == []


def test_mine_separates_my_own_requests_from_the_queue(client):
    omero = complex_id("omero")
    # a custodian of Omero who asks (for Omero: their own request, which others decide)
    custodian = user_with_roles(("custodian", "complex", omero))
    own = TenancyVerificationFactory(user=custodian, complex_id=omero)
    other = TenancyVerificationFactory(complex_id=omero)
    assert listed(client, custodian) == [own.id, other.id]
    assert listed(client, custodian, "?mine=true") == [own.id]
    assert listed(client, custodian, "?mine=false") == [other.id]


@pytest.mark.parametrize(
    "query", ["?status=withdrawn", "?complex_id=0", "?complex_id=abc", "?mine=forse"]
)
def test_bad_queue_filters_are_422(client, query):
    response = client.get(
        f"{API}/tenancy-verifications{query}",
        headers=bearer(user_with_roles(("staff", None, None))),
    )
    assert response.status_code == 422
