"""Who publishes services and handles requests: the operators of the organisation."""

from __future__ import annotations

from qc_platform.catalogue.models import Service, ServiceRequest
from qc_platform.core.permissions import Role


def runs(user, service: Service) -> bool:
    return user.has_role(Role.OPERATOR, service.organisation_id)


def can_see_request(user, request: ServiceRequest) -> bool:
    return request.requester_id == user.id or runs(user, request.service)
