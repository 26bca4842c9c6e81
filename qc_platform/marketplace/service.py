"""Marketplace rules: listings, the exchange state machine, flags, reviews.

Completing an exchange pays the agreed minutes from the person who received the help to
the person who gave it through the time-bank service, in the same transaction as the
state change: if the payment is refused (below the floor), the error rolls both back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from qc_platform.accounts.roles import Role
from qc_platform.accounts.service import users_with_role
from qc_platform.conversations import service as conversations
from qc_platform.core.clock import utcnow
from qc_platform.core.contact_details import refuse_contact_details
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qc_platform.core.seeding import load_data, seed_by_code
from qc_platform.core.textsearch import fold, matches_all_terms
from qc_platform.extensions import db
from qc_platform.marketplace import (
    messages,  # noqa: F401 - registers the texts
    policies,
    signals,
)
from qc_platform.marketplace.models import (
    Exchange,
    ExchangeStatus,
    Flag,
    FlagStatus,
    Listing,
    ListingKind,
    ListingStatus,
    MarketplaceCategory,
    Review,
)
from qc_platform.places.models import Complex, Space
from qc_platform.timebank import service as timebank
from qc_platform.timebank.models import TransferKind


def seed_categories() -> dict[str, int]:
    rows = load_data("marketplace.json")["categories"]
    return {"marketplace categories": len(seed_by_code(MarketplaceCategory, rows))}


def categories() -> list[MarketplaceCategory]:
    return list(
        db.session.scalars(
            select(MarketplaceCategory).order_by(
                MarketplaceCategory.position, MarketplaceCategory.id
            )
        )
    )


def category_by_code(code: str) -> MarketplaceCategory:
    category = db.session.scalar(
        select(MarketplaceCategory).where(MarketplaceCategory.code == code)
    )
    if category is None:
        raise InvalidInput("marketplace.unknown_category", errors={"category": ["unknown"]})
    return category


def _check_no_contact_details(data: dict) -> None:
    # Every signed-in neighbour reads a listing: people talk through the exchange's
    # private messages instead.
    refuse_contact_details(
        data, ("title", "description"), message_key="marketplace.contact_details"
    )


def _check_place(data: dict) -> None:
    if data.get("space_id") is not None and db.session.get(Space, data["space_id"]) is None:
        raise InvalidInput("marketplace.unknown_space", errors={"space_id": ["unknown"]})
    if data.get("complex_id") is not None and db.session.get(Complex, data["complex_id"]) is None:
        raise InvalidInput("marketplace.unknown_complex", errors={"complex_id": ["unknown"]})


def _search_text(listing: Listing) -> str:
    return fold(f"{listing.title} {listing.description}")


def create_listing(*, owner, data: dict) -> Listing:
    _check_no_contact_details(data)
    _check_place(data)
    listing = Listing(
        owner_id=owner.id,
        kind=data["kind"],
        title=data["title"].strip(),
        description=data["description"].strip(),
        category_id=category_by_code(data["category"]).id,
        minutes_estimate=data.get("minutes_estimate"),
        space_id=data.get("space_id"),
        complex_id=data.get("complex_id"),
    )
    listing.search_text = _search_text(listing)
    db.session.add(listing)
    db.session.flush()
    return listing


def get_listing(user, listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None or not policies.can_see_listing(user, listing):
        raise NotFound("marketplace.listing_not_found")
    return listing


def search_listings(
    *,
    user,
    status: str,
    q: str | None = None,
    kind: str | None = None,
    category: str | None = None,
    space: int | None = None,
    complex: int | None = None,
    mine: bool = False,
) -> Select:
    """The listings in ``status`` that ``user`` may see (``mine``: only theirs), by kind,
    category, space and complex, with every word of ``q`` in their texts, accents ignored."""
    query = select(Listing).where(Listing.status == status)
    query = query.where(policies.own_listings(user) if mine else policies.listed_for(user))
    if kind:
        query = query.where(Listing.kind == kind)
    if category:
        query = query.join(MarketplaceCategory).where(MarketplaceCategory.code == category)
    if space:
        query = query.where(Listing.space_id == space)
    if complex:
        query = query.where(Listing.complex_id == complex)
    if q:
        query = query.where(matches_all_terms(Listing.search_text, q))
    return query


def update_listing(*, user, listing: Listing, data: dict) -> Listing:
    if listing.owner_id != user.id:
        raise Forbidden("marketplace.not_owner")
    _check_no_contact_details(data)
    _check_place(data)
    if "category" in data:
        listing.category_id = category_by_code(data.pop("category")).id
    for field in ("title", "description"):
        if field in data:
            data[field] = data[field].strip()
    for field, value in data.items():
        setattr(listing, field, value)
    listing.search_text = _search_text(listing)
    db.session.flush()
    return listing


def withdraw_listing(*, user, listing: Listing) -> None:
    if listing.owner_id != user.id:
        raise Forbidden("marketplace.not_owner")
    listing.status = ListingStatus.WITHDRAWN
    db.session.flush()


# --- exchanges -------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    source: tuple[str, ...]
    target: str
    who: str  # "answerer" (the party who did not propose), "either", "receiver"


TRANSITIONS = {
    "accept": Transition((ExchangeStatus.PROPOSED,), ExchangeStatus.ACCEPTED, "answerer"),
    "decline": Transition((ExchangeStatus.PROPOSED,), ExchangeStatus.DECLINED, "answerer"),
    "cancel": Transition(ExchangeStatus.ACTIVE, ExchangeStatus.CANCELLED, "either"),
    "complete": Transition((ExchangeStatus.ACCEPTED,), ExchangeStatus.COMPLETED, "receiver"),
}


def _may(user, exchange: Exchange, who: str) -> bool:
    if not policies.is_party(user, exchange):
        return False
    if who == "answerer":
        return user.id != exchange.proposer_id
    if who == "receiver":
        return user.id == exchange.receiver_id
    return True


def allowed_actions(user, exchange: Exchange) -> list[str]:
    actions = [
        action
        for action, rule in TRANSITIONS.items()
        if exchange.status in rule.source and _may(user, exchange, rule.who)
    ]
    if (
        exchange.status == ExchangeStatus.COMPLETED
        and policies.is_party(user, exchange)
        and not any(review.author_id == user.id for review in exchange.reviews)
    ):
        actions.append("review")
    return actions


def get_exchange(user, exchange_id: int) -> Exchange:
    exchange = db.session.get(Exchange, exchange_id)
    if exchange is None or not policies.can_see_exchange(user, exchange):
        raise NotFound("marketplace.exchange_not_found")
    return exchange


def search_exchanges(*, user, status: str | None = None) -> Select:
    """The exchanges ``user`` takes part in (given or received help)."""
    query = select(Exchange).where(policies.own_exchanges(user))
    if status:
        query = query.where(Exchange.status == status)
    return query


def page_link(exchange: Exchange) -> str:
    """The web app's page of an exchange (notifications and messages link to it)."""
    return f"/scambi/{exchange.id}"


