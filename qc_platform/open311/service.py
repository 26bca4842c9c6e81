"""Open311 requests on top of the feedback service: locating the complex, filing, listing.

Services add and flush; the request commits (docs/architecture.md, "How a request flows").
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import Select, select

from qc_platform.extensions import db
from qc_platform.feedback import service as feedback
from qc_platform.feedback.models import (
    Committee,
    FeedbackCategory,
    Report,
    ReportStatus,
    ReportUpdate,
)
from qc_platform.places.models import Complex

# How far a lat/long may be from a complex's (approximate) point and still mean it.
NEARBY_METRES = 500
# GeoReport v2: "free form text limited to 4,000 characters".
MAX_DESCRIPTION = 4000
TITLE_LENGTH = 80
MAX_RESULTS = 1000
EARTH_RADIUS_METRES = 6_371_000


def category(code: str) -> FeedbackCategory | None:
    return db.session.scalar(select(FeedbackCategory).where(FeedbackCategory.code == code))


def get_complex(complex_id: int) -> Complex | None:
    return db.session.get(Complex, complex_id)


def distance_metres(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle distance (haversine): plenty for "which complex is this"."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(long2 - long1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


def nearest_complex(
    *, latitude: float, longitude: float, within_metres: float = NEARBY_METRES
) -> Complex | None:
    """The complex closest to the point, if it is within ``within_metres``."""
    located = db.session.scalars(
        select(Complex).where(Complex.latitude.is_not(None), Complex.longitude.is_not(None))
    )
    best, best_distance = None, within_metres
    for complex_ in located:
        distance = distance_metres(latitude, longitude, complex_.latitude, complex_.longitude)
        if distance <= best_distance:
            best, best_distance = complex_, distance
    return best


def title_from(description: str) -> str:
    """Open311 has no title: the first 80 characters of the description, on one line."""
    return " ".join(description.split())[:TITLE_LENGTH].strip()


def submit_request(
    *,
    author,
    service_code: str,
    description: str,
    complex_id: int,
    anonymous: bool = False,
    location_detail: str | None = None,
) -> Report:
    """A tenant's Open311 request becomes a private report on the complex, routed at once.

    Private, because an Open311 client cannot show the platform's visibility choice;
    anonymous only when the caller asks (``anonymous=true``, our extension).
    """
    return feedback.submit(
        author=author,
        complex_id=complex_id,
        category=service_code,
        title=title_from(description),
        description=description,
        anonymous=anonymous,
        visibility="private",
        location_detail=location_detail,
    )


def find_requests(
    visible: Select,
    *,
    ids: list[int] | None = None,
    service_codes: list[str] | None = None,
    statuses: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Report]:
    """GET requests' search among ``visible``: newest first, at most 1000.

    ``ids`` override all the other filters, as the specification says.
    """
    query = visible
    if ids is not None:
        return list(
            db.session.scalars(
                query.where(Report.id.in_(ids)).order_by(Report.id).limit(MAX_RESULTS)
            )
        )
    if service_codes:
        query = query.where(
            Report.category_id.in_(
                select(FeedbackCategory.id).where(FeedbackCategory.code.in_(service_codes))
            )
        )
    if statuses and set(statuses) != {"open", "closed"}:
        query = query.where(
            Report.status.in_(ReportStatus.OPEN)
            if "open" in statuses
            else Report.status.not_in(ReportStatus.OPEN)
        )
    if start is not None:
        query = query.where(Report.created_at >= start)
    if end is not None:
        query = query.where(Report.created_at <= end)
    query = query.order_by(Report.created_at.desc(), Report.id.desc()).limit(MAX_RESULTS)
    return list(db.session.scalars(query))


def complexes_by_id(ids: set[int]) -> dict[int, Complex]:
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Complex).where(Complex.id.in_(ids)))}


def committee_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(Committee.id, Committee.name).where(Committee.id.in_(ids)))
    return {committee_id: name for committee_id, name in rows}


def latest_status_notes(report_ids: list[int]) -> dict[int, str]:
    """The note of each report's latest public status change (never internal notes)."""
    if not report_ids:
        return {}
    rows = db.session.execute(
        select(ReportUpdate.report_id, ReportUpdate.body)
        .where(
            ReportUpdate.report_id.in_(report_ids),
            ReportUpdate.status_to.is_not(None),
            ReportUpdate.internal.is_(False),
            ReportUpdate.author_role != "reporter",
        )
        .order_by(ReportUpdate.report_id, ReportUpdate.id)
    )
    return {report_id: body for report_id, body in rows}


def get_report(report_id: int) -> Report | None:
    return db.session.get(Report, report_id)
