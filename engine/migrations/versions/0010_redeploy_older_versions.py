"""redeploy older versions: content equal to an older version may be deployed again as the newest

Revision ID: 0010
Revises: 0009
Identical content was refused as "unchanged" against every version, so re-deploying the last good file
after a broken one left the broken one newest. Now only the newest version's content counts as unchanged,
and a rollback is a new version with the old content (source_definition_id names where it came from).
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_definitions") as batch_op:
        batch_op.drop_constraint("uq_process_definitions_process_id_content_hash", type_="unique")
        batch_op.create_index("ix_process_definitions_content_hash", ["process_id", "content_hash"])


def downgrade() -> None:
    with op.batch_alter_table("process_definitions") as batch_op:
        batch_op.drop_index("ix_process_definitions_content_hash")
        batch_op.create_unique_constraint(
            "uq_process_definitions_process_id_content_hash", ["process_id", "content_hash"]
        )
