"""Who may change places: admins (the municipality). Reading is public."""

from qc_platform.core.permissions import Permission, has_permission


def can_manage_places(user) -> bool:
    return has_permission(user, Permission.PLACES_MANAGE)
