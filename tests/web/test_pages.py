"""The staff pages: session login, CSRF, the inbox, the task page and its JSON completion, permissions."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from engine import clock as clock_module
from engine.assignments.models import Assignment
from engine.auth import service as auth
from engine.directory.models import Unit
from engine.documents import service as document_service
from engine.documents.models import Document
from engine.instances.models import ProcessInstance
from engine.usertasks.models import UserTaskRow
from engine.web.pages.common import user_widget_roles
from tests.conftest import PASSWORD

DOCUMENT = {
    "number": "15/CT-UBND",
    "doc_type": "Chỉ thị",
    "title": "Về tăng cường kỷ luật, kỷ cương hành chính",
    "issued_on": "2025-01-24",
    "signer": "Chủ tịch UBND tỉnh",
    "tasks": [{"content": "Rà soát thủ tục hành chính", "lead_unit": "SO_TC"}],
}


@pytest.fixture
def client(app, directory):
    """A browser on the app, with processes deployed and the test directory of units and users."""
    return app.test_client()


def csrf(client) -> str:
    with client.session_transaction() as session:
        return session["csrf"]


def login(client, username: str, password: str = PASSWORD, next_url: str | None = None):
    client.get("/login")
    form = {"username": username, "password": password, "csrf_token": csrf(client)}
    if next_url:
        form["next"] = next_url
    return client.post("/login", data=form)


def register(system, payload: dict | None = None) -> int:
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=payload or DOCUMENT, actor="cv"
        )
        return document.id


def classify_task_id(system) -> str:
    with system.db.reading() as session:
        return session.scalar(select(UserTaskRow.id).where(UserTaskRow.bpmn_id == "classify"))


def html(response) -> str:
    return response.get_data(as_text=True)


def form_config(page: str) -> dict:
    """The form's configuration, embedded as JSON in a script tag for form.js."""
    found = re.search(r'<script type="application/json" id="form-config">(.*?)</script>', page, re.S)
    return json.loads(found[1])


def complete(client, task_id: str, data, *, token: str | None = None):
    headers = {"X-CSRF-Token": token if token is not None else csrf(client)}
    return client.post(f"/tasks/{task_id}/complete", json=data, headers=headers)


SUBJECT = "15/CT-UBND: Về tăng cường kỷ luật, kỷ cương hành chính"  # the classify task's subject

VALID_CLASSIFICATION = {
    "submitting_agency": None,
    "tracking_room": "Phòng Tổng hợp",
    "tracking_specialist": "cv",
    "tasks": [
        {
            "content": "Rà soát thủ tục hành chính",
            "lead_unit": "SO_TC",
            "coordinating_units": ["SO_XD"],
            "has_deadline": True,
            "due_date": "2025-03-31",
            "deadline_kind": "completion",
            "must_report": True,
        }
    ],
}


