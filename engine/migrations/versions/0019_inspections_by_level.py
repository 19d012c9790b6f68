"""inspections by every level: VP, sở and communes plan, decide, run and report (Đ12-Đ18)

Revision ID: 0019
Revises: 0018
Inspections gain the inspecting unit and its level (existing rows: VP, the province level), the Chánh VP's
proposal, the team leader, the sở concerned (Đ17.3), the inspected unit's own report (Đ16.3), the routing of
the report (Đ17) and the plan item they come from. New tables: the team and invited members (Đ16.2), and the
yearly plans with their items (Đ12.1.a, Đ14.1).
"""

import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspection_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("inspecting_unit_code", sa.String(length=50), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspecting_unit_code"],
            ["units.code"],
            name=op.f("fk_inspection_plans_inspecting_unit_code_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plans")),
    )
    with op.batch_alter_table("inspection_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_plans_year"), ["year"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inspection_plans_inspecting_unit_code"), ["inspecting_unit_code"], unique=False
        )
    op.create_table(
        "inspection_plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("inspected_unit_code", sa.String(length=50), nullable=False),
        sa.Column("planned_month", sa.Integer(), nullable=False),
        sa.Column("contents", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspected_unit_code"],
            ["units.code"],
            name=op.f("fk_inspection_plan_items_inspected_unit_code_units"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["inspection_plans.id"],
            name=op.f("fk_inspection_plan_items_plan_id_inspection_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plan_items")),
    )
    with op.batch_alter_table("inspection_plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_plan_items_plan_id"), ["plan_id"], unique=False)
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inspecting_unit_code", sa.String(length=50), nullable=True))
        batch_op.add_column(
            sa.Column("level", sa.String(length=20), server_default="province", nullable=False)
        )
        batch_op.add_column(sa.Column("proposal", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("team_leader", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("related_sector_unit_code", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("inspected_report_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("inspected_report", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("inspected_reported_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("routing", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("plan_item_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_inspections_inspecting_unit_code_units"),
            "units",
            ["inspecting_unit_code"],
            ["code"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_inspections_related_sector_unit_code_units"),
            "units",
            ["related_sector_unit_code"],
            ["code"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_inspections_plan_item_id_inspection_plan_items"),
            "inspection_plan_items",
            ["plan_item_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_inspections_inspecting_unit_code"), ["inspecting_unit_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspections_plan_item_id"), ["plan_item_id"], unique=False)
    # Existing inspections were VP's: the province level, run by the unit of VP.
    op.execute(
        "UPDATE inspections SET routing = '[]', inspecting_unit_code = "
        "(SELECT code FROM units WHERE unit_type = 'Văn phòng UBND tỉnh' ORDER BY code LIMIT 1)"
    )
    op.create_table(
        "inspection_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_members_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["username"], ["users.username"], name=op.f("fk_inspection_members_username_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_members")),
        sa.UniqueConstraint(
            "inspection_id", "username", name=op.f("uq_inspection_members_inspection_id_username")
        ),
    )
    with op.batch_alter_table("inspection_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_members_inspection_id"), ["inspection_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspection_members_username"), ["username"], unique=False)


def downgrade() -> None:
    op.drop_table("inspection_members")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_plan_item_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_inspecting_unit_code"))
        batch_op.drop_constraint(
            batch_op.f("fk_inspections_plan_item_id_inspection_plan_items"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_inspections_related_sector_unit_code_units"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_inspections_inspecting_unit_code_units"), type_="foreignkey")
        for column in (
            "plan_item_id",
            "routing",
            "inspected_reported_on",
            "inspected_report",
            "inspected_report_due",
            "related_sector_unit_code",
            "team_leader",
            "proposal",
            "level",
            "inspecting_unit_code",
        ):
            batch_op.drop_column(column)
    op.drop_table("inspection_plan_items")
    op.drop_table("inspection_plans")
