"""Giao cho người khác: a unit's leader (VP's leadership for VP's user tasks) gives a ready user task,
claimed or not, to another active person of the unit in one of its candidate groups."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import clock as clock_module
from engine.auth import service as auth
from engine.documents import service as document_service
from engine.errors import PermissionDeniedError, TaskNotReadyError, ValidationError
from engine.instances.models import InstanceEvent
from engine.notifications import targets
from engine.usertasks import service as usertasks
from tests.conftest import complete_task, two_task_document
from tests.engine.notifications.helpers import add_user, correction_request, notices, ready_tasks


def reassign(system, task_id, assignee, user):
    with system.db.transaction() as session:
        return usertasks.reassign(session=session, task_id=task_id, assignee=assignee, user=user)


def claim(system, task_id, user):
    with system.db.transaction() as session:
        usertasks.claim(session=session, task_id=task_id, user=user)


@pytest.mark.postgres
def test_the_unit_leader_gives_a_task_his_staff_claimed_to_another_of_them(system, directory, backend):
    sotc2 = add_user(system, "sotc2", "Trịnh Văn Đầu Mối", ["unit_staff"], "SO_TC")
    correction_request(system, directory["cv"])
    [task] = ready_tasks(system, "correct_data")
    claim(system, task.id, directory["sotc"])

    with system.db.reading() as session:
        row = usertasks.get_or_raise(session=session, task_id=task.id)
        offered = usertasks.assignees(session=session, row=row, user=directory["ldsotc"])
    # Active people of Sở Tài chính in the user task's groups (unit_staff, unit_leader), by full name.
    assert [u.full_name for u in offered] == ["Hoàng Lãnh Đạo", "Trịnh Văn Đầu Mối", "Đỗ Tài Chính"]

    done = reassign(system, task.id, "sotc2", directory["ldsotc"])
    assert done.assignee == "sotc2"
    with system.db.reading() as session:
        event = session.scalars(
            select(InstanceEvent).where(InstanceEvent.task_id == task.id).order_by(InstanceEvent.id.desc())
        ).first()
        assert [t.id for t in usertasks.inbox(session=session, user=sotc2)] == [task.id]
        assert usertasks.inbox(session=session, user=directory["sotc"]) == []
    assert (event.kind, event.actor, event.data) == (
        "user_task_assigned",
        "ldsotc",
        {"assignee": {"old": "sotc", "new": "sotc2"}},
    )

    [told] = notices(system, "user_task_assigned")
    assert (told.recipient_user, told.task_id) == ("sotc2", task.id)
    assert told.message.startswith(
        "Hoàng Lãnh Đạo giao cho bạn xử lý công việc “Điều chỉnh, bổ sung thông tin”"
    )
    [taken] = notices(system, "user_task_taken_over")
    assert taken.recipient_user == "sotc" and "Trịnh Văn Đầu Mối" in taken.message
    with system.db.reading() as session:
        lead = targets.resolve(
            session=session, user=sotc2, notices=[told], can_read_documents=False, can_watch_instances=False
        )
    assert lead[told.id] == targets.Target(targets.TASK, task.id)

    # Giving it to whom already has it changes nothing and tells nobody again.
    reassign(system, task.id, "sotc2", directory["ldsotc"])
    assert len(notices(system, "user_task_assigned")) == 1


@pytest.mark.postgres
def test_who_may_not_reassign_and_to_whom_not(system, directory, backend):
    ldsoxd = add_user(system, "ldsoxd", "Phùng Văn Xây", ["unit_leader"], "SO_XD")
    add_user(system, "sotc3", "Cao Thị Nghỉ", ["unit_staff"], "SO_TC")
    with system.db.transaction() as session:
        auth.set_active(
            session=session, username="sotc3", active=False, now=clock_module.now(), actor="admin"
        )
    correction_request(system, directory["cv"])
    [task] = ready_tasks(system, "correct_data")

    with pytest.raises(PermissionDeniedError):  # the leader of another unit
        reassign(system, task.id, "sotc", ldsoxd)
    with pytest.raises(PermissionDeniedError):  # a staff member
        reassign(system, task.id, "ldsotc", directory["sotc"])
    with pytest.raises(PermissionDeniedError):  # VP's leadership, for a unit's user task
        reassign(system, task.id, "sotc", directory["ldvp"])
    with pytest.raises(ValidationError) as refused:  # someone of another unit
        reassign(system, task.id, "soxd", directory["ldsotc"])
    assert refused.value.fields == {"user": refused.value.message}
    with pytest.raises(ValidationError):  # nobody by that name
        reassign(system, task.id, "khong-co", directory["ldsotc"])
    with pytest.raises(ValidationError):  # someone who no longer works here
        reassign(system, task.id, "sotc3", directory["ldsotc"])
    with system.db.reading() as session:
        assert usertasks.get_or_raise(session=session, task_id=task.id).assignee is None

    complete_task(system, task.id, directory["sotc"], {"correction": "Đã sửa."})
    with pytest.raises(TaskNotReadyError):
        reassign(system, task.id, "sotc", directory["ldsotc"])


@pytest.mark.postgres
def test_vp_leadership_hands_out_vp_tasks_only_to_those_of_their_groups(system, directory, backend):
    cv2 = add_user(system, "cv2", "Lê Thị Theo Dõi", ["vp_specialist"], "VP_UBND")
    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    [classify] = ready_tasks(system, "classify")
    ldvp = directory["ldvp"]
    with system.db.reading() as session:
        row = usertasks.get_or_raise(session=session, task_id=classify.id)
        usertasks.check_can_see(row, ldvp)  # to give it to someone, the leader sees it
        with pytest.raises(PermissionDeniedError):
            usertasks.check_can_act(row, ldvp)  # but it is not his to complete
    with pytest.raises(ValidationError):  # the leader is not in the classify task's group himself
        reassign(system, classify.id, "ldvp", ldvp)
    assert reassign(system, classify.id, "cv2", ldvp).assignee == "cv2"
    with system.db.reading() as session:
        assert [t.id for t in usertasks.inbox(session=session, user=cv2)] == [classify.id]
