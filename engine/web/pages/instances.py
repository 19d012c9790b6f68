"""Quy trình: the instances list, one instance with its history, and Chạy lại for one in error."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from engine.errors import ConflictError, EngineError
from engine.instances import service as instances
from engine.usertasks import service as usertasks
from engine.web.api import reading, system, transaction
from engine.web.pages.common import (
    INSTANCE_OPERATORS,
    INSTANCE_STATUS,
    INSTANCE_WATCHERS,
    PAGE_SIZE,
    TASK_STATE,
    bp,
    full_names,
    me,
    page_message,
    process_names,
    require,
)

EVENT_KIND = {
    "start_deferred": "Chờ khởi động (sau bước đã khởi tạo)",
    "instance_started": "Bắt đầu",
    "user_task_created": "Tạo công việc",
    "user_task_completed": "Hoàn thành công việc",
    "user_task_claimed": "Nhận xử lý",
    "user_task_unclaimed": "Trả lại",
    "user_task_cancelled": "Hủy công việc",
    "timer_fired": "Hết hạn (bộ hẹn giờ)",
    "message_received": "Nhận thông điệp",
    "signal_received": "Nhận tín hiệu",
    "rescheduled": "Điều chỉnh thời hạn theo lịch làm việc",
    "step_completed": "Thực hiện bước",
    "instance_completed": "Kết thúc",
    "incident": "Lỗi",
    "incident_resolved": "Chạy lại",
}


@bp.get("/instances")
def instance_list():
    """Quy trình: instances filtered by process and status."""
    require(INSTANCE_WATCHERS)
    process_id = request.args.get("process_id") or None
    status = request.args.get("status") if request.args.get("status") in INSTANCE_STATUS else None
    offset = max(request.args.get("offset", 0, type=int), 0)
    with reading() as session:
        rows = instances.list_(
            session=session, process_id=process_id, status=status, limit=PAGE_SIZE, offset=offset
        )
        return render_template(
            "instances.html",
            rows=rows,
            process_names=process_names(session),
            people=full_names(session, {r.started_by for r in rows if r.started_by}),
            process_id=process_id,
            status=status,
            offset=offset,
            instance_status=INSTANCE_STATUS,
        )


@bp.get("/instances/<int:instance_id>")
def instance(instance_id: int):
    """One instance: status, user tasks, waiting timers, Lịch sử xử lý, current data."""
    require(INSTANCE_WATCHERS)
    with reading() as session:
        inst = instances.get_or_raise(session=session, instance_id=instance_id)
        data, data_error = None, None
        try:
            data = instances.current_data(session=session, engine=system().engine, instance=inst)
        except EngineError as exc:
            data, data_error = None, exc.message
        events = instances.events(session=session, instance_id=instance_id)
        actors = {e.actor for e in events if e.actor} | ({inst.started_by} if inst.started_by else set())
        return render_template(
            "instance.html",
            inst=inst,
            people=full_names(session, actors),
            process_name=process_names(session).get(inst.process_id, inst.process_id),
            user_tasks=usertasks.of_instance(session=session, instance_id=instance_id),
            timers=instances.timers(session=session, instance_id=instance_id),
            events=events,
            data=data,
            data_error=data_error,
            can_retry=inst.status == "error" and me().in_any(tuple(INSTANCE_OPERATORS)),
            instance_status=INSTANCE_STATUS,
            task_state=TASK_STATE,
            event_kind=EVENT_KIND,
        )


@bp.get("/instances/<int:instance_id>/diagram.svg")
def instance_diagram(instance_id: int):
    """The instance's diagram with its state markers, for the instance page."""
    require(INSTANCE_WATCHERS)
    with reading() as session:
        return Response(
            instances.diagram_svg(session=session, instance_id=instance_id), mimetype="image/svg+xml"
        )


@bp.post("/instances/<int:instance_id>/retry")
def retry_instance(instance_id: int):
    """Chạy lại an instance in error."""
    require(INSTANCE_OPERATORS)
    try:
        with transaction() as session:
            inst = instances.lock_or_raise(session=session, instance_id=instance_id)
            instances.retry(session=session, engine=system().engine, instance=inst, actor=me().username)
        flash("Đã chạy lại quy trình; các bộ hẹn giờ đến hạn sẽ được xử lý ở lượt quét kế tiếp.", "success")
    except ConflictError as exc:
        flash(page_message(exc), "error")
    return redirect(url_for("pages.instance", instance_id=instance_id))
