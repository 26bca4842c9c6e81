"""No e-mail address or phone number ever leaves the marketplace API.

A scene is played through the API (listings open, closed, hidden and withdrawn; exchanges
completed and reviewed, proposed, reported and hidden, reported and dismissed; messages
both ways; flags). Then each person calls every marketplace GET endpoint (found in the URL
map, so a new one is scanned without editing this file) with every id, and
``GET /notifications``, following every page: no response may hold anybody's e-mail
address, a field named like a contact, or a phone-like number.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select

from qc_platform.accounts.models import User
from qc_platform.extensions import db
from qc_platform.marketplace.models import Exchange, Flag, Listing
from tests.marketplace.helpers import (
    API,
    MARKET,
    act,
    create_listing,
    ok,
    post_message,
    propose,
    space_id,
)

PREFIXES = (f"{API}/marketplace", f"{API}/notifications")
VIEWERS = ("owner", "neighbour", "stranger", "operator", "other_operator", "staff")
# Query variants of the list endpoints, besides the bare one.
VARIANTS = {
    f"{MARKET}/listings": [
        {"status": "closed"},
        {"mine": "true"},
        {"mine": "true", "status": "closed"},
        {"q": "spesa"},
        {"limit": 1},
    ],
    f"{MARKET}/exchanges": [{"status": s} for s in ("proposed", "completed")] + [{"limit": 1}],
    f"{MARKET}/flags": [{"status": s} for s in ("hidden", "dismissed")],
    f"{API}/notifications": [{"unread": "true"}, {"limit": 1}],
}
CONTACT_KEY = re.compile(r"e-?mail|phone|telefono|cellulare|mobile", re.IGNORECASE)
PHONE = re.compile(r"(?:\+|\b00)?\d(?:[\s./-]?\d){7,}")


def _is_timestamp(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _strings(data, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, value) of every string in a JSON document."""
    if isinstance(data, dict):
        for name, value in data.items():
            yield from _strings(value, name)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item, key)
    elif isinstance(data, str):
        yield key, data


def leaks(text: str, emails: list[str]) -> list[str]:
    """What of the people's contact details ``text`` (headers, blank line, body) gives away."""
    lowered = text.lower()
    found = [f"e-mail {email}" for email in emails if email.lower() in lowered]
    try:
        data = json.loads(text.split("\n\n", 1)[-1])
    except ValueError:
        return [*found, "a body that is not JSON"]
    for key, value in _strings(data):
        # (Settings such as the e-mail preferences are booleans, not addresses.)
        if CONTACT_KEY.search(key):
            found.append(f"a contact field {key!r}")
        elif key != "next_cursor" and not _is_timestamp(value) and PHONE.search(value):
            found.append(f"a phone-like {value!r} in {key!r}")
    return found


def test_the_scan_notices_contact_details():
    emails = ["persona1@example.org"]
    assert leaks('h: v\n\n{"items": [{"note": "scrivi a Persona1@Example.org"}]}', emails)
    assert leaks('\n\n{"owner": {"id": 1, "email": "x"}}', [])
    assert not leaks('\n\n{"items": [{"kind": "x", "email": true}]}', [])
    assert leaks('\n\n{"body": "chiama il 333 123 4567"}', [])
    assert not leaks('\n\n{"created_at": "2026-01-02T10:00:00+00:00", "minutes": 1440}', emails)


# --- the scene -------------------------------------------------------------------------


