"""Báo cáo đột xuất in the pages and the API: the list and one request, VP and the leadership seeing every
answer and a unit only its own; the template the units asked download; a written report on one task (Đ5.1)
asked from the assignment page and shown there; bad dates refused with 422."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engine.notifications.models import Notification
from engine.reports.models import AdHocReport
from tests.conftest import complete_task
from tests.engine.files import samples
from tests.engine.files.helpers import upload
from tests.factories import add_assignment, add_document
from tests.processes.test_ad_hoc_report import (
    ASKED,
    REQUIREMENTS,
    SUBJECT,
    ask,
    local,
    the_task,
    upload_for_start,
    working_days_after,
)
from tests.web.test_start_form_files import sign_in

pytestmark = pytest.mark.usefixtures("clock_at_asked")


@pytest.fixture
def clock_at_asked(clock):
    clock.move_to(ASKED)


def answered(system, directory, clock, units=("SO_TC", "XA_BX")) -> int:
    """A request of the Chairman to `units` with a template; Sở Tài chính has answered with a file."""
    template = upload_for_start(system, directory["ct"], "mau-bao-cao.pdf")
    ask(system, directory["ct"], units=list(units), template=[template])
    task = the_task(system, directory["sotc"], "answer")
    stored = upload(system, directory["sotc"], samples.pdf(), "bao-cao-so-tc.pdf", task_id=task.id)
    clock.move_to(local(date(2026, 4, 24), 10))
    data = {"content": "Sở đã tạm cấp 5 tỷ đồng.", "attachments": [{"file_id": stored.id}]}
    complete_task(system, task.id, directory["sotc"], data)
    with system.db.reading() as session:
        return session.scalar(select(AdHocReport.id))


def text_of(response) -> str:
    """The page's text without tags, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_the_list_and_the_page_show_vp_everything_and_a_unit_its_own_answer(system, directory, clock, client):
    report_id = answered(system, directory, clock)
    sign_in(client, "cv")
    listed = text_of(client.get("/bao-cao/dot-xuat"))
    assert f"Báo cáo đột xuất: {SUBJECT}" in listed
    assert "Báo cáo đột xuất theo yêu cầu" in listed and "Đinh Chủ Tịch (Chủ tịch UBND tỉnh)" in listed
    due = working_days_after(system, ASKED.date(), 5)
    assert f"{due:%d/%m/%Y}" in listed and "1/2 đơn vị" in listed and "Đang chờ các đơn vị báo cáo" in listed
    page = text_of(client.get(f"/bao-cao/dot-xuat/{report_id}"))
    assert "Sở đã tạm cấp 5 tỷ đồng." in page and "bao-cao-so-tc.pdf" in page and "Đỗ Tài Chính" in page
    assert "UBND xã Bát Xát Chờ báo cáo" in page and "Văn phòng chưa tổng hợp" in page
    assert REQUIREMENTS in page and "mau-bao-cao.pdf" in page

    sign_in(client, "xabx")  # asked, not answered yet: sees the request and its own row only
    page = text_of(client.get(f"/bao-cao/dot-xuat/{report_id}"))
    assert "mau-bao-cao.pdf" in page and "Sở đã tạm cấp" not in page and "Sở Tài chính" not in page
    assert "Báo cáo đột xuất" in page and "Tổng hợp của Văn phòng" not in page

    sign_in(client, "soxd")  # not asked: sees neither the request nor its row in the list
    assert client.get(f"/bao-cao/dot-xuat/{report_id}").status_code == 403
    assert "Chưa có yêu cầu báo cáo đột xuất nào bạn được xem" in text_of(client.get("/bao-cao/dot-xuat"))


def test_the_template_is_downloaded_by_the_units_asked_and_nobody_else(system, directory, clock, client):
    report_id = answered(system, directory, clock)
    with system.db.reading() as session:
        [template] = session.scalar(select(AdHocReport.template))
    url = f"/bao-cao/dot-xuat/{report_id}/mau/{template['file_id']}"
    for user, status in (("xabx", 200), ("ct", 200), ("soxd", 403)):
        sign_in(client, user)
        got = client.get(url)
        assert got.status_code == status, user
    sign_in(client, "xabx")
    assert client.get(url).data == samples.pdf()
    assert client.get(f"/bao-cao/dot-xuat/{report_id}/mau/999").status_code == 404


