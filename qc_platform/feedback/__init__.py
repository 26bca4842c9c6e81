"""Feedback (segnalazioni): the "vertical community" between tenants and institutions."""


def init_app(app) -> None:
    from qc_platform.accounts.roles import ScopeType
    from qc_platform.core.permissions import register_scope_resolver
    from qc_platform.feedback import gdpr, notifications, service  # noqa: F401 - kinds, receivers

    register_scope_resolver(ScopeType.COMMITTEE, service.committee_exists)
    gdpr.register()
