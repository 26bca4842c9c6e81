"""The production server in a subprocess: what the benchmarks and the multi-process tests share.

Standard library only, so that any Python runs the benchmarks' orchestration; the venv's
``flask`` and ``gunicorn`` do the rest. It sets up the environment of the app's processes,
runs the flask CLI (``db upgrade``, ``qc seed``), starts gunicorn with ``make run``'s flags
(``GUNICORN_FLAGS`` of the Makefile) in its own session and with its own log file, waits for
``GET /healthz``, and stops it: SIGTERM (gunicorn's graceful stop), then SIGKILL to the
process group.

The benchmarks import it as ``serverctl`` (``python bench/bench_*.py`` puts ``bench/`` first
on ``sys.path``), the tests as ``bench.serverctl`` (pytest puts the repo root there).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
RESULTS_DIR = REPO_ROOT / "bench" / "results"
STARTUP_TIMEOUT = 30.0
STOP_GRACE = 5.0
# What gunicorn logs once bound; with port 0 it is how we learn the port.
LISTENING = re.compile(rb"Listening at: http://127\.0\.0\.1:(\d+) ")


class ServerError(RuntimeError):
    """A server or a CLI command did not do what the caller needs."""


# --- environment and CLI ---------------------------------------------------------------------


def secret_key(length: int = 48) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def server_env(
    *, unset: tuple[str, ...] = (), unset_prefixes: tuple[str, ...] = (), **settings: str
) -> dict[str, str]:
    """This process's environment without ``unset`` and ``unset_prefixes``, plus ``settings``.

    Give every process of one run (CLI commands and servers) the same one, so that they
    share the database, the Redis channel and the secret key.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in unset and not key.startswith(unset_prefixes)
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(settings)
    return env


def run_command(command: list[str], env: dict[str, str], *, timeout: float, what: str) -> str:
    """Run ``command`` in the repo root; its output, or ServerError naming ``what``."""
    done = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise ServerError(f"{what} exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def flask_cli(bin_dir: Path, env: dict[str, str], *args: str, timeout: float) -> str:
    """``flask --app qc_platform ARGS`` with the flask of ``bin_dir``; its output."""
    command = [str(bin_dir / "flask"), "--app", "qc_platform", *args]
    return run_command(command, env, timeout=timeout, what=f"flask {' '.join(args)}")


def prepare_database(bin_dir: Path, env: dict[str, str], *, demo: bool, timeout: float) -> None:
    """``flask db upgrade``, then ``flask qc seed`` (``--demo``: with the demo accounts)."""
    flask_cli(bin_dir, env, "db", "upgrade", timeout=timeout)
    flask_cli(bin_dir, env, "qc", "seed", *(["--demo"] if demo else []), timeout=timeout)


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http_get(
    port: int, path: str, timeout: float, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Server:
    """One gunicorn process (master and its single worker), in a session of its own."""

    name: str  # "" for the only one
    proc: subprocess.Popen
    command: list[str]
    log_path: Path
    log_problem: re.Pattern[str]  # a line of the log that means something went wrong
    port: int = 0  # 0 until the log says which one the kernel chose

    @property
    def label(self) -> str:
        return f"gunicorn {self.name}" if self.name else "gunicorn"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def problems(self) -> list[str]:
        return [line for line in self.log().splitlines() if self.log_problem.search(line)]


def start_gunicorn(
    bin_dir: Path,
    env: dict[str, str],
    log_path: Path,
    *,
    threads: int,
    log_problem: re.Pattern[str],
    name: str = "",
    port: int = 0,
    extra_flags: tuple[str, ...] = (),
) -> Server:
    """``gunicorn GUNICORN_FLAGS [EXTRA_FLAGS] -b 127.0.0.1:PORT wsgi:app``, logging to a file.

    ``GUNICORN_FLAGS`` are ``make run``'s, with ``threads``; gunicorn 27's control socket is
    shared by every gunicorn of the user, so it is switched off there too. Port 0 lets the
    kernel choose a free port at bind time (no race between parallel runs);
    ``wait_until_healthy`` reads it from the log. The server has a session of its own, so
    Ctrl-C in a terminal does not reach it: the caller stops it (``stop_servers``).
    """
    command = [str(bin_dir / "gunicorn"), "-k", "gthread", "-w", "1"]
    command += ["--threads", str(threads), "--no-control-socket"]
    command += ["-b", f"{HOST}:{port}", *extra_flags, "wsgi:app"]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, proc, command, log_path, log_problem, port)


def wait_until_healthy(server: Server, timeout: float = STARTUP_TIMEOUT) -> None:
    """Wait (bounded) for the port in the log if need be, then for ``/healthz`` to answer 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise ServerError(
                f"{server.label} exited with {server.proc.returncode} while starting:\n"
                + server.log()
            )
        if not server.port:
            match = LISTENING.search(server.log_path.read_bytes())
            if match:
                server.port = int(match.group(1))
        if server.port:
            with contextlib.suppress(OSError, http.client.HTTPException):
                if http_get(server.port, "/healthz", timeout=2)[0] == 200:
                    return
        time.sleep(0.1)
    raise ServerError(
        f"{server.label}: /healthz did not answer within {timeout:.0f} s:\n" + server.log()
    )


def stop_servers(servers: list[Server]) -> None:
    """SIGTERM to all that run, then SIGKILL to the process group of any still running 5 s later.

    All at once: each graceful stop takes a while, they can overlap. Always reaped; harmless
    on servers already stopped.
    """
    running = [s for s in servers if s.proc.poll() is None]
    for server in running:
        server.proc.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for server in running:
        try:
            server.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            # Not reaped yet, so the group id is still the master's: master and worker.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=STOP_GRACE)


# --- a benchmark's results -----------------------------------------------------------------------


def print_problems(label: str, lines: list[str]) -> None:
    """The first 20 problem lines of a server's log, if any."""
    if lines:
        print(f"{label} log: {len(lines)} problem line(s):")
        for line in lines[:20]:
            print("  " + line)


def machine(load_before: tuple[float, ...]) -> dict:
    """The machine, and its 1-minute load average before the run and now.

    Other work on the machine shows in the load: the ratios the benchmarks report tolerate
    it, their absolute figures do not.
    """
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_1m": {"before": load_before[0], "after": os.getloadavg()[0]},
    }


def save_results(results_dir: Path, benchmark: str, started_at: datetime, result: dict) -> int:
    """Write ``result`` to ``results_dir/BENCHMARK-<UTC time>.json`` and print the failures.

    The exit status: 1 when ``result["failures"]`` lists any, else 0.
    """
    results_dir.mkdir(parents=True, exist_ok=True)
    out = results_dir / f"{benchmark}-{started_at:%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"results: {out}")
    for failure in result["failures"]:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if result["failures"] else 0


def _raise_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # so that the callers' ``finally`` blocks stop gunicorn


def run_cleanly(run, args, *, interrupted: str) -> int:
    """Run a benchmark so that Ctrl-C and SIGTERM still stop its servers; exit code back.

    SIGINT is reinstated too: a shell that starts background jobs ignores it.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        return run(args)
    except ServerError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(interrupted, file=sys.stderr)
        return 130
