"""Users, their role grants, sessions, personal API tokens and tenancy verifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qc_platform.accounts.roles import ROLE_SCOPE, Role
from qc_platform.core.db import TimestampMixin, UTCDateTime
from qc_platform.extensions import db


def _role_scope_check() -> str:
    clauses = []
    for role, scope in ROLE_SCOPE.items():
        if role is Role.RESIDENT:
            continue  # every user is a resident: never stored as a grant
        if scope is None:
            clauses.append(f"(role = '{role}' AND scope_type IS NULL AND scope_id IS NULL)")
        else:
            clauses.append(f"(role = '{role}' AND scope_type = '{scope}' AND scope_id IS NOT NULL)")
    return " OR ".join(clauses)


class User(TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("locale IN ('it', 'en')", name="locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(80), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    locale: Mapped[str] = mapped_column(String(2), default="it", nullable=False)
    is_active: Mapped[bool] = mapped_column(default=True, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the person showed the address is theirs (a link sent there was opened); None
    # until then. E-mail notifications go only to verified addresses.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="RoleGrant.id",
        foreign_keys="RoleGrant.user_id",
    )

    # flask-login protocol
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return self.is_active

    def get_id(self) -> str:
        return str(self.id)

    # role queries, used by policies
    def all_roles(self) -> set[Role]:
        return {Role.RESIDENT, *(Role(grant.role) for grant in self.grants)}

    def global_roles(self) -> set[Role]:
        return {Role(grant.role) for grant in self.grants if grant.scope_type is None}

    def has_role(self, role: Role, scope_id: int | None = None) -> bool:
        if role is Role.RESIDENT:
            return True
        return any(
            grant.role == role and (scope_id is None or grant.scope_id == scope_id)
            for grant in self.grants
        )

    def scope_ids(self, role: Role) -> set[int]:
        return {grant.scope_id for grant in self.grants if grant.role == role and grant.scope_id}


class RoleGrant(db.Model):
    __tablename__ = "role_grants"
    __table_args__ = (
        CheckConstraint(_role_scope_check(), name="role_scope"),
        # One grant per (user, role, scope). The role fixes the scope type (CHECK above);
        # global roles have a NULL scope, and NULLs never collide: hence the partial index.
        UniqueConstraint("user_id", "role", "scope_id"),
        Index(
            "uq_role_grants_user_global_role",
            "user_id",
            "role",
            unique=True,
            sqlite_where=text("scope_id IS NULL"),
            postgresql_where=text("scope_id IS NULL"),
        ),
        Index("ix_role_grants_scope", "scope_type", "scope_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    role: Mapped[str] = mapped_column(String(30), nullable=False)
    scope_type: Mapped[str | None] = mapped_column(String(20))
    scope_id: Mapped[int | None] = mapped_column()
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id], lazy="raise")


class ApiToken(db.Model):
    """A personal bearer token. Only its SHA-256 is stored: the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Every token expires (1-365 days after creation, 90 by default).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="raise")


class UserSession(db.Model):
    """A signed-in browser. The cookie carries a random secret; only its SHA-256 is here.

    The cookie authenticates only while its row lives: not ended (logout, password change,
    "sign out everywhere") and used within the idle time. ``device`` is a browser and
    system summary ("Firefox, Linux"): neither the User-Agent string nor the address is
    kept.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    device: Mapped[str | None] = mapped_column(String(60))

    user: Mapped[User] = relationship(lazy="raise")


class EmailTokenPurpose:
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password
    EMAIL_VERIFICATION = "email_verification"
    EMAIL_CHANGE = "email_change"
    ALL = (PASSWORD_RESET, EMAIL_VERIFICATION, EMAIL_CHANGE)


class EmailToken(db.Model):
    """A single-use link sent by e-mail: a password reset, an address's verification, or
    the confirmation of a new address. Only its SHA-256 is stored (the clear token is in
    the e-mail only). ``email`` is the address it was sent to (for a change, the new one):
    the link is good only while that is still the point (the account's address has not
    changed since, or for a change, the new address is still free)."""

    __tablename__ = "email_tokens"
    __table_args__ = (
        CheckConstraint(
            "purpose IN ('password_reset', 'email_verification', 'email_change')",
            name="purpose",
        ),
        Index("ix_email_tokens_user_id_purpose", "user_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TenancyStatus:
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ALL = (PENDING, APPROVED, REJECTED)


class TenancyVerification(TimestampMixin, db.Model):
    """A resident asks to be recognised as the tenant of a complex."""

    __tablename__ = "tenancy_verifications"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        # At most one open request per person and complex.
        Index(
            "uq_tenancy_verifications_pending",
            "user_id",
            "complex_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_tenancy_verifications_complex_status", "complex_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    # A foreign key by table name only: accounts sits below places in the module order.
    complex_id: Mapped[int] = mapped_column(
        ForeignKey("complexes.id", ondelete="CASCADE"), nullable=False
    )
    tenancy_code: Mapped[str] = mapped_column(String(64), nullable=False)
    # What the requester adds for the reviewer ("I moved in last month"), optional.
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default=TenancyStatus.PENDING, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(500))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")
