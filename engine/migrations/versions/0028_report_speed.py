"""What the bucket reports need to answer fast at scale: whether the lead unit had started a task by a
report's date, from an index that holds every column the question reads (engine.reports.buckets asks it
once per open task: at a ministry's million tasks, reading each update's row tripled the report's time).

Revision ID: 0028
Revises: 0027
"""

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_status_updates_assignment_started",
        "status_updates",
        ["assignment_id", "role", "progress", "reported_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_status_updates_assignment_started", table_name="status_updates")
