"""What the API shows of a conversation: names only, never an e-mail address or phone
number; the bodies of a hidden conversation are blanked for everyone."""

from __future__ import annotations

from qc_platform.conversations import policies
from qc_platform.conversations.models import Conversation, Message
from qc_platform.core.pagination import Page


def party(user) -> dict:
    return {"id": user.id, "display_name": user.display_name}


def present_message(message: Message, conversation: Conversation, viewer) -> dict:
    hidden = policies.is_hidden(conversation)
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "author": party(message.author),
        "mine": message.author_id == viewer.id,
        "body": None if hidden else message.body,
        "hidden": hidden,
        "created_at": message.created_at,
    }


def present_page(page: Page, conversation: Conversation, viewer) -> dict:
    return {
        "items": [present_message(message, conversation, viewer) for message in page.items],
        "next_cursor": page.next_cursor,
    }


def live_message(message: Message, link: str) -> dict:
    """The live event ``message`` of a new message, as its recipients' open pages get it."""
    return {
        "conversation_id": message.conversation_id,
        "link": link,
        "message": {
            "id": message.id,
            "conversation_id": message.conversation_id,
            "author": party(message.author),
            "mine": False,
            "body": message.body,
            "hidden": False,
            "created_at": message.created_at.isoformat(),
        },
    }
