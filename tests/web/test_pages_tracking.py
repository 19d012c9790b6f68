"""The staff pages over the tracking services: Nhiệm vụ (lists, one assignment and its history),
Báo cáo, thống kê (Biểu tổng hợp, Phụ lục chi tiết, Xuất Excel) and Khởi tạo (start forms)."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine import history
from engine.assignments.models import (
    Assignment,
    AssignmentReturn,
    AssignmentUnit,
    DeadlineAdjustment,
    StatusUpdate,
    Urging,
)
from engine.assignments.service import RELATED
from engine.definitions import service as definitions
from engine.documents import service as document_service
from engine.history import ChangeRecord
from engine.instances.models import ProcessInstance
from engine.web.pages import assignments as assignment_pages
from engine.web.pages import filters
from tests.factories import add_assignment, add_document
from tests.web.test_pages import DOCUMENT, csrf, form_config, html, login

NOW = datetime(2025, 6, 30, 3, 0, tzinfo=UTC)  # Monday 30/06/2025, 10:00 local
CONTENT = {
    "late": "Rà soát quy hoạch sử dụng đất (quá hạn)",
    "no_deadline": "Theo dõi công tác xây dựng (không thời hạn)",
    "soon": "Báo cáo đầu tư công (sắp đến hạn)",
    "done": "Tổng hợp dự toán (đã hoàn thành)",
}


def at(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


@pytest.fixture
def client(app, directory):
    return app.test_client()


@pytest.fixture
def tracked(system, directory, clock):
    """As of 30/06/2025: SO_TC leads a task overdue (SO_NV coordinates), one due soon (returned, SO_XD
    coordinates) and one done on time; SO_XD leads one without deadline. Returns {key: id}."""
    clock.move_to(NOW)
    specs = {
        # key: (lead, coordinating, due, completed on, confirmed at, stage)
        "late": ("SO_TC", "SO_NV", date(2025, 6, 27), None, None, "accepted"),
        "no_deadline": ("SO_XD", None, None, None, None, "awaiting_acceptance"),
        "soon": ("SO_TC", "SO_XD", date(2025, 7, 2), None, None, "returned"),
        "done": ("SO_TC", None, date(2025, 5, 5), date(2025, 5, 5), at(date(2025, 5, 6)), "confirmed"),
    }
    ids = {}
    with history.acting_as("cv"), system.db.transaction() as session:
        document = add_document(
            session,
            number="20/KH-UBND",
            title="Kế hoạch cải cách hành chính năm 2025",
            signer="Chủ tịch UBND tỉnh",
        )
        for seq, (key, (lead, coordinating, due, completed_on, confirmed_at, stage)) in enumerate(
            specs.items(), start=1
        ):
            ids[key] = add_assignment(
                session,
                document,
                seq=seq,
                lead=lead,
                content=CONTENT[key],
                due=due,
                coordinating=(coordinating,) if coordinating else (),
                deadline_kind="completion" if due else None,
                progress="done" if completed_on else "not_started",
                stage=stage,
                completed_on=completed_on,
                confirmed_at=confirmed_at,
            ).id
        ids["document"] = document.id
        session.add_all(
            [
                DeadlineAdjustment(
                    assignment_id=ids["late"],
                    old_due_date=date(2025, 6, 13),
                    old_effective_due_date=date(2025, 6, 13),
                    new_due_date=date(2025, 6, 27),
                    new_effective_due_date=date(2025, 6, 27),
                    basis="Ý kiến chỉ đạo của Chủ tịch UBND tỉnh",
                    decided_by="ct",
                    decided_at=at(date(2025, 6, 10)),
                ),
                Urging(
                    kind="urging_letter",
                    assignment_id=ids["late"],
                    unit_code="SO_TC",
                    number="88/VP-TH",
                    content="Đề nghị Sở Tài chính khẩn trương hoàn thành",
                    issued_by="cv",
                    issued_at=at(date(2025, 6, 30), 2),
                ),
            ]
        )
    with history.acting_as("sotc"), system.db.transaction() as session:
        session.get(Assignment, ids["late"]).progress = "in_progress"
        session.add_all(
            [
                StatusUpdate(
                    assignment_id=ids["late"],
                    unit_code="SO_TC",
                    role="lead",
                    progress="in_progress",
                    situation="Đã hoàn thành dự thảo, đang lấy ý kiến",
                    difficulties="Thiếu số liệu của cấp xã",
                    attachments=[{"name": "du-thao.pdf", "size": 1200}],
                    reported_by="sotc",
                    reported_at=NOW,
                ),
                AssignmentReturn(
                    assignment_id=ids["soon"],
                    unit_code="SO_TC",
                    reason_kind="not_our_mandate",
                    reason="Nội dung thuộc lĩnh vực của Sở Kế hoạch",
                    returned_by="sotc",
                    returned_at=NOW,
                ),
            ]
        )
    return ids


def text_of(page: str) -> str:
    """What a reader sees: tags dropped, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def contents(page: str) -> set[str]:
    """Which of the fixture's assignments a page lists."""
    return {key for key, text in CONTENT.items() if text in page}


