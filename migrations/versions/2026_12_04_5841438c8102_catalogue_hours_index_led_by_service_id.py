"""catalogue: hours index led by service_id

"Open now" is a correlated EXISTS per service (in id order, with a LIMIT). SQLite answered
it through the (weekday, opens_minute, service_id) index, reading every interval of the
weekday for each service: 8x slower at 20,000 services than at 200 (bench_catalogue.py).
Led by service_id, one index serves the EXISTS and the foreign key.

Revision ID: 5841438c8102
Revises: 963db086bbe4
Create Date: 2026-12-04 15:01:12.575597

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5841438c8102'
down_revision = '963db086bbe4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('catalogue_service_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_service_hours_lookup'))
        batch_op.drop_index(batch_op.f('ix_catalogue_service_hours_service_id'))
        batch_op.create_index('ix_catalogue_service_hours_service_day', ['service_id', 'weekday', 'opens_minute', 'closes_minute'], unique=False)


def downgrade():
    with op.batch_alter_table('catalogue_service_hours', schema=None) as batch_op:
        batch_op.drop_index('ix_catalogue_service_hours_service_day')
        batch_op.create_index(batch_op.f('ix_catalogue_service_hours_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_service_hours_lookup'), ['weekday', 'opens_minute', 'service_id'], unique=False)
