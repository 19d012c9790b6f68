"""What a calendar change moves, as values: the kinds of deadline, one move, a plan of moves and what
each running instance must be told, and the context the planners (engine.workdays.planning) share."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar import WorkCalendar
from engine.directory.models import Unit
from engine.instances.models import ProcessInstance, WaitingTimer
from engine.instances.service import Engine
from engine.reports.periodic import VP_UNIT_TYPE, ReportPeriod, report_period

# What moves, in the order lists show it, with the words people know it by.
KINDS = {
    "assignment": "Thời hạn thực hiện nhiệm vụ",
    "assignment_t2": "Hạn cập nhật tình hình, kết quả (T2)",
    "update_obligation": "Kỳ cập nhật nhiệm vụ không có thời hạn",
    "intake_t1": "Hạn phân loại, chuyển theo dõi (T1)",
    "feedback_t5": "Hạn xử lý phản hồi của địa phương (T5)",
    "inspection_t4": "Hạn báo cáo kết quả kiểm tra (T4)",
    "report_t6": "Hạn gửi báo cáo định kỳ (T6)",
    "report_t7": "Hạn trình báo cáo tổng hợp (T7)",
    "report_receipt": "Hạn cuối nhận báo cáo của đơn vị",
    "secret_report": "Hạn gửi báo cáo theo chế độ mật",
    "secret_receipt": "Hạn cuối nhận xác nhận báo cáo mật",
}
T4_WORKING_DAYS = 7  # Đ17.1: the inspection report, counted from the end of the inspection
T5_WORKING_DAYS = 5  # Đ19.5: VP's answer to a local unit's feedback, counted from its receipt
# How far after a changed day a deadline computed before it can lie: R4 runs over the days off after a
# due date, then T2 adds 3 working days; the longest run of days off (Tết with its weekends) and a
# weekend stay well inside a month.
REACH_DAYS = 31
ALL_UNITS = "Các đơn vị báo cáo"  # the unit of a round's T6 before the round opens: not yet anyone's
VP_NAME = "Văn phòng UBND tỉnh"
ASSIGNMENT_CHANGED = "assignment_changed"  # the signal on which the assignment diagram re-reads


@dataclass(frozen=True)
class Move:
    """One deadline that moves: what (kind), about what and for whom as people see it, from, to."""

    kind: str
    subject: str
    unit_code: str | None
    unit_name: str
    old: date
    new: date
    entity: str | None = None  # the table whose row holds the date, if one does
    entity_id: str | None = None
    instance_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON, dates as ISO text."""
        values = asdict(self)
        old, new = values.pop("old"), values.pop("new")
        return {
            **values,
            "kind_label": KINDS.get(self.kind, self.kind),
            "old_date": old.isoformat(),
            "new_date": new.isoformat(),
        }

    @classmethod
    def of(cls, row) -> Move:
        """The move a DeadlineMove row records."""
        return cls(
            row.kind,
            row.subject,
            row.unit_code,
            row.unit_name,
            row.old_date,
            row.new_date,
            row.entity,
            row.entity_id,
            row.instance_id,
        )


@dataclass
class Plan:
    """The moves, and what each running instance must be told: process variables to set (dicts merged),
    the assignment whose view its data holds, whether its deadline watch must re-read."""

    moves: list[Move] = field(default_factory=list)
    variables: dict[int, dict[str, Any]] = field(default_factory=dict)
    assignment_views: dict[int, int] = field(default_factory=dict)  # instance id -> assignment id
    signals: set[int] = field(default_factory=set)

    def add(self, move: Move, variables: dict[str, Any] | None = None, started: bool = True) -> None:
        """A move, and the variables its instance holds the date in (unless it has not run yet: it
        will read the new calendar and rows when it does)."""
        self.moves.append(move)
        if variables and move.instance_id is not None and started:
            held = self.variables.setdefault(move.instance_id, {})
            for name, value in variables.items():
                if isinstance(value, dict) and isinstance(held.get(name), dict):
                    held[name] = {**held[name], **value}
                else:
                    held[name] = value

    @property
    def instance_ids(self) -> list[int]:
        """Every instance to reschedule, in id order (the order their rows are locked in)."""
        return sorted(set(self.variables) | set(self.assignment_views) | self.signals)


@dataclass
class Context:
    """What the planners share: the session, the two calendars, the changed day, a few lookups."""

    session: Session
    engine: Engine
    before: WorkCalendar
    after: WorkCalendar
    day: date
    _units: dict[str, str] | None = None
    _vp: tuple[str | None, str] | None = None

    def unit_name(self, code: str) -> str:
        """A unit's name by its code (the directory read once)."""
        if self._units is None:
            self._units = dict(self.session.execute(select(Unit.code, Unit.name)).all())
        return self._units.get(code, code)

    def vp(self) -> tuple[str | None, str]:
        """(code, name) of the unit that tracks and consolidates, VP: unit types are data (DOMAIN.md)."""
        if self._vp is None:
            row = self.session.execute(
                select(Unit.code, Unit.name)
                .where(Unit.unit_type == VP_UNIT_TYPE)
                .order_by(Unit.code)
                .limit(1)
            ).first()
            self._vp = (row.code, row.name) if row else (None, VP_NAME)
        return self._vp

    def variables(self, instance: ProcessInstance, *names: str) -> dict[str, Any]:
        """Process variables as the instance holds them now (plain JSON), including earlier moves."""
        execution = self.engine.runtime.restore(instance.state)
        return {name: execution.variable(name) for name in names}

    def period(self, year: int, month: int, calendar: WorkCalendar) -> ReportPeriod:
        """The reporting period ending in `month` of `year` under `calendar` (R7, with the setting)."""
        return report_period(calendar, year, month, reading=self.engine.settings.report_deadline)

    def waiting_at(self, instance_id: int, *bpmn_ids: str) -> bool:
        """Whether the instance waits at one of these timers (the waiting-timer index says so)."""
        found = self.session.scalar(
            select(WaitingTimer.task_id)
            .where(WaitingTimer.instance_id == instance_id, WaitingTimer.bpmn_id.in_(bpmn_ids))
            .limit(1)
        )
        return found is not None
