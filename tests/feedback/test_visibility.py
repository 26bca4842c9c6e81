"""Who sees a report: every role × private and public × routed to people or to the staff queue.

A report one may not see is a 404 (never a 403 that would confirm it exists), is absent
from ``GET /feedback/reports``, and from the inbox; internal notes reach only the report's
recipients and staff. The report is not anonymous here: who sees the *sender* is checked
too (recipients and staff do, the other tenants of a public report do not).
"""

from __future__ import annotations

import pytest

from tests.feedback.factories import (
    ROLES,
    World,
    build_world,
    get,
    listed_ids,
    post,
    submit,
)

# "people": living-together, routed to complex A's custodian and its accredited committee;
# "staff": space-services, routed to the staff queue only.
CATEGORY = {"people": "living-together", "staff": "space-services"}
RECIPIENTS = {"people": {"custodian", "committee_member"}, "staff": set()}
STAFF = {"staff", "admin"}
# Those with an inbox at all (custodians, committee members, staff); others get 403.
HAS_INBOX = {
    "custodian",
    "custodian_other",
    "committee_member",
    "committee_other",
    "committee_lapsed",
    *STAFF,
}
IN_INBOX = {"people": RECIPIENTS["people"], "staff": STAFF}


def sees(role: str, visibility: str, routing: str) -> bool:
    public_reader = visibility == "public" and role == "tenant"
    return role in {"reporter", *STAFF, *RECIPIENTS[routing]} or public_reader


def handles(role: str, routing: str) -> bool:
    """Reads internal notes and sees the sender: recipients and staff."""
    return role in STAFF | RECIPIENTS[routing]


def _setup(visibility: str, routing: str) -> tuple[World, int]:
    world = build_world()
    report_id = submit(
        world.users["reporter"],
        world.complex_a,
        CATEGORY[routing],
        title="Rumori notturni",
        description="Musica alta ogni notte dopo mezzanotte.",
        visibility=visibility,
    )
    return world, report_id


def _write_trail(client, world: World, report_id: int, routing: str) -> dict[str, int]:
    """A reporter's comment, a public answer and an internal note; returns their ids."""
    answerer = "custodian" if routing == "people" else "staff"
    trail = {
        "comment": ("reporter", {"body": "Succede anche stanotte."}),
        "answer": (answerer, {"body": "Abbiamo scritto al condominio.", "status": "in_progress"}),
        "internal": (
            "staff",
            {"body": "Nota interna: già segnalato a settembre.", "internal": True},
        ),
    }
    ids = {}
    for name, (role, body) in trail.items():
        response = post(client, f"/feedback/reports/{report_id}/updates", body, world.auth(role))
        assert response.status_code == 201, (name, response.get_json())
        ids[name] = response.get_json()["id"]
    if routing == "people":
        response = post(
            client,
            f"/feedback/reports/{report_id}/updates",
            {"body": "Nota del comitato: ne parliamo in assemblea.", "internal": True},
            world.auth("committee_member"),
        )
        assert response.status_code == 201, response.get_json()
        ids["committee_internal"] = response.get_json()["id"]
    return ids


