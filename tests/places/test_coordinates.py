"""Complex coordinates (approximate, for Open311): seeded, filled in later, never overwritten."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qc_platform.extensions import db
from qc_platform.places import service as places
from qc_platform.places.models import Complex


def _complex(code: str) -> Complex:
    return db.session.scalar(select(Complex).where(Complex.code == code))


def test_every_seeded_complex_has_a_point_in_milan():
    for values in places.load_reference_data()["complexes"]:
        complex_ = _complex(values["code"])
        assert 45.38 < complex_.latitude < 45.54 and 9.04 < complex_.longitude < 9.28


def test_the_seed_fills_missing_coordinates_and_keeps_those_set_since():
    omero, faenza = _complex("omero"), _complex("faenza")
    omero.latitude = omero.longitude = None
    faenza.latitude, faenza.longitude = 45.45, 9.17  # an admin's correction
    db.session.flush()
    places.seed_reference_data()
    seeded = {c["code"]: c for c in places.load_reference_data()["complexes"]}
    assert (omero.latitude, omero.longitude) == (
        seeded["omero"]["latitude"],
        seeded["omero"]["longitude"],
    )
    assert (faenza.latitude, faenza.longitude) == (45.45, 9.17)


def test_the_api_shows_coordinates_and_admins_set_them_within_range(client):
    from tests.accounts.factories import bearer, user_with_roles

    admin = bearer(user_with_roles(("admin", None, None)))
    complex_id = _complex("palmanova").id
    body = client.get(f"/api/v1/complexes/{complex_id}").get_json()
    assert body["latitude"] == pytest.approx(45.503) and body["longitude"] == pytest.approx(9.236)
    url = f"/api/v1/complexes/{complex_id}"
    assert client.patch(url, json={"latitude": 91}, headers=admin).status_code == 422
    response = client.patch(url, json={"latitude": 45.504}, headers=admin)
    assert response.status_code == 200 and response.get_json()["latitude"] == 45.504
