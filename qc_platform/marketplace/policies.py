"""Who may see listings and exchanges, act in an exchange, and moderate."""

from __future__ import annotations

from sqlalchemy import exists, select

from qc_platform.core.permissions import Permission, Role, has_permission
from qc_platform.extensions import db
from qc_platform.marketplace.models import Exchange, Flag, FlagStatus, Listing, ListingStatus
from qc_platform.places.models import Space


def is_global_moderator(user) -> bool:
    return has_permission(user, Permission.MARKETPLACE_MODERATE)


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
