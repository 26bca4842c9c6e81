"""Catalogue API: services (public), publishing (operators), requests and their messages."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from qc_platform.catalogue import presenters, service
from qc_platform.catalogue.models import Service, ServiceRequest
from qc_platform.catalogue.schemas import (
    AcceptSchema,
    CatalogueCategorySchema,
    DeclineSchema,
    RequestCreateSchema,
    RequestListArgsSchema,
    ServiceCreateSchema,
    ServiceListArgsSchema,
    ServiceRequestSchema,
    ServiceSchema,
    ServiceUpdateSchema,
)
from qc_platform.conversations.routes import register_message_routes
from qc_platform.core.clock import utcnow
from qc_platform.core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from qc_platform.core.limits import per_user_limit
from qc_platform.core.pagination import page_schema, paginate
from qc_platform.core.permissions import login_required, require_login

blp = Blueprint(
    "catalogue",
    __name__,
    url_prefix="/api/v1",
    description="Catalogue of local micro-services: the spaces' social concierge and the "
    "neighbourhood's micro-enterprises, their prices (free, fixed, sliding, time-bank hours), "
    "hours, languages, and the requests tenants send them.",
)

request_limit = per_user_limit("QC_LISTING_RATE_LIMIT", scope="catalogue-requests")


@blp.route("/catalogue/categories")
class Categories(MethodView):
    @blp.response(200, page_schema(CatalogueCategorySchema))
    def get(self):
        """The categories of services (public), by their stable `code`."""
        return {"items": service.categories(), "next_cursor": None}


@blp.route("/catalogue/services")
class Services(MethodView):
    @blp.arguments(ServiceListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(ServiceSchema))
    def get(
        self,
        category,
        space,
        area,
        organisation,
        price_model,
        language,
        open_now,
        q,
        include_paused,
        limit,
        cursor,
    ):
        """Find services (public): filters, "open now" in Milan time, words of `q` ignoring
        accents; alphabetical by title."""
        now = utcnow()
        query = service.search_services(
            now=now,
            category=category,
            space=space,
            area=area,
            organisation=organisation,
            price_model=price_model,
            language=language,
            open_now=open_now,
            q=q,
            include_paused=include_paused,
        )
        page = paginate(query, keys=[Service.id], limit=limit, cursor=cursor)
        return {
            "items": [presenters.present_service(current_user, item, now) for item in page.items],
            "next_cursor": page.next_cursor,
        }

    @login_required
    @blp.arguments(ServiceCreateSchema)
    @blp.response(201, ServiceSchema)
    def post(self, data):
        """Operators: publish a service of their organisation."""
        user = require_login()
        return presenters.present_service(user, service.create(user=user, data=data))


@blp.route("/catalogue/services/<int:service_id>")
class ServiceDetail(MethodView):
    @blp.response(200, ServiceSchema)
    def get(self, service_id):
        """One service (public)."""
        return presenters.present_service(current_user, service.get(service_id))

    @login_required
    @blp.arguments(ServiceUpdateSchema)
    @blp.response(200, ServiceSchema)
    def patch(self, data, service_id):
        """Operators of its organisation: change it, pause it (`status`), set closures."""
        user = require_login()
        item = service.update(user=user, service=service.get(service_id), data=data)
        return presenters.present_service(user, item)


@blp.route("/catalogue/services/<int:service_id>/requests")
class ServiceRequests(MethodView):
    @idempotent("catalogue.request")
    @login_required
    @request_limit
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    @blp.arguments(RequestCreateSchema)
    @blp.response(201, ServiceRequestSchema)
    def post(self, data, service_id):
        """Ask for a service, with a message and when suits you → `pending`."""
        user = require_login()
        request = service.ask(
            user=user,
            service_id=service_id,
            message=data["message"],
            preferred_times=data["preferred_times"],
        )
        return presenters.present_request(user, request)


@blp.route("/catalogue/requests")
class Requests(MethodView):
    @login_required
    @blp.arguments(RequestListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(ServiceRequestSchema))
    def get(self, incoming, status, limit, cursor):
        """My requests; with `incoming=true`, those to my organisations' services. Newest first."""
        user = require_login()
        page = paginate(
            service.search_requests(user=user, incoming=incoming, status=status),
            keys=[ServiceRequest.id],
            limit=limit,
            cursor=cursor,
            descending=True,
        )
        return {
            "items": [presenters.present_request(user, request) for request in page.items],
            "next_cursor": page.next_cursor,
        }


@blp.route("/catalogue/requests/<int:request_id>")
class RequestDetail(MethodView):
    @login_required
    @blp.response(200, ServiceRequestSchema)
    def get(self, request_id):
        """One request: to its requester and the service's operators."""
        user = require_login()
        return presenters.present_request(user, service.get_request(user, request_id))


def _act(action: str, request_id: int, details: dict) -> dict:
    user = require_login()
    request = service.get_request(user, request_id)
    return presenters.present_request(
        user, service.act(user=user, request=request, action=action, **details)
    )


@blp.route("/catalogue/requests/<int:request_id>/accept")
class RequestAccept(MethodView):
    @login_required
    @blp.arguments(AcceptSchema)
    @blp.response(200, ServiceRequestSchema)
    def post(self, data, request_id):
        """Operators: accept, optionally proposing a time and a note."""
        return _act("accept", request_id, data)


@blp.route("/catalogue/requests/<int:request_id>/decline")
class RequestDecline(MethodView):
    @login_required
    @blp.arguments(DeclineSchema)
    @blp.response(200, ServiceRequestSchema)
    def post(self, data, request_id):
        """Operators: decline, with a reason the requester will read."""
        return _act("decline", request_id, data)


@blp.route("/catalogue/requests/<int:request_id>/cancel")
class RequestCancel(MethodView):
    @login_required
    @blp.response(200, ServiceRequestSchema)
    def post(self, request_id):
        """The requester or the operators: cancel a pending or accepted request."""
        return _act("cancel", request_id, {})


@blp.route("/catalogue/requests/<int:request_id>/complete")
class RequestComplete(MethodView):
    @login_required
    @blp.response(200, ServiceRequestSchema)
    def post(self, request_id):
        """The requester confirms the service was given; a time-bank service is paid now from
        their account to the organisation's (409 below the floor: nothing changes)."""
        return _act("complete", request_id, {})


register_message_routes(
    blp,
    "/catalogue/requests/<int:request_id>/messages",
    view_name="RequestMessages",
    load=service.get_request,
    write=lambda user, request, body: service.post_message(user=user, request=request, body=body),
    docs=(
        "The private conversation between the requester and the operators, newest first.",
        "Write to the other side; they receive it live (Socket.IO event `message`).",
    ),
)
