"""The people of each assignment (P2 review and return, P3 updates and confirmation, P5 urging, P7
difficulties): when they act on a user task that appeared, and with what form data.

Every decision is drawn from a generator keyed by what it is about (engine.simulation.driver.Driver.rng),
and every change the people make to an assignment goes into the ledger as they make it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from engine.simulation.driver import Driver, NewTask
from engine.simulation.options import Rates
from engine.simulation.province import Person
from engine.simulation.scenario import DocumentPlan, TaskDraft

OUTCOMES = ("early", "on_deadline", "within_t2", "after_urging", "never")


@dataclass
class Plan:
    """How an assignment's lead unit (and VP, and the Chairman) will handle it."""

    returns: list[str]  # reason kinds of the returns to VP still to make (Đ6.2.a)
    outcome: str  # one of OUTCOMES
    progress: int  # progress updates still to make before the result
    difficulty: bool  # a difficulty still to report (Đ20.2, Đ21.2)
    send_back: bool  # VP sends the first result back (Đ8.2)
    backdate: bool  # the result names a completion date a few days before the report
    version: int = 0  # bumped when a deadline changes: updates planned before are dropped


@dataclass
class Followed:
    """An assignment as the simulation follows it."""

    instance_id: int
    assignment_id: int
    document: DocumentPlan
    draft: TaskDraft
    content: str
    lead: str
    due: date | None  # the calendar date of its deadline as the people last set it
    specialist: str
    plan: Plan
    update_task: str | None = None
    updates: int = 0
    awaiting_resubmission: bool = False
    resubmit: str | None = None  # the kind of report the unit leader returned, to send again
    pending: tuple[str, date | None] | None = None  # a report awaiting the unit leader: kind, completed_on
    proposed_due: date | None = None
    last_return: str | None = None


