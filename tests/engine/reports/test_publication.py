"""Công khai kết quả (Đ19.2): the publish step makes publication #1, a copy of the frozen figures that the
database will not let anyone change; a correction after a late data change is publication #2, saying what
it corrects and why, and #1 stays byte for byte as it was."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import column, create_engine, delete, func, insert, select, table, update
from sqlalchemy.exc import DatabaseError

from engine import migrate
from engine.assignments.models import Assignment
from engine.definitions import scheduled
from engine.errors import ConflictError, ValidationError
from engine.history import ChangeRecord
from engine.instances import sweep as timer_sweep
from engine.reports import buckets, publication
from engine.reports import publication_corrections as corrections
from engine.reports.models import Publication, ReportRound
from engine.usertasks import service as usertasks
from engine.workdays import service as workdays
from tests.conftest import PG_ADMIN, complete_task
from tests.factories import add_assignment, add_document

ROUND = "Báo cáo quý III và 9 tháng năm 2026"
Q3_OPENS = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)  # 01/09/2026 08:00 local
LATE_FIX = "Sở Tài chính báo cáo chậm ngày hoàn thành thực tế; Văn phòng đã kiểm tra, xác nhận"


def local(day: int, month: int = 9, hour: int = 9) -> datetime:
    """`hour` o'clock local time (UTC+7) on day/month/2026."""
    return datetime(2026, month, day, hour - 7, 0, tzinfo=UTC)


def one_task(system, principal, bpmn_id: str):
    with system.db.reading() as session:
        [found] = [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == bpmn_id]
    return found


def publish_q3_round(system, directory, clock) -> int:
    """Q3 2026 through the real periodic_report process: tasks of Sở Tài chính and Sở Xây dựng, every
    unit's report, VP's consolidation on 15/09 (figures as of 14/09), VP's leadership publishing on 25/09.
    Returns the round's id."""
    clock.move_to(datetime(2026, 7, 10, 2, 0, tzinfo=UTC))
    with system.db.transaction() as session:
        scheduled.ensure_running(session=session, engine=system.engine)
        document = add_document(
            session, number="45/KH-UBND", issued_on=date(2026, 6, 20), created_at=local(22, 6)
        )
        rows = [  # lead, due, completed_on, confirmed
            ("SO_TC", date(2026, 7, 30), date(2026, 7, 28), local(29, 7)),  # done on time
            ("SO_TC", date(2026, 8, 14), date(2026, 8, 12), local(13, 8)),  # done on time (changed later)
            ("SO_TC", date(2026, 8, 31), None, None),  # open, overdue by 14/09
            ("SO_XD", date(2026, 10, 30), None, None),  # open, in time
            ("SO_XD", None, None, None),  # no deadline
        ]
        for seq, (lead, due, completed, confirmed) in enumerate(rows, start=1):
            add_assignment(
                session,
                document,
                seq=seq,
                lead=lead,
                due=due,
                completed_on=completed,
                confirmed_at=confirmed,
                progress="done" if confirmed else "in_progress",
                stage="confirmed" if confirmed else "accepted",
                must_report=False,
                created_at=local(22, 6),
            )
    clock.move_to(Q3_OPENS + timedelta(seconds=1))
    timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=clock.now())
    clock.move_to(local(15))
    report = {"situation": "Đã triển khai các nhiệm vụ được giao trong kỳ"}
    for user in ("sotc", "soxd", "xabx", "admin"):  # the administrator enters Sở Nội vụ's, which has no staff
        complete_task(system, one_task(system, directory[user], "submit_report").id, directory[user], report)
    consolidate = one_task(system, directory["cv"], "consolidate")
    complete_task(system, consolidate.id, directory["cv"], {"assessment": "Các đơn vị cơ bản hoàn thành"})
    clock.move_to(local(25))
    publish = one_task(system, directory["ldvp"], "publish")
    complete_task(system, publish.id, directory["ldvp"], {"approved": True})
    with system.db.reading() as session:
        return session.scalar(select(ReportRound.id).where(ReportRound.label == ROUND))


def finish_late(system) -> None:
    """A late data change (a data correction under Đ8): Sở Tài chính's second task was in fact completed on
    18/08, after its due date 14/08: done on time becomes done late in the Q3 figures."""
    with system.db.transaction() as session:
        task = session.scalar(select(Assignment).where(Assignment.seq == 2))
        task.completed_on = date(2026, 8, 18)


def canonical(rows: list[dict]) -> bytes:
    return json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def so_tc(rows: list[dict]) -> dict:
    return next(row for row in rows if row["unit_code"] == "SO_TC")


