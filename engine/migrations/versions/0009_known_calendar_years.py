"""known calendar years: 2024 to 2026 had their days off and make-up days announced (seeded in 0002)

Revision ID: 0009
Revises: 0008
Without this, every deadline of those years would be marked "(dự kiến)" although their calendar is known.
From 2027 on, a year is estimated until an administrator enters its notice.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KNOWN_YEARS = (2024, 2025, 2026)
NOTICE = "Lịch nghỉ lễ, Tết, nghỉ bù và làm bù đã công bố (nhập sẵn khi cài đặt)"

years = sa.table(
    "calendar_years",
    sa.column("year", sa.Integer),
    sa.column("official", sa.Boolean),
    sa.column("notice", sa.String),
    sa.column("notice_date", sa.Date),
    sa.column("changed_by", sa.String),
    sa.column("changed_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    at = datetime(2026, 12, 7, tzinfo=UTC)
    existing = {row[0] for row in op.get_bind().execute(sa.select(years.c.year))}
    op.bulk_insert(
        years,
        [
            {
                "year": y,
                "official": True,
                "notice": NOTICE,
                "notice_date": None,
                "changed_by": None,
                "changed_at": at,
            }
            for y in KNOWN_YEARS
            if y not in existing
        ],
    )


def downgrade() -> None:
    op.execute(years.delete().where(years.c.year.in_(KNOWN_YEARS), years.c.notice == NOTICE))
