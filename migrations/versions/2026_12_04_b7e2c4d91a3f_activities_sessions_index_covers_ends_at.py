"""activities: the sessions' start index also holds ends_at

The week's search reads the starts_at index from `from` minus 14 days (the longest a
session lasts) and keeps the sessions still under way at `from`. With ends_at in the index
the two weeks before `from` are refused without reading their rows: on SQLite the search
at 200,000 sessions was 1.3-1.45x its time at 2,000 (bench_activities.py).

Revision ID: b7e2c4d91a3f
Revises: 5841438c8102
Create Date: 2026-12-04 19:25:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e2c4d91a3f'
down_revision = '5841438c8102'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activity_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_sessions_start')
        batch_op.create_index('ix_activity_sessions_start_end', ['starts_at', 'id', 'ends_at'], unique=False)


def downgrade():
    with op.batch_alter_table('activity_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_sessions_start_end')
        batch_op.create_index('ix_activity_sessions_start', ['starts_at', 'id'], unique=False)
