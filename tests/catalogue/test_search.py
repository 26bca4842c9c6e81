"""Finding services: every filter, accent-insensitive words, pages, paused services."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qc_platform.extensions import db
from qc_platform.places.models import Space
from tests.catalogue.helpers import SERVICES, found_ids, patch_service, publish
from tests.marketplace.helpers import ok, refused, space_id


def area_of(slug: str) -> int:
    return db.session.scalar(select(Space.area_id).where(Space.slug == slug))


@pytest.fixture
def catalogue(client, operator, other_operator, org, other_org):
    """Services that differ in one thing each; their ids by a short name."""
    s = {}
    s["sartoria"] = publish(
        client,
        operator,
        org,
        title="Sartorìa del cortile",
        description="Orli e cerniere.",
        category="tailoring",
        space_id=space_id("boccioni"),
        price_model="sliding",
        price_cents=1200,
        languages=["it", "ar"],
    )["id"]
    s["caffe"] = publish(
        client,
        operator,
        org,
        title="Caffè sospeso",
        description="Un caffè pagato da chi è passato prima.",
        category="catering",
        space_id=space_id("boccioni"),
        price_model="free",
        languages=["it"],
    )["id"]
    s["bici"] = publish(
        client,
        other_operator,
        other_org,
        title="Ciclofficina",
        description="Ripariamo insieme la tua bicicletta.",
        category="bikes",
        space_id=space_id("faenza"),
        price_model="timebank",
        minutes=60,
        languages=["it", "en", "es"],
    )["id"]
    s["pratiche"] = publish(
        client,
        other_operator,
        other_org,
        title="Sportello pratiche",
        description="Aiuto con moduli, ISEE e bollette della casa.",
        category="paperwork",
        price_model="fixed",
        price_cents=500,
        languages=["ar", "en"],
    )["id"]
    return s


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"sartoria", "caffe", "bici", "pratiche"}),
        ({"category": "tailoring"}, {"sartoria"}),
        ({"category": "bikes"}, {"bici"}),
        ({"category": "laundry"}, set()),
        ({"category": "nessuna"}, set()),
        ({"price_model": "free"}, {"caffe"}),
        ({"price_model": "fixed"}, {"pratiche"}),
        ({"price_model": "sliding"}, {"sartoria"}),
        ({"price_model": "timebank"}, {"bici"}),
        ({"language": "ar"}, {"sartoria", "pratiche"}),
        ({"language": "it"}, {"sartoria", "caffe", "bici"}),
        ({"language": "es"}, {"bici"}),
        ({"language": "fr"}, set()),
        ({"language": "en", "price_model": "fixed"}, {"pratiche"}),
        ({"category": "catering", "language": "ar"}, set()),
    ],
)
def test_filters(client, catalogue, query, expected):
    assert found_ids(client, **query) == {catalogue[name] for name in expected}


def test_filters_by_space_area_and_organisation(client, catalogue, org, other_org):
    by_name = {v: k for k, v in catalogue.items()}

    def names(**query):
        return {by_name[i] for i in found_ids(client, **query)}

    assert names(space=space_id("boccioni")) == {"sartoria", "caffe"}
    assert names(space=space_id("faenza")) == {"bici"}
    assert names(space=space_id("omero")) == set()
    assert area_of("boccioni") != area_of("faenza")
    assert names(area=area_of("boccioni")) == {"sartoria", "caffe"}
    assert names(area=area_of("faenza")) == {"bici"}  # "pratiche" has no space, so no area
    assert names(area=area_of("palmanova")) == set()
    assert names(organisation=org) == {"sartoria", "caffe"}
    assert names(organisation=other_org) == {"bici", "pratiche"}
    assert names(organisation=other_org, price_model="timebank") == {"bici"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("sartoria", {"sartoria"}),  # finds "Sartorìa"
        ("SARTORÌA", {"sartoria"}),
        ("CAFFE", {"caffe"}),  # finds "Caffè"
        ("caffè", {"caffe"}),
        ("Caffe sospeso", {"caffe"}),  # every word must occur
        ("caffe bicicletta", set()),
        ("bicicletta", {"bici"}),  # words of the description count
        ("isee", {"pratiche"}),
        ("  cerniere  ", {"sartoria"}),
        ("orl", {"sartoria"}),  # a word's beginning is enough
        ("50%", set()),  # wildcards are taken literally
        ("_", set()),
        ("tango", set()),
    ],
)
def test_q_ignores_accents_and_case(client, catalogue, q, expected):
    assert found_ids(client, q=q) == {catalogue[name] for name in expected}


def test_q_follows_the_changed_title(client, operator, catalogue):
    patch_service(client, operator, catalogue["caffe"], title="Tè solidale")
    assert found_ids(client, q="sospeso") == set()  # the old title is forgotten
    assert found_ids(client, q="caffe") == {catalogue["caffe"]}  # still in the description
    assert found_ids(client, q="TE SOLIDALE") == {catalogue["caffe"]}


def test_the_language_filter_follows_the_changed_languages(client, operator, catalogue):
    ok(patch_service(client, operator, catalogue["caffe"], languages=["uk", "ro"]))
    assert catalogue["caffe"] not in found_ids(client, language="it")
    assert found_ids(client, language="uk") == {catalogue["caffe"]}


@pytest.mark.parametrize(
    "query",
    [
        {"price_model": "gratis"},
        {"language": "ITA"},
        {"language": "i"},
        {"space": "boccioni"},
        {"area": 0},
        {"organisation": -1},
        {"open_now": "forse"},
        {"include_paused": "forse"},
        {"q": "x" * 101},
        {"limit": 0},
        {"limit": 101},
        {"cursor": "non-un-cursore"},
    ],
)
def test_invalid_filters_are_422(client, catalogue, query):
    refused(client.get(SERVICES, query_string=query), 422)


def test_paused_services_are_hidden_unless_asked_for(client, operator, catalogue):
    ok(patch_service(client, operator, catalogue["sartoria"], status="paused"))
    everything = set(catalogue.values())
    assert found_ids(client) == everything - {catalogue["sartoria"]}
    assert found_ids(client, q="sartoria") == set()
    assert found_ids(client, category="tailoring") == set()
    assert found_ids(client, include_paused="true") == everything
    assert found_ids(client, include_paused="true", q="sartoria") == {catalogue["sartoria"]}
    # Still readable on its own page, marked as paused.
    detail = ok(client.get(f"{SERVICES}/{catalogue['sartoria']}"))
    assert detail["status"] == "paused"
    ok(patch_service(client, operator, catalogue["sartoria"], status="active"))
    assert found_ids(client) == everything


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 20])
def test_walking_every_page_finds_each_service_once(client, operator, org, limit):
    published = [
        publish(client, operator, org, title=f"Servizio numero {n}")["id"] for n in range(7)
    ]
    paused = publish(client, operator, org, title="Servizio sospeso", status="paused")["id"]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = ok(client.get(SERVICES, query_string=params))
        assert len(page["items"]) <= limit
        seen.extend(item["id"] for item in page["items"])
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None:
            break
        assert pages <= 8, "the cursor must make progress"
    assert sorted(seen) == sorted(published)  # none missing, none twice, no paused one
    assert paused not in seen
    assert pages >= -(-7 // limit)


def test_pages_keep_the_filters(client, operator, other_operator, org, other_org):
    mine = {publish(client, operator, org, title=f"Sartoria {n}")["id"] for n in range(5)}
    for n in range(4):
        publish(client, other_operator, other_org, title=f"Sartoria altrove {n}")
    publish(client, operator, org, title="Ciclofficina")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "q": "sartoria", "organisation": org}
        if cursor:
            params["cursor"] = cursor
        page = ok(client.get(SERVICES, query_string=params))
        seen.extend(item["id"] for item in page["items"])
        if (cursor := page["next_cursor"]) is None:
            break
    assert sorted(seen) == sorted(mine)


def test_a_service_published_while_paging_does_not_shift_the_pages(client, operator, org):
    first_ids = [publish(client, operator, org, title=f"Servizio {n}")["id"] for n in range(4)]
    page = ok(client.get(SERVICES, query_string={"limit": 2}))
    late = publish(client, operator, org, title="Arrivato dopo")["id"]
    rest = ok(client.get(SERVICES, query_string={"limit": 100, "cursor": page["next_cursor"]}))
    seen = [item["id"] for item in page["items"]] + [item["id"] for item in rest["items"]]
    assert sorted(seen) == sorted([*first_ids, late])
    assert len(seen) == len(set(seen))
