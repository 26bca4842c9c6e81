"""Feedback API: categories, reports and their updates, inbox, routing rules, committees."""

from __future__ import annotations

import io

from flask import current_app, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from qc_platform.core.errors import Forbidden
from qc_platform.core.http import accepts_multipart
from qc_platform.core.limits import per_user_limit
from qc_platform.core.pagination import PaginationArgsSchema, page_schema, paginate
from qc_platform.core.permissions import login_required, permission_required, require_login
from qc_platform.extensions import limiter
from qc_platform.feedback import (
    attachments,
    messages,  # noqa: F401 - registers the texts
    policies,
    presenters,
    service,
    stats,
)
from qc_platform.feedback.models import (
    Committee,
    Report,
    ReportUpdate,
    RoutingRule,
)
from qc_platform.feedback.schemas import (
    AccreditationCreateSchema,
    AccreditationSchema,
    AttachmentSchema,
    AttachmentUploadSchema,
    CategorySchema,
    CommitteeCreateSchema,
    CommitteeSchema,
    FeedbackStatsQueryArgsSchema,
    FeedbackStatsSchema,
    MemberCreateSchema,
    MemberSchema,
    OutcomeSchema,
    ReassignSchema,
    ReportCreateSchema,
    ReportListArgsSchema,
    ReportQueryArgsSchema,
    ReportSchema,
    RoutingRuleCreateSchema,
    RoutingRuleSchema,
    UpdateCreateSchema,
    UpdateSchema,
)

blp = Blueprint(
    "feedback",
    __name__,
    url_prefix="/api/v1",
    description="Tenants' reports (segnalazioni), routed to custodians, accredited committees "
    "and the housing manager's staff.",
)

staff_only = permission_required(policies.FEEDBACK_MANAGE)


@blp.route("/feedback/categories")
class Categories(MethodView):
    @blp.response(200, page_schema(CategorySchema))
    def get(self):
        """The categories of feedback (public), by their stable `code`."""
        return {"items": service.categories(), "next_cursor": None}


@blp.route("/feedback/reports")
class Reports(MethodView):
    @login_required
    @per_user_limit("QC_REPORT_RATE_LIMIT")
    @blp.arguments(ReportCreateSchema)
    @blp.response(201, ReportSchema)
    def post(self, data):
        """Send a report about your complex; it is routed at once."""
        user = require_login()
        data["on_behalf_of_id"] = data.pop("on_behalf_of")
        report = service.submit(author=user, **data)
        return presenters.present_report(user, report)

    @login_required
    @blp.arguments(ReportListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(ReportSchema))
    def get(self, status, category, complex_id, overdue, mine, limit, cursor):
        """Reports I may see: mine, routed to me, public ones of my complex; all for staff."""
        user = require_login()
        query = service.search_reports(
            user=user,
            status=status,
            category=category,
            complex_id=complex_id,
            overdue=overdue,
            mine=mine,
        )
        page = paginate(query, keys=[Report.id], limit=limit, cursor=cursor, descending=True)
        return {
            "items": presenters.present_reports(user, page.items),
            "next_cursor": page.next_cursor,
        }


@blp.route("/feedback/reports/<int:report_id>")
class ReportItem(MethodView):
    @login_required
    @blp.response(200, ReportSchema)
    def get(self, report_id):
        """One report (its sender, its recipients, staff; public ones: the complex's tenants)."""
        user = require_login()
        return presenters.present_report(user, service.get_visible(user, report_id))


@blp.route("/feedback/reports/<int:report_id>/updates")
class ReportUpdates(MethodView):
    @login_required
    @blp.arguments(UpdateCreateSchema)
    @blp.response(201, UpdateSchema)
    def post(self, data, report_id):
        """Comment (reporter, recipients, staff), change status or add an internal note."""
        user = require_login()
        report = service.get_visible(user, report_id)
        update = service.add_update(author=user, report=report, **data)
        return presenters.present_updates(user, report, [update])[0]

    @login_required
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(UpdateSchema))
    def get(self, report_id, limit, cursor):
        """The report's trail, oldest first; internal notes only for recipients and staff."""
        user = require_login()
        report = service.get_visible(user, report_id)
        page = paginate(
            service.updates_for(user, report), keys=[ReportUpdate.id], limit=limit, cursor=cursor
        )
        return {
            "items": presenters.present_updates(user, report, page.items),
            "next_cursor": page.next_cursor,
        }


