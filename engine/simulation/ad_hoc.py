"""The people of báo cáo đột xuất (Đ19.4, Đ20.1, Đ21.1; Đ5.2.b): about once every six weeks the Chairman,
or a VP specialist on his behalf, asks a few units for a report due five working days later, now and then
under the secrecy regime; each unit answers at some time before the date (its leader approving where its
type asks for it, Đ8.1.c) or, now and then, after it, when the process no longer takes it; VP consolidates
(or confirms it received the paper reports) once its task appears.

The ledger gets every request, the instant each unit's answer left it for VP (the leader's approval where
there is one), taken or not, and VP's consolidation: the ad-hoc invariant compares them with the tables."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine.instances import starting
from engine.reports.ad_hoc_records import PROCESS_ID, REQUEST, SECRET
from engine.simulation.driver import Driver, NewTask
from engine.simulation.options import Options, Rates
from engine.simulation.province import Person
from engine.simulation.scenario import TOPICS, OneOff
from engine.simulation.timing import WorkingTime
from engine.usertasks.models import UserTaskRow

DUE_IN_WORKING_DAYS = 5


def requests(options: Options, time: WorkingTime, start: datetime, end: datetime) -> list[OneOff]:
    """When the requests are made, drawn once from the seed: the run cut into stretches of a year over the
    rate (six weeks by default), one request at a random working instant of each (the last stretch, cut
    short by the end, has its share of a chance)."""
    per_year = options.rates.ad_hoc_reports_per_year
    if per_year <= 0:
        return []
    rng = random.Random(f"{options.seed}:ad_hoc")
    gap = timedelta(days=365 / per_year)
    found, stretch = [], start
    while stretch < end:
        at = stretch + gap * rng.random()
        if at < end:
            at = time.on(time.local_date(at), rng, not_before=at)  # in working hours, from then on
            found.append(OneOff(at, "ad_hoc_report", len(found)))
        stretch += gap
    return [event for event in found if event.at < end]


@dataclass
class AdHocPeople:
    """The requester, the units asked, their leaders and VP's specialists."""

    sim: Driver
    rates: Rates
    returned: set[tuple[int, str]] = field(default_factory=set)  # (instance, unit) sent back once
    to_resubmit: set[tuple[int, str]] = field(default_factory=set)  # of those, not yet sent again

    def handlers(self) -> dict[tuple[str, str], Callable[[NewTask], None]]:
        """Which method answers which user task (process id, element id)."""
        return {
            (PROCESS_ID, "answer"): self.answer,
            (PROCESS_ID, "confirm_secret_sent"): self.answer,
            (PROCESS_ID, "approve_answer"): self.approve,
            (PROCESS_ID, "consolidate"): self.consolidate,
            (PROCESS_ID, "confirm_receipt"): self.consolidate,
        }

    def ask(self, event: OneOff) -> None:
        """The Chairman (or a VP specialist entering it for him) asks 2 to 5 units for a report due five
        working days from today; a secret one names its paper request only (Đ5.2.a)."""
        sim = self.sim
        rng = sim.rng("ad_hoc", event.key)
        units = rng.sample(sim.province.reporting, min(len(sim.province.reporting), rng.randint(2, 5)))
        due = sim.calendar.add_working_days(sim.time.local_date(sim.now), DUE_IN_WORKING_DAYS)
        kind = SECRET if rng.random() < self.rates.ad_hoc_secret else REQUEST
        data = {"report_kind": kind, "units": units, "due_date": due.isoformat()}
        if kind == SECRET:
            data["reference"] = f"{event.key + 1}/UBND-NC"
        else:
            topic = rng.choice(TOPICS)
            data |= {
                "subject": f"Tình hình {topic}",
                "requirements": f"Báo cáo kết quả thực hiện, khó khăn, vướng mắc và đề xuất về {topic} "
                "đến ngày báo cáo.",
            }
        chairman = sim.province.with_role("chairman")[0]
        person = chairman
        if rng.random() < 0.5:
            person = rng.choice(sim.province.with_role("vp_specialist"))
            data["requested_for"] = "chairman"
        instance = sim.call(
            f"start {PROCESS_ID}",
            starting.start_on_demand,
            engine=sim.system.engine,
            process_id=PROCESS_ID,
            data=data,
            user=person.principal(),
        )
        sim.metrics.counts[f"{PROCESS_ID} started"] += 1
        sim.ledger.ad_hoc_requested(instance.id, at=sim.now, kind=kind, units=tuple(units), due=due)

    def answer(self, task: NewTask) -> None:
        """A unit answers (a secret one confirms the day it sent its paper report) at some time before the
        date, or after it (the process has closed the answers by then); again the next working day when
        its leader returned it."""
        sim, row = self.sim, self._row(task)
        key = (task.instance_id, row.unit_code)
        rng = sim.rng("ad_hoc answer", task.key)
        due = sim.time.local_date(row.due_at - timedelta(seconds=1))
        if key in self.to_resubmit:
            self.to_resubmit.discard(key)
            at = sim.time.after(sim.now, 1, rng)
        elif rng.random() < self.rates.ad_hoc_answer_late:
            at = sim.time.on(sim.calendar.add_working_days(due, 1), rng, not_before=sim.now)
        else:
            at = sim.time.before(due, rng.randint(0, 4), rng, not_before=sim.now)
        role = "unit_staff" if rng.random() < 0.7 else "unit_leader"
        person = sim.province.with_role(role, row.unit_code)[0]

        def data() -> dict:
            if task.bpmn_id == "confirm_secret_sent":
                return {"sent_on": sim.time.local_date(sim.now).isoformat()}
            return {"content": f"{sim.province.name_of(row.unit_code)} báo cáo theo yêu cầu."}

        def sent(taken: bool) -> None:
            # Đ8.1.c: an answer its leader must approve leaves on the approval (see approve).
            awaiting = taken and sim.ready_tasks(
                PROCESS_ID, "approve_answer", task.instance_id, row.unit_code
            )
            if not awaiting:
                sim.ledger.ad_hoc_sent(task.instance_id, row.unit_code, at=sim.now)

        self._at(task, at, person, data, sent)

    def approve(self, task: NewTask) -> None:
        """The unit leader approves the answer later the same working day (now and then returns it once)."""
        sim, row = self.sim, self._row(task)
        key = (task.instance_id, row.unit_code)
        rng = sim.rng("ad_hoc approve", *key)
        leader = sim.province.with_role("unit_leader", row.unit_code)[0]
        at = sim.time.after(sim.now, 0, rng)
        if key not in self.returned and rng.random() < self.rates.report_returned_by_leader:
            self.returned.add(key)
            self.to_resubmit.add(key)
            data = {"approval_decision": "return", "approval_remarks": "Bổ sung số liệu cụ thể."}
            self._at(task, at, leader, lambda: data, lambda taken: None)
            return
        data = {"approval_decision": "approve", "approval_remarks": None}
        self._at(task, at, leader, lambda: data, lambda taken: sim.ledger.ad_hoc_sent(*key, at=sim.now))

    def consolidate(self, task: NewTask) -> None:
        """VP consolidates the answers (or confirms it received the paper reports) within a working day."""
        sim = self.sim
        rng = sim.rng("ad_hoc consolidate", task.key)
        specialist = rng.choice(sim.province.with_role("vp_specialist"))
        if task.bpmn_id == "confirm_receipt":
            data = {"received": True}
        else:
            data = {"consolidation": "Văn phòng tổng hợp báo cáo của các đơn vị, báo cáo Chủ tịch UBND tỉnh."}

        def done(taken: bool) -> None:
            if taken:
                sim.ledger.ad_hoc_consolidated(task.instance_id, at=sim.now)

        self._at(task, sim.time.after(sim.now, rng.randint(0, 1), rng), specialist, lambda: data, done)

    def _at(
        self,
        task: NewTask,
        at: datetime,
        person: Person,
        data: Callable[[], dict],
        done: Callable[[bool], None],
    ) -> None:
        """Act on `task` as `person` at `at`; then `done(whether the engine took it)`: a unit's answer
        after the date is what the unit did all the same."""
        sim = self.sim
        sim.expect(task.task_id, at)

        def act() -> None:
            done(sim.complete(task.task_id, person, data()))

        sim.schedule(at, f"{task.process_id}:{task.bpmn_id} of instance {task.instance_id}", act)

    def _row(self, task: NewTask) -> UserTaskRow:
        with self.sim.system.db.reading() as session:
            return session.get(UserTaskRow, task.task_id)
