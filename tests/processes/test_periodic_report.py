"""P9 periodic report: the round opens by itself, units report by T6, VP consolidates by T7 and publishes,
and the next round is scheduled (Đ19.2, Đ20-22, R7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.assignments.models import DONE, IN_PROGRESS, Assignment
from engine.definitions import scheduled
from engine.directory import units
from engine.directory.models import Unit
from engine.errors import ValidationError
from engine.instances import service as instances
from engine.instances import sweep as timer_sweep
from engine.instances.models import ProcessInstance
from engine.notifications.models import Notification
from engine.reports.models import ReportRound, ReportSubmission
from engine.usertasks import service as usertasks
from engine.workdays import corrections
from engine.workdays import service as workdays
from tests.conftest import complete_task
from tests.engine.files import samples
from tests.engine.files.helpers import upload
from tests.factories import add_assignment, add_document

JULY = datetime(2026, 7, 10, 2, 0, tzinfo=UTC)
Q3_OPENS = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)  # 01/09/2026 08:00 local
# T6: "trước ngày 20" = 19/09/2026, a Saturday (not a make-up day) -> R4: Monday 21/09, ending 24:00 local.
END_OF_T6 = datetime(2026, 9, 21, 17, 0, tzinfo=UTC)
END_OF_CUTOFF = datetime(2026, 9, 23, 17, 0, tzinfo=UTC)  # the working day before T7 (Thursday 24/09)
END_OF_T7 = datetime(2026, 9, 24, 17, 0, tzinfo=UTC)
Q4_OPENS = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
KEY = "scheduled:periodic_report"
# The secret-report reminder runs by itself too: these tests look at periodic_report's own output only.
OWN_TASKS = {"submit_report", "approve_report", "consolidate", "publish"}
OVERDUE_NOTICES = select(Notification).where(Notification.kind == "periodic_report_overdue")
BUCKET_KEYS = ["total", "done_on_time", "done_late", "open_in_time", "open_late", "no_deadline"]


def local(day: int, month: int = 9, hour: int = 9) -> datetime:
    """`hour` o'clock local time (UTC+7) on day/month/2026."""
    return datetime(2026, month, day, hour - 7, 0, tzinfo=UTC)


def start_scheduler(system, clock) -> list[int]:
    """Start-up as `theodoi serve` does it; the ids of the periodic_report instances it started."""
    clock.move_to(JULY)
    with system.db.transaction() as session:
        started = scheduled.ensure_running(session=session, engine=system.engine)
        query = select(ProcessInstance.id).where(
            ProcessInstance.id.in_(started), ProcessInstance.business_key == KEY
        )
        return list(session.scalars(query))


def sweep(system, clock, at):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def inbox(system, principal):
    with system.db.reading() as session:
        return [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id in OWN_TASKS]


def report_task(system, principal):
    [task] = [t for t in inbox(system, principal) if t.bpmn_id == "submit_report"]
    return task


def submit(system, clock, principal, at, **data):
    clock.move_to(at)
    task = report_task(system, principal)
    complete_task(system, task.id, principal, {"situation": "Đã triển khai đầy đủ", **data})


def leader_approval(system, on: bool) -> None:
    """The administrator switches the approval of the sở's reports by their leader (Đ8.1.c) on or off."""
    with system.db.transaction() as session:
        units.set_type(session=session, unit_type="Sở, ban, ngành", leader_approval=on, actor="admin")


def submission(session, unit_code: str, period: int = 3) -> ReportSubmission:
    query = select(ReportSubmission).join(ReportRound, ReportRound.id == ReportSubmission.round_id)
    return session.scalar(
        query.where(
            ReportRound.year == 2026, ReportRound.period == period, ReportSubmission.unit_code == unit_code
        )
    )


def the_round(session) -> ReportRound:
    return session.scalar(select(ReportRound).where(ReportRound.year == 2026, ReportRound.kind == "quarter"))


