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
class InspectionPlan:
    """The plan of an inspection as VP drew it up, and when the Chairman decided."""

    unit: str
    planned_from: date
    planned_to: date
    decided_on: date | None = None


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
    inspections: dict[int, InspectionPlan] = field(default_factory=dict)  # by instance id
    deployment: Deployment | None = None
    day_off: tuple[datetime, date] | None = None  # when, which day
    moved_by_calendar: list[int] = field(default_factory=list)  # assignments, by the ledger
    engine_moves: int = 0  # deadlines of every kind the engine said it moved
    reports: int = 0

    def handlers(self) -> dict[tuple[str, str], Callable[[NewTask], None]]:
        """Which method answers which user task (process id, element id)."""
        return {
            ("periodic_report", "submit_report"): self.submit_report,
            ("periodic_report", "consolidate"): self.consolidate,
            ("periodic_report", "publish"): self.publish,
            ("secret_report_reminder", "confirm_sent"): self.confirm_sent,
            ("inspection", "decide"): self.decide,
            ("inspection", "fieldwork"): self.fieldwork,
            ("inspection", "report"): self.inspection_report,
            ("inspection", "dossier"): self.dossier,
            ("local_feedback", "handle_feedback"): self.handle_feedback,
            ("local_feedback", "give_direction"): self.feedback_direction,
        }

    def one_off(self, event: OneOff) -> None:
        """Do the year's event `event` (an inspection plan, a feedback, the correction, the deploy)."""
        {
            "inspection": self.plan_inspection,
            "feedback": self.send_feedback,
            "calendar": self.declare_day_off,
            "deploy": self.deploy_new_version,
        }[event.kind](event)

    # --- P9 and Đ5.2.b -----------------------------------------------------------------------------------

    def submit_report(self, task: NewTask) -> None:
        """A unit sends its periodic report by T6, late, or not at all (Đ22.1)."""
        row = self._row(task)
        data = {"situation": "Đơn vị đã triển khai đầy đủ các nhiệm vụ được giao trong kỳ."}
        self._by_deadline(
            task, row, "report", self.rates.periodic_report_late, self.rates.periodic_report_missing, data
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

    # --- P8 --------------------------------------------------------------------------------------------

    def plan_inspection(self, event: OneOff) -> None:
        """VP draws up an inspection plan for a unit and starts P8 (Đ12.1.a)."""
        sim = self.sim
        rng = sim.rng("inspection", event.key)
        unit = rng.choice(sim.province.reporting)
        today = sim.time.local_date(sim.now)
        planned_from = sim.calendar.add_working_days(today, 8)
        planned_to = sim.calendar.add_working_days(planned_from, 3)
        form = {
            "title": f"Kiểm tra việc thực hiện nhiệm vụ UBND tỉnh giao năm {today.year}, đợt {event.key + 1}",
            "inspected_unit": unit,
            "inspection_form": rng.choice(["regular", "ad_hoc"]),
            "planned_from": planned_from.isoformat(),
            "planned_to": planned_to.isoformat(),
            "purpose": "Đánh giá việc triển khai, cập nhật các nhiệm vụ UBND tỉnh giao.",
            "plan_contents": "Các nội dung tại Điều 13 Quy chế 35/2015/QĐ-UBND.",
        }
        instance = self._start("inspection", form, rng.choice(sim.province.with_role("vp_specialist")))
        self.inspections[instance] = InspectionPlan(unit, planned_from, planned_to)

    def decide(self, task: NewTask) -> None:
        """The Chairman decides the inspection (contents a-đ, Đ15) or declines it."""
        sim, plan = self.sim, self.inspections[task.instance_id]
        rng = sim.rng("decide", task.instance_id)
        declined = rng.random() < self.rates.inspection_declined

        def data() -> dict:
            today = sim.time.local_date(sim.now)
            plan.decided_on = today
            if declined:
                return {"outcome": "decline", "decline_reason": "Đơn vị đã được kiểm tra trong năm."}
            return {
                "outcome": "inspect",
                "decision_number": f"{task.instance_id}/QĐ-UBND",
                "decision_date": today.isoformat(),
                "legal_basis": "Quy chế 35/2015/QĐ-UBND; kế hoạch kiểm tra năm.",
                "scope": f"{sim.province.name_of(plan.unit)}; các nhiệm vụ UBND tỉnh giao.",
                "inspection_contents": "Các nội dung tại Điều 13.",
                "inspection_duration": "04 ngày làm việc",
                "team_composition": "Lãnh đạo Văn phòng UBND tỉnh làm Trưởng đoàn; 02 chuyên viên.",
            }

        self._later(task, rng.randint(1, 3), self._one("province_leadership", task), data)

    def fieldwork(self, task: NewTask) -> None:
        """The team works from the planned start to the planned end, then records it (Đ16)."""
        sim, plan = self.sim, self.inspections[task.instance_id]
        decided = plan.decided_on or sim.time.local_date(sim.now)
        end = max(plan.planned_to, sim.calendar.add_working_days(decided, 2))
        at = sim.time.on(end, sim.rng("fieldwork", task.instance_id), not_before=sim.now)

        def data() -> dict:
            return {
                "team_leader": "Lãnh đạo Văn phòng UBND tỉnh (Trưởng đoàn)",
                "team_members": ["Chuyên viên Phòng Tổng hợp", "Chuyên viên Phòng Kinh tế"],
                "start_date": max(plan.planned_from, decided).isoformat(),
                "end_date": min(end, sim.time.local_date(sim.now)).isoformat(),
                "minutes_summary": "Đơn vị đã báo cáo đầy đủ; một số nhiệm vụ còn chậm.",
            }

        self._at(task, at, self._one("vp_specialist", task), data)

    def inspection_report(self, task: NewTask) -> None:
        """The team reports within T4 (Đ17), sometimes after it."""
        row = self._row(task)
        sim = self.sim
        rng = sim.rng("inspection report", task.instance_id)
        due = sim.time.local_date(row.due_at - timedelta(seconds=1))
        if rng.random() < self.rates.inspection_report_late:  # past T4: the boundary timer reports it
            at = sim.time.on(sim.calendar.add_working_days(due, rng.randint(1, 3)), rng, not_before=sim.now)
        else:
            at = sim.time.before(due, rng.randint(0, 5), rng, not_before=sim.now)
        data = {
            "assessment": "Đơn vị triển khai đầy đủ; việc cập nhật trên Hệ thống còn chậm.",
            "conclusion": "Phần lớn nhiệm vụ hoàn thành đúng hạn.",
            "recommendations": "Đề nghị đơn vị khẩn trương hoàn thành các nhiệm vụ quá hạn.",
        }
        self._at(task, at, self._one("vp_specialist", task), data)

    def dossier(self, task: NewTask) -> None:
        """VP files the eight items of the dossier (Đ18)."""
        items = "team_decision assignment_documents urging_documents implementation_reports inspection_plan"
        items += " minutes_and_records result_report other_documents"
        self._later(task, 2, self._one("vp_specialist", task), dict.fromkeys(items.split(), True))

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
        self._start("local_feedback", data, sender)

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
        self._at(task, at, self._one("vp_specialist", task), data)

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
        self, task: NewTask, row: UserTaskRow, what: str, late: float, missing: float, data: Data
    ) -> None:
        """A unit acts before the task's due date, or late (the next working day), or never."""
        sim = self.sim
        rng = sim.rng(what, task.instance_id, row.unit_code)
        draw = rng.random()
        if draw < missing:
            return
        due = sim.time.local_date(row.due_at - timedelta(seconds=1))
        if draw < missing + late:
            at = sim.time.on(sim.calendar.add_working_days(due, 1), rng, not_before=sim.now)
            at = min(at, sim.time.end_of_working_day(sim.calendar.add_working_days(due, 1)))
        else:
            at = sim.time.before(due, rng.randint(0, 8), rng, not_before=sim.now)
        role = "unit_staff" if rng.random() < 0.7 else "unit_leader"
        self._at(task, at, sim.province.with_role(role, row.unit_code)[0], data)

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

    def _at(self, task: NewTask, at: datetime, person: Person, data: Data) -> None:
        sim = self.sim
        label = f"{task.process_id}:{task.bpmn_id} of instance {task.instance_id}"
        sim.schedule(
            at, label, lambda: sim.complete(task.task_id, person, data() if callable(data) else data)
        )

    def _one(self, role: str, task: NewTask) -> Person:
        return self.sim.rng("who", task.key).choice(self.sim.province.with_role(role))
