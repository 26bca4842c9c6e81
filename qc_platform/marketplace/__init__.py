"""Marketplace of neighbours' help, paid in time-bank hours: listings, exchanges, messages."""


def init_app(app) -> None:
    from qc_platform.marketplace import gdpr, notifications  # noqa: F401 - kinds and receivers

    gdpr.register()
