"""The places API: public reads of the seeded nine spaces, admin writes."""

from qc_platform.core.querycount import count_queries
from tests.accounts.factories import bearer, user_with_roles
from tests.places.factories import SpaceFactory

SEED_SLUGS = [
    "boccioni",
    "fratelli-zoia",
    "omero",
    "faenza",
    "alex-visconti",
    "sant-erlembaldo",
    "palmanova",
    "capuana",
    "padre-luigi-monti",
]


def test_the_nine_seeded_spaces_are_listed_in_area_order(client):
    response = client.get("/api/v1/spaces?limit=100")
    assert response.status_code == 200
    body = response.get_json()
    assert [space["slug"] for space in body["items"]] == SEED_SLUGS
    assert body["next_cursor"] is None
    space = body["items"][0]
    assert set(space) >= {
        "id",
        "slug",
        "name",
        "area_id",
        "complex_id",
        "organisation_id",
        "address",
        "opening_hours",
        "description",
    }
    assert space["opening_hours"]["sun"] == []


def test_areas_carry_their_start_up_funding(client):
    items = client.get("/api/v1/areas").get_json()["items"]
    assert [(a["code"], a["startup_funding_cents"]) for a in items] == [
        ("portinerie-sociali", 12_000_000),
        ("servizi-animazione", 17_150_000),
        ("impresa-comunita", 22_500_000),
    ]
    assert sum(a["startup_funding_cents"] for a in items) == 51_650_000


def test_a_space_answers_to_its_slug_and_id_in_both_languages(client):
    by_slug = client.get("/api/v1/spaces/boccioni").get_json()
    by_id = client.get(f"/api/v1/spaces/{by_slug['id']}").get_json()
    assert by_slug == by_id
    assert by_slug["area"]["name"] == "Portinerie sociali"
    assert by_slug["organisation"]["slug"] == "ente-boccioni"
    english = client.get("/api/v1/spaces/boccioni", headers={"Accept-Language": "en"}).get_json()
    assert english["area"]["name"] == "Social concierges"
    assert english["description"].startswith("Social concierge")


def test_unknown_space_is_a_json_404(client):
    for ref in ("nowhere", "999999", "99999999999999999999"):
        response = client.get(f"/api/v1/spaces/{ref}")
        assert response.status_code == 404
        assert response.get_json()["code"] == 404


def test_pagination_walks_every_space_once(client):
    seen, cursor = [], None
    while True:
        url = "/api/v1/spaces?limit=4" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).get_json()
        seen += [s["slug"] for s in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == SEED_SLUGS


def test_list_runs_the_same_queries_whatever_the_page_size(client):
    for _ in range(20):
        SpaceFactory()
    counts = []
    for limit in (1, 9, 29):
        with count_queries() as counter:
            assert client.get(f"/api/v1/spaces?limit={limit}").status_code == 200
        counts.append(counter.count)
    assert len(set(counts)) == 1, counts


def test_filter_by_area(client):
    body = client.get("/api/v1/spaces?area=impresa-comunita").get_json()
    assert [s["slug"] for s in body["items"]] == ["palmanova", "capuana", "padre-luigi-monti"]


def test_admin_creates_and_renames_an_organisation(client):
    admin = user_with_roles(("admin", None, None))
    headers = bearer(admin)
    created = client.post(
        "/api/v1/organisations",
        json={"slug": "coop-sole", "name": "Cooperativa Sole"},
        headers=headers,
    )
    assert created.status_code == 201
    org_id = created.get_json()["id"]
    renamed = client.patch(
        f"/api/v1/organisations/{org_id}", json={"name": "Cooperativa Il Sole"}, headers=headers
    )
    assert renamed.status_code == 200
    assert renamed.get_json()["name"] == "Cooperativa Il Sole"
    assert renamed.get_json()["slug"] == "coop-sole"  # untouched by a partial update
    duplicate = client.post(
        "/api/v1/organisations", json={"slug": "coop-sole", "name": "Altra"}, headers=headers
    )
    assert duplicate.status_code == 409


def test_space_writes_check_references_and_hours(client):
    headers = bearer(user_with_roles(("admin", None, None)))
    base = {
        "slug": "nuovo-spazio",
        "name": "Nuovo",
        "area_id": 1,
        "complex_id": 1,
        "organisation_id": 1,
        "address": "Via Nuova 1, Milano",
    }
    unknown = client.post("/api/v1/spaces", json={**base, "complex_id": 4242}, headers=headers)
    assert unknown.status_code == 422
    assert "complex_id" in unknown.get_json()["errors"]["json"]
    overlapping = client.post(
        "/api/v1/spaces",
        json={**base, "opening_hours": {"mon": [["09:00", "13:00"], ["12:00", "15:00"]]}},
        headers=headers,
    )
    assert overlapping.status_code == 422
    assert "mon" in overlapping.get_json()["errors"]["json"]["opening_hours"]
    inverted = client.post(
        "/api/v1/spaces",
        json={**base, "opening_hours": {"tue": [["18:00", "09:00"]]}},
        headers=headers,
    )
    assert inverted.status_code == 422
    ok = client.post(
        "/api/v1/spaces",
        json={**base, "opening_hours": {"wed": [["09:00", "12:00"]]}},
        headers=headers,
    )
    assert ok.status_code == 201
    assert ok.get_json()["opening_hours"]["wed"] == [["09:00", "12:00"]]
    assert ok.get_json()["opening_hours"]["thu"] == []


def test_operator_cannot_edit_a_space(client):
    headers = bearer(user_with_roles(("operator", "organisation", 1)))
    response = client.patch("/api/v1/spaces/boccioni", json={"name": "X"}, headers=headers)
    assert response.status_code == 403
    assert client.get("/api/v1/spaces/boccioni").get_json()["name"] == "Boccioni"
