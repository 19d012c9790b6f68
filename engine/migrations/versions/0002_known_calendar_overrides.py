"""known calendar overrides: dates the holidays package gets wrong (DOMAIN.md §6 R1)

Revision ID: 0002
Revises: 0001
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KNOWN = [
    (date(2014, 12, 27), True, "Làm bù (hoán đổi dịp Tết Dương lịch 2015)"),
    (date(2015, 2, 14), True, "Làm bù (hoán đổi dịp Tết Nguyên đán 2015)"),
    (date(2015, 4, 25), True, "Làm bù (hoán đổi dịp 30/4 - 1/5/2015)"),
    (date(2024, 5, 4), True, "Làm bù cho ngày nghỉ 29/4/2024"),
    (date(2025, 4, 26), True, "Làm bù cho ngày nghỉ 02/5/2025"),
    (date(2026, 1, 2), False, "Nghỉ hoán đổi dịp Tết Dương lịch 2026"),
    (date(2026, 1, 10), True, "Làm bù cho ngày nghỉ 02/01/2026"),
    (date(2026, 8, 22), True, "Làm bù cho ngày nghỉ 31/8/2026"),
]

overrides = sa.table(
    "calendar_overrides",
    sa.column("day", sa.Date),
    sa.column("working", sa.Boolean),
    sa.column("note", sa.String),
    sa.column("changed_by", sa.String),
    sa.column("changed_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    at = datetime(2026, 11, 28, tzinfo=UTC)
    op.bulk_insert(
        overrides,
        [
            {"day": d, "working": w, "note": n, "changed_by": "migration", "changed_at": at}
            for d, w, n in KNOWN
        ],
    )


def downgrade() -> None:
    op.execute(overrides.delete().where(overrides.c.day.in_([d for d, _, _ in KNOWN])))
