"""Accounts API: /auth, /users, /tenancy-verifications, /legal — one blueprint, its views by
concern in the files of this package."""

from qc_platform.accounts.routes import email_links, gdpr, grants, me, signin  # noqa: F401
from qc_platform.accounts.routes.blueprint import blp

__all__ = ["blp"]