# ---- Nhiệm vụ --------------------------------------------------------------------------------------


def test_the_new_pages_need_a_login_and_are_in_the_menu(client, tracked):
    for path in ["/assignments", f"/assignments/{tracked['late']}", "/reports", "/start", "/start/x"]:
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), path
    login(client, "sotc")
    page = html(client.get("/"))
    for entry in ["Nhiệm vụ</a>", "Khởi tạo</a>", "Báo cáo, thống kê</a>"]:
        assert entry in page, entry
    assert 'class="active">Nhiệm vụ</a>' in html(client.get("/assignments"))


def test_a_unit_lists_only_the_assignments_it_leads_or_coordinates(client, tracked):
    login(client, "sotc")
    page = html(client.get("/assignments"))
    assert contents(page) == {"late", "soon", "done"}
    assert "Chủ trì</a>" in page and "Phối hợp</a>" in page
    assert "Theo dõi</a>" not in page  # the VP specialist's list
    assert 'name="unit"' not in page  # the lead-unit filter is for VP
    assert contents(html(client.get("/assignments?unit=SO_XD"))) == {"late", "soon", "done"}  # ignored

    login(client, "soxd")
    assert contents(html(client.get("/assignments"))) == {"no_deadline", "soon"}
    assert contents(html(client.get("/assignments?tab=lead"))) == {"no_deadline"}
    assert contents(html(client.get("/assignments?tab=coordinating"))) == {"soon"}


