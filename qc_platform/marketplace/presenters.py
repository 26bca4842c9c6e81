"""What the marketplace API shows: names only, never an e-mail address or phone number."""

from __future__ import annotations

from qc_platform.marketplace import service
from qc_platform.marketplace.models import Exchange, Flag, Listing


def person(user) -> dict:
    return {"id": user.id, "display_name": user.display_name}


def present_listing(viewer, listing: Listing) -> dict:
    return {
        "id": listing.id,
        "kind": listing.kind,
        "title": listing.title,
        "description": listing.description,
        "category": listing.category.code,
        "minutes_estimate": listing.minutes_estimate,
        "space_id": listing.space_id,
        "complex_id": listing.complex_id,
        "status": listing.status,
        "hidden": listing.hidden_at is not None,
        "owner": person(listing.owner),
        "mine": listing.owner_id == viewer.id,
        "created_at": listing.created_at,
        "updated_at": listing.updated_at,
    }


def present_exchange(viewer, exchange: Exchange) -> dict:
    role = None
    if viewer.id == exchange.provider_id:
        role = "provider"
    elif viewer.id == exchange.receiver_id:
        role = "receiver"
    return {
        "id": exchange.id,
        "listing": {
            "id": exchange.listing.id,
            "kind": exchange.listing.kind,
            "title": exchange.listing.title,
        },
        "status": exchange.status,
        "minutes": exchange.minutes,
        "provider": person(exchange.provider),
        "receiver": person(exchange.receiver),
        "proposer_id": exchange.proposer_id,
        "my_role": role,
        "allowed_actions": service.allowed_actions(viewer, exchange),
        "transfer_id": exchange.transfer_id,
        "conversation_hidden": exchange.conversation.hidden_at is not None,
        "reviews": [
            {
                "id": review.id,
                "author": person(review.author),
                "rating": review.rating,
                "comment": review.comment,
                "created_at": review.created_at,
            }
            for review in exchange.reviews
        ],
        "created_at": exchange.created_at,
        "accepted_at": exchange.accepted_at,
        "closed_at": exchange.closed_at,
    }


def present_flag(flag: Flag) -> dict:
    listing = flag.listing if flag.listing is not None else flag.exchange.listing
    return {
        "id": flag.id,
        "listing_id": flag.listing_id,
        "exchange_id": flag.exchange_id,
        "reason": flag.reason,
        "status": flag.status,
        "created_at": flag.created_at,
        "resolved_at": flag.resolved_at,
        "resolution_note": flag.resolution_note,
        "subject": listing.title,
    }