@pytest.mark.postgres
def test_publishing_creates_publication_1_equal_to_the_frozen_figures(system, directory, clock, backend):
    round_id = publish_q3_round(system, directory, clock)
    with system.db.reading() as session:
        frozen = session.get(ReportRound, round_id)
        [first] = publication.publications_of(session, round_id)
    assert frozen.status == "published"
    assert (first.number, first.label, first.corrects_id, first.correction_note) == (1, ROUND, None, None)
    assert first.figures == frozen.figures and canonical(first.figures) == canonical(frozen.figures)
    assert first.sha256 == publication.figures_sha256(frozen.figures)
    assert (first.window_from, first.window_to) == (date(2026, 6, 15), date(2026, 9, 14))
    assert first.as_of == date(2026, 9, 14)  # consolidated on 15/09: the window's end
    assert (first.published_at, first.published_by) == (local(25), "ldvp")
    assert {row["unit_code"]: (row["done_on_time"], row["open_late"]) for row in first.figures} == {
        "SO_TC": (2, 1),
        "SO_XD": (0, 0),
    }


@pytest.mark.postgres
def test_the_database_refuses_to_update_or_delete_a_publication(system, directory, clock, backend):
    round_id = publish_q3_round(system, directory, clock)
    attempts = [
        update(Publication).values(label="Số liệu đã sửa"),
        update(Publication).values(figures=[]),
        delete(Publication),
    ]
    for statement in attempts:
        with pytest.raises(DatabaseError, match="publications are immutable"):
            with system.db.transaction() as session:
                session.execute(statement.execution_options(synchronize_session=False))
    with pytest.raises(DatabaseError, match="publications are immutable"):
        with system.db.transaction() as session:  # the same through the ORM
            [first] = publication.publications_of(session, round_id)
            first.figures = [{**first.figures[0], "done_late": 99}]
    with system.db.reading() as session:
        [first] = publication.publications_of(session, round_id)
        frozen = session.get(ReportRound, round_id).figures
    assert first.label == ROUND and first.figures == frozen


@pytest.mark.postgres
def test_a_correction_after_a_late_data_change_publishes_2_and_leaves_1_unchanged(
    system, directory, clock, backend
):
    round_id = publish_q3_round(system, directory, clock)
    with system.db.reading() as session:
        [first] = publication.publications_of(session, round_id)
        before = (canonical(first.figures), first.sha256)
        frozen_before = canonical(session.get(ReportRound, round_id).figures)
    finish_late(system)
    clock.move_to(datetime(2026, 10, 5, 3, 0, tzinfo=UTC))
    with system.db.reading() as session:
        seen = corrections.preview(session=session, settings=system.settings, round_id=round_id)
    [difference] = seen.differences
    changed = {c.key: (c.old, c.new) for c in difference.changes}
    assert (difference.unit_code, difference.unit_name) == ("SO_TC", "Sở Tài chính")
    assert changed["done_on_time"] == (2, 1) and changed["done_late"] == (0, 1)
    assert changed["on_time_rate"] == (100.0, 50.0)
    assert "total" not in changed and "open_late" not in changed

    with system.db.transaction() as session:
        second = corrections.correct(
            session=session,
            settings=system.settings,
            round_id=round_id,
            reason=f"  {LATE_FIX}  ",
            actor="ldvp",
            now=clock.now(),
            base_id=seen.base.id,
            sha256=seen.sha256,
        )
        second_id = second.id
    with system.db.reading() as session:
        first_after, second = publication.publications_of(session, round_id)
        calendar = workdays.calendar(session=session, settings=system.settings)
        recomputed = buckets.per_unit(
            session, as_of=date(2026, 9, 14), window_from=date(2026, 6, 15), calendar=calendar
        )
        frozen_after = canonical(session.get(ReportRound, round_id).figures)
    assert second.id == second_id and second.number == 2
    assert (second.corrects_id, second.correction_note) == (first.id, LATE_FIX)
    assert (second.as_of, second.published_at, second.published_by) == (
        date(2026, 9, 14),
        clock.now(),
        "ldvp",
    )
    assert second.figures == recomputed and second.sha256 == publication.figures_sha256(recomputed)
    assert (so_tc(second.figures)["done_on_time"], so_tc(second.figures)["done_late"]) == (1, 1)
    # #1 byte for byte, its hash still its own, and the round's frozen figures untouched.
    assert (canonical(first_after.figures), first_after.sha256) == before
    assert publication.figures_sha256(first_after.figures) == first_after.sha256
    assert frozen_after == frozen_before
    with system.db.reading() as session:
        ids = [
            tuple(p.id if p else None for p in publication.neighbours(session, session.get(Publication, i)))
            for i in (first.id, second.id)
        ]
        assert ids == [(None, second.id), (first.id, None)]
        assert [p.id for p in publication.current_publications(session)] == [second.id]


