"""Publishing services: who may, and which prices, languages, hours and closures are valid."""

from __future__ import annotations

import pytest

from qc_platform.extensions import db
from qc_platform.places.models import Organisation, Space
from tests.catalogue.helpers import (
    ALWAYS,
    DAYS,
    SERVICES,
    get_service,
    patch_service,
    publish,
    service_body,
)
from tests.marketplace.helpers import ok, person, refused, space_id
from tests.places.factories import SpaceFactory

# --- who publishes -----------------------------------------------------------------------


def test_an_operator_publishes_a_service_of_their_organisation(client, operator, org):
    body = service_body(
        org,
        space_id=space_id("boccioni"),
        title="  Sartorìa del cortile ",
        category="tailoring",
        price_model="sliding",
        price_cents=1500,
        languages=["it", "ar", "es"],
        accessibility="Ingresso senza gradini; sedia a disposizione.",
        availability={"mon": [["15:00", "18:00"], ["09:00", "12:30"]], "sat": [["10:00", "24:00"]]},
        closures=[{"starts_on": "2026-08-10", "ends_on": "2026-08-21", "reason": "Ferie"}],
        closed_on_holidays=False,
    )
    created = ok(client.post(SERVICES, json=body, headers=operator.headers), 201)
    assert created == get_service(client, created["id"], operator)
    assert created["organisation"]["id"] == org
    assert created["space_id"] == space_id("boccioni")
    assert created["title"] == "Sartorìa del cortile"
    assert created["category"] == "tailoring"
    assert (created["price_model"], created["price_cents"], created["minutes"]) == (
        "sliding",
        1500,
        None,
    )
    assert created["languages"] == ["it", "ar", "es"]
    assert created["accessibility"] == "Ingresso senza gradini; sedia a disposizione."
    # Every weekday present, intervals in order.
    assert created["availability"] == {
        **{day: [] for day in DAYS},
        "mon": [["09:00", "12:30"], ["15:00", "18:00"]],
        "sat": [["10:00", "24:00"]],
    }
    assert created["closures"] == [
        {"starts_on": "2026-08-10", "ends_on": "2026-08-21", "reason": "Ferie"}
    ]
    assert created["closed_on_holidays"] is False
    assert created["status"] == "active"
    assert created["mine"] is True
    assert get_service(client, created["id"])["mine"] is False  # anonymous reader


def test_the_space_is_optional_and_holidays_close_by_default(client, operator, org):
    created = publish(client, operator, org)
    assert created["space_id"] is None
    assert created["closed_on_holidays"] is True
    assert created["closures"] == []
    assert created["accessibility"] == ""


def test_an_operator_of_another_organisation_cannot_publish_for_it(
    client, other_operator, org, operator
):
    body = refused(
        client.post(SERVICES, json=service_body(org), headers=other_operator.headers), 403
    )
    assert body["message"]
    assert client.get(SERVICES).get_json()["items"] == []


def test_an_operator_of_another_organisation_cannot_change_or_pause_it(
    client, operator, other_operator, org
):
    created = publish(client, operator, org)
    refused(patch_service(client, other_operator, created["id"], title="Preso in prestito"), 403)
    refused(patch_service(client, other_operator, created["id"], status="paused"), 403)
    assert get_service(client, created["id"]) == {**created, "mine": False}


def test_a_second_operator_of_the_organisation_can_change_it(client, operator, colleague, org):
    created = publish(client, operator, org)
    changed = ok(patch_service(client, colleague, created["id"], title="Sartoria solidale"))
    assert changed["title"] == "Sartoria solidale"
    assert changed["mine"] is True


@pytest.mark.parametrize(
    ("field", "value"),
    [("organisation_id", 999_999), ("space_id", 999_999), ("category", "astrologia")],
)
def test_unknown_references_are_422(client, operator, org, field, value):
    body = refused(
        client.post(SERVICES, json=service_body(org, **{field: value}), headers=operator.headers),
        422,
    )
    assert field in str(body["errors"])


def test_an_unknown_category_on_patch_is_422_and_changes_nothing(client, operator, org):
    created = publish(client, operator, org)
    refused(patch_service(client, operator, created["id"], category="astrologia"), 422)
    assert get_service(client, created["id"], operator) == created


def test_categories_are_listed_by_code(client, operator, org):
    codes = [c["code"] for c in ok(client.get("/api/v1/catalogue/categories"))["items"]]
    assert {"tailoring", "paperwork", "repairs"} <= set(codes)
    for code in codes:
        assert publish(client, operator, org, category=code)["category"] == code


# --- price models ------------------------------------------------------------------------

