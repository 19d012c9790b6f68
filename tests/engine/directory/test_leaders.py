"""Who gives tasks (Đ1.1) and the lĩnh vực (Đ9.2.a): the administrators' lists through the service and the
API (create, sectors overseen, deactivate, history), and the refusals of unknown or retired codes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import history
from engine.directory import leaders
from engine.directory.models import Leader, LeaderSector, Sector
from engine.errors import NotFoundError, ValidationError
from engine.history import ChangeRecord


def _counts(system) -> tuple[int, int, int, int]:
    with system.db.reading() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(m))
            for m in (Leader, Sector, LeaderSector, ChangeRecord)
        )


def test_sectors_are_added_renamed_and_deactivated_never_deleted(system, directory):
    with system.db.transaction() as session:
        leaders.create_sector(session=session, code="KT", name="  Kinh tế   tổng hợp ", actor="admin")
        leaders.create_sector(session=session, code="YT", name="Y tế", actor="admin")
    with system.db.transaction() as session:
        leaders.update_sector(session=session, code="KT", values={"name": "Kinh tế"}, actor="admin")
        leaders.update_sector(session=session, code="YT", values={"active": False}, actor="admin")
    with system.db.reading() as session:
        assert [s.name for s in leaders.sectors(session=session)] == ["Kinh tế", "Y tế"]
        assert [c.label for c in leaders.sector_choices(session=session)] == ["Kinh tế"]
        changes = history.of(session, "sectors", "KT")
        assert [c.action for c in changes] == ["insert", "update"]
        assert changes[1].changes["name"] == ["Kinh tế tổng hợp", "Kinh tế"] and changes[1].actor == "admin"
        assert leaders.sector_problem(session, "YT") == "lĩnh vực “Y tế” đã ngừng sử dụng"
        assert "không có lĩnh vực mã 'XX'" in leaders.sector_problem(session, "XX")
        assert leaders.sector_problem(session, None, required=True) == "Chọn lĩnh vực của nhiệm vụ"
    before = _counts(system)
    for code, name, field in (("KT", "Khác", "code"), ("NEW", "Kinh tế", "name"), ("có dấu", "X", "code")):
        with pytest.raises(ValidationError) as refused, system.db.transaction() as session:
            leaders.create_sector(session=session, code=code, name=name, actor="admin")
        assert field in refused.value.fields
    assert _counts(system) == before


def test_a_vice_chairman_with_sectors_and_his_account(system, directory):
    with system.db.transaction() as session:
        leaders.create_sector(session=session, code="KT", name="Kinh tế", actor="admin")
        leaders.create_sector(session=session, code="YT", name="Y tế", actor="admin")
        leaders.create_leader(session=session, values={"code": "TT", "kind": "collective"}, actor="admin")
        leaders.create_leader(
            session=session,
            values={
                "code": "PCT1",
                "kind": "vice_chairman",
                "person_name": "Hoàng Quốc Khánh",
                "sectors": ["KT"],
            },
            actor="admin",
        )
        leaders.create_leader(
            session=session,
            values={"code": "CT", "kind": "chairman", "person_name": "Đinh Chủ Tịch", "username": "ct"},
            actor="admin",
        )
    with system.db.transaction() as session:
        leaders.update_leader(session=session, code="PCT1", values={"sectors": ["YT"]}, actor="admin")
    with system.db.reading() as session:
        assert [c.label for c in leaders.leader_choices(session=session)] == [
            "UBND tỉnh (tập thể)",
            "Chủ tịch UBND tỉnh Đinh Chủ Tịch",
            "Phó Chủ tịch UBND tỉnh Hoàng Quốc Khánh",
        ]
        assert leaders.sectors_of(session=session) == {"PCT1": ["YT"]}
        about = select(ChangeRecord.action).where(ChangeRecord.entity == "leader_sectors")
        actions = list(session.scalars(about))
        assert sorted(actions) == ["delete", "insert", "insert"]  # KT given, then KT taken and YT given


def test_deactivating_a_leader_keeps_him_on_old_rows_and_refuses_him_on_new_ones(system, directory):
    with system.db.transaction() as session:
        leaders.create_leader(
            session=session,
            values={"code": "PCT2", "kind": "vice_chairman", "person_name": "Trịnh Xuân Trường"},
            actor="admin",
        )
    with system.db.transaction() as session:
        leaders.update_leader(session=session, code="PCT2", values={"active": False}, actor="admin")
    with system.db.reading() as session:
        assert leaders.leader_choices(session=session) == []
        assert leaders.leader_names(session=session) == {"PCT2": "Phó Chủ tịch UBND tỉnh Trịnh Xuân Trường"}
        assert "không còn trong danh sách" in leaders.leader_problem(session, "PCT2")
        assert leaders.leader_problem(session, None, required=True) is None  # no active leader: none required


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"code": "X1", "kind": "king"}, "kind"),
        ({"code": "X1", "kind": "vice_chairman"}, "person_name"),
        ({"code": "X1", "kind": "chairman", "person_name": "A", "username": "nobody"}, "username"),
        ({"code": "X1", "kind": "vice_chairman", "person_name": "A", "sectors": ["NONE"]}, "sectors/0"),
        ({"code": "X1", "kind": "collective", "sectors": ["KT"]}, "sectors"),
        ({"code": "mã sai", "kind": "collective"}, "code"),
    ],
)
def test_invalid_leaders_are_refused_and_nothing_is_written(system, directory, values, field):
    with system.db.transaction() as session:
        leaders.create_sector(session=session, code="KT", name="Kinh tế", actor="admin")
    before = _counts(system)
    with pytest.raises(ValidationError) as refused, system.db.transaction() as session:
        leaders.create_leader(session=session, values=values, actor="admin")
    assert field in refused.value.fields
    assert _counts(system) == before
    with pytest.raises(NotFoundError), system.db.transaction() as session:
        leaders.update_leader(session=session, code="NOBODY", values={"active": False}, actor="admin")


# ---- the API --------------------------------------------------------------------------------------------


def test_the_api_lets_admins_write_and_everyone_read(client, auth_headers):
    admin, cv = auth_headers("admin"), auth_headers("cv")
    made = client.post(
        "/api/v1/sectors", json={"code": "NNMT", "name": "Nông nghiệp và môi trường"}, headers=admin
    )
    assert made.status_code == 201 and made.get_json()["active"] is True
    assert client.post("/api/v1/sectors", json={"code": "B", "name": "B"}, headers=cv).status_code == 403
    body = {"code": "PCT3", "kind": "vice_chairman", "person_name": "Nguyễn Trọng Hài", "sectors": ["NNMT"]}
    created = client.post("/api/v1/leaders", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["label"] == "Phó Chủ tịch UBND tỉnh Nguyễn Trọng Hài"
    assert client.post("/api/v1/leaders", json={**body, "code": "PCT4"}, headers=cv).status_code == 403

    listed = client.get("/api/v1/leaders", headers=cv).get_json()["items"]
    assert [(x["code"], x["sectors"]) for x in listed] == [("PCT3", ["NNMT"])]
    changed = client.put("/api/v1/leaders/PCT3", json={"active": False, "sectors": []}, headers=admin)
    assert changed.status_code == 200 and changed.get_json()["active"] is False
    assert client.get("/api/v1/leaders?active=true", headers=cv).get_json()["items"] == []
    retired = client.put("/api/v1/sectors/NNMT", json={"active": False}, headers=admin)
    assert retired.get_json() == {"code": "NNMT", "name": "Nông nghiệp và môi trường", "active": False}
    assert [s["code"] for s in client.get("/api/v1/sectors", headers=cv).get_json()["items"]] == ["NNMT"]

    refused = client.post(
        "/api/v1/leaders", json={**body, "code": "PCT5", "sectors": ["NONE"]}, headers=admin
    )
    assert refused.status_code == 422
    assert "không có lĩnh vực mã 'NONE'" in refused.get_json()["details"]["fields"]["sectors/0"]
    assert client.put("/api/v1/sectors/NONE", json={"active": True}, headers=admin).status_code == 404
    assert client.put("/api/v1/sectors/NNMT", json={"code": "X"}, headers=admin).status_code == 422
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/leaders", "/api/v1/sectors", "/api/v1/leaders/{code}"} <= set(spec["paths"])


# ---- the page -------------------------------------------------------------------------------------------


def test_the_page_is_for_administrators_and_shows_refusals_beside_the_fields(app, system, directory):
    from tests.web.test_pages import csrf, html, login

    client = app.test_client()
    login(client, "cv")
    assert client.get("/leaders").status_code == 403
    client = app.test_client()
    login(client, "admin")
    assert "Lãnh đạo, lĩnh vực" in html(client.get("/units"))  # the menu entry beside Danh mục đơn vị
    made = client.post("/sectors", data={"code": "YT", "name": "Y tế", "csrf_token": csrf(client)})
    assert made.status_code == 302
    form = {
        "code": "PCT9",
        "kind": "vice_chairman",
        "person_name": "",
        "sectors": ["YT"],
        "csrf_token": csrf(client),
    }
    refused = client.post("/leaders", data=form)
    assert refused.status_code == 422 and "nhập họ và tên lãnh đạo" in html(refused)
    before = _counts(system)
    assert (
        client.post("/sectors", data={"code": "Y2", "name": "Y tế", "csrf_token": csrf(client)}).status_code
        == 422
    )
    assert _counts(system) == before
    added = client.post("/leaders", data={**form, "person_name": "Nguyễn Trọng Hài", "username": "ct"})
    assert added.status_code == 302
    page = html(client.get("/leaders/PCT9"))
    assert "Giao phụ trách lĩnh vực Y tế" in page and "Thêm lãnh đạo" in page
    saved = client.post(
        "/leaders/PCT9", data={**form, "person_name": "Nguyễn Trọng Hài", "csrf_token": csrf(client)}
    )
    assert saved.status_code == 302  # "active" unchecked: retired
    with system.db.reading() as session:
        row = leaders.get_leader(session=session, code="PCT9")
        assert (row.active, row.username) == (False, None)
