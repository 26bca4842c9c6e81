"""Private conversations: threads of messages owned by something of another module (a
marketplace exchange, a catalogue service request), which decides who takes part.

A shared service below the domains: it imports none of them. A domain keeps its
conversation's id on its own row, checks who may read and write, and registers the
message routes on its blueprint with :func:`qc_platform.conversations.routes.register_message_routes`.
"""


def init_app(app) -> None:
    from qc_platform.conversations import gdpr, notifications  # noqa: F401 - kinds and receivers

    gdpr.register()
