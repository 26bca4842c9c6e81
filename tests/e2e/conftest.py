"""Fixtures for the browser tests: a live server on a seeded SQLite database and Chromium.

The live server has e-mail switched on (``QC_SMTP_URL``) towards a local SMTP server that
only keeps what it receives (``mail_sink``), so that the notification preferences can be
changed.

Availability: without Chromium (``/usr/bin/chromium`` or ``$QC_CHROMIUM``), Playwright,
the built web app (``frontend/dist``) or axe-core (``frontend/node_modules``) the tests
are skipped, unless ``QC_REQUIRE_E2E=1``, which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
DIST_INDEX = FRONTEND / "dist" / "index.html"
AXE_JS = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# A phone: the app is built for them first.
PHONE = {"viewport": {"width": 400, "height": 850}, "device_scale_factor": 1}


def _unavailable(reason: str) -> None:
    if os.environ.get("QC_REQUIRE_E2E") == "1":
        pytest.fail(f"browser tests required (QC_REQUIRE_E2E=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("QC_CHROMIUM") or "/usr/bin/chromium"
    if not Path(path).is_file():
        _unavailable(f"Chromium not found at {path}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    if not DIST_INDEX.is_file():
        _unavailable("the web app is not built (cd frontend && npm ci && npm run build)")
    if not AXE_JS.is_file():
        _unavailable("axe-core is not installed (cd frontend && npm ci)")
    return path


class MailSink:
    """Keeps the envelopes an SMTP server receives (aiosmtpd handler)."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def mail_sink(chromium_path: str) -> Iterator[tuple[str, MailSink]]:
    """A local SMTP server for the live server (URL, received mail); aiosmtpd is a test dep."""
    from aiosmtpd.controller import Controller

    sink = MailSink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", sink
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def live_server(chromium_path: str, mail_sink) -> Iterator[str]:
    """The real application, seeded with the demo data, on a free port of 127.0.0.1."""
    from werkzeug.serving import make_server

    from qc_platform import create_app

    tmp = tempfile.mkdtemp(prefix="qc-e2e-")
    db_path = os.path.join(tmp, "e2e.db")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + db_path,
            "TESTING": False,
            "RATELIMIT_ENABLED": False,
            "INSTANCE_PATH": tmp,
            "QC_SMTP_URL": mail_sink[0],
        }
    )
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["qc", "seed", "--demo"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, f"flask {' '.join(args)} failed:\n{result.output}"

    server = make_server("127.0.0.1", 0, app, threaded=True)
    # the address the app writes into links it hands out (calendar feeds): this server's
    app.config["QC_PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="qc-e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        from qc_platform.extensions import db

        with app.app_context():
            db.engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(browser, live_server: str):
    """Factory of fresh browser contexts (own cookies, storage and cache) on the live server."""
    contexts = []

    def make(**options):
        settings = {**PHONE, "base_url": live_server, "locale": "it-IT", **options}
        context = browser.new_context(**settings)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    return AXE_JS