def add_units_out_of_service(system) -> None:
    """A commune merged away in 2025 (units are data): it no longer reports."""
    with system.db.transaction() as session:
        session.add(
            Unit(
                code="XA_CU",
                name="UBND xã Cũ",
                unit_type="UBND cấp xã/phường",
                active_to=date(2025, 6, 30),
            )
        )


def seed_assignments(system) -> None:
    """Tasks of SO_TC and SO_XD in every bucket, and some outside the Q3 window (15/06-14/09/2026)."""
    tz = "+07:00"

    def at(text: str) -> datetime:
        return datetime.fromisoformat(text + tz).astimezone(UTC)

    rows = [
        # (lead, created, due, completed_on, confirmed_at)
        ("SO_TC", "2026-06-01T09:00", "2026-07-30", "2026-07-28", "2026-07-29T10:00"),  # done on time
        ("SO_TC", "2026-06-01T09:00", "2026-07-31", "2026-08-05", "2026-08-06T10:00"),  # done late
        ("SO_TC", "2026-07-01T09:00", "2026-10-30", None, None),  # open, in time
        ("SO_TC", "2026-07-01T09:00", "2026-08-31", None, None),  # open, overdue
        ("SO_TC", "2026-07-02T09:00", None, None, None),  # no deadline
        ("SO_TC", "2026-03-01T09:00", "2026-05-29", "2026-05-28", "2026-06-10T10:00"),  # done before window
        ("SO_TC", "2026-09-15T09:00", "2026-09-30", None, None),  # created after window_to
        ("SO_XD", "2026-08-03T09:00", "2026-09-15", None, None),  # open, in time (due soon)
        ("SO_XD", "2026-08-03T09:00", "2026-09-10", "2026-09-12", "2026-09-16T10:00"),  # done 16/09
        ("SO_NV", "2026-08-03T09:00", "2026-09-14", "2026-09-14", "2026-09-14T23:30"),  # 14/09, 23:30
    ]
    with system.db.transaction() as session:
        calendar = workdays.calendar(session=session, settings=system.settings)
        document = add_document(
            session,
            number="45/KH-UBND",
            title="Kế hoạch thực hiện nhiệm vụ năm 2026",
            issued_on=date(2026, 3, 1),
            created_at=at("2026-03-01T09:00"),
        )
        for seq, (lead, created, due, completed, confirmed) in enumerate(rows, start=1):
            due_date = date.fromisoformat(due) if due else None
            add_assignment(
                session,
                document,
                seq=seq,
                lead=lead,
                due=due_date,
                effective_due=calendar.effective_due_date(due_date) if due_date else None,
                must_report=False,
                progress=DONE if confirmed else IN_PROGRESS,
                stage="confirmed" if confirmed else "accepted",
                completed_on=date.fromisoformat(completed) if completed else None,
                confirmed_at=at(confirmed) if confirmed else None,
                created_at=at(created),
            )


def direct_count(session, unit_code: str, window_from: date, window_to: date) -> dict:
    """The buckets of one unit counted straight from the rows: in the window = created by 24:00 of
    window_to and not confirmed before 00:00 of window_from; done = confirmed by 24:00 of window_to."""
    end = datetime(window_to.year, window_to.month, window_to.day, 17, 0, tzinfo=UTC)  # 24:00 local
    start = datetime(window_from.year, window_from.month, window_from.day, tzinfo=UTC) - timedelta(hours=7)
    counts = dict.fromkeys(BUCKET_KEYS, 0)
    for a in session.scalars(select(Assignment).where(Assignment.lead_unit_code == unit_code)):
        confirmed = a.confirmed_at.astimezone(UTC) if a.confirmed_at else None
        if a.created_at.astimezone(UTC) > end or (confirmed is not None and confirmed < start):
            continue
        counts["total"] += 1
        done = confirmed is not None and confirmed <= end
        due = a.effective_due_date
        if done:
            counts["done_on_time" if due is None or a.completed_on <= due else "done_late"] += 1
        elif due is None:  # never overdue: one of the open in time, and shown apart as well
            counts["no_deadline"] += 1
            counts["open_in_time"] += 1
        else:
            counts["open_late" if due < window_to else "open_in_time"] += 1
    return counts