PRICE_FREE = "Un servizio gratuito non ha prezzo né minuti."
PRICE_MONEY = "Per un prezzo fisso o agevolato indica price_cents (in centesimi), non i minuti."
PRICE_TIMEBANK = "Un servizio in ore della banca del tempo indica i minuti, non un prezzo."


@pytest.mark.parametrize(
    ("price", "stored"),
    [
        ({"price_model": "free"}, (None, None)),
        ({"price_model": "free", "price_cents": None, "minutes": None}, (None, None)),
        ({"price_model": "fixed", "price_cents": 500}, (500, None)),
        ({"price_model": "sliding", "price_cents": 2000, "minutes": None}, (2000, None)),
        ({"price_model": "timebank", "minutes": 45}, (None, 45)),
        ({"price_model": "timebank", "minutes": 1440, "price_cents": None}, (None, 1440)),
    ],
)
def test_consistent_prices_are_published(client, operator, org, price, stored):
    created = publish(client, operator, org, **price)
    assert created["price_model"] == price["price_model"]
    assert (created["price_cents"], created["minutes"]) == stored


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ({"price_model": "free", "price_cents": 500}, PRICE_FREE),
        ({"price_model": "free", "minutes": 30}, PRICE_FREE),
        ({"price_model": "free", "price_cents": 500, "minutes": 30}, PRICE_FREE),
        ({"price_model": "fixed"}, PRICE_MONEY),
        ({"price_model": "fixed", "price_cents": None}, PRICE_MONEY),
        ({"price_model": "fixed", "minutes": 30}, PRICE_MONEY),
        ({"price_model": "fixed", "price_cents": 500, "minutes": 30}, PRICE_MONEY),
        ({"price_model": "sliding"}, PRICE_MONEY),
        ({"price_model": "sliding", "minutes": 30}, PRICE_MONEY),
        ({"price_model": "sliding", "price_cents": 500, "minutes": 30}, PRICE_MONEY),
        ({"price_model": "timebank"}, PRICE_TIMEBANK),
        ({"price_model": "timebank", "minutes": None}, PRICE_TIMEBANK),
        ({"price_model": "timebank", "price_cents": 500}, PRICE_TIMEBANK),
        ({"price_model": "timebank", "minutes": 30, "price_cents": 500}, PRICE_TIMEBANK),
    ],
)
def test_inconsistent_prices_are_422_with_a_clear_message(client, operator, org, price, message):
    response = client.post(SERVICES, json=service_body(org, **price), headers=operator.headers)
    assert refused(response, 422)["message"] == message
    assert client.get(SERVICES, query_string={"include_paused": "true"}).get_json()["items"] == []


def test_the_price_message_follows_the_language_of_the_request(client, operator, org):
    headers = {**operator.headers, "Accept-Language": "en"}
    body = service_body(org, price_model="timebank", price_cents=500)
    response = client.post(SERVICES, json=body, headers=headers)
    assert refused(response, 422)["message"] == "A time-bank service gives minutes, not a price."


@pytest.mark.parametrize(
    "price",
    [
        {"price_model": "gratis"},
        {"price_model": "fixed", "price_cents": 0},
        {"price_model": "fixed", "price_cents": -100},
        {"price_model": "fixed", "price_cents": "5.00"},
        {"price_model": "fixed", "price_cents": 10_000_001},
        {"price_model": "timebank", "minutes": 0},
        {"price_model": "timebank", "minutes": 1441},
        {"price_model": "timebank", "minutes": 30.5},
    ],
)
def test_prices_out_of_range_are_422(client, operator, org, price):
    refused(client.post(SERVICES, json=service_body(org, **price), headers=operator.headers), 422)


