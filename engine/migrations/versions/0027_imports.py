"""Nhập dữ liệu từ Excel: the record of each import, and the note that labels the changes it made

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=False),
        sa.Column("header_row", sa.Integer(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("valid_only", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.Column("rows_bad", sa.Integer(), nullable=False),
        sa.Column("documents_created", sa.Integer(), nullable=False),
        sa.Column("processes_started", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_index("ix_imports_imported_at", "imports", ["imported_at"])
    op.create_index(op.f("ix_imports_sha256"), "imports", ["sha256"])
    # A plain ADD COLUMN on both databases: change_history is append-only (0012's triggers), and a batch
    # copy of the table on SQLite would drop them.
    op.add_column("change_history", sa.Column("note", sa.String(length=300), nullable=True))


def downgrade() -> None:
    op.drop_column("change_history", "note")
    op.drop_index(op.f("ix_imports_sha256"), table_name="imports")
    op.drop_index("ix_imports_imported_at", table_name="imports")
    op.drop_table("imports")
