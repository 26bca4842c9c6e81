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
