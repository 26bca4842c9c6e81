"""factory_boy factories of the accounts domain."""

from __future__ import annotations

from functools import cache

import factory
from argon2 import PasswordHasher

from qc_platform.accounts import service
from qc_platform.accounts.models import RoleGrant, TenancyVerification, User
from qc_platform.core.clock import utcnow
from qc_platform.extensions import db
from tests.conftest import TEST_PASSWORD


@cache
def _test_password_hash() -> str:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(TEST_PASSWORD)


class _Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        # Committed (to the test's savepoint): a request that fails and rolls back must
        # not take the test's own setup with it.
        sqlalchemy_session_persistence = "commit"


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"persona{n}@example.org")
    display_name = factory.Faker("name", locale="it_IT")
    password_hash = factory.LazyFunction(_test_password_hash)
    locale = "it"
    # Like the accounts that existed before verification (the migration counts them as
    # verified): e-mail notifications reach them. UserFactory(email_verified_at=None) for
    # a new, unverified one.
    email_verified_at = factory.LazyFunction(utcnow)


class RoleGrantFactory(_Base):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = "staff"
    scope_type = None
    scope_id = None
    created_at = factory.LazyFunction(utcnow)


class TenancyVerificationFactory(_Base):
    class Meta:
        model = TenancyVerification

    user = factory.SubFactory(UserFactory)
    complex_id = 1
    tenancy_code = factory.Sequence(lambda n: f"MI-{n:06d}")
    status = "pending"


def user_with_roles(*grants: tuple[str, str | None, int | None], **kwargs) -> User:
    """A user holding the given ``(role, scope_type, scope_id)`` grants."""
    user = UserFactory(**kwargs)
    for role, scope_type, scope_id in grants:
        RoleGrantFactory(user=user, role=role, scope_type=scope_type, scope_id=scope_id)
    db.session.refresh(user)
    return user


def persist() -> None:
    """Commit test setup made through services (the test harness's own boundary)."""
    db.session.commit()


def bearer(user: User, name: str = "test") -> dict[str, str]:
    """Authorization header with a fresh personal token of ``user``."""
    _, clear = service.issue_token(user=user, name=name)
    persist()
    return {"Authorization": f"Bearer {clear}"}
