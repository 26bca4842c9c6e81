"""Live messages: the other person's open page receives each message once it is committed.

The application runs on a free port of 127.0.0.1 in a thread, on a database of its own
(SQLite, or a throw-away PostgreSQL database when the suite runs on PostgreSQL), and real
python-socketio clients connect to it over HTTP, as a browser would.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from flask import Flask
from socketio import Client as SocketIOClient
from sqlalchemy import create_engine, select
from werkzeug.serving import make_server

from qc_platform.accounts import service as accounts
from qc_platform.config import normalise_database_url
from qc_platform.conversations import service as conversations
from qc_platform.conversations.models import Message
from qc_platform.extensions import db, socketio
from qc_platform.marketplace.models import Exchange
from tests.accounts.factories import UserFactory, persist
from tests.conftest import make_test_app

TIMEOUT = 10


@dataclass
class LiveServer:
    app: Flask
    url: str
    database_url: str
    tokens: dict[str, str]  # by person
    ids: dict[str, int]
    emails: list[str]

    def call(self, method: str, path: str, who: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return requests.request(
            method, f"{self.url}/api/v1{path}", headers=headers, timeout=TIMEOUT, **kwargs
        )


@pytest.fixture
def live_database(tmp_path) -> Iterator[str]:
    if os.environ.get("QC_TEST_DATABASE_URL"):
        from tests.conftest import _postgres_database

        databases = _postgres_database()
        try:
            yield next(databases)
        finally:
            databases.close()  # drops it
    else:
        yield "sqlite:///" + str(tmp_path / "live.sqlite3")


@pytest.fixture
def live_server(live_database, tmp_path, frontend_dist, extension_state) -> Iterator[LiveServer]:
    live_app = make_test_app(live_database, frontend_dist, tmp_path / "instance")
    sio_server = socketio.server  # the live app's Socket.IO server
    # A ping every second: the client may lose its closing packet and then waits for a ping.
    sio_server.eio.ping_interval = 1
    result = live_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    tokens, ids, emails = {}, {}, []
    with live_app.app_context():
        from qc_platform.cli import seed_reference_data

        seed_reference_data()
        for name in ("owner", "neighbour", "stranger"):
            user = UserFactory(display_name=f"Persona {name}")
            _, tokens[name] = accounts.issue_token(user=user, name="live")
            ids[name] = user.id
            emails.append(user.email)
        persist()
        db.session.remove()

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="qc-live-market", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            live_app,
            f"http://127.0.0.1:{server.server_port}",
            normalise_database_url(live_database),
            tokens,
            ids,
            emails,
        )
    finally:
        server.shutdown()
        thread.join(timeout=TIMEOUT)
        server.server_close()
        sio_server.shutdown()
        with live_app.app_context():
            db.engine.dispose()


class Listener:
    """A real python-socketio client that collects `message` and `notification` events.

    On each `message` it looks, over a connection of its own, whether the message is
    already in the database: the event must follow the commit, never precede it.
    """

    def __init__(self, database_url: str):
        self.client = SocketIOClient(reconnection=False)
        self.messages: queue.Queue[tuple[dict, bool]] = queue.Queue()
        self.notifications: queue.Queue[dict] = queue.Queue()
        self._engine = create_engine(database_url)
        self.client.on("message", self._on_message)
        self.client.on("notification", self.notifications.put)

    def _on_message(self, data: dict) -> None:
        with self._engine.connect() as connection:
            stored = connection.scalar(
                select(Message.body).where(Message.id == data["message"]["id"])
            )
        self.messages.put((data, stored == data["message"]["body"]))

    def connect(self, server: LiveServer, who: str) -> None:
        self.client.connect(
            server.url,
            headers={"Origin": server.url},
            auth={"token": server.tokens[who]},
            transports=["polling"],
            wait_timeout=TIMEOUT,
        )
        assert self.client.connected

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()
        self._engine.dispose()


@pytest.fixture
def listeners(live_server):
    made: list[Listener] = []

    def factory(who: str) -> Listener:
        listener = Listener(live_server.database_url)
        made.append(listener)
        listener.connect(live_server, who)
        return listener

    yield factory
    for listener in made:
        listener.close()


def _exchange(live: LiveServer) -> int:
    listing = live.call(
        "POST",
        "/marketplace/listings",
        "owner",
        json={
            "kind": "offer",
            "title": "Aiuto con il computer",
            "description": "Installo programmi e spiego come usarli.",
            "category": "digital",
        },
    )
    assert listing.status_code == 201, listing.text
    proposal = live.call(
        "POST",
        "/marketplace/exchanges",
        "neighbour",
        json={"listing_id": listing.json()["id"], "minutes": 60, "message": "Mi serve!"},
    )
    assert proposal.status_code == 201, proposal.text
    return proposal.json()["id"]


@pytest.mark.no_db
def test_the_other_person_receives_the_message_live_after_the_commit(live_server, listeners):
    exchange_id = _exchange(live_server)
    owner, author, stranger = listeners("owner"), listeners("neighbour"), listeners("stranger")

    # A refused message announces nothing: the first event is the accepted one.
    invalid = live_server.call(
        "POST", f"/marketplace/exchanges/{exchange_id}/messages", "neighbour", json={"body": " "}
    )
    assert invalid.status_code == 422
    posted = live_server.call(
        "POST",
        f"/marketplace/exchanges/{exchange_id}/messages",
        "neighbour",
        json={"body": "Arrivo alle 18, va bene?"},
    )
    assert posted.status_code == 201, posted.text
    sent = posted.json()

    event, committed = owner.messages.get(timeout=TIMEOUT)
    assert committed, "the event arrived before the message was in the database"
    assert event["link"] == f"/scambi/{exchange_id}"
    assert event["conversation_id"] == sent["conversation_id"]
    message = event["message"]
    assert (message["id"], message["body"], message["mine"], message["hidden"]) == (
        sent["id"],
        "Arrivo alle 18, va bene?",
        False,
        False,
    )
    assert message["author"] == {
        "id": live_server.ids["neighbour"],
        "display_name": "Persona neighbour",
    }
    assert not any(email in repr(event) for email in live_server.emails)

    # Its notification arrives too (the owner connected after the proposal).
    notification = owner.notifications.get(timeout=TIMEOUT)
    assert (notification["kind"], notification["link"]) == (
        "conversation.message",
        f"/scambi/{exchange_id}",
    )
    # The owner's answer reaches the author, which also proves the author's client was
    # listening all along and got nothing before it.
    answer = live_server.call(
        "POST",
        f"/marketplace/exchanges/{exchange_id}/messages",
        "owner",
        json={"body": "Sì, a dopo"},
    )
    assert answer.status_code == 201
    event, committed = author.messages.get(timeout=TIMEOUT)
    assert committed and event["message"]["id"] == answer.json()["id"]
    assert author.messages.empty()
    assert stranger.messages.empty() and stranger.notifications.empty()
    assert owner.messages.empty()
    assert owner.notifications.empty()


@pytest.mark.no_db
def test_a_hidden_conversation_sends_nothing_live(live_server, listeners):
    exchange_id = _exchange(live_server)
    owner = listeners("owner")
    # Reported, then hidden by staff, directly in the database (no staff user here).
    flag = live_server.call(
        "POST", f"/marketplace/exchanges/{exchange_id}/flags", "owner", json={"reason": "Spam"}
    )
    assert flag.status_code == 201
    with live_server.app.app_context():
        exchange = db.session.get(Exchange, exchange_id)
        conversations.hide(conversation=exchange.conversation, moderator=exchange.provider)
        db.session.commit()
        db.session.remove()

    refused = live_server.call(
        "POST",
        f"/marketplace/exchanges/{exchange_id}/messages",
        "neighbour",
        json={"body": "Ci sei?"},
    )
    assert refused.status_code == 409
    # Another exchange's message does come through: the channel works, and it is first.
    other = _other_exchange(live_server)
    live_server.call(
        "POST", f"/marketplace/exchanges/{other}/messages", "neighbour", json={"body": "Ciao"}
    )
    event, _ = owner.messages.get(timeout=TIMEOUT)
    assert event["link"] == f"/scambi/{other}"


def _other_exchange(live: LiveServer) -> int:
    listing = live.call(
        "POST",
        "/marketplace/listings",
        "owner",
        json={
            "kind": "request",
            "title": "Cerco compagnia",
            "description": "Una passeggiata al parco.",
            "category": "company",
        },
    )
    proposal = live.call(
        "POST",
        "/marketplace/exchanges",
        "neighbour",
        json={"listing_id": listing.json()["id"], "minutes": 30, "message": "Vengo io"},
    )
    assert proposal.status_code == 201, proposal.text
    return proposal.json()["id"]