def test_a_correction_needs_a_reason_and_a_difference_and_changes_nothing_otherwise(system, directory, clock):
    round_id = publish_q3_round(system, directory, clock)

    def correct(reason: str):
        with system.db.transaction() as session:
            corrections.correct(
                session=session,
                settings=system.settings,
                round_id=round_id,
                reason=reason,
                actor="ldvp",
                now=clock.now(),
            )

    with pytest.raises(ValidationError) as nothing:
        correct(LATE_FIX)
    assert nothing.value.fields == {"figures": "Không có khác biệt so với bản đang công khai"}
    assert "không khác bản công khai số 1" in nothing.value.message
    finish_late(system)
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as no_reason:
            correct(blank)
        assert no_reason.value.fields == {"reason": "Vui lòng nhập lý do đính chính"}
    with pytest.raises(ValidationError):
        correct("x" * (corrections.MAX_REASON + 1))
    with system.db.reading() as session:
        assert session.scalar(select(func.count(Publication.id))) == 1


def test_a_correction_of_what_the_preview_did_not_show_is_refused(system, directory, clock):
    round_id = publish_q3_round(system, directory, clock)
    finish_late(system)
    with system.db.reading() as session:
        seen = corrections.preview(session=session, settings=system.settings, round_id=round_id)
    with system.db.transaction() as session:  # the figures move again after the preview
        session.scalar(select(Assignment).where(Assignment.seq == 1)).completed_on = date(2026, 8, 3)

    def correct(**fingerprint):
        with system.db.transaction() as session:
            return corrections.correct(
                session=session,
                settings=system.settings,
                round_id=round_id,
                reason=LATE_FIX,
                actor="ldvp",
                now=clock.now(),
                **fingerprint,
            ).id

    with pytest.raises(ConflictError, match="đã thay đổi kể từ khi xem trước"):
        correct(base_id=seen.base.id, sha256=seen.sha256)
    second = correct(base_id=seen.base.id)
    with pytest.raises(ConflictError, match="vừa có bản công khai số 2"):
        correct(base_id=seen.base.id)  # a second leader confirming the same preview
    with system.db.reading() as session:
        assert [p.id for p in publication.publications_of(session, round_id)] == [seen.base.id, second]


@pytest.fixture
def database_at_0024(backend, tmp_path):
    """A database migrated up to 0024 only, before publications existed."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'at-0024.db'}"
    else:
        name = f"theodoi_pub_{tmp_path.name[-10:].lower().replace('-', '_')}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    migrate.upgrade(url, "0024")
    yield url
    if backend != "sqlite":
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres
def test_the_migration_gives_each_published_round_its_publication_1(database_at_0024, backend):
    rows = [{"unit_code": "SO_TC", "unit_name": "Sở Tài chính", "total": 4, "done_on_time": 2}]
    round_ = {
        "kind": "quarter",
        "year": 2026,
        "label": ROUND,
        "window_from": date(2026, 6, 15),
        "window_to": date(2026, 9, 14),
        "unit_due": date(2026, 9, 21),
        "consolidation_due": date(2026, 9, 24),
        "opened_at": local(1),
        "consolidated_at": local(10),
        "figures": rows,
    }
    published = {"period": 3, "status": "published", "published_at": local(25)}
    consolidated = {"period": 2, "status": "consolidated", "published_at": None}
    # The columns 0024 has, typed as the model types them (aware UTC datetimes on SQLite too).
    rounds = table(
        "report_rounds",
        *(column(c.name, c.type) for c in ReportRound.__table__.c if c.name in {"id", *round_, *published}),
    )
    engine = create_engine(database_at_0024)
    with engine.begin() as connection:
        # Both consolidated early, on 10/09 local: their figures stand as of that day.
        for state in (published, consolidated):
            connection.execute(insert(rounds).values(**round_, **state))
        published_id = connection.scalar(select(rounds.c.id).where(rounds.c.period == 3))
        connection.execute(
            insert(ChangeRecord.__table__),
            [
                {"entity": "report_rounds", "entity_id": str(published_id), "action": "update"}
                | {"changes": {"status": ["consolidated", "published"]}, "actor": "ldvp", "at": local(25)},
            ],
        )
    engine.dispose()
    migrate.upgrade(database_at_0024, "0025")
    engine = create_engine(database_at_0024)
    with engine.connect() as connection:
        [found] = connection.execute(select(Publication.__table__)).all()
    engine.dispose()
    assert (found.round_id, found.number, found.label, found.figures) == (published_id, 1, ROUND, rows)
    assert found.sha256 == publication.figures_sha256(rows)
    assert (found.as_of, found.published_by, found.corrects_id) == (date(2026, 9, 10), "ldvp", None)
    assert found.published_at.replace(tzinfo=found.published_at.tzinfo or UTC) == local(25)
