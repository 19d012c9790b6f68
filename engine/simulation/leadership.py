"""The steps of an assignment beyond the lead unit's own (Đ8.1.c the unit leader's approval, Đ9.1.b VP's
advice on a difficulty, Đ19.3 and Đ10.4 the escalation after an unanswered urging letter, Đ9.2.b the
coordinating units' contributions), and P10, the yearly report on the regulation (Đ26.1, Đ25.2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from engine.simulation.behaviour import AssignmentPeople
from engine.simulation.driver import Driver, NewTask
from engine.simulation.options import Rates
from engine.usertasks.models import UserTaskRow

ESCALATION_KINDS = ("extend", "explain", "discipline", "other")


@dataclass
class LeadershipPeople:
    """Unit leaders, VP's specialists and Chánh Văn phòng, the Chairman, and coordinating units."""

    sim: Driver
    rates: Rates
    assignments: AssignmentPeople
    leader_returns: int = 0  # reports a unit leader sent back to the staff
    escalations: int = 0  # directions of the Chairman after an unanswered urging letter
    regulation_returns: set[int] = field(default_factory=set)  # P10 instances sent back once
    returned: set[int] = field(default_factory=set)  # assignments whose report a leader sent back once

    def handlers(self) -> dict[tuple[str, str], Callable[[NewTask], None]]:
        """Which method answers which user task (process id, element id)."""
        return {
            ("assignment", "approve_report"): self.approve_report,
            ("assignment", "advise_difficulty"): self.advise_difficulty,
            ("assignment", "propose_measures"): self.propose_measures,
            ("assignment", "direct_escalation"): self.direct_escalation,
            ("coordination", "send_contribution"): self.send_contribution,
            ("regulation_report", "assess"): self.assess_regulation,
            ("regulation_report", "approve"): self.approve_regulation,
        }

    # --- Đ8.1.c --------------------------------------------------------------------------------------

    def approve_report(self, task: NewTask) -> None:
        """The unit leader approves the staff's result or difficulty report, or returns it once with
        remarks; the report reaches VP on approval."""
        people, sim = self.assignments, self.sim
        f = people.followed[task.instance_id]
        rng = sim.rng("approve_report", task.key)
        leader = sim.province.with_role("unit_leader", f.lead)[0]
        pending = f.pending
        if pending is None:  # what was reported is not known: approve it as it stands
            pending = ("result", None)
        if f.assignment_id not in self.returned and rng.random() < self.rates.report_returned_by_leader:
            self.returned.add(f.assignment_id)
            data = {
                "approval_decision": "return",
                "approval_remarks": "Đề nghị bổ sung số liệu, tài liệu chứng minh kết quả.",
            }

            def done() -> None:
                self.leader_returns += 1
                f.pending, f.resubmit = None, pending[0]

        else:
            data = {"approval_decision": "approve", "approval_remarks": None}

            def done() -> None:
                f.pending = None
                people.reached_vp(f, *pending)

        people.later(task, rng.randint(0, 2), leader, data, done)

    # --- Đ9.1.b --------------------------------------------------------------------------------------

    def advise_difficulty(self, task: NewTask) -> None:
        """VP assesses the difficulty and proposes an extension (to after the deadline in force and
        today) or keeping the deadline."""
        people, sim = self.assignments, self.sim
        f = people.followed[task.instance_id]
        rng = sim.rng("advise_difficulty", task.key)
        due = sim.ledger.entries[f.assignment_id].dues[-1][1]
        today = sim.time.local_date(sim.now)
        data = {
            "advice": "Khó khăn đơn vị nêu là có cơ sở; cần thêm thời gian hoàn thiện thủ tục.",
            "proposal": "keep",
            "advised_due_date": None,
            "concerned_unit": None,
        }
        if due is not None and rng.random() < 0.7:
            advised = max(f.proposed_due or due, due + timedelta(days=7), today + timedelta(days=14))
            data |= {"proposal": "extend", "advised_due_date": advised.isoformat()}
        if f.lead in sim.province.communes and rng.random() < 0.5:  # Đ21.2: the sở of the field
            data["concerned_unit"] = rng.choice(sim.province.departments)
        people.later(task, rng.randint(0, 2), sim.province.people[f.specialist], data)

    # --- Đ19.3, Đ10.4 --------------------------------------------------------------------------------

    def propose_measures(self, task: NewTask) -> None:
        """The unit is still silent after the urging letter: VP proposes measures to the Chairman."""
        people, sim = self.assignments, self.sim
        f = people.followed[task.instance_id]
        rng = sim.rng("propose_measures", task.key)
        data = {
            "measures": f"Đề nghị Chủ tịch UBND tỉnh yêu cầu {sim.province.name_of(f.lead)} báo cáo giải "
            "trình, khẩn trương hoàn thành nhiệm vụ."
        }
        people.later(task, rng.randint(0, 2), sim.province.people[f.specialist], data)

    def direct_escalation(self, task: NewTask) -> None:
        """The Chairman extends the deadline, asks for an explanation, a review of responsibility, or
        directs otherwise."""
        people, sim = self.assignments, self.sim
        f = people.followed[task.instance_id]
        rng = sim.rng("direct_escalation", task.key)
        kind = rng.choice(ESCALATION_KINDS)
        data = {
            "direction_kind": kind,
            "direction": "Yêu cầu đơn vị khẩn trương thực hiện, báo cáo kết quả.",
            "new_due_date": None,
        }
        done = None
        if kind == "extend":
            new_due = sim.time.local_date(sim.now) + timedelta(days=rng.randint(20, 40))
            data["new_due_date"] = new_due.isoformat()

            def done() -> None:
                sim.ledger.deadline_set(f.assignment_id, at=sim.now, due=new_due, calendar=sim.calendar)
                f.due = new_due
                f.plan.version += 1
                if f.update_task is not None:
                    people._next_update(f)

        chairman = sim.province.with_role("chairman")[0]
        self.escalations += 1
        people.later(task, rng.randint(1, 3), chairman, data, done)

    # --- Đ9.2.b --------------------------------------------------------------------------------------

    def send_contribution(self, task: NewTask) -> None:
        """A coordinating unit sends its part to the lead unit within a few working days."""
        sim = self.sim
        rng = sim.rng("send_contribution", task.key)
        with sim.system.db.reading() as session:
            unit = session.get(UserTaskRow, task.task_id).unit_code
        data = {
            "situation": "Đơn vị đã phối hợp cung cấp thông tin, số liệu theo đề nghị của đơn vị chủ trì."
        }
        person = sim.province.with_role("unit_staff", unit)[0]
        self.assignments.later(task, rng.randint(1, 8), person, data)

    # --- P10 -----------------------------------------------------------------------------------------

    def assess_regulation(self, task: NewTask) -> None:
        """VP assesses the year's frozen figures (Đ26.1) and proposes the emulation ranking (Đ25.2)."""
        sim = self.sim
        rng = sim.rng("assess", task.key)
        data = {
            "results": "Các cơ quan, đơn vị cơ bản thực hiện nghiêm Quy chế; tỷ lệ hoàn thành đúng hạn tăng.",
            "shortcomings": "Một số đơn vị cập nhật chậm sau thời hạn, gửi báo cáo định kỳ muộn.",
            "causes": "Chưa bố trí cán bộ đầu mối ổn định; thủ tục liên quan nhiều cơ quan.",
            "proposals": "Đề nghị Chủ tịch UBND tỉnh phê bình các đơn vị có nhiều nhiệm vụ quá hạn.",
            "emulation": "Xếp loại thi đua theo tỷ lệ hoàn thành nhiệm vụ đúng hạn.",
        }
        specialist = rng.choice(sim.province.with_role("vp_specialist"))
        self.assignments.later(task, rng.randint(1, 3), specialist, data)

    def approve_regulation(self, task: NewTask) -> None:
        """The Chánh Văn phòng approves and submits, now and then after sending it back once."""
        sim = self.sim
        rng = sim.rng("approve regulation", task.key)
        if task.instance_id not in self.regulation_returns and rng.random() < 0.3:
            self.regulation_returns.add(task.instance_id)
            data = {"chief_decision": "return", "chief_remarks": "Bổ sung đánh giá nguyên nhân chủ quan."}
        else:
            data = {"chief_decision": "approve", "chief_remarks": None}
        chief = sim.province.with_role("vp_chief")[0]
        self.assignments.later(task, rng.randint(1, 2), chief, data)
