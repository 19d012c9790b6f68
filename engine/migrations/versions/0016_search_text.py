"""diacritic-insensitive search: a folded search_text on documents, assignments and user tasks, filled in
for the rows already there with the same fold and the same composition as the write hook

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

from engine.search import texts

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLES = ("documents", "assignments", "user_tasks")

# The tables as this revision knows them (never the models, which move on after it).
documents = sa.table(
    "documents",
    sa.column("id", sa.Integer),
    sa.column("number", sa.String),
    sa.column("title", sa.Text),
    sa.column("signer", sa.String),
    sa.column("doc_type", sa.String),
    sa.column("submitting_agency", sa.String),
    sa.column("search_text", sa.Text),
)
assignments = sa.table(
    "assignments",
    sa.column("id", sa.Integer),
    sa.column("document_id", sa.Integer),
    sa.column("content", sa.Text),
    sa.column("lead_unit_code", sa.String),
    sa.column("tracking_specialist", sa.String),
    sa.column("search_text", sa.Text),
)
assignment_units = sa.table(
    "assignment_units", sa.column("assignment_id", sa.Integer), sa.column("unit_code", sa.String)
)
units = sa.table("units", sa.column("code", sa.String), sa.column("name", sa.String))
users = sa.table("users", sa.column("username", sa.String), sa.column("full_name", sa.String))
user_tasks = sa.table(
    "user_tasks",
    sa.column("id", sa.String),
    sa.column("name", sa.String),
    sa.column("subject", sa.String),
    sa.column("search_text", sa.Text),
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    bind = op.get_bind()
    _backfill_documents(bind)
    _backfill_assignments(bind)
    _backfill_user_tasks(bind)


def _backfill_documents(bind) -> None:
    rows = [
        {
            "row_id": row.id,
            "text": texts.document_text(
                number=row.number,
                title=row.title,
                signer=row.signer,
                doc_type=row.doc_type,
                submitting_agency=row.submitting_agency,
            ),
        }
        for row in bind.execute(sa.select(documents))
    ]
    _write(bind, documents, rows)


def _backfill_assignments(bind) -> None:
    document_of = {
        row.id: (row.number, row.signer)
        for row in bind.execute(sa.select(documents.c.id, documents.c.number, documents.c.signer))
    }
    unit_names = dict(bind.execute(sa.select(units.c.code, units.c.name)).all())
    people = dict(bind.execute(sa.select(users.c.username, users.c.full_name)).all())
    codes: dict[int, set[str]] = {}
    for assignment_id, code in bind.execute(sa.select(assignment_units)):
        codes.setdefault(assignment_id, set()).add(code)
    rows = []
    for row in bind.execute(sa.select(assignments)):
        number, signer = document_of.get(row.document_id, ("", None))
        named = codes.get(row.id, set()) | {row.lead_unit_code}
        rows.append(
            {
                "row_id": row.id,
                "text": texts.assignment_text(
                    document_number=number,
                    content=row.content,
                    unit_names=sorted(unit_names[c] for c in named if c in unit_names),
                    signer=signer,
                    specialist_name=people.get(row.tracking_specialist),
                ),
            }
        )
    _write(bind, assignments, rows)


def _backfill_user_tasks(bind) -> None:
    rows = [
        {"row_id": row.id, "text": texts.user_task_text(name=row.name, subject=row.subject)}
        for row in bind.execute(sa.select(user_tasks.c.id, user_tasks.c.name, user_tasks.c.subject))
    ]
    _write(bind, user_tasks, rows)


def _write(bind, table, rows: list[dict]) -> None:
    if rows:
        bind.execute(
            table.update()
            .where(table.c.id == sa.bindparam("row_id"))
            .values(search_text=sa.bindparam("text")),
            rows,
        )


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("search_text")