@blp.route("/feedback/reports/<int:report_id>/supports")
class ReportSupports(MethodView):
    @login_required
    @blp.response(201, ReportSchema)
    def post(self, report_id):
        """ "Me too": a tenant of the same complex supports a public report, once."""
        user = require_login()
        report = service.support(user=user, report=service.get_visible(user, report_id))
        return presenters.present_report(user, report)


@blp.route("/feedback/reports/<int:report_id>/outcome")
class ReportOutcome(MethodView):
    @login_required
    @blp.arguments(OutcomeSchema)
    @blp.response(200, ReportSchema)
    def post(self, data, report_id):
        """The sender of a resolved report: was it solved, and how satisfied are you (1–5)?"""
        user = require_login()
        report = service.record_outcome(
            user=user, report=service.get_visible(user, report_id), **data
        )
        return presenters.present_report(user, report)


@blp.route("/feedback/reports/<int:report_id>/reassign")
class ReportReassign(MethodView):
    @login_required
    @blp.arguments(ReassignSchema)
    @blp.response(200, ReportSchema)
    def post(self, data, report_id):
        """Staff route a report elsewhere: custodians, a committee, or the staff queue."""
        user = require_login()
        report = service.get_visible(user, report_id)
        if not policies.can_manage_feedback(user):
            raise Forbidden("http.403")
        return presenters.present_report(user, service.reassign(actor=user, report=report, **data))


@blp.route("/feedback/inbox")
class Inbox(MethodView):
    @login_required
    @blp.arguments(ReportQueryArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(ReportSchema))
    def get(self, status, category, complex_id, overdue, limit, cursor):
        """Open reports routed to me (custodians, committee members, staff), due first."""
        user = require_login()
        query = service.search_inbox(
            user=user, status=status, category=category, complex_id=complex_id, overdue=overdue
        )
        page = paginate(
            query, keys=[Report.first_response_due_at, Report.id], limit=limit, cursor=cursor
        )
        return {
            "items": presenters.present_reports(user, page.items),
            "next_cursor": page.next_cursor,
        }


@blp.route("/feedback/routing-rules")
class RoutingRules(MethodView):
    @staff_only
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(RoutingRuleSchema))
    def get(self, limit, cursor):
        """The routing rules (staff)."""
        return paginate(service.search_rules(), keys=[RoutingRule.id], limit=limit, cursor=cursor)

    @staff_only
    @blp.arguments(RoutingRuleCreateSchema)
    @blp.response(201, RoutingRuleSchema)
    def post(self, data):
        """Add a rule: reports of `category` on `complex_id` (null: any) go to `route_to`."""
        return service.create_rule(actor=require_login(), **data)


@blp.route("/feedback/routing-rules/<int:rule_id>")
class RoutingRuleItem(MethodView):
    @staff_only
    @blp.response(204)
    def delete(self, rule_id):
        """Remove a rule (staff)."""
        service.delete_rule(actor=require_login(), rule_id=rule_id)


def _committee_view(committee: Committee) -> Committee:
    today = service.today_in_milan()
    committee.accredited_today = any(
        a.valid_from <= today <= a.valid_until for a in committee.accreditations
    )
    return committee


@blp.route("/committees")
class Committees(MethodView):
    @staff_only
    @blp.arguments(PaginationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, page_schema(CommitteeSchema))
    def get(self, limit, cursor):
        """Tenant committees and their accreditations (staff)."""
        query = service.search_committees()
        page = paginate(query, keys=[Committee.id], limit=limit, cursor=cursor)
        page.items = [_committee_view(c) for c in page.items]
        return page

    @staff_only
    @blp.arguments(CommitteeCreateSchema)
    @blp.response(201, CommitteeSchema)
    def post(self, data):
        """Register a tenant committee for one or more complexes (staff)."""
        return _committee_view(service.create_committee(actor=require_login(), **data))


