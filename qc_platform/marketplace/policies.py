"""Who may see listings and exchanges, act in an exchange, and moderate."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select

from qc_platform.accounts.roles import Role
from qc_platform.core.permissions import has_permission, register_permission
from qc_platform.extensions import db
from qc_platform.marketplace.models import Exchange, Flag, FlagStatus, Listing, ListingStatus
from qc_platform.places.models import Space

# Moderate every listing and reported conversation (operators: their spaces').
MARKETPLACE_MODERATE = register_permission("marketplace.moderate", roles={Role.STAFF})


def is_global_moderator(user) -> bool:
    return has_permission(user, MARKETPLACE_MODERATE)


def moderates_listing(user, listing: Listing) -> bool:
    """Staff everywhere; the operators of the organisation running the listing's space."""
    if is_global_moderator(user):
        return True
    if listing.space_id is None:
        return False
    organisation_id = db.session.scalar(
        select(Space.organisation_id).where(Space.id == listing.space_id)
    )
    return user.has_role(Role.OPERATOR, organisation_id)


def can_see_listing(user, listing: Listing) -> bool:
    if listing.status == ListingStatus.WITHDRAWN:
        return False
    if listing.hidden_at is None:
        return True
    return listing.owner_id == user.id or moderates_listing(user, listing)


def is_party(user, exchange: Exchange) -> bool:
    return user.id in exchange.parties()


def is_flagged(exchange: Exchange) -> bool:
    """A party reported the conversation, and the moderators have not dismissed it."""
    return bool(
        db.session.scalar(
            select(
                exists().where(Flag.exchange_id == exchange.id, Flag.status != FlagStatus.DISMISSED)
            )
        )
    )


def can_see_exchange(user, exchange: Exchange) -> bool:
    """The two parties; a moderator only once a party has reported the conversation."""
    if is_party(user, exchange):
        return True
    return moderates_listing(user, exchange.listing) and is_flagged(exchange)


def moderated_space_ids(user) -> set[int] | None:
    """Spaces whose listings the user moderates; None means every listing (staff)."""
    if is_global_moderator(user):
        return None
    organisations = user.scope_ids(Role.OPERATOR)
    if not organisations:
        return set()
    return set(db.session.scalars(select(Space.id).where(Space.organisation_id.in_(organisations))))


def listed_for(user) -> ColumnElement[bool]:
    """Query filter: the listings shown to ``user`` in a search (not hidden, or theirs)."""
    return or_(Listing.hidden_at.is_(None), Listing.owner_id == user.id)


def own_listings(user) -> ColumnElement[bool]:
    return Listing.owner_id == user.id


def own_exchanges(user) -> ColumnElement[bool]:
    """Query filter: the exchanges ``user`` is a party of."""
    return or_(Exchange.provider_id == user.id, Exchange.receiver_id == user.id)


def flags_in_spaces(spaces: set[int]) -> ColumnElement[bool]:
    """Query filter: reports on listings at ``spaces``, or on exchanges of such listings."""
    listing_of_exchange = select(Exchange.listing_id).where(Exchange.id == Flag.exchange_id)
    in_spaces = select(Listing.id).where(Listing.space_id.in_(spaces))
    return or_(
        Flag.listing_id.in_(in_spaces),
        listing_of_exchange.scalar_subquery().in_(in_spaces),
    )
