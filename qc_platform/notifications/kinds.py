"""The kinds of notification, each with its names and whether e-mail is on by default.

A module that notifies registers its kinds here (at import), so that preferences can be
listed and validated without knowing every module.
"""

from __future__ import annotations

from dataclasses import dataclass

from qc_platform.core.i18n import current_locale


@dataclass(frozen=True)
class Kind:
    code: str
    name: dict[str, str]
    description: dict[str, str]
    email_default: bool = False

    def localised_name(self) -> str:
        return self.name[current_locale()]

    def localised_description(self) -> str:
        return self.description[current_locale()]


KINDS: dict[str, Kind] = {}


def register_kind(
    code: str, *, name: dict[str, str], description: dict[str, str], email_default: bool = False
) -> Kind:
    kind = Kind(code=code, name=name, description=description, email_default=email_default)
    KINDS[code] = kind
    return kind


register_kind(
    "system.announcement",
    name={"it": "Avvisi della piattaforma", "en": "Platform announcements"},
    description={
        "it": "Comunicazioni del Comune e del gestore a tutti o a te.",
        "en": "Messages from the municipality and the housing manager.",
    },
    email_default=True,
)
register_kind(
    "account.role_granted",
    name={"it": "Nuovi ruoli", "en": "New roles"},
    description={
        "it": "Quando ti viene assegnato un ruolo (custode, operatore, comitato…).",
        "en": "When you are given a role (custodian, operator, committee…).",
    },
    email_default=True,
)
register_kind(
    "tenancy.requested",
    name={"it": "Richieste di riconoscimento inquilino", "en": "Tenant recognition requests"},
    description={
        "it": "Per custodi e personale: una persona chiede di essere riconosciuta inquilina.",
        "en": "For custodians and staff: someone asks to be recognised as a tenant.",
    },
)
register_kind(
    "tenancy.decided",
    name={"it": "Esito del riconoscimento inquilino", "en": "Tenant recognition outcome"},
    description={
        "it": "Quando la tua richiesta di riconoscimento come inquilino è decisa.",
        "en": "When your request to be recognised as a tenant is decided.",
    },
    email_default=True,
)
