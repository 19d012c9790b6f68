"""The people of P1 (Đ4, Đ6.1, Đ7.1): VP registers each directive document and classifies its tasks within
T1, now and then late, when the T1 alert reaches VP's leadership, who urge it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from engine.assignments import service as assignment_service
from engine.documents import service as document_service
from engine.simulation.behaviour import AssignmentPeople
from engine.simulation.driver import Driver, NewTask
from engine.simulation.scenario import DocumentPlan


@dataclass
class Intake:
    """A registered document awaiting classification."""

    document: DocumentPlan
    document_id: int
    specialist: str


@dataclass
class IntakePeople:
    """VP's specialists and leadership on the intake process."""

    sim: Driver
    assignments: AssignmentPeople
    intakes: dict[int, Intake] = field(default_factory=dict)  # by intake instance id

    def handlers(self) -> dict:
        """Which method answers which user task (process id, element id)."""
        return {("intake", "classify"): self.classify, ("intake", "urge_classification"): self.urge}

    def register(self, document: DocumentPlan) -> None:
        """A specialist registers the document (POST /documents): its intake starts."""
        specialists = self.sim.province.with_role("vp_specialist")
        specialist = specialists[document.key % len(specialists)]
        row = self.sim.call(
            "register_document",
            document_service.register_document,
            engine=self.sim.system.engine,
            payload=document.payload(),
            actor=specialist.username,
        )
        self.intakes[row.intake_instance_id] = Intake(document, row.id, specialist.username)
        self.sim.metrics.counts["documents"] += 1

    def classify(self, task: NewTask) -> None:
        """Classify by T1 (3 working days after ngày ban hành, 5 for several tasks, several units or a
        consultation), or a few working days past it."""
        intake = self.intakes[task.instance_id]
        doc, sim = intake.document, self.sim
        rng = sim.rng("classify", doc.key)
        units = {u for t in doc.tasks for u in (t.lead_unit, *t.coordinating_units)}
        t1_days = 5 if len(doc.tasks) > 1 or len(units) > 1 or doc.needs_consultation else 3
        t1_due = sim.calendar.add_working_days(doc.issued_on, t1_days)
        today = sim.time.local_date(sim.now)
        if doc.late_classification:
            day = sim.calendar.add_working_days(max(t1_due, today), rng.randint(1, 3))
        else:
            day = today + timedelta(days=rng.randint(0, max(0, (t1_due - today).days)))
            day = min(sim.calendar.effective_due_date(day), max(t1_due, today))
        at = sim.time.on(day, rng, not_before=sim.now)
        sim.expect(task.task_id, at)
        sim.schedule(at, f"classify {doc.number}", lambda: self._classify(task, intake))

    def _classify(self, task: NewTask, intake: Intake) -> None:
        doc, sim = intake.document, self.sim
        rng = sim.rng("must_report", doc.key)
        data = {
            "tracking_room": "Phòng Tổng hợp",
            "tracking_specialist": intake.specialist,
            "tasks": [
                {
                    "content": t.content,
                    "lead_unit": t.lead_unit,
                    "coordinating_units": list(t.coordinating_units),
                    "has_deadline": t.due_date is not None,
                    "due_date": t.due_date.isoformat() if t.due_date else None,
                    "deadline_kind": t.deadline_kind,
                    "must_report": t.deadline_kind in ("report", "submission") or rng.random() < 0.5,
                }
                for t in doc.tasks
            ],
        }
        if not sim.complete(task.task_id, sim.province.people[intake.specialist], data):
            return
        # The engine numbered the assignments and started their processes: learn their ids (the rows'
        # values themselves are never read into the ledger, which records what VP entered).
        with sim.system.db.reading() as session:
            rows = assignment_service.assignments_of(session=session, document_id=intake.document_id)
        for row, draft in zip(rows, doc.tasks, strict=True):
            sim.ledger.created(
                assignment_id=row.id,
                at=sim.now,
                lead=draft.lead_unit,
                due=draft.due_date,
                calendar=sim.calendar,
            )
            self.assignments.follow(row.instance_id, row.id, doc, draft, intake.specialist)
        sim.metrics.counts["assignments"] += len(rows)

    def urge(self, task: NewTask) -> None:
        """VP's leadership, alerted past T1, urge the specialist."""
        rng = self.sim.rng("urge_classification", task.key)
        data = {
            "instruction": "Đề nghị chuyên viên theo dõi khẩn trương phân loại, chuyển theo dõi văn bản.",
            "urge_specialist": True,
        }
        self.assignments.later(task, rng.randint(0, 1), self.assignments.one("vp_leadership", rng), data)
