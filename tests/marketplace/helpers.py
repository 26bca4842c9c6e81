"""Helpers of the marketplace tests: people with tokens, and the API calls they make."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from qc_platform.extensions import db
from qc_platform.places.models import Complex, Organisation, Space
from tests.accounts.factories import bearer, user_with_roles

API = "/api/v1"
MARKET = f"{API}/marketplace"


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    name: str
    headers: dict[str, str]


def person(*grants, **kwargs) -> Person:
    """A signed-up user (with ``grants``) and a bearer token of theirs."""
    user = user_with_roles(*grants, **kwargs)
    return Person(user.id, user.email, user.display_name, bearer(user))


def space_id(slug: str) -> int:
    return db.session.scalar(select(Space.id).where(Space.slug == slug))


def complex_id(code: str) -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == code))


def organisation_id(slug: str) -> int:
    return db.session.scalar(select(Organisation.id).where(Organisation.slug == slug))


def ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.get_json())
    return response.get_json()


def refused(response, status: int) -> dict:
    """The error in the one JSON shape of the API."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    body = response.get_json()
    assert body["code"] == status
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    return body


LISTING = {
    "kind": "offer",
    "title": "Aiuto con la spesa",
    "description": "Posso portare la spesa a chi ha difficoltà a uscire.",
    "category": "errands",
}


def create_listing(client, who: Person, **fields) -> dict:
    response = client.post(f"{MARKET}/listings", json={**LISTING, **fields}, headers=who.headers)
    return ok(response, 201)


def propose(client, who: Person, listing_id: int, minutes: int = 60, message: str = "Ciao!"):
    return client.post(
        f"{MARKET}/exchanges",
        json={"listing_id": listing_id, "minutes": minutes, "message": message},
        headers=who.headers,
    )


def act(client, who: Person, exchange_id: int, action: str):
    return client.post(f"{MARKET}/exchanges/{exchange_id}/{action}", headers=who.headers)


def get_exchange(client, who: Person, exchange_id: int):
    return client.get(f"{MARKET}/exchanges/{exchange_id}", headers=who.headers)


def post_message(client, who: Person, exchange_id: int, body: str):
    return client.post(
        f"{MARKET}/exchanges/{exchange_id}/messages", json={"body": body}, headers=who.headers
    )


def messages(client, who: Person, exchange_id: int) -> list[dict]:
    response = client.get(
        f"{MARKET}/exchanges/{exchange_id}/messages",
        headers=who.headers,
        query_string={"limit": 100},
    )
    return ok(response)["items"]


def notifications(client, who: Person) -> list[dict]:
    response = client.get(f"{API}/notifications", headers=who.headers, query_string={"limit": 100})
    return ok(response)["items"]


def account(client, who: Person) -> dict:
    return ok(client.get(f"{API}/timebank/accounts/me", headers=who.headers))


def balance(client, who: Person) -> int:
    return account(client, who)["balance_minutes"]
