"""Điều chỉnh thông tin: VP corrects a dispatched assignment's a–e (engine.assignments.corrections).

The page shows the fields as they stand; "Xem trước thay đổi" lists what would change (the service's dry
run), and "Xác nhận điều chỉnh" on that list applies it, unless the fields were changed after the preview:
then the new list is shown to be confirmed in turn, so nobody applies what they did not see."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from engine.assignments import corrections
from engine.assignments import service as assignments
from engine.assignments.correction_plans import DEADLINE_KINDS, current_values
from engine.directory import leaders
from engine.directory import units as directory
from engine.documents import service as document_service
from engine.errors import ValidationError
from engine.web.api import reading, system, transaction
from engine.web.pages.common import (
    DOCUMENT_WRITERS,
    bp,
    form_day,
    full_names,
    me,
    require,
    unit_directory,
    user_directory,
)

PREVIEW, APPLY = "preview", "apply"


@bp.get("/assignments/<int:assignment_id>/correct")
def correct_assignment(assignment_id: int):
    """The correction form, prefilled with the assignment's a–e as they stand."""
    require(DOCUMENT_WRITERS)
    return _page(assignment_id)


@bp.post("/assignments/<int:assignment_id>/correct")
def post_correction(assignment_id: int):
    """Preview the correction, or apply the previewed one; a refusal shows the form again, each problem
    beside its field (422)."""
    require(DOCUMENT_WRITERS)
    try:
        changes, reason = _typed()
        with reading() as session:
            preview = _correct(session, assignment_id, changes, reason, dry_run=True)
        if request.form.get("action") != APPLY or request.form.get("previewed") != preview.summary:
            return _page(assignment_id, preview=preview)
        with transaction() as session:
            done = _correct(session, assignment_id, changes, reason, dry_run=False)
            summary = done.summary
    except ValidationError as exc:
        return _page(assignment_id, errors=exc.fields, message=exc.message, status=422)
    flash(f"Đã điều chỉnh thông tin nhiệm vụ: {summary}.", "success")
    return redirect(url_for("pages.assignment", assignment_id=assignment_id))


def _correct(session: Session, assignment_id: int, changes: dict, reason: str, *, dry_run: bool):
    return corrections.correct_assignment(
        session=session,
        engine=system().engine,
        assignment_id=assignment_id,
        changes=changes,
        reason=reason,
        user=me(),
        dry_run=dry_run,
    )


def _typed() -> tuple[dict, str]:
    """The form's fields as the service takes them; a date typed wrong is a 422 on its field."""
    form = request.form
    has_deadline = form.get("has_deadline") == "1"
    due = form_day(form.get("due_date"), "due_date")
    changes = {
        "content": form.get("content", ""),
        "lead_unit": form.get("lead_unit", ""),
        "coordinating_units": sorted(set(form.getlist("coordinating_units"))),
        "has_deadline": has_deadline,
        "deadline_kind": (form.get("deadline_kind") or None) if has_deadline else None,
        "due_date": due.isoformat() if due and has_deadline else None,
        "tracking_room": form.get("tracking_room", ""),
        "tracking_specialist": form.get("tracking_specialist", ""),
        # Lĩnh vực and Lãnh đạo giao: left unchosen, they stay as they are (they cannot be emptied).
        **{f: form[f] for f in ("sector_code", "leader_code") if form.get(f)},
    }
    return changes, form.get("reason", "")


def _page(
    assignment_id: int,
    *,
    preview: corrections.Outcome | None = None,
    errors: dict | None = None,
    message: str | None = None,
    status: int = 200,
):
    with reading() as session:
        a = assignments.get_or_raise(session, user=me(), assignment_id=assignment_id)
        current = current_values(session, a)
        typed = request.method == "POST"
        values = {**current, **(_shown(request.form) if typed else {})}
        units = unit_directory(session)
        known = {u["code"] for u in units}
        names = {u.code: u.name for u in directory.list_units(session=session)}
        # Units and people kept from before stay choosable, so that opening the form never drops them.
        kept = [
            {"code": c, "name": names.get(c, c), "unit_type": "Không còn hoạt động"}
            for c in sorted({current["lead_unit"], *current["coordinating_units"]} - known)
        ]
        rooms = [r.name for r in directory.rooms(session=session, active_only=True)]
        specialists = user_directory(session, ["vp_specialist"])
        people = full_names(session, {current["tracking_specialist"]})
        page = render_template(
            "assignment_correct.html",
            a=a,
            doc=document_service.get_document_or_raise(session=session, document_id=a.document_id),
            values=values,
            unit_groups=_grouped(units + kept),
            rooms=rooms if current["tracking_room"] in rooms else [*rooms, current["tracking_room"]],
            specialists=specialists,
            people=people,
            sector_choices=_with_current(
                leaders.sector_choices(session=session), current["sector_code"], session
            ),
            leader_choices=_with_current(
                leaders.leader_choices(session=session), current["leader_code"], session
            ),
            deadline_kinds=DEADLINE_KINDS,
            reason=request.form.get("reason", "") if typed else "",
            preview=preview,
            errors=errors or {},
            coordinating_errors=[t for f, t in (errors or {}).items() if f.startswith("coordinating_units")],
            message=message,
        )
    return page, status


def _shown(form) -> dict:
    """What was typed, to show again as it was (a refused date included)."""
    return {
        "content": form.get("content", ""),
        "lead_unit": form.get("lead_unit", ""),
        "coordinating_units": form.getlist("coordinating_units"),
        "has_deadline": form.get("has_deadline") == "1",
        "deadline_kind": form.get("deadline_kind") or None,
        "due_date": form.get("due_date") or None,
        "tracking_room": form.get("tracking_room", ""),
        "tracking_specialist": form.get("tracking_specialist", ""),
        "sector_code": form.get("sector_code") or None,
        "leader_code": form.get("leader_code") or None,
    }


def _with_current(choices: list, code: str | None, session: Session) -> list:
    """The active entries, and the current one kept choosable when it has been retired since."""
    if code and code not in {c.code for c in choices}:
        names = {**leaders.leader_names(session=session), **leaders.sector_names(session=session)}
        choices = [*choices, leaders.Choice(code, f"{names.get(code, code)} (đã ngừng sử dụng)")]
    return choices


def _grouped(units: list[dict]) -> list[tuple[str, list[dict]]]:
    """The units by type, in the directory's order."""
    groups: dict[str, list[dict]] = {}
    for unit in units:
        groups.setdefault(unit["unit_type"], []).append(unit)
    return list(groups.items())
