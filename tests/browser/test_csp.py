"""Every page, in a real browser, under the Content-Security-Policy: no violation is reported in the console
(an inline script, an on*= handler, an eval, a style element would be). Pages come from Flask's URL map, so
pages added later are loaded too; their arguments are taken from a registered document and its records."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from engine.assignments.models import Assignment
from engine.definitions.models import ProcessDefinition
from engine.documents import service as document_service
from engine.usertasks.models import UserTaskRow
from tests.browser.conftest import log_in
from tests.conftest import classification, complete_task, two_task_document


def sample_arguments(system, directory) -> dict[str, object]:
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    with system.db.reading() as session:
        classify = session.scalar(select(UserTaskRow.id).where(UserTaskRow.bpmn_id == "classify"))
    complete_task(system, classify, directory["cv"], classification())
    with system.db.reading() as session:
        return {
            "document_id": document.id,
            "instance_id": document.intake_instance_id,
            "assignment_id": session.scalar(select(Assignment.id).order_by(Assignment.id)),
            "task_id": session.scalar(select(UserTaskRow.id).where(UserTaskRow.state == "ready")),
            "definition_id": session.scalar(select(ProcessDefinition.id).order_by(ProcessDefinition.id)),
            "process_id": "local_feedback",
            "unit_code": "SO_TC",
            "username": "cv",
        }


def test_no_page_breaks_the_content_security_policy(app, system, directory, page, tmp_path):
    values = sample_arguments(system, directory)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(f"{page.url}: {msg.text}") if "Content Security" in msg.text else None,
    )
    log_in(page, "admin")
    visited = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("pages.") or "GET" not in (rule.methods or ()):
                continue
            if rule.rule.endswith((".svg", ".xlsx")):
                continue  # images and workbooks, not pages
            arguments = {name: values.get(name, 1) for name in rule.arguments}
            visited.append(rule.build(arguments)[1])
    for path in visited:
        try:
            page.goto(path)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                continue  # a file to save (the diagram's XML), not a page
            raise
        page.wait_for_load_state("networkidle")
    page.goto(f"/tasks/{values['task_id']}")
    page.screenshot(path=tmp_path / "task.png", full_page=True)
    assert len(visited) > 20
    assert not violations, "\n".join(violations)
