"""time bank: a person's floor is 0 until they are a verified tenant

Every new account could go to -600 minutes and pay anyone, so throwaway registrations
minted hours. Now a person's account starts at floor 0 and gets the credit floor when a
tenant role is granted, unless staff chose its floor (``floor_set_by_staff``).

Data: accounts whose floor staff changed (``timebank.floor_changed`` in the audit log)
are marked as staff-set and keep it. The other accounts of people holding no tenant role
go to floor 0, or to their balance if it is already below zero (the CHECK keeps balances
above floors: they cannot go further down, and keep what they owe). Tenants and
organisations keep their floor.

Revision ID: c4f1a9e2d7b3
Revises: b7e2c4d91a3f
Create Date: 2026-12-05 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4f1a9e2d7b3"
down_revision = "b7e2c4d91a3f"
branch_labels = None
depends_on = None

CREDIT_FLOOR_MINUTES = -600

accounts = sa.table(
    "timebank_accounts",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("balance_minutes", sa.Integer),
    sa.column("floor_minutes", sa.Integer),
    sa.column("floor_set_by_staff", sa.Boolean),
)
audit_log = sa.table(
    "audit_log",
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
)
role_grants = sa.table(
    "role_grants",
    sa.column("user_id", sa.Integer),
    sa.column("role", sa.String),
)


def upgrade():
    with op.batch_alter_table("timebank_accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("floor_set_by_staff", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(
        accounts.update()
        .where(
            accounts.c.id.in_(
                sa.select(audit_log.c.object_id).where(
                    audit_log.c.action == "timebank.floor_changed",
                    audit_log.c.object_type == "timebank_account",
                )
            )
        )
        .values(floor_set_by_staff=sa.true())
    )
    op.execute(
        accounts.update()
        .where(
            accounts.c.user_id.is_not(None),
            accounts.c.floor_set_by_staff == sa.false(),
            accounts.c.floor_minutes < 0,
            accounts.c.user_id.not_in(
                sa.select(role_grants.c.user_id).where(role_grants.c.role == "tenant")
            ),
        )
        .values(
            floor_minutes=sa.case(
                (accounts.c.balance_minutes < 0, accounts.c.balance_minutes), else_=0
            )
        )
    )


def downgrade():
    # Back to one floor for everyone: people's floors that were not staff-set return to
    # the credit floor (only lowered, so no balance ends up below its floor).
    op.execute(
        accounts.update()
        .where(
            accounts.c.user_id.is_not(None),
            accounts.c.floor_set_by_staff == sa.false(),
            accounts.c.floor_minutes > CREDIT_FLOOR_MINUTES,
        )
        .values(floor_minutes=CREDIT_FLOOR_MINUTES)
    )
    with op.batch_alter_table("timebank_accounts", schema=None) as batch_op:
        batch_op.drop_column("floor_set_by_staff")
