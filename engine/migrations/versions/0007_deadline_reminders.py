"""deadline reminders sent, one per deadline and lead time

Revision ID: 0007
Revises: 0006
Notifications get a named recipient (the tracking specialist of an assignment, the assignee of a claimed
user task); the reminders sent are keyed by their deadline; one row holds the last reminder pass.
"""

import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_user", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_notifications_recipient_user"), ["recipient_user"], unique=False)

    op.create_table(
        "deadline_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_reminders")),
        sa.UniqueConstraint(
            "subject_kind", "subject_id", "deadline", "days_before", name="uq_deadline_reminders_key"
        ),
    )
    op.create_table(
        "reminder_passes",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("last_slot", sa.String(length=13), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_reminder_passes")),
    )


def downgrade() -> None:
    op.drop_table("reminder_passes")
    op.drop_table("deadline_reminders")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_recipient_user"))
        batch_op.drop_column("recipient_user")
