"""Who publishes services and handles requests: the operators of the organisation."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from qc_platform.accounts.roles import Role
from qc_platform.catalogue.models import Service, ServiceRequest
from qc_platform.places.models import Space


def runs(user, service: Service) -> bool:
    return user.has_role(Role.OPERATOR, service.organisation_id)


def can_offer_at(organisation_id: int, space: Space) -> bool:
    """A service may be offered at a space only by the organisation that runs the space.

    Another organisation's space would need that organisation's consent, which the platform
    has no way to give: the move is refused, as activities refuse it.
    """
    return space.organisation_id == organisation_id


def can_see_request(user, request: ServiceRequest) -> bool:
    return request.requester_id == user.id or runs(user, request.service)


def own_requests(user) -> ColumnElement[bool]:
    """Query filter: the requests ``user`` sent."""
    return ServiceRequest.requester_id == user.id


def incoming_requests(user) -> ColumnElement[bool]:
    """Query filter: the requests to the services of the organisations ``user`` operates for."""
    organisations = user.scope_ids(Role.OPERATOR)
    return ServiceRequest.service_id.in_(
        select(Service.id).where(Service.organisation_id.in_(organisations or [0]))
    )