def bucket_counts(row: dict) -> dict:
    return {k: row[k] for k in BUCKET_KEYS}


def test_q3_round_opens_by_itself_due_at_r7_dates_and_consolidates_a_direct_count(system, directory, clock):
    add_units_out_of_service(system)
    [instance_id] = start_scheduler(system, clock)
    assert start_scheduler(system, clock) == []  # one scheduled instance, however often the server starts
    with system.db.reading() as session:
        [timer] = instances.timers(session=session, instance_id=instance_id)
        calendar = workdays.calendar(session=session, settings=system.settings)
    assert (timer.bpmn_id, timer.fire_at) == ("round_opens", Q3_OPENS)
    assert calendar.is_working_day(date(2026, 8, 22)) and not calendar.is_working_day(date(2026, 9, 19))

    assert sweep(system, clock, Q3_OPENS - timedelta(seconds=1)).advanced == []
    assert instance_id in sweep(system, clock, Q3_OPENS + timedelta(seconds=1)).advanced
    with system.db.reading() as session:
        row = the_round(session)
        submissions = session.scalars(select(ReportSubmission).where(ReportSubmission.round_id == row.id))
        due_by_unit = {s.unit_code: s.due_date for s in submissions}
    assert (row.label, row.status, row.period) == ("Báo cáo quý III và 9 tháng năm 2026", "open", 3)
    assert (row.window_from, row.window_to) == (date(2026, 6, 15), date(2026, 9, 14))
    assert (row.unit_due, row.consolidation_due) == (date(2026, 9, 21), date(2026, 9, 24))
    # Every active unit but VP itself; the commune merged away in 2025 is not asked.
    assert due_by_unit == dict.fromkeys(["SO_NV", "SO_TC", "SO_XD", "XA_BX"], date(2026, 9, 21))

    task = report_task(system, directory["sotc"])
    assert (task.name, task.unit_code, task.due_at) == ("Báo cáo định kỳ", "SO_TC", END_OF_T6)
    assert set(task.candidate_groups) == {"unit_staff", "unit_leader"}
    assert "21/09/2026" in task.instructions and "15/06/2026" in task.instructions
    assert [t.unit_code for t in inbox(system, directory["xabx"])] == ["XA_BX"]
    assert [t.unit_code for t in inbox(system, directory["ldsotc"])] == ["SO_TC"]
    assert inbox(system, directory["cv"]) == []

    seed_assignments(system)
    submit(system, clock, directory["sotc"], local(15), difficulties="Thiếu kinh phí")
    submit(system, clock, directory["soxd"], local(16))
    with system.db.reading() as session:
        row = the_round(session)
        so_tc = session.scalar(
            select(ReportSubmission).where(
                ReportSubmission.round_id == row.id, ReportSubmission.unit_code == "SO_TC"
            )
        )
        expected_tc = direct_count(session, "SO_TC", row.window_from, row.window_to)
    assert (so_tc.submitted_by, so_tc.difficulties, so_tc.figures["as_of"]) == (
        "sotc",
        "Thiếu kinh phí",
        "2026-09-14",
    )
    assert bucket_counts(so_tc.figures) == expected_tc
    assert expected_tc == {
        "total": 5,
        "done_on_time": 1,
        "done_late": 1,
        "open_in_time": 2,
        "open_late": 1,
        "no_deadline": 1,
    }

    sweep(system, clock, END_OF_T6 - timedelta(seconds=1))
    with system.db.reading() as session:
        assert session.scalars(OVERDUE_NOTICES).all() == []
    sweep(system, clock, END_OF_T6 + timedelta(minutes=1))
    with system.db.reading() as session:
        [notice] = session.scalars(OVERDUE_NOTICES).all()
    assert notice.recipient_group == "vp_specialist"
    assert notice.message.endswith("Đơn vị chưa gửi báo cáo: Sở Nội vụ, UBND xã Bát Xát.")
    assert "21/09/2026" in notice.message

    submit(system, clock, directory["xabx"], local(22))  # late, but before receipt closes: still taken
    assert [t.bpmn_id for t in inbox(system, directory["cv"])] == []
    sweep(system, clock, END_OF_CUTOFF + timedelta(minutes=1))  # SO_NV never reports
    [consolidate] = inbox(system, directory["cv"])
    assert (consolidate.bpmn_id, consolidate.due_at) == ("consolidate", END_OF_T7)
    assert "Đơn vị chưa gửi báo cáo: Sở Nội vụ." in consolidate.instructions

    clock.move_to(local(24))
    complete_task(system, consolidate.id, directory["cv"], {"assessment": "Các đơn vị cơ bản hoàn thành"})
    with system.db.reading() as session:
        row = the_round(session)
        expected = {
            code: direct_count(session, code, row.window_from, row.window_to)
            for code in ("SO_NV", "SO_TC", "SO_XD", "XA_BX")
        }
        submitted = {
            s.unit_code: s.submitted_at is not None
            for s in session.scalars(select(ReportSubmission).where(ReportSubmission.round_id == row.id))
        }
    assert row.status == "consolidated"
    frozen = {r["unit_code"]: bucket_counts(r) for r in row.figures}
    assert frozen == {code: counts for code, counts in expected.items() if counts["total"]}
    assert frozen["SO_XD"]["open_late"] == 1 and frozen["SO_NV"]["done_on_time"] == 1
    assert submitted == {"SO_NV": False, "SO_TC": True, "SO_XD": True, "XA_BX": True}

    [publish] = inbox(system, directory["ldvp"])
    clock.move_to(local(25))
    complete_task(system, publish.id, directory["ldvp"], {"approved": True})
    with system.db.reading() as session:
        [successor] = session.scalars(
            select(ProcessInstance).where(
                ProcessInstance.business_key == KEY, ProcessInstance.status == "running"
            )
        ).all()
        [start_timer] = instances.timers(session=session, instance_id=successor.id)
    # The successor exists at once, but runs only after the step that started it, from the sweep.
    assert (start_timer.bpmn_id, start_timer.fire_at) == ("deferred_start", local(25))
    sweep(system, clock, local(25) + timedelta(seconds=1))
    with system.db.reading() as session:
        row = the_round(session)
        first = instances.get_or_raise(session=session, instance_id=instance_id)
        successor = instances.get_or_raise(session=session, instance_id=successor.id)
        [next_timer] = instances.timers(session=session, instance_id=successor.id)
        next_period = instances.current_data(session=session, engine=system.engine, instance=successor)[
            "period"
        ]
    assert (row.status, row.published_at) == ("published", local(25))
    assert first.status == "completed" and successor.id != instance_id
    assert (next_timer.bpmn_id, next_timer.fire_at) == ("round_opens", Q4_OPENS)
    assert (next_period["label"], next_period["unit_due"]) == ("Báo cáo năm 2026 (gồm quý IV)", "2026-12-21")


