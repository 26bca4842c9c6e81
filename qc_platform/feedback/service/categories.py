"""The categories of feedback, and their seeding with each new category's default routing."""

from __future__ import annotations

import json
from importlib import resources

from sqlalchemy import select

from qc_platform.core.errors import InvalidInput
from qc_platform.extensions import db
from qc_platform.feedback.models import FeedbackCategory, RoutingRule


def categories() -> list[FeedbackCategory]:
    return list(db.session.scalars(select(FeedbackCategory).order_by(FeedbackCategory.position)))


def category_by_code(code: str, field: str = "category") -> FeedbackCategory:
    category = db.session.scalar(select(FeedbackCategory).where(FeedbackCategory.code == code))
    if category is None:
        raise InvalidInput(
            "feedback.unknown_category", errors={"json": {field: ["feedback.unknown_category"]}}
        )
    return category


def seed_categories_and_routing() -> dict[str, int]:
    """Create missing categories and, for new categories only, their default routing."""
    data = json.loads(resources.files("qc_platform.data").joinpath("feedback.json").read_text())
    created = {"categories": 0, "routing_rules": 0}
    new_codes = set()
    for values in data["categories"]:
        if db.session.scalar(
            select(FeedbackCategory).where(FeedbackCategory.code == values["code"])
        ):
            continue
        db.session.add(FeedbackCategory(**values))
        new_codes.add(values["code"])
        created["categories"] += 1
    db.session.flush()
    for rule in data["routing"]:
        if rule["category"] in new_codes:
            category = category_by_code(rule["category"])
            db.session.add(RoutingRule(category_id=category.id, route_to=rule["route_to"]))
            created["routing_rules"] += 1
    db.session.flush()
    return created