def test_vp_lists_everything_with_tabs_filters_and_the_table_columns(client, tracked):
    login(client, "cv")
    page = html(client.get("/assignments"))
    assert contents(page) == set(CONTENT)
    for text in ["Số, ký hiệu văn bản", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"]:
        assert re.search(rf"<th[^>]*>(<a [^>]*>)?{re.escape(text)}<", page), text  # some sort the list
    assert "20/KH-UBND" in page and "27/06/2025" in page and "Sở Nội vụ" in page
    assert '<span class="badge badge-danger">Chưa hoàn thành quá hạn</span>' in page
    assert '<span class="badge badge-warn">Sắp đến hạn</span>' in page
    assert "Chờ tiếp nhận" in page and "Chờ xác nhận hoàn thành" not in page  # stage labels
    assert "Theo dõi</a>" in page and 'name="unit"' in page

    assert contents(html(client.get("/assignments?bucket=open_late"))) == {"late"}
    assert contents(html(client.get("/assignments?bucket=due_soon"))) == {"soon"}
    assert contents(html(client.get("/assignments?bucket=no_deadline"))) == {"no_deadline"}
    assert contents(html(client.get("/assignments?unit=SO_XD"))) == {"no_deadline"}
    assert contents(html(client.get("/assignments?tab=awaiting"))) == {"no_deadline"}
    assert contents(html(client.get("/assignments?tab=returned"))) == {"soon"}
    assert contents(html(client.get("/assignments?tab=tracking"))) == set(CONTENT)  # cv tracks them all
    assert contents(html(client.get("/assignments?bucket=everything"))) == set(CONTENT)  # unknown: no filter


def test_another_units_assignment_is_forbidden(client, tracked):
    login(client, "sotc")
    response = client.get(f"/assignments/{tracked['no_deadline']}")
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập nội dung này." in html(response)
    assert CONTENT["no_deadline"] not in html(response)
    assert client.get("/assignments/999999").status_code == 404
    login(client, "soxd")
    assert client.get(f"/assignments/{tracked['soon']}").status_code == 200  # it coordinates this one


def test_the_assignment_page_shows_fields_a_to_h_related_rows_and_the_history(system, client, tracked):
    login(client, "cv")
    page = html(client.get(f"/assignments/{tracked['late']}"))
    assert f'href="/documents/{tracked["document"]}"' in page
    for text in [
        "Kế hoạch cải cách hành chính năm 2025",  # a) trích yếu
        "Sở Tài chính",
        "Sở Nội vụ",  # c) lead and coordinating
        "Phòng Tổng hợp",
        "Nguyễn Thị Theo Dõi",  # d) the tracking specialist by name
        "27/06/2025",  # e)
        "Hạn hoàn thành",
        '<span class="badge badge-danger">Chưa hoàn thành quá hạn</span>',
        "Đã hoàn thành dự thảo, đang lấy ý kiến",  # g) the lead unit's last update
        "Thiếu số liệu của cấp xã",  # h)
        "du-thao.pdf",
        "88/VP-TH",  # Đôn đốc
        "Đề nghị Sở Tài chính khẩn trương hoàn thành",
        "Ý kiến chỉ đạo của Chủ tịch UBND tỉnh",  # Điều chỉnh thời hạn
        "13/06/2025",
        "Lịch sử xử lý",
    ]:
        assert text in page, text

    history_table = text_of(page[page.index("Lịch sử xử lý") :])
    assert "Cập nhật: Nhiệm vụ" in history_table and "Thêm mới: Tình hình thực hiện" in history_table
    assert "Tiến độ: Chưa thực hiện → Đang thực hiện" in history_table  # old → new, in words
    assert "Tệp đính kèm: du-thao.pdf" in history_table
    assert "Đỗ Tài Chính" in history_table  # the actor, by name
    assert "30/06/2025 10:00" in history_table  # when, in local time
    assert "progress" not in history_table and "assignment_id" not in history_table

    returned = html(client.get(f"/assignments/{tracked['soon']}"))
    assert (
        "Không thuộc chức năng, nhiệm vụ" in returned
        and "Nội dung thuộc lĩnh vực của Sở Kế hoạch" in returned
    )
    assert "Chờ Văn phòng xử lý" in returned and "Bị trả lại" in returned

    login(client, "sotc")
    page = html(client.get(f"/assignments/{tracked['late']}"))
    assert "Đã hoàn thành dự thảo" in page
    assert "/documents/" not in page  # units do not open the document pages


def test_the_assignment_page_links_its_instance_and_only_the_open_tasks_the_user_may_see(
    system, client, tracked
):
    with system.db.transaction() as session:
        # Any running instance with a VP user task will do: the intake of a newly registered document.
        document = document_service.register_document(
            session=session, engine=system.engine, payload=DOCUMENT, actor="cv"
        )
        session.get(Assignment, tracked["late"]).instance_id = document.intake_instance_id
        instance_id = document.intake_instance_id
    login(client, "cv")
    page = html(client.get(f"/assignments/{tracked['late']}"))
    assert f'href="/instances/{instance_id}"' in page
    assert "Việc cần làm đang mở" in page and "Phân loại nhiệm vụ, chuyển theo dõi" in page
    login(client, "sotc")
    page = html(client.get(f"/assignments/{tracked['late']}"))
    assert "/instances/" not in page
    assert "Phân loại nhiệm vụ" not in page  # the VP's user task is not the unit's


def test_every_history_field_has_a_vietnamese_label():
    tables = [Assignment, AssignmentUnit, *RELATED]
    for model in tables:
        assert model.__tablename__ in assignment_pages.ENTITIES
        for column in model.__table__.columns:
            if column.info.get("derived"):  # search_text: never in the history (engine.history)
                continue
            labelled = column.key in assignment_pages.FIELDS or column.key in assignment_pages.HIDDEN_FIELDS
            assert labelled, f"{model.__tablename__}.{column.key}"


def test_an_update_that_only_links_rows_is_left_out_of_the_history(app):
    at = datetime(2025, 6, 30, 3, 0, tzinfo=UTC)
    record = {"entity": "assignments", "entity_id": "1", "action": "update", "at": at}
    linked = ChangeRecord(**record, actor=None, changes={"instance_id": [None, 4]})
    moved = ChangeRecord(**record, actor="cv", changes={"lead_unit_code": ["SO_XD", "SO_TC"]})
    with app.app_context():
        rows = assignment_pages._history_rows(
            [linked, moved], {"SO_TC": "Sở Tài chính"}, {"cv": "Chuyên viên"}
        )
    assert [(r["actor"], [i["new"] for i in r["items"]]) for r in rows] == [("Chuyên viên", ["Sở Tài chính"])]


# ---- Báo cáo, thống kê -----------------------------------------------------------------------------


def report_rows(page: str) -> dict[str, list[str]]:
    """The table's rows as {first text cell: the figures}, the totals row under "Tổng cộng"."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) == 17:  # STT, name, 10 counts, 4 rates, Ghi chú
            rows[cells[1]] = cells[2:16]
    return rows


def test_the_summary_table_with_its_totals_and_links(client, tracked):
    login(client, "ldvp")
    page = html(client.get("/reports?as_of=2025-06-30"))
    for text in [
        "Biểu tổng hợp",
        "Thời gian chốt số liệu",
        "Kỳ báo cáo từ ngày",
        "Tỷ lệ (%)",
        "Tỷ lệ hoàn thành đúng hạn",
        "Cách tính",
        "Ghi chú",
    ]:
        assert text in page, text
    # total | done: total, on time, late | open: total, in time, late | of which: not started, no deadline,
    # due soon | rates: completion, on time, overdue, on time of all
    assert report_rows(page) == {
        "Sở Tài chính": ["3", "1", "1", "0", "2", "1", "1", "1", "0", "1", "50", "100", "50", "33,33"],
        "Sở Xây dựng": ["1", "0", "0", "0", "1", "1", "0", "1", "1", "0", "—", "—", "—", "0"],
        "Tổng cộng": ["4", "1", "1", "0", "3", "2", "1", "2", "1", "1", "50", "100", "50", "25"],
    }
    assert 'href="/reports/units/SO_TC?as_of=2025-06-30"' in page
    assert 'href="/reports/buckets.xlsx?as_of=2025-06-30"' in page and "Xuất Excel" in page
    default = html(client.get("/reports"))  # default: today, shown dd/mm/yyyy (date-input.js sends ISO)
    assert re.search(r'name="as_of"[^>]* value="30/06/2025"', default)

    before = report_rows(html(client.get("/reports?as_of=2025-06-27")))
    assert before["Sở Tài chính"][5:7] == ["2", "0"]  # R9: not yet overdue on its last day
    assert "Tỷ lệ hoàn thành: số nhiệm vụ đã hoàn thành ÷ số nhiệm vụ đã đến hạn" in page
    assert client.get("/reports?as_of=30/06/2025").status_code == 200  # typed dd/mm/yyyy without script
    assert client.get("/reports?as_of=31/06/2025").status_code == 422


def test_a_unit_sees_its_own_row_and_detail_only(client, tracked):
    login(client, "sotc")
    rows = report_rows(html(client.get("/reports?as_of=2025-06-30")))
    assert list(rows) == ["Sở Tài chính", "Tổng cộng"] and rows["Tổng cộng"][0] == "3"
    assert client.get("/reports/units/SO_XD?as_of=2025-06-30").status_code == 403

    detail = html(client.get("/reports/units/SO_TC?as_of=2025-06-30"))
    assert "Phụ lục chi tiết: Sở Tài chính" in detail
    assert contents(detail) == {"late", "soon", "done"}
    assert "Đã hoàn thành dự thảo, đang lấy ý kiến" in detail and "Sở Xây dựng" in detail  # coordinating
    assert f'href="/assignments/{tracked["late"]}"' in detail
    login(client, "ldvp")
    assert client.get("/reports/units/KHONG_CO").status_code == 404


def test_the_excel_download_is_the_apis_workbook_for_the_logged_in_user(client, auth_headers, tracked):
    login(client, "sotc")
    response = client.get("/reports/buckets.xlsx?as_of=2025-06-30")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == 'attachment; filename="bieu-tong-hop-2025-06-30.xlsx"'
    sheet = load_workbook(io.BytesIO(response.data))["Biểu tổng hợp"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[5][0] == "Tình hình thực hiện nhiệm vụ đến ngày 30/06/2025"
    assert values[7][:3] == ["STT", "Cơ quan, đơn vị", "Tổng số nhiệm vụ"]
    assert [row[:3] for row in values[9:11]] == [[1, "Sở Tài chính", 3], [None, "Tổng cộng", 3]]  # own row

    api = client.get("/api/v1/reports/buckets.xlsx?as_of=2025-06-30", headers=auth_headers("sotc"))
    api_sheet = load_workbook(io.BytesIO(api.data))["Biểu tổng hợp"]
    assert [[c.value for c in row] for row in api_sheet.iter_rows()] == values
    login(client, "ldvp")
    book = load_workbook(io.BytesIO(client.get("/reports/buckets.xlsx?as_of=2025-06-30").data))
    # total | done: total, on time, late | open: total, in time, late | of which: not started, no deadline,
    # due soon | rates: completion, on time, overdue, on time of all | Ghi chú
    totals = [None, "Tổng cộng", 4, 1, 1, 0, 3, 2, 1, 2, 1, 1, 50, 100, 50, 25, None]
    assert [c.value for c in book["Biểu tổng hợp"][12]] == totals


# ---- Khởi tạo ------------------------------------------------------------------------------------

ASK_VP = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="ask_vp" name="Hỏi Văn phòng" isExecutable="true">
    <bpmn:startEvent id="asked">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="start.schema.json" />
          <spiffworkflow:property name="candidateStarterGroups" value="unit_staff, vp_specialist" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:scriptTask id="note" name="Ghi nhận"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>asked_by = starter["username"] + ": " + question</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="asked" targetRef="note" />
    <bpmn:sequenceFlow id="f2" sourceRef="note" targetRef="done" />
  </bpmn:process>
</bpmn:definitions>
"""
START_FORM = {
    "type": "object",
    "title": "Câu hỏi cho Văn phòng",
    "description": "Hỏi Văn phòng UBND tỉnh về việc theo dõi nhiệm vụ",
    "additionalProperties": False,
    "required": ["question"],
    "properties": {"question": {"type": "string", "minLength": 1, "title": "Câu hỏi"}},
}


@pytest.fixture
def ask_vp(system, directory):
    with system.db.transaction() as session:
        definitions.deploy(
            session=session,
            settings=system.settings,
            data=ASK_VP.encode(),
            filename="ask_vp.bpmn",
            actor="analyst",
            forms={"start.schema.json": json.dumps(START_FORM).encode()},
        )


def instances_of(system, process_id: str) -> list[ProcessInstance]:
    with system.db.reading() as session:
        query = select(ProcessInstance).where(ProcessInstance.process_id == process_id)
        return list(session.scalars(query.order_by(ProcessInstance.id)))


def start(client, data, token: str | None = None):
    headers = {"X-CSRF-Token": token if token is not None else csrf(client)}
    return client.post("/start/ask_vp", json=data, headers=headers)


def test_the_start_list_and_form_are_for_the_starter_groups_only(client, ask_vp):
    login(client, "sotc")
    page = html(client.get("/start"))
    assert 'href="/start/ask_vp"' in page and "Hỏi Văn phòng" in page
    assert "Cán bộ đầu mối của đơn vị" in page  # who may start it, by role name
    config = form_config(html(client.get("/start/ask_vp")))
    assert config["schema"] == START_FORM and config["data"] == {} and config["readonly"] is False
    assert config["submitUrl"] == "/start/ask_vp" and config["submitLabel"] == "Khởi tạo"

    login(client, "monitor")
    assert "ask_vp" not in html(client.get("/start"))
    assert client.get("/start/ask_vp").status_code == 403
    assert start(client, {"question": "?"}).status_code == 403
    assert client.get("/start/khong_co").status_code == 404


def test_a_start_form_error_is_answered_per_field_and_nothing_starts(system, client, ask_vp):
    login(client, "sotc")
    assert start(client, {"question": "?"}, token="").status_code == 400  # no CSRF token
    response = start(client, {"extra": 1})
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "Dữ liệu khởi tạo quy trình không hợp lệ"
    assert body["details"]["fields"] == {
        "question": "bắt buộc nhập",
        "extra": "trường không có trong biểu mẫu",
    }
    assert instances_of(system, "ask_vp") == []


def test_a_started_instance_and_where_the_user_lands(system, client, ask_vp):
    login(client, "sotc")
    response = start(client, {"question": "Hạn báo cáo quý?"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["redirect"] == "/tasks"  # units may not open instance pages
    assert "Đã khởi tạo quy trình: Hỏi Văn phòng" in html(client.get("/tasks"))
    [instance] = instances_of(system, "ask_vp")
    assert instance.status == "completed" and instance.started_by == "sotc"
    assert instance.data["asked_by"] == "sotc: Hạn báo cáo quý?"

    login(client, "cv")
    response = start(client, {"question": "Còn nhiệm vụ nào quá hạn?"})
    _, newest = instances_of(system, "ask_vp")
    assert response.get_json()["redirect"] == f"/instances/{newest.id}"  # VP staff may watch instances
    assert newest.started_by == "cv"


# ---- the pure parts ----------------------------------------------------------------------------------


def test_percentages_badges_and_history_values():
    assert filters.vn_decimal(98.62) == "98,62" and filters.vn_decimal(100.0) == "100"
    assert filters.vn_decimal(1234.5) == "1.234,5" and filters.vn_decimal(0.0) == "0"
    assert (
        filters.bucket_badge("open_late") == '<span class="badge badge-danger">Chưa hoàn thành quá hạn</span>'
    )
    assert "badge-warn" in filters.bucket_badge("open_in_time", True)
    assert "badge-warn" not in filters.bucket_badge("open_in_time")
    assert filters.bucket_badge("<x>") == '<span class="badge ">&lt;x&gt;</span>'  # escaped
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    assert filters.change_value("2025-06-27", hanoi) == "27/06/2025"
    assert filters.change_value("2025-06-30T03:00:00+00:00", hanoi) == "30/06/2025 10:00"
    assert filters.change_value(None, hanoi) == "—" and filters.change_value(False, hanoi) == "Không"
    assert filters.change_value([{"name": "a.pdf"}, {"name": "b.xlsx"}], hanoi) == "a.pdf; b.xlsx"
