"""Nhập dữ liệu từ Excel: the record of each import

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa  # noqa: F401  (placeholder: the helper fills it)
from alembic import op  # noqa: F401

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # PLACEHOLDER: filled by the helper that owns this migration


def downgrade() -> None:
    pass  # PLACEHOLDER
