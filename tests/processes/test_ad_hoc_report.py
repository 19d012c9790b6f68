"""Báo cáo đột xuất (Đ19.4, Đ20.1, Đ21.1; Đ5.1; Đ5.2.b): the Chairman or VP asks units for a report by a
working day, each unit answers (after its leader's approval where its type asks for it), is reminded before
the date by the general reminder of user tasks and on the date by the process, VP is told at its end who has
not answered, consolidates, and the requester is told. A secret request keeps no content at all."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Text, func, select

from engine import clock as clock_module
from engine.auth import service as auth
from engine.directory import units
from engine.errors import PermissionDeniedError, SecretDocumentRefused, ValidationError
from engine.files import service as files
from engine.instances import service as instances
from engine.instances import starting
from engine.instances import sweep as timer_sweep
from engine.instances.models import ProcessInstance
from engine.notifications import service as notifications
from engine.notifications import targets
from engine.notifications.models import Notification
from engine.reminders import service as reminders
from engine.reminders.schedule import reminder_day
from engine.reports import ad_hoc_records as records
from engine.reports.models import AdHocAnswer, AdHocReport
from engine.usertasks import service as usertasks
from engine.workdays import service as workdays
from tests.conftest import PASSWORD, complete_task
from tests.engine.files import samples
from tests.engine.files.helpers import upload

# Thursday 23/04/2026, 09:00 local: the five working days after it run past 30/04 and 01/05, days off.
ASKED = datetime(2026, 4, 23, 2, 0, tzinfo=UTC)
SUBJECT = "Tình hình khắc phục hậu quả mưa lũ đầu mùa"
REQUIREMENTS = "Báo cáo thiệt hại, kết quả khắc phục và kinh phí đã sử dụng đến ngày báo cáo."
OWN_TASKS = {"answer", "approve_answer", "confirm_secret_sent", "consolidate", "confirm_receipt"}


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour`:`minute` local time (UTC+7) on `day`."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def end_of(day: date) -> datetime:
    """24:00 local of `day` (R3)."""
    return local(day, 0) + timedelta(days=1)


def calendar(system):
    with system.db.reading() as session:
        return workdays.calendar(session=session, settings=system.settings)


def working_days_after(system, day: date, n: int) -> date:
    return calendar(system).add_working_days(day, n)


def add_leader(system, directory, username: str, full_name: str, unit_code: str) -> None:
    """A leader for a unit the shared directory gives none: directory[username]."""
    with system.db.transaction() as session:
        account = auth.create_user(
            session=session,
            username=username,
            password=PASSWORD,
            full_name=full_name,
            roles=["unit_leader"],
            unit_code=unit_code,
            now=clock_module.now(),
        )
        directory[username] = auth.principal(account)


def leader_approval(system, on: bool) -> None:
    """The administrator switches the approval of the sở's reports by their leader (Đ8.1.c) on or off."""
    with system.db.transaction() as session:
        units.set_type(session=session, unit_type="Sở, ban, ngành", leader_approval=on, actor="admin")


def upload_for_start(system, principal, name: str) -> dict:
    """A file uploaded for the start form, as the form's files widget does."""
    stored = files.upload(
        db=system.db,
        settings=system.settings,
        user=principal,
        stream=io.BytesIO(samples.pdf()),
        filename=name,
        process_id=records.PROCESS_ID,
    )
    return {"file_id": stored.id, "name": stored.name}


def ask(system, principal, **form) -> int:
    """Start the process as the start page does (the form is checked against its schema first)."""
    data = {
        "report_kind": "request",
        "subject": SUBJECT,
        "requirements": REQUIREMENTS,
        "units": ["SO_TC", "SO_XD"],
        "due_date": working_days_after(system, ASKED.date(), 5).isoformat(),
        **form,
    }
    with system.db.transaction() as session:
        return starting.start_on_demand(
            session=session, engine=system.engine, process_id=records.PROCESS_ID, data=data, user=principal
        ).id


