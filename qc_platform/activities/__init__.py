"""Activities of the spaces: recurring sessions, registrations with waitlists, calendars."""


def init_app(app) -> None:
    from qc_platform.activities import events, gdpr, notifications  # noqa: F401 - kinds, receivers
    from qc_platform.core import live

    live.register_anonymous_channel("kiosk", events.kiosk_room_for)
    gdpr.register()
