"""What VP decides the P9 consolidation on (Đ22.2): a unit's report keeps the files sent with it, each unit
is on time, late or missing against T6, and the Biểu tổng hợp shown before the freeze is exactly the one
the freeze stores. The round used by the page tests (tests/web/test_report_rounds.py) and the browser
journey is built here, through the real process on the injected clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine import clock as clock_module
from engine.directory import units
from engine.reports import rounds
from engine.reports.models import ReportRound, ReportSubmission
from engine.workdays import service as workdays
from tests.conftest import complete_task
from tests.engine.files import samples
from tests.engine.files.helpers import upload
from tests.processes.test_periodic_report import (
    END_OF_CUTOFF,
    END_OF_T6,
    Q3_OPENS,
    inbox,
    local,
    report_task,
    seed_assignments,
    start_scheduler,
    submit,
    sweep,
)

FILE_NAME = "Báo cáo quý III - Sở Tài chính.pdf"
REPORT_TC = {
    "situation": "Sở Tài chính hoàn thành 2 nhiệm vụ, đang triển khai 3 nhiệm vụ",
    "difficulties": "Thiếu kinh phí thực hiện đề án số hóa",
    "proposals": "Đề nghị UBND tỉnh bổ sung kinh phí năm 2026",
}
SITUATION_XD = "Sở Xây dựng đang hoàn thiện hồ sơ quy hoạch"
ASSESSMENT = {"assessment": "Các đơn vị cơ bản hoàn thành nhiệm vụ; Sở Nội vụ chưa gửi báo cáo"}


@dataclass(frozen=True)
class AtConsolidation:
    """The Q3 2026 round at its consolidation step: SO_TC reported on time with a file, SO_XD after T6,
    SO_NV never; communes do not report in this directory."""

    instance_id: int
    round_id: int
    file_id: int
    consolidate_id: str


def at_consolidation(system, directory, clock) -> AtConsolidation:
    """Drive the Q3 2026 round through the process up to "Tổng hợp báo cáo", on 24/09/2026."""
    with system.db.transaction() as session:
        units.set_type(session=session, unit_type="UBND cấp xã/phường", sends_reports=False, actor="admin")
    [instance_id] = start_scheduler(system, clock)
    sweep(system, clock, Q3_OPENS + timedelta(seconds=1))
    seed_assignments(system)

    clock.move_to(local(15))
    task = report_task(system, directory["sotc"])
    stored = upload(system, directory["sotc"], samples.pdf("Bao cao quy III"), FILE_NAME, task_id=task.id)
    complete_task(system, task.id, directory["sotc"], {**REPORT_TC, "attachments": [{"file_id": stored.id}]})
    sweep(system, clock, END_OF_T6 + timedelta(minutes=1))
    submit(system, clock, directory["soxd"], local(22), situation=SITUATION_XD)  # after T6 (21/09)
    sweep(system, clock, END_OF_CUTOFF + timedelta(minutes=1))  # SO_NV never reports
    [consolidate] = inbox(system, directory["cv"])
    clock.move_to(local(24))
    with system.db.reading() as session:
        [round_id] = session.scalars(select(ReportRound.id))
    return AtConsolidation(instance_id, round_id, stored.id, consolidate.id)


def seen(system, round_id: int, unit_codes=None):
    """The round's submissions and Biểu tổng hợp as the pages read them now."""
    with system.db.reading() as session:
        row = session.get(ReportRound, round_id)
        calendar = workdays.calendar(session=session, settings=system.settings)
        now = clock_module.now()
        found = rounds.submissions(session, row, calendar=calendar, now=now, unit_codes=unit_codes)
        table = rounds.figures(
            session,
            row,
            calendar=calendar,
            now=now,
            soon_days=system.settings.due_soon_days,
            unit_codes=unit_codes,
        )
    return found, table


@pytest.mark.postgres
def test_a_units_report_keeps_its_files_and_each_unit_is_on_time_late_or_missing(system, directory, clock):
    at = at_consolidation(system, directory, clock)
    with system.db.reading() as session:
        sent = session.scalar(select(ReportSubmission).where(ReportSubmission.unit_code == "SO_TC"))
    [ref] = sent.attachments
    assert (ref["file_id"], ref["name"], ref["content_type"]) == (at.file_id, FILE_NAME, "application/pdf")
    assert len(ref["sha256"]) == 64 and ref["size"] > 0

    found, _ = seen(system, at.round_id)
    assert [(s["unit_name"], s["status"]) for s in found] == [
        ("Sở Nội vụ", rounds.MISSING),
        ("Sở Tài chính", rounds.ON_TIME),
        ("Sở Xây dựng", rounds.LATE),
    ]
    by_unit = {s["unit_code"]: s for s in found}
    assert by_unit["SO_TC"]["submitted_by_name"] == "Đỗ Tài Chính"
    assert (by_unit["SO_TC"]["content"], by_unit["SO_TC"]["proposals"]) == (
        REPORT_TC["situation"],
        REPORT_TC["proposals"],
    )
    assert by_unit["SO_XD"]["submitted_at"] == local(22) and by_unit["SO_XD"]["attachments"] == []
    assert by_unit["SO_NV"]["submitted_at"] is None and by_unit["SO_NV"]["submitted_by_name"] is None
    assert rounds.tally({s["unit_code"]: s["status"] for s in found}) == {
        "on_time": 1,
        "late": 1,
        "not_sent": 1,
    }

    mine, (rows, _, _) = seen(system, at.round_id, unit_codes=["SO_XD"])
    assert [s["unit_code"] for s in mine] == ["SO_XD"] and [r["unit_code"] for r in rows] == ["SO_XD"]


def test_a_report_is_on_time_until_24_00_local_of_t6_and_missing_only_after(system):
    with system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=system.settings)
    due = date(2026, 9, 21)  # Monday 21/09/2026, ending 24:00 local = 17:00 UTC
    last_minute, midnight = END_OF_T6 - timedelta(minutes=1), END_OF_T6
    assert rounds.timeliness(due, last_minute, calendar=calendar, now=midnight) == rounds.ON_TIME
    after = midnight + timedelta(seconds=1)
    assert rounds.timeliness(due, after, calendar=calendar, now=after) == rounds.LATE
    assert rounds.timeliness(due, None, calendar=calendar, now=last_minute) == rounds.PENDING
    assert rounds.timeliness(due, None, calendar=calendar, now=midnight) == rounds.MISSING


@pytest.mark.postgres
def test_the_table_shown_before_the_freeze_is_exactly_the_one_the_freeze_stores(system, directory, clock):
    at = at_consolidation(system, directory, clock)
    _, (before, as_of, frozen) = seen(system, at.round_id)
    assert frozen is False and as_of.isoformat() == "2026-09-14"
    assert {r["unit_code"] for r in before} == {"SO_NV", "SO_TC", "SO_XD"}

    clock.move_to(datetime(2026, 9, 24, 3, 0, tzinfo=UTC))
    complete_task(system, at.consolidate_id, directory["cv"], ASSESSMENT)
    with system.db.reading() as session:
        stored = session.get(ReportRound, at.round_id)
    assert stored.status == "consolidated" and stored.figures == before
    _, (after, as_of_after, frozen_after) = seen(system, at.round_id)
    assert (after, as_of_after, frozen_after) == (before, as_of, True)
