"""Private conversations: a thread of messages whose owner decides who takes part.

An exchange owns one; so does a catalogue service request. The owner checks access
before calling in here and names the recipients of each new message; this module keeps
the messages, refuses new ones in a thread a moderator has hidden, and announces each
message (notifications make it a live event and a notification).
"""

from __future__ import annotations

from sqlalchemy import select

from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict
from qc_platform.core.pagination import paginate
from qc_platform.extensions import db
from qc_platform.marketplace import signals
from qc_platform.marketplace.models import Conversation, Message

BODY_MAX = 2000


def open_conversation() -> Conversation:
    conversation = Conversation()
    db.session.add(conversation)
    db.session.flush()
    return conversation


def post(
    *, conversation: Conversation, author, body: str, recipient_ids, link: str, subject: str
) -> Message:
    if conversation.hidden_at is not None:
        raise Conflict("marketplace.conversation_hidden")
    message = Message(conversation_id=conversation.id, author_id=author.id, body=body.strip())
    db.session.add(message)
    db.session.flush()
    signals.message_posted.send(
        message,
        recipient_ids=[user_id for user_id in recipient_ids if user_id != author.id],
        link=link,
        subject=subject,
    )
    return message


def hide(*, conversation: Conversation, moderator) -> None:
    if conversation.hidden_at is None:
        conversation.hidden_at = utcnow()
        conversation.hidden_by_id = moderator.id


def message_page(conversation: Conversation, viewer, *, limit: int, cursor) -> dict:
    """A page of the conversation's messages, newest first, as ``viewer`` sees them."""
    page = paginate(
        select(Message).where(Message.conversation_id == conversation.id),
        keys=[Message.id],
        limit=limit,
        cursor=cursor,
        descending=True,
    )
    return {
        "items": [present_message(message, conversation, viewer) for message in page.items],
        "next_cursor": page.next_cursor,
    }


def present_message(message: Message, conversation: Conversation, viewer) -> dict:
    hidden = conversation.hidden_at is not None
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "author": {"id": message.author.id, "display_name": message.author.display_name},
        "mine": message.author_id == viewer.id,
        "body": None if hidden else message.body,
        "hidden": hidden,
        "created_at": message.created_at,
    }
