"""The pass itself: cheap when there is nothing to do, once per hour across processes, and one failing
deadline does not stop the others."""

from __future__ import annotations

import contextlib
import logging
from datetime import date

import pytest
from sqlalchemy import event, text

from engine.system import build
from tests.engine.reminders.conftest import local, notes, run, sent_keys
from tests.factories import add_assignment, add_document

KIND = "deadline_reminder"


def seed(system, *contents: str) -> list[int]:
    """Assignments of SO_XD due Tuesday 04/02/2025, created on Monday 20/01."""
    with system.db.transaction() as session:
        document = add_document(session, number="8/KH-UBND", created_at=local(2025, 1, 20, 9))
        return [
            add_assignment(
                session,
                document,
                seq=seq,
                lead="SO_XD",
                content=content,
                due=date(2025, 2, 4),
                stage="accepted",
                created_at=local(2025, 1, 20, 9),
            ).id
            for seq, content in enumerate(contents, start=1)
        ]


@contextlib.contextmanager
def statements(system):
    """The SQL statements (BEGIN and COMMIT aside) run on the system's engine inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if statement.split()[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}:
            seen.append(statement)

    event.listen(system.db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(system.db.engine, "before_cursor_execute", record)


@pytest.mark.postgres
def test_nothing_to_do_costs_one_primary_key_read(system, directory, clock, backend):
    seed(system, "Rà soát thủ tục")
    with statements(system) as seen:
        assert run(system, clock, local(2025, 1, 31, 6, 59)) == 0  # before 07:00: not even the database
    assert seen == []
    assert run(system, clock, local(2025, 2, 3, 7)) == 1  # the hour's pass
    for minute in (0, 5, 59):
        with statements(system) as seen:
            assert run(system, clock, local(2025, 2, 3, 7, minute)) == 0
        [read] = seen
        assert read.lstrip().upper().startswith("SELECT") and "reminder_passes" in read
    with statements(system) as seen:
        assert run(system, clock, local(2025, 2, 3, 8)) == 0  # the next hour: a pass, nothing new
    assert any("assignments" in s for s in seen) and not any("INSERT" in s.upper() for s in seen)


@pytest.mark.postgres
def test_another_process_sees_the_pass_was_done(system, directory, clock, backend):
    seed(system, "Rà soát thủ tục")
    other = build(system.settings)  # a second process on the same database: nothing shared in memory
    try:
        assert run(system, clock, local(2025, 2, 3, 7, 30)) == 1
        assert run(other, clock, local(2025, 2, 3, 7, 31)) == 0
        assert run(other, clock, local(2025, 2, 3, 8, 0)) == 0  # its pass found the reminder sent
        assert run(system, clock, local(2025, 2, 3, 8, 1)) == 0  # and the first process sees that pass
    finally:
        other.db.dispose()
    assert len(sent_keys(system, "assignment")) == 1
    assert len(notes(system, KIND)) == 3  # SO_XD's leader and staff, and the specialist


def test_a_pass_on_a_day_off_sends_nothing(system, directory, clock):
    seed(system, "Rà soát thủ tục")
    assert run(system, clock, local(2025, 2, 1, 9)) == 0  # Saturday: the reminder waits for Monday
    assert run(system, clock, local(2025, 2, 3, 9)) == 1


REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_note BEFORE INSERT ON notifications WHEN NEW.message LIKE '%lỗi%' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.message LIKE '%lỗi%' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER refuse_note BEFORE INSERT ON notifications "
        "FOR EACH ROW EXECUTE FUNCTION refuse_note()",
    ],
}
ALLOW = {"sqlite": ["DROP TRIGGER refuse_note"], "postgresql": ["DROP TRIGGER refuse_note ON notifications"]}


@pytest.mark.postgres
def test_one_failing_deadline_does_not_stop_the_others_and_is_retried(
    system, directory, clock, backend, caplog
):
    broken, fine, other = seed(system, "Nhiệm vụ lỗi", "Nhiệm vụ bình thường", "Nhiệm vụ khác")
    with system.db.transaction() as session:
        for sql in REFUSE[backend]:
            session.execute(text(sql))
    with caplog.at_level(logging.ERROR, logger="engine.reminders.service"):
        assert run(system, clock, local(2025, 2, 3, 7)) == 2
    assert [r.message for r in caplog.records] == [
        f"reminder ('assignment', '{broken}', datetime.date(2025, 2, 4), 1) failed; the next pass tries again"
    ]
    assert {key[0] for key in sent_keys(system, "assignment")} == {str(fine), str(other)}
    assert not any("lỗi" in n.message for n in notes(system, KIND))  # nothing of it was kept

    with system.db.transaction() as session:
        for sql in ALLOW[backend]:
            session.execute(text(sql))
    assert run(system, clock, local(2025, 2, 3, 8)) == 1  # the next hour's pass sends it
    assert sorted(key[0] for key in sent_keys(system, "assignment")) == sorted(
        map(str, (broken, fine, other))
    )
