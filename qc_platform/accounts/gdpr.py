"""The GDPR rights of access (export) and erasure, across modules that accounts cannot see.

Accounts sits below every module that keeps something about a person (feedback, the time
bank, the marketplace…), so it cannot import them. Each of them registers, from its own
``init_app``, the part it owns with :func:`register`:

- ``export(user) -> dict``: what the module holds about the person, as JSON;
- ``files(user) -> list[ExportFile]``: files of theirs for the ZIP export (report photos);
- ``obstacles(user) -> list[Obstacle]``: open obligations that must be closed before the
  account can be erased (an accepted exchange not completed: 409 saying which);
- ``erase(erasure)``: forget the person, keeping what others rely on pseudonymised.

``accounts.service.export`` and ``accounts.service.erasure`` call them; neither knows the
modules' names. The erased account itself stays (its id is what the ledger, audit rows and
reports keep pointing at), but holds nothing personal: see ``service/erasure.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qc_platform.accounts.models import User
from qc_platform.core.i18n import register_messages

#: The name an erased account shows wherever it is still referred to (ledger, reports…).
ERASED_NAME = "Persona cancellata"
#: What replaces the text of a message the erased person wrote (read by the other party,
#: whose language is not known when it is stored: both languages).
ERASED_MESSAGE = (
    "Messaggio rimosso: chi lo ha scritto ha cancellato il proprio account. "
    "(Message removed: its author deleted their account.)"
)


@dataclass(frozen=True)
class Erasure:
    """What an eraser is told: the person (already renamed and deactivated) and what they
    were called, so that copies of their name in others' texts can be found."""

    user: User
    former_name: str
    former_email: str
    at: datetime
    #: Other addresses of theirs the platform wrote to (a new address not yet confirmed).
    other_addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Obstacle:
    """An open obligation that blocks erasure: a message key of its module and its params."""

    message_key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportFile:
    """A file for the ZIP export: its path inside the archive and how to read it."""

    path: str
    read: Callable[[], bytes]


@dataclass(frozen=True)
class Part:
    name: str
    export: Callable[[User], dict] | None
    files: Callable[[User], list[ExportFile]] | None
    obstacles: Callable[[User], list[Obstacle]] | None
    erase: Callable[[Erasure], None] | None
    erase_order: int


_PARTS: dict[str, Part] = {}

#: Erasers run in this order, ties by registration. The domains first (they may cancel
#: things and so notify other people), notifications after them (they scrub the former
#: name from those notifications too).
DOMAIN_ORDER = 50
LAST_ORDER = 90


def register(
    name: str,
    *,
    export: Callable[[User], dict] | None = None,
    files: Callable[[User], list[ExportFile]] | None = None,
    obstacles: Callable[[User], list[Obstacle]] | None = None,
    erase: Callable[[Erasure], None] | None = None,
    erase_order: int = DOMAIN_ORDER,
) -> None:
    """Register a module's part (again on every app the process builds: the last wins)."""
    _PARTS[name] = Part(name, export, files, obstacles, erase, erase_order)


def parts() -> list[Part]:
    """The registered parts, in registration order."""
    return list(_PARTS.values())


def erasers() -> list[Part]:
    return sorted((p for p in _PARTS.values() if p.erase), key=lambda p: p.erase_order)


#: Columns never exported, whatever their table: secrets and what verifies them.
_SECRET_COLUMN = re.compile(r"(^|_)(hash|secret|nonce|password|token|storage_key)($|_)")


def columns(row, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row as ``{column: value}``, without the columns named in ``exclude`` and never a
    secret (``*_hash``, ``secret``, ``nonce``, ``password*``, ``token*``, storage keys),
    so that a column added later is exported unless it is one of those."""
    return {
        column.key: getattr(row, column.key)
        for column in row.__table__.columns
        if column.key not in exclude and not _SECRET_COLUMN.search(column.key)
    }


register_messages(
    {
        "accounts.erasure_blocked": {
            "it": "Prima di cancellare l'account: {reasons}",
            "en": "Before deleting your account: {reasons}",
        },
        "accounts.erasure_wrong_password": {
            "it": "La password non è corretta: l'account non è stato cancellato.",
            "en": "The password is wrong: the account was not deleted.",
        },
    }
)
