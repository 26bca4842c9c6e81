"""The migration that brings server-side sessions and token expiry keeps existing tokens
working for 90 days after their creation."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import column, inspect, table

from qc_platform.core.db import UTCDateTime
from qc_platform.extensions import db, migrate
from tests.conftest import _postgres_database, make_test_app

REVISION = "e8a3f1c6b2d4"


@pytest.fixture
def scratch_database_url(tmp_path):
    if os.environ.get("QC_TEST_DATABASE_URL"):
        yield from _postgres_database()
    else:
        yield "sqlite:///" + str(tmp_path / "scratch.sqlite3")


@pytest.mark.no_db
def test_existing_tokens_expire_90_days_after_their_creation(
    scratch_database_url, frontend_dist, tmp_path
):
    app = make_test_app(scratch_database_url, frontend_dist, tmp_path)
    with app.app_context():
        config = migrate.get_config()
        previous = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
        upgrade(revision=previous)
        created = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
        users = table(
            "users",
            *(column(name) for name in ("id", "email", "display_name", "password_hash")),
            *(column(name) for name in ("locale", "is_active")),
            column("created_at", UTCDateTime()),
            column("updated_at", UTCDateTime()),
        )
        tokens = table(
            "api_tokens",
            *(column(name) for name in ("id", "user_id", "name", "token_hash", "prefix")),
            column("created_at", UTCDateTime()),
        )
        with db.engine.begin() as connection:
            connection.execute(
                users.insert().values(
                    id=1,
                    email="a@example.org",
                    display_name="A",
                    password_hash="x",
                    locale="it",
                    is_active=True,
                    created_at=created,
                    updated_at=created,
                )
            )
            connection.execute(
                tokens.insert().values(
                    id=1,
                    user_id=1,
                    name="script",
                    token_hash="0" * 64,
                    prefix="qct_abcd",
                    created_at=created,
                )
            )
        upgrade(revision=REVISION)
        from qc_platform.accounts.models import ApiToken

        token = db.session.get(ApiToken, 1)
        assert token.expires_at == created + timedelta(days=90)
        db.session.remove()
        assert "user_sessions" in inspect(db.engine).get_table_names()
        db.engine.dispose()
