"""Journeys of the living system in a real browser: a process monitor finds an incident a timer step
raised and runs it again; an administrator's calendar correction moves a unit's deadline, which the unit's
staff see with the "(dự kiến)" mark of an estimated year until the year's notice is entered."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from engine import operators
from engine.documents import service as document_service
from engine.instances import sweep as timer_sweep
from engine.usertasks import service as usertasks
from engine.workdays import corrections
from tests.browser.conftest import log_in
from tests.conftest import classification, complete_task, two_task_document
from tests.timer_diagram import SERVICE, deploy, start

DUE = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)


def test_a_monitor_finds_the_incident_of_a_timer_step_and_runs_it_again(
    system, directory, clock, page, monkeypatch, tmp_path
):
    def mail_server_down(ctx, **_params):
        raise ConnectionError("máy chủ thư không trả lời")

    monkeypatch.setitem(operators.OPERATORS, "send_letter", mail_server_down)
    deploy(system, "letter", SERVICE.format(operator="send_letter", parameters=""))
    clock.move_to(DUE - timedelta(days=1))
    instance_id = start(system, "letter", DUE)
    clock.move_to(DUE + timedelta(minutes=5))
    timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=clock.now())

    log_in(page, "monitor")
    incidents = page.locator("a.stat", has_text="Quy trình lỗi")
    expect(incidents.locator(".value")).to_have_text("1")
    incidents.click()
    row = page.locator("tr", has=page.get_by_role("link", name=f"#{instance_id}"))
    expect(row).to_contain_text("máy chủ thư không trả lời")
    row.get_by_role("link", name=f"#{instance_id}").click()
    error = page.locator("section.error-box")
    expect(error).to_contain_text("ConnectionError: máy chủ thư không trả lời")
    expect(error).to_contain_text("Bước: Bước có lỗi")
    expect(error).to_contain_text("Lúc 01/03/2027 08:05")
    page.screenshot(path=tmp_path / "incident.png", full_page=True)

    monkeypatch.setitem(operators.OPERATORS, "send_letter", lambda ctx, **_params: "sent")
    page.get_by_role("button", name="Chạy lại").click()
    expect(page.locator(".flash")).to_contain_text("Đã chạy lại quy trình")
    expect(page.locator("section.error-box")).to_have_count(0)
    expect(page.locator("td[data-label='Người thực hiện']", has_text="Phạm Giám Sát")).not_to_have_count(0)
    timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=clock.now() + timedelta(seconds=1))
    page.reload()
    expect(page.locator("dl")).to_contain_text("Hoàn thành")


def test_a_calendar_correction_moves_the_deadline_the_unit_sees(system, directory, clock, page, tmp_path):
    clock.move_to(datetime(2027, 1, 25, 2, 0, tzinfo=UTC))
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session,
            engine=system.engine,
            payload=two_task_document(issued_on="2027-01-22", number="27/QĐ-UBND"),
            actor="cv",
        )
    with system.db.reading() as session:
        tasks = usertasks.of_instance(session=session, instance_id=document.intake_instance_id)
    [classify] = [t for t in tasks if t.bpmn_id == "classify"]
    data = classification()
    data["tasks"][0]["due_date"] = "2027-02-11"
    complete_task(system, classify.id, directory["cv"], data)

    log_in(page, "sotc")
    page.goto("/assignments?view=lead")
    row = page.locator("tr", has_text="Xây dựng kho dữ liệu dùng chung")
    expect(row).to_contain_text("11/02/2027")
    expect(row.locator("abbr", has_text="(dự kiến)")).to_have_count(1)

    # The administrator declares 11/02/2027 a day off (Tết 2027 as announced).
    with system.db.transaction() as session:
        corrections.change_override(
            session=session,
            engine=system.engine,
            day=datetime(2027, 2, 11).date(),
            working=False,
            note="Nghỉ Tết Nguyên đán 2027 theo thông báo",
            actor="admin",
            now=clock.now(),
        )
    page.reload()
    row = page.locator("tr", has_text="Xây dựng kho dữ liệu dùng chung")
    expect(row).to_contain_text("12/02/2027")
    page.goto("/")
    expect(page.locator("body")).to_contain_text(re.compile(r"11/02/2027.*12/02/2027"))
    page.screenshot(path=tmp_path / "unit-home.png", full_page=True)

    page.get_by_role("button", name="Đăng xuất").click()
    log_in(page, "admin")
    page.goto("/calendar?year=2027&month=2")
    expect(page.locator(".year-status")).to_contain_text("Dự kiến")
    changes = page.locator("table", has_text="Thời hạn được điều chỉnh")
    expect(changes).to_contain_text("Quản Trị")
    expect(changes).to_contain_text("11/02/2027 → 12/02/2027")
    page.screenshot(path=tmp_path / "calendar.png", full_page=True)
