"""Reports and categories as GeoReport v2 service requests and services.

The fields are the specification's, in its order, and only those: GeoReport's
request output has no person in it, so neither anonymous nor named reports can reveal
their sender here. A private report shows neither its description nor its status notes.
"""

from __future__ import annotations

from flask import current_app

from qc_platform.core.clock import ROME
from qc_platform.core.i18n import translate
from qc_platform.feedback.models import FeedbackCategory, Report, ReportStatus, RouteTo
from qc_platform.open311 import policies, service
from qc_platform.open311.documents import w3c_datetime


def _localised(obj, field: str, locale: str) -> str:
    return getattr(obj, f"{field}_{locale}", None) or getattr(obj, f"{field}_it")


SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this facade last changed in a way clients may notice (discovery's changeset).
CHANGESET = "2026-11-25T00:00:00+01:00"


def present_discovery(*, url: str, locale: str) -> dict:
    """Service discovery: where the GeoReport v2 endpoint is and what it speaks."""
    return {
        "changeset": CHANGESET,
        "contact": current_app.config.get("QC_OPEN311_CONTACT")
        or translate("open311.contact", locale),
        "key_service": translate("open311.key_service", locale),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def present_service(category: FeedbackCategory, locale: str) -> dict:
    return {
        "service_code": category.code,
        "service_name": _localised(category, "name", locale),
        "description": _localised(category, "description", locale),
        # No extra attributes to fill in: the service definition lists none.
        "metadata": False,
        "type": "realtime",
        "keywords": category.code,
        "group": translate("open311.group", locale),
    }


def present_service_definition(category: FeedbackCategory) -> dict:
    return {"service_code": category.code, "attributes": []}


def service_notice(locale: str) -> str:
    return translate(
        "open311.service_notice", locale, hours=current_app.config["QC_FEEDBACK_SLA_HOURS"]
    )


def _agency(report: Report, committees: dict[int, str], locale: str) -> str:
    names = []
    for assignment in report.assignments:
        if not assignment.active:
            continue
        if assignment.target == RouteTo.COMMITTEE:
            name = translate(
                "open311.agency.committee",
                locale,
                name=committees.get(assignment.committee_id, ""),
            )
        else:
            name = translate(f"open311.agency.{assignment.target}", locale)
        if name not in names:
            names.append(name)
    return "; ".join(names)


def present_requests(reports: list[Report], locale: str) -> list[dict]:
    complexes = service.complexes_by_id({r.complex_id for r in reports})
    committees = service.committee_names(
        {a.committee_id for r in reports for a in r.assignments if a.committee_id}
    )
    notes = service.latest_status_notes([r.id for r in reports if policies.shows_text(r)])
    notice = service_notice(locale)
    items = []
    for report in reports:
        complex_ = complexes[report.complex_id]
        text = policies.shows_text(report)
        is_open = report.status in ReportStatus.OPEN
        # "For requests with status=closed, this will be the date the request was closed."
        updated = (
            report.updated_at
            if is_open
            else report.closed_at or report.resolved_at or report.updated_at
        )
        # No value: JSON null and an empty XML element, as the specification's examples.
        items.append(
            {
                "service_request_id": report.id,
                "status": "open" if is_open else "closed",
                "status_notes": (notes.get(report.id) or None) if text else None,
                "service_name": _localised(report.category, "name", locale),
                "service_code": report.category.code,
                "description": report.description if text else None,
                "agency_responsible": _agency(report, committees, locale) or None,
                "service_notice": notice,
                "requested_datetime": w3c_datetime(report.created_at),
                "updated_datetime": w3c_datetime(updated),
                "expected_datetime": w3c_datetime(report.first_response_due_at),
                "address": complex_.address,
                "address_id": complex_.id,
                "zipcode": None,
                "lat": complex_.latitude,
                "long": complex_.longitude,
                # Attachments are served only to those who may see the report: never here.
                "media_url": None,
            }
        )
    return items


def present_created(report: Report, locale: str) -> dict:
    """POST requests' answer: the id at once (no token needed), a notice, no account."""
    due = report.first_response_due_at.astimezone(ROME).strftime("%d/%m/%Y %H:%M")
    return {
        "service_request_id": report.id,
        "service_notice": translate("open311.created_notice", locale, due=due),
        "account_id": None,
    }
