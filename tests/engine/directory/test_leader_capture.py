"""Capture of who gave the task and its lĩnh vực: registration names the leader (required once the list
exists), classification gives each task a sector (required once the list exists) and a leader defaulting
to the document's; unknown or retired codes are refused beside their field and nothing is written. Then the
list API filters by both."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.assignments.models import Assignment
from engine.directory import leaders
from engine.documents.models import Document
from engine.errors import ValidationError
from engine.usertasks.models import UserTaskRow
from tests.conftest import classification, complete_task, two_task_document


@pytest.fixture
def given_by(system, directory):
    """The collective, a Vice-Chairman over Kinh tế, a retired Vice-Chairman; two sectors, one retired."""
    with system.db.transaction() as session:
        leaders.create_sector(session=session, code="KT", name="Kinh tế tổng hợp", actor="admin")
        leaders.create_sector(session=session, code="YT", name="Y tế", actor="admin")
        leaders.create_sector(session=session, code="CU", name="Lĩnh vực cũ", actor="admin")
        leaders.update_sector(session=session, code="CU", values={"active": False}, actor="admin")
        leaders.create_leader(session=session, values={"code": "TT", "kind": "collective"}, actor="admin")
        for code, name, active in (("PCT1", "Hoàng Quốc Khánh", True), ("PCT0", "Người Đã Nghỉ", False)):
            leaders.create_leader(
                session=session,
                values={"code": code, "kind": "vice_chairman", "person_name": name, "active": active},
                actor="admin",
            )
    return directory


def _count(system, model) -> int:
    with system.db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_registration_records_the_leader_and_refuses_a_wrong_one(client, auth_headers, system, given_by):
    cv = auth_headers("cv")
    for code, problem in (
        (None, "Chọn lãnh đạo giao nhiệm vụ"),
        ("NOBODY", "không có lãnh đạo mã 'NOBODY' trong danh mục"),
        ("PCT0", "Phó Chủ tịch UBND tỉnh Người Đã Nghỉ không còn trong danh sách lãnh đạo giao nhiệm vụ"),
    ):
        body = two_task_document() | ({"leader_code": code} if code else {})
        refused = client.post("/api/v1/documents", json=body, headers=cv)
        assert refused.status_code == 422, code
        assert refused.get_json()["details"]["fields"] == {"leader_code": problem}
    assert _count(system, Document) == 0
    made = client.post("/api/v1/documents", json=two_task_document(leader_code="PCT1"), headers=cv)
    assert made.status_code == 201 and made.get_json()["leader_code"] == "PCT1"
    with system.db.reading() as session:
        assert session.scalars(select(Document.leader_code)).one() == "PCT1"


def _classify(system, user, data):
    with system.db.reading() as session:
        task_id = session.scalar(select(UserTaskRow.id).where(UserTaskRow.bpmn_id == "classify"))
    complete_task(system, task_id, user, data)
    return task_id


def test_classification_gives_sectors_and_leaders_and_refuses_wrong_codes(system, given_by):
    cv = given_by["cv"]
    from engine.documents import service as document_service

    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(leader_code="TT"), actor="cv"
        )
    bad = classification()
    bad["tasks"][0] |= {"sector_code": "CU", "leader_code": "PCT0"}
    bad["tasks"][1] |= {"leader_code": "NOBODY"}  # and no sector
    with pytest.raises(ValidationError) as refused:
        _classify(system, cv, bad)
    assert refused.value.fields == {
        "tasks/0/sector_code": "lĩnh vực “Lĩnh vực cũ” đã ngừng sử dụng",
        "tasks/0/leader_code": (
            "Phó Chủ tịch UBND tỉnh Người Đã Nghỉ không còn trong danh sách lãnh đạo giao nhiệm vụ"
        ),
        "tasks/1/sector_code": "Chọn lĩnh vực của nhiệm vụ",
        "tasks/1/leader_code": "không có lãnh đạo mã 'NOBODY' trong danh mục",
    }
    assert _count(system, Assignment) == 0
    with system.db.reading() as session:
        row = session.scalars(select(UserTaskRow).where(UserTaskRow.bpmn_id == "classify")).one()
        assert row.state == "ready"

    good = classification()
    good["tasks"][0] |= {"sector_code": "KT", "leader_code": "PCT1"}
    good["tasks"][1] |= {"sector_code": "YT"}  # its leader: the document's
    _classify(system, cv, good)
    with system.db.reading() as session:
        rows = session.execute(select(Assignment.seq, Assignment.sector_code, Assignment.leader_code)).all()
        assert sorted(rows) == [(1, "KT", "PCT1"), (2, "YT", "TT")]


def test_without_lists_nothing_is_required(system, directory):
    """A system whose administrators have not set the lists up yet registers and classifies as before."""
    from engine.documents import service as document_service

    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    _classify(system, directory["cv"], classification())
    with system.db.reading() as session:
        assert set(session.execute(select(Assignment.sector_code, Assignment.leader_code)).all()) == {
            (None, None)
        }


def test_the_list_api_filters_by_leader_and_sector(client, auth_headers, system, given_by):
    from engine.documents import service as document_service

    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(leader_code="TT"), actor="cv"
        )
    data = classification()
    data["tasks"][0] |= {"sector_code": "KT", "leader_code": "PCT1"}
    data["tasks"][1] |= {"sector_code": "YT"}
    _classify(system, given_by["cv"], data)
    cv = auth_headers("cv")

    def contents(query: str) -> list[str]:
        found = client.get(f"/api/v1/assignments?{query}", headers=cv)
        assert found.status_code == 200
        return [(x["content"], x["sector_code"], x["leader_code"]) for x in found.get_json()["items"]]

    first = ("Xây dựng kho dữ liệu dùng chung", "KT", "PCT1")
    second = ("Rà soát thủ tục hành chính nội bộ", "YT", "TT")
    assert contents("sector=KT") == [first]
    assert contents("leader=TT") == [second]
    assert contents("leader=TT&sector=KT") == []
    assert sorted(contents("")) == sorted([first, second])


def test_vp_corrects_the_sector_and_the_leader_with_history(system, given_by):
    from engine import history
    from engine.assignments import corrections
    from engine.documents import service as document_service

    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(leader_code="TT"), actor="cv"
        )
    data = classification()
    data["tasks"][0] |= {"sector_code": "KT"}
    data["tasks"][1] |= {"sector_code": "YT"}
    _classify(system, given_by["cv"], data)

    def correct(**changes):
        with system.db.transaction() as session:
            return corrections.correct_assignment(
                session=session,
                engine=system.engine,
                assignment_id=1,
                changes=changes,
                reason="Ghi nhầm lĩnh vực và lãnh đạo giao",
                user=given_by["cv"],
                dry_run=False,
            ).as_dict()

    for changes, field in (({"sector_code": "CU"}, "sector_code"), ({"leader_code": "PCT0"}, "leader_code")):
        with pytest.raises(ValidationError) as refused:
            correct(**changes)
        assert set(refused.value.fields) == {field}
    done = correct(sector_code="YT", leader_code="PCT1")
    assert done["summary"] == (
        "Lĩnh vực: Kinh tế tổng hợp → Y tế; "
        "Lãnh đạo giao nhiệm vụ: UBND tỉnh (tập thể) → Phó Chủ tịch UBND tỉnh Hoàng Quốc Khánh"
    )
    with system.db.reading() as session:
        a = session.get(Assignment, 1)
        assert (a.sector_code, a.leader_code) == ("YT", "PCT1")
        changed = history.of(session, "assignments", 1)
        [update] = [c for c in changed if c.action == "update" and "sector_code" in c.changes]
        assert update.changes["sector_code"] == ["KT", "YT"] and update.changes["leader_code"] == [
            "TT",
            "PCT1",
        ]
        assert update.actor == "cv"