def inbox(system, principal, bpmn_id: str | None = None):
    with system.db.reading() as session:
        found = usertasks.inbox(session=session, user=principal)
    return [t for t in found if t.bpmn_id in OWN_TASKS and bpmn_id in (None, t.bpmn_id)]


def the_task(system, principal, bpmn_id: str):
    [task] = inbox(system, principal, bpmn_id)
    return task


def sweep(system, clock, at):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def remind(system, clock, at) -> int:
    """The general reminder pass (engine/reminders) at `at`, as the timer loop runs it: how many it sent."""
    clock.move_to(at)
    return reminders.send_due_reminders(db=system.db, engine=system.engine, now=at)


def recipients(found: list[Notification]) -> list[tuple[str | None, str | None]]:
    return sorted((n.recipient_group, n.recipient_unit) for n in found)


def notices(system, kind: str) -> list[Notification]:
    with system.db.reading() as session:
        return list(
            session.scalars(select(Notification).where(Notification.kind == kind).order_by(Notification.id))
        )


def answer_of(system, unit_code: str) -> AdHocAnswer:
    with system.db.reading() as session:
        return session.scalar(select(AdHocAnswer).where(AdHocAnswer.unit_code == unit_code))


def status(system, instance_id: int) -> str:
    with system.db.reading() as session:
        return instances.get_or_raise(session=session, instance_id=instance_id).status


def nothing_stored(system) -> None:
    with system.db.reading() as session:
        for model in (AdHocReport, AdHocAnswer, ProcessInstance, Notification):
            assert session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.postgres
