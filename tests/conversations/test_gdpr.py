"""Conversations' part of the GDPR export and erasure: the messages a person wrote are in
their export; once they erase their account the texts are neutral, the thread still reads
in order and the other side's messages are untouched."""

from __future__ import annotations

from qc_platform.accounts.gdpr import ERASED_MESSAGE
from tests.conftest import TEST_PASSWORD
from tests.marketplace.helpers import (
    API,
    complex_id,
    create_listing,
    messages,
    ok,
    person,
    post_message,
    propose,
)


def _neighbours():
    boccioni = ("tenant", "complex", complex_id("boccioni"))
    return person(boccioni, display_name="Ernesta Cancellanda"), person(boccioni)


def test_my_messages_are_in_my_export(client):
    erin, neighbour = _neighbours()
    listing = create_listing(client, neighbour, title="Aiuto col trasloco")
    exchange = ok(propose(client, erin, listing["id"], message="Posso venire sabato."), 201)
    ok(post_message(client, neighbour, exchange["id"], "Perfetto, alle 10?"), 201)
    ok(post_message(client, erin, exchange["id"], "Sì, alle 10."), 201)

    mine = ok(client.get(f"{API}/users/me/export", headers=erin.headers))["modules"]
    written = mine["conversations"]["messages_written"]
    assert [m["body"] for m in written] == ["Posso venire sabato.", "Sì, alle 10."]
    theirs = ok(client.get(f"{API}/users/me/export", headers=neighbour.headers))["modules"]
    assert [m["body"] for m in theirs["conversations"]["messages_written"]] == [
        "Perfetto, alle 10?"
    ]


def test_after_erasure_my_texts_are_neutral_and_the_thread_reads_in_order(client):
    erin, neighbour = _neighbours()
    listing = create_listing(client, neighbour, title="Aiuto col trasloco")
    exchange = ok(propose(client, erin, listing["id"], message="Posso venire sabato."), 201)
    ok(post_message(client, neighbour, exchange["id"], "Perfetto, alle 10?"), 201)
    ok(post_message(client, erin, exchange["id"], "Sì, alle 10."), 201)

    erased = client.delete(
        f"{API}/users/me", json={"password": TEST_PASSWORD}, headers=erin.headers
    )
    assert erased.status_code == 204

    thread = messages(client, neighbour, exchange["id"])  # newest first
    assert [(m["author"]["display_name"], m["body"]) for m in thread] == [
        ("Persona cancellata", ERASED_MESSAGE),
        (neighbour.name, "Perfetto, alle 10?"),
        ("Persona cancellata", ERASED_MESSAGE),
    ]
