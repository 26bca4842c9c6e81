"""Feedback's rules, one file per concern, used as one namespace
(``from qc_platform.feedback import service``, then ``service.submit(...)``):

- ``categories``: the categories of feedback and, for new ones, their default routing;
- ``committees``: tenant committees, their accreditations and members;
- ``routing``: who receives a report, all in one place: the routing rules, routing a new
  report, reassigning it, the committee accredited for a complex, the handlers of an
  assignment and the inbox;
- ``reports``: sending a report, its updates and status flow (and anonymity when its
  sender also handles it), supports, the sender's outcome;
- ``search``: the lists of reports (what a user may see, the inbox) and their filters;
- escalating overdue reports lives next to the service levels (``feedback/escalation.py``,
  ``feedback/sla.py``); attachments and the public statistics have their own modules.

Services add and flush; the request (or CLI command) commits.
"""

from qc_platform.feedback.escalation import escalate_overdue
from qc_platform.feedback.service.categories import (
    categories,
    category_by_code,
    seed_categories_and_routing,
)
from qc_platform.feedback.service.committees import (
    accredit,
    add_member,
    committee_exists,
    create_committee,
    get_committee,
    search_committees,
    today_in_milan,
)
from qc_platform.feedback.service.reports import (
    TRANSITIONS,
    add_update,
    get_visible,
    record_outcome,
    submit,
    support,
    updates_for,
)
from qc_platform.feedback.service.routing import (
    accredited_committee_for,
    create_rule,
    delete_rule,
    handlers_of,
    inbox_query,
    reassign,
    route,
    rules_for,
    search_rules,
)
from qc_platform.feedback.service.search import search_inbox, search_reports

__all__ = [
    "TRANSITIONS",
    "accredit",
    "accredited_committee_for",
    "add_member",
    "add_update",
    "categories",
    "category_by_code",
    "committee_exists",
    "create_committee",
    "create_rule",
    "delete_rule",
    "escalate_overdue",
    "get_committee",
    "get_visible",
    "handlers_of",
    "inbox_query",
    "reassign",
    "record_outcome",
    "route",
    "rules_for",
    "search_committees",
    "search_inbox",
    "search_reports",
    "search_rules",
    "seed_categories_and_routing",
    "submit",
    "support",
    "today_in_milan",
    "updates_for",
]
