"""Migrations and models agree, and the migration chain runs both ways."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from qc_platform.extensions import db
from tests.conftest import _postgres_database, make_test_app


def test_models_match_the_migrated_schema(db_session):
    # The test's own connection: on SQLite a second one would wait on its write lock.
    context = MigrationContext.configure(db_session.connection(), opts={"compare_type": True})
    differences = compare_metadata(context, db.metadata)
    assert differences == []


@pytest.fixture
def scratch_database_url(tmp_path):
    if os.environ.get("QC_TEST_DATABASE_URL"):
        yield from _postgres_database()
    else:
        yield "sqlite:///" + str(tmp_path / "scratch.sqlite3")


@pytest.mark.no_db
def test_upgrade_downgrade_upgrade_on_an_empty_database(
    scratch_database_url, frontend_dist, tmp_path
):
    app = make_test_app(scratch_database_url, frontend_dist, tmp_path)
    with app.app_context():
        upgrade()
        assert {"users", "spaces", "audit_log"} <= set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "role_grants" in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()
