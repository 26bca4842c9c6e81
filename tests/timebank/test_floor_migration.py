"""Migration c4f1a9e2d7b3 on existing accounts: who keeps a floor below zero.

Before it, every account had the credit floor (-600). After it, people who hold no tenant
role are at 0 (or at their balance, when already below zero: the CHECK keeps balances
above floors), tenants and organisations keep -600, and a floor staff changed (found in
the audit log) is kept and marked as staff-set.
"""

from __future__ import annotations

import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from qc_platform.extensions import db
from tests.conftest import _postgres_database, make_test_app, restored_extension_state

BEFORE = "b7e2c4d91a3f"
REVISION = "c4f1a9e2d7b3"
NOW = "2026-12-01 10:00:00+00:00"

pytestmark = pytest.mark.no_db

#: user id → (tenant?, balance, floor before, staff changed it?)
PEOPLE = {
    1: (False, 0, -600, False),  # a plain registration
    2: (False, -200, -600, False),  # already owes 200 minutes
    3: (True, -450, -600, False),  # a tenant
    4: (False, 0, -1200, True),  # staff lowered it
    5: (False, 100, -600, False),  # earned some hours
    6: (True, 0, -60, True),  # a tenant staff kept close to zero
}


@pytest.fixture
def scratch_database_url(tmp_path):
    if os.environ.get("QC_TEST_DATABASE_URL"):
        yield from _postgres_database()
    else:
        yield "sqlite:///" + str(tmp_path / "floors.sqlite3")


def _insert_accounts() -> int:
    """The rows as they were before the migration; the organisation's account id."""
    run = db.session.execute
    run(
        text(
            "INSERT INTO complexes (id, code, name, address, created_at, updated_at)"
            " VALUES (1, 'prova', 'Complesso', 'Via Prova 1', :now, :now)"
        ),
        {"now": NOW},
    )
    run(
        text(
            "INSERT INTO organisations (id, slug, name, description, is_placeholder,"
            " created_at, updated_at) VALUES (1, 'ente', 'Ente', '', :no, :now, :now)"
        ),
        {"now": NOW, "no": False},
    )
    for user_id, (tenant, balance, floor, by_staff) in PEOPLE.items():
        run(
            text(
                "INSERT INTO users (id, email, display_name, password_hash, locale, is_active,"
                " created_at, updated_at) VALUES (:id, :email, 'Persona', 'x', 'it', :yes,"
                " :now, :now)"
            ),
            {"id": user_id, "email": f"p{user_id}@example.org", "now": NOW, "yes": True},
        )
        if tenant:
            run(
                text(
                    "INSERT INTO role_grants (user_id, role, scope_type, scope_id, created_at)"
                    " VALUES (:id, 'tenant', 'complex', 1, :now)"
                ),
                {"id": user_id, "now": NOW},
            )
        run(
            text(
                "INSERT INTO timebank_accounts (id, user_id, balance_minutes, floor_minutes,"
                " created_at, updated_at) VALUES (:id, :id, :balance, :floor, :now, :now)"
            ),
            {"id": user_id, "balance": balance, "floor": floor, "now": NOW},
        )
        if by_staff:
            run(
                text(
                    "INSERT INTO audit_log (created_at, action, object_type, object_id, details)"
                    " VALUES (:now, 'timebank.floor_changed', 'timebank_account', :id, '{}')"
                ),
                {"id": user_id, "now": NOW},
            )
    run(
        text(
            "INSERT INTO timebank_accounts (id, organisation_id, balance_minutes, floor_minutes,"
            " created_at, updated_at) VALUES (100, 1, -300, -600, :now, :now)"
        ),
        {"now": NOW},
    )
    db.session.commit()
    return 100


def _floors() -> dict[int, int]:
    return dict(db.session.execute(text("SELECT id, floor_minutes FROM timebank_accounts")).all())


def test_the_migration_leaves_credit_only_to_tenants_and_to_what_staff_chose(
    scratch_database_url, frontend_dist, tmp_path
):
    with restored_extension_state():
        app = make_test_app(scratch_database_url, frontend_dist, tmp_path)
        with app.app_context():
            try:
                upgrade(revision=BEFORE)
                organisation = _insert_accounts()

                upgrade(revision=REVISION)
                assert _floors() == {1: 0, 2: -200, 3: -600, 4: -1200, 5: 0, 6: -60, 100: -600}
                staff_set = db.session.execute(
                    text("SELECT id FROM timebank_accounts WHERE floor_set_by_staff ORDER BY id")
                ).scalars()
                assert list(staff_set) == [4, 6]
                assert organisation in _floors()
                db.session.commit()

                # Back: one floor for everyone again, staff's choices kept.
                downgrade(revision=BEFORE)
                assert _floors() == {
                    1: -600,
                    2: -600,
                    3: -600,
                    4: -1200,
                    5: -600,
                    6: -60,
                    100: -600,
                }
            finally:
                db.session.remove()
                db.engine.dispose()
