"""Catalogue of local micro-services: what the spaces and the neighbourhood's micro-enterprises
offer, in which languages, at what price (free, fixed, sliding, or time-bank hours), when
they are open, and the requests tenants send them."""


def init_app(app) -> None:
    from qc_platform.catalogue import gdpr, notifications  # noqa: F401 - kinds and receivers

    gdpr.register()
