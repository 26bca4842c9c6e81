"""Declarative base, column types and database-connection policy."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import DateTime, Engine, MetaData, String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from qc_platform.core.clock import utcnow

# Deterministic constraint names, so that Alembic migrations can name what they drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def in_values(column: str, values) -> str:
    """The SQL of a CHECK constraint that keeps `column` within a closed set of codes."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class CategoryMixin:
    """A category of one of the domains (seeded from ``qc_platform/data/*.json``): a stable
    code, names and descriptions in Italian and English, and its place in the list."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)
    name_it: Mapped[str] = mapped_column(String(120), nullable=False)
    name_en: Mapped[str] = mapped_column(String(120), nullable=False)
    description_it: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    description_en: Mapped[str] = mapped_column(String(500), default="", nullable=False)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are stored
    as naive UTC and given back their UTC zone on the way out. Naive datetimes are
    refused on the way in: a missing zone is a bug, not a guess to make.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type:
        # TypeDecorator does not pass this on from ``impl``; pagination relies on it.
        return datetime

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


# --- SQLite: SQLAlchemy's documented recipe for real transactions -------------------
# pysqlite's own transaction handling is switched off (isolation_level=None) and we
# emit BEGIN ourselves: BEGIN IMMEDIATE for anything that may write, so two writers
# queue on the busy timeout instead of failing with "database is locked" half-way.


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection):
    if connection.dialect.name != "sqlite":
        return
    read_only = has_request_context() and request.method in {"GET", "HEAD", "OPTIONS"}
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
