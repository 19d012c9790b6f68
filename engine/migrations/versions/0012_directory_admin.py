"""directory admin: a unit's successor, the unit types that report, VP's tracking rooms, and the database
refusing to update or delete the audit tables (change history, calendar changes and the deadlines they moved)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The history tables of the audit trail, append-only like instance_events (0003) and account_events (0011).
AUDIT_TABLES = ("change_history", "calendar_changes", "deadline_moves")
# VP consolidates the periodic reports rather than sending one (the rule reporting.py had in code).
NON_REPORTING_TYPES = ("Văn phòng UBND tỉnh",)
# The rooms of a provincial VP that track assignments; the administrator adds, renames or retires them.
ROOMS = (
    "Phòng Tổng hợp",
    "Phòng Kinh tế",
    "Phòng Khoa giáo - Văn xã",
    "Phòng Nội chính - Pháp chế",
    "Phòng Hành chính - Tổ chức",
)


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("successor_code", sa.String(length=50), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_units_successor_code_units"), "units", ["successor_code"], ["code"]
        )
    unit_types = op.create_table(
        "unit_types",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sends_reports", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_unit_types")),
    )
    rooms = op.create_table(
        "tracking_rooms",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_tracking_rooms")),
    )
    op.bulk_insert(unit_types, [{"name": name, "sends_reports": False} for name in NON_REPORTING_TYPES])
    op.bulk_insert(rooms, [{"name": name, "active": True} for name in ROOMS])
    for table in AUDIT_TABLES:
        _append_only(table)


def _append_only(table: str) -> None:
    message = f"{table} is append-only"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{message}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def downgrade() -> None:
    for table in AUDIT_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION {table}_append_only()")
        else:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{action}")
    op.drop_table("tracking_rooms")
    op.drop_table("unit_types")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_units_successor_code_units"), type_="foreignkey")
        batch_op.drop_column("successor_code")