@dataclass
class AssignmentPeople:
    """Reacts to the user tasks of assignment instances."""

    sim: Driver
    rates: Rates
    followed: dict[int, Followed] = field(default_factory=dict)  # by assignment instance id
    letters: int = 0

    def handlers(self) -> dict[tuple[str, str], object]:
        """Which method answers which user task (process id, element id)."""
        return {
            ("assignment", "review"): self.review,
            ("assignment", "handle_return"): self.handle_return,
            ("assignment", "update"): self.update_ready,
            ("assignment", "confirm"): self.confirm,
            ("assignment", "send_urging"): self.send_urging,
            ("assignment", "give_direction"): self.give_direction,
        }

    # --- P2 --------------------------------------------------------------------------------------------

    def review(self, task: NewTask) -> None:
        """The lead unit accepts the assignment, or returns it to VP with a reason (Đ6.2.a)."""
        f = self.followed[task.instance_id]
        rng = self.sim.rng("review", f.assignment_id, len(f.plan.returns), f.lead)
        if f.plan.returns:
            f.last_return = f.plan.returns.pop(0)
            reason = (
                "Nhiệm vụ không thuộc chức năng, nhiệm vụ của đơn vị; đề nghị giao đơn vị khác chủ trì."
                if f.last_return == "not_our_mandate"
                else "Nội dung nhiệm vụ chưa khớp với văn bản giao; đề nghị Văn phòng rà soát, điều chỉnh."
            )
            data = {"decision": "return", "reason_kind": f.last_return, "reason": reason}
        else:
            data = {"decision": "accept"}
        self.later(task, rng.randint(0, 2), self._of_unit(f.lead, rng), data)

    def handle_return(self, task: NewTask) -> None:
        """VP transfers a task outside the unit's mandate, or corrects the content (and deadline)."""
        f, sim = self.followed[task.instance_id], self.sim
        rng = sim.rng("handle_return", f.assignment_id, f.lead)
        person = sim.province.people[f.specialist]
        if f.last_return == "not_our_mandate":
            same_kind = (
                sim.province.departments if f.lead in sim.province.departments else sim.province.communes
            )
            # Not one of its coordinating units: their coordination would stay open (see the report).
            others = [u for u in same_kind if u != f.lead and u not in f.draft.coordinating_units]
            to_unit = rng.choice(others or sim.province.departments)
            data = {
                "resolution": "transferred",
                "to_unit": to_unit,
                "note": "Chuyển đơn vị có chức năng chủ trì.",
            }

            def done() -> None:
                sim.ledger.transferred(f.assignment_id, at=sim.now, to_unit=to_unit)
                f.lead = to_unit

        else:
            new_due = None
            if f.due is not None and rng.random() < self.rates.correction_moves_deadline:
                new_due = f.due + timedelta(days=rng.randint(7, 30))
            elif f.due is None and rng.random() < self.rates.correction_gives_deadline:
                # The document did set a deadline that the classification missed (Đ5.1.e).
                new_due = sim.time.local_date(sim.now) + timedelta(days=rng.randint(20, 60))
            data = {
                "resolution": "corrected",
                "new_content": f.content + " (đã điều chỉnh theo văn bản giao)",
                "new_due_date": new_due.isoformat() if new_due else None,
                "note": "Đã rà soát, điều chỉnh nội dung nhiệm vụ.",
            }

            def done() -> None:
                f.content = data["new_content"]
                if new_due is not None:
                    sim.ledger.deadline_set(f.assignment_id, at=sim.now, due=new_due, calendar=sim.calendar)
                    f.due = new_due

        self.later(task, rng.randint(1, 2), person, data, done)

    # --- P3, P7 ----------------------------------------------------------------------------------------

    def update_ready(self, task: NewTask) -> None:
        """The lead unit's standing update task is open again: plan its next update."""
        f = self.followed[task.instance_id]
        f.update_task = task.task_id
        self._next_update(f)

    def _next_update(self, f: Followed) -> None:
        sim, plan = self.sim, f.plan
        rng = sim.rng("update", f.assignment_id, f.updates, plan.version)
        due = sim.ledger.entries[f.assignment_id].dues[-1][1]
        now, time = sim.now, sim.time
        if f.resubmit is not None:  # the unit leader returned it: corrected within a few days
            kind, at = f.resubmit, time.after(now, rng.randint(1, 3), rng)
        elif f.awaiting_resubmission:
            kind, at = "result", time.after(now, rng.randint(2, 6), rng)
        elif plan.difficulty:
            kind, at = "difficulty", time.after(now, rng.randint(2, 8), rng)
        elif plan.progress > 0:
            kind, at = "progress", time.after(now, rng.randint(3, 15), rng)
        elif plan.outcome == "never":
            sim.leave(f.update_task, "the unit never reports (scenario)")
            return
        elif due is None:
            kind, at = "result", time.after(now, rng.randint(20, 120), rng)
        else:
            kind, at = "result", self._result_time(plan.outcome, due, rng)
        task_id, version = f.update_task, plan.version
        sim.expect(task_id, at)
        sim.schedule(
            at, f"{kind} on assignment {f.assignment_id}", lambda: self._update(f, task_id, kind, version)
        )

    def _result_time(self, outcome: str, due: date, rng):
        sim = self.sim
        now, calendar = sim.now, sim.calendar
        if outcome == "early":
            latest = sim.time.before(due, 5, rng, not_before=now)
            days = max(
                1, calendar.working_days_between(sim.time.local_date(now), sim.time.local_date(latest))
            )
            return sim.time.after(now, rng.randint(1, days), rng)
        if outcome == "on_deadline":
            return sim.time.before(due, rng.randint(0, 2), rng, not_before=now)
        if outcome == "within_t2":  # after the T2 reminder, before T2 ends (Đ7.2.a)
            return sim.time.on(calendar.add_working_days(due, rng.randint(1, 3)), rng, not_before=now)
        return sim.time.on(calendar.add_working_days(due, rng.randint(5, 10)), rng, not_before=now)

    def _update(self, f: Followed, task_id: str, kind: str, version: int) -> None:
        sim = self.sim
        if version != f.plan.version:
            return  # the deadline changed meanwhile: _next_update planned again
        rng = sim.rng("update data", f.assignment_id, f.updates)
        today = sim.time.local_date(sim.now)
        due = sim.ledger.entries[f.assignment_id].dues[-1][1]
        if kind == "progress":
            data = {
                "kind": "progress",
                "situation": f"Đơn vị đang triển khai; đã hoàn thành khoảng {rng.randint(2, 9)}0% công việc.",
            }
        elif kind == "difficulty":
            f.proposed_due = (max(due, today) if due else today) + timedelta(days=rng.randint(20, 60))
            data = {
                "kind": "difficulty",
                "difficulties": "Chưa được bố trí kinh phí; thủ tục liên quan nhiều cơ quan.",
                "proposals": "Đề nghị lãnh đạo UBND tỉnh cho gia hạn thời hạn thực hiện.",
                "proposed_due_date": f.proposed_due.isoformat() if due else None,
            }
        else:
            created = sim.time.local_date(sim.ledger.entries[f.assignment_id].created_at)
            completed = today - timedelta(days=rng.randint(1, 3)) if f.plan.backdate else today
            completed = max(completed, created)
            data = {
                "kind": "result",
                "result": "Đã hoàn thành nhiệm vụ; kết quả gửi kèm.",
                "completed_on": completed.isoformat(),
            }
        if not sim.complete(task_id, self._of_unit(f.lead, rng), data):
            return
        f.updates, f.update_task, f.resubmit = f.updates + 1, None, None  # the next task comes next
        completed_on = date.fromisoformat(data["completed_on"]) if kind == "result" else None
        if kind == "progress":
            f.plan.progress -= 1
        elif kind == "difficulty":
            f.plan.difficulty = False
        else:
            f.awaiting_resubmission = False
        if kind != "progress" and sim.ready_tasks("assignment", "approve_report", f.instance_id):
            f.pending = (kind, completed_on)  # Đ8.1.c: it reaches VP once the unit leader approves
        else:
            self.reached_vp(f, kind, completed_on)

    def reached_vp(self, f: Followed, kind: str, completed_on: date | None) -> None:
        """The lead unit's update reached VP now (recorded in the tracking tables)."""
        sim = self.sim
        sim.ledger.updated(
            f.assignment_id, at=sim.now, result=kind == "result", unit=f.lead, started=kind != "difficulty"
        )
        if completed_on is not None:
            sim.ledger.result_reported(f.assignment_id, completed_on=completed_on)

    def confirm(self, task: NewTask) -> None:
        """VP confirms the reported result, or sends the first one back (Đ8.2)."""
        f, sim = self.followed[task.instance_id], self.sim
        rng = sim.rng("confirm", f.assignment_id, f.updates)
        if f.plan.send_back:
            f.plan.send_back = False
            data = {
                "decision": "send_back",
                "reason": f"Kết quả chưa kèm văn bản chứng minh (lần {f.updates}).",
            }

            def done() -> None:
                sim.ledger.sent_back(f.assignment_id)
                f.awaiting_resubmission = True

        else:
            data = {"decision": "confirm"}

            def done() -> None:
                sim.ledger.confirmed(f.assignment_id, at=sim.now)

        self.later(task, rng.randint(0, 2), sim.province.people[f.specialist], data, done)

    def send_urging(self, task: NewTask) -> None:
        """T2 passed without an update: VP sends the urging letter (Đ9, Đ19.3)."""
        f, sim = self.followed[task.instance_id], self.sim
        rng = sim.rng("send_urging", task.key)
        self.letters += 1
        data = {
            "number": f"{self.letters}/VP-TH",
            "content": f"Đề nghị {sim.province.name_of(f.lead)} khẩn trương cập nhật tình hình, kết quả "
            f"thực hiện nhiệm vụ “{f.content}”.",
        }
        lead = f.lead

        def done() -> None:
            sim.ledger.urged(at=sim.now, unit=lead, kind="urging_letter", assignment_id=f.assignment_id)

        self.later(task, rng.randint(0, 2), sim.province.people[f.specialist], data, done)

    def give_direction(self, task: NewTask) -> None:
        """The Chairman extends the deadline, adjusts the content or keeps both (Đ10.4)."""
        f, sim = self.followed[task.instance_id], self.sim
        rng = sim.rng("give_direction", f.assignment_id, f.updates)
        draw = rng.random()
        if f.due is not None and draw < self.rates.extension_granted:
            new_due = max(f.proposed_due or f.due, sim.time.local_date(sim.now) + timedelta(days=10))
            data = {
                "decision": "extend",
                "direction": "Đồng ý gia hạn theo đề nghị.",
                "new_due_date": new_due.isoformat(),
            }

            def done() -> None:
                sim.ledger.deadline_set(f.assignment_id, at=sim.now, due=new_due, calendar=sim.calendar)
                f.due = new_due
                f.plan.version += 1
                if f.update_task is not None:
                    self._next_update(f)

        elif draw < self.rates.extension_granted + self.rates.content_adjusted:
            data = {
                "decision": "adjust",
                "direction": "Điều chỉnh phạm vi nhiệm vụ.",
                "new_content": f.content + " (điều chỉnh phạm vi)",
            }

            def done() -> None:
                f.content = data["new_content"]

        else:
            data = {"decision": "keep", "direction": "Giữ nguyên thời hạn; đơn vị khẩn trương thực hiện."}
            done = None
        self.later(task, rng.randint(1, 4), self.one("province_leadership", rng), data, done)

    # --- helpers -----------------------------------------------------------------------------------------

    def follow(
        self, instance_id: int, assignment_id: int, document: DocumentPlan, draft: TaskDraft, specialist: str
    ) -> None:
        """Start following an assignment VP just classified (its instance runs the assignment process)."""
        self.followed[instance_id] = Followed(
            instance_id,
            assignment_id,
            document,
            draft,
            draft.content,
            draft.lead_unit,
            draft.due_date,
            specialist,
            self._plan(assignment_id),
        )

    def _plan(self, assignment_id: int) -> Plan:
        rng, r = self.sim.rng("plan", assignment_id), self.rates
        returns = []
        if rng.random() < r.returned:
            returns.append("not_our_mandate" if rng.random() < r.return_not_our_mandate else "wrong_content")
        weights = [r.result_early, r.result_on_deadline, r.result_within_t2, r.result_after_urging]
        outcome = rng.choices(OUTCOMES, weights=[*weights, max(0.0, 1 - sum(weights))])[0]
        progress = min(5, int(rng.expovariate(1 / r.progress_updates))) if r.progress_updates > 0 else 0
        return Plan(
            returns,
            outcome,
            progress,
            rng.random() < r.difficulty,
            rng.random() < r.sent_back,
            rng.random() < r.backdated_result,
        )

    def later(self, task: NewTask, working_days: int, person: Person, data: dict, done=None) -> None:
        """Complete `task` as `person` some working days from now; then `done()` if it went through."""
        sim = self.sim
        at = sim.time.after(sim.now, working_days, sim.rng("at", task.key))
        sim.expect(task.task_id, at)

        def act() -> None:
            if sim.complete(task.task_id, person, data) and done is not None:
                done()

        sim.schedule(at, f"{task.process_id}:{task.bpmn_id} of instance {task.instance_id}", act)

    def _of_unit(self, unit: str, rng) -> Person:
        role = "unit_staff" if rng.random() < 0.7 else "unit_leader"
        return self.sim.province.with_role(role, unit)[0]

    def one(self, role: str, rng) -> Person:
        """Someone holding `role`."""
        return rng.choice(self.sim.province.with_role(role))
