"""feedback: partial index of open reports by due time

The inbox lists open reports routed to the caller, due first (ORDER BY
first_response_due_at, id). With ix_feedback_reports_due (status, first_response_due_at)
the databases fetched every open report of the three open statuses and sorted them on
each request, so the inbox slowed down with the number of reports (SQLite: 6.7 ms at
1,000 reports, 83 ms at 100,000). The partial index holds only open reports, in the
inbox's order: a page reads about ``limit`` rows whatever the table's size, and
escalation (open, due < now) reads a range of it. It replaces the old index, which no
query needs any more (and which SQLite's planner would keep preferring).

Plain CREATE/DROP INDEX, not batch mode: nothing here needs SQLite's table copy.

Revision ID: d5154c3d8af3
Revises: 255d2f6343f8
Create Date: 2026-11-25 04:17:30.449332

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5154c3d8af3'
down_revision = '255d2f6343f8'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('submitted', 'acknowledged', 'in_progress')")


def upgrade():
    op.drop_index('ix_feedback_reports_due', table_name='feedback_reports')
    op.create_index(
        'ix_feedback_reports_open_due',
        'feedback_reports',
        ['first_response_due_at', 'id'],
        unique=False,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade():
    op.drop_index('ix_feedback_reports_open_due', table_name='feedback_reports')
    op.create_index(
        'ix_feedback_reports_due',
        'feedback_reports',
        ['status', 'first_response_due_at'],
        unique=False,
    )
