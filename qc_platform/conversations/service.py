"""Private conversations: a thread of messages whose owner decides who takes part.

An exchange owns one; so does a catalogue service request. The owner checks access
before calling in here and names the recipients of each new message; this module keeps
the messages, refuses new ones in a thread a moderator has hidden, and announces each
message (its notifications make it a live event and a notification).
"""

from __future__ import annotations

from sqlalchemy import select

from qc_platform.conversations import (
    messages,  # noqa: F401 - registers the texts
    policies,
    signals,
)
from qc_platform.conversations.models import Conversation, Message
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict
from qc_platform.core.pagination import Page, paginate
from qc_platform.extensions import db

#: The longest message, in characters (a proposal's or a request's first one too).
BODY_MAX = 2000


def open_conversation() -> Conversation:
    conversation = Conversation()
    db.session.add(conversation)
    db.session.flush()
    return conversation


def post_message(
    *, conversation: Conversation, author, body: str, recipient_ids, link: str, subject: str
) -> Message:
    """Add ``author``'s message (stripped) unless a moderator hid the conversation (409),
    and announce it to ``recipient_ids`` (never to the author), pointing at ``link``."""
    if not policies.accepts_messages(conversation):
        raise Conflict("conversations.hidden")
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
    """A moderator closes the conversation: its messages are blanked, no new ones come."""
    if conversation.hidden_at is None:
        conversation.hidden_at = utcnow()
        conversation.hidden_by_id = moderator.id


def message_page(*, conversation: Conversation, limit: int, cursor) -> Page:
    """A page of the conversation's messages, newest first."""
    return paginate(
        select(Message).where(Message.conversation_id == conversation.id),
        keys=[Message.id],
        limit=limit,
        cursor=cursor,
        descending=True,
    )
