"""Places: project areas, ERP complexes, operator organisations, the nine spaces."""


def init_app(app) -> None:
    from qc_platform.accounts.roles import ScopeType
    from qc_platform.core.permissions import register_scope_resolver
    from qc_platform.places import gdpr, service

    register_scope_resolver(ScopeType.COMPLEX, service.complex_exists)
    register_scope_resolver(ScopeType.ORGANISATION, service.organisation_exists)
    gdpr.register()
