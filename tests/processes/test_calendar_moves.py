"""A calendar correction moves every other kind of open deadline with its process: intake T1 (with the
instruction text), local feedback T5, inspection T4, T6/T7 and the receipt cut-off of report rounds (open
or not yet open), secret-report obligations and the update dates of tasks without deadline; removing the
override moves them back, and the dry run lists exactly what the real run changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from engine import history
from engine.documents import service as document_service
from engine.feedback.models import LocalFeedback
from engine.inspections.models import Inspection
from engine.instances import service as instances
from engine.instances import sweep as timer_sweep
from engine.instances.rescheduling import RESCHEDULED
from engine.notifications.models import Notification
from engine.reports.models import ReportRound, ReportSubmission, SecretReportObligation
from engine.usertasks.models import READY, UserTaskRow
from tests.conftest import two_task_document
from tests.engine.workdays.test_corrections import correct, listed
from tests.processes.test_assignment import classify, eod, item
from tests.processes.test_assignment import timers as assignment_timers
from tests.processes.test_inspection import to_report
from tests.processes.test_local_feedback import RECEIVED_BEFORE_TET, send_feedback
from tests.processes.test_periodic_report import Q3_OPENS, start_scheduler, submit
from tests.processes.test_periodic_report import local as september

VP = "Văn phòng UBND tỉnh"


def sweep(system, clock, at: datetime):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def waiting(system, instance_id: int) -> dict[str, datetime]:
    with system.db.reading() as session:
        return {t.bpmn_id: t.fire_at for t in instances.timers(session=session, instance_id=instance_id)}


def open_tasks(system, bpmn_id: str):
    """Every ready user task `bpmn_id`, whoever's inbox it is in."""
    with system.db.reading() as session:
        query = select(UserTaskRow).where(UserTaskRow.bpmn_id == bpmn_id, UserTaskRow.state == READY)
        return list(session.scalars(query.order_by(UserTaskRow.unit_code)))


def moved_notices(system, group: str) -> list[str]:
    with system.db.reading() as session:
        query = select(Notification.message).where(
            Notification.kind == "deadline_moved", Notification.recipient_group == group
        )
        return list(session.scalars(query))


def both_ways(system, clock, day: date, working: bool = False):
    """Preview, then apply, the override of `day`; the preview must list exactly what the run moved."""
    preview = correct(system, clock, day, working, dry_run=True)
    done = correct(system, clock, day, working)
    assert listed(done) == listed(preview)
    return done


def test_intake_t1_moves_with_its_instruction_text_and_back(system, directory, clock):
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
        instance_id = document.intake_instance_id
    # Issued Friday 24/01/2025, two tasks: T1 is 5 working days after Tết 2025, Friday 07/02/2025.
    assert waiting(system, instance_id) == {"t1_overdue": eod(date(2025, 2, 7))}

    done = both_ways(system, clock, date(2025, 2, 5))
    assert listed(done) == [("intake_t1", "Văn bản 12/QĐ-UBND", VP, date(2025, 2, 7), date(2025, 2, 10))]
    assert waiting(system, instance_id) == {"t1_overdue": eod(date(2025, 2, 10))}
    with system.db.reading() as session:  # no row holds T1: the instance's event log says why it moved
        [logged] = [
            e for e in instances.events(session=session, instance_id=instance_id) if e.kind == RESCHEDULED
        ]
    assert (logged.actor, logged.data["changes"], logged.data["calendar_change_id"]) == (
        "admin",
        {"t1_due": "2025-02-10"},
        done.change.id,
    )
    [task] = open_tasks(system, "classify")
    assert task.due_at == eod(date(2025, 2, 10))
    assert "(T1, khoản 1 Điều 7): **10/02/2025** (5 ngày làm việc" in task.instructions
    assert any("Văn bản 12/QĐ-UBND — Hạn phân loại" in m for m in moved_notices(system, "vp_specialist"))
    assert sweep(system, clock, eod(date(2025, 2, 7)) + timedelta(hours=9)).advanced == []  # 08/02, 09:00

    done = both_ways(system, clock, date(2025, 2, 5), None)
    assert listed(done) == [("intake_t1", "Văn bản 12/QĐ-UBND", VP, date(2025, 2, 10), date(2025, 2, 7))]
    [task] = open_tasks(system, "classify")
    assert task.due_at == eod(date(2025, 2, 7)) and "**07/02/2025**" in task.instructions
    # T1 moved back into the past: its timer fires at the next sweep, not inside the correction.
    assert waiting(system, instance_id) == {"t1_overdue": eod(date(2025, 2, 7))}
    assert open_tasks(system, "urge_classification") == []
    assert sweep(system, clock, clock.now()).advanced == [instance_id]
    assert [t.bpmn_id for t in open_tasks(system, "urge_classification")] == ["urge_classification"]


