"""Cursor (keyset) pagination over ``select()``: ``{"items": [...], "next_cursor": ...}``.

The cursor is an opaque, URL-safe encoding of the sort key of the last item, so a
page costs one query however deep the client has scrolled, and rows inserted
meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, literal, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from qc_platform.core.errors import InvalidInput
from qc_platform.core.schemas import MAX_INT
from qc_platform.extensions import db

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class PaginationArgsSchema(Schema):
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Page size, 1–{MAX_LIMIT}."},
    )
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=500),
        metadata={"description": "Opaque cursor from a previous page's `next_cursor`."},
    )


@cache
def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope of ``item_schema``, one class per item schema (OpenAPI names)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "next_cursor": fields.String(allow_none=True, required=True),
        },
    )


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    raw = json.dumps(
        [v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, keys: list[InstrumentedAttribute]) -> list[Any]:
    invalid = InvalidInput(
        "error.invalid_cursor", errors={"query": {"cursor": ["error.invalid_cursor"]}}
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid from None
    if not isinstance(values, list) or len(values) != len(keys):
        raise invalid
    decoded = []
    for key, value in zip(keys, values, strict=True):
        python_type = key.type.python_type
        try:
            if python_type is datetime:
                value = datetime.fromisoformat(value)
                if value.tzinfo is None:
                    raise ValueError
                value.astimezone(UTC)  # year 9999 at -14:00 has no UTC time
            elif not isinstance(value, python_type) or isinstance(value, bool):
                raise TypeError
            elif python_type is int and not -MAX_INT - 1 <= value <= MAX_INT:
                raise ValueError  # no id is that large; PostgreSQL's INTEGER would overflow
        except (TypeError, ValueError, OverflowError):
            raise invalid from None
        decoded.append(value)
    return decoded


def paginate(
    statement: Select,
    *,
    keys: list[InstrumentedAttribute],
    limit: int,
    cursor: str | None,
    descending: bool = False,
) -> Page:
    """One page of ``statement`` ordered by ``keys`` (the last key must be unique)."""
    if cursor:
        values = _decode(cursor, keys)
        row_key = tuple_(*keys)
        # Bound with each column's own type: a bare datetime would reach SQLite through
        # the driver's default adapter ("…+00:00"), which never compares equal to a
        # stored UTCDateTime, so pages would repeat or stop.
        cursor_key = tuple_(
            *(literal(value, key.type) for key, value in zip(keys, values, strict=True))
        )
        statement = statement.where(row_key < cursor_key if descending else row_key > cursor_key)
    order = [key.desc() if descending else key.asc() for key in keys]
    rows = list(db.session.scalars(statement.order_by(*order).limit(limit + 1)).unique())
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more:
        last = rows[-1]
        next_cursor = _encode([getattr(last, key.key) for key in keys])
    return Page(items=rows, next_cursor=next_cursor)
