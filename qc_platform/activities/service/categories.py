"""Activity categories: listed, looked up by code."""

from __future__ import annotations

from sqlalchemy import select

from qc_platform.activities.models import ActivityCategory
from qc_platform.core.errors import InvalidInput
from qc_platform.extensions import db


def categories() -> list[ActivityCategory]:
    return list(db.session.scalars(select(ActivityCategory).order_by(ActivityCategory.position)))


def category_by_code(code: str, location: str = "json") -> ActivityCategory:
    category = db.session.scalar(select(ActivityCategory).where(ActivityCategory.code == code))
    if category is None:
        raise InvalidInput(
            "activities.unknown_category",
            errors={location: {"category": ["activities.unknown_category"]}},
        )
    return category
