"""A calendar correction: an administrator adds, changes or removes an override, and every open deadline
that depends on it moves in the same unit of work: its row, its process data and waiting timers, the
texts that quote it, a history entry naming the change, and a notice to whoever the deadline binds.

The API and the CLI both call `change_override`; with `dry_run` it only plans (engine.workdays.moves)
and writes nothing, so a preview lists exactly what the real run then changes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from engine import history
from engine.assignments.models import Assignment, DeadlineAdjustment
from engine.assignments.operators.common import view
from engine.calendar import WorkCalendar
from engine.errors import NotFoundError
from engine.feedback.models import LocalFeedback
from engine.inspections.models import Inspection
from engine.instances import service as instances
from engine.instances.rescheduling import reschedule
from engine.instances.service import Engine
from engine.notifications.operators import UNIT_GROUPS
from engine.notifications.writing import About, about_instance, write
from engine.operators import StepContext
from engine.reports.models import ReportRound, ReportSubmission, SecretReportObligation
from engine.workdays import moves, planning, service
from engine.workdays.models import CalendarChange, CalendarOverride, DeadlineMove

# The row and column that hold each kind of moved date (Move.entity names the row); every one of them is
# a tracked row, so the change history records who moved it, when, the old and the new date. T2 and the
# update obligations live in process data only.
DATE_COLUMNS = {
    "assignment": (Assignment, "effective_due_date"),
    "feedback_t5": (LocalFeedback, "response_due"),
    "inspection_t4": (Inspection, "report_due"),
    "report_t6": (ReportSubmission, "due_date"),
    "report_t7": (ReportRound, "consolidation_due"),
    "secret_report": (SecretReportObligation, "due_date"),
}
# Deadlines VP keeps rather than a unit: its tracking specialists are told.
VP_GROUP = "vp_specialist"
VP_KINDS = {"intake_t1", "feedback_t5", "inspection_t4", "report_t7", "report_receipt", "secret_receipt"}
NOTICE_KIND = "deadline_moved"


@dataclass(frozen=True)
class Correction:
    """What a calendar correction did, or (dry run) would do."""

    day: date
    working: bool | None  # None: the override is removed
    override: CalendarOverride | None  # the row as it stands after the change (before it, on a dry run)
    change: CalendarChange | None  # None on a dry run, or when nothing changed
    moves: list[moves.Move]
    dry_run: bool


def change_override(
    *,
    session: Session,
    engine: Engine,
    day: date,
    working: bool | None,
    note: str = "",
    actor: str | None,
    now: datetime,
    dry_run: bool = False,
) -> Correction:
    """Declare `day` a working day or a day off (`working`), or remove its override (None), and move
    every open deadline that depends on it; with `dry_run`, only say what would move."""
    current = service.get_override(session=session, day=day)
    before = service.calendar(session=session, settings=engine.settings)
    overrides = dict(before.overrides)
    if working is None:
        if current is None:
            raise NotFoundError(f"no calendar override on {day.isoformat()}")
        overrides.pop(day)
    else:
        overrides[day] = working
    after = service.calendar_with(overrides, settings=engine.settings)
    plan = planning.plan(session=session, engine=engine, before=before, after=after, day=day)
    if dry_run:
        return Correction(day, working, current, None, plan.moves, True)
    note = (note or "").strip()
    change = service.write_override(
        session=session, day=day, working=working, note=note, actor=actor, now=now
    )
    if change is not None:
        _apply(session, engine, plan, change, after, actor, now)
    row = service.get_override(session=session, day=day)
    return Correction(day, working, row, change, plan.moves if change else [], False)


def _apply(
    session: Session,
    engine: Engine,
    plan: moves.Plan,
    change: CalendarChange,
    after: WorkCalendar,
    actor: str | None,
    now: datetime,
) -> None:
    basis = reason(change, after)
    with history.acting_as(actor):
        for move in plan.moves:
            _move_row(session, move, basis, actor, now)
        session.flush()
    cause = {"calendar_change_id": change.id, "day": change.day.isoformat()}
    for instance_id in plan.instance_ids:
        instance = instances.lock_or_raise(session=session, instance_id=instance_id)
        changes = dict(plan.variables.get(instance_id, {}))
        if instance_id in plan.assignment_views:
            a = session.get(Assignment, plan.assignment_views[instance_id])
            ctx = StepContext(session, instance_id, instance.process_id, actor, now, after, engine)
            changes["assignment"] = changes["watched"] = view(ctx, a)
        signal = moves.ASSIGNMENT_CHANGED if instance_id in plan.signals else None
        reschedule(
            session=session,
            engine=engine,
            instance=instance,
            changes=changes,
            actor=actor,
            signal=signal,
            cause=cause,
        )
    session.add_all(
        DeadlineMove(
            change_id=change.id,
            kind=m.kind,
            subject=m.subject,
            unit_code=m.unit_code,
            unit_name=m.unit_name,
            old_date=m.old,
            new_date=m.new,
            entity=m.entity,
            entity_id=m.entity_id,
            instance_id=m.instance_id,
        )
        for m in plan.moves
    )
    _notify(session, plan.moves, basis, now)
    session.flush()


def _move_row(session: Session, move: moves.Move, basis: str, actor: str | None, now: datetime) -> None:
    """Write the new date into the row that holds it. An assignment's deadline changes as a Chairman's
    extension does: with a DeadlineAdjustment, so that reports as of an earlier date keep the old one."""
    if move.kind not in DATE_COLUMNS or move.entity_id is None:
        return  # a date held in process data alone, or a round not open yet
    model, column = DATE_COLUMNS[move.kind]
    row = session.get(model, int(move.entity_id))
    setattr(row, column, move.new)
    if isinstance(row, ReportSubmission):
        session.get(ReportRound, row.round_id).unit_due = move.new  # the round's T6 is its units'
    if isinstance(row, Assignment):
        session.add(
            DeadlineAdjustment(
                assignment_id=row.id,
                old_due_date=row.due_date,
                old_effective_due_date=move.old,
                new_due_date=row.due_date,
                new_effective_due_date=move.new,
                basis=basis,
                decided_by=actor,
                decided_at=now,
            )
        )


def reason(change: CalendarChange, calendar: WorkCalendar) -> str:
    """Why deadlines moved, as the history and the notices say it: the day, what it is now, the note."""
    day = f"{change.day:%d/%m/%Y}"
    if change.new is None:
        now_is = "ngày làm việc" if calendar.is_working_day(change.day) else "ngày nghỉ"
        text = f"Lịch làm việc: bỏ khai báo ngày {day}, ngày này trở lại là {now_is} theo lịch chung"
    else:
        now_is = "ngày làm việc" if change.new["working"] else "ngày nghỉ"
        text = f"Lịch làm việc: ngày {day} được khai báo là {now_is}"
        if change.new.get("note"):
            text += f" ({change.new['note']})"
    return f"{text} [thay đổi lịch số {change.id}]."


def _notify(session: Session, moved: list[moves.Move], basis: str, now: datetime) -> None:
    """One notice per unit (its leader and staff) and one to VP's tracking specialists, listing what moved
    for them; a round not yet open binds nobody yet."""
    by_recipient: dict[tuple[str, str | None], list[moves.Move]] = defaultdict(list)
    for move in moved:
        if move.kind in VP_KINDS:
            by_recipient[(VP_GROUP, None)].append(move)
        elif move.unit_code is not None:
            for group in UNIT_GROUPS:
                by_recipient[(group, move.unit_code)].append(move)
    for (group, unit), listed in by_recipient.items():
        lines = [
            f"- {m.subject} — {moves.KINDS[m.kind]}: từ ngày {m.old:%d/%m/%Y} sang ngày {m.new:%d/%m/%Y}"
            for m in listed
        ]
        message = f"{basis} Các thời hạn được điều chỉnh theo lịch mới:\n" + "\n".join(lines)
        # A notice about one instance's deadlines leads to it; one listing several, nowhere in particular.
        moved_in = {m.instance_id for m in listed}
        about = about_instance(session, moved_in.pop()) if len(moved_in) == 1 else About()
        write(session, kind=NOTICE_KIND, message=message, about=about, now=now, group=group, unit=unit)


def describe(done: Correction) -> list[str]:
    """The correction as the command line prints it: what the day is now, then one line per move."""
    what = "bỏ khai báo" if done.working is None else ("ngày làm việc" if done.working else "ngày nghỉ")
    lines = [f"{done.day.isoformat()}: {what}" + (" (chạy thử: chưa thay đổi gì)" if done.dry_run else "")]
    if not done.moves:
        lines.append("Không có thời hạn nào phải điều chỉnh.")
        return lines
    verb = "sẽ được" if done.dry_run else "đã được"
    lines.append(f"{len(done.moves)} thời hạn {verb} điều chỉnh:")
    lines += [
        f"  {moves.KINDS[m.kind]} | {m.subject} | {m.unit_name} | {m.old:%d/%m/%Y} → {m.new:%d/%m/%Y}"
        for m in done.moves
    ]
    return lines
