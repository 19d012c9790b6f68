"""Công khai kết quả: immutable publications

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa  # noqa: F401  (placeholder: the helper fills it)
from alembic import op  # noqa: F401

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # PLACEHOLDER: filled by the helper that owns this migration


def downgrade() -> None:
    pass  # PLACEHOLDER
