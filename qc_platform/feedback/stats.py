"""Public service-level statistics of the feedback channel: aggregated, never personal.

What the neighbourhood may see of how well a complex is served, for a period of days in
Europe/Rome (both days included):

- ``total``, ``by_category``, ``by_status``: the reports *submitted* in the period, by
  category and by their status today;
- ``median_hours_to_first_response`` / ``median_hours_to_resolution``: medians over those
  reports of the **working hours** (``sla.working_hours_between``: weekends and holidays do
  not count, as for the deadline itself) from submission to the first public answer of a
  recipient, and to the (latest) resolution;
- ``answered_on_time_share``: of the reports whose first answer was *due* in the period,
  with a deadline already past, the share answered by the deadline (``None`` when none);
- ``mean_satisfaction`` / ``satisfaction_count``: the reporters' 1–5 ratings of the reports
  submitted in the period. The mean of fewer than ``MIN_RATINGS_FOR_MEAN`` ratings is not
  shown: with a narrow period and a small complex it would be one person's answer.

Nothing here selects an id, a title, a text or a person: only counts, timestamps and
ratings leave the database, and only numbers leave this module. A fixed number of queries
(GROUP BY) whatever the period; the medians are computed in Python from the durations.

The figures are public and the same for everyone, and computing them costs seconds over a
year of a large database: a period is at most a year, and each answer is cached for
``QC_FEEDBACK_STATS_CACHE_SECONDS`` under its normalised parameters (the complex and the
period's two days), shared by every process when Redis is configured (``core.cache``).
Pre-aggregated figures will replace the computation (the monitoring issue).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import and_, case, func, or_, select

from qc_platform.core.cache import remembered
from qc_platform.core.clock import ROME, utcnow
from qc_platform.core.errors import InvalidInput
from qc_platform.core.i18n import register_messages
from qc_platform.extensions import db
from qc_platform.feedback import sla
from qc_platform.feedback.models import FeedbackCategory, Report, ReportStatus
from qc_platform.places import service as places

DEFAULT_PERIOD = relativedelta(months=12)
MAX_PERIOD = relativedelta(years=1)
MIN_RATINGS_FOR_MEAN = 3

register_messages(
    {
        "feedback.stats.period_inverted": {
            "it": "La data di inizio (from) viene dopo quella di fine (to).",
            "en": "The start date (from) comes after the end date (to).",
        },
        "feedback.stats.period_too_long": {
            "it": "Il periodo può essere al massimo di un anno.",
            "en": "The period can be at most one year long.",
        },
        "feedback.stats.date_out_of_range": {
            "it": "Indica una data tra il 2000 e il 2999.",
            "en": "Give a date between 2000 and 2999.",
        },
    }
)


@dataclass(frozen=True)
class Period:
    """Days in Europe/Rome, ``start`` and ``end`` both included."""

    start: date
    end: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """``[start 00:00, day after end 00:00)`` in Rome, as aware datetimes."""
        return (
            datetime.combine(self.start, time(0), tzinfo=ROME),
            datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=ROME),
        )


def today_in_rome() -> date:
    return utcnow().astimezone(ROME).date()


def resolve_period(date_from: date | None, date_to: date | None) -> Period:
    """The period asked for; by default the last 12 months up to today (Rome) included.

    Only ``from``: up to today. Only ``to``: the 12 months up to it. At most a year
    (e.g. 2024-01-01 … 2024-12-31); an inverted or longer period is refused (422).
    """
    end = date_to or today_in_rome()
    start = date_from or (end - DEFAULT_PERIOD + timedelta(days=1))
    if start > end:
        raise InvalidInput(
            "feedback.stats.period_inverted",
            errors={"query": {"from": ["feedback.stats.period_inverted"]}},
        )
    if end + timedelta(days=1) > start + MAX_PERIOD:
        raise InvalidInput(
            "feedback.stats.period_too_long",
            errors={"query": {"to": ["feedback.stats.period_too_long"]}},
        )
    return Period(start, end)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def service_levels(
    *, complex_id: int | None = None, date_from: date | None = None, date_to: date | None = None
) -> dict:
    """The aggregated service levels of one complex (or all) over a period, from the cache
    when the same complex and days were asked for in the last few seconds."""
    period = resolve_period(date_from, date_to)
    return remembered(
        f"feedback-stats:v1:{complex_id or 'all'}:{period.start}:{period.end}",
        current_app.config["QC_FEEDBACK_STATS_CACHE_SECONDS"],
        lambda: _computed(complex_id, period),
    )


def _computed(complex_id: int | None, period: Period) -> dict:
    _check_complex(complex_id)
    start, end = period.bounds
    of_complex = [Report.complex_id == complex_id] if complex_id is not None else []
    submitted = [Report.created_at >= start, Report.created_at < end, *of_complex]
    by_category = _by_category(submitted)
    per_status, rating_sum, rating_count = _by_status(submitted)
    to_first_response, to_resolution = _working_hours_to_answers(submitted)
    due, on_time = _deadlines_met(start, min(end, utcnow()), of_complex)
    return {
        "period": period,  # dumped as {"from", "to"}
        "complex_id": complex_id,
        "total": sum(per_status.values()),
        "by_category": [{"category": code, "count": count} for code, count in by_category],
        "by_status": [
            {"status": status, "count": per_status.get(status, 0)} for status in ReportStatus.ALL
        ],
        "median_hours_to_first_response": _median(to_first_response),
        "median_hours_to_resolution": _median(to_resolution),
        "answered_on_time_share": round(on_time / due, 3) if due else None,
        "mean_satisfaction": (
            round(rating_sum / rating_count, 2) if rating_count >= MIN_RATINGS_FOR_MEAN else None
        ),
        "satisfaction_count": rating_count,
    }


def _check_complex(complex_id: int | None) -> None:
    if complex_id is not None and not places.complex_exists(complex_id):
        raise InvalidInput(
            "feedback.unknown_complex",
            errors={"query": {"complex_id": ["feedback.unknown_complex"]}},
        )


def _by_category(submitted: list) -> list[tuple[str, int]]:
    """``(code, count)`` of every category, also those with no report (a chart's fixed axis)."""
    return db.session.execute(
        select(FeedbackCategory.code, func.count(Report.id))
        .select_from(FeedbackCategory)
        .outerjoin(Report, and_(Report.category_id == FeedbackCategory.id, *submitted))
        .group_by(FeedbackCategory.id, FeedbackCategory.code, FeedbackCategory.position)
        .order_by(FeedbackCategory.position, FeedbackCategory.id)
    ).all()


def _by_status(submitted: list) -> tuple[dict[str, int], int, int]:
    """``{status: count}``, with the ratings' sum and count (one query: the mean is
    weighted back together from the statuses' sums)."""
    rows = db.session.execute(
        select(
            Report.status,
            func.count(),
            func.coalesce(func.sum(Report.satisfaction), 0),
            func.count(Report.satisfaction),
        )
        .where(*submitted)
        .group_by(Report.status)
    ).all()
    per_status = {status: count for status, count, _, _ in rows}
    rating_sum = sum(int(total) for _, _, total, _ in rows)
    rating_count = sum(count for _, _, _, count in rows)
    return per_status, rating_sum, rating_count


def _working_hours_to_answers(submitted: list) -> tuple[list[float], list[float]]:
    """The working hours from submission to the first answer (of the answered reports) and
    to the resolution (of the resolved ones)."""
    durations = db.session.execute(
        select(Report.created_at, Report.first_responded_at, Report.resolved_at).where(
            *submitted,
            or_(Report.first_responded_at.is_not(None), Report.resolved_at.is_not(None)),
        )
    ).all()
    to_first_response = [
        sla.working_hours_between(created, answered)
        for created, answered, _ in durations
        if answered is not None
    ]
    to_resolution = [
        sla.working_hours_between(created, resolved)
        for created, _, resolved in durations
        if resolved is not None
    ]
    return to_first_response, to_resolution


def _deadlines_met(start: datetime, end: datetime, of_complex: list) -> tuple[int, int]:
    """Of the first-answer deadlines in ``[start, end)`` (``end`` is at most now: a deadline
    still to come is neither met nor missed), how many there were and how many were met."""
    due, on_time = db.session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(
                    case(
                        (Report.first_responded_at <= Report.first_response_due_at, 1),
                        else_=0,
                    )
                ),
                0,
            ),
        ).where(
            Report.first_response_due_at >= start,
            Report.first_response_due_at < end,
            *of_complex,
        )
    ).one()
    return due, int(on_time)
