"""Open311 GeoReport v2 endpoints under ``/open311/v2/`` (JSON and XML).

A plain Flask blueprint, not part of the OpenAPI document: GeoReport is a protocol of
its own (formats in the path, form-encoded POST, its own error list). The caller is
known only by ``api_key`` (a personal token; ``Authorization: Bearer`` is accepted too),
never by the session cookie, so a browser's session cannot be borrowed cross-site.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask.views import MethodView
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from qc_platform.accounts import service as accounts
from qc_platform.core.clock import utcnow
from qc_platform.extensions import limiter, login_manager
from qc_platform.feedback import service as feedback
from qc_platform.open311 import (
    errors,
    messages,  # noqa: F401 - registers the texts
    params,
    policies,
    presenters,
    service,
)
from qc_platform.open311.documents import FORMAT_IN_PATH, open311_locale, respond
from qc_platform.open311.errors import Open311Error

blp = Blueprint("open311", __name__, url_prefix="/open311/v2")
errors.register(blp)

MAX_FORM_BYTES = 64 * 1024
MAX_ADDRESS_STRING = 200
FORM_MIMETYPE = "application/x-www-form-urlencoded"


def _contains_nul(*values) -> bool:
    return any("\x00" in value for value in values)


# --- the request boundary of the facade ---------------------------------------------


@blp.before_request
def check_input_and_identify_caller():
    """Refuse what no client sends; then learn who calls, from the api_key alone."""
    if request.endpoint == "open311.unknown_path":
        return
    if request.method == "POST" and _has_body():
        if request.mimetype != FORM_MIMETYPE:
            raise Open311Error(415, "open311.form_required")
        # A chunked body announces no length: refuse it rather than read it blindly.
        if request.content_length is None or request.content_length > MAX_FORM_BYTES:
            raise RequestEntityTooLarge()
    form = request.form if request.method == "POST" else {}
    values = [
        *(value for _, value in request.args.items(multi=True)),
        *(value for _, value in (form.items(multi=True) if form else ())),
        *(str(value) for value in (request.view_args or {}).values()),
    ]
    # PostgreSQL refuses NUL in text: a 400 here, not a 500 there.
    if _contains_nul(*values):
        raise params.invalid("NUL")
    # The request's user is the api_key's owner or nobody: never the session cookie.
    g.open311_user = None
    g._login_user = login_manager.anonymous_user()
    key = params.text(request.form, "api_key") if request.method == "POST" else None
    key = key or params.text(request.args, "api_key") or _bearer_token()
    if key is None:
        return
    user = accounts.user_for_token(key)
    if user is None:
        raise Open311Error(403, "open311.invalid_api_key")
    g.open311_user = user
    # flask-login's slot: the audit hook at the boundary and the rate limiter see them.
    g._login_user = user


def _has_body() -> bool:
    return (
        bool(request.content_length)
        or "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    )


def _bearer_token() -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


@blp.after_request
def open_to_other_sites(response):
    # Credentials travel only as an explicit api_key, never as cookies: any site may read.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.update(("Accept-Language", "Authorization"))
    response.headers.setdefault(
        "Cache-Control", "no-store" if g.get("open311_user") else "no-cache"
    )
    return response


def _caller_key() -> str:
    user = g.get("open311_user")
    return f"user:{user.id}" if user is not None else "anonymous"


def _report_limit() -> str:
    return current_app.config["QC_REPORT_RATE_LIMIT"]


# --- discovery and services ------------------------------------------------------------


class Discovery(MethodView):
    def get(self, fmt):
        """Service discovery: where the GeoReport v2 endpoint is and what it speaks."""
        url = request.host_url + blp.url_prefix.strip("/") + "/"
        document = presenters.present_discovery(url=url, locale=open311_locale())
        return respond(document, fmt=fmt, root_tag="discovery")


class Services(MethodView):
    def get(self, fmt):
        """The feedback categories as Open311 services."""
        locale = open311_locale()
        items = [presenters.present_service(c, locale) for c in feedback.categories()]
        return respond(items, fmt=fmt, root_tag="services", item_tag="service")


class ServiceDefinition(MethodView):
    def get(self, service_code, fmt):
        """A service's definition: no extra attributes for any of ours."""
        category = service.category(service_code)
        if category is None:
            raise Open311Error(404, "open311.unknown_service", code=service_code[:100])
        return respond(
            presenters.present_service_definition(category),
            fmt=fmt,
            root_tag="service_definition",
        )


# --- service requests --------------------------------------------------------------------