def test_the_chairman_asks_three_units_who_answer_and_vp_consolidates(system, directory, clock):
    """The issue's "Done means": due in 5 working days; one unit answers with a file, one after its leader's
    approval, one after the reminder; VP consolidates; the Chairman is told, and his notice leads to the
    request's page."""
    leader_approval(system, True)
    add_leader(system, directory, "ldsonv", "Mai Thị Nội Vụ", "SO_NV")
    clock.move_to(ASKED)
    due = working_days_after(system, ASKED.date(), 5)
    assert due > date(2026, 5, 1)  # 30/04 and 01/05 are days off: the calendar counted them out
    template = upload_for_start(system, directory["ct"], "de-cuong-bao-cao.pdf")
    instance_id = ask(
        system,
        directory["ct"],
        units=["SO_TC", "SO_NV", "XA_BX"],
        due_date=due.isoformat(),
        template=[template],
    )

    tasks = {u: the_task(system, directory[u], "answer") for u in ("sotc", "ldsonv", "xabx")}
    for task in tasks.values():
        assert (task.name, task.due_at) == ("Báo cáo đột xuất", end_of(due))
        assert task.subject == f"Báo cáo đột xuất: {SUBJECT}"
        assert "Đinh Chủ Tịch (Chủ tịch UBND tỉnh)" in task.instructions
        assert REQUIREMENTS in task.instructions and "de-cuong-bao-cao.pdf" in task.instructions
        assert f"**{due:%d/%m/%Y}**" in task.instructions
    assert inbox(system, directory["cv"]) == [] and inbox(system, directory["ct"]) == []
    assert inbox(system, directory["soxd"]) == []  # Sở Xây dựng was not asked

    # The commune answers with a file; its type does not ask for its leader's approval.
    clock.move_to(local(date(2026, 4, 24), 10))
    report = upload(system, directory["xabx"], samples.pdf(), "bao-cao-xa.pdf", task_id=tasks["xabx"].id)
    complete_task(
        system,
        tasks["xabx"].id,
        directory["xabx"],
        {"content": "Xã đã khắc phục xong 12 hộ bị sạt lở.", "attachments": [{"file_id": report.id}]},
    )
    commune = answer_of(system, "XA_BX")
    assert (commune.answered_by, commune.answered_at) == ("xabx", local(date(2026, 4, 24), 10))
    assert [f["name"] for f in commune.attachments] == ["bao-cao-xa.pdf"]

    # Sở Tài chính's staff write it; it reaches VP when the leader approves.
    complete_task(system, tasks["sotc"].id, directory["sotc"], {"content": "Đã tạm cấp 5 tỷ đồng."})
    assert answer_of(system, "SO_TC").answered_at is None
    approval = the_task(system, directory["ldsotc"], "approve_answer")
    assert "Đỗ Tài Chính đã lập" in approval.instructions and "Đã tạm cấp 5 tỷ đồng." in approval.instructions
    clock.move_to(local(date(2026, 4, 24), 15))
    complete_task(system, approval.id, directory["ldsotc"], {"approval_decision": "approve"})
    sent = answer_of(system, "SO_TC")
    assert (sent.content, sent.answered_by, sent.answered_at) == (
        "Đã tạm cấp 5 tỷ đồng.",
        "ldsotc",
        local(date(2026, 4, 24), 15),
    )

    # Sở Nội vụ is reminded before the date as every user task is (THEODOI_REMINDER_DAYS "3,1"): the working
    # day before, one notice to each of its groups and no second one from the process.
    before = reminder_day(calendar(system), due, 1)
    remind(system, clock, local(reminder_day(calendar(system), due, 3), 7))
    assert sweep(system, clock, local(before, 7) + timedelta(seconds=1)).advanced == []
    remind(system, clock, local(before, 7, 1))
    day_before = [n for n in notices(system, "user_task_reminder") if n.created_at == local(before, 7, 1)]
    assert recipients(day_before) == [("unit_leader", "SO_NV"), ("unit_staff", "SO_NV")]
    assert f"còn 1 ngày làm việc, hạn xử lý {due:%d/%m/%Y}" in day_before[0].message
    assert notices(system, "ad_hoc_report_reminder") == []
    # On the date, at the reminder hour, the process reminds it again.
    assert sweep(system, clock, local(due, 7) + timedelta(seconds=1)).advanced == [instance_id]
    on_due = notices(system, "ad_hoc_report_reminder")
    assert recipients(on_due) == [("unit_leader", "SO_NV"), ("unit_staff", "SO_NV")]
    assert all("hôm nay là hạn báo cáo, đơn vị chưa gửi báo cáo" in n.message for n in on_due)

    # Its leader writes the answer himself on the date: it goes at once, and VP consolidates at once.
    clock.move_to(local(due, 10))
    complete_task(system, tasks["ldsonv"].id, directory["ldsonv"], {"content": "Đã bố trí 20 cán bộ hỗ trợ."})
    assert notices(system, "ad_hoc_report_overdue") == []
    consolidate = the_task(system, directory["cv"], "consolidate")
    assert consolidate.name == "Tổng hợp báo cáo đột xuất"
    for text in ("Xã đã khắc phục xong 12 hộ", "Đã tạm cấp 5 tỷ đồng.", "Đã bố trí 20 cán bộ hỗ trợ."):
        assert text in consolidate.instructions
    assert "Hoàng Lãnh Đạo" in consolidate.instructions and "bao-cao-xa.pdf" in consolidate.instructions
    assert "Tất cả các đơn vị đã báo cáo." in consolidate.instructions
    with system.db.reading() as session:
        assert instances.timers(session=session, instance_id=instance_id) == []

    clock.move_to(local(due, 16))
    summary = upload(system, directory["cv"], samples.pdf(), "tong-hop.pdf", task_id=consolidate.id)
    consolidation = "Ba đơn vị đã báo cáo đầy đủ; đề nghị bổ sung kinh phí cho xã Bát Xát."
    complete_task(
        system,
        consolidate.id,
        directory["cv"],
        {"consolidation": consolidation, "attachments": [{"file_id": summary.id}]},
    )

    with system.db.reading() as session:
        row = session.scalars(select(AdHocReport)).one()
        [done] = notifications.for_user(session=session, user=directory["ct"])
        [where] = targets.resolve(
            session=session,
            user=directory["ct"],
            notices=[done],
            can_read_documents=True,
            can_watch_instances=False,
        ).values()
    assert (row.status, row.consolidation, row.consolidated_by) == ("consolidated", consolidation, "cv")
    assert [f["name"] for f in row.consolidation_files] == ["tong-hop.pdf"]
    assert (row.requester_role, row.requested_by, row.opened_by) == ("chairman", "ct", "ct")
    assert done.kind == "ad_hoc_report_done" and done.recipient_user == "ct"
    assert (
        done.message
        == f"Báo cáo đột xuất: {SUBJECT}: Văn phòng UBND tỉnh đã tổng hợp báo cáo của 3/3 đơn vị."
    )
    assert where == targets.Target(targets.AD_HOC_REPORT, row.id)
    assert status(system, instance_id) == "completed"