@blp.route("/committees/<int:committee_id>")
class CommitteeItem(MethodView):
    @staff_only
    @blp.response(200, CommitteeSchema)
    def get(self, committee_id):
        """One committee (staff)."""
        return _committee_view(service.get_committee(committee_id))


@blp.route("/committees/<int:committee_id>/accreditations")
class CommitteeAccreditations(MethodView):
    @staff_only
    @blp.arguments(AccreditationCreateSchema)
    @blp.response(201, AccreditationSchema)
    def post(self, data, committee_id):
        """Accredit a committee for a period; only a committee accredited today receives reports."""
        committee = service.get_committee(committee_id)
        return service.accredit(actor=require_login(), committee=committee, **data)


@blp.route("/committees/<int:committee_id>/members")
class CommitteeMembers(MethodView):
    @staff_only
    @blp.arguments(MemberCreateSchema)
    @blp.response(201, MemberSchema)
    def post(self, data, committee_id):
        """Add a member (grants the committee_member role for this committee)."""
        committee = service.get_committee(committee_id)
        return service.add_member(actor=require_login(), committee=committee, **data)


def _stats_limit() -> str:
    return current_app.config["QC_STATS_RATE_LIMIT"]


@blp.route("/feedback/stats")
class Stats(MethodView):
    @limiter.limit(_stats_limit)  # per client address: anyone may ask
    @blp.arguments(FeedbackStatsQueryArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, FeedbackStatsSchema)
    def get(self, complex_id, date_from, date_to):
        """Service levels (public, aggregated, never personal): counts by category and
        status, median working hours to first answer and to resolution, share answered on
        time, mean satisfaction. Period in Europe/Rome days, default the last 12 months, at
        most a year. Answers are cached (`QC_FEEDBACK_STATS_CACHE_SECONDS`, a minute by
        default), so they may be that old."""
        return stats.service_levels(complex_id=complex_id, date_from=date_from, date_to=date_to)


@blp.route("/feedback/reports/<int:report_id>/attachments")
class ReportAttachments(MethodView):
    @accepts_multipart
    @login_required
    @per_user_limit("QC_ATTACHMENT_RATE_LIMIT")
    @blp.arguments(AttachmentUploadSchema, location="files")
    @blp.response(201, AttachmentSchema)
    def post(self, files, report_id):
        """Attach a photo (JPEG, PNG, WebP) or a PDF of at most 5 MB: sender and recipients.

        The type is read from the content (415 otherwise); photos lose their metadata
        (EXIF location included), are turned upright and kept at most 2560 px on their long
        side; a photo with more pixels than `QC_MAX_IMAGE_PIXELS` (40 million by default) is
        a 422; at most 10 files per report.
        """
        user = require_login()
        report = service.get_visible(user, report_id)
        upload = files["file"]
        attachment = attachments.add(
            uploader=user, report=report, stream=upload.stream, filename=upload.filename
        )
        return attachments.present(user, report, [attachment])[0]

    @login_required
    @blp.response(200, page_schema(AttachmentSchema))
    def get(self, report_id):
        """The report's files (whoever sees the report); who uploaded them is never shown."""
        user = require_login()
        report = service.get_visible(user, report_id)
        items = attachments.present(user, report, attachments.for_report(report))
        return {"items": items, "next_cursor": None}


_FILE_CONTENT = {"schema": {"type": "string", "format": "binary"}}


@blp.route("/feedback/attachments/<int:attachment_id>")
class AttachmentFile(MethodView):
    @login_required
    @blp.doc(
        responses={
            "200": {
                "description": "The file: photos inline, PDFs as a download.",
                "content": {kind: _FILE_CONTENT for kind in attachments.CONTENT_TYPES},
            }
        }
    )
    def get(self, attachment_id):
        """Download an attachment (whoever sees its report)."""
        user = require_login()
        attachment, report = attachments.get_visible(user, attachment_id)
        response = send_file(
            io.BytesIO(attachments.read(attachment)),
            mimetype=attachment.content_type,
            as_attachment=attachment.content_type == attachments.PDF,
            download_name=attachments.shown_filename(user, report, attachment),
            conditional=False,
            etag=False,
            max_age=None,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response
