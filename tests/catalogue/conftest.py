"""The people of the catalogue tests: two operators of one organisation, one of another."""

from __future__ import annotations

import pytest

from tests.marketplace.helpers import organisation_id, person


@pytest.fixture
def org():
    """The organisation running the Boccioni space."""
    return organisation_id("ente-boccioni")


@pytest.fixture
def other_org():
    return organisation_id("ente-omero")


@pytest.fixture
def operator(org):
    return person(("operator", "organisation", org), display_name="Ornella Operatrice")


@pytest.fixture
def colleague(org):
    """A second operator of the same organisation."""
    return person(("operator", "organisation", org), display_name="Carlo Collega")


@pytest.fixture
def other_operator(other_org):
    """Operator of another organisation."""
    return person(("operator", "organisation", other_org), display_name="Osvaldo Altrove")


@pytest.fixture
def requester():
    return person(display_name="Rita Richiedente")


@pytest.fixture
def stranger():
    """Signed in, but neither the requester nor an operator of the service."""
    return person(display_name="Sara Estranea")
