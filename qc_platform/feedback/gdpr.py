"""Feedback's part of the GDPR export and erasure (registered in ``feedback.init_app``).

Export: the reports the person sent (or that were sent for them), the updates they wrote,
their "me too"s, the files they uploaded; the ZIP adds the files of their reports.
Erasure: their reports stay, as anonymous reports: the complex's problem is still real
and its handlers still work on it, but nobody learns who sent it. What they wrote in them
stays too (it describes the problem); their updates are shown without their name
(anonymous as sender, "Persona cancellata" as handler).
"""

from __future__ import annotations

from sqlalchemy import or_, select, update

from qc_platform.accounts import gdpr
from qc_platform.extensions import db
from qc_platform.feedback import attachments
from qc_platform.feedback.models import Report, ReportAttachment, ReportSupport, ReportUpdate

_NOT_EXPORTED = ("sha256",)  # a checksum, not a datum about anyone


def _rows(model, condition, exclude: tuple[str, ...] = ()) -> list[dict]:
    rows = db.session.scalars(select(model).where(condition).order_by(model.id))
    return [gdpr.columns(row, exclude=exclude) for row in rows]


def _own_reports(user):
    return or_(Report.reporter_id == user.id, Report.submitted_by_id == user.id)


def export(user) -> dict:
    reports = db.session.scalars(select(Report).where(_own_reports(user)).order_by(Report.id))
    return {
        "reports": [
            {**gdpr.columns(report), "category": report.category.code} for report in reports
        ],
        "updates_written": _rows(ReportUpdate, ReportUpdate.author_id == user.id),
        "supports": _rows(ReportSupport, ReportSupport.user_id == user.id, ("user_id",)),
        "attachments_uploaded": _rows(
            ReportAttachment, ReportAttachment.uploaded_by_id == user.id, _NOT_EXPORTED
        ),
    }


def files(user) -> list[gdpr.ExportFile]:
    """The files of the person's reports and those they uploaded to any report."""
    own_reports = select(Report.id).where(_own_reports(user))
    found = db.session.scalars(
        select(ReportAttachment)
        .where(
            or_(
                ReportAttachment.report_id.in_(own_reports),
                ReportAttachment.uploaded_by_id == user.id,
            )
        )
        .order_by(ReportAttachment.id)
    )
    return [
        gdpr.ExportFile(
            path=f"segnalazioni/{item.report_id}/{item.id}-{item.filename}",
            read=lambda item=item: attachments.read(item),
        )
        for item in found
    ]


def erase(erasure: gdpr.Erasure) -> None:
    db.session.execute(
        update(Report)
        .where(Report.reporter_id == erasure.user.id)
        .values(anonymous=True)
        .execution_options(synchronize_session="fetch")
    )


def register() -> None:
    gdpr.register("feedback", export=export, files=files, erase=erase)
