"""Helpers of the feedback tests: complexes, committees, reports, and a world of roles.

Objects detach from the session after every request (the app removes its session at
the end of each one): helpers here return ids, and tests read rows again by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, func, select

from qc_platform.accounts.models import User
from qc_platform.core.audit import AuditEntry
from qc_platform.extensions import db
from qc_platform.feedback import service as feedback
from qc_platform.feedback.models import (
    CommitteeAccreditation,
    FeedbackCategory,
    Report,
    ReportAssignment,
    ReportUpdate,
    RoutingRule,
)
from qc_platform.notifications.models import Notification
from qc_platform.places.models import Complex, Organisation
from tests.accounts.factories import bearer, persist, user_with_roles

API = "/api/v1"
CATEGORIES = (
    "maintenance",
    "cleaning",
    "safety",
    "living-together",
    "space-services",
    "suggestion",
    "praise",
)
# How a committee stands today: accredited, accredited until yesterday, from tomorrow.
PERIODS = ("today", "expired", "future")


def complex_id(code: str) -> int:
    return db.session.scalar(select(Complex.id).where(Complex.code == code))


def complex_ab() -> tuple[int, int]:
    """Two complexes of the reference data: Boccioni (A) and Fratelli Zoia (B)."""
    return complex_id("boccioni"), complex_id("fratelli-zoia")


def organisation_id(slug: str = "ente-boccioni") -> int:
    return db.session.scalar(select(Organisation.id).where(Organisation.slug == slug))


def period(kind: str, today: date | None = None) -> tuple[date, date]:
    today = today or feedback.today_in_milan()
    return {
        "today": (today - timedelta(days=30), today + timedelta(days=30)),
        "expired": (today - timedelta(days=365), today - timedelta(days=1)),
        "future": (today + timedelta(days=1), today + timedelta(days=365)),
        "until_today": (today - timedelta(days=10), today),
        "from_today": (today, today + timedelta(days=10)),
    }[kind]


def make_committee(
    complex_ids: list[int], accredited: str | None = "today", *, name: str = "Comitato"
) -> int:
    """A committee of the complexes, accredited per ``accredited`` (a PERIODS key or None)."""
    committee = feedback.create_committee(actor=None, name=name, complex_ids=complex_ids)
    if accredited is not None:
        valid_from, valid_until = period(accredited)
        feedback.accredit(
            actor=None, committee=committee, valid_from=valid_from, valid_until=valid_until
        )
    persist()
    return committee.id


def member(committee_id: int, **kwargs) -> User:
    return user_with_roles(("committee_member", "committee", committee_id), **kwargs)


def tenant(complex_id: int, **kwargs) -> User:
    return user_with_roles(("tenant", "complex", complex_id), **kwargs)


def custodian(complex_id: int, **kwargs) -> User:
    return user_with_roles(("custodian", "complex", complex_id), **kwargs)


def staff(**kwargs) -> User:
    return user_with_roles(("staff", None, None), **kwargs)


def submit(author: User, complex_id: int, category: str = "maintenance", **kwargs) -> int:
    """A report sent through the service (committed); returns its id."""
    values = {
        "title": "Ascensore fermo",
        "description": "L'ascensore della scala B è fermo da ieri.",
        **kwargs,
    }
    report = feedback.submit(author=author, complex_id=complex_id, category=category, **values)
    persist()
    return report.id


def report(report_id: int) -> Report:
    """The report as stored now (read again, never a stale copy)."""
    db.session.expire_all()
    return db.session.get(Report, report_id)


def set_status(report_id: int, status: str) -> None:
    """Put a report in ``status`` directly (setup of the state-machine cases)."""
    row = report(report_id)
    row.status = status
    persist()


def assignments(report_id: int, *, active_only: bool = True) -> set[tuple[str, int | None]]:
    """``{(target, committee_id)}`` of the report's (active) assignments."""
    query = select(ReportAssignment.target, ReportAssignment.committee_id).where(
        ReportAssignment.report_id == report_id
    )
    if active_only:
        query = query.where(ReportAssignment.active.is_(True))
    return {tuple(row) for row in db.session.execute(query)}


def updates(report_id: int) -> list[ReportUpdate]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ReportUpdate)
            .where(ReportUpdate.report_id == report_id)
            .order_by(ReportUpdate.id)
        )
    )


