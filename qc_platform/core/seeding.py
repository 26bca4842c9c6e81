"""Loading reference data shipped in ``qc_platform/data/`` (``qc seed``), idempotently."""

from __future__ import annotations

import json
from importlib import resources

from sqlalchemy import select

from qc_platform.extensions import db


def load_data(filename: str) -> dict:
    return json.loads(resources.files("qc_platform.data").joinpath(filename).read_text())


def seed_by_code(model, rows: list[dict]) -> set[str]:
    """Insert the rows whose ``code`` is not there yet; existing ones are left as edited.

    Returns the codes inserted.
    """
    existing = set(db.session.scalars(select(model.code)))
    new = [row for row in rows if row["code"] not in existing]
    db.session.add_all(model(**row) for row in new)
    db.session.flush()
    return {row["code"] for row in new}
