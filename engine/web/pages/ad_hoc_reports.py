"""Báo cáo đột xuất (engine.reports.ad_hoc): the requests the user may see, one request with each unit's
answer, its template (đề cương, mẫu báo cáo) for the units asked, the start form preset for a written report
on one task (Đ5.1), and the context panels of the process's user tasks (task_context.py)."""

from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments import scope
from engine.assignments import service as assignments
from engine.errors import NotFoundError
from engine.files import http
from engine.files import service as files
from engine.instances import starting
from engine.reports import ad_hoc_records as records
from engine.reports.models import AdHocReport
from engine.usertasks.models import COMPLETED, UserTaskRow
from engine.web.api import reading
from engine.web.pages.common import (
    INSTANCE_WATCHERS,
    PAGE_SIZE,
    bp,
    me,
    open_tasks,
    page_offset,
    require,
    today,
)
from engine.web.pages.start import form_config, startable_or_raise
from engine.web.pages.task_context import Panel, panel_for


@bp.get("/bao-cao/dot-xuat")
def reports_ad_hoc():
    """The requests the user may see, the latest date first, with how many units have answered."""
    offset = page_offset()
    with reading() as session:
        rows = records.list_(session, user=me(), limit=PAGE_SIZE, offset=offset)
        total = records.count_(session, user=me())
        can_ask = starting.start_form(session=session, process_id=records.PROCESS_ID).can_start(me())
    return render_template("ad_hoc_reports.html", rows=rows, total=total, offset=offset, can_ask=can_ask)


@bp.get("/bao-cao/dot-xuat/<int:report_id>")
def report_ad_hoc(report_id: int):
    """One request: what was asked, by whom, by when, each answer the user may see and VP's consolidation."""
    with reading() as session:
        found = records.detail(session, user=me(), report_id=report_id, today=today())
        assignment = found["request"].get("assignment")
        return render_template(
            "ad_hoc_report.html",
            r=found,
            request_=found["request"],
            assignment_url=_assignment_url(session, assignment),
            open_tasks=[t["row"] for t in open_tasks(session, found["instance_id"]) if t["mine"]],
            can_watch=me().in_any(tuple(INSTANCE_WATCHERS)),
            sees_all=scope.sees_all(me()),  # every unit's answer and VP's consolidation
        )


@bp.get("/bao-cao/dot-xuat/<int:report_id>/mau/<int:file_id>")
def report_ad_hoc_template(report_id: int, file_id: int):
    """A file of the request's template, for whoever may see the request: the units asked download it."""
    with reading() as session:
        row = records.get_or_raise(session, user=me(), report_id=report_id)
        if file_id not in {f["file_id"] for f in row.template or []}:
            raise NotFoundError(f"Tệp số {file_id} không thuộc đề cương, mẫu của báo cáo này")
        stored = files.get_or_raise(session=session, file_id=file_id)
    return http.send(stored, inline=request.args.get("xem") == "1")


@bp.get("/bao-cao/dot-xuat/yeu-cau")
def request_report_ad_hoc():
    """Yêu cầu báo cáo bằng văn bản (Đ5.1) from an assignment's page: the start form with the task and its
    lead unit chosen; the coordinating units may be added."""
    require(records.REQUESTING_ROLES)
    assignment_id = request.args.get("assignment_id", type=int)
    with reading() as session:
        form = startable_or_raise(session, records.PROCESS_ID)
        a = assignments.get_or_raise(session, user=me(), assignment_id=assignment_id or 0)
        data = {"report_kind": records.TASK, "assignment_id": a.id, "units": [a.lead_unit_code]}
        return render_template("start_form.html", start=form, form=form_config(session, form, data))


# --- the context panels of the process's user tasks ---------------------------------------------------------


@panel_for(records.PROCESS_ID, "answer")
@panel_for(records.PROCESS_ID, "confirm_secret_sent")
def unit_panel(session: Session, row: UserTaskRow) -> Panel | None:
    """A unit's step: the request, and its template to download."""
    return _panel(session, row, answers=False)


@panel_for(records.PROCESS_ID, "approve_answer")
def approval_panel(session: Session, row: UserTaskRow) -> Panel | None:
    """The leader's step: the request, and the files his staff attached to the report he approves."""
    panel = _panel(session, row, answers=False)
    if panel is not None:
        written = session.scalar(
            select(UserTaskRow)
            .where(
                UserTaskRow.instance_id == row.instance_id,
                UserTaskRow.bpmn_id == "answer",
                UserTaskRow.unit_code == row.unit_code,
                UserTaskRow.state == COMPLETED,
            )
            .order_by(UserTaskRow.completed_at.desc())
            .limit(1)
        )
        panel.data["draft_files"] = (written.submitted or {}).get("attachments", []) if written else []
    return panel


@panel_for(records.PROCESS_ID, "consolidate")
@panel_for(records.PROCESS_ID, "confirm_receipt")
def vp_panel(session: Session, row: UserTaskRow) -> Panel | None:
    """VP's step: the request and every unit's answer with its files (for a secret one, the dates sent)."""
    return _panel(session, row, answers=True)


def _panel(session: Session, row: UserTaskRow, *, answers: bool) -> Panel | None:
    report_id = session.scalar(select(AdHocReport.id).where(AdHocReport.instance_id == row.instance_id))
    if report_id is None:
        return None
    # Whoever may open the user task sees its panel: VP for its own steps, the unit asked for the unit's.
    found = records.detail(session, user=me(), report_id=report_id, today=today())
    shown = {"r": found, "answers": answers, "url": url_for("pages.report_ad_hoc", report_id=report_id)}
    title = "Yêu cầu báo cáo và báo cáo của các đơn vị" if answers else "Yêu cầu báo cáo"
    return Panel("ad_hoc_report", title, shown)


def _assignment_url(session: Session, assignment: dict | None) -> str | None:
    """The written report's task, linked for those who may open it."""
    if assignment is None or not scope.can_see(session, me(), assignment["id"]):
        return None
    return url_for("pages.assignment", assignment_id=assignment["id"])
