"""Báo cáo đột xuất: ad-hoc report requests and the units' answers

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa  # noqa: F401  (placeholder: the helper fills it)
from alembic import op  # noqa: F401

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # PLACEHOLDER: filled by the helper that owns this migration


def downgrade() -> None:
    pass  # PLACEHOLDER
