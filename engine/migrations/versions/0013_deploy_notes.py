"""deploy notes: why a version was deployed although some of its scenario tests failed

Revision ID: 0013
Revises: 0012
The analyst pages refuse an upload whose scenarios fail unless the analyst states why (an intended change
the scenario files do not know yet); the reason stays with the version, beside who deployed it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_definitions") as batch_op:
        batch_op.add_column(sa.Column("deploy_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_definitions") as batch_op:
        batch_op.drop_column("deploy_note")
