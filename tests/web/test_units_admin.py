"""Danh mục đơn vị through the pages, the API and the CLI: administrators only, CSRF on every form, the
directory's rules (the service tests cover them in depth) surfacing as Vietnamese messages and 4xx."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine import clock as clock_module
from engine.assignments.models import Assignment, AssignmentTransfer
from engine.cli import main
from engine.directory import units
from engine.documents import service as document_service
from engine.usertasks.models import UserTaskRow
from tests.conftest import classification, complete_task, two_task_document
from tests.web.test_pages import csrf, login


def _dispatch(system, directory) -> dict[str, int]:
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
        task_id = session.scalar(
            select(UserTaskRow.id).where(UserTaskRow.instance_id == document.intake_instance_id)
        )
    complete_task(system, task_id, directory["cv"], classification())
    with system.db.reading() as session:
        return {a.lead_unit_code: a.id for a in session.scalars(select(Assignment))}


def test_only_the_administrator_sees_and_changes_the_directory(client, directory):
    login(client, "cv")
    assert client.get("/units").status_code == 403
    refused = client.post(
        "/units", data={"csrf_token": csrf(client), "code": "X", "name": "X", "unit_type": "X"}
    )
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "admin")
    page = client.get("/units").get_data(as_text=True)
    assert "Danh mục đơn vị" in page and "Sở Tài chính" in page and "Phòng Tổng hợp" in page
    without_csrf = client.post(
        "/units", data={"code": "XA_MOI", "name": "UBND xã Mới", "unit_type": "UBND cấp xã"}
    )
    assert without_csrf.status_code == 400


def test_the_administrator_adds_a_unit_and_sees_why_a_form_is_refused(system, client, directory):
    login(client, "admin")
    form = {"csrf_token": csrf(client), "code": "XA MOI", "name": "", "unit_type": "UBND cấp xã/phường"}
    refused = client.post("/units", data=form)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert (
        "Mã đơn vị &#34;XA MOI&#34; không được có khoảng trắng" in text
        and "Tên đơn vị không được để trống" in text
    )
    form |= {"code": "XA_MOI", "name": "UBND xã Mới", "parent_code": "SO_NV"}
    added = client.post("/units", data=form)
    assert added.status_code == 302 and added.location.endswith("/units/XA_MOI")
    detail = client.get("/units/XA_MOI").get_data(as_text=True)
    assert "UBND xã Mới" in detail and "Sở Nội vụ" in detail and "Quản Trị" in detail  # history: full name


def test_ending_a_district_in_the_page_moves_its_assignments(system, client, directory):
    ids = _dispatch(system, directory)
    login(client, "admin")
    form = {"csrf_token": csrf(client), "last_day": "2025-01-24", "successor_code": "SO_XD"}
    ended = client.post("/units/SO_TC/end", data=form, follow_redirects=True)
    text = ended.get_data(as_text=True)
    assert "Đã kết thúc hoạt động của Sở Tài chính; Sở Xây dựng kế thừa 1 nhiệm vụ chủ trì" in text
    assert "Đơn vị kế thừa" in text and "Đã kết thúc" in text
    with system.db.reading() as session:
        assert session.get(Assignment, ids["SO_TC"]).lead_unit_code == "SO_XD"
        assert session.scalar(select(AssignmentTransfer.transferred_by)) == "admin"
    again = client.post("/units/SO_NV/end", data=form | {"successor_code": "SO_TC"})
    assert again.status_code == 422 and "Sở Tài chính" in again.get_data(as_text=True)


def test_the_api_adds_changes_and_ends_units_for_administrators_only(system, client, directory, auth_headers):
    ids = _dispatch(system, directory)
    body = {"code": "XA_MOI", "name": "UBND xã Mới", "unit_type": "UBND cấp xã/phường"}
    assert client.post("/api/v1/units", json=body, headers=auth_headers("cv")).status_code == 403
    admin = auth_headers("admin")
    created = client.post("/api/v1/units", json=body, headers=admin)
    assert created.status_code == 201 and created.get_json()["successor_code"] is None
    assert client.post("/api/v1/units", json=body, headers=admin).status_code == 422
    renamed = client.patch("/api/v1/units/XA_MOI", json={"name": "UBND xã Mới Lập"}, headers=admin)
    assert renamed.get_json()["name"] == "UBND xã Mới Lập"
    assert client.patch("/api/v1/units/KHONG_CO", json={"name": "X"}, headers=admin).status_code == 404
    end = {"last_day": "2025-01-24", "successor_code": "SO_NV"}
    ended = client.post("/api/v1/units/SO_XD/end", json=end, headers=admin)
    assert ended.status_code == 200
    assert ended.get_json()["transferred"] == [ids["SO_XD"]]
    assert ended.get_json()["unit"]["active_to"] == "2025-01-24"
    bad = client.post("/api/v1/units/SO_TC/end", json={**end, "last_day": "9999-12-31"}, headers=admin)
    assert bad.status_code == 422
    types = client.put(
        "/api/v1/unit-types", json={"name": "Sở, ban, ngành", "sends_reports": False}, headers=admin
    )
    assert types.get_json() == {
        "name": "Sở, ban, ngành",
        "sends_reports": False,
        "local_government": False,
        "leader_approval": False,  # the tests' directory has it off; left as it was
        "unit_count": 3,
    }
    on = {"name": "Sở, ban, ngành", "sends_reports": False, "leader_approval": True}
    assert client.put("/api/v1/unit-types", json=on, headers=auth_headers("cv")).status_code == 403
    assert client.put("/api/v1/unit-types", json=on, headers=admin).get_json()["leader_approval"] is True
    bad = client.put("/api/v1/unit-types", json={**on, "leader_approval": "co"}, headers=admin)
    assert bad.status_code == 422
    local = {"name": "UBND cấp xã/phường", "sends_reports": True, "local_government": False}
    assert client.put("/api/v1/unit-types", json=local, headers=admin).get_json()["local_government"] is False
    listed = client.get("/api/v1/unit-types", headers=admin).get_json()["items"]
    assert {t["name"]: t["local_government"] for t in listed}["UBND cấp xã/phường"] is False
    approving = {t["name"]: t["leader_approval"] for t in listed}
    assert approving["Sở, ban, ngành"] is True and approving["UBND cấp xã/phường"] is False
    room = client.post("/api/v1/tracking-rooms", json={"name": "Phòng Đổi mới"}, headers=admin)
    assert room.status_code == 201
    listed = client.get("/api/v1/tracking-rooms", headers=auth_headers("cv")).get_json()["items"]
    assert {"name": "Phòng Đổi mới", "active": True} in listed


def test_the_administrator_switches_the_leaders_approval_per_unit_type(system, client, directory):
    login(client, "admin")
    page = client.get("/units").get_data(as_text=True)
    assert "Lãnh đạo phê duyệt báo cáo" in page and ">Lãnh đạo phê duyệt</button>" in page
    form = {"csrf_token": csrf(client), "unit_type": "Sở, ban, ngành", "leader_approval": "1"}
    assert client.post("/units/types/approval", data={**form, "csrf_token": ""}).status_code == 400
    switched = client.post("/units/types/approval", data=form, follow_redirects=True)
    text = switched.get_data(as_text=True)
    assert "Lãnh đạo các đơn vị loại Sở, ban, ngành phê duyệt báo cáo trước khi gửi" in text
    assert ">Không cần phê duyệt</button>" in text
    with system.db.reading() as session:
        assert units.leader_approves(session=session, unit_code="SO_TC")
        assert units.approving_types(session=session) == {"Sở, ban, ngành"}
    form = {**form, "leader_approval": "0"}
    client.post("/units/types/approval", data=form)
    with system.db.reading() as session:
        assert not units.leader_approves(session=session, unit_code="SO_TC")
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "cv")
    assert client.post("/units/types/approval", data={**form, "csrf_token": csrf(client)}).status_code == 403


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    env = {"THEODOI_DATA_DIR": str(tmp_path / "data"), "THEODOI_SECRET_KEY": "test"}

    def invoke(*args: str):
        with clock_module.frozen(datetime(2025, 1, 24, 2, 0, tzinfo=UTC)):
            return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def test_the_cli_adds_changes_lists_and_ends_units(run):
    assert run("units", "add", "SO_A", "Sở A", "--type", "Sở, ban, ngành").output == "đã thêm SO_A: Sở A\n"
    run("units", "add", "SO_B", "Sở B", "--type", "Sở, ban, ngành")
    assert run("units", "set", "SO_A", "--name", "Sở A mới").exit_code == 0
    refused = run("units", "add", "SO_A", "Sở A", "--type", "Sở, ban, ngành")
    assert refused.exit_code == 1 and "Đã có đơn vị mã SO_A" in refused.output
    ended = run("units", "end", "SO_A", "2025-01-20", "--successor", "SO_B")
    assert ended.output == "SO_A kết thúc ngày 2025-01-20; SO_B nhận không có nhiệm vụ đang thực hiện nào\n"
    listed = run("units", "list").output.splitlines()
    assert "SO_A\tSở A mới\tSở, ban, ngành\t\t..2025-01-20\tSO_B" in listed