# (starting price, PATCH, expected price after or the message of the 422)
PRICE_CHANGES = [
    # changing the model: the new model's fields come from the PATCH alone
    ({"price_model": "free"}, {"price_model": "timebank", "minutes": 60}, ("timebank", None, 60)),
    ({"price_model": "free"}, {"price_model": "timebank"}, PRICE_TIMEBANK),
    ({"price_model": "free"}, {"price_model": "fixed"}, PRICE_MONEY),
    ({"price_model": "free"}, {"price_model": "fixed", "price_cents": 800}, ("fixed", 800, None)),
    ({"price_model": "free"}, {"price_model": "sliding", "minutes": 30}, PRICE_MONEY),
    (
        {"price_model": "timebank", "minutes": 30},
        {"price_model": "fixed"},  # the old minutes are not carried over
        PRICE_MONEY,
    ),
    (
        {"price_model": "timebank", "minutes": 30},
        {"price_model": "fixed", "price_cents": 700},
        ("fixed", 700, None),
    ),
    (
        {"price_model": "timebank", "minutes": 30},
        {"price_model": "fixed", "price_cents": 700, "minutes": 30},
        PRICE_MONEY,
    ),
    ({"price_model": "timebank", "minutes": 30}, {"price_model": "free"}, ("free", None, None)),
    (
        {"price_model": "timebank", "minutes": 30},
        {"price_model": "free", "minutes": 30},
        PRICE_FREE,
    ),
    (
        {"price_model": "fixed", "price_cents": 500},
        {"price_model": "timebank"},  # the old price is not carried over
        PRICE_TIMEBANK,
    ),
    (
        {"price_model": "fixed", "price_cents": 500},
        {"price_model": "timebank", "minutes": 20, "price_cents": 500},
        PRICE_TIMEBANK,
    ),
    (
        {"price_model": "fixed", "price_cents": 500},
        {"price_model": "sliding"},
        PRICE_MONEY,
    ),
    (
        {"price_model": "fixed", "price_cents": 500},
        {"price_model": "free"},
        ("free", None, None),
    ),
    (
        {"price_model": "sliding", "price_cents": 500},
        {"price_model": "fixed", "price_cents": 900},
        ("fixed", 900, None),
    ),
    # keeping the model: the PATCH's fields are checked against it
    ({"price_model": "free"}, {"price_cents": 500}, PRICE_FREE),
    ({"price_model": "free"}, {"minutes": 30}, PRICE_FREE),
    ({"price_model": "fixed", "price_cents": 500}, {"price_cents": 650}, ("fixed", 650, None)),
    ({"price_model": "fixed", "price_cents": 500}, {"price_cents": None}, PRICE_MONEY),
    ({"price_model": "fixed", "price_cents": 500}, {"minutes": 30}, PRICE_MONEY),
    ({"price_model": "sliding", "price_cents": 500}, {"minutes": 30}, PRICE_MONEY),
    ({"price_model": "timebank", "minutes": 30}, {"minutes": 90}, ("timebank", None, 90)),
    ({"price_model": "timebank", "minutes": 30}, {"minutes": None}, PRICE_TIMEBANK),
    ({"price_model": "timebank", "minutes": 30}, {"price_cents": 500}, PRICE_TIMEBANK),
]


@pytest.mark.parametrize(("start", "change", "outcome"), PRICE_CHANGES)
def test_price_changes_on_patch(client, operator, org, start, change, outcome):
    created = publish(client, operator, org, **start)
    response = patch_service(client, operator, created["id"], **change)
    if isinstance(outcome, str):
        assert refused(response, 422)["message"] == outcome
        assert get_service(client, created["id"], operator) == created  # nothing changed
    else:
        changed = ok(response)
        assert (changed["price_model"], changed["price_cents"], changed["minutes"]) == outcome
        assert get_service(client, created["id"], operator) == changed


# --- languages ---------------------------------------------------------------------------


@pytest.mark.parametrize("languages", [["it"], ["it", "en", "ar", "zh", "uk", "ro", "tl"]])
def test_iso_639_1_languages_are_kept_in_order(client, operator, org, languages):
    assert publish(client, operator, org, languages=languages)["languages"] == languages


@pytest.mark.parametrize(
    "languages",
    [
        ["ita"],  # ISO 639-2
        ["IT"],
        ["i"],
        [""],
        ["it-IT"],
        ["it", "xx"],  # the right shape, but no such language
        ["qq"],
        [3],
        "it",
        [],
        None,
        ["it", "it"],
        ["it", "en", "it"],
    ],
)
def test_invalid_or_duplicate_languages_are_422(client, operator, org, languages):
    body = refused(
        client.post(
            SERVICES, json=service_body(org, languages=languages), headers=operator.headers
        ),
        422,
    )
    assert "languages" in str(body["errors"])


def test_languages_are_checked_on_patch_too(client, operator, org):
    created = publish(client, operator, org, languages=["it"])
    refused(patch_service(client, operator, created["id"], languages=["en", "en"]), 422)
    refused(patch_service(client, operator, created["id"], languages=["eng"]), 422)
    assert ok(patch_service(client, operator, created["id"], languages=["en", "fr"]))[
        "languages"
    ] == ["en", "fr"]


