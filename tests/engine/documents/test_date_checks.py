"""Dates that make no sense are refused where they are typed, each beside its field, and nothing changes:
a deadline before the document's issue date (registration, classification, VP's handling of a return),
an extension to a date not later than the deadline in force or not after today, a unit's proposal of
such a date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.assignments.models import Assignment, DeadlineAdjustment, DifficultyReport
from engine.documents import service as document_service
from engine.documents.models import Document
from engine.errors import ValidationError
from tests.conftest import classification, complete_task, two_task_document
from tests.processes.test_assignment import (
    DUE,
    accept,
    act,
    advise,
    assignment,
    classify,
    eod,
    get,
    item,
    report_difficulty,
    tasks_of,
    timers,
)

BEFORE_ISSUE = "thời hạn không được trước ngày ban hành văn bản (24/01/2025)"  # issued Friday 24/01/2025


def test_a_classified_deadline_before_the_issue_date_is_refused_per_task(system, directory):
    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    [task] = tasks_of(system, directory["cv"], "classify")
    data = classification()
    data["tasks"][0]["due_date"] = "2025-01-23"
    with pytest.raises(ValidationError) as error:
        complete_task(system, task.id, directory["cv"], data)
    assert error.value.fields == {"tasks/0/due_date": BEFORE_ISSUE}
    assert get(system, Assignment) == []
    assert [t.id for t in tasks_of(system, directory["cv"], "classify")] == [task.id]  # still to be done

    data["tasks"][0]["due_date"] = "2025-01-24"  # the issue date itself is a deadline
    complete_task(system, task.id, directory["cv"], data)
    assert len(get(system, Assignment)) == 2


def test_a_registered_draft_deadline_before_the_issue_date_is_refused(system, directory):
    payload = two_task_document()
    payload["tasks"][1]["due_date"] = "2024-12-31"
    with pytest.raises(ValidationError) as error, system.db.transaction() as session:
        document_service.register_document(session=session, engine=system.engine, payload=payload, actor="cv")
    assert error.value.fields == {"tasks/1/due_date": BEFORE_ISSUE}
    assert get(system, Document) == []


def give_direction(system, directory, new_due_date: str) -> None:
    act(
        system,
        directory["ct"],
        "give_direction",
        {"decision": "extend", "direction": "Đồng ý gia hạn", "new_due_date": new_due_date},
    )


@pytest.mark.parametrize(
    ("today", "new_due_date", "problem"),
    [
        # Not later than the deadline in force, Thursday 24/04/2025: no extension.
        (date(2025, 4, 18), "2025-04-10", "thời hạn gia hạn phải sau thời hạn đang có hiệu lực (24/04/2025)"),
        (date(2025, 4, 18), DUE, "thời hạn gia hạn phải sau thời hạn đang có hiệu lực (24/04/2025)"),
        # Later than it, but already past: the task would be overdue again the moment it is extended.
        (date(2025, 6, 2), "2025-05-15", "thời hạn gia hạn phải sau ngày hôm nay (02/06/2025)"),
        (date(2025, 6, 2), "2025-06-02", "thời hạn gia hạn phải sau ngày hôm nay (02/06/2025)"),
    ],
)
def test_an_extension_must_move_the_deadline_forward_and_past_today(
    system, directory, clock, today, new_due_date, problem
):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    report_difficulty(system, directory, clock, proposed=None)
    advise(system, directory)  # VP advises before the Chairman directs (Đ9.1.b)
    clock.move_to(datetime(today.year, today.month, today.day, 2, 0, tzinfo=UTC))
    with pytest.raises(ValidationError) as error:
        give_direction(system, directory, new_due_date)
    assert error.value.fields == {"new_due_date": problem}
    assert (assignment(system, a_id).due_date, get(system, DeadlineAdjustment)) == (date(2025, 4, 24), [])
    [report] = get(system, DifficultyReport, assignment_id=a_id)
    assert report.decision is None and len(tasks_of(system, directory["ct"], "give_direction")) == 1

    give_direction(system, directory, "2025-06-30")  # later than both: an extension
    assert assignment(system, a_id).due_date == date(2025, 6, 30)
    assert timers(system, a_id)["due_passed"] == eod(date(2025, 6, 30))


def test_a_proposed_deadline_must_be_later_than_the_deadline_in_force(system, directory, clock):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    with pytest.raises(ValidationError) as error:
        report_difficulty(system, directory, clock, proposed="2025-04-20")
    assert error.value.fields == {
        "proposed_due_date": "thời hạn đề nghị phải sau thời hạn đang có hiệu lực (24/04/2025)"
    }
    assert get(system, DifficultyReport) == []
    report_difficulty(system, directory, clock, proposed="2025-05-30")
    assert [r.proposed_due_date for r in get(system, DifficultyReport, assignment_id=a_id)] == [
        date(2025, 5, 30)
    ]


def test_a_deadline_given_when_handling_a_return_is_not_before_the_issue_date(system, directory):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    act(
        system,
        directory["sotc"],
        "review",
        {"decision": "return", "reason_kind": "wrong_content", "reason": "Thời hạn không khớp văn bản"},
    )
    with pytest.raises(ValidationError) as error:
        act(
            system,
            directory["cv"],
            "handle_return",
            {"resolution": "corrected", "new_due_date": "2025-01-10"},
        )
    assert error.value.fields == {"new_due_date": BEFORE_ISSUE}
    assert assignment(system, a_id).due_date == date(2025, 4, 24) and get(system, DeadlineAdjustment) == []
