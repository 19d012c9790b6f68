"""who gave a task and in which sector (Đ1.1, Đ9.2.a); whether a unit type's leader approves (Đ8.1.c)

Revision ID: 0018
Revises: 0017
Leaders are the UBND collectively, the Chairman and each Vice-Chairman with the sectors they oversee;
sectors (lĩnh vực) are a managed list. Documents and assignments name the leader who gave them, and an
assignment its sector. Unit types gain `leader_approval`, on for "Sở, ban, ngành" as the issue asks.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

APPROVING_TYPES = ("Sở, ban, ngành",)


def upgrade() -> None:
    op.create_table(
        "sectors",
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_sectors")),
        sa.UniqueConstraint("name", name=op.f("uq_sectors_name")),
    )
    op.create_table(
        "leaders",
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("person_name", sa.String(length=200), nullable=True),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(["username"], ["users.username"], name=op.f("fk_leaders_username_users")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_leaders")),
    )
    op.create_table(
        "leader_sectors",
        sa.Column("leader_code", sa.String(length=50), nullable=False),
        sa.Column("sector_code", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_code"],
            ["leaders.code"],
            name=op.f("fk_leader_sectors_leader_code_leaders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sector_code"], ["sectors.code"], name=op.f("fk_leader_sectors_sector_code_sectors")
        ),
        sa.PrimaryKeyConstraint("leader_code", "sector_code", name=op.f("pk_leader_sectors")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leader_code", sa.String(length=50), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_leader_code_leaders"), "leaders", ["leader_code"], ["code"]
        )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leader_code", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("sector_code", sa.String(length=50), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_leader_code_leaders"), "leaders", ["leader_code"], ["code"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_sector_code_sectors"), "sectors", ["sector_code"], ["code"]
        )
        batch_op.create_index(batch_op.f("ix_assignments_leader_code"), ["leader_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_sector_code"), ["sector_code"], unique=False)
    with op.batch_alter_table("unit_types", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("leader_approval", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    unit_types = sa.table(
        "unit_types", sa.column("name", sa.String), sa.column("leader_approval", sa.Boolean)
    )
    op.execute(unit_types.update().where(unit_types.c.name.in_(APPROVING_TYPES)).values(leader_approval=True))


def downgrade() -> None:
    with op.batch_alter_table("unit_types", schema=None) as batch_op:
        batch_op.drop_column("leader_approval")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_sector_code"))
        batch_op.drop_index(batch_op.f("ix_assignments_leader_code"))
        batch_op.drop_constraint(batch_op.f("fk_assignments_sector_code_sectors"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_assignments_leader_code_leaders"), type_="foreignkey")
        batch_op.drop_column("sector_code")
        batch_op.drop_column("leader_code")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_documents_leader_code_leaders"), type_="foreignkey")
        batch_op.drop_column("leader_code")
    op.drop_table("leader_sectors")
    op.drop_table("leaders")
    op.drop_table("sectors")
