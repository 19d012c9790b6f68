"""notifications that lead somewhere: what each is about, and who has read it

Revision ID: 0017
Revises: 0016
A notification names the user task, assignment or document it is about, so that opening it leads there;
rows written before are filled in from the instance that raised them. Reads are kept per user (a group's
notification is shared), with a per-user cursor for "mark all as read".
"""

import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("assignment_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_task_id_user_tasks"), "user_tasks", ["task_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_assignment_id_assignments"), "assignments", ["assignment_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_document_id_documents"), "documents", ["document_id"], ["id"]
        )
        batch_op.create_index("ix_notifications_kind_created", ["kind", "created_at"], unique=False)

    # Rows written before: the assignment whose process (or data correction) raised them, else the
    # document whose intake did. Correlated subqueries read the same on SQLite and PostgreSQL.
    op.execute(
        """
        UPDATE notifications SET assignment_id = COALESCE(
            (SELECT MIN(a.id) FROM assignments a WHERE a.instance_id = notifications.instance_id),
            (SELECT MIN(c.assignment_id) FROM data_corrections c
             WHERE c.instance_id = notifications.instance_id)
        )
        WHERE instance_id IS NOT NULL
        """
    )
    op.execute(
        """
        UPDATE notifications SET document_id = COALESCE(
            (SELECT a.document_id FROM assignments a WHERE a.id = notifications.assignment_id),
            (SELECT MIN(d.id) FROM documents d WHERE d.intake_instance_id = notifications.instance_id)
        )
        WHERE instance_id IS NOT NULL
        """
    )

    op.create_table(
        "notification_reads",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_notification_reads_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("username", "notification_id", name=op.f("pk_notification_reads")),
    )
    op.create_table(
        "notification_cursors",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("read_through", sa.Integer(), nullable=False),
        sa.Column("marked_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_notification_cursors")),
    )


def downgrade() -> None:
    op.drop_table("notification_cursors")
    op.drop_table("notification_reads")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_kind_created")
        batch_op.drop_constraint(batch_op.f("fk_notifications_document_id_documents"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_notifications_assignment_id_assignments"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_notifications_task_id_user_tasks"), type_="foreignkey")
        batch_op.drop_column("document_id")
        batch_op.drop_column("assignment_id")
        batch_op.drop_column("task_id")
