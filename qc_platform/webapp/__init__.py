"""Serves the built web app (``frontend/dist``), the API docs page and the health checks.

The web app is a static bundle that talks to the public API like any other client.
The pages of ``pages.json`` get ``index.html`` (a page with a ``head`` gets it with that
page's server-rendered ``<head>`` additions); files of the build are served as they are,
gzip-compressed when the client accepts it; anything else is a 404: the app's own "page not
found" (in HTML) for a browser navigating to a path outside the API, JSON for everyone else.
"""

from __future__ import annotations

import gzip
import json
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request
from markupsafe import escape
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

bp = Blueprint("webapp", __name__)

# The web app's pages: one table for the server (which answers them with index.html, or
# with a head of its own) and the client's router (vite.config.ts builds it from the same
# file). See frontend/README.md, "Adding a page".
PAGES: tuple[dict, ...] = tuple(
    json.loads((Path(__file__).with_name("pages.json")).read_text(encoding="utf-8"))["pages"]
)
_COMPRESSIBLE = {".html", ".js", ".css", ".svg", ".json", ".webmanifest", ".txt", ".map", ".ttf"}
_IMMUTABLE_DIR = "assets"

DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quartieri Connessi API</title>
<link rel="stylesheet" href="/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/swagger-ui/init.js"></script></body></html>
"""


def _dist() -> Path:
    return Path(current_app.config["QC_FRONTEND_DIST"])


@lru_cache(maxsize=256)
def _read(path: str, mtime: float, compress: bool) -> bytes:
    data = Path(path).read_bytes()
    return gzip.compress(data, compresslevel=9, mtime=0) if compress else data


def _file(relative: str) -> Path:
    full = safe_join(str(_dist()), relative)
    if full is None or not Path(full).is_file():
        raise NotFound()
    return Path(full)


def _accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _response(body: bytes, mimetype: str, *, gzipped: bool, immutable: bool = False) -> Response:
    response = Response(body, mimetype=mimetype)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = (
        "public, max-age=31536000, immutable" if immutable else "no-cache"
    )
    return response


def _send(relative: str) -> Response:
    path = _file(relative)
    compress = path.suffix in _COMPRESSIBLE and _accepts_gzip()
    body = _read(str(path), path.stat().st_mtime, compress)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".webmanifest":
        mimetype = "application/manifest+json"
    return _response(
        body, mimetype, gzipped=compress, immutable=relative.startswith(_IMMUTABLE_DIR + "/")
    )


def index(**_route_args):
    return _send("index.html")


def activity_page(activity_id: int):
    """``/attivita/<id>``: the app, with the activity's schema.org ``Event`` already in
    ``<head>`` (and its title), for search engines and link previews that run no scripts;
    the page puts the same JSON-LD there when the app shows it. An unknown activity: the
    app (which says so) with a 404."""
    from qc_platform.activities import presenters, service
    from qc_platform.core.errors import NotFound as DomainNotFound

    try:
        data = presenters.present_activity(service.get_activity(activity_id))
    except DomainNotFound:
        response = _send("index.html")
        response.status_code = 404
        return response
    path = _file("index.html")
    shell = _read(str(path), path.stat().st_mtime, False).decode("utf-8")
    # `<` escaped: nothing in the data can close the script element.
    ld = json.dumps(data["json_ld"], ensure_ascii=False).replace("<", "\\u003c")
    head = f'<script type="application/ld+json" id="qc-activity-jsonld">{ld}</script>'
    shell = shell.replace("</head>", head + "</head>", 1)
    shell = re.sub(
        r"<title>(.*?)</title>",
        lambda m: f"<title>{escape(data['title'])} · {m.group(1)}</title>",
        shell,
        count=1,
    )
    body = shell.encode("utf-8")
    compress = _accepts_gzip()
    return _response(gzip.compress(body) if compress else body, "text/html", gzipped=compress)


# A page's "head" in pages.json → the view that renders it.
HEADS = {"activity": activity_page}

for _page in PAGES:
    _view = HEADS[_page["head"]] if "head" in _page else index
    bp.add_url_rule(_page["path"], view_func=_view, methods=["GET"])


# Build output: the hashed assets and a few folders, plus root files such as sw.js.
_DIRECTORIES = "'assets', 'swagger-ui', 'icons', 'fonts', 'images'"


@bp.get(f"/<any({_DIRECTORIES}):directory>/<path:filename>")
def asset(directory: str, filename: str):
    return _send(f"{directory}/{filename}")


@bp.get("/<regex('[A-Za-z0-9_.-]+[.][A-Za-z0-9]+'):filename>")
def root_file(filename: str):
    return _send(filename)


# --- 404 ---------------------------------------------------------------------------------
# Paths that are never pages: their 404 is always the API's JSON error.
_NEVER_PAGES = ("/api/", "/socket.io", "/open311/")


def _browser_navigation() -> bool:
    """A browser opening a page (it asks for HTML before anything else), not a script or an
    API client: fetch() sends */*, which prefers JSON here, and so does no Accept at all."""
    if request.method not in ("GET", "HEAD") or request.path.startswith(_NEVER_PAGES):
        return False
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


@bp.app_errorhandler(NotFound)
def not_found(error: NotFound):
    """An unknown web path, opened in a browser: the app, whose router shows "page not
    found", with the status 404 (for search engines and link checkers too). Anything else,
    and every API path, keeps the JSON error."""
    from qc_platform.core.errors import handle_http_exception

    if not _browser_navigation():
        return handle_http_exception(error)
    try:
        response = _send("index.html")
    except NotFound:  # no web build: the JSON error, then
        return handle_http_exception(error)
    response.status_code = 404
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """A bare JSON route: liveness (the process answers), and the benchmarks' baseline.
    It touches nothing else: a database outage must not get the process restarted."""
    return jsonify(status="ok")


# How soon a probe (or a load balancer) should ask again after a 503 from /readyz.
READY_RETRY_AFTER_SECONDS = 10
# A probe must answer quickly: an unreachable Redis may not hold it longer than this.
_REDIS_PROBE_TIMEOUT_SECONDS = 2


def _database_ready() -> bool:
    from sqlalchemy import text

    from qc_platform.extensions import db

    try:
        # A connection of its own from the pool, not the request's session.
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.warning("Readiness: the database is unreachable", exc_info=True)
        return False
    return True


def _redis_ready(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=_REDIS_PROBE_TIMEOUT_SECONDS,
        socket_timeout=_REDIS_PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except Exception:
        current_app.logger.warning("Readiness: Redis is unreachable", exc_info=True)
        return False
    finally:
        client.close()
    return True


@bp.get("/readyz")
def readyz():
    """Readiness: whether this process can serve requests now. It checks the database
    (``SELECT 1``) and, when ``QC_REDIS_URL`` is set, Redis: 200 when every check passes,
    else 503 with Retry-After. What failed is named; why is only in the server's log."""
    checks = {"database": _database_ready()}
    redis_url = current_app.config.get("QC_REDIS_URL")
    if redis_url:
        checks["redis"] = _redis_ready(redis_url)
    ready = all(checks.values())
    response = jsonify(
        status="ok" if ready else "unavailable",
        checks={name: "ok" if passed else "unavailable" for name, passed in checks.items()},
    )
    response.headers["Cache-Control"] = "no-store"
    if not ready:
        response.status_code = 503
        response.headers["Retry-After"] = str(READY_RETRY_AFTER_SECONDS)
    return response


@bp.get("/api/docs")
def api_docs():
    return Response(DOCS_PAGE, mimetype="text/html")
