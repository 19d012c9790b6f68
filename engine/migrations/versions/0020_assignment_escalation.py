"""difficulties through VP's advice, escalation to the Chairman, the unit leader's approval (Đ8.1.c, Đ19.3)

Revision ID: 0020
Revises: 0019
Difficulty reports keep VP's advice (assessment, proposal, the sở concerned) and the unit leader's
approval; status updates the approval of a result; `escalations` holds what VP proposed and the Chairman
directed about a unit still silent after an urging letter.
"""

import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("approved_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("difficulty_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("approved_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("advice", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("proposal", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("advised_due_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("concerned_unit_code", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("advised_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("advised_at", UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_difficulty_reports_concerned_unit_code_units"),
            "units",
            ["concerned_unit_code"],
            ["code"],
        )
        batch_op.create_index(
            batch_op.f("ix_difficulty_reports_concerned_unit_code"), ["concerned_unit_code"], unique=False
        )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("urging_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=True),
        sa.Column("proposed_at", UTCDateTime(), nullable=False),
        sa.Column("direction_kind", sa.String(length=30), nullable=True),
        sa.Column("direction", sa.Text(), nullable=True),
        sa.Column("new_due_date", sa.Date(), nullable=True),
        sa.Column("directed_by", sa.String(length=100), nullable=True),
        sa.Column("directed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_escalations_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"], name=op.f("fk_escalations_unit_code_units")),
        sa.ForeignKeyConstraint(["urging_id"], ["urgings.id"], name=op.f("fk_escalations_urging_id_urgings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint("urging_id", name=op.f("uq_escalations_urging_id")),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalations_assignment_id"), ["assignment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalations_assignment_id"))
    op.drop_table("escalations")
    with op.batch_alter_table("difficulty_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_difficulty_reports_concerned_unit_code"))
        batch_op.drop_constraint(
            batch_op.f("fk_difficulty_reports_concerned_unit_code_units"), type_="foreignkey"
        )
        for column in (
            "advised_at",
            "advised_by",
            "concerned_unit_code",
            "advised_due_date",
            "proposal",
            "advice",
            "approved_at",
            "approved_by",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by")
