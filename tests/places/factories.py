"""factory_boy factories of the places domain."""

from __future__ import annotations

import factory

from qc_platform.places.models import Complex, Organisation, Space
from qc_platform.places.opening_hours import empty_week
from tests.accounts.factories import _Base


class ComplexFactory(_Base):
    class Meta:
        model = Complex

    code = factory.Sequence(lambda n: f"complesso-{n}")
    name = factory.Sequence(lambda n: f"Complesso ERP di prova {n}")
    address = factory.Sequence(lambda n: f"Via di Prova {n}, Milano")


class OrganisationFactory(_Base):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"ente-{n}")
    name = factory.Sequence(lambda n: f"Cooperativa sociale {n}")
    description = ""


class SpaceFactory(_Base):
    class Meta:
        model = Space

    slug = factory.Sequence(lambda n: f"spazio-{n}")
    name = factory.Sequence(lambda n: f"Spazio {n}")
    area_id = 1
    complex = factory.SubFactory(ComplexFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    address = factory.Sequence(lambda n: f"Via di Prova {n}, Milano")
    opening_hours = factory.LazyFunction(empty_week)
    description_it = "Uno spazio di prova."
    description_en = "A test space."