def propose(*, user, listing_id: int, minutes: int, message: str) -> Exchange:
    listing = get_listing(user, listing_id)
    # The same proposal sent twice at once: the second waits for the first, then finds it
    # (409) instead of running into the unique index of active proposals (a 500).
    db.session.refresh(listing, attribute_names=["status", "hidden_at"], with_for_update=True)
    if listing.owner_id == user.id:
        raise InvalidInput("marketplace.own_listing", errors={"listing_id": ["own listing"]})
    if listing.status != ListingStatus.OPEN or listing.hidden_at is not None:
        raise Conflict("marketplace.listing_not_open")
    active = db.session.scalar(
        select(Exchange.id).where(
            Exchange.listing_id == listing.id,
            Exchange.proposer_id == user.id,
            Exchange.status.in_(ExchangeStatus.ACTIVE),
        )
    )
    if active is not None:
        raise Conflict("marketplace.already_proposed", exchange_id=active)
    provider, receiver = (
        (listing.owner_id, user.id)
        if listing.kind == ListingKind.OFFER
        else (user.id, listing.owner_id)
    )
    exchange = Exchange(
        listing_id=listing.id,
        proposer_id=user.id,
        provider_id=provider,
        receiver_id=receiver,
        minutes=minutes,
        conversation_id=conversations.open_conversation().id,
    )
    db.session.add(exchange)
    db.session.flush()
    db.session.refresh(exchange)
    conversations.post_message(
        conversation=exchange.conversation,
        author=user,
        body=message,
        recipient_ids=[],  # the proposal's own notification announces it
        link=page_link(exchange),
        subject=listing.title,
    )
    signals.exchange_event.send(exchange, event="proposed", actor=user)
    return exchange


def act(*, user, exchange: Exchange, action: str) -> Exchange:
    """Move the exchange along ``TRANSITIONS``, by the party whose turn it is. Its status is
    read again under a row lock (PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises
    writers anyway), so two taps on "complete" at once pay once: the second sees
    ``completed`` and gets 409."""
    db.session.refresh(exchange, attribute_names=["status"], with_for_update=True)
    rule = TRANSITIONS[action]
    if not _may(user, exchange, rule.who):
        raise Forbidden(f"marketplace.not_your_turn.{action}")
    if exchange.status not in rule.source:
        raise Conflict("marketplace.bad_transition", status=exchange.status, action=action)
    now = utcnow()
    if action == "complete":
        payment = timebank.transfer(
            from_account_id=timebank.account_of_user(exchange.receiver_id).id,
            to_account_id=timebank.account_of_user(exchange.provider_id).id,
            minutes=exchange.minutes,
            memo=f"Scambio n. {exchange.id}: {exchange.listing.title}",
            actor=user,
            kind=TransferKind.EXCHANGE,
        )
        exchange.transfer_id = payment.id
    exchange.status = rule.target
    if action == "accept":
        exchange.accepted_at = now
    else:
        exchange.closed_at = now
    db.session.flush()
    signals.exchange_event.send(exchange, event=rule.target, actor=user)
    return exchange


