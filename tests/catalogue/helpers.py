"""Helpers of the catalogue tests: services published through the API, requests, clocks."""

from __future__ import annotations

from datetime import datetime

from qc_platform.core.clock import ROME
from tests.marketplace.helpers import API, Person, ok

CATALOGUE = f"{API}/catalogue"
SERVICES = f"{CATALOGUE}/services"
REQUESTS = f"{CATALOGUE}/requests"

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Open every day, all day: "open now" then depends only on holidays, closures and status.
ALWAYS = {day: [["00:00", "24:00"]] for day in DAYS}
OFFICE_HOURS = {"mon": [["09:00", "12:30"], ["15:00", "18:00"]], "thu": [["15:00", "18:00"]]}


def rome(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


def service_body(organisation_id: int, /, **fields) -> dict:
    body = {
        "organisation_id": organisation_id,
        "title": "Sartoria di quartiere",
        "description": "Orli, cerniere e piccole riparazioni.",
        "category": "tailoring",
        "price_model": "free",
        "languages": ["it"],
        "availability": OFFICE_HOURS,
    }
    body.update(fields)
    return body


def publish(client, who: Person, organisation_id: int, /, **fields) -> dict:
    response = client.post(
        SERVICES, json=service_body(organisation_id, **fields), headers=who.headers
    )
    return ok(response, 201)


def patch_service(client, who: Person, service_id: int, **fields):
    return client.patch(f"{SERVICES}/{service_id}", json=fields, headers=who.headers)


def get_service(client, service_id: int, who: Person | None = None) -> dict:
    headers = who.headers if who is not None else {}
    return ok(client.get(f"{SERVICES}/{service_id}", headers=headers))


def search(client, **query) -> list[dict]:
    """Every service the search finds, all pages walked."""
    items, cursor = [], None
    while True:
        params = {**query, "limit": 100}
        if cursor:
            params["cursor"] = cursor
        page = ok(client.get(SERVICES, query_string=params))
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def found_ids(client, **query) -> set[int]:
    return {item["id"] for item in search(client, **query)}


def ask(client, who: Person, service_id: int, message="Ho dei pantaloni da accorciare.", **extra):
    headers = {**who.headers, **extra.pop("headers", {})}
    body = {"message": message, **extra}
    return client.post(f"{SERVICES}/{service_id}/requests", json=body, headers=headers)


def act(client, who: Person, request_id: int, action: str, body: dict | None = None):
    return client.post(f"{REQUESTS}/{request_id}/{action}", json=body, headers=who.headers)


def get_request(client, who: Person, request_id: int):
    return client.get(f"{REQUESTS}/{request_id}", headers=who.headers)
