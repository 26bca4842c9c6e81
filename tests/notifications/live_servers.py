"""Production servers for the multi-process tests: gunicorn processes on one database.

What ``make run`` starts (``GUNICORN_FLAGS`` of the Makefile), several times, each process
with its own log file; the database is migrated and seeded by the real CLI. Stopping
follows bench/bench_spaces.py: SIGTERM (gunicorn's graceful stop), then SIGKILL to the
process group, which is the server's own (``start_new_session``).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
# The venv running the tests (``.venv/bin/pytest``) holds gunicorn and flask too.
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 30.0
STOP_GRACE = 5.0
CLI_TIMEOUT = 60.0
THREADS = 8
LISTENING = re.compile(rb"Listening at: http://127\.0\.0\.1:(\d+) ")
# Lines of a server log that mean something went wrong, whatever the test saw.
LOG_PROBLEM = re.compile(
    r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Cannot (?:receive from|publish to) redis"
)


class ServerError(RuntimeError):
    """A server or a CLI command did not do what the test needs."""


def app_env(**settings: str) -> dict[str, str]:
    """This process's environment without any ``QC_``/``FLASK_`` setting, plus ``settings``.

    Every process of one test (CLI commands and servers) gets the same one, so they
    share the database, the Redis channel and the secret key.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QC_", "FLASK_", "GUNICORN_"))
    }
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
    env.update(settings)
    return env


def flask_cli(env: dict[str, str], *args: str) -> str:
    """``flask --app qc_platform ARGS`` in a subprocess; its output, or ServerError."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "qc_platform", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise ServerError(
            f"flask {' '.join(args)} exited with {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done.stdout


@dataclass
class Server:
    """One gunicorn process (master and its single worker)."""

    name: str
    proc: subprocess.Popen
    log_path: Path
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def problems(self) -> list[str]:
        return [line for line in self.log().splitlines() if LOG_PROBLEM.search(line)]

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to its process group after a grace period; always reaped."""
        if self.proc.poll() is not None:
            return
        self.proc.terminate()  # again, if stop_servers did already: harmless
        try:
            self.proc.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            # Not reaped yet, so the group id is still the master's: master and worker.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=STOP_GRACE)


def start_server(name: str, env: dict[str, str], log_dir: Path) -> Server:
    """Start ``gunicorn GUNICORN_FLAGS -b 127.0.0.1:0 wsgi:app``; the port is read from its log.

    Port 0 lets the kernel choose a free port at bind time, so parallel runs cannot race
    for one; gunicorn logs the port it got.
    """
    log_path = log_dir / f"gunicorn-{name}.log"
    command = [str(BIN / "gunicorn"), "-k", "gthread", "-w", "1", "--threads", str(THREADS)]
    command += ["--no-control-socket", "-b", f"{HOST}:0", "wsgi:app"]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name=name, proc=proc, log_path=log_path)


def stop_servers(servers: list[Server]) -> None:
    """Stop them all at once: each graceful stop takes a while, they can overlap."""
    for server in servers:
        if server.proc.poll() is None:
            server.proc.terminate()
    for server in servers:
        server.stop()


def wait_until_healthy(server: Server, timeout: float = STARTUP_TIMEOUT) -> None:
    """Wait (bounded) for the port in the log, then for ``GET /healthz`` to answer 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise ServerError(
                f"gunicorn {server.name} exited with {server.proc.returncode} while starting:\n"
                + server.log()
            )
        if not server.port:
            match = LISTENING.search(server.log_path.read_bytes())
            if match:
                server.port = int(match.group(1))
        if server.port:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                    return
        time.sleep(0.1)
    raise ServerError(
        f"gunicorn {server.name}: /healthz did not answer within {timeout:.0f} s:\n" + server.log()
    )


def print_logs(servers: list[Server]) -> None:
    """Into the test's captured output, which pytest shows when the test fails."""
    for server in servers:
        print(f"----- gunicorn {server.name} ({server.url}) log: {server.log_path} -----")
        print(server.log() or "(empty)")
