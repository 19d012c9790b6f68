"""The demo that `make run` loads: four months of a province's work, replayed through the services and the
processes up to today, so that the dashboard, the bells, the lists and the history have something to show,
whatever day today is."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine import clock as clock_module
from engine.assignments.models import (
    URGING_LETTER,
    Assignment,
    AssignmentReturn,
    AssignmentTransfer,
    DeadlineAdjustment,
    DifficultyReport,
    StatusUpdate,
    Urging,
)
from engine.auth import service as auth
from engine.auth.models import User
from engine.config import load_settings
from engine.dashboard import figures
from engine.definitions import service as definitions
from engine.demo import DEMO, DEMO_PASSWORD, load_demo
from engine.documents.models import Document
from engine.feedback.models import LocalFeedback
from engine.files.models import ASSIGNMENT, INSPECTION, StoredFile
from engine.inspections.models import Inspection, InspectionMember, InspectionPlan, InspectionPlanItem
from engine.instances.models import ERROR, ProcessInstance
from engine.notifications import kinds
from engine.notifications import service as notifications
from engine.notifications.models import Notification
from engine.reports.models import ReportRound
from engine.system import System, build
from engine.usertasks import inbox
from engine.usertasks import service as usertasks
from engine.web.app import create_app
from engine.workdays import service as workdays
from tests.conftest import ROOT
from tests.web.test_pages import login

PDF = DEMO.parent / "bao-cao-ket-qua.pdf"


def deploy(system: System) -> None:
    with system.db.transaction() as session:
        definitions.deploy_directory(session=session, settings=system.settings, actor="test")


def today_counts(system: System, now: datetime) -> figures.Counts:
    """Bảng điều hành's figures as the page computes them at `now`."""
    with system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=system.settings)
        period = figures.today_period(calendar, calendar.local_date(now), system.settings.due_soon_days)
        return figures.overview(session, period=period)


def unread(system: System, username: str) -> int:
    with system.db.reading() as session:
        user = auth.principal(session.scalar(select(User).where(User.username == username)))
        return notifications.unread_count(session=session, user=user)


def assert_lived_in(system: System, now: datetime) -> None:
    """Every bucket of the dashboard holds tasks, and so does "Sắp đến hạn"; a unit's staff and VP's
    leader have unread notifications; no process failed on the way; documents were issued and people
    reported on working days, all before today."""
    counts = today_counts(system, now)
    assert all(getattr(counts, key) > 0 for key in (*figures.KEYS, "due_soon")), counts
    assert unread(system, "sotc.daumoi") > 0
    assert unread(system, "ld.vanphong") > 0
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).where(ProcessInstance.status == ERROR)) == 0
        calendar = workdays.calendar(session=session, settings=system.settings)
        today = calendar.local_date(now)
        days = list(session.scalars(select(Document.issued_on)))
        days += [calendar.local_date(at) for at in session.scalars(select(StatusUpdate.reported_at))]
        assert all(calendar.is_working_day(day) and day < today for day in days)


