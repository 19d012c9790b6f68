"""What a simulation run is asked to do: its size, its time span, its seed and the people's habits."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from engine import clock


@dataclass(frozen=True)
class Rates:
    """How the simulated people behave, as probabilities (0..1) unless named otherwise."""

    tasks_without_deadline: float = 0.2
    coordinating_units: float = 0.3  # a task has coordinating units (Đ9.2)
    needs_consultation: float = 0.1
    late_classification: float = 0.08  # VP classifies past T1 (Đ7.1)
    returned: float = 0.08  # the lead unit returns the task to VP (Đ6.2.a)
    return_not_our_mandate: float = 0.5  # of returns: transferred to another unit, else corrected
    correction_moves_deadline: float = 0.5  # of corrections: VP also changes the deadline
    correction_gives_deadline: float = 0.5  # of corrections of a task without one: VP gives it a deadline
    difficulty: float = 0.07  # the unit reports a difficulty and asks the Chairman (Đ20.2, Đ21.2)
    extension_granted: float = 0.6  # of difficulties: the Chairman extends the deadline
    content_adjusted: float = 0.15  # of difficulties: the Chairman adjusts the content instead
    result_early: float = 0.45  # result well before the deadline
    result_on_deadline: float = 0.25  # result in the last days up to the deadline
    result_within_t2: float = 0.12  # result after the deadline, after the T2 reminder
    result_after_urging: float = 0.10  # no update by T2: VP urges, the result follows
    # the rest: no result by the end of the run
    backdated_result: float = 0.2  # completed_on a few days before the report
    sent_back: float = 0.1  # VP sends the reported result back (Đ8.2)
    report_returned_by_leader: float = 0.1  # the unit leader returns a report to the staff (Đ8.1.c)
    progress_updates: float = 1.2  # mean number of progress updates per task
    periodic_report_late: float = 0.1  # a unit reports after T6 (before the receipt closes)
    periodic_report_missing: float = 0.04  # a unit never reports in a round
    secret_report_late: float = 0.1
    secret_report_missing: float = 0.04
    inspections_per_year: float = 4.0
    inspection_declined: float = 0.2  # the Chairman (or the unit leader) decides not to inspect
    inspection_by_units: float = 0.4  # of inspections: by a sở or a commune of its own (Đ12.2, Đ12.3)
    inspection_plan_sent_back: float = 0.2  # the Chánh Văn phòng returns VP's plan once
    inspection_report_late: float = 0.25  # the report comes after T4 (Đ17)
    feedbacks_per_year: float = 12.0  # local feedback about a late sở (Đ21.3)
    feedback_direction_request: float = 0.4  # VP asks the Chairman instead of urging (Đ19.5)
    feedback_handled_late: float = 0.15  # VP answers after T5
    feedback_on_paper: float = 0.3  # VP registers feedback a commune sent on paper, with its receipt date
    correction_requests_per_year: float = 4.0  # a lead unit asks VP to correct a task's data
    ad_hoc_reports_per_year: float = 8.7  # the Chairman asks units for an ad-hoc report (every 6 weeks)
    ad_hoc_secret: float = 0.15  # of ad-hoc requests: under the secrecy regime (Đ5.2.b)
    ad_hoc_answer_late: float = 0.1  # a unit answers after the date, when it is no longer taken

    @classmethod
    def with_changes(cls, changes: dict[str, str]) -> Rates:
        """Rates with `name=value` overrides (from `--rate`); unknown names are refused by name."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown rate(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        values = {}
        for name, raw in changes.items():
            try:
                values[name] = float(raw)
            except ValueError:
                raise ValueError(f"rate {name} must be a number, got {raw!r}") from None
            if values[name] < 0:
                raise ValueError(f"rate {name} must not be negative, got {raw!r}")
        return cls(**values)


@dataclass(frozen=True)
class Options:
    """The size and span of a run."""

    units: int = 60
    documents: int = 3000
    start: date = field(default_factory=lambda: date(clock.now().year + 1, 1, 1))  # next 1 January
    days: int = 365
    seed: int = 35
    rates: Rates = field(default_factory=Rates)

    def __post_init__(self) -> None:
        if self.units < 4:
            raise ValueError(f"units must be at least 4 (VP, two sở, a commune), got {self.units}")
        if self.documents < 0:
            raise ValueError(f"documents must not be negative, got {self.documents}")
        if not 1 <= self.days <= 3 * 366:
            raise ValueError(f"days must be between 1 and {3 * 366}, got {self.days}")
