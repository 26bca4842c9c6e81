"""Accounts: registration, sign-in, sessions, tokens, role grants and tenancy verification.

Services add and flush; the request boundary commits (CONVENTIONS.md, habit 1).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from qc_platform.accounts import passwords, signals
from qc_platform.accounts.models import (
    ApiToken,
    RoleGrant,
    TenancyStatus,
    TenancyVerification,
    User,
    UserSession,
)
from qc_platform.core import audit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from qc_platform.core.permissions import ROLE_SCOPE, Role, ScopeType, scope_exists
from qc_platform.extensions import db

TOKEN_PREFIX = "qct_"  # noqa: S105 - a public marker, not a secret
# Bearer use is recorded at most this often per token, so reads stay reads.
TOKEN_TOUCH_INTERVAL_SECONDS = 300
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365
# A session's last use is written at most this often, so reads stay (almost) reads.
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
# Staff and admin sessions end after the shorter idle time (QC_STAFF_SESSION_IDLE_MINUTES).
SHORT_IDLE_ROLES = frozenset({Role.STAFF, Role.ADMIN})


class BadCredentials(Unauthorized):
    """Wrong e-mail or password (401). ``user_id`` names the account when the address is
    one, so that the failed attempt can be audited against it; None for an unknown address.
    """

    def __init__(self, user_id: int | None):
        super().__init__("accounts.bad_credentials")
        self.user_id = user_id


class WrongPassword(Forbidden):
    """The signed-in person's current password was wrong (403)."""

    def __init__(self):
        super().__init__(
            "accounts.wrong_password",
            errors={"json": {"current_password": ["accounts.wrong_password"]}},
        )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(*, email: str, password: str, display_name: str, locale: str = "it") -> User:
    """Create a resident account. The e-mail is unique, case-insensitively."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise Conflict("accounts.email_taken", errors={"json": {"email": ["accounts.email_taken"]}})
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(password),
        locale=locale,
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # a concurrent registration won the race
        raise Conflict(
            "accounts.email_taken", errors={"json": {"email": ["accounts.email_taken"]}}
        ) from None
    return user


def authenticate(*, email: str, password: str) -> User:
    """The user with these credentials, or 401 — the same answer for any wrong part."""
    user = find_user_by_email(email)
    if user is None:
        passwords.burn_time(password)
        raise BadCredentials(None)
    if not passwords.verify_password(user.password_hash, password) or not user.is_active:
        raise BadCredentials(user.id)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    return user


def set_password(*, user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(password)


def change_password(
    *, user: User, current_password: str, new_password: str, keep: UserSession | None
) -> None:
    """A new password, given the current one (else 403 and nothing changes); every other
    session of the person ends, ``keep`` (the session asking) stays signed in."""
    if not passwords.verify_password(user.password_hash, current_password):
        raise WrongPassword()
    set_password(user=user, password=new_password)
    ended = _end_sessions(user=user, keep=keep)
    audit.record(
        actor=user,
        action="password.change",
        object_type="user",
        object_id=user.id,
        details={"sessions_ended": ended},
    )


# --- sessions (signed-in browsers) --------------------------------------------------------


@dataclass(frozen=True)
class ResumedSession:
    user: User
    user_session: UserSession
    touched: bool  # last_seen_at was moved on by this request


_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
# iPhone and Android agents also name "Mac OS X" and "Linux": the specific words come first.
_SYSTEMS = (
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def device_summary(user_agent: str | None) -> str | None:
    """ "Firefox, Linux": the browser and system words of a User-Agent, nothing more (the
    string itself identifies a person too well to be kept); None when neither is known."""
    agent = (user_agent or "")[:512]
    browser = next((name for word, name in _BROWSERS if word in agent), None)
    system = next((name for word, name in _SYSTEMS if word in agent), None)
    return ", ".join(part for part in (browser, system) if part) or None


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def idle_limit(user: User) -> timedelta:
    """How long a session of ``user`` may go unused: shorter for staff and admin."""
    config = current_app.config
    if SHORT_IDLE_ROLES & user.global_roles():
        return timedelta(minutes=config["QC_STAFF_SESSION_IDLE_MINUTES"])
    return timedelta(minutes=config["QC_SESSION_IDLE_MINUTES"])


def start_session(*, user: User, user_agent: str | None) -> tuple[UserSession, str]:
    """Sign-in: a new session; its secret (for the cookie) is returned once, never stored.

    The person's sessions that are over (ended, or idle past their time) are deleted
    here: they authenticate nothing and are kept no longer than needed.
    """
    now = utcnow()
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(
                UserSession.ended_at.is_not(None),
                UserSession.last_seen_at < now - idle_limit(user),
            ),
        )
    )
    secret = secrets.token_urlsafe(32)
    user_session = UserSession(
        user_id=user.id,
        secret_hash=_hash_secret(secret),
        created_at=now,
        last_seen_at=now,
        device=device_summary(user_agent),
    )
    db.session.add(user_session)
    db.session.flush()
    return user_session, secret


def renew_session_secret(*, user_session: UserSession) -> str:
    """A new secret for a session that stays (after a password change): a copy of the
    cookie taken before no longer works, the browser that holds the new one does."""
    secret = secrets.token_urlsafe(32)
    user_session.secret_hash = _hash_secret(secret)
    db.session.flush()
    return secret


def resume_session(*, user_id: int, secret: str) -> ResumedSession | None:
    """The live session whose cookie carries ``user_id`` and ``secret``, or None.

    Live: the row exists, belongs to that (active) person, is not ended and was used
    within the idle time. Its last use is moved on at most once a minute.
    """
    if not secret or len(secret) > 100:
        return None
    user_session = db.session.scalar(
        select(UserSession).where(UserSession.secret_hash == _hash_secret(secret))
    )
    if user_session is None or user_session.user_id != user_id or user_session.ended_at is not None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    now = utcnow()
    if now - user_session.last_seen_at > idle_limit(user):
        return None
    touched = now - user_session.last_seen_at >= SESSION_TOUCH_INTERVAL
    if touched:
        user_session.last_seen_at = now
    return ResumedSession(user=user, user_session=user_session, touched=touched)


def sessions_of(user: User):
    """The person's live sessions (a query, for pagination)."""
    return select(UserSession).where(
        UserSession.user_id == user.id,
        UserSession.ended_at.is_(None),
        UserSession.last_seen_at >= utcnow() - idle_limit(user),
    )


