"""The catalogue's part of the GDPR export and erasure (``catalogue.init_app``).

Export: the person's service requests (their messages are the conversations').
Erasure: an accepted request not completed is an appointment with an organisation (and,
for a time-bank service, a payment due on completion): it blocks the erasure (409:
complete or cancel it first). Pending requests are cancelled (the organisation is told);
the text of every request of theirs is replaced by a neutral one.
"""

from __future__ import annotations

from sqlalchemy import select, update

from qc_platform.accounts import gdpr
from qc_platform.catalogue import service
from qc_platform.catalogue.models import RequestStatus, ServiceRequest
from qc_platform.extensions import db


def export(user) -> dict:
    requests = db.session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.requester_id == user.id)
        .order_by(ServiceRequest.id)
    ).unique()
    return {
        "requests": [
            {**gdpr.columns(request), "service_title": request.service.title}
            for request in requests
        ]
    }


def _requests(user, status: str) -> list[ServiceRequest]:
    query = select(ServiceRequest).where(
        ServiceRequest.requester_id == user.id, ServiceRequest.status == status
    )
    return list(db.session.scalars(query.order_by(ServiceRequest.id)).unique())


def obstacles(user) -> list[gdpr.Obstacle]:
    return [
        gdpr.Obstacle(
            "catalogue.erasure_open_request",
            {"request_id": request.id, "title": request.service.title},
        )
        for request in _requests(user, RequestStatus.ACCEPTED)
    ]


def erase(erasure: gdpr.Erasure) -> None:
    user = erasure.user
    for request in _requests(user, RequestStatus.PENDING):
        service.act(user=user, request=request, action="cancel")
    db.session.execute(
        update(ServiceRequest)
        .where(ServiceRequest.requester_id == user.id)
        .values(message=gdpr.ERASED_MESSAGE, preferred_times="")
        .execution_options(synchronize_session="fetch")
    )


def register() -> None:
    gdpr.register("catalogue", export=export, obstacles=obstacles, erase=erase)
