"""Keyset pagination: every row once, in order, whatever is inserted meanwhile."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from qc_platform.accounts.models import User
from qc_platform.core.errors import InvalidInput
from qc_platform.core.pagination import paginate
from tests.accounts.factories import UserFactory

PEOPLE = select(User).where(User.email.like("pagina%"))
BY_ID = [User.id]
BY_CREATED = [User.created_at, User.id]


def people(n: int, **kwargs) -> list[User]:
    return [UserFactory(email=f"pagina{i}@example.org", **kwargs) for i in range(n)]


def walk(keys, limit: int, descending: bool = False) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = paginate(PEOPLE, keys=keys, limit=limit, cursor=cursor, descending=descending)
        pages.append([user.id for user in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages
        assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)  # opaque and URL-safe
        assert len(pages) < 50, "pagination does not end"


def test_ascending_pages_cover_every_row_once():
    ids = [user.id for user in people(7)]
    assert walk(BY_ID, limit=3) == [ids[0:3], ids[3:6], ids[6:7]]


def test_a_last_full_page_has_no_next_cursor():
    ids = [user.id for user in people(6)]
    assert walk(BY_ID, limit=3) == [ids[0:3], ids[3:6]]
    assert walk(BY_ID, limit=6) == [ids]
    assert walk(BY_ID, limit=100) == [ids]


def test_no_rows_is_one_empty_page():
    page = paginate(PEOPLE, keys=BY_ID, limit=5, cursor=None)
    assert (page.items, page.next_cursor) == ([], None)


def test_descending_by_a_timestamp_with_ties_round_trips_the_cursor():
    base = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    # Three at a time share a timestamp: the id breaks the tie.
    users = [
        UserFactory(email=f"pagina{i}@example.org", created_at=base + timedelta(minutes=i // 3))
        for i in range(8)
    ]
    expected = [u.id for u in sorted(users, key=lambda u: (u.created_at, u.id), reverse=True)]
    for limit in (1, 2, 3, 5):
        pages = walk(BY_CREATED, limit=limit, descending=True)
        assert [uid for page in pages for uid in page] == expected, limit
        assert all(len(page) == limit for page in pages[:-1])


def test_a_row_inserted_between_pages_neither_repeats_nor_shifts_a_page():
    ids = [user.id for user in people(4)]
    first = paginate(PEOPLE, keys=BY_ID, limit=2, cursor=None, descending=True)
    assert [u.id for u in first.items] == [ids[3], ids[2]]
    newest = UserFactory(email="pagina-nuovo@example.org")
    second = paginate(PEOPLE, keys=BY_ID, limit=2, cursor=first.next_cursor, descending=True)
    assert [u.id for u in second.items] == [ids[1], ids[0]]
    assert newest.id not in [u.id for u in second.items]
    assert second.next_cursor is None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _tampered_cursors(valid: str) -> list[str]:
    decoded = json.loads(base64.urlsafe_b64decode(valid + "=" * (-len(valid) % 4)))
    return [
        "not base64 at all!",
        _b64(b"\xff\xfe\x00"),  # not UTF-8
        _b64(b"[1, 2"),  # not JSON
        _b64(b'{"id": 1}'),  # not a list
        _b64(json.dumps(decoded[:1]).encode()),  # too few keys
        _b64(json.dumps([*decoded, 1]).encode()),  # too many keys
        _b64(json.dumps(["yesterday", decoded[1]]).encode()),  # not a timestamp
        _b64(json.dumps([decoded[0], str(decoded[1])]).encode()),  # id as a string
        _b64(json.dumps([decoded[0], True]).encode()),  # id as a boolean
        _b64(json.dumps([decoded[0], 1.5]).encode()),  # id as a float
        _b64(json.dumps([None, decoded[1]]).encode()),
        _b64(json.dumps([1767225600, decoded[1]]).encode()),  # a number, not ISO 8601
        _b64(json.dumps(["2026-01-01T10:00:00", decoded[1]]).encode()),  # no offset
        # larger than any id: PostgreSQL's INTEGER (and SQLite's 64 bits) would overflow
        _b64(json.dumps([decoded[0], 2**31]).encode()),
        _b64(json.dumps([decoded[0], 10**30]).encode()),
        _b64(json.dumps([decoded[0], -(2**31) - 1]).encode()),
        _b64(json.dumps(["9999-12-31T23:59:59-14:00", decoded[1]]).encode()),  # no UTC time
    ]


def test_a_tampered_cursor_is_invalid_input():
    people(3)
    valid = paginate(PEOPLE, keys=BY_CREATED, limit=1, cursor=None).next_cursor
    assert paginate(PEOPLE, keys=BY_CREATED, limit=1, cursor=valid).items  # the genuine one works
    for cursor in _tampered_cursors(valid):
        with pytest.raises(InvalidInput) as caught:
            paginate(PEOPLE, keys=BY_CREATED, limit=1, cursor=cursor)
        assert caught.value.status_code == 422
        assert caught.value.errors == {"query": {"cursor": ["error.invalid_cursor"]}}, cursor


def test_a_cursor_of_another_ordering_is_refused():
    people(3)
    by_created = paginate(PEOPLE, keys=BY_CREATED, limit=1, cursor=None).next_cursor
    by_id = paginate(PEOPLE, keys=BY_ID, limit=1, cursor=None).next_cursor
    with pytest.raises(InvalidInput):
        paginate(PEOPLE, keys=BY_ID, limit=1, cursor=by_created)
    with pytest.raises(InvalidInput):
        paginate(PEOPLE, keys=BY_CREATED, limit=1, cursor=by_id)
