"""Signals of the feedback module; notifications subscribe to them."""

from blinker import Namespace

_signals = Namespace()

#: sender: the Report; ``assignments``: the new ReportAssignments
report_routed = _signals.signal("report-routed")
#: sender: the Report; ``update``: the new ReportUpdate
report_updated = _signals.signal("report-updated")
#: sender: the Report, just escalated to staff
report_escalated = _signals.signal("report-escalated")
