"""Đ5.2.b: each period, every unit owes VP a written report under the secrecy regime. The system keeps the
obligation and the date the unit says it sent the paper, reminds at T6, and stores nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.definitions import scheduled
from engine.errors import ValidationError
from engine.history import ChangeRecord
from engine.instances import service as instances
from engine.instances import sweep as timer_sweep
from engine.instances.models import ProcessInstance
from engine.notifications.models import Notification
from engine.reports.models import SecretReportObligation
from engine.usertasks import service as usertasks
from tests.conftest import complete_task

JULY = datetime(2026, 7, 10, 2, 0, tzinfo=UTC)
Q3_OPENS = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)  # 01/09/2026 08:00 local
END_OF_T6 = datetime(2026, 9, 21, 17, 0, tzinfo=UTC)  # 19/09/2026 is a Saturday -> Monday 21/09 (R4)
END_OF_CUTOFF = datetime(2026, 9, 23, 17, 0, tzinfo=UTC)
KEY = "scheduled:secret_report_reminder"


def open_q3(system, clock) -> int:
    clock.move_to(JULY)
    with system.db.transaction() as session:
        started = scheduled.ensure_running(session=session, engine=system.engine)
        instance_id = session.scalar(
            select(ProcessInstance.id).where(
                ProcessInstance.business_key == KEY, ProcessInstance.id.in_(started)
            )
        )
    sweep(system, clock, Q3_OPENS + timedelta(seconds=1))
    return instance_id


def sweep(system, clock, at):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def confirm_task(system, principal):
    with system.db.reading() as session:
        [task] = [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == "confirm_sent"]
    return task


def obligations(system) -> dict[str, date | None]:
    with system.db.reading() as session:
        return {o.unit_code: o.sent_on for o in session.scalars(select(SecretReportObligation))}


def test_obligations_open_by_themselves_remind_the_unsent_at_t6_and_the_next_period_follows(
    system, directory, clock
):
    instance_id = open_q3(system, clock)
    with system.db.reading() as session:
        rows = session.scalars(select(SecretReportObligation)).all()
    assert {(r.unit_code, r.kind, r.year, r.period, r.due_date) for r in rows} == {
        (code, "quarter", 2026, 3, date(2026, 9, 21)) for code in ("SO_NV", "SO_TC", "SO_XD", "XA_BX")
    }

    task = confirm_task(system, directory["ldsotc"])
    assert (task.name, task.unit_code, task.due_at) == (
        "Xác nhận đã gửi báo cáo mật bằng văn bản",
        "SO_TC",
        END_OF_T6,
    )
    assert "không nội dung nào của báo cáo đó được nhập vào hệ thống" in task.instructions
    clock.move_to(datetime(2026, 9, 18, 3, 0, tzinfo=UTC))
    complete_task(system, task.id, directory["ldsotc"], {"sent_on": "2026-09-17"})
    complete_task(
        system, confirm_task(system, directory["soxd"]).id, directory["soxd"], {"sent_on": "2026-09-18"}
    )
    assert obligations(system) == {
        "SO_NV": None,
        "SO_TC": date(2026, 9, 17),
        "SO_XD": date(2026, 9, 18),
        "XA_BX": None,
    }

    sweep(system, clock, END_OF_T6 + timedelta(minutes=1))
    with system.db.reading() as session:
        reminders = session.scalars(
            select(Notification)
            .where(Notification.kind == "secret_report_overdue")
            .order_by(Notification.recipient_unit)
        ).all()
    assert [(n.recipient_group, n.recipient_unit, n.kind) for n in reminders] == [
        ("unit_leader", "SO_NV", "secret_report_overdue"),
        ("unit_leader", "XA_BX", "secret_report_overdue"),
    ]
    assert "21/09/2026" in reminders[0].message and "theo chế độ mật" in reminders[0].message

    sweep(system, clock, END_OF_CUTOFF + timedelta(minutes=1))  # SO_NV and XA_BX never confirm
    sweep(system, clock, END_OF_CUTOFF + timedelta(minutes=2))  # the successor's deferred start
    with system.db.reading() as session:
        first = instances.get_or_raise(session=session, instance_id=instance_id)
        [successor] = session.scalars(
            select(ProcessInstance).where(
                ProcessInstance.business_key == KEY, ProcessInstance.status == "running"
            )
        ).all()
        [timer] = instances.timers(session=session, instance_id=successor.id)
        open_tasks = [
            t
            for t in usertasks.inbox(session=session, user=directory["admin"])
            if t.bpmn_id == "confirm_sent"
        ]
    assert first.status == "completed" and open_tasks == []
    assert (timer.bpmn_id, timer.fire_at) == ("period_opens", datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    assert obligations(system)["SO_NV"] is None  # still owed: it stays on record as not sent


def test_no_content_can_be_stored_with_the_confirmation(system, directory, clock):
    open_q3(system, clock)
    task = confirm_task(system, directory["ldsotc"])
    clock.move_to(datetime(2026, 9, 18, 3, 0, tzinfo=UTC))
    with pytest.raises(ValidationError) as extra:
        complete_task(
            system,
            task.id,
            directory["ldsotc"],
            {"sent_on": "2026-09-17", "content": "Tình hình thực hiện nhiệm vụ mật", "attachments": []},
        )
    assert extra.value.fields == {
        "content": "trường không có trong biểu mẫu",
        "attachments": "trường không có trong biểu mẫu",
    }
    with pytest.raises(ValidationError) as future:
        complete_task(system, task.id, directory["ldsotc"], {"sent_on": "2026-09-30"})
    assert set(future.value.fields) == {"sent_on"}
    with pytest.raises(ValidationError) as not_a_date:
        complete_task(system, task.id, directory["ldsotc"], {"sent_on": "mười bảy tháng chín"})
    assert set(not_a_date.value.fields) == {"sent_on"}

    assert obligations(system)["SO_TC"] is None
    with system.db.reading() as session:
        assert usertasks.get_or_raise(session=session, task_id=task.id).state == "ready"
        changes = session.scalars(
            select(ChangeRecord.changes).where(ChangeRecord.entity == "secret_report_obligations")
        ).all()
        columns = {c.key for c in SecretReportObligation.__table__.columns}
    # The table has no column that could hold content, and no change ever wrote anything else.
    assert columns == {
        "id",
        "unit_code",
        "kind",
        "year",
        "period",
        "due_date",
        "sent_on",
        "confirmed_by",
        "created_at",
    }
    assert all(set(change) <= columns for change in changes)
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 0  # nothing is overdue yet


def test_started_before_tet_the_q1_obligations_open_in_march_due_on_the_19th(system, directory, clock):
    clock.move_to(datetime(2026, 1, 12, 2, 0, tzinfo=UTC))
    with system.db.transaction() as session:
        scheduled.ensure_running(session=session, engine=system.engine)
    sweep(system, clock, datetime(2026, 2, 18, 3, 0, tzinfo=UTC))  # in Tết: nothing is due yet
    assert obligations(system) == {}
    sweep(system, clock, datetime(2026, 3, 1, 1, 0, 1, tzinfo=UTC))  # 01/03/2026 08:00 local
    with system.db.reading() as session:
        due = {
            o.unit_code: (o.year, o.period, o.due_date)
            for o in session.scalars(select(SecretReportObligation))
        }
    assert due == dict.fromkeys(["SO_NV", "SO_TC", "SO_XD", "XA_BX"], (2026, 1, date(2026, 3, 19)))
    assert confirm_task(system, directory["sotc"]).due_at == datetime(2026, 3, 19, 17, 0, tzinfo=UTC)
