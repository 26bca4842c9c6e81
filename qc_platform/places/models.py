"""Project areas, ERP complexes, third-sector organisations and the nine spaces."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qc_platform.core.db import TimestampMixin
from qc_platform.extensions import db


class ProjectArea(TimestampMixin, db.Model):
    """One of the three project areas (a model of space, with its start-up funding)."""

    __tablename__ = "project_areas"
    __table_args__ = (
        CheckConstraint("startup_funding_cents >= 0", name="funding_not_negative"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    number: Mapped[int] = mapped_column(unique=True, nullable=False)
    name_it: Mapped[str] = mapped_column(String(120), nullable=False)
    name_en: Mapped[str] = mapped_column(String(120), nullable=False)
    model_it: Mapped[str] = mapped_column(String(500), nullable=False)
    model_en: Mapped[str] = mapped_column(String(500), nullable=False)
    description_it: Mapped[str] = mapped_column(Text, default="", nullable=False)
    description_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    startup_funding_cents: Mapped[int] = mapped_column(nullable=False)


class Complex(TimestampMixin, db.Model):
    """An ERP public-housing complex (buildings with units) where tenants live."""

    __tablename__ = "complexes"
    __table_args__ = (
        CheckConstraint(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"
        ),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
            name="longitude_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(160), nullable=False)
    address: Mapped[str] = mapped_column(String(200), nullable=False)
    district: Mapped[str | None] = mapped_column(String(80))
    # WGS 84, approximate (the street, not the building): Open311's lat/long.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class Organisation(TimestampMixin, db.Model):
    """A third-sector organisation (ETS) that runs one or more spaces."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(160), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    website: Mapped[str | None] = mapped_column(String(200))
    # True until the co-design has chosen the real operator and an admin renamed it.
    is_placeholder: Mapped[bool] = mapped_column(default=False, nullable=False)


class Space(TimestampMixin, db.Model):
    """A refurbished ground-floor space in an ERP complex, run by an organisation."""

    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    area_id: Mapped[int] = mapped_column(ForeignKey("project_areas.id"), index=True, nullable=False)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complexes.id"), index=True, nullable=False)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), index=True, nullable=False
    )
    address: Mapped[str] = mapped_column(String(200), nullable=False)
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    description_it: Mapped[str] = mapped_column(Text, default="", nullable=False)
    description_en: Mapped[str] = mapped_column(Text, default="", nullable=False)

    area: Mapped[ProjectArea] = relationship(lazy="raise")
    complex: Mapped[Complex] = relationship(lazy="raise")
    organisation: Mapped[Organisation] = relationship(lazy="raise")
