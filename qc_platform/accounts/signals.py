"""Signals the accounts module sends; other modules (notifications) subscribe.

Sent inside the transaction, after the change is flushed: receivers add their own rows
in the same transaction and defer anything external until after commit.
"""

from blinker import Namespace

_signals = Namespace()

#: sender: the TenancyVerification just created
tenancy_requested = _signals.signal("tenancy-requested")
#: sender: the TenancyVerification just approved or rejected
tenancy_decided = _signals.signal("tenancy-decided")
#: sender: the RoleGrant just created
role_granted = _signals.signal("role-granted")

# E-mails about the account itself, sent to an address whether or not it is verified
# (that is their point); the notification service writes them to its outbox. ``link`` is
# the single-use address to open, in clear: it exists nowhere else.
#: sender: the User who asked; link=
password_reset_requested = _signals.signal("password-reset-requested")
#: sender: the User whose address is to be verified; link=
email_verification_requested = _signals.signal("email-verification-requested")
#: sender: the User; new_email=, link= (sent to the new address)
email_change_requested = _signals.signal("email-change-requested")
#: sender: the User, whose address is now the new one; old_email= (told of the change)
email_changed = _signals.signal("email-changed")
