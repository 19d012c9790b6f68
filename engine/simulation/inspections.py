"""The people of P8 (Đ12–18) at every level: VP's plan, the Chánh Văn phòng's proposal (or send-back) and
the Chairman's decision; a sở's or a commune's plan decided by its own leader; then the Trưởng đoàn's
fieldwork and report within T4, the inspected unit's own report (Đ16.3) and the dossier (Đ18)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from engine.instances import starting
from engine.simulation.driver import Driver, NewTask
from engine.simulation.options import Rates
from engine.simulation.province import VP_CODE, Person
from engine.simulation.scenario import OneOff
from engine.usertasks.models import UserTaskRow


@dataclass
class InspectionPlan:
    """An inspection as its unit planned it, who leads the team, and when it was decided."""

    inspecting: str  # unit code
    unit: str  # the inspected unit
    planned_from: date
    planned_to: date
    leader: Person  # the Trưởng đoàn (and who drew up the plan)
    decided_on: date | None = None
    sent_back: bool = False


@dataclass
class InspectionPeople:
    """Reacts to the user tasks of inspection instances."""

    sim: Driver
    rates: Rates
    plans: dict[int, InspectionPlan] = field(default_factory=dict)  # by instance id
    levels: dict[str, int] = field(default_factory=dict)  # inspections started, by inspecting level

    def handlers(self) -> dict[tuple[str, str], Callable[[NewTask], None]]:
        """Which method answers which user task (process id, element id)."""
        return {
            ("inspection", "propose"): self.propose,
            ("inspection", "revise_plan"): self.revise_plan,
            ("inspection", "decide_chairman"): self.decide,
            ("inspection", "decide_unit"): self.decide,
            ("inspection", "fieldwork"): self.fieldwork,
            ("inspection", "report"): self.report,
            ("inspection", "inspected_report"): self.inspected_report,
            ("inspection", "dossier"): self.dossier,
        }

    def plan(self, event: OneOff) -> None:
        """VP, or now and then a sở or a commune, draws up an inspection plan and starts P8 (Đ12)."""
        sim = self.sim
        province = sim.province
        rng = sim.rng("inspection", event.key)
        # Every other inspection, or as the rate says, is a sở's or a commune's own (Đ12.2, Đ12.3).
        by_unit = event.key % 2 == 1 or rng.random() < self.rates.inspection_by_units
        if by_unit and province.communes:
            kinds = [province.departments, province.communes[:3]]
            inspecting = rng.choice(kinds[(event.key // 2) % 2])
            unit = rng.choice([c for c in province.communes if c != inspecting] or province.departments)
            leader = province.with_role("unit_staff", inspecting)[0]
            level = "department" if inspecting in province.departments else "commune"
        else:
            inspecting, unit = VP_CODE, rng.choice(province.reporting)
            leader = rng.choice(province.with_role("vp_specialist"))
            level = "province"
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
        instance = sim.call(
            "start inspection",
            starting.start_on_demand,
            engine=sim.system.engine,
            process_id="inspection",
            data=form,
            user=leader.principal(),
        )
        sim.metrics.counts["inspection started"] += 1
        self.levels[level] = self.levels.get(level, 0) + 1
        self.plans[instance.id] = InspectionPlan(inspecting, unit, planned_from, planned_to, leader)

    def propose(self, task: NewTask) -> None:
        """The Chánh Văn phòng proposes the inspection to the Chairman, or sends the plan back once."""
        sim, plan = self.sim, self.plans[task.instance_id]
        rng = sim.rng("propose", task.key)
        if not plan.sent_back and rng.random() < self.rates.inspection_plan_sent_back:
            plan.sent_back = True
            data = {"proposal_outcome": "send_back", "proposal_remarks": "Làm rõ nội dung kiểm tra."}
        else:
            data = {"proposal_outcome": "propose"}
        self._later(task, rng.randint(0, 2), sim.province.with_role("vp_chief")[0], data)

    def revise_plan(self, task: NewTask) -> None:
        """VP revises the plan as the Chánh Văn phòng asked, keeping its dates."""
        sim, plan = self.sim, self.plans[task.instance_id]
        data = {
            "title": f"Kiểm tra việc thực hiện nhiệm vụ tại {sim.province.name_of(plan.unit)}",
            "planned_from": plan.planned_from.isoformat(),
            "planned_to": plan.planned_to.isoformat(),
            "purpose": "Đánh giá việc triển khai, cập nhật các nhiệm vụ UBND tỉnh giao.",
            "plan_contents": "Các nội dung tại Điều 13; làm rõ việc cập nhật sau thời hạn.",
        }
        self._later(task, 1, plan.leader, data)

    def decide(self, task: NewTask) -> None:
        """The Chairman (VP's plan) or the unit's leader decides the inspection, contents a-đ (Đ15),
        naming the Trưởng đoàn and the day the inspected unit reports by, or declines it."""
        sim, plan = self.sim, self.plans[task.instance_id]
        rng = sim.rng("decide", task.instance_id)
        declined = rng.random() < self.rates.inspection_declined
        if task.bpmn_id == "decide_chairman":
            who = sim.province.with_role("chairman")[0]
        else:
            who = sim.province.with_role("unit_leader", plan.inspecting)[0]

        def data() -> dict:
            today = sim.time.local_date(sim.now)
            plan.decided_on = today
            if declined:
                return {"outcome": "decline", "decline_reason": "Đơn vị đã được kiểm tra trong năm."}
            return {
                "outcome": "inspect",
                "decision_number": f"{task.instance_id}/QĐ-KT",
                "decision_date": today.isoformat(),
                "legal_basis": "Quy chế 35/2015/QĐ-UBND; kế hoạch kiểm tra năm.",
                "scope": f"{sim.province.name_of(plan.unit)}; các nhiệm vụ UBND tỉnh giao.",
                "inspection_contents": "Các nội dung tại Điều 13.",
                "inspection_duration": "04 ngày làm việc",
                "team_composition": "Trưởng đoàn và cán bộ của đơn vị kiểm tra.",
                "team_leader": plan.leader.username,
                "team_members": [],
                "inspected_report_due": sim.calendar.add_working_days(today, 3).isoformat(),
            }

        self._later(task, rng.randint(1, 3), who, data)

    def inspected_report(self, task: NewTask) -> None:
        """The inspected unit reports on its tasks and hands over its records (Đ16.3)."""
        sim, plan = self.sim, self.plans[task.instance_id]
        data = {"situation": "Đơn vị đã triển khai các nhiệm vụ được giao; gửi kèm báo cáo và hồ sơ."}
        self._later(task, 2, sim.province.with_role("unit_staff", plan.unit)[0], data)

    def fieldwork(self, task: NewTask) -> None:
        """The team works from the planned start to the planned end, then its leader records it (Đ16)."""
        sim, plan = self.sim, self.plans[task.instance_id]
        decided = plan.decided_on or sim.time.local_date(sim.now)
        end = max(plan.planned_to, sim.calendar.add_working_days(decided, 2))
        at = sim.time.on(end, sim.rng("fieldwork", task.instance_id), not_before=sim.now)

        def data() -> dict:
            return {
                "start_date": max(plan.planned_from, decided).isoformat(),
                "end_date": min(end, sim.time.local_date(sim.now)).isoformat(),
                "minutes_summary": "Đơn vị đã báo cáo đầy đủ; một số nhiệm vụ còn chậm.",
            }

        self._at(task, at, plan.leader, data)

    def report(self, task: NewTask) -> None:
        """The Trưởng đoàn reports within T4 (Đ17), sometimes after it."""
        sim, plan = self.sim, self.plans[task.instance_id]
        rng = sim.rng("inspection report", task.instance_id)
        with sim.system.db.reading() as session:
            due_at = session.get(UserTaskRow, task.task_id).due_at
        due = sim.time.local_date(due_at - timedelta(seconds=1))
        if rng.random() < self.rates.inspection_report_late:  # past T4: the boundary timer reports it
            at = sim.time.on(sim.calendar.add_working_days(due, rng.randint(1, 3)), rng, not_before=sim.now)
        else:
            at = sim.time.before(due, rng.randint(0, 5), rng, not_before=sim.now)
        data = {
            "assessment": "Đơn vị triển khai đầy đủ; việc cập nhật trên Hệ thống còn chậm.",
            "conclusion": "Phần lớn nhiệm vụ hoàn thành đúng hạn.",
            "recommendations": "Đề nghị đơn vị khẩn trương hoàn thành các nhiệm vụ quá hạn.",
        }
        self._at(task, at, plan.leader, data)

    def dossier(self, task: NewTask) -> None:
        """The inspecting unit files the eight items of the dossier (Đ18)."""
        items = "team_decision assignment_documents urging_documents implementation_reports inspection_plan"
        items += " minutes_and_records result_report other_documents"
        self._later(task, 2, self.plans[task.instance_id].leader, dict.fromkeys(items.split(), True))

    def _later(self, task: NewTask, working_days: int, person: Person, data) -> None:
        rng = self.sim.rng("at", task.key)
        self._at(task, self.sim.time.after(self.sim.now, rng.randint(0, working_days), rng), person, data)

    def _at(self, task: NewTask, at, person: Person, data) -> None:
        sim = self.sim
        sim.expect(task.task_id, at)
        label = f"{task.process_id}:{task.bpmn_id} of instance {task.instance_id}"
        sim.schedule(
            at, label, lambda: sim.complete(task.task_id, person, data() if callable(data) else data)
        )