def get_own_session(*, user: User, session_id: int) -> UserSession:
    """One of the person's live sessions; anyone else's, or an ended one, is 404."""
    user_session = db.session.scalar(sessions_of(user).where(UserSession.id == session_id))
    if user_session is None:
        raise NotFound("http.404")
    return user_session


def end_session(*, user: User, user_session: UserSession) -> None:
    """End one session (logout, or from the list of one's sessions)."""
    user_session.ended_at = utcnow()
    db.session.flush()
    audit.record(
        actor=user,
        action="session.end",
        object_type="user",
        object_id=user.id,
        details={"session_id": user_session.id},
    )


def _end_sessions(*, user: User, keep: UserSession | None) -> int:
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = db.session.execute(
        query.values(ended_at=utcnow()).execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def end_other_sessions(*, user: User, keep: UserSession | None) -> int:
    """ "Sign out everywhere": every session of the person but ``keep`` ends (all of them
    when the request came with a bearer token, which has no session)."""
    ended = _end_sessions(user=user, keep=keep)
    audit.record(
        actor=user,
        action="session.end_others",
        object_type="user",
        object_id=user.id,
        details={"sessions_ended": ended},
    )
    return ended


def end_all_sessions(*, user: User, actor: User | None = None) -> int:
    """Every session of the person ends (a password reset, an erasure, staff action)."""
    ended = _end_sessions(user=user, keep=None)
    audit.record(
        actor=actor,
        action="session.end_all",
        object_type="user",
        object_id=user.id,
        details={"sessions_ended": ended},
    )
    return ended


# --- personal API tokens ----------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    *, user: User, name: str, expires_in_days: int = DEFAULT_TOKEN_DAYS
) -> tuple[ApiToken, str]:
    """A new bearer token, valid ``expires_in_days`` (1-365); the clear text is returned
    once and never stored."""
    if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            "accounts.token_days", errors={"json": {"expires_in_days": ["accounts.token_days"]}}
        )
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=_hash_token(clear),
        prefix=clear[: len(TOKEN_PREFIX) + 4],
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days),
    )
    db.session.add(token)
    db.session.flush()
    return token, clear


def create_token(
    *, user: User, name: str, expires_in_days: int = DEFAULT_TOKEN_DAYS
) -> tuple[ApiToken, str]:
    """A token asked for with the password (``POST /auth/tokens``): issued, and audited."""
    token, clear = issue_token(user=user, name=name, expires_in_days=expires_in_days)
    audit.record(actor=user, action="token.create", object_type="api_token", object_id=token.id)
    return token, clear


def user_for_token(clear: str) -> User | None:
    """The active owner of a valid token: not revoked, not expired (and note its use)."""
    if not clear.startswith(TOKEN_PREFIX) or len(clear) > 100:
        return None
    now = utcnow()
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _hash_token(clear), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or token.expires_at <= now:
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > TOKEN_TOUCH_INTERVAL_SECONDS
    ):
        token.last_used_at = now
    return user


def users_with_role(role: Role, scope_id: int | None = None) -> list[User]:
    """Active holders of ``role`` (for a scoped role, of that scope)."""
    query = (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role.value, User.is_active.is_(True))
    )
    if scope_id is not None:
        query = query.where(RoleGrant.scope_id == scope_id)
    return list(db.session.scalars(query.distinct()))


def tokens_of(user: User):
    """The person's unrevoked tokens, the expired ones too (listed with ``expires_at``, so
    that one can see why a script stopped, and remove them)."""
    return select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))


