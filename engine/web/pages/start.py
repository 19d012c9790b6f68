"""Khởi tạo: the on-demand processes the user may start (phản hồi của địa phương, điều chỉnh thông tin,
kiểm tra…) and their start forms, rendered by form.js like a user task's form."""

from __future__ import annotations

from flask import flash, jsonify, render_template, url_for

from engine.definitions.models import ProcessDefinition
from engine.errors import PermissionDeniedError
from engine.instances import starting
from engine.web.api import reading, system, transaction
from engine.web.pages.common import (
    FORBIDDEN,
    INSTANCE_WATCHERS,
    bp,
    json_body,
    me,
    unit_directory,
    user_directory,
    user_widget_roles,
)
from engine.web.pages.files import upload_config


@bp.get("/start")
def start_list():
    """The processes whose start event names one of the user's roles."""
    with reading() as session:
        forms = starting.startable(session=session, user=me())
        return render_template("start.html", forms=forms)


@bp.get("/start/<process_id>")
def start_form(process_id: str):
    """The start form of the newest version of the process."""
    with reading() as session:
        form = startable_or_raise(session, process_id)
        return render_template("start_form.html", start=form, form=form_config(session, form, {}))


def form_config(session, form: starting.StartForm, data: dict) -> dict:
    """What form.js needs to render `form` filled with `data` and post it to start its process."""
    ui = form.ui_schema or {}
    process_id = form.definition.process_id
    return {
        "schema": form.schema,
        "ui": ui,
        "data": data,
        "units": unit_directory(session),  # for "ui:widget": "unit" / "units"
        "users": user_directory(session, user_widget_roles(ui)),  # for "ui:widget": "user"
        "readonly": False,
        "submitUrl": url_for("pages.start_process", process_id=process_id),
        "submitLabel": "Khởi tạo",
        "files": upload_config(process_id=process_id),  # "ui:widget": "files"
    }


@bp.post("/start/<process_id>")
def start_process(process_id: str):
    """Called by form.js with the form's JSON; the service checks the role and the form (422 per field)."""
    data = json_body("biểu mẫu")
    with transaction() as session:
        instance = starting.start_on_demand(
            session=session, engine=system().engine, process_id=process_id, data=data, user=me()
        )
        definition = session.get(ProcessDefinition, instance.definition_id)
        name, instance_id = definition.name or instance.process_id, instance.id
    flash(f"Đã khởi tạo quy trình: {name}", "success")  # only once the transaction has committed
    if me().in_any(tuple(INSTANCE_WATCHERS)):
        return jsonify(ok=True, redirect=url_for("pages.instance", instance_id=instance_id))
    # Others may not open the instance page; the new process's first user task lands in the inbox.
    return jsonify(ok=True, redirect=url_for("pages.tasks"))


def startable_or_raise(session, process_id: str) -> starting.StartForm:
    """The start form, or 403 before showing a form the user could never submit."""
    form = starting.start_form(session=session, process_id=process_id)
    if not form.can_start(me()):
        raise PermissionDeniedError(FORBIDDEN, details={"roles": list(form.starter_groups)})
    return form
