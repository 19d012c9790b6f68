"""Tổng quan: the user's counts, the next user tasks by due date, notifications."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from sqlalchemy import func, select

from engine.documents.models import Document
from engine.instances import service as instances
from engine.instances.models import RUNNING, ProcessInstance
from engine.usertasks import service as usertasks
from engine.web.api import reading
from engine.web.pages.common import DOCUMENT_READERS, INSTANCE_OPERATORS, bp, me, overdue, process_names
from engine.web.pages.dashboard import lands_on_dashboard
from engine.web.pages.notifications import latest_unread


@bp.get("/")
def home():
    """Tổng quan: counts of the user's user tasks, overdue ones, documents waiting, notifications. The
    leadership land on Bảng điều hành instead; ?view=personal still shows them this page."""
    if lands_on_dashboard(me()) and request.args.get("view") != "personal":
        return redirect(url_for("pages.dashboard"))
    with reading() as session:
        tasks = usertasks.inbox(session=session, user=me(), limit=1000)
        waiting_documents = None
        if me().in_any(tuple(DOCUMENT_READERS)):
            waiting_documents = session.scalar(
                select(func.count(Document.id))
                .join(ProcessInstance, ProcessInstance.id == Document.intake_instance_id)
                .where(ProcessInstance.status == RUNNING)
            )
        by_status = (
            instances.count_by_status(session=session) if me().in_any(tuple(INSTANCE_OPERATORS)) else None
        )
        return render_template(
            "home.html",
            by_status=by_status,
            task_count=len(tasks),
            overdue_count=sum(1 for t in tasks if overdue(t.due_at)),
            waiting_documents=waiting_documents,
            upcoming=tasks[:5],
            process_names=process_names(session),
            notifications=latest_unread(session),
        )