def test_consolidation_opens_as_soon_as_every_unit_has_reported(system, directory, clock):
    [instance_id] = start_scheduler(system, clock)
    sweep(system, clock, Q3_OPENS + timedelta(seconds=1))
    for user in ("sotc", "soxd", "xabx"):
        submit(system, clock, directory[user], local(10))
    assert inbox(system, directory["cv"]) == []
    submit(system, clock, directory["admin"], local(11))  # the last one, SO_NV, entered by an administrator
    [consolidate] = inbox(system, directory["cv"])
    assert "Tất cả các đơn vị đã gửi báo cáo." in consolidate.instructions
    with system.db.reading() as session:
        assert session.scalars(OVERDUE_NOTICES).all() == []  # nobody was late
        assert instances.timers(session=session, instance_id=instance_id) == []  # T6, receipt: gone


def test_a_unit_report_without_its_assessment_is_refused(system, directory, clock):
    start_scheduler(system, clock)
    sweep(system, clock, Q3_OPENS + timedelta(seconds=1))
    task = report_task(system, directory["sotc"])
    with pytest.raises(ValidationError) as error:
        complete_task(system, task.id, directory["sotc"], {"situation": "", "figures": {"total": 1}})
    assert set(error.value.fields) == {"situation", "figures"}
    with system.db.reading() as session:
        assert all(s.submitted_at is None for s in session.scalars(select(ReportSubmission)))


