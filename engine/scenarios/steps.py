"""What a scenario's steps do, through the same services the pages and the API call: register a
document, start a process, give an official the unit's part of an assignment, complete a user task as a
user, move the clock and sweep the timers, deliver a message or a signal. A step that cannot be done
raises StepFailed with the reason in Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.assignments import internal
from engine.auth import service as auth
from engine.auth.models import User
from engine.auth.service import Principal
from engine.clock import FrozenClock
from engine.definitions import scheduled
from engine.documents import service as document_service
from engine.errors import EngineError
from engine.instances import service as instances
from engine.instances import starting
from engine.instances.jobs import sweep
from engine.instances.models import ProcessInstance
from engine.scenarios.files import Scenario, Step, local_time
from engine.system import System
from engine.usertasks import service as usertasks
from engine.workdays import service as workdays


class StepFailed(Exception):
    """A step that could not be done, or an expectation that did not hold; the message is Vietnamese."""


@dataclass
class Run:
    """One scenario being run on its own copy of the scratch database."""

    system: System
    scenario: Scenario
    clock: FrozenClock
    known_tasks: dict[str, set[str]]  # process id -> bpmn ids and names of its user tasks

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.system.settings.timezone)

    def shown(self, at: datetime | None) -> str:
        """A time as the analyst wrote it: local, "2025-02-08 00:00"."""
        return at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if at else "không có"

    def user(self, username: str) -> Principal:
        with self.system.db.reading() as session:
            row = session.scalar(select(User).where(User.username == username))
            if row is None:
                raise StepFailed(f"không có người dùng '{username}' trong danh mục của kịch bản")
            return auth.principal(row)


def perform(run: Run, step: Step) -> None:
    """Do one step (not an expectation)."""
    ACTIONS[step.kind](run, step.args)


def _register_document(run: Run, args: dict) -> None:
    user = run.user(args["as"])
    with run.system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=run.system.engine, payload=args["data"], actor=user.username
        )


def _start(run: Run, args: dict) -> None:
    user = run.user(args["as"])
    with run.system.db.transaction() as session:
        starting.start_on_demand(
            session=session,
            engine=run.system.engine,
            process_id=args.get("process", run.scenario.process),
            data=args.get("data", {}),
            user=user,
        )


def _give_internal_task(run: Run, args: dict) -> None:
    user = run.user(args["as"])
    now = run.clock.now()
    with run.system.db.transaction() as session:
        internal.create(
            session,
            engine=run.system.engine,
            user=user,
            assignment_id=args["assignment_id"],
            payload=args["data"],
            today=now.astimezone(run.zone).date(),
            now=now,
        )


def _start_scheduled(run: Run, _args: Any) -> None:
    with run.system.db.transaction() as session:
        scheduled.ensure_running(session=session, engine=run.system.engine)


def _complete(run: Run, args: dict) -> None:
    user = run.user(args["as"])
    wanted, unit = args["task"], args.get("unit")
    if not any(wanted in names for names in run.known_tasks.values()):
        raise StepFailed(
            f"không có công việc người dùng nào mã hoặc tên '{wanted}' trong các sơ đồ đã triển khai"
        )
    with run.system.db.reading() as session:
        inbox = usertasks.inbox(session=session, user=user, limit=1000)
    found = [t for t in inbox if wanted in (t.bpmn_id, t.name) and (unit is None or t.unit_code == unit)]
    if not found:
        have = "; ".join(f"{t.bpmn_id} ({t.name}{', ' + t.unit_code if t.unit_code else ''})" for t in inbox)
        raise StepFailed(
            f"'{wanted}'{' của ' + unit if unit else ''} không có trong hộp việc của {user.username} "
            f"({user.full_name}); hộp việc có: {have or 'không có việc nào'}"
        )
    if len(found) > 1:
        units = ", ".join(str(t.unit_code) for t in found)
        raise StepFailed(
            f"có {len(found)} công việc '{wanted}' trong hộp việc ({units}): thêm 'unit' để chọn một"
        )
    with run.system.db.transaction() as session:
        usertasks.complete(
            session=session,
            engine=run.system.engine,
            task_id=found[0].id,
            data=args.get("data", {}),
            user=user,
        )


def _advance(run: Run, args: dict) -> None:
    now = run.clock.now()
    if "to" in args:
        target = _parsed(args["to"], run.zone)
    elif "after" in args:
        target = _parsed(args["after"], run.zone) + timedelta(days=1, seconds=1)
    elif "working_days" in args:
        with run.system.db.reading() as session:
            calendar = workdays.calendar(session=session, settings=run.system.settings)
        local = now.astimezone(run.zone)
        day = calendar.add_working_days(local.date(), args["working_days"])
        target = datetime.combine(day, local.timetz())
    else:
        target = now + timedelta(days=args.get("days", 0), hours=args.get("hours", 0))
    if target < now:
        raise StepFailed(f"không lùi đồng hồ được: từ {run.shown(now)} về {run.shown(target)}")
    run.clock.move_to(target)
    result = sweep(run.system, now=target)
    if result.failed:
        faults = "; ".join(f"phiên bản quy trình {i}: {m}" for i, m in result.failed.items())
        raise StepFailed(f"đến {run.shown(target)} thì bộ hẹn giờ gặp sự cố: {faults}")


def _deliver(run: Run, args: dict) -> None:
    kind = "message" if "message" in args else "signal"
    process_id = args.get("process", run.scenario.process)
    with run.system.db.transaction() as session:
        newest = session.scalar(
            select(ProcessInstance.id)
            .where(ProcessInstance.process_id == process_id, ProcessInstance.status == "running")
            .order_by(ProcessInstance.id.desc())
            .limit(1)
        )
        if newest is None:
            raise StepFailed(f"không có phiên bản nào của quy trình '{process_id}' đang chạy để nhận {kind}")
        instance = instances.lock_or_raise(session=session, instance_id=newest)
        instances.deliver(
            session=session,
            engine=run.system.engine,
            instance=instance,
            kind=kind,
            name=args[kind],
            payload=args.get("payload"),
            actor="scenario",
        )


def _parsed(text: str, zone: ZoneInfo) -> datetime:
    try:
        return local_time(text, zone)
    except ValueError:
        raise StepFailed(f"'{text}' không phải một ngày giờ có thật") from None


def engine_failure(exc: EngineError) -> str:
    """An engine error as the analyst reads it: its message and every field it names."""
    fields = exc.details.get("fields") or {}
    named = "; ".join(f"{name or '(cả biểu mẫu)'}: {problem}" for name, problem in fields.items())
    return f"{exc.message}{' (' + named + ')' if named else ''}"


ACTIONS = {
    "register_document": _register_document,
    "start": _start,
    "start_scheduled": _start_scheduled,
    "give_internal_task": _give_internal_task,
    "complete": _complete,
    "advance": _advance,
    "deliver": _deliver,
}
