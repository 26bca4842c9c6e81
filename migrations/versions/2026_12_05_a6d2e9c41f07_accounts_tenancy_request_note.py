"""accounts: a tenancy request carries the requester's optional note for the reviewer

Revision ID: a6d2e9c41f07
Revises: d3b8f2a61c90
Create Date: 2026-12-05 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6d2e9c41f07'
down_revision = 'd3b8f2a61c90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenancy_verifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('tenancy_verifications', schema=None) as batch_op:
        batch_op.drop_column('note')
