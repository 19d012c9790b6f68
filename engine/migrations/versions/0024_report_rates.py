"""Report figures frozen before the comparable rates: the same counts in the new table's terms; the files
of a unit's periodic report kept with its submission

The P10 reports' frozen rates (regulation_reports.figures) are restated from their counts the same way.

Frozen rows (report_rounds.figures, report_submissions.figures) counted open tasks without deadline
apart from "chưa hoàn thành trong hạn" and had one rate, on-time completions over all tasks. Their counts
are kept; they are restated as the tables now print them: open_in_time includes the tasks without
deadline, the four rates are computed from the counts (the old rate is on_time_share), and not_started,
which was not recorded then, is None ("—").

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def _restated(row: dict) -> dict:
    if row is None or "completion_rate" in row or "done_on_time" not in row:
        return row
    done, open_late = row["done_on_time"] + row["done_late"], row["open_late"]
    come_due = done + open_late

    def share(part, whole):
        return round(100 * part / whole, 2) if whole else None

    return {
        **row,
        "open_in_time": row["open_in_time"] + row.get("no_deadline", 0),
        "not_started": None,
        "come_due": come_due,
        "completion_rate": share(done, come_due),
        "on_time_rate": share(row["done_on_time"], done),
        "overdue_rate": share(row["done_late"] + open_late, come_due),
        "on_time_share": share(row["done_on_time"], row["total"]),
    }


def _restated_p10(row: dict) -> dict:
    """A P10 row's rates from its counts: a task has come due when done on time or overdue."""
    if "tasks" not in row or "completion_rate" in row:
        return row
    come_due = row["completed_on_time"] + row["overdue"]

    def share(part, whole):
        return round(100 * part / whole, 2) if whole else None

    return {
        **row,
        "completion_rate": share(row["completed"], come_due),
        "on_time_rate": share(row["completed_on_time"], row["completed"]),
        "overdue_rate": share(row["overdue"], come_due),
    }


def upgrade() -> None:
    with op.batch_alter_table("report_submissions") as batch:
        batch.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
    bind = op.get_bind()
    rounds = sa.table("report_rounds", sa.column("id", sa.Integer), sa.column("figures", sa.JSON))
    for id_, figures in bind.execute(sa.select(rounds.c.id, rounds.c.figures)).all():
        if figures:
            new = [_restated(row) for row in figures]
            bind.execute(rounds.update().where(rounds.c.id == id_).values(figures=new))
    submissions = sa.table("report_submissions", sa.column("id", sa.Integer), sa.column("figures", sa.JSON))
    for id_, figures in bind.execute(sa.select(submissions.c.id, submissions.c.figures)).all():
        if figures:
            new = _restated(figures)
            bind.execute(submissions.update().where(submissions.c.id == id_).values(figures=new))
    p10 = sa.table("regulation_reports", sa.column("id", sa.Integer), sa.column("figures", sa.JSON))
    for id_, figures in bind.execute(sa.select(p10.c.id, p10.c.figures)).all():
        new = {
            key: [_restated_p10(row) for row in value] if key in ("units", "leaders", "sectors") else value
            for key, value in figures.items()
        }
        new["totals"] = _restated_p10(figures["totals"])
        bind.execute(p10.update().where(p10.c.id == id_).values(figures=new))


def downgrade() -> None:
    # The restated rows keep every count the old ones had: only the new column goes.
    with op.batch_alter_table("report_submissions") as batch:
        batch.drop_column("attachments")