@pytest.mark.postgres
def test_the_api_gives_the_same_scope_with_its_operations_documented(
    system, directory, clock, client, auth_headers
):
    report_id = answered(system, directory, clock)
    everything = client.get("/api/v1/ad-hoc-reports", headers=auth_headers("cv")).get_json()
    assert everything["total"] == 1
    [row] = everything["items"]
    assert (row["id"], row["answered"], row["units"], row["status"]) == (report_id, 1, 2, "requested")
    detail = client.get(f"/api/v1/ad-hoc-reports/{report_id}", headers=auth_headers("cv")).get_json()
    assert [a["unit_code"] for a in detail["answers"]] == ["SO_TC", "XA_BX"]
    assert (detail["answers"][0]["answered_by"], detail["answers"][1]["answered_by"]) == (
        "Đỗ Tài Chính",
        None,
    )
    own = client.get(f"/api/v1/ad-hoc-reports/{report_id}", headers=auth_headers("xabx")).get_json()
    assert [a["unit_code"] for a in own["answers"]] == ["XA_BX"] and own["consolidation"] is None
    assert client.get("/api/v1/ad-hoc-reports", headers=auth_headers("soxd")).get_json()["total"] == 0
    assert client.get(f"/api/v1/ad-hoc-reports/{report_id}", headers=auth_headers("soxd")).status_code == 403
    assert client.get("/api/v1/ad-hoc-reports/404", headers=auth_headers("cv")).status_code == 404
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/ad-hoc-reports"]["get"]["tags"] == ["reports"]
    assert "/api/v1/ad-hoc-reports/{report_id}" in paths


@pytest.fixture
def assignment_id(system, directory) -> int:
    """An assignment led by Sở Tài chính with Sở Xây dựng coordinating."""
    with system.db.transaction() as session:
        document = add_document(session, number="07/KH-UBND", issued_on=date(2026, 1, 5))
        return add_assignment(
            session,
            document,
            seq=2,
            lead="SO_TC",
            coordinating=("SO_XD",),
            content="Cải tạo trụ sở liên cơ quan",
            due=date(2026, 6, 30),
        ).id


def test_a_written_report_on_a_task_is_asked_from_its_page_and_shown_there(
    system, directory, clock, client, assignment_id
):
    headers = sign_in(client, "sotc")
    assert "Yêu cầu báo cáo bằng văn bản" not in text_of(client.get(f"/assignments/{assignment_id}"))
    assert client.get(f"/bao-cao/dot-xuat/yeu-cau?assignment_id={assignment_id}").status_code == 403

    headers = sign_in(client, "ct")
    page = client.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert f'href="/bao-cao/dot-xuat/yeu-cau?assignment_id={assignment_id}"' in page
    form = client.get(f"/bao-cao/dot-xuat/yeu-cau?assignment_id={assignment_id}").get_data(as_text=True)
    preset = f'"data": {{"report_kind": "task", "assignment_id": {assignment_id}, "units": ["SO_TC"]}}'
    assert preset in form.replace("\\u0022", '"')
    due = working_days_after(system, ASKED.date(), 3).isoformat()
    asked = {
        "report_kind": "task",
        "assignment_id": assignment_id,
        "subject": "Tiến độ cải tạo trụ sở",
        "requirements": "Báo cáo bằng văn bản khối lượng đã thực hiện.",
        "due_date": due,
    }
    outside = client.post(
        "/start/ad_hoc_report", json={**asked, "units": ["SO_TC", "XA_BX"]}, headers=headers
    )
    assert outside.status_code == 422
    assert outside.get_json()["details"]["fields"] == {"units": "không được giao nhiệm vụ này: XA_BX"}
    only_helper = client.post("/start/ad_hoc_report", json={**asked, "units": ["SO_XD"]}, headers=headers)
    assert only_helper.get_json()["details"]["fields"] == {"units": "phải gồm đơn vị chủ trì nhiệm vụ"}
    started = client.post(
        "/start/ad_hoc_report", json={**asked, "units": ["SO_TC", "SO_XD"]}, headers=headers
    )
    assert started.status_code == 200, started.get_json()

    task = the_task(system, directory["sotc"], "answer")
    assert "nhiệm vụ 2 của văn bản số 07/KH-UBND: Cải tạo trụ sở liên cơ quan" in task.instructions
    complete_task(system, task.id, directory["sotc"], {"content": "Đã hoàn thành 60% khối lượng."})

    sign_in(client, "cv")
    page = text_of(client.get(f"/assignments/{assignment_id}"))
    assert "Báo cáo bằng văn bản về nhiệm vụ" in page and "Đã hoàn thành 60% khối lượng." in page
    # Lịch sử xử lý: the request and the answer, by their names.
    assert "Thêm mới: Yêu cầu báo cáo bằng văn bản" in page and "Báo cáo bằng văn bản về một nhiệm vụ" in page
    assert "Cập nhật: Báo cáo bằng văn bản của đơn vị" in page and "Đỗ Tài Chính" in page
    sign_in(client, "soxd")  # the coordinating unit, asked too, sees its own row, not the lead's answer
    page = text_of(client.get(f"/assignments/{assignment_id}"))
    assert "Báo cáo bằng văn bản về nhiệm vụ" in page and "Sở Xây dựng Chờ báo cáo" in page


