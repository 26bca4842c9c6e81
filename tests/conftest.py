"""Test harness: one migrated database per run, each test inside a rolled-back savepoint.

The backend is SQLite by default; with ``QC_TEST_DATABASE_URL`` set (a PostgreSQL
server), the same suite runs on a fresh PostgreSQL database created for the run and
dropped after it. ``QC_REQUIRE_POSTGRES=1`` turns an unreachable server into a failure.
"""

from __future__ import annotations

import os
import secrets
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from qc_platform import create_app
from qc_platform.config import normalise_database_url
from qc_platform.extensions import db, limiter, socketio

TEST_PASSWORD = "correct-horse-battery"


def _postgres_database():
    """Create a throw-away database on the test server; yields its URL."""
    import psycopg

    server_url = make_url(normalise_database_url(os.environ["QC_TEST_DATABASE_URL"]))
    name = f"qc_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin_dsn = server_url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        if os.environ.get("QC_REQUIRE_POSTGRES") == "1":
            pytest.exit(f"PostgreSQL required but unreachable: {error}", returncode=3)
        pytest.skip(f"PostgreSQL unreachable: {error}")
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if os.environ.get("QC_TEST_DATABASE_URL"):
        yield from _postgres_database()
    else:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def frontend_dist(tmp_path_factory) -> Path:
    """A stand-in web build, so API tests do not depend on the Node build."""
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text(
        '<!doctype html><html lang="it"><head><title>Quartieri Connessi</title></head>'
        "<body><main>app</main></body></html>"
    )
    (dist / "assets").mkdir()
    (dist / "assets" / "app.js").write_text("console.log('app');\n" * 50)
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {});\n")
    return dist


def make_test_app(database_url: str, frontend_dist: Path, tmp_path: Path, **overrides):
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "RATELIMIT_ENABLED": False,
        # Cached answers would outlive the test that made them: on where a test tests it.
        "QC_FEEDBACK_STATS_CACHE_SECONDS": 0,
        "QC_FRONTEND_DIST": str(frontend_dist),
        # Cheap hashing in tests; production parameters are tested in test_passwords.
        "QC_ARGON2_TIME_COST": 1,
        "QC_ARGON2_MEMORY_COST": 8,
    }
    config.update(overrides)
    return create_app(config)


@contextmanager
def restored_extension_state():
    """Hand back the process-wide extension state that building another app rewrites.

    ``socketio`` and ``limiter`` are one object per process, and ``init_app`` rewrites them
    (message queue, server options; enabled, storage, key prefix) for the app it is given.
    A test that builds an app of its own must restore them, or every later test of the
    session's app would run with that app's settings.
    """
    saved_socketio = dict(socketio.__dict__)
    saved_options = dict(socketio.server_options)  # init_app updates this dict in place
    saved_limiter = dict(limiter.__dict__)
    try:
        yield
    finally:
        storage = limiter.__dict__.get("_storage")
        if storage is not None and storage is not saved_limiter.get("_storage"):
            close = getattr(getattr(storage, "storage", None), "close", None)
            if callable(close):  # a Redis client: close its connections now
                close()
        socketio.__dict__.clear()
        socketio.__dict__.update(saved_socketio)
        socketio.server_options = saved_options
        limiter.__dict__.clear()
        limiter.__dict__.update(saved_limiter)


@pytest.fixture
def extension_state():
    with restored_extension_state():
        yield


@pytest.fixture(scope="session")
def app(database_url, frontend_dist, tmp_path_factory):
    app = make_test_app(database_url, frontend_dist, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade()
        from qc_platform.cli import seed_reference_data

        seed_reference_data()
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


class _ThisThreadOnly:
    """``db.session`` for the test's thread; every other thread keeps the real one.

    Live servers of the browser tests and background threads (the mail sender) run in
    other threads with apps of their own: they must never reach into the test's
    transaction.
    """

    def __init__(self, test_session, real_session):
        self._test_session = test_session
        self._real_session = real_session
        self._thread = threading.get_ident()

    def __call__(self, *args, **kwargs):
        return self._current()(*args, **kwargs)

    def _current(self):
        if threading.get_ident() == self._thread:
            return self._test_session
        return self._real_session

    def __getattr__(self, name):
        return getattr(self._current(), name)


@pytest.fixture(autouse=True)
def db_session(request, app):
    """Run the test in a transaction that is rolled back at the end.

    The application's own commits become savepoint releases (SQLAlchemy's
    ``join_transaction_mode="create_savepoint"``), so the boundary code under test runs
    unchanged and nothing leaks from one test into the next.
    """
    # e2e tests talk to a live server in another thread, with a database of its own.
    if "no_db" in request.keywords or "e2e" in request.keywords:
        yield None
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        session = scoped_session(
            sessionmaker(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            )
        )
        original = db.session
        db.session = _ThisThreadOnly(session, original)
        try:
            yield session
        finally:
            session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def backend(app) -> str:
    """``sqlite`` or ``postgresql``: the database this run is on."""
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
