"""accounts: verified e-mail addresses, and the single-use links sent by e-mail

users.email_verified_at: when the person opened a link sent to the address (e-mail
notifications go only to verified addresses). Accounts that exist count as verified, at
their creation: they were made before verification existed, they have been receiving
the e-mails they chose, and stopping those overnight would silence the platform for
everyone without telling them (the only way to ask them is by e-mail). New accounts
start unverified.

email_tokens: password resets (60 minutes), address verifications and address changes;
only the SHA-256 of each token is stored, and each is used once.

Revision ID: d3b8f2a61c90
Revises: e8a3f1c6b2d4
Create Date: 2026-12-05 16:00:00

"""
from alembic import op
import sqlalchemy as sa

import qc_platform.core.db


# revision identifiers, used by Alembic.
revision = 'd3b8f2a61c90'
down_revision = 'e8a3f1c6b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=True))
    users = sa.table(
        'users',
        sa.column('created_at', qc_platform.core.db.UTCDateTime()),
        sa.column('email_verified_at', qc_platform.core.db.UTCDateTime()),
    )
    op.execute(users.update().values(email_verified_at=users.c.created_at))

    op.create_table('email_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', qc_platform.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('password_reset', 'email_verification', 'email_change')", name=op.f('ck_email_tokens_purpose')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_tokens_token_hash'))
    )
    with op.batch_alter_table('email_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_email_tokens_user_id_purpose', ['user_id', 'purpose'], unique=False)


def downgrade():
    with op.batch_alter_table('email_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_email_tokens_user_id_purpose')

    op.drop_table('email_tokens')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
