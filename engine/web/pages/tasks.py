"""Việc cần làm: the inbox, one user task with its form, and Nhận xử lý / Bỏ nhận xử lý / Giao cho người
khác / Hoàn thành."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from engine.directory import units as directory
from engine.directory.leaders import lists as leader_lists
from engine.errors import EngineError, PermissionDeniedError
from engine.usertasks import service as usertasks
from engine.usertasks.models import READY, UserTaskRow
from engine.web.api import reading, system, transaction
from engine.web.pages.common import (
    TASK_STATE,
    bp,
    full_names,
    json_body,
    me,
    page_message,
    process_names,
    unit_directory,
    user_directory,
    user_widget_roles,
)
from engine.web.pages.files import upload_config
from engine.web.pages.task_context import context_panel
from engine.web.session import safe_next


@bp.get("/tasks/<task_id>")
def task(task_id: str):
    """One user task: subject, instructions, due date and its form (rendered by form.js)."""
    with reading() as session:
        row = usertasks.get_or_raise(session=session, task_id=task_id)
        usertasks.check_can_see(row, me())
        schema = usertasks.form_schema(session=session, row=row)
        data = usertasks.form_data(session=session, engine=system().engine, row=row)
        properties = (schema or {}).get("properties", {})
        ui = usertasks.form_schema(session=session, row=row, ui=True) or {}
        form = {
            "schema": schema,
            "ui": ui,
            "data": {k: v for k, v in data.items() if k in properties},
            **form_lookups(session, ui),
            "readonly": row.state != READY or not _can_act(row),
            "submitUrl": url_for("pages.complete_task", task_id=row.id),
            "submitLabel": "Hoàn thành",
            "files": upload_config(task_id=row.id),  # for "ui:widget": "files" (static/form-files.js)
        }
        return render_template(
            "task.html",
            row=row,
            form=form,
            can_act=row.state == READY and _can_act(row),
            process_name=process_names(session).get(row.process_id, row.process_id),
            people=full_names(session, {row.assignee, row.completed_by} - {None}),
            task_state=TASK_STATE,
            assignees=_assignees(session, row),
            context_panel=context_panel(session, row),  # live facts above the form (task_context.py)
        )


def form_lookups(session: Session, ui: dict) -> dict:
    """The directories a form's widgets pick from (form.js): units, users of the roles it asks for, rooms."""
    return {
        "units": unit_directory(session),  # for "ui:widget": "unit" / "units"
        "users": user_directory(session, user_widget_roles(ui)),  # for "ui:widget": "user"
        "rooms": [r.name for r in directory.rooms(session=session, active_only=True)],  # "room" widget
        "choices": leader_lists(session),  # "choice" widget: sectors, leaders
    }


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id: str):
    """Called by form.js with the form's JSON; the service validates it (422 with field paths)."""
    data = json_body("biểu mẫu")
    with transaction() as session:
        engine = system().engine
        row = usertasks.complete(session=session, engine=engine, task_id=task_id, data=data, user=me())
        name = row.name
    flash(f"Đã hoàn thành: {name}", "success")
    return jsonify(ok=True, redirect=url_for("pages.tasks"))


@bp.post("/tasks/<task_id>/claim")
def claim_task(task_id: str):
    """Nhận xử lý."""
    return _assign(task_id, usertasks.claim, "Đã nhận xử lý")


@bp.post("/tasks/<task_id>/unclaim")
def unclaim_task(task_id: str):
    """Bỏ nhận xử lý: back to the candidate groups' common list (nothing goes back to VP)."""
    return _assign(
        task_id, usertasks.unclaim, "Đã bỏ nhận xử lý", "công việc trở lại danh sách chung của nhóm"
    )


@bp.post("/tasks/<task_id>/assign")
def assign_task(task_id: str):
    """Giao cho người khác: a leader gives the user task to a person of the unit (usertasks.reassign)."""
    assignee = request.form.get("user", "").strip()
    try:
        with transaction() as session:
            row = usertasks.reassign(session=session, task_id=task_id, assignee=assignee, user=me())
            name, person = row.name, full_names(session, {assignee}).get(assignee, assignee)
    except EngineError as exc:
        flash(page_message(exc), "error")
    else:
        flash(f"Đã giao công việc “{name}” cho {person} xử lý", "success")
    return redirect(safe_next(request.form.get("next"), url_for("pages.task", task_id=task_id)))


def _assign(task_id: str, action: Callable[..., UserTaskRow], done: str, then: str = ""):
    try:
        with transaction() as session:
            name = action(session=session, task_id=task_id, user=me()).name
    except EngineError as exc:
        flash(page_message(exc), "error")
    else:
        flash(f"{done}: {name}" + (f"; {then}" if then else ""), "success")  # once the transaction committed
    return redirect(safe_next(request.form.get("next"), url_for("pages.tasks")))


def _assignees(session: Session, row: UserTaskRow) -> list[dict] | None:
    """Whom the user may give a ready user task to (by full name), or None when they may not."""
    if row.state != READY or not usertasks.may_reassign(row, me()):
        return None
    people = usertasks.assignees(session=session, row=row, user=me())
    return [{"username": u.username, "full_name": u.full_name} for u in people if u.username != row.assignee]


def _can_act(row: UserTaskRow) -> bool:
    try:
        usertasks.check_can_act(row, me())
    except PermissionDeniedError:
        return False
    return True
