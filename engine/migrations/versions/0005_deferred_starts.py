"""held secret-report periods: a period with no reporting unit is held too

Revision ID: 0005
Revises: 0004
Periods that already have obligations are held from before this revision. Deferred process starts need no
table: a deferred instance waits on a start timer in waiting_timers.
"""

import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "secret_report_periods",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "year", "period", name=op.f("pk_secret_report_periods")),
    )
    op.execute(
        "INSERT INTO secret_report_periods (kind, year, period, unit_count, opened_at) "
        "SELECT kind, year, period, COUNT(*), MIN(created_at) FROM secret_report_obligations "
        "GROUP BY kind, year, period"
    )


def downgrade() -> None:
    op.drop_table("secret_report_periods")