class Requests(MethodView):
    def get(self, fmt):
        """Search requests: public ones, plus what the api_key's owner may see."""
        args = request.args
        ids = params.text_list(args, "service_request_id")
        visible = policies.visible_requests(g.open311_user)
        if ids is not None:
            reports = service.find_requests(visible, ids=params.id_list(ids))
        else:
            codes, statuses = (
                params.text_list(args, "service_code"),
                params.text_list(args, "status"),
            )
            start, end = params.text(args, "start_date"), params.text(args, "end_date")
            start, end = params.date_window(
                params.w3c_datetime(start, "start_date") if start else None,
                params.w3c_datetime(end, "end_date") if end else None,
                utcnow(),
            )
            reports = service.find_requests(
                visible,
                service_codes=params.code_list(codes) if codes else None,
                statuses=params.status_list(statuses) if statuses else None,
                start=start,
                end=end,
            )
        items = presenters.present_requests(reports, open311_locale())
        return respond(items, fmt=fmt, root_tag="service_requests", item_tag="request")

    @limiter.limit(
        _report_limit,
        key_func=_caller_key,
        methods=["POST"],
        exempt_when=lambda: g.get("open311_user") is None,
    )
    def post(self, fmt):
        """File a request: a tenant's private report on their complex, routed at once."""
        user = g.open311_user
        if user is None:
            raise Open311Error(403, "open311.api_key_required")
        form = request.form
        code = params.text(form, "service_code")
        if code is None:
            raise Open311Error(400, "open311.service_code_required")
        if service.category(code) is None:
            raise Open311Error(404, "open311.unknown_service", code=code[:100])
        description = (form.get("description") or "").strip()
        if not description:
            raise Open311Error(400, "open311.description_required")
        if len(description) > service.MAX_DESCRIPTION:
            raise Open311Error(400, "open311.description_too_long", limit=service.MAX_DESCRIPTION)
        complex_ = _locate(form)
        address_string = params.text(form, "address_string")
        if address_string and len(address_string) > MAX_ADDRESS_STRING:
            raise params.invalid("address_string")
        anonymous = params.flag(form.get("anonymous"), "anonymous")
        if not policies.can_submit(user, complex_.id):
            raise Open311Error(403, "open311.not_a_tenant")
        report = service.submit_request(
            author=user,
            service_code=code,
            description=description,
            complex_id=complex_.id,
            anonymous=anonymous,
            # Inside the complex (stair, floor): what GeoReport calls the address string.
            location_detail=address_string,
        )
        item = presenters.present_created(report, open311_locale())
        return respond([item], fmt=fmt, root_tag="service_requests", item_tag="request")

    post.qc_accepts_form = True


def _locate(form):
    """The complex: ``address_id`` (its id), else the nearest to ``lat``/``long``."""
    address_id = params.text(form, "address_id")
    if address_id is not None:
        complex_id = params.one_id(address_id, "address_id")
        complex_ = service.get_complex(complex_id)
        if complex_ is None:
            raise Open311Error(400, "open311.unknown_address_id", id=complex_id)
        return complex_
    lat, long = params.text(form, "lat"), params.text(form, "long")
    if lat is None or long is None:
        raise Open311Error(400, "open311.location_required")
    complex_ = service.nearest_complex(
        latitude=params.coordinate(lat, "lat", 90), longitude=params.coordinate(long, "long", 180)
    )
    if complex_ is None:
        raise Open311Error(400, "open311.no_complex_nearby", metres=service.NEARBY_METRES)
    return complex_


class RequestItem(MethodView):
    def get(self, request_id, fmt):
        """One request, as a one-item list (the specification's shape)."""
        report = service.get_report(request_id)
        if report is None or not policies.can_see(g.open311_user, report):
            raise Open311Error(404, "open311.unknown_request", id=request_id)
        items = presenters.present_requests([report], open311_locale())
        return respond(items, fmt=fmt, root_tag="service_requests", item_tag="request")


class Token(MethodView):
    def get(self, token, fmt):
        """Tokens are for servers that create requests later: ours are created at once
        (services are ``realtime``), so no token ever exists and every lookup is a 404."""
        raise Open311Error(404, "open311.unknown_token")


def unknown_path(rest):
    """Anything else under /open311/v2/: Open311's 404, or 405 for a known path."""
    allowed = _methods_for_this_path()
    if allowed:
        raise MethodNotAllowed(valid_methods=sorted(allowed))
    raise NotFound()


def _methods_for_this_path() -> set[str]:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in ("GET", "POST"):
        try:
            endpoint, _ = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.add(method)
    if "GET" in allowed:
        allowed.add("HEAD")
    return allowed | {"OPTIONS"} if allowed else set()


blp.add_url_rule(f"/discovery.{FORMAT_IN_PATH}", view_func=Discovery.as_view("discovery"))
blp.add_url_rule(f"/services.{FORMAT_IN_PATH}", view_func=Services.as_view("services"))
blp.add_url_rule(
    f"/services/<service_code>.{FORMAT_IN_PATH}", view_func=ServiceDefinition.as_view("service")
)
blp.add_url_rule(f"/requests.{FORMAT_IN_PATH}", view_func=Requests.as_view("requests"))
blp.add_url_rule(
    f"/requests/<int:request_id>.{FORMAT_IN_PATH}", view_func=RequestItem.as_view("request")
)
blp.add_url_rule(f"/tokens/<token>.{FORMAT_IN_PATH}", view_func=Token.as_view("token"))
blp.add_url_rule(
    "/<path:rest>",
    view_func=unknown_path,
    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
)