def test_at_the_end_of_the_date_vp_is_told_who_has_not_answered_and_goes_on_without_them(
    system, directory, clock
):
    # Asked on Monday 07/12/2026 at 09:00, due the next day: the reminder "the working day before" falls on
    # the day of the request itself, when the units have just received it with its date, and is not sent.
    today = date(2026, 12, 7)
    clock.move_to(local(today, 9))
    due = working_days_after(system, today, 1)
    instance_id = ask(system, directory["cv"], requested_for="vp", due_date=due.isoformat())
    with system.db.reading() as session:
        waiting = {t.bpmn_id for t in instances.timers(session=session, instance_id=instance_id)}
    assert waiting == {"remind_on_due", "due_passed"}
    assert remind(system, clock, local(today, 10)) == 0
    assert notices(system, "user_task_reminder") == notices(system, "ad_hoc_report_reminder") == []

    clock.move_to(local(due, 11))
    complete_task(
        system, the_task(system, directory["sotc"], "answer").id, directory["sotc"], {"content": "Xong."}
    )
    assert sweep(system, clock, end_of(due) - timedelta(seconds=1)).advanced == []
    assert sweep(system, clock, end_of(due) + timedelta(seconds=1)).advanced == [instance_id]
    [told] = notices(system, "ad_hoc_report_overdue")
    assert told.recipient_group == "vp_specialist"
    assert told.message == (
        f"Báo cáo đột xuất: {SUBJECT}: đã hết hạn báo cáo ngày {due:%d/%m/%Y}. "
        "Đơn vị chưa gửi báo cáo: Sở Xây dựng."
    )
    assert inbox(system, directory["soxd"]) == []  # its task closed with the date
    consolidate = the_task(system, directory["cv"], "consolidate")
    assert f"Đơn vị chưa báo cáo đến hết ngày {due:%d/%m/%Y}: Sở Xây dựng." in consolidate.instructions
    assert "Lãnh đạo Văn phòng UBND tỉnh (do Nguyễn Thị Theo Dõi nhập)" in consolidate.instructions

    complete_task(system, consolidate.id, directory["cv"], {"consolidation": "Sở Xây dựng chưa báo cáo."})
    [done] = notices(system, "ad_hoc_report_done")
    assert (done.recipient_group, done.recipient_user) == ("vp_leadership", None)  # entered on its behalf
    assert "của 1/2 đơn vị" in done.message


