"""urging channels, feedback received outside the system, data-correction requests, divergent opinions

Revision ID: 0022
Revises: 0021
Urgings gain how the unit was urged (Đ11.3-4: văn bản, điện thoại, cuộc họp, thư điện tử, hệ thống), the day,
who was contacted and who recorded it; existing reminders are the system's, everything else a letter.
Local feedback gains the channel VP received it by, its receipt date (T5 counts from it, Đ19.5), the letter
number, who registered it and the files sent with it. Data corrections gain the lead unit's own request
(Đ8.1.b). Divergent opinions between units (Đ9.1.c) get their tables. Files uploaded for a start form name
the process they are for.
"""

from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

PROVINCE = ZoneInfo("Asia/Ho_Chi_Minh")  # the dates people read are Vietnam's (engine.config default)


def upgrade() -> None:
    with op.batch_alter_table("urgings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=20), server_default="van_ban", nullable=False)
        )
        batch_op.add_column(sa.Column("urged_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("person", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("recorded_by", sa.String(length=100), nullable=True))
    urgings = sa.table(
        "urgings",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("channel", sa.String),
        sa.column("issued_at", sa.DateTime),
        sa.column("urged_on", sa.Date),
    )
    op.execute(urgings.update().where(urgings.c.kind == "update_reminder").values(channel="he_thong"))
    _local_dates(urgings, "issued_at", "urged_on")
    with op.batch_alter_table("urgings", schema=None) as batch_op:
        batch_op.alter_column("urged_on", existing_type=sa.Date(), nullable=False)

    with op.batch_alter_table("local_feedbacks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=20), server_default="he_thong", nullable=False)
        )
        batch_op.add_column(sa.Column("received_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("letter_number", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("registered_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachments", sa.JSON(), server_default="[]", nullable=False))
    feedbacks = sa.table(
        "local_feedbacks",
        sa.column("id", sa.Integer),
        sa.column("received_at", sa.DateTime),
        sa.column("received_on", sa.Date),
    )
    _local_dates(feedbacks, "received_at", "received_on")
    with op.batch_alter_table("local_feedbacks", schema=None) as batch_op:
        batch_op.alter_column("received_on", existing_type=sa.Date(), nullable=False)

    with op.batch_alter_table("data_corrections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_by_unit", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("wrong_fields", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("proposed", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attachments", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("explanation", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_data_corrections_requested_by_unit_units"),
            "units",
            ["requested_by_unit"],
            ["code"],
        )

    # A start form's files (local feedback, a unit's correction request) name the process they are for.
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("process_id", sa.String(length=200), nullable=True))

    op.create_table(
        "divergences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("positions_due", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(length=100), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.String(length=100), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("direction", sa.Text(), nullable=True),
        sa.Column("directed_by", sa.String(length=100), nullable=True),
        sa.Column("directed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_divergences_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_divergences_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_divergences")),
    )
    with op.batch_alter_table("divergences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_divergences_assignment_id"), ["assignment_id"], unique=False)
    op.create_table(
        "divergence_positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("divergence_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Text(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("stated_by", sa.String(length=100), nullable=True),
        sa.Column("stated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["divergence_id"],
            ["divergences.id"],
            name=op.f("fk_divergence_positions_divergence_id_divergences"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_divergence_positions_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_divergence_positions")),
        sa.UniqueConstraint(
            "divergence_id", "unit_code", name=op.f("uq_divergence_positions_divergence_id_unit_code")
        ),
    )
    with op.batch_alter_table("divergence_positions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_divergence_positions_divergence_id"), ["divergence_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("divergence_positions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_divergence_positions_divergence_id"))
    op.drop_table("divergence_positions")
    with op.batch_alter_table("divergences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_divergences_assignment_id"))
    op.drop_table("divergences")
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_column("process_id")
    with op.batch_alter_table("data_corrections", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_data_corrections_requested_by_unit_units"), type_="foreignkey"
        )
        for column in ("explanation", "attachments", "proposed", "wrong_fields", "requested_by_unit"):
            batch_op.drop_column(column)
    with op.batch_alter_table("local_feedbacks", schema=None) as batch_op:
        for column in ("attachments", "registered_by", "letter_number", "received_on", "channel"):
            batch_op.drop_column(column)
    with op.batch_alter_table("urgings", schema=None) as batch_op:
        for column in ("recorded_by", "person", "urged_on", "channel"):
            batch_op.drop_column(column)


def _local_dates(table, at_column: str, day_column: str) -> None:
    """Fill `day_column` with the local date of the UTC instant `at_column`, row by row (both dialects)."""
    bind = op.get_bind()
    for row_id, at in bind.execute(sa.select(table.c.id, table.c[at_column])).all():
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        bind.execute(
            table.update().where(table.c.id == row_id).values({day_column: at.astimezone(PROVINCE).date()})
        )
