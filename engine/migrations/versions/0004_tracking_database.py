"""tracking database: history, returns, transfers, urgings, adjustments, inspections, report rounds

Revision ID: 0004
Revises: 0003
Assignments existing before this revision were dispatched without a process: they count as accepted.
"""

import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.String(length=50), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_history")),
    )
    with op.batch_alter_table("change_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_history_at"), ["at"], unique=False)
        batch_op.create_index("ix_change_history_entity", ["entity", "entity_id", "id"], unique=False)

    op.create_table(
        "secret_report_obligations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_secret_report_obligations_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secret_report_obligations")),
        sa.UniqueConstraint(
            "unit_code",
            "kind",
            "year",
            "period",
            name=op.f("uq_secret_report_obligations_unit_code_kind_year_period"),
        ),
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("inspected_unit", sa.String(length=50), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.Column("leader", sa.String(length=200), nullable=True),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("report_due", sa.Date(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("notice_sent_on", sa.Date(), nullable=True),
        sa.Column("dossier", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspected_unit"], ["units.code"], name=op.f("fk_inspections_inspected_unit_units")
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_inspections_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_inspected_unit"), ["inspected_unit"], unique=False)

    op.create_table(
        "report_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("window_from", sa.Date(), nullable=False),
        sa.Column("window_to", sa.Date(), nullable=False),
        sa.Column("unit_due", sa.Date(), nullable=False),
        sa.Column("consolidation_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("consolidated_at", UTCDateTime(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_report_rounds_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_rounds")),
        sa.UniqueConstraint("kind", "year", "period", name=op.f("uq_report_rounds_kind_year_period")),
    )
    op.create_table(
        "report_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("difficulties", sa.Text(), nullable=True),
        sa.Column("proposals", sa.Text(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["report_rounds.id"], name=op.f("fk_report_submissions_round_id_report_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_report_submissions_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_submissions")),
        sa.UniqueConstraint("round_id", "unit_code", name=op.f("uq_report_submissions_round_id_unit_code")),
    )
    with op.batch_alter_table("report_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_submissions_unit_code"), ["unit_code"], unique=False)

    op.create_table(
        "assignment_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("reason_kind", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("returned_by", sa.String(length=100), nullable=True),
        sa.Column("returned_at", UTCDateTime(), nullable=False),
        sa.Column("resolution", sa.String(length=30), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_returns_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_assignment_returns_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_returns")),
    )
    with op.batch_alter_table("assignment_returns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_returns_assignment_id"), ["assignment_id"], unique=False
        )

    op.create_table(
        "data_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=True),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("correction", sa.Text(), nullable=True),
        sa.Column("corrected_by", sa.String(length=100), nullable=True),
        sa.Column("corrected_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_data_corrections_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_data_corrections_instance_id_process_instances"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_data_corrections_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_corrections")),
    )
    with op.batch_alter_table("data_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_corrections_assignment_id"), ["assignment_id"], unique=False
        )

    op.create_table(
        "difficulty_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("difficulties", sa.Text(), nullable=False),
        sa.Column("proposals", sa.Text(), nullable=False),
        sa.Column("proposed_due_date", sa.Date(), nullable=True),
        sa.Column("reported_by", sa.String(length=100), nullable=True),
        sa.Column("reported_at", UTCDateTime(), nullable=False),
        sa.Column("decision", sa.String(length=30), nullable=True),
        sa.Column("direction", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_difficulty_reports_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_difficulty_reports_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_difficulty_reports")),
    )
    with op.batch_alter_table("difficulty_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_difficulty_reports_assignment_id"), ["assignment_id"], unique=False
        )

    op.create_table(
        "local_feedbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_unit", sa.String(length=50), nullable=False),
        sa.Column("about_unit", sa.String(length=50), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("response_due", sa.Date(), nullable=False),
        sa.Column("response_kind", sa.String(length=30), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_by", sa.String(length=100), nullable=True),
        sa.Column("responded_at", UTCDateTime(), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["about_unit"], ["units.code"], name=op.f("fk_local_feedbacks_about_unit_units")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_local_feedbacks_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["from_unit"], ["units.code"], name=op.f("fk_local_feedbacks_from_unit_units")
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_local_feedbacks_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_feedbacks")),
    )
    with op.batch_alter_table("local_feedbacks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_local_feedbacks_about_unit"), ["about_unit"], unique=False)
        batch_op.create_index(batch_op.f("ix_local_feedbacks_from_unit"), ["from_unit"], unique=False)

    op.create_table(
        "status_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.String(length=20), nullable=False),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("difficulties", sa.Text(), nullable=True),
        sa.Column("proposals", sa.Text(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("is_result_report", sa.Boolean(), nullable=False),
        sa.Column("reported_by", sa.String(length=100), nullable=True),
        sa.Column("reported_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_status_updates_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_status_updates_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_updates")),
    )
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_updates_assignment_id"), ["assignment_id"], unique=False)

    op.create_table(
        "assignment_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("from_unit", sa.String(length=50), nullable=False),
        sa.Column("to_unit", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("transferred_by", sa.String(length=100), nullable=True),
        sa.Column("transferred_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_transfers_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["from_unit"], ["units.code"], name=op.f("fk_assignment_transfers_from_unit_units")
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["assignment_returns.id"],
            name=op.f("fk_assignment_transfers_return_id_assignment_returns"),
        ),
        sa.ForeignKeyConstraint(
            ["to_unit"], ["units.code"], name=op.f("fk_assignment_transfers_to_unit_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_transfers")),
    )
    with op.batch_alter_table("assignment_transfers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignment_transfers_assignment_at", ["assignment_id", "transferred_at"], unique=False
        )

    op.create_table(
        "deadline_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("old_due_date", sa.Date(), nullable=True),
        sa.Column("old_effective_due_date", sa.Date(), nullable=True),
        sa.Column("new_due_date", sa.Date(), nullable=True),
        sa.Column("new_effective_due_date", sa.Date(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("difficulty_report_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_deadline_adjustments_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["difficulty_report_id"],
            ["difficulty_reports.id"],
            name=op.f("fk_deadline_adjustments_difficulty_report_id_difficulty_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_adjustments")),
    )
    with op.batch_alter_table("deadline_adjustments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deadline_adjustments_assignment_at", ["assignment_id", "decided_at"], unique=False
        )

    op.create_table(
        "urgings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("feedback_id", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=True),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_urgings_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["local_feedbacks.id"], name=op.f("fk_urgings_feedback_id_local_feedbacks")
        ),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"], name=op.f("fk_urgings_unit_code_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urgings")),
    )
    with op.batch_alter_table("urgings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_urgings_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_urgings_unit_code"), ["unit_code"], unique=False)

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stage", sa.String(length=30), nullable=False, server_default="accepted")
        )
        batch_op.add_column(sa.Column("confirmed_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_update_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("instance_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_assignments_stage"), ["stage"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_instance_id_process_instances"),
            "process_instances",
            ["instance_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assignments_instance_id_process_instances"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_assignments_stage"))
        batch_op.drop_column("instance_id")
        batch_op.drop_column("last_update_at")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("stage")

    with op.batch_alter_table("urgings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_urgings_unit_code"))
        batch_op.drop_index(batch_op.f("ix_urgings_assignment_id"))

    op.drop_table("urgings")
    with op.batch_alter_table("deadline_adjustments", schema=None) as batch_op:
        batch_op.drop_index("ix_deadline_adjustments_assignment_at")

    op.drop_table("deadline_adjustments")
    with op.batch_alter_table("assignment_transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_transfers_assignment_at")

    op.drop_table("assignment_transfers")
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_updates_assignment_id"))

    op.drop_table("status_updates")
    with op.batch_alter_table("local_feedbacks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_local_feedbacks_from_unit"))
        batch_op.drop_index(batch_op.f("ix_local_feedbacks_about_unit"))

    op.drop_table("local_feedbacks")
    with op.batch_alter_table("difficulty_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_difficulty_reports_assignment_id"))

    op.drop_table("difficulty_reports")
    with op.batch_alter_table("data_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_corrections_assignment_id"))

    op.drop_table("data_corrections")
    with op.batch_alter_table("assignment_returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_returns_assignment_id"))

    op.drop_table("assignment_returns")
    with op.batch_alter_table("report_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_submissions_unit_code"))

    op.drop_table("report_submissions")
    op.drop_table("report_rounds")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_inspected_unit"))

    op.drop_table("inspections")
    op.drop_table("secret_report_obligations")
    with op.batch_alter_table("change_history", schema=None) as batch_op:
        batch_op.drop_index("ix_change_history_entity")
        batch_op.drop_index(batch_op.f("ix_change_history_at"))

    op.drop_table("change_history")
