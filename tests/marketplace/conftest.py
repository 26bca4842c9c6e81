"""Fixtures of the marketplace tests: the people of an exchange, and its moderators."""

from __future__ import annotations

import pytest

from tests.marketplace.helpers import complex_id, organisation_id, person


@pytest.fixture
def owner():
    """Publishes the listings. A verified tenant, as is the neighbour: either may end an
    exchange below zero (a person who is not a tenant may not)."""
    return person(("tenant", "complex", complex_id("boccioni")), display_name="Olga Proprietaria")


@pytest.fixture
def neighbour():
    """Answers the listings: proposes exchanges."""
    return person(("tenant", "complex", complex_id("omero")), display_name="Nino Vicino")


@pytest.fixture
def stranger():
    """Signed in, but part of no exchange."""
    return person(display_name="Sara Estranea")


@pytest.fixture
def staff():
    return person(("staff", None, None), display_name="Stefano Staff")


@pytest.fixture
def operator():
    """Operator of the organisation running the Boccioni space."""
    return person(
        ("operator", "organisation", organisation_id("ente-boccioni")),
        display_name="Ornella Operatrice",
    )


@pytest.fixture
def other_operator():
    """Operator of another organisation (Omero)."""
    return person(
        ("operator", "organisation", organisation_id("ente-omero")),
        display_name="Osvaldo Altrove",
    )