def test_every_page_needs_a_login(client):
    for path in ["/", "/tasks", "/tasks/x", "/documents", "/instances", "/calendar?year=2025&month=2"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next=")
    location = client.get("/calendar?year=2025&month=2").headers["Location"]
    assert "next=/calendar?year%3D2025%26month%3D2" in location


def test_wrong_password_is_refused_in_vietnamese(client):
    response = login(client, "cv", "sai-mat-khau")
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in html(response)
    assert client.get("/").status_code == 302
    assert login(client, "khongco", "sai-mat-khau").status_code == 401


def test_login_page_is_vietnamese_and_needs_csrf(client):
    page = html(client.get("/login"))
    assert '<html lang="vi">' in page
    assert "Tên đăng nhập" in page and "Mật khẩu" in page
    response = client.post("/login", data={"username": "cv", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_login_goes_back_to_next_only_when_local(client):
    response = login(client, "cv", next_url="/tasks?assigned=me")
    assert response.status_code == 302 and response.headers["Location"] == "/tasks?assigned=me"
    client.post("/logout", data={"csrf_token": csrf(client)})
    response = login(client, "cv", next_url="//evil.example/")
    assert response.headers["Location"] == "/"


def test_layout_menu_and_logout(client):
    login(client, "cv")
    page = html(client.get("/"))
    for text in [
        "Hệ thống theo dõi nhiệm vụ — UBND tỉnh Lào Cai",
        "Nguyễn Thị Theo Dõi",
        "Chuyên viên theo dõi (Văn phòng UBND tỉnh)",
        "Tổng quan",
        "Việc cần làm",
        "Văn bản chỉ đạo",
        "Lịch làm việc",
        "Đăng xuất",
    ]:
        assert text in page, text
    assert ">Giám sát quy trình<" not in page  # the menu shows it to monitors, analysts and admins
    refused = client.post("/logout")  # no CSRF token
    assert refused.status_code == 400 and "Phiên làm việc không hợp lệ" in html(refused)
    response = client.post("/logout", data={"csrf_token": csrf(client)})
    assert response.status_code == 302
    assert client.get("/tasks").status_code == 302


def test_inbox_shows_the_classify_task_with_its_due_date(system, client):
    register(system)
    login(client, "cv")
    page = html(client.get("/tasks"))
    assert "Việc cần làm" in page
    assert "Phân loại nhiệm vụ, chuyển theo dõi" in page
    assert "Tiếp nhận, phân loại văn bản chỉ đạo và chuyển theo dõi" in page  # the process name
    # T1 for a document issued Friday 24/01/2025 is Wednesday 05/02/2025 (DOMAIN.md §6, worked example)
    assert "05/02/2025" in page
    assert "Quá hạn</span>" not in page
    assert "Chưa ai nhận" in page and "Nhận xử lý" in page
    assert re.search(r"<th[^>]*>(<a [^>]*>)?Nội dung<", page) and SUBJECT in page  # a sortable column

    home = html(client.get("/"))
    assert "Việc cần làm của tôi" in home and "Văn bản chờ phân loại" in home
    assert SUBJECT in home

    clock_module.current().move_to(clock_module.now().replace(month=2, day=6, hour=3))
    login(client, "cv")  # two weeks later the session has long ended (THEODOI_SESSION_IDLE_MINUTES)
    assert "Quá hạn</span>" in html(client.get("/tasks"))


def test_unit_user_does_not_see_the_vp_task(system, client):
    register(system)
    task_id = classify_task_id(system)
    login(client, "sotc")
    assert "Phân loại nhiệm vụ" not in html(client.get("/tasks"))
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in html(response)
    assert client.get("/documents").status_code == 403
    assert client.get("/instances").status_code == 403
    assert complete(client, task_id, VALID_CLASSIFICATION).status_code == 403


def test_task_page_embeds_the_form_and_escapes_instructions(system, client):
    payload = {**DOCUMENT, "title": "Về việc <script>alert(1)</script> & kỷ cương"}
    register(system, payload)
    task_id = classify_task_id(system)
    login(client, "cv")
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 200
    page = html(response)
    assert 'id="form-root"' in page and "form.js" in page
    config = form_config(page)
    assert config["schema"]["title"] == "Phân loại nhiệm vụ, chuyển theo dõi"
    assert config["ui"]["ui:order"][0] == "submitting_agency"
    assert set(config["data"]) <= set(config["schema"]["properties"])  # only keys the form has
    assert config["submitUrl"] == f"/tasks/{task_id}/complete" and config["readonly"] is False
    assert "<strong>15/CT-UBND</strong>" in page  # **bold** of the instructions
    assert '<p class="task-subject">15/CT-UBND: Về việc &lt;script&gt;' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; kỷ cương" in page
    assert "<script>alert(1)" not in page
    assert "05/02/2025" in page


def test_task_page_embeds_the_unit_directory_for_the_unit_pickers(system, client):
    with system.db.transaction() as session:
        session.add(Unit(code="H_CU", name="UBND huyện cũ", unit_type="Huyện", active_to=date(2024, 12, 31)))
    register(system)
    login(client, "cv")
    config = form_config(html(client.get(f"/tasks/{classify_task_id(system)}")))
    assert {"code": "SO_TC", "name": "Sở Tài chính", "unit_type": "Sở, ban, ngành"} in config["units"]
    assert "H_CU" not in {u["code"] for u in config["units"]}  # closed before today
    task_ui = config["ui"]["tasks"]["items"]
    assert task_ui["lead_unit"]["ui:widget"] == "unit"
    assert task_ui["coordinating_units"]["ui:widget"] == "units"
    assert task_ui["coordinating_units"]["ui:options"]["exclude"] == "lead_unit"  # not lead and coordinating
    assert config["data"]["tasks"][0]["lead_unit"] == "SO_TC"  # prefilled from the draft, a code


def test_task_page_embeds_only_the_vp_specialists_for_the_user_picker(system, client):
    with system.db.transaction() as session:
        for username, roles, active in [
            ("cv.cu", ["vp_specialist"], False),
            ("cv.quantri", ["vp_specialist", "admin"], True),
        ]:
            user = auth.create_user(
                session=session,
                username=username,
                password=PASSWORD,
                full_name=f"Chuyên viên {username}",
                roles=roles,
                unit_code="VP_UBND",
                now=clock_module.now(),
            )
            user.active = active
    register(system)
    login(client, "cv")
    page = html(client.get(f"/tasks/{classify_task_id(system)}"))
    config = form_config(page)
    specialist_ui = config["ui"]["tracking_specialist"]
    assert specialist_ui["ui:widget"] == "user"
    assert specialist_ui["ui:options"] == {"role": "vp_specialist"}
    # active VP specialists only, and of each only the username, the full name and the roles asked for
    assert sorted(config["users"], key=lambda u: u["username"]) == [
        {"username": "cv", "full_name": "Nguyễn Thị Theo Dõi", "roles": ["vp_specialist"]},
        {"username": "cv.quantri", "full_name": "Chuyên viên cv.quantri", "roles": ["vp_specialist"]},
    ]
    assert "sotc" not in page and "Đỗ Tài Chính" not in page  # the unit user
    assert "cv.cu" not in page  # the inactive specialist
    assert "password" not in page and "$argon2" not in page


def test_user_widget_roles_are_read_from_the_whole_ui_schema():
    ui = {
        "tracking_specialist": {"ui:widget": "user", "ui:options": {"role": "vp_specialist"}},
        "tasks": {"items": {"leader": {"ui:widget": "user", "ui:options": {"role": "unit_leader"}}}},
        "note": {"ui:widget": "textarea", "ui:options": {"role": "admin"}},  # not a user widget
        "reviewer": {"ui:widget": "user"},  # no role: no directory, a plain input
    }
    assert user_widget_roles(ui) == {"vp_specialist", "unit_leader"}
    assert user_widget_roles({}) == set()


def test_complete_validates_then_completes_once(system, client):
    register(system)
    task_id = classify_task_id(system)
    login(client, "cv")

    bad_task = {**VALID_CLASSIFICATION["tasks"][0], "due_date": "31/03/2025"}
    bad = {**VALID_CLASSIFICATION, "tracking_room": "", "tasks": [bad_task]}
    response = complete(client, task_id, bad)
    assert response.status_code == 422
    fields = response.get_json()["details"]["fields"]
    assert "tracking_room" in fields and "tasks/0/due_date" in fields

    response = complete(client, task_id, VALID_CLASSIFICATION)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["redirect"] == "/tasks"
    assert "Đã hoàn thành: Phân loại nhiệm vụ, chuyển theo dõi" in html(client.get("/tasks"))
    with system.db.reading() as session:
        assert session.scalar(select(Assignment.lead_unit_code)) == "SO_TC"

    response = complete(client, task_id, VALID_CLASSIFICATION)
    assert response.status_code == 409
    assert response.get_json()["error"] == "user_task_not_ready"
    page = html(client.get(f"/tasks/{task_id}"))
    assert "Công việc này đã được xử lý" in page
    assert '"readonly": true' in page


def test_complete_needs_the_csrf_token(system, client):
    register(system)
    task_id = classify_task_id(system)
    login(client, "cv")
    refused = complete(client, task_id, VALID_CLASSIFICATION, token="")
    assert refused.status_code == 400 and "Phiên làm việc không hợp lệ" in refused.get_json()["message"]
    assert complete(client, task_id, VALID_CLASSIFICATION, token="not-the-token").status_code == 400
    assert classify_task_id(system) is not None
    with system.db.reading() as session:
        assert session.get(UserTaskRow, task_id).state == "ready"


def test_complete_without_a_session_is_401_json(system, client):
    register(system)
    response = client.post(f"/tasks/{classify_task_id(system)}/complete", json={})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthenticated"


def test_claim_and_unclaim(system, client):
    register(system)
    task_id = classify_task_id(system)
    login(client, "cv")
    form = {"csrf_token": csrf(client), "next": "/tasks?assigned=me"}
    response = client.post(f"/tasks/{task_id}/claim", data=form)
    assert response.status_code == 302 and response.headers["Location"] == "/tasks?assigned=me"
    page = html(client.get("/tasks?assigned=me"))
    assert "Đã nhận xử lý: Phân loại nhiệm vụ" in page and "Nguyễn Thị Theo Dõi" in page
    assert "Bỏ nhận xử lý" in page and "Trả lại" not in page  # "Trả lại" read as "return to VP"
    assert "Phân loại nhiệm vụ" not in html(client.get("/tasks?assigned=unassigned"))
    client.post(f"/tasks/{task_id}/unclaim", data={"csrf_token": csrf(client)})
    page = html(client.get("/tasks?assigned=unassigned"))
    assert "Phân loại nhiệm vụ, chuyển theo dõi" in page
    assert (
        "Đã bỏ nhận xử lý: Phân loại nhiệm vụ, chuyển theo dõi; công việc trở lại danh sách chung của nhóm"
        in page
    )
    assert client.post(f"/tasks/{task_id}/claim").status_code == 400


def test_documents_list_detail_and_new(system, client):
    document_id = register(system)
    login(client, "cv")
    page = html(client.get("/documents"))
    assert "15/CT-UBND" in page and "24/01/2025" in page and "Chờ phân loại" in page
    page = html(client.get(f"/documents/{document_id}"))
    labels = [
        "Số, ký hiệu",
        "Ngày ban hành",
        "Trích yếu",
        "Người ký",
        "Cơ quan trình",
        "Nội dung nhiệm vụ",
        "Đơn vị chủ trì",
        "Sở Tài chính",
    ]
    for label in labels:
        assert label in page, label

    page = html(client.get("/documents/new"))
    config = form_config(page)
    assert {"code": "SO_TC", "name": "Sở Tài chính", "unit_type": "Sở, ban, ngành"} in config["units"]
    assert config["ui"]["tasks"]["items"]["lead_unit"] == {"ui:widget": "unit"}
    assert config["ui"]["tasks"]["items"]["coordinating_units"] == {
        "ui:widget": "units",
        "ui:options": {"exclude": "lead_unit"},
    }
    secrecy = [(c["const"], c["title"]) for c in config["schema"]["properties"]["secrecy"]["oneOf"]]
    assert secrecy == [
        ("normal", "Thường"),
        ("confidential", "Mật"),
        ("secret", "Tối mật"),
        ("top_secret", "Tuyệt mật"),
    ]

    new = {**DOCUMENT, "number": "20/KH-UBND", "doc_type": "Kế hoạch", "secrecy": "normal"}
    response = client.post("/documents/new", json=new, headers={"X-CSRF-Token": csrf(client)})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["redirect"].startswith("/documents/")
    assert "Đã tiếp nhận văn bản số 20/KH-UBND" in html(client.get(response.get_json()["redirect"]))


def test_a_secret_document_is_refused_and_nothing_is_stored(system, client):
    login(client, "cv")
    secret = {**DOCUMENT, "number": "01/MẬT", "secrecy": "Tối mật"}
    response = client.post("/documents/new", json=secret, headers={"X-CSRF-Token": csrf(client)})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "secret_document_refused" and "Điều 5 khoản 2" in body["message"]
    assert "secrecy" in body["details"]["fields"]
    with system.db.reading() as session:
        assert session.scalar(select(Document.id)) is None


def test_only_vp_staff_register_documents(client):
    login(client, "monitor")
    assert client.get("/documents/new").status_code == 403
    assert client.get("/documents").status_code == 200


def test_instances_list_and_detail(system, client):
    document_id = register(system)
    with system.db.reading() as session:
        instance_id = session.get(Document, document_id).intake_instance_id
    login(client, "monitor")
    page = html(client.get("/instances?status=running"))
    assert ">Giám sát quy trình<" in page and f"#{instance_id}" in page and "Đang chạy" in page
    assert f"#{instance_id}" not in html(client.get("/instances?status=error"))
    page = html(client.get(f"/instances/{instance_id}"))
    for text in [
        "Lịch sử xử lý",
        "Bắt đầu",
        "Tạo công việc",
        "Phân loại nhiệm vụ, chuyển theo dõi",
        "Quá hạn phân loại (T1)",
        "06/02/2025 00:00",
        "Dữ liệu hiện tại",
        "15/CT-UBND",
    ]:
        assert text in page, text
    assert "Chạy lại</button>" not in page  # only for an instance in error
    assert f'src="/instances/{instance_id}/diagram.svg"' in page
    diagram = client.get(f"/instances/{instance_id}/diagram.svg")
    assert diagram.mimetype == "image/svg+xml" and b'data-element-id="classify"' in diagram.data
    retried = client.post(f"/instances/{instance_id}/retry", data={"csrf_token": csrf(client)})
    assert retried.status_code == 302
    assert "Không thực hiện được" in html(client.get(f"/instances/{instance_id}"))


def test_an_instance_in_error_can_be_retried_by_a_monitor(system, client):
    document_id = register(system)
    with system.db.transaction() as session:
        instance = session.get(ProcessInstance, session.get(Document, document_id).intake_instance_id)
        instance.status, instance.error = "error", {"message": "division by zero", "element_name": "Tính T1"}
        instance_id = instance.id

    login(client, "cv")  # VP staff watch instances, read-only
    assert "Chạy lại</button>" not in html(client.get(f"/instances/{instance_id}"))
    refused = client.post(f"/instances/{instance_id}/retry", data={"csrf_token": csrf(client)})
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": csrf(client)})

    login(client, "monitor")
    home = html(client.get("/"))
    assert re.search(r'<span class="value">1</span>\s*<span class="label">Quy trình lỗi</span>', home)
    assert f"#{instance_id}" in html(client.get("/instances?status=error"))
    page = html(client.get(f"/instances/{instance_id}"))
    assert "Chạy lại</button>" in page and "division by zero" in page and "Tính T1" in page
    client.post(f"/instances/{instance_id}/retry", data={"csrf_token": csrf(client)})
    page = html(client.get(f"/instances/{instance_id}"))
    assert "Đã chạy lại quy trình" in page and "Chạy lại</button>" not in page
    assert '<td data-label="Sự kiện">Chạy lại</td>' in page
    assert '<td data-label="Người thực hiện">Phạm Giám Sát</td>' in page  # a name, not a username


def test_calendar_marks_tet_and_make_up_days(client):
    login(client, "sotc")
    page = html(client.get("/calendar?year=2025&month=1"))
    assert "Lịch làm việc tháng 1 năm 2025" in page
    assert "Tết Nguyên Đán" in page and "Tết Dương lịch" in page
    page = html(client.get("/calendar?year=2025&month=4"))
    assert "Làm bù" in page  # Saturday 26/04/2025, a make-up working day (migration 0002)
    assert client.get("/calendar?year=2025&month=13").status_code == 422


def test_unknown_task_is_a_vietnamese_404_page(client):
    login(client, "cv")
    response = client.get("/tasks/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy" in html(response)


def test_an_unknown_address_is_a_vietnamese_page_or_the_api_error_shape(client):
    page = client.get("/khong-co-trang-nay")
    assert page.status_code == 404 and "Không tìm thấy trang yêu cầu." in page.get_data(as_text=True)
    api = client.get("/api/v1/khong-co")
    assert api.status_code == 404 and api.get_json()["error"] == "not_found"
