"""accounts: server-side sessions (user_sessions) and personal tokens that expire

A session cookie authenticates only while its user_sessions row lives (logout, password
change and "sign out everywhere" end it; so does the idle time). Personal tokens get
expires_at: the ones that exist expire 90 days after their creation.

Revision ID: e8a3f1c6b2d4
Revises: c4f1a9e2d7b3
Create Date: 2026-12-05 12:00:00

"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa

import qc_platform.core.db


# revision identifiers, used by Alembic.
revision = 'e8a3f1c6b2d4'
down_revision = 'c4f1a9e2d7b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('device', sa.String(length=60), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_user_sessions_secret_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=True))

    # The tokens that exist expire 90 days after their creation (UTCDateTime reads and
    # writes the same way on SQLite and PostgreSQL).
    tokens = sa.table(
        'api_tokens',
        sa.column('id', sa.Integer()),
        sa.column('created_at', qc_platform.core.db.UTCDateTime()),
        sa.column('expires_at', qc_platform.core.db.UTCDateTime()),
    )
    bind = op.get_bind()
    for token_id, created_at in bind.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        bind.execute(
            tokens.update()
            .where(tokens.c.id == token_id)
            .values(expires_at=created_at + timedelta(days=90))
        )

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=qc_platform.core.db.UTCDateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
