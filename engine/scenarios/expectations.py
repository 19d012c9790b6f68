"""Check an `expect` step: the ready user tasks, the instance's status, end, variables and timers, and
the named domain rows. Every difference is reported, not only the first."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.instances import service as instances
from engine.instances.models import ProcessInstance, WaitingTimer
from engine.scenarios.files import local_time
from engine.scenarios.queries import CONTAINS, QUERIES
from engine.scenarios.steps import Run, StepFailed
from engine.usertasks.models import READY, UserTaskRow


def check(run: Run, expected: dict[str, Any]) -> None:
    """Raise StepFailed listing every expectation that does not hold."""
    process_id = expected.get("process", run.scenario.process)
    problems: list[str] = []
    with run.system.db.reading() as session:
        newest = session.scalar(
            select(ProcessInstance)
            .where(ProcessInstance.process_id == process_id)
            .order_by(ProcessInstance.id.desc())
            .limit(1)
        )
        needs_instance = {"status", "end", "variables"} & expected.keys()
        if needs_instance and newest is None:
            raise StepFailed(f"chưa có phiên bản nào của quy trình '{process_id}'")
        if "user_tasks" in expected:
            problems += _user_tasks(run, session, process_id, expected["user_tasks"])
        if "status" in expected and newest.status != expected["status"]:
            problems.append(f"trạng thái: mong đợi {expected['status']}, thực tế {newest.status}")
        if "end" in expected:
            problems += _end(session, newest, expected["end"])
        if "variables" in expected:
            data = instances.current_data(session=session, engine=run.system.engine, instance=newest)
            problems += _variables(data, expected["variables"])
        if "timers" in expected:
            problems += _timers(run, session, process_id, expected["timers"])
        for name, query in QUERIES.items():
            if name in expected:
                problems += _rows(name, query(session, process_id), expected[name])
    if problems:
        raise StepFailed("; ".join(problems))


def deadline(run: Run, text: str) -> datetime:
    """A date alone is that day's deadline, which ends at 24:00 local (R3); else the time written."""
    try:
        at = local_time(text, run.zone)
    except ValueError:
        raise StepFailed(f"'{text}' không phải một ngày giờ có thật") from None
    return at + timedelta(days=1) if len(text) == 10 else at


def _user_tasks(run: Run, session: Session, process_id: str, wanted: list[dict]) -> list[str]:
    ready = list(
        session.scalars(
            select(UserTaskRow)
            .where(UserTaskRow.process_id == process_id, UserTaskRow.state == READY)
            .order_by(UserTaskRow.created_at, UserTaskRow.id)
        )
    )
    left, problems = list(ready), []
    for item in wanted:
        candidates = [t for t in left if item["task"] in (t.bpmn_id, t.name)]
        if not candidates:
            names = ", ".join(_task_label(t) for t in ready) or "không có"
            problems.append(f"không có công việc '{item['task']}' sẵn sàng; đang sẵn sàng: {names}")
            continue
        differences = [_task_differences(run, t, item) for t in candidates]
        best = min(range(len(candidates)), key=lambda i: len(differences[i]))
        if differences[best]:
            problems.append(f"công việc {_task_label(candidates[best])}: " + ", ".join(differences[best]))
        left.remove(candidates[best])
    if left and not problems:
        problems.append(
            "có công việc sẵn sàng không được mong đợi: " + ", ".join(_task_label(t) for t in left)
        )
    return problems


def _task_label(task: UserTaskRow) -> str:
    return f"{task.bpmn_id} ({task.name}{', ' + task.unit_code if task.unit_code else ''})"


def _task_differences(run: Run, task: UserTaskRow, item: dict) -> list[str]:
    differences = []
    if "groups" in item and sorted(item["groups"]) != sorted(task.candidate_groups):
        differences.append(f"nhóm mong đợi {item['groups']}, thực tế {task.candidate_groups}")
    for key, actual in (("unit", task.unit_code), ("assignee", task.assignee), ("subject", task.subject)):
        if key in item and item[key] != actual:
            differences.append(f"{key} mong đợi {item[key]!r}, thực tế {actual!r}")
    if "due" in item:
        due = deadline(run, item["due"]) if item["due"] else None
        if due != task.due_at:
            differences.append(f"hạn mong đợi {run.shown(due)}, thực tế {run.shown(task.due_at)}")
    if "instructions_contain" in item and item["instructions_contain"] not in (task.instructions or ""):
        differences.append(f"hướng dẫn không chứa {item['instructions_contain']!r}")
    return differences


def _end(session: Session, instance: ProcessInstance, end_id: str) -> list[str]:
    states = instances.element_states(session=session, instance=instance)
    if instance.status == "completed" and states.get(end_id) == "completed":
        return []
    reached = [element for element, state in states.items() if state == "completed"]
    return [f"chưa kết thúc tại '{end_id}' (trạng thái {instance.status}; đã qua: {', '.join(reached)})"]


def _variables(data: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    return [
        f"biến {name}: mong đợi {value!r}, thực tế {data.get(name, '(không có)')!r}"
        for name, value in wanted.items()
        if not _matches(data.get(name), value) or name not in data
    ]


def _matches(actual: Any, wanted: Any) -> bool:
    """Equal, where a mapping expected only needs the keys it names (recursively)."""
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(
            k in actual and _matches(actual[k], v) for k, v in wanted.items()
        )
    if isinstance(wanted, list):
        return isinstance(actual, list) and len(actual) == len(wanted) and all(map(_matches, actual, wanted))
    return actual == wanted


def _timers(run: Run, session: Session, process_id: str, wanted: dict[str, str | None]) -> list[str]:
    rows = session.execute(
        select(WaitingTimer.bpmn_id, WaitingTimer.fire_at)
        .join(ProcessInstance, ProcessInstance.id == WaitingTimer.instance_id)
        .where(ProcessInstance.process_id == process_id)
    ).all()
    actual = {bpmn_id: fire_at for bpmn_id, fire_at in rows}
    expected = {bpmn_id: deadline(run, text) if text else None for bpmn_id, text in wanted.items()}
    if actual == expected:
        return []
    shown = ", ".join(f"{k} {run.shown(v)}" for k, v in sorted(actual.items())) or "không có"
    wanted_shown = ", ".join(f"{k} {run.shown(v)}" for k, v in sorted(expected.items())) or "không có"
    return [f"bộ hẹn giờ đang chờ: mong đợi {wanted_shown}, thực tế {shown}"]


def _rows(name: str, actual: list[dict], wanted: list[dict]) -> list[str]:
    problems = []
    if len(actual) != len(wanted):
        problems.append(f"{name}: mong đợi {len(wanted)} dòng, thực tế {len(actual)}")
    for n, (row, item) in enumerate(zip(actual, wanted, strict=False), start=1):
        for key, value in item.items():
            ok = value in (row[key] or "") if key == CONTAINS else row[key] == value
            if not ok:
                problems.append(f"{name} dòng {n}: {key} mong đợi {value!r}, thực tế {row[key]!r}")
    return problems