def test_a_returned_answer_comes_back_to_the_staff_with_the_leaders_remarks(system, directory, clock):
    leader_approval(system, True)
    clock.move_to(ASKED)
    ask(system, directory["ldvp"], units=["SO_TC"])
    task = the_task(system, directory["sotc"], "answer")
    draft = upload(system, directory["sotc"], samples.pdf(), "so-lieu.pdf", task_id=task.id)
    first = {"content": "Bản đầu", "proposals": "Bổ sung vốn", "attachments": [{"file_id": draft.id}]}
    complete_task(system, task.id, directory["sotc"], first)
    approval = the_task(system, directory["ldsotc"], "approve_answer")
    with pytest.raises(ValidationError):
        complete_task(system, approval.id, directory["ldsotc"], {"approval_decision": "return"})
    returned = {"approval_decision": "return", "approval_remarks": "Bổ sung số liệu kinh phí"}
    complete_task(system, approval.id, directory["ldsotc"], returned)

    [told] = notices(system, "ad_hoc_report_returned")
    assert (told.recipient_group, told.recipient_unit) == ("unit_staff", "SO_TC")
    assert told.message.endswith("lãnh đạo Sở Tài chính trả lại báo cáo đột xuất: Bổ sung số liệu kinh phí")
    again = the_task(system, directory["sotc"], "answer")
    assert "**Lãnh đạo đơn vị trả lại báo cáo**: Bổ sung số liệu kinh phí" in again.instructions
    assert "so-lieu.pdf" in again.instructions
    with system.db.reading() as session:
        row = usertasks.get_or_raise(session=session, task_id=again.id)
        kept = usertasks.form_data(session=session, engine=system.engine, row=row)
    assert (kept["content"], kept["proposals"], kept["attachments"]) == ("Bản đầu", "Bổ sung vốn", [])
    assert answer_of(system, "SO_TC").answered_at is None

    complete_task(
        system,
        again.id,
        directory["sotc"],
        {"content": "Bản đã bổ sung", "attachments": [first["attachments"][0]]},
    )
    complete_task(
        system,
        the_task(system, directory["ldsotc"], "approve_answer").id,
        directory["ldsotc"],
        {"approval_decision": "approve"},
    )
    sent = answer_of(system, "SO_TC")
    assert (sent.content, sent.answered_by) == ("Bản đã bổ sung", "ldsotc")
    assert [f["name"] for f in sent.attachments] == ["so-lieu.pdf"]  # kept from the returned round


def test_a_unit_not_named_can_neither_see_nor_answer_it(system, directory, clock):
    clock.move_to(ASKED)
    ask(system, directory["cv"], requested_for="chairman", units=["SO_TC"])
    task = the_task(system, directory["sotc"], "answer")
    assert inbox(system, directory["soxd"]) == [] and inbox(system, directory["xabx"]) == []
    with pytest.raises(PermissionDeniedError):
        complete_task(system, task.id, directory["soxd"], {"content": "Không phải của tôi."})
    with system.db.reading() as session:
        report_id = session.scalar(select(AdHocReport.id))
        with pytest.raises(PermissionDeniedError):
            records.get_or_raise(session, user=directory["soxd"], report_id=report_id)
        assert records.list_(session, user=directory["soxd"], limit=50, offset=0) == []
        assert records.count_(session, user=directory["sotc"]) == 1
    assert answer_of(system, "SO_TC").answered_at is None


