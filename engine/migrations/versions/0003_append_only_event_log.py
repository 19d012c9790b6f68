"""append-only event log: the database itself refuses to update or delete an instance event

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "instance_events is append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION instance_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER instance_events_append_only BEFORE UPDATE OR DELETE ON instance_events "
            "FOR EACH ROW EXECUTE FUNCTION instance_events_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER instance_events_no_{action.lower()} BEFORE {action} ON instance_events "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER instance_events_append_only ON instance_events")
        op.execute("DROP FUNCTION instance_events_append_only()")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER instance_events_no_{action}")
