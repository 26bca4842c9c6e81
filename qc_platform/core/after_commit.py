"""Run callbacks only once the current transaction has committed.

Whatever announces work to the outside world (a Socket.IO event, a wake-up of the mail
sender) is registered here and runs after COMMIT; a rollback forgets it, so nothing is
ever announced about work that did not happen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from qc_platform.extensions import db

log = logging.getLogger(__name__)
_KEY = "qc_after_commit"


def after_commit(callback: Callable[[], None]) -> None:
    """Queue ``callback`` on the current session; it runs after the next COMMIT."""
    db.session.info.setdefault(_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    callbacks = session.info.pop(_KEY, [])
    for callback in callbacks:
        try:
            callback()
        except Exception:  # the data is committed: a failed announcement must not undo it
            log.exception("after-commit callback failed")


@event.listens_for(Session, "after_rollback")
def _forget_callbacks(session: Session) -> None:
    session.info.pop(_KEY, None)
