"""Notifications' part of an erasure: the person's own are deleted, others' stop naming them."""

from __future__ import annotations

from sqlalchemy import select

from qc_platform.accounts import gdpr
from qc_platform.core.clock import utcnow
from qc_platform.extensions import db
from qc_platform.notifications import gdpr as notifications_gdpr
from qc_platform.notifications.models import Notification, NotificationPreference, OutgoingEmail
from tests.accounts.factories import UserFactory


def _notification(user, title, body="") -> Notification:
    row = Notification(user_id=user.id, kind="system.announcement", title=title, body=body)
    db.session.add(row)
    db.session.flush()
    return row


def _erase(user, former_name, former_email, *other_addresses) -> None:
    notifications_gdpr.erase(
        gdpr.Erasure(
            user=user,
            former_name=former_name,
            former_email=former_email,
            at=utcnow(),
            other_addresses=other_addresses,
        )
    )


def test_erasure_deletes_the_persons_notifications_preferences_and_mail():
    anna, other = UserFactory(display_name="Anna Neri"), UserFactory()
    own = _notification(anna, "Per te")
    db.session.add_all(
        [
            NotificationPreference(user_id=anna.id, kind="system.announcement", email=False),
            OutgoingEmail(notification_id=own.id, to_address=anna.email, subject="s", body="b"),
            # an old e-mail to her address, its notification long gone
            OutgoingEmail(to_address=anna.email, subject="Vecchia", body="b"),
            OutgoingEmail(to_address=other.email, subject="Per altri", body="b"),
            # the link that would confirm the new address she asked for
            OutgoingEmail(to_address="anna.nuova@example.org", subject="Conferma", body="b"),
        ]
    )
    db.session.flush()

    _erase(anna, "Anna Neri", anna.email, "anna.nuova@example.org")

    assert (
        db.session.scalars(select(Notification).where(Notification.user_id == anna.id)).all() == []
    )
    prefs = select(NotificationPreference).where(NotificationPreference.user_id == anna.id)
    assert db.session.scalars(prefs).all() == []
    left = db.session.scalars(select(OutgoingEmail.to_address)).all()
    assert anna.email not in left and "anna.nuova@example.org" not in left
    assert other.email in left


def test_others_notifications_and_mail_stop_naming_the_person_and_only_her():
    anna, reader = UserFactory(display_name="Anna Neri"), UserFactory()
    named = _notification(reader, "Anna Neri ti ha scritto", "Anna Neri: «Ci vediamo?»")
    lookalike = _notification(reader, "Annalisa Anna Nerina", "Marianna Neri")
    mail = OutgoingEmail(
        to_address=reader.email, subject="Anna Neri ti ha scritto", body="Da Anna Neri"
    )
    db.session.add(mail)
    db.session.flush()

    _erase(anna, "Anna Neri", anna.email)

    assert named.title == "Persona cancellata ti ha scritto"
    assert named.body == "Persona cancellata: «Ci vediamo?»"
    assert (mail.subject, mail.body) == (
        "Persona cancellata ti ha scritto",
        "Da Persona cancellata",
    )
    # a longer word that only contains the name is someone else's: left alone
    assert (lookalike.title, lookalike.body) == ("Annalisa Anna Nerina", "Marianna Neri")


def test_a_name_with_like_wildcards_matches_only_itself():
    odd, reader = UserFactory(display_name="100%_vero"), UserFactory()
    named = _notification(reader, "Messaggio da 100%_vero")
    other = _notification(reader, "Messaggio da 100 e più")
    _erase(odd, "100%_vero", odd.email)
    assert named.title == "Messaggio da Persona cancellata"
    assert other.title == "Messaggio da 100 e più"
