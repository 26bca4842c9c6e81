"""Fixtures of the notifications tests: Socket.IO test clients and separately built apps.

``extensions.socketio`` is one object per process, like the limiter: every ``create_app``
gives it a new Socket.IO server (``socketio.server``) and the options it was built with.
``socketio.emit`` and ``socketio.test_client`` always use the newest server. A test that
builds another app hands the previous state back afterwards, so the tests after it use
the server they expect.
"""

from __future__ import annotations

import pytest

from qc_platform.extensions import db, limiter, socketio
from tests.conftest import make_test_app


@pytest.fixture
def socketio_state():
    """Restore the Socket.IO (and limiter) state that building another app rewrites."""
    saved_socketio = dict(socketio.__dict__)
    saved_options = dict(socketio.server_options)  # init_app updates this dict in place
    saved_limiter = dict(limiter.__dict__)
    try:
        yield socketio
    finally:
        socketio.__dict__.clear()
        socketio.__dict__.update(saved_socketio)
        socketio.server_options = saved_options
        limiter.__dict__.clear()
        limiter.__dict__.update(saved_limiter)


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