def test_the_q1_round_waits_across_tet_and_a_day_off_declared_on_the_19th_moves_t6(system, directory, clock):
    # Started in January 2026: the first period still due is Q1, whose timer waits across Tết (16-20/02).
    clock.move_to(datetime(2026, 1, 12, 2, 0, tzinfo=UTC))
    with system.db.transaction() as session:
        corrections.change_override(
            session=session,
            engine=system.engine,
            day=date(2026, 3, 19),
            working=False,
            note="Nghỉ (thử)",
            actor="admin",
            now=clock.now(),
        )
        started = scheduled.ensure_running(session=session, engine=system.engine)
        [instance_id] = session.scalars(
            select(ProcessInstance.id).where(
                ProcessInstance.id.in_(started), ProcessInstance.business_key == KEY
            )
        )
    q1_opens = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)  # Sunday 01/03/2026 08:00 local
    assert sweep(system, clock, datetime(2026, 2, 18, 3, 0, tzinfo=UTC)).advanced == []  # in Tết
    assert instance_id in sweep(system, clock, q1_opens + timedelta(seconds=1)).advanced
    task = report_task(system, directory["sotc"])
    # 19/03 declared off: R4 moves T6 to Friday 20/03/2026, ending 24:00 local.
    assert task.due_at == datetime(2026, 3, 20, 17, 0, tzinfo=UTC)
    with system.db.reading() as session:
        row = session.scalar(select(ReportRound).where(ReportRound.year == 2026, ReportRound.period == 1))
    assert (row.window_from, row.window_to, row.unit_due) == (
        date(2025, 12, 15),
        date(2026, 3, 14),
        date(2026, 3, 20),
    )


