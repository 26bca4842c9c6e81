"""Catalogue rules: publishing services, and the request state machine.

Completing a request for a ``timebank`` service pays the organisation's time-bank account
from the requester's through the time-bank service, in the same transaction as the state
change: below the floor → 409 and nothing changes. A request's private messages are one of
the conversations service's (``qc_platform.conversations``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from qc_platform.accounts.roles import Role
from qc_platform.accounts.service import users_with_role
from qc_platform.catalogue import (
    availability,
    messages,  # noqa: F401 - registers the texts
    policies,
    signals,
)
from qc_platform.catalogue.models import (
    CatalogueCategory,
    PriceModel,
    RequestStatus,
    Service,
    ServiceClosure,
    ServiceRequest,
    ServiceStatus,
)
from qc_platform.conversations import service as conversations
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qc_platform.core.seeding import load_data, seed_by_code
from qc_platform.core.textsearch import fold, matches_all_terms
from qc_platform.extensions import db
from qc_platform.places.models import Organisation, Space
from qc_platform.timebank import service as timebank
from qc_platform.timebank.models import TransferKind


def seed_categories() -> dict[str, int]:
    rows = load_data("catalogue.json")["categories"]
    return {"catalogue categories": len(seed_by_code(CatalogueCategory, rows))}


def categories() -> list[CatalogueCategory]:
    return list(
        db.session.scalars(
            select(CatalogueCategory).order_by(CatalogueCategory.position, CatalogueCategory.id)
        )
    )


def category_by_code(code: str) -> CatalogueCategory:
    category = db.session.scalar(select(CatalogueCategory).where(CatalogueCategory.code == code))
    if category is None:
        raise InvalidInput("catalogue.unknown_category", errors={"category": ["unknown"]})
    return category


def _check_price(price_model: str, price_cents, minutes) -> None:
    if price_model == PriceModel.FREE and (price_cents is not None or minutes is not None):
        raise InvalidInput("catalogue.price_free", errors={"price_cents": ["must be empty"]})
    if price_model in (PriceModel.FIXED, PriceModel.SLIDING) and (
        price_cents is None or minutes is not None
    ):
        raise InvalidInput("catalogue.price_money", errors={"price_cents": ["required"]})
    if price_model == PriceModel.TIMEBANK and (minutes is None or price_cents is not None):
        raise InvalidInput("catalogue.price_timebank", errors={"minutes": ["required"]})


def _check_place(organisation_id: int, space_id: int | None) -> Space | None:
    if db.session.get(Organisation, organisation_id) is None:
        raise InvalidInput(
            "catalogue.unknown_organisation", errors={"organisation_id": ["unknown"]}
        )
    if space_id is None:
        return None
    space = db.session.get(Space, space_id)
    if space is None:
        raise InvalidInput("catalogue.unknown_space", errors={"space_id": ["unknown"]})
    return space


def _check_space_is_theirs(organisation_id: int, space: Space | None) -> None:
    if space is not None and not policies.can_offer_at(organisation_id, space):
        raise Forbidden("catalogue.not_your_space")


def _set_availability(service: Service, week: dict) -> None:
    service.availability = week
    service.hours = availability.hours_rows(week)


def _set_closures(service: Service, closures: list[dict]) -> None:
    # In date order, as the relationship loads them: the answer to this very request too.
    ordered = sorted(closures, key=lambda closure: (closure["starts_on"], closure["ends_on"]))
    service.closures = [ServiceClosure(**closure) for closure in ordered]


def _refresh_search(service: Service) -> None:
    service.search_text = fold(f"{service.title} {service.description}")
    service.languages_key = "," + "".join(f"{code}," for code in service.languages)


def create(*, user, data: dict) -> Service:
    """Publish a service of an organisation (its operators), at one of its spaces or none."""
    space = _check_place(data["organisation_id"], data.get("space_id"))
    if not user.has_role(Role.OPERATOR, data["organisation_id"]):
        raise Forbidden("catalogue.not_operator")
    _check_space_is_theirs(data["organisation_id"], space)
    _check_price(data["price_model"], data.get("price_cents"), data.get("minutes"))
    service = Service(
        organisation_id=data["organisation_id"],
        space_id=data.get("space_id"),
        title=data["title"].strip(),
        description=data["description"].strip(),
        category_id=category_by_code(data["category"]).id,
        price_model=data["price_model"],
        price_cents=data.get("price_cents"),
        minutes=data.get("minutes"),
        languages=data["languages"],
        accessibility=data.get("accessibility", ""),
        closed_on_holidays=data.get("closed_on_holidays", True),
        status=data.get("status", ServiceStatus.ACTIVE),
    )
    _set_availability(service, data["availability"])
    _set_closures(service, data.get("closures", []))
    _refresh_search(service)
    db.session.add(service)
    db.session.flush()
    return service


def get(service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None:
        raise NotFound("catalogue.service_not_found")
    return service


def search_services(
    *,
    now: datetime,
    category: str | None = None,
    space: int | None = None,
    area: int | None = None,
    organisation: int | None = None,
    price_model: str | None = None,
    language: str | None = None,
    open_now: bool | None = None,
    q: str | None = None,
    include_paused: bool = False,
) -> Select:
    """The public search: active services (paused ones too with ``include_paused``) in a
    category, at a space or in a project area, of an organisation, by price model and
    language, open (or closed) at ``now`` in Milan time, with every word of ``q`` in their
    texts, accents ignored."""
    query = select(Service)
    if not include_paused:
        query = query.where(Service.status == "active")
    if category:
        query = query.join(CatalogueCategory).where(CatalogueCategory.code == category)
    if space:
        query = query.where(Service.space_id == space)
    if area:
        query = query.where(Service.space_id.in_(select(Space.id).where(Space.area_id == area)))
    if organisation:
        query = query.where(Service.organisation_id == organisation)
    if price_model:
        query = query.where(Service.price_model == price_model)
    if language:
        query = query.where(Service.languages_key.like(f"%,{language},%"))
    if open_now is not None:
        condition = availability.open_condition(now)
        query = query.where(condition if open_now else ~condition)
    if q:
        query = query.where(matches_all_terms(Service.search_text, q))
    return query


def update(*, user, service: Service, data: dict) -> Service:
    if not policies.runs(user, service):
        raise Forbidden("catalogue.not_operator")
    if "space_id" in data:
        space = _check_place(service.organisation_id, data["space_id"])
        _check_space_is_theirs(service.organisation_id, space)
    price = {
        key: data.get(key, getattr(service, key))
        for key in ("price_model", "price_cents", "minutes")
    }
    if "price_model" in data:
        # A new price model starts from what the request gives for it.
        price["price_cents"] = data.get("price_cents")
        price["minutes"] = data.get("minutes")
    _check_price(price["price_model"], price["price_cents"], price["minutes"])
    if "category" in data:
        service.category_id = category_by_code(data.pop("category")).id
    if "availability" in data:
        _set_availability(service, data.pop("availability"))
    if "closures" in data:
        _set_closures(service, data.pop("closures"))
    for key, value in {**data, **price}.items():
        setattr(service, key, value.strip() if key in ("title", "description") else value)
    _refresh_search(service)
    db.session.flush()
    return service


# --- requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    source: tuple[str, ...]
    target: str
    who: str  # "provider" (the organisation's operators), "requester", "either"


TRANSITIONS = {
    "accept": Transition((RequestStatus.PENDING,), RequestStatus.ACCEPTED, "provider"),
    "decline": Transition((RequestStatus.PENDING,), RequestStatus.DECLINED, "provider"),
    "cancel": Transition(RequestStatus.OPEN, RequestStatus.CANCELLED, "either"),
    # Whoever received the service confirms it; a time-bank service is paid then.
    "complete": Transition((RequestStatus.ACCEPTED,), RequestStatus.COMPLETED, "requester"),
}


def _may(user, request: ServiceRequest, who: str) -> bool:
    is_requester = request.requester_id == user.id
    is_provider = policies.runs(user, request.service)
    return {
        "provider": is_provider,
        "requester": is_requester,
        "either": is_requester or is_provider,
    }[who]


def allowed_actions(user, request: ServiceRequest) -> list[str]:
    return [
        action
        for action, rule in TRANSITIONS.items()
        if request.status in rule.source and _may(user, request, rule.who)
    ]


def page_link(request: ServiceRequest) -> str:
    """The web app's page of a service request (notifications and messages link to it)."""
    return f"/servizi/richieste/{request.id}"


