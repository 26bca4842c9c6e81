"""What the catalogue API shows."""

from __future__ import annotations

from qc_platform.catalogue import availability, policies, service
from qc_platform.catalogue.models import Service, ServiceRequest
from qc_platform.core.clock import utcnow


def _organisation(organisation) -> dict:
    return {"id": organisation.id, "name": organisation.name, "slug": organisation.slug}


def present_service(viewer, item: Service, now=None) -> dict:
    signed_in = getattr(viewer, "is_authenticated", False)
    return {
        "id": item.id,
        "organisation": _organisation(item.organisation),
        "space_id": item.space_id,
        "title": item.title,
        "description": item.description,
        "category": item.category.code,
        "price_model": item.price_model,
        "price_cents": item.price_cents,
        "minutes": item.minutes,
        "languages": item.languages,
        "accessibility": item.accessibility,
        "availability": item.availability,
        "closures": [
            {"starts_on": c.starts_on, "ends_on": c.ends_on, "reason": c.reason}
            for c in item.closures
        ],
        "closed_on_holidays": item.closed_on_holidays,
        "status": item.status,
        "open_now": availability.is_open(item, now or utcnow()),
        "mine": bool(signed_in and policies.runs(viewer, item)),
    }


def present_request(viewer, request: ServiceRequest) -> dict:
    return {
        "id": request.id,
        "service": {
            "id": request.service.id,
            "title": request.service.title,
            "organisation": _organisation(request.service.organisation),
        },
        "requester": {
            "id": request.requester.id,
            "display_name": request.requester.display_name,
        },
        "message": request.message,
        "preferred_times": request.preferred_times,
        "status": request.status,
        "price_model": request.price_model,
        "price_cents": request.price_cents,
        "minutes": request.minutes,
        "proposed_time": request.proposed_time,
        "provider_note": request.provider_note,
        "decline_reason": request.decline_reason,
        "transfer_id": request.transfer_id,
        "allowed_actions": service.allowed_actions(viewer, request),
        "created_at": request.created_at,
        "closed_at": request.closed_at,
    }
