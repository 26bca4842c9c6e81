"""activities: categories, activities, sessions, registrations, calendar-feed tokens

The tables of the activities module only. Sessions are the materialised occurrences of
an activity (recurring ones over a rolling horizon); seat counts are kept on the session
row and changed only under its lock; one registration per user and session.

Revision ID: 056379cdd706
Revises: f3d8e05cd1bd
Create Date: 2026-11-25 06:14:42.771322

"""
from alembic import op
import sqlalchemy as sa

import qc_platform.core.db


# revision identifiers, used by Alembic.
revision = '056379cdd706'
down_revision = 'f3d8e05cd1bd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activity_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_it', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('description_it', sa.String(length=500), nullable=False),
    sa.Column('description_en', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_activity_categories_code'))
    )
    op.create_table('activity_calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activity_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_activity_calendar_feeds_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_activity_calendar_feeds_user_id'))
    )
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('accessibility_notes', sa.String(length=500), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('starts_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rrule', sa.String(length=300), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration_required', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("audience IN ('everyone', 'children', 'young_people', 'families', 'elderly', 'women', 'migrants')", name=op.f('ck_activities_audience')),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 1', name=op.f('ck_activities_capacity')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_activities_period')),
    sa.CheckConstraint('price_cents >= 0', name=op.f('ck_activities_price')),
    sa.ForeignKeyConstraint(['category_id'], ['activity_categories.id'], name=op.f('fk_activities_category_id_activity_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_activities_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_activities_space_id_spaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_space_id'), ['space_id'], unique=False)

    op.create_table('activity_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recurrence_id', qc_platform.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('cancelled_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('confirmed_count', sa.Integer(), nullable=False),
    sa.Column('waitlisted_count', sa.Integer(), nullable=False),
    sa.Column('attendance_recorded_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('walk_ins', sa.Integer(), nullable=True),
    sa.Column('created_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f('ck_activity_sessions_status')),
    sa.CheckConstraint('confirmed_count >= 0', name=op.f('ck_activity_sessions_confirmed_count')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_activity_sessions_period')),
    sa.CheckConstraint('waitlisted_count >= 0', name=op.f('ck_activity_sessions_waitlisted_count')),
    sa.CheckConstraint('walk_ins IS NULL OR walk_ins >= 0', name=op.f('ck_activity_sessions_walk_ins')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_sessions_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_sessions')),
    sa.UniqueConstraint('activity_id', 'recurrence_id', name=op.f('uq_activity_sessions_activity_id_recurrence_id'))
    )
    with op.batch_alter_table('activity_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_activity_sessions_activity_start', ['activity_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_activity_sessions_start', ['starts_at', 'id'], unique=False)

    op.create_table('activity_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('desk_name', sa.String(length=120), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('queued_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('promoted_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('created_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name=op.f('ck_activity_registrations_status')),
    sa.CheckConstraint('user_id IS NULL OR desk_name IS NULL', name=op.f('ck_activity_registrations_one_person')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_activity_registrations_registered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['activity_sessions.id'], name=op.f('fk_activity_registrations_session_id_activity_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activity_registrations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_registrations')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_activity_registrations_session_id_user_id'))
    )
    with op.batch_alter_table('activity_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_activity_registrations_queue', ['session_id', 'status', 'queued_at', 'id'], unique=False)
        batch_op.create_index('ix_activity_registrations_user', ['user_id', 'status'], unique=False)



def downgrade():
    with op.batch_alter_table('activity_registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_registrations_user')
        batch_op.drop_index('ix_activity_registrations_queue')

    op.drop_table('activity_registrations')
    with op.batch_alter_table('activity_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_sessions_start')
        batch_op.drop_index('ix_activity_sessions_activity_start')

    op.drop_table('activity_sessions')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_space_id'))
        batch_op.drop_index(batch_op.f('ix_activities_category_id'))

    op.drop_table('activities')
    op.drop_table('activity_calendar_feeds')
    op.drop_table('activity_categories')
