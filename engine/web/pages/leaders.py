"""Lãnh đạo, lĩnh vực (for the administrator): who gives tasks (the UBND collectively, the Chairman, each
Vice-Chairman with the sectors he oversees, their accounts) and the managed list of lĩnh vực. The rules
are the directory's (engine.directory.leaders); nothing is deleted, a retired entry is deactivated."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from engine.auth.models import User
from engine.directory import leaders
from engine.directory.models import LEADER_KINDS
from engine.errors import ValidationError
from engine.web.api import reading, transaction
from engine.web.pages.common import bp, full_names, me, require

ADMINS = {"admin"}
FIELD_LABELS = {
    "kind": "Loại",
    "title": "Chức danh",
    "person_name": "Họ và tên",
    "username": "Tài khoản",
    "position": "Thứ tự",
    "active": "Còn giao nhiệm vụ",
    "name": "Tên lĩnh vực",
    "sector_code": "Lĩnh vực",
}


@bp.get("/leaders")
def leader_list():
    """The leaders and the sectors, with the forms to add one of each."""
    require(ADMINS)
    return _page()


@bp.post("/leaders")
def create_leader():
    """Thêm lãnh đạo giao nhiệm vụ."""
    require(ADMINS)
    try:
        with transaction() as session:
            row = leaders.create_leader(
                session=session,
                values={"code": request.form.get("code", ""), **_leader_form()},
                actor=me().username,
            )
            name = leaders.label(row)
    except ValidationError as exc:
        return _page(errors=exc.fields, status=422)
    flash(f"Đã thêm {name}.", "success")
    return redirect(url_for("pages.leader_list"))


@bp.get("/leaders/<code>")
def leader_detail(code: str):
    """One leader: change it (sectors, account, retire) and its history."""
    require(ADMINS)
    return _page(code=code)


@bp.post("/leaders/<code>")
def update_leader(code: str):
    """Save a leader."""
    require(ADMINS)
    values = {**_leader_form(), "active": request.form.get("active") == "1"}
    try:
        with transaction() as session:
            name = leaders.label(
                leaders.update_leader(session=session, code=code, values=values, actor=me().username)
            )
    except ValidationError as exc:
        return _page(code=code, errors=exc.fields, status=422)
    flash(f"Đã lưu thông tin {name}.", "success")
    return redirect(url_for("pages.leader_list"))


@bp.post("/sectors")
def create_sector():
    """Thêm lĩnh vực."""
    require(ADMINS)
    try:
        with transaction() as session:
            row = leaders.create_sector(
                session=session,
                code=request.form.get("code", ""),
                name=request.form.get("name", ""),
                actor=me().username,
            )
            name = row.name
    except ValidationError as exc:
        return _page(errors={f"sector_{k}": v for k, v in exc.fields.items()}, status=422)
    flash(f"Đã thêm lĩnh vực {name}.", "success")
    return redirect(url_for("pages.leader_list") + "#linh-vuc")


@bp.post("/sectors/<code>")
def update_sector(code: str):
    """Rename a sector, or stop (resume) offering it."""
    require(ADMINS)
    form = request.form
    values = {"name": form["name"]} if "name" in form else {"active": form.get("active") == "1"}
    try:
        with transaction() as session:
            row = leaders.update_sector(session=session, code=code, values=values, actor=me().username)
            name, active = row.name, row.active
    except ValidationError as exc:
        return _page(errors={f"sector_{code}": exc.fields.get("name", exc.message)}, status=422)
    flash(f"Lĩnh vực {name}: {'đang sử dụng' if active else 'ngừng sử dụng cho nhiệm vụ mới'}.", "success")
    return redirect(url_for("pages.leader_list") + "#linh-vuc")


def _leader_form() -> dict:
    form = request.form
    position = form.get("position", "").strip()
    return {
        "kind": form.get("kind", ""),
        "title": form.get("title", "").strip() or LEADER_KINDS.get(form.get("kind", ""), ""),
        "person_name": form.get("person_name", ""),
        "username": form.get("username") or None,
        "position": int(position) if position.isdigit() else (position or 0),
        "sectors": form.getlist("sectors"),
    }


def _page(code: str | None = None, errors: dict | None = None, status: int = 200):
    with reading() as session:
        leader = leaders.get_leader(session=session, code=code) if code else None
        found = leaders.leaders(session=session)
        overseen = leaders.sectors_of(session=session)
        sectors = leaders.sectors(session=session)
        accounts = session.execute(
            select(User.username, User.full_name).where(User.active.is_(True)).order_by(User.full_name)
        ).all()
        changes = leaders.leader_history(session, code) if code else []
        people = full_names(session, {r.username for r in found} | {c.actor for c in changes})
    if leader is not None and not errors:
        form = {
            "kind": leader.kind,
            "title": leader.title,
            "person_name": leader.person_name or "",
            "username": leader.username or "",
            "position": leader.position,
            "active": leader.active,
            "sectors": overseen.get(leader.code, []),
        }
    elif errors:
        form = {**request.form.to_dict(), "sectors": request.form.getlist("sectors")}
        form["active"] = request.form.get("active") == "1"
    else:
        form = {"kind": "vice_chairman", "sectors": [], "active": True}
    errors = dict(errors or {})
    picked = [v for k, v in errors.items() if k.startswith("sectors/")]
    if picked:  # one message beside the checkboxes for every unknown sector code
        errors["sectors"] = "; ".join([errors.get("sectors", ""), *picked]).strip("; ")
    return (
        render_template(
            "leaders.html",
            leader=leader,
            leaders=found,
            label=leaders.label,
            overseen=overseen,
            sectors=sectors,
            sector_names={s.code: s.name for s in sectors},
            accounts=accounts,
            kinds=LEADER_KINDS,
            changes=changes,
            people=people,
            field_labels=FIELD_LABELS,
            form=form,
            errors=errors,
            leader_errors=any(not k.startswith("sector_") for k in errors),
        ),
        status,
    )
