"""Fixtures of the core tests: separately configured apps, and the limiter they share.

Flask-Limiter's ``Limiter`` is one object per process (``extensions.limiter``), and
``init_app`` rewrites its state (enabled, storage, key prefix) for the app it is given.
A test that builds an app with rate limits on must hand that state back, or every later
test of the session's app would run rate limited.
"""

from __future__ import annotations

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