def test_local_feedback_t5_moves_and_back(system, directory, clock):
    clock.move_to(RECEIVED_BEFORE_TET)  # Friday 13/02/2026: T5 ends with Friday 27/02/2026 after Tết
    instance_id = send_feedback(system, directory["xabx"])
    subject = "Phản hồi của UBND xã Bát Xát về Sở Tài chính"

    done = both_ways(system, clock, date(2026, 2, 24))
    assert listed(done) == [("feedback_t5", subject, VP, date(2026, 2, 27), date(2026, 3, 2))]
    with system.db.reading() as session:
        row = session.scalars(select(LocalFeedback)).one()
        [_, moved] = history.of(session, "local_feedbacks", row.id)  # inserted, then moved
    assert row.response_due == date(2026, 3, 2)
    assert (moved.changes, moved.actor, moved.at) == (
        {"response_due": ["2026-02-27", "2026-03-02"]},
        "admin",
        clock.now(),
    )
    [task] = open_tasks(system, "handle_feedback")
    assert task.due_at == eod(date(2026, 3, 2)) and "**02/03/2026**" in task.instructions
    assert waiting(system, instance_id) == {"t5_overdue": eod(date(2026, 3, 2))}

    correct(system, clock, date(2026, 2, 24), None)
    with system.db.reading() as session:
        assert session.scalars(select(LocalFeedback.response_due)).one() == date(2026, 2, 27)
    [task] = open_tasks(system, "handle_feedback")
    assert task.due_at == eod(date(2026, 2, 27)) and "**27/02/2026**" in task.instructions
    assert waiting(system, instance_id) == {"t5_overdue": eod(date(2026, 2, 27))}

    # Declared again: the moved date holds through the sweeps that check the timer until it fires.
    correct(system, clock, date(2026, 2, 24), False)
    assert sweep(system, clock, eod(date(2026, 2, 27)) + timedelta(seconds=1)).advanced == []
    assert sweep(system, clock, eod(date(2026, 3, 2)) + timedelta(seconds=1)).advanced == [instance_id]
    with system.db.reading() as session:
        overdue = session.scalars(
            select(Notification.message).where(Notification.kind == "local_feedback_overdue")
        )
        [message] = overdue.all()
    assert "đã quá hạn T5 (khoản 5 Điều 19) ngày 02/03/2026" in message


def test_inspection_t4_moves_and_back(system, directory, clock):
    instance_id = to_report(system, directory, clock)  # ended Thursday 12/02/2026: T4 is Monday 02/03/2026
    subject = "Kiểm tra việc thực hiện nhiệm vụ UBND tỉnh giao năm 2025 — Sở Tài chính"

    done = both_ways(system, clock, date(2026, 2, 27))
    assert listed(done) == [("inspection_t4", subject, VP, date(2026, 3, 2), date(2026, 3, 3))]
    with system.db.reading() as session:
        assert session.scalars(select(Inspection.report_due)).one() == date(2026, 3, 3)
    [task] = open_tasks(system, "report")
    assert task.due_at == eod(date(2026, 3, 3)) and "chậm nhất ngày **03/03/2026**" in task.instructions
    assert waiting(system, instance_id) == {"report_overdue": eod(date(2026, 3, 3))}

    correct(system, clock, date(2026, 2, 27), None)
    with system.db.reading() as session:
        assert session.scalars(select(Inspection.report_due)).one() == date(2026, 3, 2)
    assert waiting(system, instance_id) == {"report_overdue": eod(date(2026, 3, 2))}


