"""Signals of the marketplace; notifications subscribe to them."""

from blinker import Namespace

_signals = Namespace()

#: sender: the Exchange; ``event``: proposed | accepted | declined | cancelled | completed |
#: reviewed; ``actor``: the User who acted
exchange_event = _signals.signal("exchange-event")
#: sender: the new Message; ``recipient_ids``: who should hear of it; ``link``: where to
#: read it; ``subject``: a short title of what the conversation is about
message_posted = _signals.signal("message-posted")
#: sender: the new Flag; ``moderator_ids``: who should look at it
flag_raised = _signals.signal("flag-raised")
