"""Signals of the conversations; their notifications subscribe to them."""

from blinker import Namespace

_signals = Namespace()

#: sender: the new Message; ``recipient_ids``: who should hear of it; ``link``: where to
#: read it; ``subject``: a short title of what the conversation is about
message_posted = _signals.signal("message-posted")
