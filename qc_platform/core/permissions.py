"""The permission mechanism: a registry of permissions and the checks that use it.

Core knows no role and no permission by name. Each module declares the permissions it
owns, naming the global roles that hold them (``register_permission``); the module that
owns the roles names the one role that holds every permission
(``register_all_permissions_role``). Routes check with ``permission_required``, policies
with ``has_permission``; object rules ("may *this* user act on *this* object?") are
functions of each module's ``policies.py``.

Scopes work the same way: the module that owns a kind of scope registers how to tell
whether an id exists (``register_scope_resolver``), so that whoever validates a scoped
grant needs not import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from flask_login import current_user

from qc_platform.core.errors import Forbidden, Unauthorized


class Permission(str):
    """A registered permission: its code (``"<module>.<verb>"``), made by
    ``register_permission``."""

    __slots__ = ()


# Who holds each permission: the codes of the global roles given at registration.
_holders: dict[str, frozenset[str]] = {}
# The roles that hold every permission, those registered later included.
_all_permissions_roles: set[str] = set()


def register_permission(code: str, *, roles: Iterable[str]) -> Permission:
    """Declare the permission ``code``, held by the global ``roles`` (and by the role that
    holds every permission); returns it, for ``permission_required`` and ``has_permission``.

    Declaring it again with the same roles returns the same permission; with other roles
    it is an error (two modules would disagree on who holds it).
    """
    holders = frozenset(str(role) for role in roles)
    if _holders.setdefault(code, holders) != holders:
        raise ValueError(f"the permission {code!r} is already registered with other roles")
    return Permission(code)


def register_all_permissions_role(role: str) -> None:
    """``role`` holds every permission, including those registered after this call."""
    _all_permissions_roles.add(str(role))


def registered_permissions() -> dict[Permission, frozenset[str]]:
    """Every permission and the roles that hold it (the all-permissions role included)."""
    return {
        Permission(code): holders | _all_permissions_roles for code, holders in _holders.items()
    }


def has_permission(user, permission: Permission) -> bool:
    """Does one of ``user``'s global roles hold ``permission``? Never for anonymous users."""
    if permission not in _holders:
        raise LookupError(f"the permission {permission!r} is not registered")
    if not getattr(user, "is_authenticated", False):
        return False
    holders = _holders[permission] | _all_permissions_roles
    return any(role in holders for role in user.global_roles())


# Scope resolvers: each module that owns a kind of scope registers how to tell
# whether an id exists, so that grants can be validated without importing it.
_scope_resolvers: dict[str, Callable[[int], bool]] = {}


def register_scope_resolver(scope_type: str, exists: Callable[[int], bool]) -> None:
    _scope_resolvers[str(scope_type)] = exists


def scope_exists(scope_type: str, scope_id: int) -> bool | None:
    """True/False, or None when no module manages this kind of scope yet."""
    resolver = _scope_resolvers.get(str(scope_type))
    return None if resolver is None else resolver(scope_id)


def require_login():
    if not current_user.is_authenticated:
        raise Unauthorized("http.401")
    return current_user._get_current_object()


def login_required(view):
    """Route decorator: 401 in the JSON shape for anonymous callers."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        require_login()
        return view(*args, **kwargs)

    return wrapper


def permission_required(permission: Permission):
    """Route decorator: 401 when anonymous, 403 without ``permission``."""
    if permission not in _holders:
        raise LookupError(f"the permission {permission!r} is not registered")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = require_login()
            if not has_permission(user, permission):
                raise Forbidden("http.403")
            return view(*args, **kwargs)

        return wrapper

    return decorator
