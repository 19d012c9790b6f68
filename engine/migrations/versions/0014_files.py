"""attachments stored as files: the files table (engine/files) and documents.attachments

Revision ID: 0014
Revises: 0013
Uploads become real files kept in the store under their SHA-256; each row records who sent it, for which
user task or new document, and what it belongs to. Status updates keep their JSON column: rows from before
hold only the metadata typed by hand ({name, size, type, ref}) and stay readable by name.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(length=50), nullable=True),
        sa.Column("subject", sa.String(length=20), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["process_instances.id"], name=op.f("fk_files_instance_id_process_instances")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
    )
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_files_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_files_task_id"), ["task_id"], unique=False)
        batch_op.create_index("ix_files_subject", ["subject", "subject_id"], unique=False)
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("attachments")
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index("ix_files_subject")
        batch_op.drop_index(batch_op.f("ix_files_task_id"))
        batch_op.drop_index(batch_op.f("ix_files_sha256"))
    op.drop_table("files")
