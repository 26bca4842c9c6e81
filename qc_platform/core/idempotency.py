"""``Idempotency-Key`` for unsafe requests that must never happen twice.

A phone on a flaky connection resends a request it never saw answered. Routes decorated
with ``@idempotent("scope")`` remember, per user and scope, the key the client sent, a
fingerprint of the request (method, path, body) and the response given:

- the same key with the same request returns the first response again (header
  ``Idempotent-Replayed: true``), and nothing is done twice;
- the same key with a different request → 409;
- two requests with the same key at the same moment: the key row is inserted before the
  work, under a unique constraint, so the second waits for the first to commit
  (PostgreSQL) or for its turn to write (SQLite's ``BEGIN IMMEDIATE``), then replays it.

A request that fails (4xx) rolls back with its key row, so it can be retried with the
same key once the cause is gone. Requests without the header behave as before.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import wraps
from typing import Any

from flask import jsonify, request
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from qc_platform.core.clock import utcnow
from qc_platform.core.db import UTCDateTime
from qc_platform.core.errors import Conflict, InvalidInput
from qc_platform.core.i18n import register_messages
from qc_platform.core.permissions import require_login
from qc_platform.extensions import db

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200

register_messages(
    {
        "idempotency.key_mismatch": {
            "it": "Questa chiave di idempotenza è già stata usata per una richiesta diversa.",
            "en": "This idempotency key was already used for a different request.",
        },
        "idempotency.bad_key": {
            "it": "L'intestazione Idempotency-Key deve avere da 1 a 200 caratteri visibili.",
            "en": "The Idempotency-Key header must be 1 to 200 visible characters.",
        },
    }
)


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    scope: Mapped[str] = mapped_column(String(60), nullable=False)
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    status_code: Mapped[int | None] = mapped_column()
    response: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def _fingerprint() -> str:
    body = request.get_data(cache=True)
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
        body = canonical.encode()
    except ValueError:
        pass
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _header_key() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable() or key != key.strip():
        raise InvalidInput("idempotency.bad_key", errors={"headers": {HEADER: ["invalid"]}})
    return key


def _find(user_id: int, scope: str, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id,
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
        )
    )


def _replay(record: IdempotencyRecord, fingerprint: str):
    if record.fingerprint != fingerprint:
        raise Conflict("idempotency.key_mismatch")
    response = jsonify(record.response)
    response.status_code = record.status_code
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(scope: str):
    """Route decorator (outermost, above ``blp.response``) honouring ``Idempotency-Key``."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            key = _header_key()
            if key is None:
                return view(*args, **kwargs)
            user = require_login()
            fingerprint = _fingerprint()
            existing = _find(user.id, scope, key)
            if existing is not None:
                return _replay(existing, fingerprint)
            record = IdempotencyRecord(
                user_id=user.id, scope=scope, key=key, fingerprint=fingerprint
            )
            try:
                # Waits here while another transaction holds the same key, then fails.
                with db.session.begin_nested():
                    db.session.add(record)
            except IntegrityError:
                return _replay(_find(user.id, scope, key), fingerprint)
            response = view(*args, **kwargs)
            record.status_code = response.status_code
            record.response = response.get_json()
            return response

        return wrapper

    return decorator


#: For ``blp.doc(parameters=[IDEMPOTENCY_PARAMETER])`` on idempotent routes.
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    "description": "A key of your choice (e.g. a UUID): resending the same request with the "
    "same key returns the first response instead of doing it twice; the same key with a "
    "different request → 409.",
}