def test_a_sos_report_reaches_vp_when_its_leader_approves_it_and_a_returned_one_comes_back(
    system, directory, clock
):
    # Started in January: the Q1 round opens after Tết (16-20/02).
    leader_approval(system, True)
    clock.move_to(datetime(2026, 1, 12, 2, 0, tzinfo=UTC))
    with system.db.transaction() as session:
        scheduled.ensure_running(session=session, engine=system.engine)
    assert sweep(system, clock, datetime(2026, 2, 18, 3, 0, tzinfo=UTC)).advanced == []
    sweep(system, clock, datetime(2026, 3, 1, 1, 0, 1, tzinfo=UTC))

    clock.move_to(local(10, 3))
    task = report_task(system, directory["sotc"])
    stored = upload(system, directory["sotc"], samples.pdf(), "bao-cao-quy-1.pdf", task_id=task.id)
    first = {
        "situation": "Bản đầu",
        "difficulties": "Thiếu kinh phí",
        "attachments": [{"file_id": stored.id}],
    }
    complete_task(system, task.id, directory["sotc"], first)
    submit(system, clock, directory["xabx"], local(10, 3))  # a commune's type does not approve: sent at once
    with system.db.reading() as session:
        assert submission(session, "SO_TC", 1).submitted_at is None  # not at VP until approved
        assert submission(session, "XA_BX", 1).submitted_at == local(10, 3)
    assert inbox(system, directory["sotc"]) == []
    [approval] = inbox(system, directory["ldsotc"])
    assert (approval.bpmn_id, approval.name) == ("approve_report", "Phê duyệt báo cáo định kỳ của đơn vị")
    assert approval.candidate_groups == ["unit_leader"] and approval.unit_code == "SO_TC"
    assert approval.due_at == datetime(2026, 3, 19, 17, 0, tzinfo=UTC)  # T6, Thursday 19/03
    assert "Đỗ Tài Chính đã lập" in approval.instructions and "Thiếu kinh phí" in approval.instructions
    assert f"[bao-cao-quy-1.pdf](/tep-dinh-kem/{stored.id})" in approval.instructions
    with pytest.raises(ValidationError):
        complete_task(system, approval.id, directory["ldsotc"], {"approval_decision": "return"})

    clock.move_to(local(11, 3))
    returned = {"approval_decision": "return", "approval_remarks": "Bổ sung số liệu giải ngân"}
    complete_task(system, approval.id, directory["ldsotc"], returned)
    with system.db.reading() as session:
        [told] = session.scalars(select(Notification).where(Notification.kind == "periodic_report_returned"))
        assert submission(session, "SO_TC", 1).submitted_at is None
    assert (told.recipient_group, told.recipient_unit) == ("unit_staff", "SO_TC")
    assert told.message.endswith("lãnh đạo Sở Tài chính trả lại báo cáo định kỳ: Bổ sung số liệu giải ngân")
    again = report_task(system, directory["sotc"])
    assert "**Lãnh đạo đơn vị trả lại báo cáo**: Bổ sung số liệu giải ngân" in again.instructions
    assert "bao-cao-quy-1.pdf" in again.instructions  # the file sent before, to upload again if still wanted
    with system.db.reading() as session:
        row = usertasks.get_or_raise(session=session, task_id=again.id)
        kept = usertasks.form_data(session=session, engine=system.engine, row=row)
    assert (kept["situation"], kept["difficulties"], kept["attachments"]) == ("Bản đầu", "Thiếu kinh phí", [])

    submit(
        system,
        clock,
        directory["sotc"],
        local(12, 3),
        situation="Bản đã bổ sung",
        difficulties="Thiếu kinh phí",
    )
    [approval] = inbox(system, directory["ldsotc"])
    assert "Bản đã bổ sung" in approval.instructions
    clock.move_to(local(13, 3, hour=15))
    complete_task(system, approval.id, directory["ldsotc"], {"approval_decision": "approve"})
    with system.db.reading() as session:
        sent = submission(session, "SO_TC", 1)
    # The approved text, sent when approved: that is when it reached VP.
    assert (sent.content, sent.difficulties) == ("Bản đã bổ sung", "Thiếu kinh phí")
    assert (sent.submitted_by, sent.submitted_at) == ("ldsotc", local(13, 3, hour=15))
    assert inbox(system, directory["ldsotc"]) == [] and inbox(system, directory["sotc"]) == []


def test_t6_lateness_counts_from_the_approval_and_a_switched_off_type_sends_at_once(system, directory, clock):
    # Saturday 19/09/2026 declared a make-up working day: "trước ngày 20" is that Saturday itself.
    leader_approval(system, True)
    clock.move_to(JULY)
    with system.db.transaction() as session:
        corrections.change_override(
            session=session,
            engine=system.engine,
            day=date(2026, 9, 19),
            working=True,
            note="Làm bù (thử)",
            actor="admin",
            now=clock.now(),
        )
    start_scheduler(system, clock)
    sweep(system, clock, Q3_OPENS + timedelta(seconds=1))
    end_of_t6 = datetime(2026, 9, 19, 17, 0, tzinfo=UTC)
    assert report_task(system, directory["sotc"]).due_at == end_of_t6

    submit(system, clock, directory["sotc"], local(18))  # Friday: written, awaiting the leader
    sweep(system, clock, end_of_t6 + timedelta(minutes=1))
    with system.db.reading() as session:
        [notice] = session.scalars(OVERDUE_NOTICES).all()
    assert "Sở Tài chính" in notice.message  # not approved by T6: not sent

    [approval] = inbox(system, directory["ldsotc"])
    clock.move_to(local(21))
    complete_task(system, approval.id, directory["ldsotc"], {"approval_decision": "approve"})
    leader_approval(system, False)  # the administrator switches it off: the next sở report goes at once
    submit(system, clock, directory["soxd"], local(21))
    with system.db.reading() as session:
        so_tc, so_xd = submission(session, "SO_TC"), submission(session, "SO_XD")
    assert so_tc.submitted_at == local(21) and so_tc.submitted_at.date() > so_tc.due_date  # late, by approval
    assert (so_xd.submitted_by, so_xd.submitted_at) == ("soxd", local(21))
