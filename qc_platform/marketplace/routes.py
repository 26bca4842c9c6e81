"""Marketplace API: listings, exchanges, their private messages, flags, reviews."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from qc_platform.conversations.routes import register_message_routes
from qc_platform.core.limits import per_user_limit
from qc_platform.core.pagination import page_schema, paginate
from qc_platform.core.permissions import login_required, require_login
from qc_platform.marketplace import presenters, service
from qc_platform.marketplace.models import Exchange, Flag, Listing
from qc_platform.marketplace.schemas import (
    ExchangeCreateSchema,
    ExchangeListArgsSchema,
    ExchangeSchema,
    FlagCreateSchema,
    FlagListArgsSchema,
    FlagResolveSchema,
    FlagSchema,
    ListingCategorySchema,
    ListingCreateSchema,
    ListingListArgsSchema,
    ListingSchema,
    ListingUpdateSchema,
    ReviewCreateSchema,
    ReviewSchema,
)

blp = Blueprint(
    "marketplace",
    __name__,
    url_prefix="/api/v1",
    description="Neighbours' offers and requests of help, exchanged for time-bank hours, with "
    "private messages between the two people (never an e-mail address or phone number).",
)

listing_limit = per_user_limit("QC_LISTING_RATE_LIMIT", scope="marketplace-listings")
message_limit = per_user_limit("QC_MESSAGE_RATE_LIMIT", scope="marketplace-messages")


@blp.route("/marketplace/categories")
class Categories(MethodView):
    @blp.response(200, page_schema(ListingCategorySchema))
    def get(self):
        """The categories of listings (public), by their stable `code`."""
        return {"items": service.categories(), "next_cursor": None}


@blp.route("/marketplace/listings")
class Listings(MethodView):
    @login_required
    @blp.arguments(ListingListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(ListingSchema))
    def get(self, q, kind, category, space, complex, status, mine, limit, cursor):
        """Search listings, newest first; words of `q` are matched ignoring accents."""
        user = require_login()
        query = service.search_listings(
            user=user,
            q=q,
            kind=kind,
            category=category,
            space=space,
            complex=complex,
            status=status,
            mine=mine,
        )
        page = paginate(query, keys=[Listing.id], limit=limit, cursor=cursor, descending=True)
        return {
            "items": [presenters.present_listing(user, listing) for listing in page.items],
            "next_cursor": page.next_cursor,
        }

    @login_required
    @listing_limit
    @blp.arguments(ListingCreateSchema)
    @blp.response(201, ListingSchema)
    def post(self, data):
        """Publish an offer of help or a request for help (no phone numbers or e-mails)."""
        user = require_login()
        return presenters.present_listing(user, service.create_listing(owner=user, data=data))


@blp.route("/marketplace/listings/<int:listing_id>")
class ListingDetail(MethodView):
    @login_required
    @blp.response(200, ListingSchema)
    def get(self, listing_id):
        """One listing."""
        user = require_login()
        return presenters.present_listing(user, service.get_listing(user, listing_id))

    @login_required
    @blp.arguments(ListingUpdateSchema)
    @blp.response(200, ListingSchema)
    def patch(self, data, listing_id):
        """Change your listing, or close/reopen it (`status`)."""
        user = require_login()
        listing = service.get_listing(user, listing_id)
        return presenters.present_listing(
            user, service.update_listing(user=user, listing=listing, data=data)
        )

    @login_required
    @blp.response(204)
    def delete(self, listing_id):
        """Withdraw your listing; exchanges already made on it keep their history."""
        user = require_login()
        service.withdraw_listing(user=user, listing=service.get_listing(user, listing_id))


@blp.route("/marketplace/listings/<int:listing_id>/flags")
class ListingFlags(MethodView):
    @login_required
    @listing_limit
    @blp.arguments(FlagCreateSchema)
    @blp.response(201, FlagSchema)
    def post(self, data, listing_id):
        """Report a listing to the moderators (operators of its space, staff)."""
        user = require_login()
        listing = service.get_listing(user, listing_id)
        return presenters.present_flag(
            service.flag(user=user, reason=data["reason"], listing=listing)
        )


@blp.route("/marketplace/listings/<int:listing_id>/unhide")
class ListingUnhide(MethodView):
    @login_required
    @blp.response(200, ListingSchema)
    def post(self, listing_id):
        """Moderators: show a hidden listing again."""
        user = require_login()
        listing = service.get_listing(user, listing_id)
        return presenters.present_listing(user, service.unhide_listing(user=user, listing=listing))


@blp.route("/marketplace/flags")
class Flags(MethodView):
    @login_required
    @blp.arguments(FlagListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(FlagSchema))
    def get(self, status, limit, cursor):
        """Moderators: reports on listings and conversations, oldest first."""
        query = service.search_flags(user=require_login(), status=status)
        page = paginate(query, keys=[Flag.id], limit=limit, cursor=cursor)
        return {
            "items": [presenters.present_flag(flag) for flag in page.items],
            "next_cursor": page.next_cursor,
        }


@blp.route("/marketplace/flags/<int:flag_id>/resolve")
class FlagResolve(MethodView):
    @login_required
    @blp.arguments(FlagResolveSchema)
    @blp.response(200, FlagSchema)
    def post(self, data, flag_id):
        """Moderators: hide the listing or conversation reported, or dismiss the report."""
        user = require_login()
        record = service.get_flag(user, flag_id)
        return presenters.present_flag(
            service.resolve_flag(user=user, record=record, action=data["action"], note=data["note"])
        )


@blp.route("/marketplace/exchanges")
class Exchanges(MethodView):
    @login_required
    @blp.arguments(ExchangeListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(ExchangeSchema))
    def get(self, status, limit, cursor):
        """My exchanges (given or received help), newest first."""
        user = require_login()
        query = service.search_exchanges(user=user, status=status)
        page = paginate(query, keys=[Exchange.id], limit=limit, cursor=cursor, descending=True)
        return {
            "items": [presenters.present_exchange(user, exchange) for exchange in page.items],
            "next_cursor": page.next_cursor,
        }

    @login_required
    @message_limit
    @blp.arguments(ExchangeCreateSchema)
    @blp.response(201, ExchangeSchema)
    def post(self, data):
        """Propose an exchange on a listing, with the minutes and a first message."""
        user = require_login()
        exchange = service.propose(
            user=user,
            listing_id=data["listing_id"],
            minutes=data["minutes"],
            message=data["message"],
        )
        return presenters.present_exchange(user, exchange)


@blp.route("/marketplace/exchanges/<int:exchange_id>")
class ExchangeDetail(MethodView):
    @login_required
    @blp.response(200, ExchangeSchema)
    def get(self, exchange_id):
        """One exchange: to its two parties (and to moderators once it is reported)."""
        user = require_login()
        return presenters.present_exchange(user, service.get_exchange(user, exchange_id))


def _action_view(action: str, doc: str):
    @login_required
    @blp.response(200, ExchangeSchema)
    def post(self, exchange_id):
        user = require_login()
        exchange = service.get_exchange(user, exchange_id)
        return presenters.present_exchange(
            user, service.act(user=user, exchange=exchange, action=action)
        )

    post.__doc__ = doc
    return type(f"Exchange{action.title()}", (MethodView,), {"post": post})


for _action, _doc in {
    "accept": "The person who did not propose accepts.",
    "decline": "The person who did not propose declines.",
    "cancel": "Either person cancels a proposed or accepted exchange.",
    "complete": "Whoever received the help confirms it; the agreed minutes move from their "
    "account to the helper's in the same step (409 below the floor: nothing changes).",
}.items():
    blp.route(f"/marketplace/exchanges/<int:exchange_id>/{_action}")(_action_view(_action, _doc))


register_message_routes(
    blp,
    "/marketplace/exchanges/<int:exchange_id>/messages",
    view_name="ExchangeMessages",
    load=service.get_exchange,
    write=lambda user, exchange, body: service.post_message(
        user=user, exchange=exchange, body=body
    ),
    docs=(
        "The private conversation of the exchange, newest first.",
        "Write to the other person; they receive it live (Socket.IO event `message`).",
    ),
)


@blp.route("/marketplace/exchanges/<int:exchange_id>/flags")
class ExchangeFlags(MethodView):
    @login_required
    @listing_limit
    @blp.arguments(FlagCreateSchema)
    @blp.response(201, FlagSchema)
    def post(self, data, exchange_id):
        """Report the conversation to the moderators; they may then read it."""
        user = require_login()
        exchange = service.get_exchange(user, exchange_id)
        return presenters.present_flag(
            service.flag(user=user, reason=data["reason"], exchange=exchange)
        )


@blp.route("/marketplace/exchanges/<int:exchange_id>/review")
class ExchangeReview(MethodView):
    @login_required
    @blp.arguments(ReviewCreateSchema)
    @blp.response(201, ReviewSchema)
    def post(self, data, exchange_id):
        """After completion, each person may review the other once (1–5 and a comment)."""
        user = require_login()
        exchange = service.get_exchange(user, exchange_id)
        review = service.review(
            user=user, exchange=exchange, rating=data["rating"], comment=data["comment"]
        )
        return {
            "id": review.id,
            "author": presenters.person(user),
            "rating": review.rating,
            "comment": review.comment,
            "created_at": review.created_at,
        }
