"""P10 pages and API: the yearly reports, the live figures as of a date, one report with its assessment,
the Excel download, and a past year's report on demand."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.conftest import complete_task
from tests.processes.test_regulation_report import (  # noqa: F401 (people: a fixture)
    APPROVE,
    ASSESSMENT,
    RETURN_REMARKS,
    local,
    people,
    seed,
    task_of,
)
from tests.web.test_pages import html, login


@pytest.fixture
def accounts(system, people):  # noqa: F811 (the fixture imported above)
    """The process's people, plus a unit's staff (who may not read the yearly reports)."""
    from engine import clock as clock_module
    from engine.auth import service as auth
    from tests.conftest import PASSWORD

    with system.db.transaction() as session:
        auth.create_user(
            session=session,
            username="sotc",
            password=PASSWORD,
            full_name="Đỗ Tài Chính",
            roles=["unit_staff"],
            unit_code="SO_TC",
            now=clock_module.now(),
        )
    return people


def test_the_2025_report_on_demand_assessed_submitted_and_read_by_the_chairman(
    system, client, accounts, clock
):
    seed_2025(system)
    clock.move_to(local(date(2026, 2, 2)))
    headers = token_of(system, "cv")
    refused = client.post("/api/v1/regulation-reports", json={"year": 2026}, headers=headers)
    assert refused.status_code == 422 and "năm đã qua" in refused.get_json()["message"]
    made = client.post("/api/v1/regulation-reports", json={"year": 2025}, headers=headers)
    assert made.status_code == 201
    assert (made.get_json()["as_of"], made.get_json()["status"]) == ("2025-12-31", "open")
    again = client.post("/api/v1/regulation-reports", json={"year": 2025}, headers=headers)
    assert again.status_code == 409
    complete_task(system, task_of(system, accounts["cv"], "assess").id, accounts["cv"], ASSESSMENT)
    complete_task(system, task_of(system, accounts["cvp"], "approve").id, accounts["cvp"], APPROVE)

    login(client, "ct")
    listing = html(client.get("/bao-cao/thuc-hien-quy-che"))
    assert "Báo cáo tình hình thực hiện Quy chế năm 2025" in listing and "Đã trình Chủ tịch" in listing
    page = html(client.get("/bao-cao/thuc-hien-quy-che/2025"))
    assert "Sở Tài chính" in page and "Tổng cộng" in page and "Tỷ lệ hoàn thành đúng hạn" in page
    assert ASSESSMENT["shortcomings"] in page and ASSESSMENT["emulation"] in page
    download = client.get("/bao-cao/thuc-hien-quy-che/2025.xlsx")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.data))
    sheet = book["Theo đơn vị"]
    assert [c.value for c in sheet[3]][:4] == [1, "Sở Tài chính", 2, 2]
    assert [c.value for c in sheet[sheet.max_row]][1] == "Tổng cộng"
    assert book["Đánh giá"]["B2"].value == ASSESSMENT["results"]


def test_a_returned_report_shows_the_chiefs_remarks(system, client, accounts, clock):
    seed_2025(system)
    clock.move_to(local(date(2026, 2, 2)))
    made = client.post("/api/v1/regulation-reports", json={"year": 2025}, headers=token_of(system, "cv"))
    assert made.status_code == 201
    complete_task(system, task_of(system, accounts["cv"], "assess").id, accounts["cv"], ASSESSMENT)
    returned = {"chief_decision": "return", "chief_remarks": RETURN_REMARKS}
    complete_task(system, task_of(system, accounts["cvp"], "approve").id, accounts["cvp"], returned)

    login(client, "cv")
    page = html(client.get("/bao-cao/thuc-hien-quy-che/2025"))
    assert "Chánh Văn phòng trả lại, chờ Văn phòng chỉnh sửa" in page
    assert "Ý kiến trả lại của Chánh Văn phòng" in page and RETURN_REMARKS in page
    listing = html(client.get("/bao-cao/thuc-hien-quy-che"))
    assert "Chánh Văn phòng trả lại, chờ Văn phòng chỉnh sửa" in listing
    api = client.get("/api/v1/regulation-reports/2025", headers=token_of(system, "cv")).get_json()
    assert (api["status"], api["approval_note"]) == ("returned", RETURN_REMARKS)


def test_the_live_figures_as_of_a_chosen_date_and_who_may_read(system, client, accounts, clock):
    seed(system)
    clock.move_to(local(date(2026, 12, 20)))
    login(client, "cv")
    page = html(client.get("/bao-cao/thuc-hien-quy-che?as_of=30/06/2026"))
    assert "tính đến hết ngày 30/06/2026 (chưa chốt)" in page
    assert "Chưa có báo cáo năm nào" in page
    assert client.get("/bao-cao/thuc-hien-quy-che/2024").status_code == 404
    login(client, "sotc")
    assert client.get("/bao-cao/thuc-hien-quy-che").status_code == 403


def seed_2025(system) -> None:
    from tests.factories import add_assignment, add_document

    with system.db.transaction() as session:
        doc = add_document(session, issued_on=date(2025, 2, 3), created_at=local(date(2025, 2, 3)))
        add_assignment(
            session, doc, seq=1, lead="SO_TC", due=date(2025, 12, 31), created_at=local(date(2025, 2, 4))
        )
        add_assignment(
            session, doc, seq=2, lead="SO_TC", due=date(2025, 6, 30), created_at=local(date(2025, 2, 4))
        )


def token_of(system, username: str) -> dict[str, str]:
    from engine import clock as clock_module
    from engine.auth import service as auth

    with system.db.transaction() as session:
        token = auth.create_token(session=session, username=username, label="test", now=clock_module.now())
    return {"Authorization": f"Bearer {token}"}
