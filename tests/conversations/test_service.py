"""The conversations service on its own, whoever owns the conversation: messages kept and
announced, a hidden conversation closed, pages newest first, what the API and the live
channel show of a message."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from qc_platform.conversations import policies, presenters, service, signals
from qc_platform.conversations.models import Message
from qc_platform.core.errors import Conflict
from qc_platform.extensions import db
from tests.accounts.factories import UserFactory


@contextmanager
def announced():
    """The ``message_posted`` signals sent meanwhile, as (message, keyword arguments)."""
    sent = []

    def receiver(message, **kwargs):
        sent.append((message, kwargs))

    with signals.message_posted.connected_to(receiver):
        yield sent


def post(conversation, author, body="Ciao", recipient_ids=()):
    return service.post_message(
        conversation=conversation,
        author=author,
        body=body,
        recipient_ids=recipient_ids,
        link="/qualcosa/1",
        subject="Di cosa si parla",
    )


def test_a_message_is_kept_stripped_and_announced_to_the_others_only():
    conversation = service.open_conversation()
    author, other = UserFactory(), UserFactory()
    with announced() as sent:
        message = post(conversation, author, "  Buongiorno!\n", [author.id, other.id])
    assert (message.body, message.author_id) == ("Buongiorno!", author.id)
    assert db.session.get(Message, message.id).conversation_id == conversation.id
    ((announced_message, details),) = sent
    assert announced_message is message
    assert details == {
        "recipient_ids": [other.id],  # never the author
        "link": "/qualcosa/1",
        "subject": "Di cosa si parla",
    }


def test_a_hidden_conversation_takes_no_message_and_announces_nothing():
    conversation = service.open_conversation()
    author, moderator = UserFactory(), UserFactory()
    post(conversation, author, "Prima")
    service.hide(conversation=conversation, moderator=moderator)
    assert not policies.accepts_messages(conversation)
    with announced() as sent, pytest.raises(Conflict) as refused:
        post(conversation, author, "Dopo")
    assert refused.value.message_key == "conversations.hidden"
    assert sent == []
    assert [
        m.body for m in service.message_page(conversation=conversation, limit=10, cursor=None).items
    ] == ["Prima"]


def test_hiding_twice_keeps_who_hid_it_first_and_when():
    conversation = service.open_conversation()
    first, second = UserFactory(), UserFactory()
    service.hide(conversation=conversation, moderator=first)
    when = conversation.hidden_at
    service.hide(conversation=conversation, moderator=second)
    assert (conversation.hidden_at, conversation.hidden_by_id) == (when, first.id)


def test_pages_are_newest_first_and_only_of_their_conversation():
    mine, other = service.open_conversation(), service.open_conversation()
    author = UserFactory()
    for n in range(5):
        post(mine, author, f"Messaggio {n}")
    post(other, author, "Altrove")
    seen, cursor = [], None
    while True:
        page = service.message_page(conversation=mine, limit=2, cursor=cursor)
        seen += [message.body for message in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [f"Messaggio {n}" for n in (4, 3, 2, 1, 0)]


def test_what_the_api_shows_of_a_message_before_and_after_hiding():
    conversation = service.open_conversation()
    author, reader = UserFactory(display_name="Anna Autrice"), UserFactory()
    message = post(conversation, author, "Testo")
    shown = presenters.present_message(message, conversation, reader)
    assert shown == {
        "id": message.id,
        "conversation_id": conversation.id,
        "author": {"id": author.id, "display_name": "Anna Autrice"},
        "mine": False,
        "body": "Testo",
        "hidden": False,
        "created_at": message.created_at,
    }
    assert presenters.present_message(message, conversation, author)["mine"] is True
    service.hide(conversation=conversation, moderator=reader)
    hidden = presenters.present_message(message, conversation, author)
    assert (hidden["body"], hidden["hidden"]) == (None, True)


def test_the_live_event_carries_the_message_and_the_owners_link():
    conversation = service.open_conversation()
    author = UserFactory(display_name="Anna Autrice")
    message = post(conversation, author, "Arrivo")
    assert presenters.live_message(message, "/scambi/7") == {
        "conversation_id": conversation.id,
        "link": "/scambi/7",
        "message": {
            "id": message.id,
            "conversation_id": conversation.id,
            "author": {"id": author.id, "display_name": "Anna Autrice"},
            "mine": False,
            "body": "Arrivo",
            "hidden": False,
            "created_at": message.created_at.isoformat(),
        },
    }
    assert author.email not in repr(presenters.live_message(message, "/scambi/7"))
