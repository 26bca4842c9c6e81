"""Time bank (banca del tempo): a double-entry ledger of hours between people and organisations."""


def init_app(app) -> None:
    from qc_platform.timebank import accounts, gdpr  # noqa: F401 - every user/organisation gets one

    gdpr.register()
