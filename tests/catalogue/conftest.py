"""The people of the catalogue tests: two operators of one organisation, one of another."""

from __future__ import annotations

import pytest

from tests.marketplace.helpers import complex_id, organisation_id, person


@pytest.fixture
def org():
    """The organisation running the Boccioni space."""
    return organisation_id("ente-boccioni")


@pytest.fixture
def other_org():
    """The organisation running the Faenza space (a service is only ever at its own)."""
    return organisation_id("ente-faenza")


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
    """A verified tenant: may pay a time-bank service below zero."""
    return person(("tenant", "complex", complex_id("boccioni")), display_name="Rita Richiedente")


@pytest.fixture
def stranger():
    """Signed in, but neither the requester nor an operator of the service; a tenant, so
    that the payment tests can lend the requester hours from her account."""
    return person(("tenant", "complex", complex_id("omero")), display_name="Sara Estranea")