def notified(kind: str | None = None) -> dict[int, list[Notification]]:
    """Notifications stored so far, by recipient (only ``kind`` when given)."""
    query = select(Notification).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    by_user: dict[int, list[Notification]] = {}
    for notification in db.session.scalars(query):
        by_user.setdefault(notification.user_id, []).append(notification)
    return by_user


def notification_ids() -> list[int]:
    return list(db.session.scalars(select(Notification.id).order_by(Notification.id)))


def audit_rows(action: str | None = None, object_id: int | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    return list(db.session.scalars(query))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def category_id(code: str) -> int:
    return db.session.scalar(select(FeedbackCategory.id).where(FeedbackCategory.code == code))


def replace_rules(category: str, *route_to: str, complex_id: int | None = None) -> None:
    """Make ``route_to`` the only rules of ``category`` (general, or of one complex)."""
    cid = category_id(category)
    db.session.execute(
        delete(RoutingRule).where(
            RoutingRule.category_id == cid,
            RoutingRule.complex_id.is_(None)
            if complex_id is None
            else RoutingRule.complex_id == complex_id,
        )
    )
    for target in route_to:
        db.session.add(RoutingRule(category_id=cid, complex_id=complex_id, route_to=target))
    persist()


def accreditations_of(committee_id: int) -> list[tuple[date, date]]:
    return [
        (a.valid_from, a.valid_until)
        for a in db.session.scalars(
            select(CommitteeAccreditation)
            .where(CommitteeAccreditation.committee_id == committee_id)
            .order_by(CommitteeAccreditation.id)
        )
    ]


# --- a world with one person per role --------------------------------------------------

ROLES = (
    "anonymous",
    "resident",
    "reporter",  # the tenant of complex A who sends the report
    "tenant",  # another tenant of complex A
    "tenant_other",  # a tenant of complex B
    "operator",
    "custodian",  # of complex A
    "custodian_other",  # of complex B
    "committee_member",  # of the committee accredited today for complex A
    "committee_other",  # of the committee accredited today for complex B
    "committee_lapsed",  # of a committee of complex A whose accreditation has expired
    "staff",
    "admin",
)
SIGNED_IN = ROLES[1:]


@dataclass
class World:
    complex_a: int
    complex_b: int
    committee_a: int
    committee_b: int
    committee_lapsed: int
    users: dict[str, User]
    ids: dict[str, int]
    headers: dict[str, dict[str, str]]
    extra: dict = field(default_factory=dict)

    def auth(self, role: str) -> dict[str, str]:
        return self.headers.get(role, {})


def build_world(**people: dict) -> World:
    """Everyone of ROLES, each with a personal token; ``people`` adds factory kwargs per role."""
    a, b = complex_ab()
    lapsed = make_committee([a], "expired", name="Comitato Boccioni (scaduto)")
    committee_a = make_committee([a], "today", name="Comitato inquilini Boccioni")
    committee_b = make_committee([b], "today", name="Comitato inquilini Zoia")
    grants = {
        "resident": (),
        "reporter": (("tenant", "complex", a),),
        "tenant": (("tenant", "complex", a),),
        "tenant_other": (("tenant", "complex", b),),
        "operator": (("operator", "organisation", organisation_id()),),
        "custodian": (("custodian", "complex", a),),
        "custodian_other": (("custodian", "complex", b),),
        "committee_member": (("committee_member", "committee", committee_a),),
        "committee_other": (("committee_member", "committee", committee_b),),
        "committee_lapsed": (("committee_member", "committee", lapsed),),
        "staff": (("staff", None, None),),
        "admin": (("admin", None, None),),
    }
    users = {role: user_with_roles(*grants[role], **people.get(role, {})) for role in grants}
    return World(
        complex_a=a,
        complex_b=b,
        committee_a=committee_a,
        committee_b=committee_b,
        committee_lapsed=lapsed,
        users=users,
        ids={role: user.id for role, user in users.items()},
        headers={role: bearer(user) for role, user in users.items()},
    )


def get(client, path: str, headers: dict[str, str] | None = None, **query):
    return client.get(f"{API}{path}", headers=headers or {}, query_string=query)


def post(client, path: str, body: dict | None = None, headers: dict[str, str] | None = None):
    return client.post(f"{API}{path}", json=body if body is not None else {}, headers=headers or {})


def listed_ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]
