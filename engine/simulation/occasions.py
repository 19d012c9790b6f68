"""The people of the periodic report rounds (P9), the secret-report confirmations (Đ5.2.b), inspections
(P8) and local feedbacks (P6), and the things that happen once a year: an administrator's calendar
correction and an analyst's new diagram version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from engine.definitions import service as definitions
from engine.instances import starting
from engine.simulation.driver import Driver, NewTask
from engine.simulation.options import Rates
from engine.simulation.province import Person
from engine.simulation.scenario import OneOff
from engine.usertasks.models import UserTaskRow
from engine.workdays import corrections
from engine.workdays import service as workdays

# The analyst's change: the update user task gets a new name in a new version of assignment.bpmn.
OLD_NAME = 'id="update" name="Cập nhật tình hình thực hiện"'
NEW_NAME = 'id="update" name="Cập nhật tình hình, kết quả thực hiện"'
RENAMED_TASK = "Cập nhật tình hình, kết quả thực hiện"

Data = dict | Callable[[], dict]


@dataclass
class Deployment:
    """The analyst's new version of the assignment diagram."""

    at: datetime
    definition_id: int
    version: int


@dataclass
class OccasionalPeople:
    """Reacts to the user tasks of report rounds, secret reports, inspections and feedbacks."""

    sim: Driver
    rates: Rates
    returned_reports: set[tuple[int, str]] = field(default_factory=set)  # (round, unit) sent back once
    to_resubmit: set[tuple[int, str]] = field(default_factory=set)  # of those, not yet sent again
    feedbacks: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # instance: sở, assignment
    on_paper: int = 0  # feedbacks VP registered from a letter, a call or an e-mail
    correction_requests: int = 0
    deployment: Deployment | None = None
    day_off: tuple[datetime, date] | None = None  # when, which day
    moved_by_calendar: list[int] = field(default_factory=list)  # assignments, by the ledger
    engine_moves: int = 0  # deadlines of every kind the engine said it moved
    reports: int = 0

    def handlers(self) -> dict[tuple[str, str], Callable[[NewTask], None]]:
        """Which method answers which user task (process id, element id)."""
        return {
            ("periodic_report", "submit_report"): self.submit_report,
            ("periodic_report", "approve_report"): self.approve_periodic,
            ("periodic_report", "consolidate"): self.consolidate,
            ("periodic_report", "publish"): self.publish,
            ("secret_report_reminder", "confirm_sent"): self.confirm_sent,
            ("local_feedback", "handle_feedback"): self.handle_feedback,
            ("local_feedback", "give_direction"): self.feedback_direction,
            ("data_correction_request", "review_request"): self.review_request,
        }

    def one_off(self, event: OneOff) -> None:
        """Do the year's event `event` (a feedback, a correction request, the calendar correction, the
        deploy)."""
        {
            "feedback": self.send_feedback,
            "correction_request": self.request_correction,
            "calendar": self.declare_day_off,
            "deploy": self.deploy_new_version,
        }[event.kind](event)

    # --- P9 and Đ5.2.b -----------------------------------------------------------------------------------

    def submit_report(self, task: NewTask) -> None:
        """A unit sends its periodic report by T6, late, or not at all (Đ22.1)."""
        row, sim = self._row(task), self.sim
        key = (task.instance_id, row.unit_code)
        due = sim.time.local_date(row.due_at - timedelta(seconds=1))
        sim.ledger.report_due(key, opened_at=task.at, due=due)
        data = {"situation": "Đơn vị đã triển khai đầy đủ các nhiệm vụ được giao trong kỳ."}

        def done() -> None:  # Đ8.1.c: a sở's report written by its staff reaches VP once approved
            if not sim.ready_tasks("periodic_report", "approve_report", task.instance_id, row.unit_code):
                sim.ledger.report_sent(key, at=sim.now)

        if key in self.to_resubmit:  # the unit leader sent it back: corrected the next working day
            self.to_resubmit.discard(key)
            rng = sim.rng("resubmit", *key)
            self._at(task, sim.time.after(sim.now, 1, rng), self._of(row.unit_code, rng), data, done)
            return
        self._by_deadline(
            task,
            row,
            "report",
            self.rates.periodic_report_late,
            self.rates.periodic_report_missing,
            data,
            done,
        )

    def approve_periodic(self, task: NewTask) -> None:
        """The unit leader approves the periodic report (now and then returns it once) (Đ8.1.c)."""
        row, sim = self._row(task), self.sim
        key = (task.instance_id, row.unit_code)
        rng = sim.rng("approve periodic", *key)
        leader = sim.province.with_role("unit_leader", row.unit_code)[0]
        if key not in self.returned_reports and rng.random() < self.rates.report_returned_by_leader:
            self.returned_reports.add(key)
            self.to_resubmit.add(key)
            data = {"approval_decision": "return", "approval_remarks": "Bổ sung số liệu phụ lục."}
            self._at(task, sim.time.after(sim.now, 0, rng), leader, data)
            return
        data = {"approval_decision": "approve", "approval_remarks": None}
        self._at(
            task,
            sim.time.after(sim.now, 0, rng),
            leader,
            data,
            lambda: sim.ledger.report_sent(key, at=sim.now),
        )

    def confirm_sent(self, task: NewTask) -> None:
        """A unit confirms it sent its secret report on paper (Đ5.2.b): the date only."""
        row = self._row(task)
        sim = self.sim
        rates = self.rates

        def sent_today() -> dict:
            return {"sent_on": sim.time.local_date(sim.now).isoformat()}

        self._by_deadline(
            task, row, "secret", rates.secret_report_late, rates.secret_report_missing, sent_today
        )

    def consolidate(self, task: NewTask) -> None:
        """VP consolidates the round by T7 (Đ22.2)."""
        self.reports += 1
        data = {
            "assessment": "Các cơ quan, đơn vị cơ bản hoàn thành nhiệm vụ; một số nhiệm vụ còn quá hạn.",
            "report_number": f"{self.reports}/BC-VP",
        }
        self._later(task, 0, self._one("vp_specialist", task), data)

    def publish(self, task: NewTask) -> None:
        """VP's leadership publishes the consolidated figures (Đ19.2)."""
        self._later(
            task, 1, self._one("vp_leadership", task), {"approved": True, "note": "Đồng ý công khai."}
        )

    # --- P6 --------------------------------------------------------------------------------------------

    def send_feedback(self, event: OneOff) -> None:
        """A commune reports a sở late on a task, preferably one truly overdue (Đ21.3)."""
        sim = self.sim
        rng = sim.rng("feedback", event.key)
        today = sim.time.local_date(sim.now)
        late = sorted(
            sim.ledger.open_overdue(today=today, leads=set(sim.province.departments)),
            key=lambda e: e.assignment_id,
        )
        if late:
            entry = rng.choice(late)
            about, assignment_id = entry.leads[-1][1], entry.assignment_id
        else:
            about, assignment_id = rng.choice(sim.province.departments), None
        communes = set(sim.province.communes)
        sender = rng.choice([p for p in sim.province.with_role("unit_staff") if p.unit_code in communes])
        data = {
            "about_unit": about,
            "assignment_id": assignment_id,
            "content": f"{sim.province.name_of(about)} chậm triển khai nhiệm vụ liên quan đến địa phương.",
        }
        if rng.random() < self.rates.feedback_on_paper:  # the commune wrote: VP registers it
            received = today - timedelta(days=rng.randint(1, 4))
            data |= {
                "from_unit": sender.unit_code,
                "channel": "van_ban",
                "received_on": received.isoformat(),
                "letter_number": f"{event.key + 1}/UBND",
            }
            sender = rng.choice(sim.province.with_role("vp_specialist"))
            self.on_paper += 1
        instance = self._start("local_feedback", data, sender)
        self.feedbacks[instance] = (about, assignment_id)

    def request_correction(self, event: OneOff) -> None:
        """A lead unit asks VP to correct a task's data it finds wrong (the task's content)."""
        sim = self.sim
        rng = sim.rng("correction request", event.key)
        open_ = sorted(e.assignment_id for e in sim.ledger.entries.values() if e.confirmed_at is None)
        if not open_:
            return
        entry = sim.ledger.entries[rng.choice(open_)]
        data = {
            "assignment_id": entry.assignment_id,
            "wrong_fields": ["dd"],
            "proposed": "Nội dung nhiệm vụ theo đúng văn bản giao.",
            "reason": "Sai sót khi nhập nội dung nhiệm vụ.",
        }
        lead = entry.leads[-1][1]
        self._start("data_correction_request", data, sim.province.with_role("unit_staff", lead)[0])
        self.correction_requests += 1

    def review_request(self, task: NewTask) -> None:
        """VP explains why the data stands (the tracked data the ledger witnesses stays as it is)."""
        data = {"decision": "kept", "explanation": "Nội dung đã khớp với văn bản giao nhiệm vụ."}
        self._later(task, 2, self._one("vp_specialist", task), data)

    def handle_feedback(self, task: NewTask) -> None:
        """VP urges the sở or asks the Chairman, within T5 or after it (Đ19.5)."""
        row = self._row(task)
        sim = self.sim
        rng = sim.rng("handle feedback", task.instance_id)
        due = sim.time.local_date(row.due_at - timedelta(seconds=1))
        if rng.random() < self.rates.feedback_handled_late:  # past T5: the boundary timer reports it
            at = sim.time.on(sim.calendar.add_working_days(due, rng.randint(1, 2)), rng, not_before=sim.now)
        else:
            at = sim.time.before(due, rng.randint(0, 3), rng, not_before=sim.now)
        if rng.random() < self.rates.feedback_direction_request:
            data = {
                "action": "direction_request",
                "request_content": "Kính trình Chủ tịch UBND tỉnh cho ý kiến chỉ đạo.",
            }
        else:
            data = {
                "action": "urging_letter",
                "letter_number": f"{task.instance_id}/VP-TH",
                "letter_content": "Đề nghị sở, ngành khẩn trương thực hiện nhiệm vụ địa phương đã phản hồi.",
            }
        about, assignment_id = self.feedbacks.get(task.instance_id, (None, None))

        def done() -> None:
            if about is not None:
                sim.ledger.urged(at=sim.now, unit=about, kind=data["action"], assignment_id=assignment_id)

        self._at(task, at, self._one("vp_specialist", task), data, done)

    def feedback_direction(self, task: NewTask) -> None:
        """The Chairman's direction on the feedback (Đ19.5)."""
        data = {"direction": "Giao sở, ngành khẩn trương thực hiện, báo cáo kết quả trước ngày 30 của tháng."}
        self._later(task, 2, self._one("province_leadership", task), data)

    # --- once a year -----------------------------------------------------------------------------------

    def declare_day_off(self, event: OneOff) -> None:
        """An administrator declares a working day off (a government decision moved a holiday)."""
        sim = self.sim
        day = self._busiest_day(event.day)
        note = f"Nghỉ bù theo thông báo của Thủ tướng Chính phủ (ngày {day:%d/%m/%Y})"
        # The administrators' correction (API and CLI): the override and every open deadline it moves.
        done = sim.call(
            "change_override",
            corrections.change_override,
            engine=sim.system.engine,
            day=day,
            working=False,
            note=note,
            actor="quantri",
            now=sim.now,
        )
        self.engine_moves = len(done.moves)
        with sim.system.db.reading() as session:
            sim.time.calendar = workdays.calendar(session=session, settings=sim.system.settings)
        self.day_off = (sim.now, day)
        self.moved_by_calendar = sim.ledger.calendar_changed(at=sim.now, calendar=sim.calendar)

    def _busiest_day(self, planned: date) -> date:
        """Of the weekdays two to five weeks ahead (and before the end), the one most open deadlines fall
        on, so that the correction has deadlines to move; the scenario's day if none has any."""
        sim = self.sim
        today = sim.time.local_date(sim.now)
        last = sim.time.local_date(sim.end) - timedelta(days=1)
        counts: dict[date, int] = {}
        for entry in sim.ledger.entries.values():
            due = entry.dues[-1][1]
            if entry.confirmed_at is None and due is not None:
                counts[due] = counts.get(due, 0) + 1
        window = [
            today + timedelta(days=d)
            for d in range(14, 36)
            if (today + timedelta(days=d)).weekday() < 5 and today + timedelta(days=d) < last
        ]
        candidates = [d for d in window if sim.calendar.is_working_day(d) and counts.get(d)]
        return max(candidates, key=lambda d: (counts[d], -d.toordinal())) if candidates else planned

    def deploy_new_version(self, event: OneOff) -> None:
        """An analyst rewords a user task of assignment.bpmn and deploys it: new instances take it."""
        sim = self.sim
        data = (Path(sim.system.settings.processes_dir) / "assignment.bpmn").read_bytes()
        text = data.decode("utf-8")
        if OLD_NAME not in text:
            sim.refuse("deploy", f"assignment.bpmn has no {OLD_NAME}: the analyst's change cannot be made")
            return
        deployed = sim.call(
            "deploy",
            definitions.deploy,
            settings=sim.system.settings,
            data=text.replace(OLD_NAME, NEW_NAME).encode("utf-8"),
            filename="assignment.bpmn",
            actor="nghiepvu",
        )
        definition = deployed[0].definition
        self.deployment = Deployment(sim.now, definition.id, definition.version)

    # --- helpers -----------------------------------------------------------------------------------------

    def _by_deadline(
        self, task: NewTask, row: UserTaskRow, what: str, late: float, missing: float, data: Data, done=None
    ) -> None:
        """A unit acts before the task's due date, or late (the next working day), or never."""
        sim = self.sim
        rng = sim.rng(what, task.instance_id, row.unit_code)
        draw = rng.random()
        if draw < missing:
            sim.leave(task.task_id, f"the unit does not send its {what} (scenario)")
            return
        due = sim.time.local_date(row.due_at - timedelta(seconds=1))
        if draw < missing + late:
            at = sim.time.on(sim.calendar.add_working_days(due, 1), rng, not_before=sim.now)
            at = min(at, sim.time.end_of_working_day(sim.calendar.add_working_days(due, 1)))
        else:
            at = sim.time.before(due, rng.randint(0, 8), rng, not_before=sim.now)
        self._at(task, at, self._of(row.unit_code, rng), data, done)

    def _of(self, unit: str, rng) -> Person:
        role = "unit_staff" if rng.random() < 0.7 else "unit_leader"
        return self.sim.province.with_role(role, unit)[0]

    def _start(self, process_id: str, data: dict, person: Person) -> int:
        instance = self.sim.call(
            f"start {process_id}",
            starting.start_on_demand,
            engine=self.sim.system.engine,
            process_id=process_id,
            data=data,
            user=person.principal(),
        )
        self.sim.metrics.counts[f"{process_id} started"] += 1
        return instance.id

    def _row(self, task: NewTask) -> UserTaskRow:
        with self.sim.system.db.reading() as session:
            return session.get(UserTaskRow, task.task_id)

    def _later(self, task: NewTask, working_days: int, person: Person, data: Data) -> None:
        rng = self.sim.rng("at", task.key)
        self._at(task, self.sim.time.after(self.sim.now, rng.randint(0, working_days), rng), person, data)

    def _at(self, task: NewTask, at: datetime, person: Person, data: Data, done=None) -> None:
        sim = self.sim
        sim.expect(task.task_id, at)
        label = f"{task.process_id}:{task.bpmn_id} of instance {task.instance_id}"

        def act() -> None:
            if sim.complete(task.task_id, person, data() if callable(data) else data) and done is not None:
                done()

        sim.schedule(at, label, act)

    def _one(self, role: str, task: NewTask) -> Person:
        return self.sim.rng("who", task.key).choice(self.sim.province.with_role(role))
