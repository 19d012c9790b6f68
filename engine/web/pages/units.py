"""Danh mục đơn vị (for the administrator): the units with type, parent, active dates and successor; add,
rename, change type or parent, end a unit with a successor (its open assignments move); which unit types
send periodic reports; VP's tracking rooms. The rules are the directory's (engine.directory)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine import clock, history
from engine.directory import succession, units
from engine.directory.checks import inactive_message
from engine.directory.rows import LABELS
from engine.errors import ValidationError
from engine.web.api import reading, system, transaction
from engine.web.pages.common import bp, form_day, full_names, me, require, today

ADMINS = {"admin"}
FIELD_LABELS = {**LABELS, "successor_code": "Đơn vị kế thừa"}


@bp.get("/units")
def unit_list():
    """Danh mục đơn vị, with the add form, the reporting unit types and the tracking rooms."""
    require(ADMINS)
    return _list()


@bp.post("/units")
def create_unit():
    """Thêm đơn vị."""
    require(ADMINS)
    form = request.form
    try:
        with transaction() as session:
            unit = units.create(
                session=session,
                code=form.get("code", ""),
                name=form.get("name", ""),
                unit_type=form.get("unit_type", ""),
                parent_code=form.get("parent_code") or None,
                active_from=form_day(form.get("active_from"), "active_from"),
                actor=me().username,
                today=today(),
                now=clock.now(),
            )
    except ValidationError as exc:
        return _list(errors=exc.fields, status=422)
    flash(f"Đã thêm đơn vị {unit.name}.", "success")
    return redirect(url_for("pages.unit_detail", code=unit.code))


@bp.get("/units/<code>")
def unit_detail(code: str):
    """One unit: change it, end it with a successor, its history."""
    require(ADMINS)
    return _detail(code)


@bp.post("/units/<code>")
def update_unit(code: str):
    """Save the name, type and parent."""
    require(ADMINS)
    values = {f: request.form.get(f, "") for f in units.EDITABLE}
    try:
        with transaction() as session:
            units.update(
                session=session, code=code, values=values, actor=me().username, today=today(), now=clock.now()
            )
    except ValidationError as exc:
        return _detail(code, errors=exc.fields, status=422)
    flash("Đã lưu thông tin đơn vị.", "success")
    return redirect(url_for("pages.unit_detail", code=code))


@bp.post("/units/<code>/end")
def end_unit(code: str):
    """Kết thúc hoạt động: the successor takes the open assignments."""
    require(ADMINS)
    try:
        last_day = form_day(request.form.get("last_day"), "active_to")
        if last_day is None:
            raise ValidationError("Nhập ngày cuối cùng hoạt động", fields={"active_to": "bắt buộc"})
        with transaction() as session:
            ending = succession.end_unit(
                session=session,
                engine=system().engine,
                code=code,
                last_day=last_day,
                successor_code=request.form.get("successor_code", ""),
                actor=me().username,
                now=clock.now(),
                today=today(),
            )
            message = (
                f"Đã kết thúc hoạt động của {ending.unit.name}; {ending.successor.name} kế thừa "
                f"{ending.handed_over}."
            )
    except ValidationError as exc:
        return _detail(code, errors=exc.fields, status=422)
    flash(message, "success")
    return redirect(url_for("pages.unit_detail", code=code))


@bp.post("/units/types")
def set_unit_type():
    """Whether a unit type sends the periodic reports."""
    row = _set_type_flag("sends_reports")
    verb = "gửi" if row.sends_reports else "không gửi"
    return _type_set(f"Các đơn vị loại {row.name} {verb} báo cáo định kỳ.")


@bp.post("/units/types/local")
def set_local_government_type():
    """Whether a unit type is a local government, whose units send feedback about a sở's task (Đ21.3)."""
    row = _set_type_flag("local_government")
    verb = "là" if row.local_government else "không phải là"
    return _type_set(f"Các đơn vị loại {row.name} {verb} chính quyền địa phương.")


@bp.post("/units/types/approval")
def set_approving_type():
    """Whether a unit type's leader approves what its units send to VP (Đ8.1.c)."""
    row = _set_type_flag("leader_approval")
    verb = "phê duyệt" if row.leader_approval else "không phê duyệt"
    return _type_set(f"Lãnh đạo các đơn vị loại {row.name} {verb} báo cáo trước khi gửi Văn phòng UBND tỉnh.")


def _set_type_flag(flag: str):
    """One flag of the unit type the form names, from its "1" or not (the other flags stay as they were)."""
    require(ADMINS)
    with transaction() as session:
        return units.set_type(
            session=session,
            unit_type=request.form.get("unit_type", ""),
            actor=me().username,
            **{flag: request.form.get(flag) == "1"},
        )


def _type_set(message: str):
    flash(message, "success")
    return redirect(url_for("pages.unit_list") + "#bao-cao")


@bp.post("/units/rooms")
def add_room():
    """Thêm phòng theo dõi."""
    require(ADMINS)
    try:
        with transaction() as session:
            room = units.add_room(session=session, name=request.form.get("name", ""), actor=me().username)
    except ValidationError as exc:
        return _list(errors={"room": exc.fields.get("name", exc.message)}, status=422)
    flash(f"Đã thêm {room.name}.", "success")
    return redirect(url_for("pages.unit_list") + "#phong")


@bp.post("/units/rooms/active")
def set_room_active():
    """Ngừng hoặc dùng lại một phòng theo dõi."""
    require(ADMINS)
    active = request.form.get("active") == "1"
    with transaction() as session:
        room = units.set_room_active(
            session=session, name=request.form.get("name", ""), active=active, actor=me().username
        )
    flash(f"{room.name}: {'dùng lại' if active else 'ngừng theo dõi nhiệm vụ mới'}.", "success")
    return redirect(url_for("pages.unit_list") + "#phong")


def _list(errors: dict | None = None, status: int = 200):
    with reading() as session:
        found = units.list_units(session=session)
        types = units.unit_types(session=session)
        local_types = units.local_government_types(session=session)
        approving_types = units.approving_types(session=session)
        rooms = units.rooms(session=session)
    names = {u.code: u.name for u in found}
    return (
        render_template(
            "units.html",
            units=found,
            names=names,
            types=types,
            local_types=local_types,
            approving_types=approving_types,
            rooms=rooms,
            today=today(),
            form=request.form if errors else {},
            errors=errors or {},
        ),
        status,
    )


def _detail(code: str, errors: dict | None = None, status: int = 200):
    with reading() as session:
        unit = units.get_or_raise(session=session, code=code)
        found = units.list_units(session=session)
        changes = history.of(session, "units", code)
        people = full_names(session, {c.actor for c in changes if c.actor})
    current = today()
    active = [u for u in found if u.code != code and not inactive_message(u, current)]
    return (
        render_template(
            "unit.html",
            unit=unit,
            names={u.code: u.name for u in found},
            parents=[u for u in active],
            successors=active,
            changes=changes,
            people=people,
            field_labels=FIELD_LABELS,
            today=current,
            form=request.form if errors else {},
            errors=errors or {},
        ),
        status,
    )
