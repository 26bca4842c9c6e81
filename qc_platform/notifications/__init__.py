"""Notifications: stored notifications, the Socket.IO live channel, e-mail."""


def init_app(app) -> None:
    # Importing registers the Socket.IO handlers and the signal receivers.
    from qc_platform.notifications import live, receivers  # noqa: F401
