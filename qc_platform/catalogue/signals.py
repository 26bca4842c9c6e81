"""Signals of the catalogue; notifications subscribe to them."""

from blinker import Namespace

_signals = Namespace()

#: sender: the ServiceRequest; ``event``: requested | accepted | declined | cancelled |
#: completed; ``actor``: the User who acted
request_event = _signals.signal("service-request-event")
