"""difficulties through VP's advice, escalation to the Chairman, the unit leader's approval (Đ8.1.c, Đ19.3)

Revision ID: 0020
Revises: 0019
"""

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
