"""The forms of the user tasks, as form.js draws them in the browser (the server-side walk of
tests/web/test_staff_language.py cannot see them): after the busy office of tests/web/staff_scenario.py,
every task page a person may open, ready or completed, shows no username, unit code, ISO date or internal
id, in its labels, its choices or the values it shows."""

from __future__ import annotations

from playwright.sync_api import Page
from sqlalchemy import select

from engine.usertasks.models import UserTaskRow
from tests.browser.conftest import log_in
from tests.web.staff_scenario import build_office
from tests.web.test_staff_language import problems_in

# What a person reads in a rendered form: its text, what the fields hold, the chosen option of each list.
READ_FORM = """() => {
  const root = document.getElementById("form-root");
  const parts = [root.innerText];
  root.querySelectorAll("input, textarea").forEach((el) => {
    if (!["hidden", "checkbox", "radio", "file"].includes(el.type) && el.value) parts.push(el.value);
  });
  root.querySelectorAll("select").forEach((el) => {
    if (el.selectedIndex >= 0) parts.push(el.options[el.selectedIndex].text);
  });
  return parts.join("\\n");
}"""


def test_no_username_code_iso_date_or_id_in_the_rendered_forms(app, system, directory, clock, page: Page):
    build_office(app, system, directory, clock)
    with system.db.reading() as session:
        task_ids = list(session.scalars(select(UserTaskRow.id).order_by(UserTaskRow.created_at)))
    found, read = [], 0
    for username in ("cv", "ct", "sotc", "soxd", "xabx"):
        page.context.clear_cookies()
        log_in(page, username)
        for task_id in task_ids:
            if page.goto(f"/tasks/{task_id}").status != 200:
                continue  # not this person's
            page.wait_for_selector("#form-root form")
            found += problems_in(page.evaluate(READ_FORM), f"/tasks/{task_id} form", username)
            read += 1
    assert not found, "\n".join(sorted(set(found)))
    assert read >= 15  # the ready and the completed forms of five people
