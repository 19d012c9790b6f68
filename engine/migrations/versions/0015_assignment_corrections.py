"""VP corrects a dispatched task: the corrections with their reasons, and the unit types of local
governments (whose units may name another unit's assignment in their feedback, Đ21.3)

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The local-government unit types of the administrative map of 2025 (DOMAIN.md), and of before it; the
# administrator marks others on the unit directory page (as 0012 seeded the one type that sends no report).
LOCAL_GOVERNMENT_TYPES = ("UBND cấp xã/phường", "UBND huyện, thành phố")


def upgrade() -> None:
    op.create_table(
        "assignment_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("corrected_by", sa.String(length=100), nullable=True),
        sa.Column("corrected_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_corrections_assignment_id_assignments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_corrections")),
    )
    with op.batch_alter_table("assignment_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_corrections_assignment_id"), ["assignment_id"], unique=False
        )
    with op.batch_alter_table("unit_types", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("local_government", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    unit_types = sa.table(
        "unit_types",
        sa.column("name", sa.String),
        sa.column("sends_reports", sa.Boolean),
        sa.column("local_government", sa.Boolean),
    )
    bind = op.get_bind()
    known = set(
        bind.scalars(sa.select(unit_types.c.name).where(unit_types.c.name.in_(LOCAL_GOVERNMENT_TYPES)))
    )
    op.execute(unit_types.update().where(unit_types.c.name.in_(known)).values(local_government=True))
    op.bulk_insert(
        unit_types,
        [
            {"name": name, "sends_reports": True, "local_government": True}
            for name in LOCAL_GOVERNMENT_TYPES
            if name not in known
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("unit_types", schema=None) as batch_op:
        batch_op.drop_column("local_government")
    with op.batch_alter_table("assignment_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_corrections_assignment_id"))
    op.drop_table("assignment_corrections")