def test_t6_t7_and_the_receipt_cut_off_of_an_open_round_move(system, directory, clock):
    [periodic] = start_scheduler(system, clock)
    sweep(system, clock, Q3_OPENS + timedelta(seconds=1))
    submit(system, clock, directory["sotc"], september(10))
    label = "Báo cáo quý III và 9 tháng năm 2026"
    secret = f"{label} theo chế độ mật"
    t6, t6_moved = date(2026, 9, 21), date(2026, 9, 22)  # T6: Monday 21/09/2026 (the 19th is a Saturday)

    done = both_ways(system, clock, t6)  # 21/09 declared off: T6 is Tuesday 22/09
    assert listed(done) == [
        ("report_t6", label, "Sở Nội vụ", t6, t6_moved),  # Sở Tài chính has reported: nothing moves
        ("report_t6", label, "Sở Xây dựng", t6, t6_moved),
        ("report_t6", label, "UBND xã Bát Xát", t6, t6_moved),
        ("secret_report", secret, "Sở Nội vụ", t6, t6_moved),
        ("secret_report", secret, "Sở Tài chính", t6, t6_moved),
        ("secret_report", secret, "Sở Xây dựng", t6, t6_moved),
        ("secret_report", secret, "UBND xã Bát Xát", t6, t6_moved),
    ]
    with system.db.reading() as session:
        dues = dict(session.execute(select(ReportSubmission.unit_code, ReportSubmission.due_date)).all())
        assert session.scalars(select(ReportRound.unit_due)).one() == t6_moved
        secrets = set(session.scalars(select(SecretReportObligation.due_date)))
    assert dues == {"SO_TC": t6, "SO_XD": t6_moved, "SO_NV": t6_moved, "XA_BX": t6_moved}
    assert secrets == {t6_moved}
    assert {t.unit_code: t.due_at for t in open_tasks(system, "submit_report")} == {
        "SO_NV": eod(t6_moved),
        "SO_XD": eod(t6_moved),
        "XA_BX": eod(t6_moved),
    }
    assert all("**22/09/2026**" in t.instructions for t in open_tasks(system, "submit_report"))
    assert waiting(system, periodic)["t6_overdue"] == eod(t6_moved)
    with system.db.reading() as session:
        query = select(Notification.message).where(
            Notification.kind == "deadline_moved", Notification.recipient_unit == "SO_XD"
        )
        [to_unit, _] = session.scalars(query).all()  # its leader and its staff
    assert "Hạn gửi báo cáo định kỳ (T6): từ ngày 21/09/2026 sang ngày 22/09/2026" in to_unit

    # 24/09 (T7) declared off: T7 is Friday 25/09; the receipt still closes with Wednesday 23/09.
    done = both_ways(system, clock, date(2026, 9, 24))
    assert listed(done) == [("report_t7", label, VP, date(2026, 9, 24), date(2026, 9, 25))]
    with system.db.reading() as session:
        assert session.scalars(select(ReportRound.consolidation_due)).one() == date(2026, 9, 25)
    # 23/09 declared off too: the receipt closes with Tuesday 22/09, for both schedules.
    done = both_ways(system, clock, date(2026, 9, 23))
    assert listed(done) == [
        ("report_receipt", label, VP, date(2026, 9, 23), date(2026, 9, 22)),
        ("secret_receipt", secret, VP, date(2026, 9, 23), date(2026, 9, 22)),
    ]
    assert waiting(system, periodic)["receipt_closed"] == eod(date(2026, 9, 22))

    done = correct(system, clock, t6, None)  # back: the units that still owe their report are due 21/09
    assert {(m.kind, m.old, m.new) for m in done.moves} == {
        ("report_t6", t6_moved, t6),
        ("secret_report", t6_moved, t6),
    }
    assert waiting(system, periodic)["t6_overdue"] == eod(t6)


def test_a_round_not_open_yet_opens_with_the_moved_dates(system, directory, clock):
    [periodic] = start_scheduler(system, clock)  # July 2026: both schedules wait for 01/09
    label = "Báo cáo quý III và 9 tháng năm 2026"
    done = both_ways(system, clock, date(2026, 9, 21))
    assert listed(done) == [
        ("report_t6", label, "Các đơn vị báo cáo", date(2026, 9, 21), date(2026, 9, 22)),
        (
            "secret_report",
            f"{label} theo chế độ mật",
            "Các đơn vị báo cáo",
            date(2026, 9, 21),
            date(2026, 9, 22),
        ),
    ]
    assert moved_notices(system, "unit_staff") == []  # the round binds nobody yet
    sweep(system, clock, Q3_OPENS + timedelta(seconds=1))
    with system.db.reading() as session:
        assert session.scalars(select(ReportRound.unit_due)).one() == date(2026, 9, 22)
        assert set(session.scalars(select(ReportSubmission.due_date))) == {date(2026, 9, 22)}
        assert set(session.scalars(select(SecretReportObligation.due_date))) == {date(2026, 9, 22)}
    assert waiting(system, periodic)["t6_overdue"] == eod(date(2026, 9, 22))


def test_the_update_date_of_a_task_without_deadline_moves_and_back(system, directory, clock):
    [a_id] = classify(system, directory, item("Theo dõi thường xuyên", "SO_TC"))
    assert assignment_timers(system, a_id) == {"period_due": eod(date(2025, 3, 19))}  # R7: the 19th

    done = both_ways(system, clock, date(2025, 3, 19))
    subject = "Nhiệm vụ 1 của văn bản 12/QĐ-UBND"
    assert listed(done) == [
        ("update_obligation", subject, "Sở Tài chính", date(2025, 3, 19), date(2025, 3, 20))
    ]
    assert assignment_timers(system, a_id) == {"period_due": eod(date(2025, 3, 20))}
    assert sweep(system, clock, eod(date(2025, 3, 19)) + timedelta(seconds=1)).advanced == []

    correct(system, clock, date(2025, 3, 19), None)
    assert assignment_timers(system, a_id) == {"period_due": eod(date(2025, 3, 19))}
