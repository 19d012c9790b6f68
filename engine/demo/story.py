"""The people of the demo and what they did over the past months, read from demo.json.

Two kinds of behaviour, both through the services the pages call:
- scripted steps, each on a day given as a working-day offset from today (engine.demo.days): VP registers
  and classifies the documents (VP's leadership urges a late one); each unit accepts or returns its
  assignment, updates it, reports a difficulty or its result (with a PDF); VP handles returns and confirms
  results; a commune sends feedback about a sở; the Chairman directs; a sở writes its yearly inspection
  plan, its leader approves it, and people start processes (an inspection, from the plan or not) and
  take their steps.
  A scripted step whose user task is not ready is a broken story: DemoError.
- routines, reacting to user tasks the processes raise on their own: VP sends the urging letter the
  timers asked for after T2 and, when it goes unanswered, proposes measures the Chairman directs; VP
  advises on each difficulty; the sở's leaders approve what their staff send; units send their periodic
  and secret-regime reports; VP consolidates and publishes. A routine that falls after today never happened;
  one whose user task closed meanwhile (a report round's cut-off) is skipped."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from engine import clock
from engine.assignments import coordination
from engine.assignments import service as assignment_service
from engine.assignments.models import Assignment, DifficultyReport
from engine.auth import service as auth
from engine.auth.models import User
from engine.demo.days import Days
from engine.demo.plans import plan_values
from engine.demo.replay import DemoError, NewTask, Replay
from engine.directory.models import Unit
from engine.documents import service as document_service
from engine.documents.models import Document
from engine.files import service as files
from engine.inspections import service as inspections
from engine.inspections.models import InspectionPlanItem
from engine.instances import starting
from engine.instances.models import ProcessInstance
from engine.notifications import reads
from engine.system import System
from engine.usertasks import service as usertasks
from engine.usertasks.models import READY, UserTaskRow

HERE = Path(__file__).resolve().parent
# Form fields that hold a date: the story writes them as working-day offsets.
DATE_FIELDS = (
    "completed_on",
    "new_due_date",
    "proposed_due_date",
    "sent_on",
    "planned_from",
    "planned_to",
    "decision_date",
    "inspected_report_due",
    "start_date",
    "end_date",
    "due_date",
)
# A routine's form value standing for the day the step is taken (a secret report's "sent on").
ON_THE_DAY = "on the day"
# When in the working day people usually do each thing (local time), unless a step says otherwise.
USUAL_TIME = {
    "register": "08:20",
    "classify": "10:05",
    "review": "08:45",
    "handle_return": "14:10",
    "update": "15:30",
    "coordinate": "11:15",
    "confirm": "10:20",
    "give_direction": "16:05",
    "urge_classification": "08:40",
    "feedback": "09:50",
    "handle_feedback": "14:40",
    "read": "17:10",
    "write_plan": "09:30",
    "approve_plan": "15:20",
    "start": "09:15",
    "propose": "14:30",
    "decide_unit": "16:15",
    "decide_chairman": "16:20",
    "inspected_report": "10:40",
    "fieldwork": "16:45",
    "report": "15:10",
    "answer": "14:20",
    "approve_answer": "16:40",
}


class Story:
    """demo.json's documents, steps and routines, played on a Replay."""

    def __init__(self, *, system: System, spec: dict, days: Days) -> None:
        self.system, self.spec, self.days = system, spec, days
        self.routines: dict[str, Any] = spec["routines"]
        self.replay: Replay | None = None
        self.documents: dict[int, int] = {}  # document index -> id
        self.assignments: dict[tuple[int, int], int] = {}  # (document index, task index) -> id
        self.feedback: dict[int, int] = {}  # feedback index -> its process instance
        self.plans: dict[int, int] = {}  # inspection plan index -> id
        self.plan_items: dict[int, list[int]] = {}  # inspection plan index -> its items' ids, in order
        self.started: dict[int, int] = {}  # "processes" index -> its process instance
        self.letters = 0  # urging letters sent, which number the next one
        with system.db.reading() as session:
            self.people = {u.username: auth.principal(u) for u in session.scalars(select(User))}

    # --- the script ------------------------------------------------------------------------------------

    def plan(self, replay: Replay) -> None:
        """Put every scripted step on the replay's agenda."""
        self.replay = replay
        for d, doc in enumerate(self.spec["documents"]):
            registered = doc["registered"]
            on = registered.get("on", doc["issued"])
            label = f"register {doc['number']}"
            self._at(on, registered.get("at"), "register", label, self._register(d, doc))
            if "classified" in doc:
                classified = doc["classified"]
                label = f"classify {doc['number']}"
                self._at(classified["on"], classified.get("at"), "classify", label, self._classify(d, doc))
            for step in doc.get("steps", []):  # the intake's own user tasks (a late classification's urging)
                self._plan_step(step, f"of {doc['number']}", self._step(lambda d=d: self._intake_of(d), step))
            for t, task in enumerate(doc["tasks"]):
                for step in task.get("steps", []):
                    run = self._step(lambda d=d, t=t: self._instance_of(d, t), step, assignment=(d, t))
                    self._plan_step(step, f"of task {t + 1} of {doc['number']}", run)
        for f, feedback in enumerate(self.spec.get("feedback", [])):
            label = f"feedback {f + 1} by {feedback['by']}"
            self._at(feedback["on"], feedback.get("at"), "feedback", label, self._send_feedback(f, feedback))
            for step in feedback.get("steps", []):
                self._plan_step(step, f"of feedback {f + 1}", self._step(lambda f=f: self.feedback[f], step))
        for p, plan in enumerate(self.spec.get("inspection_plans", [])):
            label = f"inspection plan {p + 1} by {plan['by']}"
            self._at(plan["on"], plan.get("at"), "write_plan", label, self._write_plan(p, plan))
            approved = plan["approved"]
            label = f"approval of inspection plan {p + 1} by {approved['by']}"
            run = self._approve_plan(p, approved["by"])
            self._at(approved["on"], approved.get("at"), "approve_plan", label, run)
        for s, start in enumerate(self.spec.get("processes", [])):
            of = f"of {start['process']} {s + 1}"
            label = f"start {of} by {start['by']}"
            self._at(start["on"], start.get("at"), "start", label, self._start(s, start))
            for step in start.get("steps", []):
                self._plan_step(step, of, self._step(lambda s=s: self.started[s], step))
        for read in self.spec.get("reads", []):
            self._at(read["on"], read.get("at"), "read", f"{read['by']} reads", self._read(read["by"]))

    def _plan_step(self, step: dict, of: str, run: Callable[[], None]) -> None:
        self._at(step["on"], step.get("at"), step["do"], f"{step['do']} {of} by {step['by']}", run)

    def _at(self, offset: int, at: str | None, what: str, label: str, run: Callable[[], None]) -> None:
        self.replay.schedule(self.days.at(offset, at or USUAL_TIME[what]), label, run)

    def _register(self, d: int, doc: dict) -> Callable[[], None]:
        def run() -> None:
            payload = {
                "number": doc["number"],
                "doc_type": doc["doc_type"],
                "title": doc["title"],
                "issued_on": self.days.iso(doc["issued"]),
                "signer": doc["signer"],
                "leader_code": doc["leader"],
                "urgency": doc["urgency"],
                "tasks": [
                    {
                        "content": t["content"],
                        "lead_unit": t["lead_unit"],
                        "coordinating_units": t.get("coordinating_units", []),
                        "due_date": self.days.iso(t["due"]),
                    }
                    for t in doc["tasks"]
                ],
            }
            if doc.get("submitting_agency"):
                payload["submitting_agency"] = doc["submitting_agency"]
            with self.system.db.transaction() as session:
                row = document_service.register_document(
                    session=session, engine=self.system.engine, payload=payload, actor=doc["registered"]["by"]
                )
                self.documents[d] = row.id

        return run

    def _classify(self, d: int, doc: dict) -> Callable[[], None]:
        """VP classifies the document as drafted (Đ4), each task must report its result, and dispatches it."""

        def run() -> None:
            by = doc["classified"]["by"]
            tasks = [
                {
                    "content": t["content"],
                    "lead_unit": t["lead_unit"],
                    "sector_code": t["sector"],
                    "coordinating_units": t.get("coordinating_units", []),
                    "has_deadline": t["due"] is not None,
                    "due_date": self.days.iso(t["due"]),
                    "deadline_kind": "completion" if t["due"] is not None else None,
                    "must_report": True,
                }
                for t in doc["tasks"]
            ]
            data = {
                "tracking_room": doc["classified"].get("room", "Phòng Tổng hợp"),
                "tracking_specialist": by,
            }
            self._complete(self._ready(self._intake_of(d), "classify"), by, {**data, "tasks": tasks})
            with self.system.db.reading() as session:
                rows = assignment_service.assignments_of(session=session, document_id=self.documents[d])
                for t, row in enumerate(sorted(rows, key=lambda a: a.seq)):
                    self.assignments[d, t] = row.id

        return run

    def _step(
        self, instance: Callable[[], int], step: dict, assignment: tuple[int, int] | None = None
    ) -> Callable[[], None]:
        """A person completes the ready user task `step["do"]` of the instance, with its files if any;
        or, for "coordinate", a coordinating unit sends its part of the assignment to the lead unit."""

        def run() -> None:
            data = self._dates(step.get("data", {}))
            if step["do"] == "coordinate":  # Đ9.2.b: the unit's own coordination user task
                key = coordination.business_key(
                    self.assignments[assignment], self.people[step["by"]].unit_code
                )
                with self.system.db.reading() as session:
                    found = session.scalar(
                        select(ProcessInstance.id).where(ProcessInstance.business_key == key)
                    )
                task_id = self._ready(found, "send_contribution")
            else:
                task_id = self._ready(instance(), step["do"], self.people[step["by"]].unit_code)
            if "attach" in step:  # in the form's files field, "attachments" unless the step names another
                field = step["attach"].get("field", "attachments")
                data[field] = [{"file_id": self._upload(step["attach"], task_id, step["by"])}]
            self._complete(task_id, step["by"], data)

        return run

    def _send_feedback(self, f: int, feedback: dict) -> Callable[[], None]:
        """A local unit starts a feedback about a sở (Đ21.3) from its start form, as the Khởi tạo page does;
        "assignment" names the task it is about as {"document": number, "task": 1-based position}."""

        def run() -> None:
            data = dict(feedback["data"])
            if about := data.pop("assignment", None):
                d = next(
                    i for i, doc in enumerate(self.spec["documents"]) if doc["number"] == about["document"]
                )
                data["assignment_id"] = self.assignments[d, about["task"] - 1]
            self.feedback[f] = self._start_on_demand("local_feedback", feedback["by"], data)

        return run

    def _write_plan(self, p: int, plan: dict) -> Callable[[], None]:
        """A unit's staff write its yearly inspection plan (Đ12.1.a), as the "Kế hoạch kiểm tra" page does."""

        def run() -> None:
            values = plan_values(self.days, plan)
            with self.system.db.transaction() as session:
                row = inspections.create_plan(
                    session=session, user=self.people[plan["by"]], values=values, now=clock.now()
                )
                self.plans[p] = row.id
                self.plan_items[p] = sorted(i.id for i in inspections.items_of(session, [row.id])[row.id])

        return run

    def _approve_plan(self, p: int, by: str) -> Callable[[], None]:
        """The unit's head approves the plan (Đ15.2), as the plan page's "Phê duyệt" does."""

        def run() -> None:
            with self.system.db.transaction() as session:
                inspections.approve_plan(
                    session=session,
                    user=self.people[by],
                    plan_id=self.plans[p],
                    today=self.days.calendar.local_date(clock.now()),
                )

        return run

    def _start(self, s: int, start: dict) -> Callable[[], None]:
        """Someone starts a process from its start form, as the Khởi tạo page does; with "plan_item"
        ({"plan", "item"}, 1-based) an inspection from an item of a yearly plan, its form prefilled by the
        item as the plan page's "Tiến hành kiểm tra" does."""

        def run() -> None:
            data = self._dates(start["data"])
            if "plan_item" not in start:
                self.started[s] = self._start_on_demand(start["process"], start["by"], data)
                return
            item_id = self.plan_items[start["plan_item"]["plan"] - 1][start["plan_item"]["item"] - 1]
            with self.system.db.transaction() as session:
                prefilled = inspections.start_form_data(session, session.get(InspectionPlanItem, item_id))
                row = inspections.start_from_item(
                    session=session,
                    engine=self.system.engine,
                    user=self.people[start["by"]],
                    item_id=item_id,
                    form={**prefilled, **data},
                )
                self.started[s] = row.instance_id

        return run

    def _start_on_demand(self, process_id: str, username: str, data: dict) -> int:
        """Start the process from its start form as the user: its instance."""
        with self.system.db.transaction() as session:
            instance = starting.start_on_demand(
                session=session,
                engine=self.system.engine,
                process_id=process_id,
                data=data,
                user=self.people[username],
            )
            return instance.id

    def _intake_of(self, d: int) -> int:
        with self.system.db.reading() as session:
            return session.get(Document, self.documents[d]).intake_instance_id

    def _instance_of(self, d: int, t: int) -> int:
        with self.system.db.reading() as session:
            return session.get(Assignment, self.assignments[d, t]).instance_id

    def _read(self, username: str) -> Callable[[], None]:
        """The user opens the bell and marks everything read ("Đánh dấu tất cả là đã đọc")."""

        def run() -> None:
            with self.system.db.transaction() as session:
                reads.mark_all_read(session=session, user=self.people[username], now=clock.now())

        return run

    # --- the routines ----------------------------------------------------------------------------------

    def on_task(self, task: NewTask) -> None:
        """React to a user task that became ready, if a routine answers it."""
        handler = {
            ("assignment", "send_urging"): self._send_urging,
            ("assignment", "approve_report"): self._by_unit,
            ("assignment", "advise_difficulty"): self._advise,
            ("assignment", "propose_measures"): self._as_routine,
            ("assignment", "direct_escalation"): self._as_routine,
            ("periodic_report", "submit_report"): self._by_unit,
            ("periodic_report", "approve_report"): lambda task: self._by_unit(
                task, "approve_periodic_report"
            ),
            ("periodic_report", "consolidate"): self._as_routine,
            ("periodic_report", "publish"): self._as_routine,
            ("secret_report_reminder", "confirm_sent"): self._by_unit,
        }.get((task.process_id, task.bpmn_id))
        if handler is not None:
            handler(task)

    def _as_routine(self, task: NewTask) -> None:
        routine = self.routines[task.bpmn_id]
        self._later(task, routine, routine["by"], dict(routine["data"]))

    def _by_unit(self, task: NewTask, name: str | None = None) -> None:
        """Units with people in the demo answer their report requests (and their leaders approve what the
        staff wrote), each at its own pace; the others (no user in the demo directory) never do, and the
        processes remind VP of them. `name` is the routine's, when it is not the user task's id."""
        routine = self.routines[name or task.bpmn_id]
        unit = routine["units"].get(task.unit_code)
        if unit is None:
            return
        data = dict(unit.get("data", routine.get("data", {})))
        self._later(task, {**routine, **unit}, unit["by"], data)

    def _advise(self, task: NewTask) -> None:
        """VP's advice on a difficulty (Đ9.1.b): the tracking specialist proposes the unit's own date when
        it asked for one, else to keep the deadline."""
        routine = self.routines["advise_difficulty"]
        with self.system.db.reading() as session:
            a = session.scalar(select(Assignment).where(Assignment.instance_id == task.instance_id))
            asked = session.scalar(
                select(DifficultyReport.proposed_due_date)
                .where(DifficultyReport.assignment_id == a.id)
                .order_by(DifficultyReport.id.desc())
                .limit(1)
            )
            specialist = a.tracking_specialist
        data = {"advice": routine["advice"], "proposal": "keep"}
        if asked is not None:
            data.update(proposal="extend", advised_due_date=asked.isoformat())
        self._later(task, routine, specialist, data)

    def _send_urging(self, task: NewTask) -> None:
        """T2 passed without an update (Đ7.2.a): the tracking specialist sends the urging letter, numbered
        in the order the letters go out."""
        routine = self.routines["send_urging"]
        with self.system.db.reading() as session:
            a = session.scalar(select(Assignment).where(Assignment.instance_id == task.instance_id))
            unit, specialist, due = (
                session.get(Unit, a.lead_unit_code).name,
                a.tracking_specialist,
                a.due_date,
            )
        sent = self.days.after(task.created_at, routine["after"], routine["at"])
        reply_by = self.days.calendar.add_working_days(
            self.days.calendar.local_date(sent), routine["reply_days"]
        )
        content = routine["content"].format(unit=unit, due=f"{due:%d/%m/%Y}", reply_by=f"{reply_by:%d/%m/%Y}")

        def run() -> None:
            number = f"{routine['first_number'] + self.letters}/VP-TH"
            if self._complete_if_ready(task, specialist, {"number": number, "content": content}):
                self.letters += 1

        self.replay.schedule(sent, f"urging letter by {specialist}", run)

    def _later(self, task: NewTask, routine: dict, by: str, data: dict) -> None:
        at = self.days.after(task.created_at, routine["after"], routine["at"])
        day = self.days.calendar.local_date(at).isoformat()
        data = {k: (day if v == ON_THE_DAY else v) for k, v in data.items()}
        self.replay.schedule(at, f"{task.bpmn_id} by {by}", lambda: self._complete_if_ready(task, by, data))

    def _complete_if_ready(self, task: NewTask, by: str, data: dict) -> bool:
        """Complete the user task unless it closed meanwhile; whether it was."""
        with self.system.db.reading() as session:
            row = session.get(UserTaskRow, task.id)
            ready = row is not None and row.state == READY
        if ready:
            self._complete(task.id, by, data)
        return ready

    # --- through the services --------------------------------------------------------------------------

    def _ready(self, instance_id: int, bpmn_id: str, unit: str | None = None) -> str:
        """The ready user task `bpmn_id` of the instance; of a multi-instance one, the instance that is
        `unit`'s (a task for no unit in particular does as well)."""
        query = select(UserTaskRow.id).where(
            UserTaskRow.instance_id == instance_id, UserTaskRow.bpmn_id == bpmn_id, UserTaskRow.state == READY
        )
        if unit is not None:
            query = query.where(or_(UserTaskRow.unit_code.is_(None), UserTaskRow.unit_code == unit))
        with self.system.db.reading() as session:
            found = session.scalar(query.order_by(UserTaskRow.id).limit(1))
        if found is None:
            raise DemoError(f"no ready user task {bpmn_id!r} in process instance {instance_id}")
        return found

    def _complete(self, task_id: str, username: str, data: dict) -> None:
        with self.system.db.transaction() as session:
            usertasks.complete(
                session=session,
                engine=self.system.engine,
                task_id=task_id,
                data=data,
                user=self.people[username],
            )

    def _upload(self, attach: dict, task_id: str, username: str) -> int:
        """Upload a file as the form does, for the user task about to be completed: its id."""
        row = files.upload(
            db=self.system.db,
            settings=self.system.settings,
            user=self.people[username],
            stream=io.BytesIO((HERE / attach["file"]).read_bytes()),
            filename=attach["name"],
            task_id=task_id,
        )
        return row.id

    def _dates(self, data: dict) -> dict:
        """Form data with the story's date offsets turned into ISO dates."""
        return {
            k: (self.days.iso(v) if k in DATE_FIELDS and isinstance(v, int) else v) for k, v in data.items()
        }
