"""Công khai kết quả (Đ19.2) in a real browser at desktop and phone widths, for someone who never signs in:
the round the units reported, VP consolidated and VP's leadership published, all through the real periodic
report process (tests/processes/test_periodic_report.py walks the same path step by step)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from engine.definitions import scheduled
from engine.documents import service as document_service
from engine.instances import sweep as timer_sweep
from engine.usertasks import service as usertasks
from tests.conftest import classification, complete_task, two_task_document

# The Q3 2026 round opens on 01/09/2026 08:00 local; its figures cover 15/06-14/09/2026.
Q3_OPENS = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)
ROUND = "Báo cáo quý III và 9 tháng năm 2026"


def one_task(system, principal, bpmn_id: str):
    with system.db.reading() as session:
        found = [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == bpmn_id]
    return found[0]


def publish_the_q3_round(system, directory, clock) -> None:
    """Assignments given in August 2026, the round opened by its timer, every unit's report, VP's
    consolidation and its leadership's approval to publish."""
    clock.move_to(datetime(2026, 7, 10, 2, 0, tzinfo=UTC))
    with system.db.transaction() as session:
        scheduled.ensure_running(session=session, engine=system.engine)
    clock.move_to(datetime(2026, 8, 3, 2, 0, tzinfo=UTC))
    payload = two_task_document(issued_on="2026-07-31", number="88/QĐ-UBND")
    payload["tasks"][1]["due_date"] = "2026-12-31"
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=payload, actor="cv"
        )
    with system.db.reading() as session:
        [classify] = usertasks.of_instance(session=session, instance_id=document.intake_instance_id)
    data = classification()
    data["tasks"][0]["due_date"] = "2026-08-28"
    complete_task(system, classify.id, directory["cv"], data)

    opened = Q3_OPENS + timedelta(seconds=1)
    clock.move_to(opened)
    timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=opened)
    clock.move_to(datetime(2026, 9, 10, 2, 0, tzinfo=UTC))
    report = {"situation": "Đã triển khai các nhiệm vụ được giao trong kỳ"}
    for user in ("sotc", "soxd", "xabx", "admin"):  # the administrator enters Sở Nội vụ's, which has no staff
        complete_task(system, one_task(system, directory[user], "submit_report").id, directory[user], report)
    consolidate = one_task(system, directory["cv"], "consolidate")
    complete_task(system, consolidate.id, directory["cv"], {"assessment": "Các đơn vị cơ bản hoàn thành"})
    clock.move_to(datetime(2026, 9, 25, 2, 0, tzinfo=UTC))
    publish = one_task(system, directory["ldvp"], "publish")
    complete_task(system, publish.id, directory["ldvp"], {"approved": True})


def test_anyone_reads_the_published_results_without_signing_in(system, directory, clock, journey):
    publish_the_q3_round(system, directory, clock)
    page = journey.page
    page.goto("/cong-khai")  # the address the provincial portal links to
    expect(page.get_by_role("heading", level=1)).to_have_text("Công khai kết quả thực hiện nhiệm vụ")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    rounds = page.get_by_role("navigation", name="Kỳ báo cáo")
    expect(rounds.get_by_role("link", name=ROUND)).to_have_attribute("aria-current", "page")
    figures = page.locator("section", has=page.get_by_role("heading", name=ROUND))
    expect(figures).to_contain_text("công khai ngày 25/09/2026")
    so_tc = figures.locator("tr", has_text="Sở Tài chính")
    expect(so_tc.locator("td[data-label='Tổng số nhiệm vụ']")).to_have_text("1")
    expect(so_tc.locator("td[data-label='Chưa hoàn thành: Quá hạn']")).to_have_text("1")
    expect(figures.locator("tfoot")).to_contain_text("Tổng cộng")
    # Aggregates only, never a task's detail (Đ19.2).
    expect(figures).not_to_contain_text("Xây dựng kho dữ liệu dùng chung")
    journey.shot("cong-khai-ket-qua")
    rounds.get_by_role("link", name=ROUND).click()
    expect(page).to_have_url(f"{journey.base_url}/cong-khai/1")
    journey.shot("ky-bao-cao")
