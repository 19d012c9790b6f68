"""Reminders before a ready user task's due date: to its candidate groups, or to whoever claimed it."""

from __future__ import annotations

from datetime import date

import pytest

from engine import clock as clock_module
from engine.auth import service as auth
from engine.documents import service as document_service
from engine.notifications import service as notifications
from engine.usertasks import service as usertasks
from tests.conftest import classification, complete_task, two_task_document
from tests.engine.reminders.conftest import by_time, eod, local, notes, run, run_hourly, sent_keys

KIND = "user_task_reminder"


@pytest.mark.postgres
def test_t1_reminds_vp_specialists_then_only_the_one_who_claimed_it(system, directory, clock, backend):
    with system.db.transaction() as session:
        # Issued and registered Friday 24/01/2025, two tasks for two units: T1 = 5 working days, 07/02.
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
        cv2 = auth.principal(
            auth.create_user(
                session=session,
                username="cv2",
                password="mat-khau-thu",
                full_name="Lê Thị Theo Dõi",
                roles=["vp_specialist"],
                unit_code="VP_UBND",
                now=clock_module.now(),
            )
        )
    with system.db.reading() as session:
        [classify] = usertasks.inbox(session=session, user=directory["cv"])
    assert (classify.bpmn_id, classify.due_at) == ("classify", eod(date(2025, 2, 7)))

    run_hourly(system, clock, local(2025, 1, 24, 10), local(2025, 2, 5, 8))
    [first] = notes(system, KIND)
    assert (first.created_at, first.recipient_group, first.recipient_unit, first.recipient_user) == (
        local(2025, 2, 4, 7),
        "vp_specialist",
        None,
        None,
    )
    assert first.message == (
        "Việc “Phân loại nhiệm vụ, chuyển theo dõi” (12/QĐ-UBND: Về việc giao nhiệm vụ chuyển đổi số năm "
        "2025) sắp đến hạn xử lý: còn 3 ngày làm việc, hạn xử lý 07/02/2025."
    )

    clock.move_to(local(2025, 2, 5, 9))
    with system.db.transaction() as session:
        usertasks.claim(session=session, task_id=classify.id, user=directory["cv"])
    run_hourly(system, clock, local(2025, 2, 5, 10), local(2025, 2, 7, 8))
    assert by_time(notes(system, KIND)) == {
        local(2025, 2, 4, 7): [("vp_specialist", None, None)],
        local(2025, 2, 6, 7): [(None, None, "cv")],  # claimed: only cv can act on it now
    }
    with system.db.reading() as session:
        seen = {
            user.username: [n.created_at for n in notifications.for_user(session=session, user=user)]
            for user in (directory["cv"], cv2, directory["sotc"])
        }
    assert seen == {
        "cv": [local(2025, 2, 6, 7), local(2025, 2, 4, 7)],
        "cv2": [local(2025, 2, 4, 7)],
        "sotc": [],
    }

    clock.move_to(local(2025, 2, 7, 9))
    complete_task(system, classify.id, directory["cv"], classification())
    assert run_hourly(system, clock, local(2025, 2, 7, 10), local(2025, 2, 7, 20)) == 0
    assert sent_keys(system, "user_task") == [
        (classify.id, date(2025, 2, 7), 3),
        (classify.id, date(2025, 2, 7), 1),
    ]


def test_a_unit_user_task_reminds_its_groups_within_the_unit(system, directory, clock):
    """The lead unit's "Tiếp nhận nhiệm vụ" (accept within 3 working days) reaches that unit only."""
    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    with system.db.reading() as session:
        [classify] = usertasks.inbox(session=session, user=directory["cv"])
    clock.move_to(local(2025, 1, 24, 10))
    complete_task(system, classify.id, directory["cv"], classification())
    with system.db.reading() as session:
        [review] = usertasks.inbox(session=session, user=directory["sotc"])
    assert (review.bpmn_id, review.due_at) == ("review", eod(date(2025, 2, 5)))

    assert run(system, clock, local(2025, 2, 4)) == 2  # both units' reviews: 1 working day left
    rows = notes(system, KIND)
    assert sorted((n.recipient_group, n.recipient_unit) for n in rows) == [
        ("unit_leader", "SO_TC"),
        ("unit_leader", "SO_XD"),
        ("unit_staff", "SO_TC"),
        ("unit_staff", "SO_XD"),
    ]
    with system.db.reading() as session:
        seen = {
            u: [n.message for n in notifications.for_user(session=session, user=directory[u])]
            for u in ("sotc", "ldsotc", "soxd", "cv")
        }
    so_tc = (
        "Việc “Tiếp nhận nhiệm vụ” (12/QĐ-UBND: Xây dựng kho dữ liệu dùng chung) sắp đến hạn xử lý: "
        "còn 1 ngày làm việc, hạn xử lý 05/02/2025."
    )
    assert seen["sotc"] == seen["ldsotc"] == [so_tc]
    assert len(seen["soxd"]) == 1 and "Rà soát thủ tục hành chính nội bộ" in seen["soxd"][0]
    assert seen["cv"] == []
