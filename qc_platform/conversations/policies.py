"""What a conversation itself allows, whoever owns it.

Who takes part is the owner's rule (an exchange's two parties, a request's requester and
operators): the owner checks it before calling in here. What is left to the conversation
is its own state: once a moderator hides it, its messages are no longer shown and no new
one is accepted.
"""

from __future__ import annotations

from qc_platform.conversations.models import Conversation


def is_hidden(conversation: Conversation) -> bool:
    return conversation.hidden_at is not None


def accepts_messages(conversation: Conversation) -> bool:
    return not is_hidden(conversation)
