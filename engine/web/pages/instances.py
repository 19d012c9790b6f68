"""Quy trình: the instances list, one instance with its history, and what monitors and analysts do to
instances: Chạy lại (retry) one in error, Hủy (cancel) with a reason, Chuyển phiên bản (migrate) after a
preview of how the active tasks map."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from engine.definitions import service as definitions
from engine.errors import ConflictError, EngineError, ValidationError
from engine.instances import listing as instance_listing
from engine.instances import operations
from engine.instances import service as instances
from engine.usertasks import service as usertasks
from engine.web.api import reading, system, transaction
from engine.web.pages import listing
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
    page_offset,
    process_names,
    require,
    unit_names,
)

EVENT_KIND = {
    "start_deferred": "Chờ khởi động (sau bước đã khởi tạo)",
    "instance_started": "Bắt đầu",
    "user_task_created": "Tạo công việc",
    "user_task_completed": "Hoàn thành công việc",
    "user_task_claimed": "Nhận xử lý",
    "user_task_unclaimed": "Bỏ nhận xử lý",
    "user_task_assigned": "Giao xử lý",
    "user_task_cancelled": "Hủy công việc",
    "timer_fired": "Hết hạn (bộ hẹn giờ)",
    "message_received": "Nhận thông điệp",
    "signal_received": "Nhận tín hiệu",
    "message_sent": "Gửi thông điệp",
    "signal_sent": "Gửi tín hiệu",
    "rescheduled": "Điều chỉnh thời hạn theo lịch làm việc",
    "step_completed": "Thực hiện bước",
    "instance_completed": "Kết thúc",
    "incident": "Lỗi",
    "incident_resolved": "Chạy lại",
    "instance_cancelled": "Hủy quy trình",
    "instance_migrated": "Chuyển phiên bản",
}
TASK_MAPPING_STATE = {"ready": "Đang chờ xử lý", "waiting": "Đang chờ sự kiện", "started": "Đang thực hiện"}


@bp.get("/instances")
def instance_list():
    """Quy trình: instances filtered by process, version and status, searched by procedure, id and the
    business rows they work on, sorted, paged with the total; monitors and analysts pick some to move to
    another version."""
    require(INSTANCE_WATCHERS)
    process_id = request.args.get("process_id") or None
    status = request.args.get("status") if request.args.get("status") in INSTANCE_STATUS else None
    definition_id = request.args.get("definition_id", type=int)
    typed, words = listing.search_box()
    sort = listing.chosen_sort(instance_listing.SORT_KEYS)
    offset = page_offset()
    chosen = instance_listing.InstanceFilters(
        process_id=process_id, status=status, definition_id=definition_id, words=words
    )
    with reading() as session:
        rows = instance_listing.list_(
            session=session, filters=chosen, sort=sort, limit=PAGE_SIZE, offset=offset
        )
        versions = definitions.list_(session=session, process_id=process_id) if process_id else []
        filter_args = {
            "process_id": process_id,
            "status": status,
            "definition_id": definition_id,
            "q": typed or None,
        }
        return render_template(
            "instances.html",
            rows=rows,
            total=instance_listing.count(session=session, filters=chosen),
            process_names=process_names(session),
            versions=instances.versions_of(session=session, definition_ids={r.definition_id for r in rows}),
            process_versions=versions,
            people=full_names(session, {r.started_by for r in rows if r.started_by}),
            process_id=process_id,
            status=status,
            definition_id=definition_id,
            q=typed,
            sort=sort,
            filter_args=filter_args,
            page_args={**filter_args, **listing.sort_args(sort)},
            offset=offset,
            instance_status=INSTANCE_STATUS,
            can_operate=me().in_any(tuple(INSTANCE_OPERATORS)),
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
        can_operate = me().in_any(tuple(INSTANCE_OPERATORS))
        events = instances.events(session=session, instance_id=instance_id)
        if not can_operate:  # VP staff following a task: the steps people named, not the engine's joins
            events = [e for e in events if e.element_name or not e.bpmn_id]
        user_tasks = usertasks.of_instance(session=session, instance_id=instance_id)
        actors = {e.actor for e in events} | {inst.started_by}
        actors |= {t.assignee for t in user_tasks} | {t.completed_by for t in user_tasks}
        return render_template(
            "instance.html",
            inst=inst,
            version=instances.version_of(inst),
            targets=operations.targets(session=session, instance=inst) if can_operate else [],
            people=full_names(session, actors),
            process_name=process_names(session).get(inst.process_id, inst.process_id),
            user_tasks=user_tasks,
            unit_names=unit_names(session),
            technical=can_operate,
            timers=instances.timers(session=session, instance_id=instance_id),
            events=events,
            data=data,
            data_error=data_error,
            can_retry=inst.status == "error" and can_operate,
            can_operate=can_operate and inst.status in operations.MIGRATABLE,
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
    """Chạy lại an instance in error, now; if it fails again, the incident's message is flashed instead."""
    require(INSTANCE_OPERATORS)
    try:
        with transaction() as session:
            inst = instances.lock_or_raise(session=session, instance_id=instance_id)
            failed = instances.retry(
                session=session, engine=system().engine, instance=inst, actor=me().username
            )
    except ConflictError as exc:
        flash(page_message(exc), "error")
    else:
        if failed is None:
            flash("Đã chạy lại quy trình.", "success")
    return redirect(url_for("pages.instance", instance_id=instance_id))


