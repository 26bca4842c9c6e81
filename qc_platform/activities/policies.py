"""Who may do what with activities: reading is public; operators run their spaces'."""

from __future__ import annotations

from qc_platform.accounts.roles import Role
from qc_platform.activities.models import Registration
from qc_platform.core.permissions import has_permission, register_permission
from qc_platform.places.models import Space

# Operators manage their own organisation's activities; this is every space's
# (the administrators alone, who hold every permission).
ACTIVITIES_MANAGE_ALL = register_permission("activities.manage_all", roles=())


def can_manage_space(user, space: Space) -> bool:
    """Publish and run activities of a space: operators of the organisation that runs it
    (and admins, the municipality)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.has_role(Role.OPERATOR, space.organisation_id) or has_permission(
        user, ACTIVITIES_MANAGE_ALL
    )


def can_see_registration(user, registration: Registration, space: Space) -> bool:
    """The person registered, and who runs the space."""
    return registration.user_id == user.id or can_manage_space(user, space)