@pytest.mark.parametrize("routing", ["people", "staff"])
@pytest.mark.parametrize("visibility", ["private", "public"])
@pytest.mark.parametrize("role", ROLES)
def test_detail_updates_lists_and_inbox(client, role, visibility, routing):
    world, report_id = _setup(visibility, routing)
    trail = _write_trail(client, world, report_id, routing)
    headers = world.auth(role)

    detail = get(client, f"/feedback/reports/{report_id}", headers)
    trail_response = get(client, f"/feedback/reports/{report_id}/updates", headers)
    listing = get(client, "/feedback/reports", headers, limit=100)
    inbox = get(client, "/feedback/inbox", headers, limit=100)

    if role == "anonymous":
        for response in (detail, trail_response, listing, inbox):
            assert response.status_code == 401
            assert response.get_json()["code"] == 401
        return

    visible = sees(role, visibility, routing)
    where = f"{role} / {visibility} / {routing}"
    assert detail.status_code == (200 if visible else 404), where
    assert trail_response.status_code == (200 if visible else 404), where
    assert (report_id in listed_ids(listing)) is visible, where

    if role in HAS_INBOX:
        assert (report_id in listed_ids(inbox)) is (role in IN_INBOX[routing]), where
    else:
        assert inbox.status_code == 403, where

    if not visible:
        assert detail.get_json()["code"] == 404
        # The 404 says nothing about the report: no title, no text.
        assert "Rumori" not in detail.get_data(as_text=True)
        return

    shown = detail.get_json()
    assert (shown["id"], shown["visibility"], shown["anonymous"]) == (report_id, visibility, False)
    # The sender: to themself, the recipients and staff; never to the other tenants.
    if role == "reporter" or handles(role, routing):
        assert shown["reporter"] == {
            "id": world.ids["reporter"],
            "display_name": world.users["reporter"].display_name,
        }
    else:
        assert shown["reporter"] is None

    items = {item["id"]: item for item in trail_response.get_json()["items"]}
    internal = {trail["internal"], trail.get("committee_internal")} - {None}
    assert {trail["comment"], trail["answer"]} <= set(items), where
    if handles(role, routing):
        assert internal <= set(items), where
    else:
        assert not internal & set(items), where
        assert all(not item["internal"] for item in items.values())
        assert "Nota interna" not in trail_response.get_data(as_text=True)
        assert "Nota del comitato" not in trail_response.get_data(as_text=True)
    # The reporter's own list item matches the detail.
    (listed,) = [item for item in listing.get_json()["items"] if item["id"] == report_id]
    assert listed["reporter"] == shown["reporter"]


@pytest.mark.parametrize("visibility", ["private", "public"])
def test_the_reporters_trail_never_holds_internal_notes_whatever_the_page(client, visibility):
    world, report_id = _setup(visibility, "people")
    for n in range(5):
        for role, internal in (("staff", True), ("custodian", False)):
            response = post(
                client,
                f"/feedback/reports/{report_id}/updates",
                {"body": f"Nota {n}", "internal": internal},
                world.auth(role),
            )
            assert response.status_code == 201

    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = get(
            client, f"/feedback/reports/{report_id}/updates", world.auth("reporter"), **query
        )
        assert page.status_code == 200
        seen += page.get_json()["items"]
        cursor = page.get_json()["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5
    assert all(not item["internal"] for item in seen)
    # A recipient gets all ten.
    full = get(client, f"/feedback/reports/{report_id}/updates", world.auth("custodian"), limit=100)
    assert len(full.get_json()["items"]) == 10


def test_a_report_not_visible_is_404_on_every_report_endpoint(client):
    world, report_id = _setup("private", "people")
    headers = world.auth("tenant")  # a tenant of the same complex, private report
    base = f"/api/v1/feedback/reports/{report_id}"
    calls = [
        ("GET", base, None),
        ("GET", f"{base}/updates", None),
        ("POST", f"{base}/updates", {"body": "Anche io"}),
        ("POST", f"{base}/supports", None),
        ("POST", f"{base}/outcome", {"solved": True, "satisfaction": 5}),
        ("POST", f"{base}/reassign", {"route_to": "staff"}),
    ]
    for method, path, body in calls:
        response = client.open(path, method=method, json=body, headers=headers)
        assert response.status_code == 404, (method, path, response.get_json())
    # An id that does not exist is the same 404.
    missing = client.get("/api/v1/feedback/reports/999999", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json() == client.get(base, headers=headers).get_json()


def test_staff_list_filters(client):
    world = build_world()
    a, b = world.complex_a, world.complex_b
    mine = submit(world.users["reporter"], a, "maintenance")
    other = submit(world.users["tenant_other"], b, "cleaning")
    headers = world.auth("staff")
    assert {mine, other} <= set(listed_ids(get(client, "/feedback/reports", headers)))
    assert listed_ids(get(client, "/feedback/reports", headers, complex_id=a)) == [mine]
    assert listed_ids(get(client, "/feedback/reports", headers, category="cleaning")) == [other]
    assert listed_ids(get(client, "/feedback/reports", headers, status="closed")) == []
    # A tenant's list holds only their own (private) report, whatever the filter.
    assert listed_ids(get(client, "/feedback/reports", world.auth("tenant_other"))) == [other]
    assert (
        listed_ids(get(client, "/feedback/reports", world.auth("tenant_other"), complex_id=a)) == []
    )
