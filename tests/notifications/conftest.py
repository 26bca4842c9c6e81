"""Fixtures of the notifications tests: Socket.IO test clients and separately built apps.

``extensions.socketio`` is one object per process, like the limiter: every ``create_app``
gives it a new Socket.IO server (``socketio.server``) and the options it was built with.
``socketio.emit`` and ``socketio.test_client`` always use the newest server. A test that
builds another app hands the previous state back afterwards, so the tests after it use
the server they expect.
"""

from __future__ import annotations

import pytest

from qc_platform.extensions import db, socketio
from tests.conftest import make_test_app, restored_extension_state


@pytest.fixture
def socketio_state():
    """Restore the Socket.IO (and limiter) state that building another app rewrites."""
    with restored_extension_state():
        yield socketio


@pytest.fixture
def make_app(database_url, frontend_dist, tmp_path, socketio_state):
    """Build another app on the test database (inside the test's savepoint) with settings."""
    built = []

    def factory(**overrides):
        app = make_test_app(database_url, frontend_dist, tmp_path / f"app{len(built)}", **overrides)
        built.append(app)
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def connect(app, socketio_state):
    """Factory of flask-socketio test clients; all are disconnected at the end of the test.

    ``connect(flask_client)`` authenticates with that client's session cookie,
    ``connect(auth={"token": ...})`` with a bearer token; ``target`` is another app.
    """
    clients = []

    def factory(flask_client=None, *, auth=None, headers=None, target=None):
        socket_client = socketio.test_client(
            target or app, flask_test_client=flask_client, auth=auth, headers=headers
        )
        clients.append(socket_client)
        return socket_client

    yield factory
    for socket_client in clients:
        if socket_client.is_connected():
            socket_client.disconnect()
