"""Caps on live (Socket.IO) connections while each one holds a server thread.

Under gunicorn's gthread worker (``async_mode="threading"``) an open websocket holds one of
the process's threads for as long as it stays open, and a pending long-poll holds one too:
a few dozen idle sockets, which a kiosk screen may open without an account, would leave no
thread for HTTP. Until live connections hold no thread, two caps per process:

- every request under ``/socket.io/`` counts while it runs (an open websocket is one long
  request), whoever sends it and whatever it holds (even an Engine.IO session that never
  connects to Socket.IO): past ``max_connections`` it is answered 503 at once, without
  reaching Engine.IO, so ``--threads`` minus that many threads always stay for HTTP;
- anonymous Socket.IO connections (kiosk screens): at most ``anonymous_per_address`` from
  one client address (the address the rate limits see) and ``anonymous_per_process`` in
  all; past either, the connect handler refuses with :data:`TOO_MANY`.
"""

from __future__ import annotations

import json
import threading
from collections import Counter

TOO_MANY = "too many live connections"
RETRY_AFTER_SECONDS = 30


class LiveConnections:
    """Thread-safe counts of one process's live requests and anonymous connections."""

    def __init__(
        self, *, max_connections: int, anonymous_per_process: int, anonymous_per_address: int
    ):
        self.max_connections = max_connections
        self.anonymous_per_process = anonymous_per_process
        self.anonymous_per_address = anonymous_per_address
        self._lock = threading.Lock()
        self._requests = 0
        self._anonymous: dict[str, str] = {}  # Socket.IO sid -> client address
        self._per_address: Counter[str] = Counter()

    @property
    def requests(self) -> int:
        return self._requests

    @property
    def anonymous(self) -> int:
        return len(self._anonymous)

    def anonymous_from(self, address: str) -> int:
        return self._per_address[address]

    # --- the threads: every request under /socket.io/ ---------------------------------

    def start_request(self) -> bool:
        """Take a live request slot; False (nothing taken) when all are in use."""
        with self._lock:
            if self._requests >= self.max_connections:
                return False
            self._requests += 1
            return True

    def end_request(self) -> None:
        with self._lock:
            self._requests -= 1

    def wsgi_middleware(self, wsgi_app, path: str = "/socket.io/"):
        """``wsgi_app`` with the requests under ``path`` counted and capped."""

        def middleware(environ, start_response):
            if not environ.get("PATH_INFO", "").startswith(path):
                return wsgi_app(environ, start_response)
            if not self.start_request():
                return _refuse(start_response)
            try:
                return _EndsRequest(wsgi_app(environ, start_response), self.end_request)
            except BaseException:
                self.end_request()
                raise

        return middleware

    # --- anonymous Socket.IO connections ---------------------------------------------

    def admit_anonymous(self, sid: str, address: str) -> bool:
        """Count ``sid`` as an anonymous connection from ``address``; False if over a cap."""
        with self._lock:
            if sid in self._anonymous:
                return True
            if (
                len(self._anonymous) >= self.anonymous_per_process
                or self._per_address[address] >= self.anonymous_per_address
            ):
                return False
            self._anonymous[sid] = address
            self._per_address[address] += 1
            return True

    def release(self, sid: str) -> None:
        """Free ``sid``'s slot; harmless for a sid that holds none (or no longer)."""
        with self._lock:
            address = self._anonymous.pop(sid, None)
            if address is None:
                return
            self._per_address[address] -= 1
            if not self._per_address[address]:
                del self._per_address[address]


class _EndsRequest:
    """The response iterable; closing it (which every WSGI server does) ends the request once."""

    def __init__(self, iterable, end):
        self._iterable = iterable
        self._end = end

    def __iter__(self):
        return iter(self._iterable)

    def close(self) -> None:
        end, self._end = self._end, None
        if end is None:
            return
        try:
            close = getattr(self._iterable, "close", None)
            if close is not None:
                close()
        finally:
            end()


def _refuse(start_response):
    body = json.dumps({"code": 503, "status": "Service Unavailable", "message": TOO_MANY}).encode()
    start_response(
        "503 Service Unavailable",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Retry-After", str(RETRY_AFTER_SECONDS)),
        ],
    )
    return [body]
