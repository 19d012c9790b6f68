"""Completing several ready user tasks of one step (the same form) with one set of data: each in a
transaction of its own, through the same `complete` as a single one (permission, form, 409 when already
done), so that one that fails is reported and never stops or undoes the others."""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.auth.service import Principal
from engine.db import Database
from engine.errors import EngineError, ValidationError
from engine.instances.service import Engine
from engine.usertasks import service as usertasks
from engine.usertasks.models import UserTaskRow

log = logging.getLogger(__name__)
MAX_TASKS = 100  # one submit; a leader's pile of urgings is a dozen


@dataclass(frozen=True)
class Outcome:
    """What became of one user task: completed (error None), or the error that stopped it."""

    task_id: str
    error: Exception | None = None

    @property
    def done(self) -> bool:
        return self.error is None


def same_step(*, session: Session, task_ids: Sequence[str]) -> list[UserTaskRow]:
    """The user tasks named, in that order, which must exist and be of one step (process and element, so
    one form); otherwise a 422 that names the problem and changes nothing."""
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        raise ValidationError("Chưa chọn công việc nào", fields={"task": "chọn ít nhất một công việc"})
    if len(ids) > MAX_TASKS:
        problem = f"Mỗi lần xử lý được nhiều nhất {MAX_TASKS} công việc"
        raise ValidationError(problem, fields={"task": problem})
    rows = {r.id: r for r in session.scalars(select(UserTaskRow).where(UserTaskRow.id.in_(ids)))}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise ValidationError("Không tìm thấy công việc được chọn", fields={"task": ", ".join(missing)})
    found = [rows[i] for i in ids]
    if len({(r.process_id, r.bpmn_id) for r in found}) > 1:
        problem = "Các công việc được chọn phải cùng một bước xử lý (cùng một biểu mẫu)"
        raise ValidationError(problem, fields={"task": problem})
    return found


def complete_each(
    *, db: Database, engine: Engine, task_ids: Sequence[str], data: dict[str, Any], user: Principal
) -> list[Outcome]:
    """Complete each user task with `data`, each in its own transaction; the outcome of each, in order."""
    outcomes = []
    for task_id in task_ids:
        try:
            with db.transaction() as session:
                usertasks.complete(
                    session=session, engine=engine, task_id=task_id, data=copy.deepcopy(data), user=user
                )
        except Exception as exc:  # one user task's failure is its own; the loop goes on with the others
            if not isinstance(exc, EngineError):  # not a refusal made on purpose: worth a traceback
                log.exception("completing user task %s of a batch failed", task_id)
            outcomes.append(Outcome(task_id, exc))
        else:
            outcomes.append(Outcome(task_id))
    return outcomes
