"""Phòng theo dõi is a choice from the directory, not free text: the classification form offers VP's active
tracking rooms (as it offers the VP specialists), and the server refuses a room outside them."""

from __future__ import annotations

from sqlalchemy import select

from engine.assignments.models import Assignment
from engine.directory import units
from engine.usertasks.models import UserTaskRow
from tests.web.test_pages import (
    VALID_CLASSIFICATION,
    classify_task_id,
    complete,
    form_config,
    html,
    login,
    register,
)


def test_the_classification_form_offers_the_active_rooms(system, client, directory):
    with system.db.transaction() as session:
        units.add_room(session=session, name="Phòng Thư ký - Biên tập", actor="admin")
        units.set_room_active(session=session, name="Phòng Kinh tế", active=False, actor="admin")
    register(system)
    login(client, "cv")
    config = form_config(html(client.get(f"/tasks/{classify_task_id(system)}")))
    assert config["ui"]["tracking_room"]["ui:widget"] == "room"
    assert config["rooms"] == [
        "Phòng Hành chính - Tổ chức",
        "Phòng Khoa giáo - Văn xã",
        "Phòng Nội chính - Pháp chế",
        "Phòng Thư ký - Biên tập",
        "Phòng Tổng hợp",
    ]  # by name, without the retired room


def test_a_room_outside_the_directory_is_refused_and_nothing_changes(system, client, directory):
    with system.db.transaction() as session:
        units.set_room_active(session=session, name="Phòng Kinh tế", active=False, actor="admin")
    register(system)
    task_id = classify_task_id(system)
    login(client, "cv")
    for room in ("Phòng Không Có", "Phòng Kinh tế"):
        refused = complete(client, task_id, {**VALID_CLASSIFICATION, "tracking_room": room})
        assert refused.status_code == 422, room
        fields = refused.get_json()["details"]["fields"]
        assert "không phải phòng theo dõi trong danh mục" in fields["tracking_room"]
    with system.db.reading() as session:
        assert session.get(UserTaskRow, task_id).state == "ready"
        assert session.scalar(select(Assignment.id)) is None
    assert complete(client, task_id, VALID_CLASSIFICATION).status_code == 200