@pytest.mark.postgres
def test_the_demo_replays_four_months_of_work_up_to_today_and_loads_once(system, clock):
    deploy(system)
    now = clock.now()  # Friday 24/01/2025, 09:00 in Lào Cai, the last working day before Tết
    lines = load_demo(system)
    assert lines[0] == "demo loaded: 10 units, 14 users, 14 documents"
    assert re.fullmatch(
        r"  20 assignments, the work of \d\d/\d\d/2024 to 24/01/2025 replayed in [\d.]+ s", lines[1]
    )
    assert clock_module.current() is clock and clock.now() == now  # the test's clock, given back unmoved

    assert_lived_in(system, now)
    assert today_counts(system, now).as_tuple() == (20, 3, 2, 11, 2, 2, 3)
    with system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=system.settings)
        documents = session.scalar(select(func.count()).select_from(Document))
        first_issued = session.scalar(select(func.min(Document.issued_on)))
        assert 110 <= (now.date() - first_issued).days <= 130  # about four months of history
        # The stories the demo tells, each through its own process step.
        assert session.scalar(select(func.count()).select_from(AssignmentTransfer)) == 1
        returns = session.scalars(select(AssignmentReturn.resolution)).all()
        assert len(returns) == 3 and set(returns) == {"corrected", "transferred", None}  # one still with VP
        [extension] = session.scalars(
            select(DeadlineAdjustment).where(DeadlineAdjustment.difficulty_report_id.is_not(None))
        )
        assert extension.decided_by == "ld.ubnd" and extension.new_due_date > extension.old_due_date
        pending = session.scalars(select(DifficultyReport).where(DifficultyReport.decided_at.is_(None))).all()
        assert [r.unit_code for r in pending] == ["SO_TC"]  # waiting for the Chairman's direction
        progress = session.scalar(
            select(func.count()).where(
                StatusUpdate.is_result_report.is_(False), StatusUpdate.difficulties.is_(None)
            )
        )
        assert progress >= 15
        # Urging letters came from the timers: each was sent after T2 (3 working days after the deadline).
        letters = session.execute(
            select(Urging.issued_at, Assignment.effective_due_date)
            .join(Assignment, Assignment.id == Urging.assignment_id)
            .where(Urging.kind == URGING_LETTER)
        ).all()
        assert len(letters) == 3
        for sent_at, due in letters:
            assert calendar.local_date(sent_at) > calendar.add_working_days(due, 3)
        # A commune's feedback about a sở went to the Chairman, who directed; a later one waits past T5.
        feedback = session.execute(
            select(LocalFeedback.about_unit, LocalFeedback.response_kind).order_by(LocalFeedback.id)
        ).all()
        assert feedback == [("SO_XD", "direction_request"), ("SO_TC", None)]
        # The periodic report round that fell in the window went all the way to publication.
        assert "published" in session.scalars(select(ReportRound.status)).all()

        # Việc cần làm: the deadline tabs of a unit's staff are not empty.
        user = auth.principal(session.scalar(select(User).where(User.username == "sotc.daumoi")))
        windows = inbox.DueWindows.of(calendar, now, system.settings.due_soon_days)
        for view in (inbox.SOON, inbox.OVERDUE):
            assert usertasks.inbox(session=session, user=user, view=view, windows=windows)
        # VP's leader has a late classification to urge; the Chairman a difficulty to direct and VP's
        # inspection to decide on.
        for username, bpmn_ids in (
            ("ld.vanphong", ["urge_classification"]),
            ("ld.ubnd", ["decide_chairman", "give_direction"]),
        ):
            leader = auth.principal(session.scalar(select(User).where(User.username == username)))
            assert sorted(t.bpmn_id for t in usertasks.inbox(session=session, user=leader)) == bpmn_ids
        [pdf] = session.scalars(
            select(StoredFile).where(
                StoredFile.content_type == "application/pdf", StoredFile.subject == ASSIGNMENT
            )
        ).all()
        assert (pdf.uploaded_by, session.get(Assignment, pdf.subject_id).stage) == (
            "sotc.daumoi",
            "confirmed",
        )
        pdf_id, assignment_id = pdf.id, pdf.subject_id

        # Sở Tài chính's yearly plan, approved by its head; its first item's inspection of xã Bắc Hà went
        # up to the report, sent within T4 to the Chairman and VP, and its dossier is the sở's current work.
        today = calendar.local_date(now)
        [plan] = session.scalars(select(InspectionPlan)).all()
        assert (plan.inspecting_unit_code, plan.approved_by) == ("SO_TC", "sotc.lanhdao")
        assert str(plan.year) in plan.title and plan.approved_on < today
        items = session.scalars(select(InspectionPlanItem).order_by(InspectionPlanItem.id)).all()
        assert [i.inspected_unit_code for i in items] == ["X_BAC_HA", "P_CAM_DUONG"]
        by_unit = {row.inspected_unit: row for row in session.scalars(select(Inspection))}
        assert set(by_unit) == {"X_BAC_HA", "SO_XD"}
        commune = by_unit["X_BAC_HA"]
        assert commune.plan_item_id == items[0].id
        assert (commune.level, commune.status) == ("department", "reported")
        assert (commune.team_leader, commune.related_sector_unit_code) == ("sotc.daumoi", "SO_XD")
        assert commune.end_date < commune.reported_on <= commune.report_due < today
        assert [r["to"] for r in commune.routing] == ["chairman", "vp", "inspected_unit"]
        members = session.execute(select(InspectionMember.username, InspectionMember.role)).all()
        assert members == [("sonv.daumoi", "invited")]
        [own_report] = commune.inspected_report["files"]
        own_file = session.get(StoredFile, own_report["file_id"])
        assert own_file.uploaded_by == "xa.bacha"
        assert (own_file.subject, own_file.subject_id) == (INSPECTION, commune.id)
        staff = auth.principal(session.scalar(select(User).where(User.username == "sotc.daumoi")))
        assert "dossier" in {t.bpmn_id for t in usertasks.inbox(session=session, user=staff)}
        # VP's inspection of Sở Xây dựng, proposed by the Chánh VP, waits for the Chairman's decision.
        office = by_unit["SO_XD"]
        assert (office.level, office.status, office.proposal["by"]) == ("province", "planned", "ld.vanphong")

    # The result's PDF: linked from its assignment's page and downloadable by the leadership.
    client = create_app(system=system).test_client()
    login(client, "ld.ubnd", DEMO_PASSWORD)
    page = client.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert f"/tep-dinh-kem/{pdf_id}" in page
    download = client.get(f"/tep-dinh-kem/{pdf_id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == PDF.read_bytes()

    # Every kind of notice the processes raised reads as a heading of its own, not as plain "Thông báo".
    with system.db.reading() as session:
        raised = set(session.scalars(select(Notification.kind).distinct()))
    assert len(raised) > 5 and not {kind for kind in raised if kind not in kinds.LABELS}

    assert load_demo(system) == ["demo data already loaded"]
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == documents


# Any "today", including the days the calendar makes hard: Tết (Mùng 1 Tết Đinh Mùi is 06/02/2027), the
# last evening of a year, 30/04-01/05, 02/09, a Sunday; at any hour (23:30 local is 16:30 UTC).
SPECIAL_DAYS = [
    datetime(2027, 2, 6, 2, 0, tzinfo=UTC),
    datetime(2026, 12, 31, 16, 30, tzinfo=UTC),
    datetime(2027, 4, 30, 5, 0, tzinfo=UTC),
    datetime(2026, 9, 2, 0, 15, tzinfo=UTC),
    datetime(2028, 5, 7, 10, 0, tzinfo=UTC),
]


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)))
@example(SPECIAL_DAYS[0])
@example(SPECIAL_DAYS[1])
@example(SPECIAL_DAYS[2])
@example(SPECIAL_DAYS[3])
@example(SPECIAL_DAYS[4])
def test_the_demo_loads_on_any_day_and_every_bucket_holds_tasks(sqlite_template, at):
    with tempfile.TemporaryDirectory(prefix="theodoi-demo-") as folder:
        path = Path(folder) / "theodoi.db"
        shutil.copy(sqlite_template, path)
        system = build(
            load_settings(
                env={},
                data_dir=Path(folder) / "data",
                database_url=f"sqlite:///{path}",
                secret_key="test-secret",
                processes_dir=ROOT / "processes",
                forms_dir=ROOT / "forms",
            )
        )
        try:
            with clock_module.frozen(at):
                deploy(system)
                assert load_demo(system)[0].startswith("demo loaded")
                assert clock_module.now() == at
                assert_lived_in(system, at)
        finally:
            system.db.dispose()
