"""The "no contact details" rule: no e-mail address or phone number in text others read.

Listings are read by every signed-in neighbour, and a transfer's memo lands in the ledger
of any account a person chooses to pay: either would let a stranger hand out (or harvest)
a way to reach someone outside the platform. People talk through the private messages of
an exchange or a service request instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from qc_platform.core.errors import InvalidInput

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
#: Eight or more digits, optionally separated by spaces, dots, slashes or dashes.
PHONE = re.compile(r"(?:\+|\b00)?\d(?:[\s./-]?\d){7,}")


def has_contact_details(text: str | None) -> bool:
    """Whether ``text`` holds something that looks like an e-mail address or a phone number."""
    return bool(text) and bool(EMAIL.search(text) or PHONE.search(text))


def refuse_contact_details(data: Mapping, fields: Iterable[str], *, message_key: str) -> None:
    """Raise a 422 naming the first of ``fields`` of ``data`` that holds contact details."""
    for field in fields:
        if has_contact_details(data.get(field)):
            raise InvalidInput(message_key, errors={field: ["contact details"]})