@pytest.mark.postgres
def test_the_secret_kind_keeps_no_content_and_refuses_secret_marks(system, directory, clock):
    clock.move_to(ASKED)
    secret = {"report_kind": "secret", "subject": None, "requirements": None, "reference": "15/UBND-TH"}
    with pytest.raises(ValidationError) as refused:
        ask(system, directory["ct"], **{**secret, "subject": "Tình hình an ninh biên giới"})
    assert "subject" in refused.value.fields
    for marked in (
        {"reference": "15/UBND-TH (Mật)"},
        {"report_kind": "request", "subject": "Kế hoạch TỐI MẬT"},
    ):
        with pytest.raises(SecretDocumentRefused) as refused:
            ask(system, directory["ct"], **{**secret, **marked})
        assert set(refused.value.fields) <= {"reference", "subject"} and "Đ5.2" in str(refused.value.fields)
    nothing_stored(system)

    instance_id = ask(system, directory["ct"], **secret)
    confirm = the_task(system, directory["sotc"], "confirm_secret_sent")
    assert confirm.subject == "Báo cáo theo chế độ mật theo văn bản số 15/UBND-TH"
    assert inbox(system, directory["sotc"], "answer") == []
    clock.move_to(local(date(2026, 4, 24), 9))
    with pytest.raises(ValidationError):  # a date still to come is no date sent
        complete_task(system, confirm.id, directory["sotc"], {"sent_on": "2026-04-27"})
    complete_task(system, confirm.id, directory["sotc"], {"sent_on": "2026-04-24"})
    due = working_days_after(system, ASKED.date(), 5)
    sweep(system, clock, end_of(due) + timedelta(seconds=1))
    receipt = the_task(system, directory["cv"], "confirm_receipt")
    assert "Sở Tài chính: đã gửi văn bản ngày 24/04/2026" in receipt.instructions
    assert "Đơn vị chưa xác nhận đã gửi" in receipt.instructions and "Sở Xây dựng" in receipt.instructions
    complete_task(system, receipt.id, directory["cv"], {"received": True})
    assert status(system, instance_id) == "completed"

    with system.db.reading() as session:
        report = session.scalars(select(AdHocReport)).one()
        answers = list(session.scalars(select(AdHocAnswer)))
        data = instances.current_data(
            session=session, engine=system.engine, instance=session.get(ProcessInstance, instance_id)
        )
        [done] = notifications.for_user(session=session, user=directory["ct"])
    for row in (report, *answers):
        texts = {c.name: getattr(row, c.name) for c in row.__table__.columns if isinstance(c.type, Text)}
        assert set(texts.values()) == {None}, texts
    assert (report.template, [a.attachments for a in answers]) == ([], [[], []])
    assert {a.unit_code: a.sent_on for a in answers} == {"SO_TC": date(2026, 4, 24), "SO_XD": None}
    assert report.status == "received" and report.reference == "15/UBND-TH"
    for name in (
        "subject",
        "requirements",
        "content",
        "difficulties",
        "proposals",
        "consolidation",
        "template",
    ):
        assert data.get(name) in (None, []), name
    assert "subject" not in data["request"] and "requirements" not in data["request"]
    assert done.message == (
        "Báo cáo theo chế độ mật theo văn bản số 15/UBND-TH: Văn phòng UBND tỉnh đã nhận báo cáo bằng văn "
        "bản của 1/2 đơn vị."
    )


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"due_date": "2026-04-22"}, "due_date"),  # yesterday
        ({"due_date": "2026-04-23"}, "due_date"),  # today
        ({"due_date": "2026-04-25"}, "due_date"),  # a Saturday
        ({"due_date": "2026-04-30"}, "due_date"),  # Ngày Giải phóng miền Nam
        ({"units": ["SO_TC", "SO_KHONG_CO"]}, "units"),
        ({"subject": "  "}, "subject"),
        ({"report_kind": "task"}, "assignment_id"),
        ({"requested_for": None}, "requested_for"),  # a VP specialist says on whose behalf
    ],
    ids=[
        "yesterday",
        "today",
        "saturday",
        "holiday",
        "unknown_unit",
        "no_subject",
        "task_without_it",
        "behalf",
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(system, directory, clock, form, field):
    clock.move_to(ASKED)
    with pytest.raises(ValidationError) as refused:
        ask(system, directory["cv"], **form)
    assert field in refused.value.fields
    nothing_stored(system)


def test_only_the_chairman_and_vp_start_it_and_the_api_refuses_a_day_off_with_422(
    system, directory, clock, client, auth_headers
):
    clock.move_to(ASKED)
    for user in ("sotc", "ldsotc", "monitor"):
        with pytest.raises(PermissionDeniedError):
            ask(system, directory[user])
    url = "/api/v1/process-definitions/key/ad_hoc_report/start"
    form = {"report_kind": "request", "subject": SUBJECT, "requirements": REQUIREMENTS, "units": ["SO_TC"]}
    refused = client.post(url, json={**form, "due_date": "2026-05-01"}, headers=auth_headers("ct"))
    assert refused.status_code == 422
    assert refused.get_json()["details"]["fields"] == {"due_date": "ngày 01/05/2026 không phải ngày làm việc"}
    nothing_stored(system)
    started = client.post(url, json={**form, "due_date": "2026-04-28"}, headers=auth_headers("ct"))
    assert started.status_code == 201, started.get_json()
