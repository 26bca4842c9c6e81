"""complex coordinates for Open311

Nullable WGS 84 latitude/longitude of each complex (approximate: the street), for the
Open311 facade's lat/long; ``qc seed`` fills those of the nine seeded complexes.

Not in batch mode: on SQLite a batch operation copies ``complexes`` and drops the
original, and with ``foreign_keys=ON`` that drop cascades into the tables that refer to
it (committee_complexes lost its rows in a trial). ``ALTER TABLE ... ADD COLUMN`` with
the CHECK written inline keeps the table and its rows.

Revision ID: 255d2f6343f8
Revises: 20af4bafa58c
Create Date: 2026-11-25 04:07:38.586266

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '255d2f6343f8'
down_revision = '20af4bafa58c'
branch_labels = None
depends_on = None

RANGES = {
    'latitude': 'latitude IS NULL OR (latitude >= -90 AND latitude <= 90)',
    'longitude': 'longitude IS NULL OR (longitude >= -180 AND longitude <= 180)',
}


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column, check in RANGES.items():
        name = f'ck_complexes_{column}_range'
        if sqlite:
            op.execute(
                f'ALTER TABLE complexes ADD COLUMN {column} FLOAT '
                f'CONSTRAINT {name} CHECK ({check})'
            )
        else:
            op.add_column('complexes', sa.Column(column, sa.Float(), nullable=True))
            op.create_check_constraint(op.f(name), 'complexes', check)


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column in reversed(list(RANGES)):
        if not sqlite:
            op.drop_constraint(op.f(f'ck_complexes_{column}_range'), 'complexes', type_='check')
        # SQLite >= 3.35 drops a column together with its own column CHECK.
        op.drop_column('complexes', column)
