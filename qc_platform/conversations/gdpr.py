"""Conversations' part of the GDPR export and erasure (``conversations.init_app``).

Export: the messages the person wrote, with the conversation they are in.
Erasure: the text of each of their messages is replaced by a neutral one. The messages
themselves stay, so that the other party's replies still read in order.
"""

from __future__ import annotations

from sqlalchemy import select, update

from qc_platform.accounts import gdpr
from qc_platform.conversations.models import Message
from qc_platform.extensions import db


def export(user) -> dict:
    written = db.session.scalars(
        select(Message).where(Message.author_id == user.id).order_by(Message.id)
    ).unique()
    return {"messages_written": [gdpr.columns(m, exclude=("author_id",)) for m in written]}


def erase(erasure: gdpr.Erasure) -> None:
    db.session.execute(
        update(Message)
        .where(Message.author_id == erasure.user.id)
        .values(body=gdpr.ERASED_MESSAGE)
        .execution_options(synchronize_session="fetch")
    )


def register() -> None:
    gdpr.register("conversations", export=export, erase=erase)
