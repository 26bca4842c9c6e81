"""Places' part of the GDPR erasure (registered in ``places.init_app``): an organisation
must keep someone to run it. Its last operator cannot erase their account until staff
have handed the organisation over to another operator."""

from __future__ import annotations

from qc_platform.accounts import gdpr
from qc_platform.accounts import service as accounts
from qc_platform.accounts.roles import Role
from qc_platform.extensions import db
from qc_platform.places.models import Organisation


def obstacles(user) -> list[gdpr.Obstacle]:
    found = []
    for organisation_id in sorted(user.scope_ids(Role.OPERATOR)):
        others = [
            person
            for person in accounts.users_with_role(Role.OPERATOR, organisation_id)
            if person.id != user.id
        ]
        if not others:
            organisation = db.session.get(Organisation, organisation_id)
            found.append(
                gdpr.Obstacle(
                    "places.erasure_last_operator",
                    {"organisation": organisation.name if organisation else organisation_id},
                )
            )
    return found


def register() -> None:
    gdpr.register("places", obstacles=obstacles)