@pytest.mark.parametrize(
    ("due", "message"),
    [
        ("2026-04-20", "hạn báo cáo phải từ ngày mai trở đi"),
        ("2026-04-26", "ngày 26/04/2026 không phải ngày làm việc"),
        ("26/04/2026", None),  # not an ISO date: the form's schema refuses it
    ],
    ids=["past", "sunday", "not_a_date"],
)
def test_a_due_date_in_the_past_or_on_a_day_off_is_a_422_and_nothing_starts(
    system, directory, client, due, message
):
    headers = sign_in(client, "cv")
    form = {
        "report_kind": "request",
        "requested_for": "chairman",
        "subject": SUBJECT,
        "requirements": REQUIREMENTS,
        "units": ["SO_TC"],
        "due_date": due,
    }
    refused = client.post("/start/ad_hoc_report", json=form, headers=headers)
    assert refused.status_code == 422
    fields = refused.get_json()["details"]["fields"]
    assert "due_date" in fields and (message is None or fields["due_date"] == message)
    with system.db.reading() as session:
        assert session.scalar(select(AdHocReport.id)) is None


def test_the_requesters_notice_leads_to_the_page_and_the_menus_lead_to_it(system, directory, clock, client):
    report_id = answered(system, directory, clock, units=("SO_TC",))
    complete_task(
        system, the_task(system, directory["cv"], "consolidate").id, directory["cv"], {"consolidation": "Đủ."}
    )
    with system.db.reading() as session:
        notice_id = session.scalar(select(Notification.id).where(Notification.kind == "ad_hoc_report_done"))
    sign_in(client, "ct")
    opened = client.get(f"/thong-bao/{notice_id}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/bao-cao/dot-xuat/{report_id}")
    page = text_of(client.get(f"/bao-cao/dot-xuat/{report_id}"))
    assert "Văn phòng đã tổng hợp" in page and "Đủ." in page and "Nguyễn Thị Theo Dõi" in page
    assert 'href="/bao-cao/dot-xuat"' in client.get("/reports").get_data(as_text=True)
    assert "Yêu cầu báo cáo đột xuất" in text_of(client.get("/start"))
    sign_in(client, "sotc")
    assert "Yêu cầu báo cáo đột xuất" not in text_of(client.get("/start"))
    assert "Yêu cầu báo cáo đột xuất" not in text_of(client.get("/bao-cao/dot-xuat"))


def test_the_user_tasks_show_the_request_its_template_and_for_vp_every_answer(
    system, directory, clock, client
):
    report_id = answered(system, directory, clock)
    task = the_task(system, directory["xabx"], "answer")
    sign_in(client, "xabx")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Yêu cầu báo cáo" in page and f"/bao-cao/dot-xuat/{report_id}/mau/" in page
    assert "Sở đã tạm cấp" not in page
    clock.move_to(datetime(2026, 4, 24, 4, 0, tzinfo=UTC))
    complete_task(system, task.id, directory["xabx"], {"content": "Xã đã khắc phục xong."})
    consolidate = the_task(system, directory["cv"], "consolidate")
    sign_in(client, "cv")
    page = client.get(f"/tasks/{consolidate.id}").get_data(as_text=True)
    assert "Sở đã tạm cấp 5 tỷ đồng." in page and "Xã đã khắc phục xong." in page
    assert re.search(r'href="/tep-dinh-kem/\d+"[^>]*>bao-cao-so-tc.pdf', page)


def test_a_secret_mark_in_the_request_is_refused_with_422_citing_the_regulation(system, directory, client):
    headers = sign_in(client, "ldvp")
    form = {
        "report_kind": "request",
        "requirements": REQUIREMENTS,
        "units": ["SO_TC"],
        "due_date": "2026-04-28",
    }
    refused = client.post(
        "/start/ad_hoc_report", json={**form, "subject": "Kế hoạch (Mật) năm 2026"}, headers=headers
    )
    assert refused.status_code == 422
    body = refused.get_json()
    assert "Điều 5 khoản 2" in body["message"] and "Đ5.2" in body["details"]["fields"]["subject"]
    with system.db.reading() as session:
        assert session.scalar(select(AdHocReport.id)) is None