def post_message(*, user, exchange: Exchange, body: str):
    if not policies.is_party(user, exchange):
        # A moderator reading a reported conversation does not write in it.
        raise Forbidden("marketplace.not_a_party")
    return conversations.post_message(
        conversation=exchange.conversation,
        author=user,
        body=body,
        recipient_ids=[exchange.other_party(user.id)],
        link=page_link(exchange),
        subject=exchange.listing.title,
    )


def review(*, user, exchange: Exchange, rating: int, comment: str) -> Review:
    if not policies.is_party(user, exchange):
        raise Forbidden("marketplace.not_a_party")
    # The same review sent twice at once: the second waits for the first, then sees it.
    db.session.refresh(exchange, attribute_names=["status"], with_for_update=True)
    db.session.expire(exchange, ["reviews"])
    if exchange.status != ExchangeStatus.COMPLETED:
        raise Conflict("marketplace.review_before_completion")
    if any(existing.author_id == user.id for existing in exchange.reviews):
        raise Conflict("marketplace.already_reviewed")
    record = Review(
        exchange_id=exchange.id,
        author_id=user.id,
        subject_id=exchange.other_party(user.id),
        rating=rating,
        comment=(comment or "").strip(),
    )
    db.session.add(record)
    db.session.flush()
    db.session.expire(exchange, ["reviews"])
    signals.exchange_event.send(exchange, event="reviewed", actor=user)
    return record


# --- moderation ------------------------------------------------------------------------


def _moderators_of(listing: Listing) -> list[int]:
    people = set()
    if listing.space_id is not None:
        organisation_id = db.session.get(Space, listing.space_id).organisation_id
        people |= {user.id for user in users_with_role(Role.OPERATOR, organisation_id)}
    if not people:
        people |= {user.id for user in users_with_role(Role.STAFF)}
    return sorted(people)


def flag(*, user, reason: str, listing: Listing | None = None, exchange: Exchange | None = None):
    if listing is not None and listing.owner_id == user.id:
        raise InvalidInput("marketplace.flag_own_listing", errors={"listing_id": ["own"]})
    if exchange is not None and not policies.is_party(user, exchange):
        raise Forbidden("marketplace.not_a_party")
    target = listing if listing is not None else exchange.listing
    same_target = (
        Flag.listing_id == listing.id if listing is not None else Flag.exchange_id == exchange.id
    )
    existing = db.session.scalar(
        select(Flag.id).where(
            Flag.reporter_id == user.id, Flag.status == FlagStatus.OPEN, same_target
        )
    )
    if existing is not None:
        raise Conflict("marketplace.already_flagged")
    record = Flag(
        reporter_id=user.id,
        listing_id=listing.id if listing is not None else None,
        exchange_id=exchange.id if exchange is not None else None,
        reason=reason.strip(),
    )
    db.session.add(record)
    db.session.flush()
    signals.flag_raised.send(record, moderator_ids=_moderators_of(target))
    return record


def search_flags(*, user, status: str) -> Select:
    """Moderators: the reports in ``status`` on what they moderate (staff: every one);
    403 to anyone who moderates nothing."""
    spaces = policies.moderated_space_ids(user)
    if spaces is not None and not spaces:
        raise Forbidden("http.403")
    query = select(Flag).where(Flag.status == status)
    if spaces is not None:
        query = query.where(policies.flags_in_spaces(spaces))
    return query


def get_flag(user, flag_id: int) -> Flag:
    record = db.session.get(Flag, flag_id)
    listing = None if record is None else (record.listing or record.exchange.listing)
    if record is None or not policies.moderates_listing(user, listing):
        raise NotFound("marketplace.flag_not_found")
    return record


def resolve_flag(*, user, record: Flag, action: str, note: str | None) -> Flag:
    if record.status != FlagStatus.OPEN:
        raise Conflict("marketplace.flag_resolved")
    now = utcnow()
    if action == "hide":
        if record.listing is not None:
            if record.listing.hidden_at is None:
                record.listing.hidden_at = now
                record.listing.hidden_by_id = user.id
        else:
            conversations.hide(conversation=record.exchange.conversation, moderator=user)
    record.status = FlagStatus.HIDDEN if action == "hide" else FlagStatus.DISMISSED
    record.resolved_at = now
    record.resolved_by_id = user.id
    record.resolution_note = note
    db.session.flush()
    return record


def unhide_listing(*, user, listing: Listing) -> Listing:
    if not policies.moderates_listing(user, listing):
        raise Forbidden("http.403")
    listing.hidden_at = None
    listing.hidden_by_id = None
    db.session.flush()
    return listing
