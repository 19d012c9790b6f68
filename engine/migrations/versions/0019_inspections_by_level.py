"""inspections by every level: VP, sở and communes plan, decide, run and report (Đ12-Đ18)

Revision ID: 0019
Revises: 0018
"""

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
