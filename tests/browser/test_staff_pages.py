"""Every page a member of staff can open, on a phone in a real browser, read through the journey harness
(tests/browser/journey.py): no English word, nothing wider than the screen, no console error. The pages come
from Flask's URL map, so pages added later are read too; those of the monitor, the analyst and the
administrator are left to their journeys (tests/browser/test_journeys_system.py): they allow technical ids."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.assignments.models import Assignment
from engine.documents import service as document_service
from engine.notifications.models import Notification
from engine.usertasks import service as usertasks
from tests.browser.test_journeys_staff import ready_task, register_and_classify
from tests.conftest import complete_task, two_task_document

TECHNICAL = (
    "pages.instance",
    "pages.definition",
    "pages.migrate",
    "pages.user",
    "pages.new_user",
    "pages.unit",
)
# Not pages: a file, a choice list for a script, a redirect that marks a notice read, the sign-in form.
NOT_PAGES = {"pages.file_content", "pages.assignment_choices", "pages.open_notification", "pages.login"}


def staff_paths(app, values: dict[str, object]) -> list[tuple[str, str]]:
    """(endpoint, path) of every page reachable with GET, its arguments taken from `values`."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            endpoint = rule.endpoint
            if not endpoint.startswith("pages.") or "GET" not in (rule.methods or ()):
                continue
            if (
                endpoint.startswith(TECHNICAL)
                or endpoint in NOT_PAGES
                or rule.rule.endswith((".svg", ".xlsx"))
            ):
                continue
            if any(name not in values for name in rule.arguments):
                continue
            found.append((endpoint, rule.build({name: values[name] for name in rule.arguments})[1]))
    return found


def data_for(system, directory, username: str) -> dict[str, object]:
    """A classified document whose first assignment was accepted, updated and met a difficulty (the Chairman's
    direction waits), a second document waiting for classification, and a ready task of the user's."""
    register_and_classify(system, directory)
    review = ready_task(system, directory["sotc"], "review")
    complete_task(system, review.id, directory["sotc"], {"decision": "accept"})
    for update in (
        {"kind": "progress", "situation": "Đã khảo sát hiện trạng"},
        {"kind": "difficulty", "difficulties": "Thiếu kinh phí", "proposed_due_date": "2025-06-30"},
    ):
        complete_task(system, ready_task(system, directory["sotc"], "update").id, directory["sotc"], update)
    with system.db.transaction() as session:
        payload = two_task_document(number="16/QĐ-UBND")
        document_service.register_document(session=session, engine=system.engine, payload=payload, actor="cv")
    with system.db.reading() as session:
        mine = usertasks.inbox(session=session, user=directory[username])
        return {
            "document_id": 1,
            "assignment_id": session.scalar(
                select(Assignment.id).where(Assignment.lead_unit_code == "SO_TC")
            ),
            "task_id": mine[0].id if mine else "khong-co",
            "process_id": {"sotc": "local_feedback"}.get(username, "inspection"),
            "unit_code": "SO_TC",
            "notification_id": session.scalar(select(Notification.id).order_by(Notification.id)) or 1,
        }


@pytest.mark.parametrize("screen", ["phone"], indirect=True)
@pytest.mark.parametrize("username", ["cv", "sotc", "ct"])
def test_every_staff_page_reads_in_vietnamese_and_fits_a_phone(app, system, directory, journey, username):
    paths = staff_paths(app, data_for(system, directory, username))
    journey.log_in(username)
    read = []
    for endpoint, path in paths:
        answer = journey.page.request.get(path)
        if not answer.ok or not answer.headers.get("content-type", "").startswith("text/html"):
            continue  # not this person's page (403), or nothing to show for these arguments (404)
        journey.page.goto(path)
        journey.shot(endpoint.removeprefix("pages."))
        read.append(endpoint)
    assert {"pages.home", "pages.tasks", "pages.assignment", "pages.reports", "pages.work_calendar"} <= set(
        read
    )
