"""The message routes every owner of a conversation registers (an exchange's, a service
request's): the same behaviour at both addresses — two sides writing, bounded bodies, pages
newest first, a conversation a moderator hid, notifications to the other side."""

from __future__ import annotations

import pytest

from qc_platform.conversations import service as conversations
from tests.accounts.factories import persist
from tests.conversations.conftest import Thread
from tests.marketplace.helpers import API, notifications, ok, person, refused


def write(client, thread: Thread, who, body):
    return client.post(thread.url, json={"body": body}, headers=who.headers)


def bodies(client, thread: Thread, who) -> list[str | None]:
    page = ok(client.get(thread.url, headers=who.headers, query_string={"limit": 100}))
    return [m["body"] for m in page["items"]]


def test_the_two_sides_write_to_each_other(client, thread):
    sent = ok(write(client, thread, thread.second, "  Grazie! Va bene giovedì?  "), 201)
    assert (sent["body"], sent["mine"], sent["hidden"]) == ("Grazie! Va bene giovedì?", True, False)
    assert sent["author"] == {"id": thread.second.id, "display_name": thread.second.name}
    assert sent["conversation_id"] == thread.conversation_id
    ok(write(client, thread, thread.first, "Perfetto, alle 17"), 201)

    for who in (thread.first, thread.second):
        page = ok(client.get(thread.url, headers=who.headers, query_string={"limit": 100}))
        assert [m["body"] for m in page["items"]] == [
            "Perfetto, alle 17",
            "Grazie! Va bene giovedì?",
            *thread.initial,
        ]
        assert [m["mine"] for m in page["items"]] == [
            m["author"]["id"] == who.id for m in page["items"]
        ]
        assert "@" not in str(page)  # names only, never an e-mail address


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001, None, 42])
def test_empty_or_too_long_messages_are_refused(client, thread, body):
    refused(write(client, thread, thread.first, body), 422)
    assert bodies(client, thread, thread.first) == list(thread.initial)


def test_the_longest_message_is_accepted(client, thread):
    assert len(ok(write(client, thread, thread.first, "x" * 2000), 201)["body"]) == 2000


def test_messages_come_in_pages_newest_first(client, thread):
    for n in range(4):
        who = thread.second if n % 2 else thread.first
        ok(write(client, thread, who, f"Messaggio {n}"), 201)
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = ok(client.get(thread.url, headers=thread.first.headers, query_string=query))
        assert len(page["items"]) <= 2
        seen += [m["body"] for m in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Messaggio {n}" for n in (3, 2, 1, 0)] + list(thread.initial)


def test_anonymous_callers_and_outsiders_get_nothing(client, thread):
    ok(write(client, thread, thread.first, "Riservato"), 201)
    refused(client.get(thread.url), 401)
    refused(client.post(thread.url, json={"body": "Ciao"}), 401)
    refused(client.get(thread.url, headers=thread.outsider.headers), 404)
    refused(write(client, thread, thread.outsider, "Ciao a tutti"), 404)
    assert bodies(client, thread, thread.first)[0] == "Riservato"


def test_the_conversation_of_an_unknown_owner_is_not_found(client, thread):
    unknown = thread.url.rsplit("/", 2)[0] + "/999999/messages"
    refused(client.get(unknown, headers=thread.first.headers), 404)
    refused(client.post(unknown, json={"body": "Ciao"}, headers=thread.first.headers), 404)


def test_a_hidden_conversation_shows_no_text_and_takes_no_message(client, thread):
    ok(write(client, thread, thread.first, "Un messaggio da nascondere"), 201)
    conversations.hide(conversation=thread.conversation(), moderator=thread.outsider)
    persist()

    for who in (thread.first, thread.second):
        page = ok(client.get(thread.url, headers=who.headers, query_string={"limit": 100}))
        assert [(m["body"], m["hidden"]) for m in page["items"]] == [(None, True)] * (
            1 + len(thread.initial)
        )
        assert "Un messaggio da nascondere" not in str(page)
    body = refused(write(client, thread, thread.second, "Ci sei?"), 409)
    assert body["message"] == "Questa conversazione è stata chiusa dai moderatori."
    english = client.post(
        thread.url,
        json={"body": "Hello?"},
        headers={**thread.second.headers, "Accept-Language": "en"},
    )
    assert refused(english, 409)["message"] == "This conversation was closed by the moderators."
    assert len(bodies(client, thread, thread.first)) == 1 + len(thread.initial)


def test_the_other_side_is_notified_with_the_owners_link(client, thread):
    def messages_notes(who):
        return [
            (n["title"], n["body"], n["link"])
            for n in notifications(client, who)
            if n["kind"] == "conversation.message"
        ]

    ok(write(client, thread, thread.first, "Posso passare alle 17?"), 201)
    expected = (f"Nuovo messaggio da {thread.first.name}", thread.subject, thread.link)
    assert messages_notes(thread.second) == [expected]
    assert messages_notes(thread.first) == []  # never to the author
    assert messages_notes(thread.outsider) == []


def test_the_private_messages_kind_is_among_everyones_preferences(client):
    headers = person().headers
    items = ok(client.get(f"{API}/notifications/preferences", headers=headers))["items"]
    (kind,) = [item for item in items if item["kind"] == "conversation.message"]
    assert (kind["name"], kind["email"]) == ("Messaggi privati", False)
