"""Who may change places: admins (the municipality). Reading is public."""

from qc_platform.core.permissions import has_permission, register_permission

# Held by the administrators alone (who hold every permission).
PLACES_MANAGE = register_permission("places.manage", roles=())


def can_manage_places(user) -> bool:
    return has_permission(user, PLACES_MANAGE)
