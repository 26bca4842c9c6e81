"""Signals of the marketplace; notifications subscribe to them."""

from blinker import Namespace

_signals = Namespace()

#: sender: the Exchange; ``event``: proposed | accepted | declined | cancelled | completed |
#: reviewed; ``actor``: the User who acted
exchange_event = _signals.signal("exchange-event")
#: sender: the new Flag; ``moderator_ids``: who should look at it
flag_raised = _signals.signal("flag-raised")
