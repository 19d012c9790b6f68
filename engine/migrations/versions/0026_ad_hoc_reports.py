"""Báo cáo đột xuất: ad-hoc report requests and the units' answers

Revision ID: 0026
Revises: 0025
The Chairman or VP asks units for a report by a date (Đ19.4, Đ20.1, Đ21.1), a written report on one task
(Đ5.1) or a report under the secrecy regime (Đ5.2.b, which keeps no content); each named unit answers once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ad_hoc_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("requirements", sa.Text(), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("requester_role", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=True),
        sa.Column("opened_by", sa.String(length=100), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("template", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("consolidation", sa.Text(), nullable=True),
        sa.Column("consolidation_files", sa.JSON(), nullable=False),
        sa.Column("consolidated_by", sa.String(length=100), nullable=True),
        sa.Column("consolidated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_ad_hoc_reports_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_ad_hoc_reports_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_hoc_reports")),
    )
    with op.batch_alter_table("ad_hoc_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ad_hoc_reports_assignment_id"), ["assignment_id"], unique=False)
    op.create_table(
        "ad_hoc_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("difficulties", sa.Text(), nullable=True),
        sa.Column("proposals", sa.Text(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"], ["ad_hoc_reports.id"], name=op.f("fk_ad_hoc_answers_report_id_ad_hoc_reports")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_ad_hoc_answers_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_hoc_answers")),
        sa.UniqueConstraint("report_id", "unit_code", name=op.f("uq_ad_hoc_answers_report_id_unit_code")),
    )
    with op.batch_alter_table("ad_hoc_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ad_hoc_answers_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ad_hoc_answers_unit_code"), ["unit_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ad_hoc_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ad_hoc_answers_unit_code"))
        batch_op.drop_index(batch_op.f("ix_ad_hoc_answers_report_id"))
    op.drop_table("ad_hoc_answers")
    with op.batch_alter_table("ad_hoc_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ad_hoc_reports_assignment_id"))
    op.drop_table("ad_hoc_reports")
