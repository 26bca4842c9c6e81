"""Activities of the spaces: recurring sessions, registrations with waitlists, calendars."""


def init_app(app) -> None:
    from qc_platform.activities import notifications  # noqa: F401 - registers kinds and receivers
