"""Completing several user tasks of one step with one form: each on its own, with the checks of one."""

from __future__ import annotations

import pytest

from engine.errors import PermissionDeniedError, TaskNotReadyError, ValidationError
from engine.usertasks import bulk
from engine.usertasks import service as usertasks
from engine.usertasks.models import COMPLETED, READY
from tests.conftest import complete_task
from tests.engine.notifications.helpers import add_user, overdue_documents, ready_tasks

URGING = {
    "instruction": "Đề nghị Phòng Tổng hợp phân loại, chuyển theo dõi ngay trong ngày.",
    "urge_specialist": True,
}


def complete_each(system, ids, data, user):
    return bulk.complete_each(db=system.db, engine=system.engine, task_ids=ids, data=data, user=user)


def states(system, ids) -> dict[str, tuple[str, str | None]]:
    with system.db.reading() as session:
        rows = [usertasks.get_or_raise(session=session, task_id=i) for i in ids]
        return {r.id: (r.state, r.completed_by) for r in rows}


@pytest.mark.postgres
def test_one_done_by_someone_else_fails_alone_and_the_others_complete(system, directory, clock, backend):
    ldvp2 = add_user(system, "ldvp2", "Lê Văn Phó", ["vp_leadership"], "VP_UBND")
    overdue_documents(system, clock, 4)
    ids = [t.id for t in ready_tasks(system, "urge_classification")]
    assert len(ids) == 4
    complete_task(system, ids[1], ldvp2, URGING)  # his colleague was quicker with one of them

    outcomes = complete_each(system, ids, URGING, directory["ldvp"])
    assert [(o.task_id, o.done) for o in outcomes] == [
        (ids[0], True),
        (ids[1], False),
        (ids[2], True),
        (ids[3], True),
    ]
    assert isinstance(outcomes[1].error, TaskNotReadyError)
    assert states(system, ids) == {
        ids[0]: (COMPLETED, "ldvp"),
        ids[1]: (COMPLETED, "ldvp2"),
        ids[2]: (COMPLETED, "ldvp"),
        ids[3]: (COMPLETED, "ldvp"),
    }
    with system.db.reading() as session:
        submitted = {usertasks.get_or_raise(session=session, task_id=i).submitted["instruction"] for i in ids}
    assert submitted == {URGING["instruction"]}


def test_each_passes_the_checks_of_a_single_completion(system, directory, clock):
    ldvp2 = add_user(system, "ldvp2", "Lê Văn Phó", ["vp_leadership"], "VP_UBND")
    overdue_documents(system, clock, 3)
    ids = [t.id for t in ready_tasks(system, "urge_classification")]
    with system.db.transaction() as session:
        usertasks.claim(session=session, task_id=ids[0], user=ldvp2)  # claimed by someone else

    outcomes = complete_each(system, ids, URGING, directory["ldvp"])
    assert [o.done for o in outcomes] == [False, True, True]
    assert isinstance(outcomes[0].error, PermissionDeniedError)

    # Data that fails the form fails for each, and completes nothing.
    overdue_more = [t.id for t in ready_tasks(system, "urge_classification")]
    assert overdue_more == [ids[0]]
    [refused] = complete_each(system, overdue_more, {"instruction": ""}, ldvp2)
    assert isinstance(refused.error, ValidationError) and "instruction" in refused.error.fields
    assert states(system, [ids[0]]) == {ids[0]: (READY, None)}
    # Someone outside the step's groups completes nothing either.
    [outsider] = complete_each(system, overdue_more, URGING, directory["cv"])
    assert isinstance(outsider.error, PermissionDeniedError)


def test_the_tasks_chosen_must_be_of_one_step(system, directory, clock):
    overdue_documents(system, clock, 1)
    [urge], [classify] = ready_tasks(system, "urge_classification"), ready_tasks(system, "classify")
    with system.db.reading() as session:
        with pytest.raises(ValidationError, match="cùng một bước"):
            bulk.same_step(session=session, task_ids=[urge.id, classify.id])
        with pytest.raises(ValidationError, match="Chưa chọn"):
            bulk.same_step(session=session, task_ids=[])
        with pytest.raises(ValidationError, match="Không tìm thấy"):
            bulk.same_step(session=session, task_ids=[urge.id, "khong-co"])
        assert [r.id for r in bulk.same_step(session=session, task_ids=[urge.id, urge.id])] == [urge.id]
