"""Công khai kết quả: immutable publications

Each publication is a copy of a round's figures as published, numbered per round; a correction is a new
publication naming the one it corrects. Triggers refuse UPDATE and DELETE on both databases, as on the
audit tables (0003). Every round already published gets its publication #1, from its frozen figures, at
its publication time, by whoever the change history says published it.

Revision ID: 0025
Revises: 0024
"""

import hashlib
import json
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

MESSAGE = "publications are immutable"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")  # the default THEODOI_TIMEZONE: a migration reads no settings


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("window_from", sa.Date(), nullable=False),
        sa.Column("window_to", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("correction_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["publications.id"], name=op.f("fk_publications_corrects_id_publications")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["report_rounds.id"], name=op.f("fk_publications_round_id_report_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint("corrects_id", name=op.f("uq_publications_corrects_id")),
        sa.UniqueConstraint("round_id", "number", name=op.f("uq_publications_round_id_number")),
    )
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publications_round_id"), ["round_id"], unique=False)
    _backfill()
    _refuse_update_and_delete()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER publications_immutable ON publications")
        op.execute("DROP FUNCTION publications_immutable()")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER publications_no_{action}")
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publications_round_id"))
    op.drop_table("publications")


def _refuse_update_and_delete() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION publications_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER publications_immutable BEFORE UPDATE OR DELETE ON publications "
            "FOR EACH ROW EXECUTE FUNCTION publications_immutable()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER publications_no_{action.lower()} BEFORE {action} ON publications "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def _sha256(figures: list) -> str:
    """engine.reports.publication.figures_sha256 as of this revision (a migration never imports the app)."""
    canonical = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _backfill() -> None:
    bind = op.get_bind()
    rounds = sa.table(
        "report_rounds",
        sa.column("id", sa.Integer),
        sa.column("label", sa.String),
        sa.column("status", sa.String),
        sa.column("figures", sa.JSON),
        sa.column("window_from", sa.Date),
        sa.column("window_to", sa.Date),
        sa.column("consolidated_at", sa.DateTime(timezone=True)),
        sa.column("published_at", sa.DateTime(timezone=True)),
    )
    publications = sa.table(
        "publications",
        *(
            sa.column(name, kind)
            for name, kind in {
                "round_id": sa.Integer,
                "number": sa.Integer,
                "figures": sa.JSON,
                "sha256": sa.String,
                "label": sa.String,
                "window_from": sa.Date,
                "window_to": sa.Date,
                "as_of": sa.Date,
                "published_at": sa.DateTime(timezone=True),
                "published_by": sa.String,
            }.items()
        ),
    )
    published = bind.execute(
        sa.select(rounds).where(rounds.c.status == "published").order_by(rounds.c.window_to, rounds.c.id)
    ).all()
    for row in published:
        figures = row.figures or []
        bind.execute(
            publications.insert().values(
                round_id=row.id,
                number=1,
                figures=figures,
                sha256=_sha256(figures),
                label=row.label,
                window_from=row.window_from,
                window_to=row.window_to,
                as_of=_cut_off(row.window_to, row.consolidated_at),
                published_at=row.published_at or row.consolidated_at,
                published_by=_publisher(bind, row.id),
            )
        )


def _cut_off(window_to, consolidated_at):
    """periodic.figures_as_of(window_to, the local day of consolidation): the window's end, or the day
    VP froze the figures if that came first."""
    if consolidated_at is None:
        return window_to
    if consolidated_at.tzinfo is None:  # SQLite keeps UTC without its zone
        consolidated_at = consolidated_at.replace(tzinfo=UTC)
    return min(window_to, consolidated_at.astimezone(LOCAL).date())


def _publisher(bind, round_id: int) -> str | None:
    """Who set the round's status to published, from its change history (Đ5.1); None if not recorded."""
    history = sa.table(
        "change_history",
        sa.column("id", sa.Integer),
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.String),
        sa.column("action", sa.String),
        sa.column("changes", sa.JSON),
        sa.column("actor", sa.String),
    )
    found = bind.execute(
        sa.select(history.c.changes, history.c.actor)
        .where(
            history.c.entity == "report_rounds",
            history.c.entity_id == str(round_id),
            history.c.action == "update",
        )
        .order_by(history.c.id.desc())
    ).all()
    for changes, actor in found:
        status = (changes or {}).get("status")
        if status and status[-1] == "published":
            return actor
    return None