def revoke_token(*, user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound("http.404")
    token.revoked_at = utcnow()
    audit.record(actor=user, action="token.revoke", object_type="api_token", object_id=token.id)


# --- role grants ------------------------------------------------------------------


def grant_role(
    *, actor: User, user: User, role: Role, scope_type: ScopeType | None, scope_id: int | None
) -> RoleGrant:
    """Give ``user`` a role, with the scope the role requires (checked, and unique)."""
    if role is Role.RESIDENT:
        raise InvalidInput(
            "accounts.resident_implicit", errors={"json": {"role": ["accounts.resident_implicit"]}}
        )
    expected_scope = ROLE_SCOPE[role]
    if expected_scope is None:
        if scope_type is not None or scope_id is not None:
            raise InvalidInput(
                "accounts.scope_not_allowed",
                errors={"json": {"scope_type": ["accounts.scope_not_allowed"]}},
            )
    else:
        if scope_type != expected_scope or scope_id is None:
            raise InvalidInput(
                "accounts.scope_required",
                errors={"json": {"scope_type": ["accounts.scope_required"]}},
                scope=expected_scope.value,
            )
        if not scope_exists(expected_scope, scope_id):
            raise InvalidInput(
                "accounts.unknown_scope", errors={"json": {"scope_id": ["accounts.unknown_scope"]}}
            )
    if user.has_role(role, scope_id):
        raise Conflict("accounts.role_exists")
    grant = RoleGrant(
        user_id=user.id,
        role=role.value,
        scope_type=scope_type.value if scope_type else None,
        scope_id=scope_id,
        granted_by_id=actor.id,
        created_at=utcnow(),
    )
    user.grants.append(grant)
    db.session.flush()
    audit.record(
        actor=actor,
        action="role.grant",
        object_type="user",
        object_id=user.id,
        details={"role": role.value, "scope_type": grant.scope_type, "scope_id": scope_id},
    )
    signals.role_granted.send(grant)
    return grant


def get_grant(*, user: User, grant_id: int) -> RoleGrant:
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise NotFound("http.404")
    return grant


def revoke_role(*, actor: User, user: User, grant: RoleGrant) -> None:
    user.grants.remove(grant)
    db.session.flush()
    audit.record(
        actor=actor,
        action="role.revoke",
        object_type="user",
        object_id=user.id,
        details={"role": grant.role, "scope_type": grant.scope_type, "scope_id": grant.scope_id},
    )


def ensure_admin(*, email: str, password: str, display_name: str = "Amministratore") -> User:
    """Create an admin, or promote (and reset the password of) an existing user."""
    user = find_user_by_email(email)
    if user is None:
        user = register(email=email, password=password, display_name=display_name)
    else:
        set_password(user=user, password=password)
    if Role.ADMIN not in user.global_roles():
        user.grants.append(RoleGrant(user_id=user.id, role=Role.ADMIN.value, created_at=utcnow()))
    db.session.flush()
    return user


# --- tenancy verification ---------------------------------------------------------


def request_tenancy(*, user: User, complex_id: int, tenancy_code: str) -> TenancyVerification:
    """A resident asks to be recognised as tenant of a complex; one open request at a time."""
    if not scope_exists(ScopeType.COMPLEX, complex_id):
        raise InvalidInput(
            "accounts.unknown_complex",
            errors={"json": {"complex_id": ["accounts.unknown_complex"]}},
        )
    if user.has_role(Role.TENANT, complex_id):
        raise Conflict("accounts.already_tenant")
    pending = db.session.scalar(
        select(TenancyVerification).where(
            TenancyVerification.user_id == user.id,
            TenancyVerification.complex_id == complex_id,
            TenancyVerification.status == TenancyStatus.PENDING,
        )
    )
    if pending is not None:
        raise Conflict("accounts.tenancy_pending")
    verification = TenancyVerification(
        user_id=user.id, complex_id=complex_id, tenancy_code=tenancy_code.strip()
    )
    db.session.add(verification)
    db.session.flush()
    signals.tenancy_requested.send(verification)
    return verification


def decide_tenancy(
    *, actor: User, verification: TenancyVerification, approve: bool, note: str | None
) -> TenancyVerification:
    """Approve (granting the tenant role for the complex) or reject a pending request."""
    if verification.status != TenancyStatus.PENDING:
        raise Conflict("accounts.tenancy_decided")
    verification.status = TenancyStatus.APPROVED if approve else TenancyStatus.REJECTED
    verification.decided_by_id = actor.id
    verification.decided_at = utcnow()
    verification.decision_note = note
    if approve:
        tenant = db.session.get(User, verification.user_id)
        if not tenant.has_role(Role.TENANT, verification.complex_id):
            tenant.grants.append(
                RoleGrant(
                    user_id=tenant.id,
                    role=Role.TENANT.value,
                    scope_type=ScopeType.COMPLEX.value,
                    scope_id=verification.complex_id,
                    granted_by_id=actor.id,
                    created_at=utcnow(),
                )
            )
    db.session.flush()
    audit.record(
        actor=actor,
        action="tenancy.approve" if approve else "tenancy.reject",
        object_type="tenancy_verification",
        object_id=verification.id,
        details={"complex_id": verification.complex_id},
    )
    signals.tenancy_decided.send(verification)
    return verification
