"""Start → complete the intake user task → finish: the persisted service path (SQLite) against bare
SpiffWorkflow in memory on the same diagram, in the same run."""

from __future__ import annotations

import itertools
import json
import time
from datetime import date, datetime

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.loader import build_specs
from engine.calendar import WorkCalendar
from engine.documents import service as document_service
from engine.usertasks import service as usertasks
from engine.usertasks.models import UserTaskRow
from tests.bench.conftest import report
from tests.conftest import ROOT, classification, two_task_document


class BareEngine(PythonScriptEngine):
    """Stock engine (eval/exec, no sandbox), plus the two things the diagram needs from any engine."""

    calendar = WorkCalendar()

    def evaluate(self, task, expression, external_context=None):
        result = super().evaluate(task, expression, external_context)
        is_date = isinstance(result, date) and not isinstance(result, datetime)
        return self.calendar.end_of_day(result).isoformat() if is_date else result  # a date-valued timer

    def call_service(self, task, operation_name, operation_params):
        return json.dumps([1, 2] if operation_name == "create_assignments" else 1)


def bare_rate(n: int) -> float:
    calendar = BareEngine.calendar
    helpers = {"add_working_days": calendar.add_working_days, "end_of_day": calendar.end_of_day}
    engine = BareEngine(environment=TaskDataEnvironment(helpers))
    spec, subs = build_specs([("intake.bpmn", (ROOT / "processes" / "intake.bpmn").read_bytes())], "intake")
    document = two_task_document()
    form = classification()
    started = time.perf_counter()
    for i in range(n):
        wf = BpmnWorkflow(spec, subs, script_engine=engine)
        wf.task_tree.data.update(
            document={**document, "id": i, "draft_tasks": document["tasks"]},
            issued_on=date(2025, 1, 24),
            needs_consultation=False,
        )
        wf.do_engine_steps()
        [task] = wf.get_tasks(state=TaskState.READY, manual=True)
        task.data.update(form)
        task.run()
        wf.do_engine_steps()
        assert wf.is_completed()
    return n / (time.perf_counter() - started)


NUMBERS = itertools.count(1)  # each document its own number across the interleaved runs: no duplicates


def persisted_rate(system, directory, n: int) -> float:
    cv = directory["cv"]
    form = classification()
    started = time.perf_counter()
    for _ in range(n):
        payload = two_task_document(number=f"{next(NUMBERS)}/QĐ")
        with system.db.transaction() as session:
            document = document_service.register_document(
                session=session, engine=system.engine, payload=payload, actor="cv"
            )
            instance_id = document.intake_instance_id
        with system.db.transaction() as session:
            task_id = session.query(UserTaskRow.id).filter_by(instance_id=instance_id, state="ready").scalar()
            usertasks.complete(session=session, engine=system.engine, task_id=task_id, data=form, user=cv)
    return n / (time.perf_counter() - started)


def test_persisted_path_against_bare_spiffworkflow(system, directory, full):
    n = 500 if full else 20
    bare_rate(5), persisted_rate(system, directory, 5)  # warm caches and imports
    bare = bare_rate(n)
    persisted = persisted_rate(system, directory, n)
    report(
        f"intake start → complete → finish, {n} instances",
        [
            ("bare SpiffWorkflow, in memory", f"{bare:.0f} instances/s"),
            ("theodoi service layer, SQLite", f"{persisted:.0f} instances/s"),
            ("ratio persisted / bare", f"{persisted / bare:.2f} (aim ≥ 0.33)"),
        ],
    )
    assert persisted > 0 and bare > 0
