"""the unit's own side: coordinators' contributions, internal delegation, approval of periodic reports

Revision ID: 0021
Revises: 0020
Coordinating units' contributions are status_updates rows (role "coordinating") as before, and their
procedure's state lives in process_instances: only internal delegation (Đ9.2.c, Đ26.2) needs a table.
"""

import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "internal_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("assignee", sa.String(length=100), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_internal_tasks_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_internal_tasks_instance_id_process_instances"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_internal_tasks_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internal_tasks")),
    )
    with op.batch_alter_table("internal_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_internal_tasks_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_internal_tasks_unit_code"), ["unit_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("internal_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_internal_tasks_unit_code"))
        batch_op.drop_index(batch_op.f("ix_internal_tasks_assignment_id"))
    op.drop_table("internal_tasks")
