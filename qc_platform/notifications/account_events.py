"""The accounts' notifications: tenancy requests and their outcome, roles granted.

They live here, in the notification service, because accounts sits below it (accounts may
not import notifications); every domain module keeps its own in its ``notifications.py``.
"""

from __future__ import annotations

from qc_platform.accounts import service as accounts
from qc_platform.accounts import signals
from qc_platform.accounts.roles import Role
from qc_platform.core.i18n import translate
from qc_platform.notifications.service import notify
from qc_platform.places import service as places
from qc_platform.places.models import Complex


def _complex_name(complex_id: int) -> str:
    return places.get(Complex, complex_id).name


@signals.tenancy_requested.connect
def tenancy_requested(verification, **extra):
    """The custodians of the complex hear of it; with no custodian, the staff do.

    The requester is never among them (nobody decides their own request): a custodian
    asking for their own complex is heard by the other custodians, or by the staff.
    """
    requester = accounts.get_user(verification.user_id)

    def others(users):
        return [user for user in users if user.id != requester.id]

    reviewers = others(accounts.users_with_role(Role.CUSTODIAN, verification.complex_id)) or (
        others(accounts.users_with_role(Role.STAFF))
    )
    notify(
        reviewers,
        "tenancy.requested",
        title_key="notifications.tenancy_requested.title",
        body_key="notifications.tenancy_requested.body",
        link="/gestione/inquilini",
        params={"name": requester.display_name, "complex": _complex_name(verification.complex_id)},
    )


@signals.tenancy_decided.connect
def tenancy_decided(verification, **extra):
    approved = verification.status == "approved"
    outcome = "approved" if approved else "rejected"
    notify(
        [accounts.get_user(verification.user_id)],
        "tenancy.decided",
        title_key=f"notifications.tenancy_{outcome}.title",
        body_key=f"notifications.tenancy_{outcome}.body",
        link="/profilo",
        params={
            "complex": _complex_name(verification.complex_id),
            "note": verification.decision_note or "",
        },
    )


@signals.role_granted.connect
def role_granted(grant, **extra):
    user = accounts.get_user(grant.user_id)
    notify(
        [user],
        "account.role_granted",
        title_key="notifications.role_granted.title",
        body_key="notifications.role_granted.body",
        link="/profilo",
        params={"role": translate(f"role.{grant.role}", user.locale)},
    )
