"""Xử lý nhiều việc cùng lúc: choose several ready user tasks of one step (one form), see what will be
completed, fill the form once; each completes on its own (engine/usertasks/bulk.py) and the results page
lists what was done and what was not, and why."""

from __future__ import annotations

from collections import Counter

from flask import jsonify, render_template, request, url_for
from sqlalchemy import select

from engine.errors import PermissionDeniedError, ValidationError
from engine.usertasks import bulk
from engine.usertasks import service as usertasks
from engine.usertasks.models import UserTaskRow
from engine.web.api import reading, system
from engine.web.pages.common import (
    PAGE_MESSAGES,
    bp,
    full_names,
    json_body,
    me,
    process_names,
)
from engine.web.pages.tasks import form_lookups

# Why a user task of the batch was not completed, by the error's code (carried in the results' address).
FAILURES = {kind.code: text for kind, text in PAGE_MESSAGES} | {
    PermissionDeniedError.code: "Bạn không có quyền xử lý công việc này (có thể người khác đã nhận xử lý).",
    ValidationError.code: "Dữ liệu biểu mẫu không hợp lệ đối với công việc này.",
    "unexpected": "Lỗi hệ thống: công việc chưa được hoàn thành; vui lòng thử lại.",
}


@bp.get("/tasks/xu-ly-nhieu")
def bulk_tasks():
    """Without a step: the steps that have several user tasks for the user. With one: its user tasks to
    choose from. With user tasks chosen (?task=...): the list of what will be completed, and the form."""
    process_id, bpmn_id = request.args.get("process_id"), request.args.get("bpmn_id")
    chosen = request.args.getlist("task")
    with reading() as session:
        names = process_names(session)
        mine = [
            r
            for r in usertasks.inbox(session=session, user=me(), limit=500)
            if r.form and _passes(usertasks.check_can_act, r)
        ]
        if not process_id or not bpmn_id:
            steps = Counter((r.process_id, r.bpmn_id, r.name) for r in mine)
            return render_template(
                "bulk_tasks.html",
                steps=[(key, n) for key, n in steps.most_common() if n > 1],
                process_names=names,
            )
        candidates = [r for r in mine if (r.process_id, r.bpmn_id) == (process_id, bpmn_id)]
        if not chosen:
            return render_template(
                "bulk_tasks.html",
                candidates=candidates,
                process_id=process_id,
                bpmn_id=bpmn_id,
                process_names=names,
                people=full_names(session, {r.assignee for r in candidates if r.assignee}),
                all_checked=request.args.get("all") == "1",
            )
        rows = bulk.same_step(session=session, task_ids=chosen)
        for row in rows:
            usertasks.check_can_see(row, me())
        first = rows[0]
        ui = usertasks.form_schema(session=session, row=first, ui=True) or {}
        form = {
            "schema": usertasks.form_schema(session=session, row=first),
            "ui": ui,
            "data": {},  # one set of data for all: nothing of one user task's own data is filled in
            **form_lookups(session, ui),
            "readonly": False,
            "submitUrl": url_for("pages.bulk_complete", task=[r.id for r in rows]),
            "submitLabel": f"Hoàn thành {len(rows)} công việc",
        }
        return render_template(
            "bulk_tasks.html",
            selected=rows,
            process_id=first.process_id,
            bpmn_id=first.bpmn_id,
            process_names=names,
            form=form,
        )


@bp.post("/tasks/xu-ly-nhieu/hoan-thanh")
def bulk_complete():
    """Called by form.js with the form's JSON: checked once against the form (422 with field paths, and
    nothing done), then each user task completes in its own transaction."""
    data = json_body("biểu mẫu")
    with reading() as session:
        rows = bulk.same_step(session=session, task_ids=request.args.getlist("task"))
        usertasks.validate_form(usertasks.form_schema(session=session, row=rows[0]), data)
    outcomes = bulk.complete_each(
        db=system().db, engine=system().engine, task_ids=[r.id for r in rows], data=data, user=me()
    )
    done = [o.task_id for o in outcomes if o.done]
    failed = [f"{o.task_id}:{_code(o.error)}" for o in outcomes if not o.done]
    return jsonify(ok=True, redirect=url_for("pages.bulk_result", done=done, failed=failed))


@bp.get("/tasks/xu-ly-nhieu/ket-qua")
def bulk_result():
    """Kết quả xử lý: what was completed and what was not, with the reason; each line as the user task
    stands now (who completed one that someone else had done first)."""
    failed = dict(item.partition(":")[::2] for item in request.args.getlist("failed")[: bulk.MAX_TASKS])
    done = request.args.getlist("done")[: bulk.MAX_TASKS]
    with reading() as session:
        rows = {
            r.id: r
            for r in session.scalars(select(UserTaskRow).where(UserTaskRow.id.in_(done + list(failed))))
            if _passes(usertasks.check_can_see, r)
        }
        people = full_names(session, {r.completed_by for r in rows.values() if r.completed_by})
        return render_template(
            "bulk_result.html",
            done=[rows[i] for i in done if i in rows],
            failed=[
                (rows[i], FAILURES.get(code, FAILURES["unexpected"]))
                for i, code in failed.items()
                if i in rows
            ],
            people=people,
        )


def _code(error: Exception | None) -> str:
    """The code of FAILURES that says why: the error's kind as the pages name it, else "unexpected"."""
    if isinstance(error, ValidationError):
        return ValidationError.code
    return next((kind.code for kind, _ in PAGE_MESSAGES if isinstance(error, kind)), "unexpected")


def _passes(check, row: UserTaskRow) -> bool:
    """Whether the user passes usertasks' `check` (check_can_see, check_can_act) for `row`."""
    try:
        check(row, me())
    except PermissionDeniedError:
        return False
    return True