# --- weekly hours and closures -----------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "day"),
    [
        ({"mon": [["09:00", "12:00"], ["11:30", "14:00"]]}, "mon"),  # overlapping
        ({"tue": [["09:00", "18:00"], ["10:00", "11:00"]]}, "tue"),  # one inside the other
        ({"wed": [["14:00", "16:00"], ["09:00", "14:30"]]}, "wed"),  # overlapping, unsorted
        ({"thu": [["12:00", "09:00"]]}, "thu"),  # inverted
        ({"fri": [["09:00", "09:00"]]}, "fri"),  # empty
        ({"sat": [["24:00", "24:00"]]}, "sat"),
        ({"sun": [["9:00", "12:00"]]}, "sun"),  # not HH:MM
        ({"mon": [["09:00", "24:30"]]}, "mon"),
        ({"mon": [["25:00", "26:00"]]}, "mon"),
        ({"mon": [["09:00"]]}, "mon"),
        ({"mon": [["09:00", "10:00", "11:00"]]}, "mon"),
        ({"mon": "09:00-12:00"}, "mon"),
        ({"mon": [[900, 1200]]}, "mon"),
        # other digits than 0-9 and a trailing newline: they compared wrongly as text and
        # reached the database's CHECK (a 500) or let overlapping hours in
        ({"mon": [["09:30", "0\u0669:00"]]}, "mon"),
        ({"mon": [["10:00", "10:00\n"]]}, "mon"),
        ({"mon": [["08:00", "09:00"], ["0\u0660:30", "0\u0668:30"]]}, "mon"),
        ({"lun": [["09:00", "12:00"]]}, "lun"),  # unknown weekday
        ({"monday": [["09:00", "12:00"]]}, "monday"),
        ({"mon": [[f"0{h}:00", f"0{h}:30"] for h in range(7)]}, "mon"),  # > 6 intervals
    ],
)
def test_invalid_weekly_hours_are_422_naming_the_day(client, operator, org, week, day):
    response = client.post(
        SERVICES, json=service_body(org, availability=week), headers=operator.headers
    )
    body = refused(response, 422)
    assert day in body["errors"]["json"]["availability"]


@pytest.mark.parametrize("week", [[], "sempre", None, {"mon": None}])
def test_weekly_hours_that_are_not_a_week_are_422(client, operator, org, week):
    refused(
        client.post(SERVICES, json=service_body(org, availability=week), headers=operator.headers),
        422,
    )


def test_touching_intervals_and_the_whole_day_are_valid(client, operator, org):
    week = {"mon": [["09:00", "12:00"], ["12:00", "13:00"]], "sun": [["00:00", "24:00"]]}
    created = publish(client, operator, org, availability=week)
    assert created["availability"]["mon"] == [["09:00", "12:00"], ["12:00", "13:00"]]
    assert created["availability"]["sun"] == [["00:00", "24:00"]]


def test_invalid_hours_on_patch_change_nothing(client, operator, org):
    created = publish(client, operator, org, availability=ALWAYS)
    response = patch_service(
        client, operator, created["id"], availability={"mon": [["10:00", "09:00"]]}
    )
    refused(response, 422)
    assert get_service(client, created["id"], operator)["availability"] == ALWAYS


def test_closures_that_end_before_they_start_are_422(client, operator, org):
    closures = [{"starts_on": "2026-08-21", "ends_on": "2026-08-10"}]
    response = client.post(
        SERVICES, json=service_body(org, closures=closures), headers=operator.headers
    )
    assert "ends_on" in str(refused(response, 422)["errors"])
    created = publish(client, operator, org)
    refused(patch_service(client, operator, created["id"], closures=closures), 422)
    assert get_service(client, created["id"])["closures"] == []


def test_closures_are_replaced_by_patch_and_listed_in_date_order(client, operator, org):
    created = publish(
        client, operator, org, closures=[{"starts_on": "2026-12-24", "ends_on": "2026-12-24"}]
    )
    assert created["closures"] == [
        {"starts_on": "2026-12-24", "ends_on": "2026-12-24", "reason": ""}
    ]
    closures = [
        {"starts_on": "2027-01-02", "ends_on": "2027-01-03", "reason": "Inventario"},
        {"starts_on": "2026-08-01", "ends_on": "2026-08-31", "reason": "Ferie"},
    ]
    changed = ok(patch_service(client, operator, created["id"], closures=closures))
    assert changed["closures"] == [closures[1], closures[0]]
    assert ok(patch_service(client, operator, created["id"], closures=[]))["closures"] == []


@pytest.mark.parametrize(
    "closure",
    [
        {"starts_on": "2026-08-01"},
        {"starts_on": "2026-08-01", "ends_on": "agosto"},
        {"starts_on": "2026-08-01", "ends_on": "2026-08-02", "reason": "x" * 201},
    ],
)
def test_malformed_closures_are_422(client, operator, org, closure):
    response = client.post(
        SERVICES, json=service_body(org, closures=[closure]), headers=operator.headers
    )
    refused(response, 422)


