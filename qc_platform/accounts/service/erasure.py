"""The right to erasure (GDPR art. 17): a person deletes their account, at once.

What is erased: the name (→ "Persona cancellata"), the e-mail (→ a placeholder that is no
address, not verified), the password (unusable), the roles, tenancy requests, sessions,
tokens, the links sent by e-mail and the stored answers of their requests; each module
erases its own part (notifications and preferences, message texts, listings, future
registrations…, see the modules' ``gdpr.py``).

What stays, and why: the account's row, with its id and nothing personal. Other records
must keep pointing at something, for other people and for accountability:

- the time bank's ledger is immutable and its balances must add up to zero: the account
  and its entries stay, shown as "Persona cancellata" with no e-mail;
- reports stay (the complex's problem is still real), as anonymous reports;
- audit rows keep their ``actor_id``. That id is a pseudonym: it points at the erased
  account, which holds nothing that identifies the person any more, so the log still says
  that one and the same (now unknown) person did these things, without saying who.

Open obligations block the erasure (409 naming them): an accepted exchange not completed,
an organisation whose last operator this is, …: each module says which are its own.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from qc_platform.accounts import gdpr, passwords
from qc_platform.accounts.models import (
    ApiToken,
    EmailToken,
    TenancyVerification,
    User,
    UserSession,
)
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, Forbidden
from qc_platform.core.i18n import translate
from qc_platform.core.idempotency import IdempotencyRecord
from qc_platform.extensions import db

#: No argon2 hash starts like this: no password verifies against it.
UNUSABLE_PASSWORD = "!erased"  # noqa: S105 - not a password: what none matches


class ErasureWrongPassword(Forbidden):
    """403: the password given to confirm the erasure is wrong; nothing was erased."""

    def __init__(self):
        super().__init__(
            "accounts.erasure_wrong_password",
            errors={"json": {"password": ["accounts.erasure_wrong_password"]}},
        )


class ErasureBlocked(Conflict):
    """409: open obligations must be closed first; ``errors.obligations`` lists them."""

    def __init__(self, obstacles: list[gdpr.Obstacle]):
        reasons = [translate(o.message_key, **o.params) for o in obstacles]
        super().__init__(
            "accounts.erasure_blocked",
            errors={"obligations": reasons},
            reasons=" ".join(reasons),
        )
        self.obstacles = obstacles


def erased_email(user: User) -> str:
    """Unique (the id) and no address (no @): nothing can be sent to it, nobody can sign
    in or register with it."""
    return f"erased-{user.id}"


def is_erased(user: User) -> bool:
    return user.email == erased_email(user)


def erasure_obstacles(user: User) -> list[gdpr.Obstacle]:
    """What must be closed before ``user`` may be erased (empty: nothing)."""
    found = []
    for part in gdpr.parts():
        if part.obstacles is not None:
            found.extend(part.obstacles(user))
    return found


def erase_user(*, user: User, password: str) -> None:
    """Erase ``user``'s personal data, given their password (403 otherwise, nothing
    changes); 409 listing the open obligations that must be closed first."""
    if not passwords.verify_password(user.password_hash, password):
        raise ErasureWrongPassword()
    obstacles = erasure_obstacles(user)
    if obstacles:
        raise ErasureBlocked(obstacles)
    links_sent_to = db.session.scalars(
        select(EmailToken.email).where(EmailToken.user_id == user.id).distinct()
    )
    erasure = gdpr.Erasure(
        user=user,
        former_name=user.display_name,
        former_email=user.email,
        at=utcnow(),
        other_addresses=tuple(sorted(set(links_sent_to) - {user.email})),
    )
    # First the account itself: whatever the modules do next (cancelling a booking
    # notifies the next on the waitlist, …) already names "Persona cancellata", and
    # notifies nobody at this account (it is no longer active).
    user.display_name = gdpr.ERASED_NAME
    user.email = erased_email(user)
    user.email_verified_at = None
    user.password_hash = UNUSABLE_PASSWORD
    user.is_active = False
    user.last_login_at = None
    db.session.flush()
    for part in gdpr.erasers():
        part.erase(erasure)
    counts = {
        "sessions": _delete(UserSession, UserSession.user_id == user.id),
        "tokens": _delete(ApiToken, ApiToken.user_id == user.id),
        "email_links": _delete(EmailToken, EmailToken.user_id == user.id),
        "tenancy_requests": _delete(TenancyVerification, TenancyVerification.user_id == user.id),
        "idempotency_keys": _delete(IdempotencyRecord, IdempotencyRecord.user_id == user.id),
    }
    counts["roles"] = len(user.grants)
    user.grants.clear()  # delete-orphan: the rows go
    db.session.flush()
    audit.record(
        actor=user, action="user.erase", object_type="user", object_id=user.id, details=counts
    )


def _delete(model, condition) -> int:
    result = db.session.execute(
        delete(model).where(condition).execution_options(synchronize_session="fetch")
    )
    return result.rowcount
