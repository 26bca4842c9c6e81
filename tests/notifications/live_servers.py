"""Production servers for the multi-process tests: gunicorn processes on one database.

What ``make run`` starts (``GUNICORN_FLAGS`` of the Makefile), several times, each process
with its own log file; the database is migrated and seeded by the real CLI. Starting,
waiting and stopping are bench/serverctl.py's, as for the benchmarks: SIGTERM (gunicorn's
graceful stop), then SIGKILL to the process group, which is the server's own
(``start_new_session``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bench import serverctl
from bench.serverctl import Server, ServerError, stop_servers, wait_until_healthy

__all__ = [
    "Server",
    "ServerError",
    "app_env",
    "flask_cli",
    "prepare_database",
    "print_logs",
    "start_server",
    "stop_servers",
    "wait_until_healthy",
]

# The venv running the tests (``.venv/bin/pytest``) holds gunicorn and flask too.
BIN = Path(sys.executable).parent
CLI_TIMEOUT = 60.0
THREADS = 8
# Lines of a server log that mean something went wrong, whatever the test saw.
LOG_PROBLEM = re.compile(
    r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Cannot (?:receive from|publish to) redis"
)


def app_env(**settings: str) -> dict[str, str]:
    """This process's environment without any ``QC_``/``FLASK_`` setting, plus ``settings``.

    Every process of one test (CLI commands and servers) gets the same one, so they
    share the database, the Redis channel and the secret key.
    """
    return serverctl.server_env(
        unset_prefixes=("QC_", "FLASK_", "GUNICORN_"), PYTHONUNBUFFERED="1", **settings
    )


def flask_cli(env: dict[str, str], *args: str) -> str:
    """``flask --app qc_platform ARGS`` in a subprocess; its output, or ServerError."""
    return serverctl.flask_cli(BIN, env, *args, timeout=CLI_TIMEOUT)


def prepare_database(env: dict[str, str]) -> None:
    """``flask db upgrade`` and ``flask qc seed --demo``, as ``make run`` does."""
    serverctl.prepare_database(BIN, env, demo=True, timeout=CLI_TIMEOUT)


def start_server(name: str, env: dict[str, str], log_dir: Path, threads: int = THREADS) -> Server:
    """Start ``gunicorn GUNICORN_FLAGS -b 127.0.0.1:0 wsgi:app``; the port is read from its log.

    Port 0 lets the kernel choose a free port at bind time, so parallel runs cannot race
    for one; gunicorn logs the port it got (``wait_until_healthy`` reads it).
    """
    log_path = log_dir / f"gunicorn-{name}.log"
    return serverctl.start_gunicorn(
        BIN, env, log_path, threads=threads, log_problem=LOG_PROBLEM, name=name
    )


def print_logs(servers: list[Server]) -> None:
    """Into the test's captured output, which pytest shows when the test fails."""
    for server in servers:
        print(f"----- gunicorn {server.name} ({server.url}) log: {server.log_path} -----")
        print(server.log() or "(empty)")
