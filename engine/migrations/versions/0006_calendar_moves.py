"""calendar years (official or estimated), override history, deadline moves

Revision ID: 0006
Revises: 0005
Overrides existing before this revision have no history entry: their row keeps who set them and when.
"""

import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("official", sa.Boolean(), nullable=False),
        sa.Column("notice", sa.String(length=300), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=True),
        sa.Column("changed_by", sa.String(length=100), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )
    op.create_table(
        "calendar_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_changes")),
    )
    with op.batch_alter_table("calendar_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_changes_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendar_changes_day"), ["day"], unique=False)

    op.create_table(
        "deadline_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=True),
        sa.Column("unit_name", sa.String(length=300), nullable=False),
        sa.Column("old_date", sa.Date(), nullable=False),
        sa.Column("new_date", sa.Date(), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=True),
        sa.Column("entity_id", sa.String(length=50), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"], ["calendar_changes.id"], name=op.f("fk_deadline_moves_change_id_calendar_changes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_moves")),
    )
    with op.batch_alter_table("deadline_moves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deadline_moves_change_id"), ["change_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deadline_moves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_moves_change_id"))
    op.drop_table("deadline_moves")
    with op.batch_alter_table("calendar_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_changes_day"))
        batch_op.drop_index(batch_op.f("ix_calendar_changes_at"))
    op.drop_table("calendar_changes")
    op.drop_table("calendar_years")