def ask(*, user, service_id: int, message: str, preferred_times: str) -> ServiceRequest:
    service = get(service_id)
    if service.status != ServiceStatus.ACTIVE:
        raise Conflict("catalogue.service_paused")
    request = ServiceRequest(
        service_id=service.id,
        requester_id=user.id,
        message=message.strip(),
        preferred_times=(preferred_times or "").strip(),
        price_model=service.price_model,
        price_cents=service.price_cents,
        minutes=service.minutes,
        conversation_id=conversations.open_conversation().id,
    )
    db.session.add(request)
    db.session.flush()
    signals.request_event.send(request, event="requested", actor=user)
    return request


def get_request(user, request_id: int) -> ServiceRequest:
    request = db.session.get(ServiceRequest, request_id)
    if request is None or not policies.can_see_request(user, request):
        raise NotFound("catalogue.request_not_found")
    return request


def search_requests(*, user, incoming: bool = False, status: str | None = None) -> Select:
    """The user's own requests; with ``incoming``, those to their organisations' services."""
    query = select(ServiceRequest).where(
        policies.incoming_requests(user) if incoming else policies.own_requests(user)
    )
    if status:
        query = query.where(ServiceRequest.status == status)
    return query


def act(*, user, request: ServiceRequest, action: str, **details) -> ServiceRequest:
    """Move the request along ``TRANSITIONS``, by the side whose turn it is. Its status is
    read again under a row lock (PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises
    writers anyway), so completing twice at once pays the organisation once."""
    db.session.refresh(request, attribute_names=["status"], with_for_update=True)
    rule = TRANSITIONS[action]
    if not _may(user, request, rule.who):
        raise Forbidden(f"catalogue.not_your_turn.{action}")
    if request.status not in rule.source:
        raise Conflict("catalogue.bad_transition", status=request.status)
    now = utcnow()
    if action == "accept":
        proposed = details.get("proposed_time")
        if proposed is not None and proposed <= now:
            raise InvalidInput("catalogue.time_in_past", errors={"proposed_time": ["past"]})
        request.proposed_time = proposed
        request.provider_note = details.get("note") or ""
    elif action == "decline":
        request.decline_reason = details["reason"]
    elif action == "complete" and request.price_model == PriceModel.TIMEBANK:
        payment = timebank.transfer(
            from_account_id=timebank.account_of_user(request.requester_id).id,
            to_account_id=timebank.account_of_organisation(request.service.organisation_id).id,
            minutes=request.minutes,
            memo=f"Servizio: {request.service.title}",
            actor=user,
            kind=TransferKind.SERVICE,
        )
        request.transfer_id = payment.id
    request.status = rule.target
    if rule.target not in RequestStatus.OPEN:
        request.closed_at = now
    db.session.flush()
    signals.request_event.send(request, event=rule.target, actor=user)
    return request


def post_message(*, user, request: ServiceRequest, body: str):
    operators = [
        person.id for person in users_with_role(Role.OPERATOR, request.service.organisation_id)
    ]
    return conversations.post_message(
        conversation=request.conversation,
        author=user,
        body=body,
        recipient_ids=[request.requester_id, *operators],
        link=page_link(request),
        subject=request.service.title,
    )
