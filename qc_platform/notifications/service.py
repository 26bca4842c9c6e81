"""Notifications: store one per recipient, then announce it live and by e-mail after commit."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import func, select, update

from qc_platform.accounts.models import User
from qc_platform.core.after_commit import after_commit
from qc_platform.core.clock import utcnow
from qc_platform.core.errors import InvalidInput, NotFound
from qc_platform.core.i18n import translate
from qc_platform.extensions import db
from qc_platform.notifications import live, mailer
from qc_platform.notifications.kinds import KINDS
from qc_platform.notifications.models import (
    Notification,
    NotificationPreference,
    OutgoingEmail,
)

TITLE_MAX = 200


def notify(
    recipients: Iterable[User],
    kind: str,
    *,
    title_key: str,
    body_key: str,
    link: str | None = None,
    params: dict | None = None,
) -> list[Notification]:
    """Notify each recipient once, in their own language.

    The notification rows (and the e-mails of those who opted in) are written in the
    caller's transaction; the live event and the e-mail sending happen only after it
    commits, and not at all if it rolls back.
    """
    if kind not in KINDS:
        raise ValueError(f"unregistered notification kind {kind!r}")
    params = params or {}
    unique = {user.id: user for user in recipients if user is not None and user.is_active}
    if not unique:
        return []
    created = []
    for user in unique.values():
        notification = Notification(
            user_id=user.id,
            kind=kind,
            title=translate(title_key, user.locale, **params)[:TITLE_MAX],
            body=translate(body_key, user.locale, **params),
            link=link,
            created_at=utcnow(),
        )
        db.session.add(notification)
        created.append(notification)
    db.session.flush()

    unread = _unread_counts(list(unique))
    payloads = [(n.user_id, live.payload(n, unread.get(n.user_id, 0))) for n in created]
    after_commit(lambda: live.emit_notifications(payloads))

    if current_app.config.get("QC_SMTP_URL"):
        emails = _queue_emails(created, unique)
        if emails:
            app = current_app._get_current_object()
            after_commit(lambda: mailer.wake(app))
    return created


def _unread_counts(user_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Notification.user_id, func.count())
        .where(Notification.user_id.in_(user_ids), Notification.read_at.is_(None))
        .group_by(Notification.user_id)
    )
    return dict(rows.all())


def wants_email(user_ids: list[int], kind: str) -> set[int]:
    """Who gets ``kind`` by e-mail: their own choice, else the kind's default."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.email).where(
                NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
            )
        ).all()
    )
    default = KINDS[kind].email_default
    return {uid for uid in user_ids if chosen.get(uid, default)}


def _queue_emails(created: list[Notification], users: dict[int, User]) -> list[OutgoingEmail]:
    by_kind: dict[str, list[Notification]] = {}
    for notification in created:
        by_kind.setdefault(notification.kind, []).append(notification)
    emails = []
    base_url = current_app.config["QC_PUBLIC_URL"].rstrip("/")
    for kind, notifications in by_kind.items():
        recipients = wants_email([n.user_id for n in notifications], kind)
        for notification in notifications:
            user = users[notification.user_id]
            # Only to an address its owner has shown is theirs: an unverified one may be
            # mistyped, or someone else's (it still gets the links that verify it).
            if notification.user_id not in recipients or not user.email_verified:
                continue
            link = f"\n\n{base_url}{notification.link}" if notification.link else ""
            footer = translate(
                "notifications.email.footer", user.locale, url=f"{base_url}/notifiche/preferenze"
            )
            emails.append(
                OutgoingEmail(
                    notification_id=notification.id,
                    to_address=user.email,
                    subject=notification.title,
                    body=f"{notification.body}{link}\n\n-- \n{footer}\n",
                )
            )
    db.session.add_all(emails)
    db.session.flush()
    return emails


# --- reading -----------------------------------------------------------------------


def notifications_of(user: User, *, unread_only: bool = False):
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of my notifications read (idempotent); others' are invisible → 404."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound("http.404")
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(*, user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


# --- preferences -------------------------------------------------------------------


def preferences_of(user: User) -> list[dict]:
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.email).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return [
        {
            "kind": kind.code,
            "name": kind.localised_name(),
            "description": kind.localised_description(),
            "email": chosen.get(kind.code, kind.email_default),
        }
        for kind in KINDS.values()
    ]


def set_preferences(*, user: User, preferences: list[dict]) -> None:
    """Record e-mail choices per kind; an unknown kind refuses the whole request."""
    unknown = sorted({p["kind"] for p in preferences} - set(KINDS))
    if unknown:
        raise InvalidInput(
            "notifications.unknown_kind",
            errors={"json": {"preferences": ["notifications.unknown_kind"]}},
        )
    existing = {
        p.kind: p
        for p in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for choice in preferences:
        row = existing.get(choice["kind"])
        if row is None:
            row = NotificationPreference(
                user_id=user.id, kind=choice["kind"], email=choice["email"]
            )
            db.session.add(row)
            existing[choice["kind"]] = row
        else:
            row.email = choice["email"]
    db.session.flush()