# --- texts and status --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "x" * 161),
        ("title", "ab"),
        ("title", "     "),
        ("description", "x" * 5001),
        ("description", ""),
        ("description", "   "),
        ("accessibility", "x" * 1001),
        ("closures", [{"starts_on": "2026-08-01", "ends_on": "2026-08-01"}] * 51),
        (
            "languages",
            ["it", "en", "fr", "de", "es", "pt", "ro", "ar", "zh", "ru", "uk", "sq", "tl"],
        ),
    ],
)
def test_unbounded_or_blank_texts_and_lists_are_422(client, operator, org, field, value):
    response = client.post(
        SERVICES, json=service_body(org, **{field: value}), headers=operator.headers
    )
    assert field in refused(response, 422)["errors"]["json"]


@pytest.mark.parametrize(
    "missing",
    [
        "organisation_id",
        "title",
        "description",
        "category",
        "price_model",
        "languages",
        "availability",
    ],
)
def test_required_fields_are_required_on_publish(client, operator, org, missing):
    body = service_body(org)
    del body[missing]
    response = client.post(SERVICES, json=body, headers=operator.headers)
    assert missing in refused(response, 422)["errors"]["json"]


def test_a_service_is_paused_and_reactivated(client, operator, org):
    created = publish(client, operator, org, availability=ALWAYS)
    paused = ok(patch_service(client, operator, created["id"], status="paused"))
    assert paused["status"] == "paused"
    assert paused["open_now"] is False  # paused: never open, whatever its hours
    assert get_service(client, created["id"])["status"] == "paused"
    refused(patch_service(client, operator, created["id"], status="closed"), 422)
    active = ok(patch_service(client, operator, created["id"], status="active"))
    assert active["status"] == "active"


def test_a_service_can_move_to_another_space_of_its_organisation_or_none(client, operator, org):
    second = SpaceFactory(organisation=db.session.get(Organisation, org)).id
    created = publish(client, operator, org, space_id=space_id("boccioni"))
    moved = ok(patch_service(client, operator, created["id"], space_id=second))
    assert moved["space_id"] == second
    refused(patch_service(client, operator, created["id"], space_id=999_999), 422)
    assert ok(patch_service(client, operator, created["id"], space_id=None))["space_id"] is None


# --- at whose space (security review, finding 8) ------------------------------------------------

NOT_YOUR_SPACE = "Un servizio può stare solo in uno spazio gestito dalla sua organizzazione."


def test_a_service_cannot_be_published_at_another_organisations_space(client, operator, org):
    # Omero's space is run by ente-omero: its operators did not agree to host this service.
    body = refused(
        client.post(
            SERVICES,
            json=service_body(org, space_id=space_id("omero")),
            headers=operator.headers,
        ),
        403,
    )
    assert body["message"] == NOT_YOUR_SPACE
    assert client.get(SERVICES).get_json()["items"] == []


def test_a_service_cannot_move_to_another_organisations_space(client, operator, org):
    created = publish(client, operator, org, space_id=space_id("boccioni"))
    body = refused(
        patch_service(client, operator, created["id"], space_id=space_id("omero"), title="Nuovo"),
        403,
    )
    assert body["message"] == NOT_YOUR_SPACE
    assert get_service(client, created["id"], operator) == created


def test_an_operator_of_both_organisations_still_keeps_each_service_at_its_own(
    client, org, other_org
):
    both = person(
        ("operator", "organisation", org),
        ("operator", "organisation", other_org),
    )
    refused(
        client.post(
            SERVICES, json=service_body(org, space_id=space_id("faenza")), headers=both.headers
        ),
        403,
    )
    at_faenza = publish(client, both, other_org, space_id=space_id("faenza"))
    assert at_faenza["space_id"] == space_id("faenza")
    refused(patch_service(client, both, at_faenza["id"], space_id=space_id("boccioni")), 403)
    assert get_service(client, at_faenza["id"])["space_id"] == space_id("faenza")


def test_a_service_at_its_own_space_or_at_none_is_published(client, operator, org):
    assert publish(client, operator, org, space_id=space_id("boccioni"))["space_id"] == (
        space_id("boccioni")
    )
    assert publish(client, operator, org, space_id=None)["space_id"] is None
    assert publish(client, operator, org)["space_id"] is None


def test_an_unknown_service_is_404(client, operator):
    refused(client.get(f"{SERVICES}/999999"), 404)
    refused(patch_service(client, operator, 999_999, title="Nessuno"), 404)


def test_space_ids_in_the_fixture_exist(db_session):
    # Guards the tests above against a renamed seed.
    assert db_session.get(Space, space_id("boccioni")) is not None
