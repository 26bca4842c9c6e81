"""Fixtures of the core tests: separately configured apps, and the limiter they share.

Flask-Limiter's ``Limiter`` is one object per process (``extensions.limiter``), and
``init_app`` rewrites its state (enabled, storage, key prefix) for the app it is given.
A test that builds an app with rate limits on must hand that state back, or every later
test of the session's app would run rate limited.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading

import pytest

from qc_platform.extensions import limiter
from tests.conftest import make_test_app, restored_extension_state


@pytest.fixture
def isolated_limiter():
    with restored_extension_state():
        yield limiter


@pytest.fixture
def make_app(database_url, frontend_dist, tmp_path):
    """Build another app on the test database with extra settings."""
    built = 0

    def factory(**overrides):
        nonlocal built
        built += 1
        return make_test_app(database_url, frontend_dist, tmp_path / f"app{built}", **overrides)

    return factory


@pytest.fixture
def rate_limited_app(make_app, isolated_limiter):
    """``make_app`` with rate limits on, in per-process memory, limiter state restored after."""

    def factory(**overrides):
        settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}
        return make_app(**{**settings, **overrides})

    return factory


REDIS_SERVER = "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis():
    """A redis-server of this test's own, which the test may stop (never the shared one)."""
    if not os.path.exists(REDIS_SERVER):
        if os.environ.get("QC_REQUIRE_REDIS") == "1":
            pytest.fail(f"QC_REQUIRE_REDIS=1 but {REDIS_SERVER} is missing")
        pytest.skip(f"{REDIS_SERVER} is missing")
    import redis

    port = free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port)]
        + ["--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):  # up within a few seconds, or a failure
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert server.poll() is None, "redis-server did not start"
                threading.Event().wait(0.05)
        else:
            pytest.fail("redis-server did not answer")
        yield url, client, server
    finally:
        client.close()
        if server.poll() is None:
            server.kill()
        server.wait()