@bp.post("/instances/<int:instance_id>/cancel")
def cancel_instance(instance_id: int):
    """Hủy quy trình: a reason is required; the event log keeps it with who cancelled."""
    require(INSTANCE_OPERATORS)
    try:
        with transaction() as session:
            inst = instances.lock_or_raise(session=session, instance_id=instance_id)
            operations.cancel(
                session=session, instance=inst, reason=request.form.get("reason", ""), actor=me().username
            )
    except (ConflictError, ValidationError) as exc:
        flash(page_message(exc), "error")
    else:
        flash("Đã hủy quy trình.", "success")
    return redirect(url_for("pages.instance", instance_id=instance_id))


@bp.get("/instances/migrate")
def migrate_preview():
    """Xem trước chuyển phiên bản: how the active tasks of each chosen instance map to the target."""
    require(INSTANCE_OPERATORS)
    ids = request.args.getlist("instance_id", type=int)
    target_id = request.args.get("target_id", type=int)
    if not ids or not target_id:
        raise ValidationError(
            "Chọn ít nhất một quy trình và phiên bản đích",
            fields={"instance_id": "bắt buộc", "target_id": "bắt buộc"},
        )
    with reading() as session:
        target, previews = operations.preview(
            session=session, engine=system().engine, instance_ids=ids, target_id=target_id
        )
        return render_template(
            "instance_migrate.html",
            target=target,
            previews=previews,
            process_name=process_names(session).get(target.process_id, target.process_id),
            mapping_state=TASK_MAPPING_STATE,
            instance_status=INSTANCE_STATUS,
        )


@bp.post("/instances/migrate")
def migrate_instances():
    """Chuyển phiên bản, confirmed from the preview: all the chosen instances, or none."""
    require(INSTANCE_OPERATORS)
    ids = request.form.getlist("instance_id", type=int)
    target_id = request.form.get("target_id", type=int)
    try:
        with transaction() as session:
            target, moved = operations.migrate(
                session=session,
                engine=system().engine,
                instance_ids=ids,
                target_id=target_id or 0,
                actor=me().username,
            )
            version = target.version
    except (ConflictError, ValidationError) as exc:
        flash(page_message(exc) if isinstance(exc, ValidationError) else exc.message, "error")
        return redirect(url_for("pages.migrate_preview", instance_id=ids, target_id=target_id))
    flash(f"Đã chuyển {len(moved)} quy trình sang phiên bản v{version}.", "success")
    if len(ids) == 1:
        return redirect(url_for("pages.instance", instance_id=ids[0]))
    return redirect(url_for("pages.instance_list", definition_id=target_id))
