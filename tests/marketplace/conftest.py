"""Fixtures of the marketplace tests: the people of an exchange, and its moderators."""

from __future__ import annotations

import pytest

from tests.marketplace.helpers import organisation_id, person


@pytest.fixture
def owner():
    """Publishes the listings."""
    return person(display_name="Olga Proprietaria")


@pytest.fixture
def neighbour():
    """Answers the listings: proposes exchanges."""
    return person(display_name="Nino Vicino")


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
