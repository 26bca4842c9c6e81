"""Places: the project areas, complexes, organisations and spaces, and their seeding."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from qc_platform.core import audit
from qc_platform.core.errors import Conflict, InvalidInput, NotFound
from qc_platform.core.schemas import MAX_INT
from qc_platform.extensions import db
from qc_platform.places.models import Complex, Organisation, ProjectArea, Space
from qc_platform.places.opening_hours import empty_week, validate_week

# The unique natural key of each kind of place, for conflict messages.
_UNIQUE_KEYS: dict[type, tuple[str, ...]] = {
    ProjectArea: ("code", "number"),
    Complex: ("code",),
    Organisation: ("slug",),
    Space: ("slug",),
}


def complex_exists(complex_id: int) -> bool:
    return db.session.get(Complex, complex_id) is not None


def organisation_exists(organisation_id: int) -> bool:
    return db.session.get(Organisation, organisation_id) is not None


def get_space(ref: str) -> Space:
    """A space by id or by slug, with its area, complex and organisation."""
    query = select(Space).options(
        joinedload(Space.area), joinedload(Space.complex), joinedload(Space.organisation)
    )
    if ref.isascii() and ref.isdigit():
        if len(ref) > 10 or int(ref) > MAX_INT:
            raise NotFound("http.404")
        query = query.where(Space.id == int(ref))
    else:
        query = query.where(Space.slug == ref[:80])
    space = db.session.scalar(query)
    if space is None:
        raise NotFound("http.404")
    return space


def search_all(model: type) -> Select:
    """Every area, complex or organisation (public), for ``paginate``."""
    return select(model)


def search_spaces(
    *, area: str | None = None, complex_id: int | None = None, organisation_id: int | None = None
) -> Select:
    """The spaces (public), filtered by project-area code, complex and organisation."""
    query = select(Space)
    if area:
        query = query.join(ProjectArea).where(ProjectArea.code == area)
    if complex_id:
        query = query.where(Space.complex_id == complex_id)
    if organisation_id:
        query = query.where(Space.organisation_id == organisation_id)
    return query


def get(model: type, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        raise NotFound("http.404")
    return obj


def _check_unique(model: type, data: dict[str, Any], current=None) -> None:
    for key in _UNIQUE_KEYS[model]:
        if key not in data:
            continue
        existing = db.session.scalar(select(model).where(getattr(model, key) == data[key]))
        if existing is not None and existing is not current:
            raise Conflict("places.duplicate", errors={"json": {key: ["places.duplicate"]}})


def _check_space_references(data: dict[str, Any]) -> None:
    for field, model in (
        ("area_id", ProjectArea),
        ("complex_id", Complex),
        ("organisation_id", Organisation),
    ):
        if field in data and db.session.get(model, data[field]) is None:
            raise InvalidInput(
                "places.unknown_reference", errors={"json": {field: ["places.unknown_reference"]}}
            )


def create(*, actor, model: type, data: dict[str, Any]):
    """Create an area, complex, organisation or space (admin), checking keys and references."""
    _check_unique(model, data)
    if model is Space:
        _check_space_references(data)
        if data.get("opening_hours") is None:
            data["opening_hours"] = empty_week()
    obj = model(**data)
    db.session.add(obj)
    db.session.flush()
    audit.record(
        actor=actor,
        action=f"{model.__tablename__}.create",
        object_type=model.__tablename__,
        object_id=obj.id,
    )
    return obj


def update(*, actor, obj, data: dict[str, Any]):
    """Change the given fields only; keys stay unique, references must exist."""
    model = type(obj)
    _check_unique(model, data, current=obj)
    if model is Space:
        _check_space_references(data)
        if "opening_hours" in data and data["opening_hours"] is None:
            data["opening_hours"] = empty_week()
    for key, value in data.items():
        setattr(obj, key, value)
    db.session.flush()
    audit.record(
        actor=actor,
        action=f"{model.__tablename__}.update",
        object_type=model.__tablename__,
        object_id=obj.id,
        details={"fields": sorted(data)},
    )
    return obj


# --- reference data ---------------------------------------------------------------


def load_reference_data() -> dict[str, Any]:
    return json.loads(resources.files("qc_platform.data").joinpath("reference.json").read_text())


def seed_reference_data() -> dict[str, int]:
    """Create the areas, complexes, organisations and spaces that are missing.

    Idempotent, and never overwrites: what an admin has since edited (the real operator's
    name, the opening hours) survives a second run.
    """
    data = load_reference_data()
    created = {"areas": 0, "complexes": 0, "organisations": 0, "spaces": 0}

    def ensure(model, key, values, counter):
        obj = db.session.scalar(select(model).where(getattr(model, key) == values[key]))
        if obj is None:
            obj = model(**values)
            db.session.add(obj)
            db.session.flush()
            created[counter] += 1
        return obj

    areas = {a["code"]: ensure(ProjectArea, "code", a, "areas") for a in data["areas"]}
    complexes = {c["code"]: ensure(Complex, "code", c, "complexes") for c in data["complexes"]}
    for values in data["complexes"]:
        # Coordinates came after the first seeds: fill them where still missing, and
        # leave alone any an admin has set since.
        complex_ = complexes[values["code"]]
        if complex_.latitude is None and complex_.longitude is None and "latitude" in values:
            complex_.latitude, complex_.longitude = values["latitude"], values["longitude"]
    organisations = {
        o["slug"]: ensure(Organisation, "slug", o, "organisations") for o in data["organisations"]
    }
    for space in data["spaces"]:
        values = {k: v for k, v in space.items() if k not in {"area", "complex", "organisation"}}
        values["opening_hours"] = validate_week(values["opening_hours"])
        values["area_id"] = areas[space["area"]].id
        values["complex_id"] = complexes[space["complex"]].id
        values["organisation_id"] = organisations[space["organisation"]].id
        ensure(Space, "slug", values, "spaces")
    return created


def find_complex_by_code(code: str) -> Complex | None:
    return db.session.scalar(select(Complex).where(Complex.code == code))


def find_organisation_by_slug(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))
