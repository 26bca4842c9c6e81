"""Signals of the activities module; notifications subscribe to them."""

from blinker import Namespace

_signals = Namespace()

#: sender: the Registration just made (confirmed or waitlisted); ``actor``: who made it
registration_created = _signals.signal("registration-created")
#: sender: the Registration moved from the waitlist to a confirmed place
registration_promoted = _signals.signal("registration-promoted")
#: sender: the ActivitySession just cancelled; ``registrations``: the active ones
session_cancelled = _signals.signal("session-cancelled")
#: sender: the ActivitySession whose time changed; ``registrations``: the active ones
session_rescheduled = _signals.signal("session-rescheduled")
