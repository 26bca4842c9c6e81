"""The message routes of a conversation, for the domain that owns it to register.

Conversations have no blueprint of their own: a conversation is read where its owner is
(``/marketplace/exchanges/<id>/messages``, ``/catalogue/requests/<id>/messages``), and only
the owner knows who may see it. :func:`register_message_routes` adds the two views to the
owner's blueprint; the owner gives how to load itself for a user (its 404 when the user may
not see it) and how a user writes in it (who may, who hears of it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from qc_platform.conversations import presenters, service
from qc_platform.conversations.models import Message
from qc_platform.conversations.schemas import MessageCreateSchema, MessageSchema
from qc_platform.core.limits import per_user_limit
from qc_platform.core.pagination import PaginationArgsSchema, page_schema
from qc_platform.core.permissions import login_required, require_login

# The scope keeps the name it had when the marketplace alone had conversations, so that the
# counters already kept (in Redis) go on counting.
message_limit = per_user_limit("QC_MESSAGE_RATE_LIMIT", scope="marketplace-messages")

#: ``load(user, **view_args)``: the owner (an object with a ``conversation``) as ``user``
#: may see it, or the owner's NotFound.
Load = Callable[..., Any]
#: ``write(user, owner, body)``: the owner's service posts the message (who may write,
#: who hears of it) and returns it.
Write = Callable[[Any, Any, str], Message]


def register_message_routes(
    blp: Blueprint, rule: str, *, view_name: str, load: Load, write: Write, docs: tuple[str, str]
) -> type[MethodView]:
    """Register ``GET`` (a page of messages, newest first) and ``POST`` (write one) at
    ``rule`` of ``blp``, as the view class ``view_name`` (its endpoint). ``docs``: the two
    operations' descriptions, GET's and POST's."""

    def get(self, limit, cursor, **view_args):
        user = require_login()
        owner = load(user, **view_args)
        page = service.message_page(conversation=owner.conversation, limit=limit, cursor=cursor)
        return presenters.present_page(page, owner.conversation, user)

    def post(self, data, **view_args):
        user = require_login()
        owner = load(user, **view_args)
        message = write(user, owner, data["body"])
        return presenters.present_message(message, owner.conversation, user)

    # Named as if written in the owner's routes module: the OpenAPI document reads the
    # docstrings, and the rate limiter keys its limits by these names.
    for function, doc in zip((get, post), docs, strict=True):
        function.__module__ = blp.import_name
        function.__qualname__ = f"{view_name}.{function.__name__}"
        function.__doc__ = doc

    get = blp.response(200, page_schema(MessageSchema))(get)
    get = blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)(get)
    get = login_required(get)
    post = blp.response(201, MessageSchema)(post)
    post = blp.arguments(MessageCreateSchema)(post)
    post = message_limit(post)
    post = login_required(post)

    view = type(view_name, (MethodView,), {"get": get, "post": post, "__module__": blp.import_name})
    blp.route(rule)(view)
    return view