@pytest.fixture
def scene(client, owner, neighbour, stranger, operator, other_operator, staff):
    people = {
        "owner": owner,
        "neighbour": neighbour,
        "stranger": stranger,
        "operator": operator,
        "other_operator": other_operator,
        "staff": staff,
    }
    boccioni = space_id("boccioni")
    offer = create_listing(client, owner, title="Aiuto con la spesa", space_id=boccioni)
    request = create_listing(client, owner, kind="request", title="Cerco chi annaffi le piante")
    closed = create_listing(client, neighbour, title="Lezioni di spesa consapevole")
    hidden = create_listing(client, neighbour, title="Annuncio da nascondere", space_id=boccioni)
    withdrawn = create_listing(client, stranger, title="Annuncio ritirato")
    ok(
        client.patch(
            f"{MARKET}/listings/{closed['id']}",
            json={"status": "closed"},
            headers=neighbour.headers,
        )
    )
    withdraw = client.delete(f"{MARKET}/listings/{withdrawn['id']}", headers=stranger.headers)
    assert withdraw.status_code == 204

    # A completed, reviewed exchange with messages both ways.
    done = ok(propose(client, neighbour, offer["id"], 90, "Posso venire io martedì"), 201)["id"]
    ok(act(client, owner, done, "accept"))
    ok(post_message(client, owner, done, "Perfetto, ti aspetto alle 10"), 201)
    ok(post_message(client, neighbour, done, "A martedì!"), 201)
    ok(act(client, neighbour, done, "complete"))
    for who, rating in ((owner, 5), (neighbour, 4)):
        ok(
            client.post(
                f"{MARKET}/exchanges/{done}/review",
                json={"rating": rating, "comment": "Grazie mille"},
                headers=who.headers,
            ),
            201,
        )
    # A reported conversation that staff hid, and one reported and dismissed.
    reported = ok(propose(client, stranger, request["id"], 30, "Ci penso io"), 201)["id"]
    ok(post_message(client, owner, reported, "Non scrivermi più"), 201)
    other = ok(propose(client, neighbour, request["id"], 20, "Anch'io"), 201)["id"]
    flags = [
        ok(
            client.post(
                f"{MARKET}/exchanges/{exchange}/flags",
                json={"reason": "Toni sgradevoli"},
                headers=owner.headers,
            ),
            201,
        )["id"]
        for exchange in (reported, other)
    ]
    ok(
        client.post(
            f"{MARKET}/flags/{flags[0]}/resolve", json={"action": "hide"}, headers=staff.headers
        )
    )
    ok(
        client.post(
            f"{MARKET}/flags/{flags[1]}/resolve", json={"action": "dismiss"}, headers=staff.headers
        )
    )
    # A reported listing that its space's operator hid, one still open.
    hide_flag = ok(
        client.post(
            f"{MARKET}/listings/{hidden['id']}/flags",
            json={"reason": "Fuori luogo"},
            headers=stranger.headers,
        ),
        201,
    )["id"]
    ok(
        client.post(
            f"{MARKET}/flags/{hide_flag}/resolve", json={"action": "hide"}, headers=operator.headers
        )
    )
    ok(
        client.post(
            f"{MARKET}/listings/{offer['id']}/flags",
            json={"reason": "Da verificare"},
            headers=stranger.headers,
        ),
        201,
    )
    return people


def _values(rule) -> dict[str, list]:
    """What to fill each argument of a GET rule with; an unknown argument fails the test."""
    known = {
        "listing_id": list(db.session.scalars(select(Listing.id))),
        "exchange_id": list(db.session.scalars(select(Exchange.id))),
        "flag_id": list(db.session.scalars(select(Flag.id))),
    }
    values = {}
    for name in sorted(rule.arguments):
        assert name in known, f"{rule.rule}: teach the privacy scan what to put in <{name}>"
        values[name] = known[name]
    return values


def get_urls(app) -> list[tuple[str, dict]]:
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or not rule.rule.startswith(PREFIXES):
            continue
        values = _values(rule)
        names = sorted(values)
        for combination in itertools.product(*(values[n] for n in names)):
            url = rule.build(dict(zip(names, combination, strict=True)))[1]
            urls += [(url, {}), *((url, variant) for variant in VARIANTS.get(url, []))]
    return urls


def responses(client, url: str, query: dict, headers) -> Iterator[tuple[int, str]]:
    """(status, headers and body) of a GET and of every further page it points to."""
    for _ in range(100):
        response = client.get(url, headers=headers, query_string=query)
        head = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
        yield response.status_code, f"{head}\n\n{response.get_data(as_text=True)}"
        data = response.get_json(silent=True)
        cursor = data.get("next_cursor") if isinstance(data, dict) else None
        if not cursor:
            return
        query = {**query, "cursor": cursor}
    raise AssertionError(f"{url}: more than 100 pages")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_marketplace_response_shows_an_e_mail_or_a_phone_number(app, client, scene, viewer):
    emails = list(db.session.scalars(select(User.email)))
    assert len(emails) >= len(VIEWERS)
    headers = scene[viewer].headers
    found, statuses, scanned = [], {}, 0
    for url, query in get_urls(app):
        for status, text in responses(client, url, query, headers):
            scanned += 1
            statuses.setdefault(url, status)
            found += [f"{url} {query} ({status}): {leak}" for leak in leaks(text, emails)]
    assert not found, "\n".join(found)

    # The scan did read what this person may read.
    assert statuses[f"{API}/notifications"] == 200
    exchange_ids = list(db.session.scalars(select(Exchange.id).order_by(Exchange.id)))
    done, reported, _ = exchange_ids
    readable = {
        "owner": {done, reported},
        "neighbour": {done},
        "stranger": {reported},
        "staff": {reported},  # reported conversations of a listing without a space
    }.get(viewer, set())
    for exchange_id in exchange_ids:
        status = statuses[f"{MARKET}/exchanges/{exchange_id}/messages"]
        if exchange_id in readable:
            assert status == 200, exchange_id
    assert scanned > 20


@pytest.mark.parametrize("viewer", ["owner", "neighbour", "stranger"])
def test_the_parties_were_notified_and_no_notification_holds_contact_details(client, scene, viewer):
    emails = list(db.session.scalars(select(User.email)))
    response = client.get(f"{API}/notifications", headers=scene[viewer].headers)
    items = ok(response)["items"]
    assert any(n["link"] and n["link"].startswith("/scambi/") for n in items)
    text = "\n\n" + response.get_data(as_text=True)
    assert leaks(text, emails) == []
