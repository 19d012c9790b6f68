"""Finding things in a province's year, on SQLite and PostgreSQL: 5,000 documents and 20,000 assignments led
by 34 units (a tenth in `make test`), with their process instances and the user tasks of the steps they took.
Every list finds words with LIKE '%word%' over `search_text`, which no index serves: these figures are what
a scan of a province costs, for a page of 50 rows and its count. Then renaming a unit that leads ~600
assignments (the upkeep hook rewrites the search text of every assignment naming it before the commit), and
rebuilding every search text.

The units and people are the simulation's province (engine.simulation.province), imported as a directory is.
The rows are bulk-inserted with blank search texts that upkeep.rebuild then composes (engine.search.texts),
as migration 0016 did for the rows of before; the instances carry the serialized state of a real intake
and a real assignment process (8 to 17 kB each), so that their table is as large as a province's. What
each search must find is worked out from the plain columns (the units of each assignment, the words of
titles and contents), never from search_text."""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import groupby

import pytest
from sqlalchemy import func, insert, select, text, update

from engine.assignments import service as assignments
from engine.assignments.models import (
    ACCEPTED,
    AWAITING_ACCEPTANCE,
    CONFIRMED,
    COORDINATING,
    LEAD,
    RESULT_REPORTED,
    RETURNED,
    Assignment,
    AssignmentUnit,
)
from engine.calendar import WorkCalendar
from engine.directory import units as directory_units
from engine.documents import listing as document_list
from engine.documents.models import Document
from engine.documents.service import register_document
from engine.instances import listing as instance_listing
from engine.instances.models import COMPLETED as FINISHED
from engine.instances.models import RUNNING, ProcessInstance
from engine.search import upkeep
from engine.search.fold import fold, words
from engine.search.sql import DEFAULT_SORT, Sort
from engine.simulation import province as simulated
from engine.usertasks import inbox
from engine.usertasks import service as usertasks
from engine.usertasks.models import COMPLETED, READY, UserTaskGroup, UserTaskRow
from engine.workdays import service as workdays
from tests.bench.conftest import report
from tests.bench.test_bench_notifications import timed
from tests.conftest import classification, complete_task, two_task_document

TODAY = date(2025, 12, 5)  # a Friday; the year's documents run from January to this week
NOW = datetime(2025, 12, 5, 2, tzinfo=UTC)  # 09:00 in Lào Cai
FIRST_ISSUE = date(2025, 1, 2)
PAGE = 50
CALENDAR = WorkCalendar()
DOC_TYPES = [  # (type, number suffix, title)
    ("Quyết định", "QĐ-UBND", "Về việc giao nhiệm vụ {} năm 2025"),
    ("Chỉ thị", "CT-UBND", "Về tăng cường {}"),
    ("Kế hoạch", "KH-UBND", "Kế hoạch {} năm 2025"),
    ("Công văn", "UBND-TH", "V/v đôn đốc {}"),
    ("Thông báo", "TB-UBND", "Kết luận của Chủ tịch UBND tỉnh về {}"),
]
# What documents (and so their tasks) are about. Two topics hold one of "tai" and "chinh" but not both, and
# one is about the budget without naming Sở Tài chính: "tai chinh" finds none of their tasks unless Sở Tài
# chính leads or coordinates them.
TOPICS = [
    "xây dựng nông thôn mới",
    "chuyển đổi số",
    "cải cách hành chính",
    "phòng, chống thiên tai",
    "giải phóng mặt bằng",
    "phát triển du lịch",
    "bảo vệ và phát triển rừng",
    "giảm nghèo bền vững",
    "bảo đảm trật tự an toàn giao thông",
    "thu hút đầu tư",
    "y tế cơ sở",
    "quản lý ngân sách nhà nước",
]
ACTIONS = [
    "Chủ trì triển khai",
    "Rà soát, đánh giá kết quả",
    "Tham mưu UBND tỉnh ban hành kế hoạch",
    "Hướng dẫn, kiểm tra việc thực hiện",
    "Báo cáo tình hình thực hiện",
]
FINANCE, FINANCE_NAME = "SO_TC", "Sở Tài chính"
# Wards merged in 2025 under a new name; like every unit here, it leads ~600 assignments at full size.
RENAMED, NEW_NAME = "UBND phường Nghĩa Lộ", "UBND phường Trung Tâm"
UNIT_GROUPS, VP_GROUPS = ["unit_staff", "unit_leader"], ["vp_specialist"]
CHUNK = 10_000
# None as NULL: every row then has the same columns, so each chunk is one batched INSERT. Without it the
# ORM splits a chunk wherever the next row has other columns left empty, and splices the RETURNING of the
# pieces together again and again (measured: 50 s for this load on PostgreSQL, most of it splicing).
BULK = {"render_nulls": True}


def utc(day: date, hour: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def real_states(system, directory) -> dict[str, object]:
    """What a real intake (waiting for classification, then done) and a real assignment process serialize
    to, through register_document and the classify form, and their definitions: the bulk-written instances
    carry these states, so that their rows are as large as a province's (the instance list reads them)."""
    with system.db.transaction() as session:
        document = register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
        intake_id = document.intake_instance_id
    state = select(ProcessInstance.state)
    with system.db.reading() as session:
        waiting = session.scalar(state.where(ProcessInstance.id == intake_id))
        classify = session.scalar(select(UserTaskRow.id).where(UserTaskRow.instance_id == intake_id))
    complete_task(system, classify, directory["cv"], classification())
    with system.db.reading() as session:
        definitions = select(ProcessInstance.process_id, ProcessInstance.definition_id).distinct()
        return {
            "intake_waiting": waiting,
            "intake_done": session.scalar(state.where(ProcessInstance.id == intake_id)),
            "assignment": session.scalar(state.where(ProcessInstance.process_id == "assignment").limit(1)),
            "definitions": dict(session.execute(definitions).all()),
        }


def import_province(system) -> simulated.Province:
    """The simulation's province of 34 units (VP, 13 sở, ban, ngành, 20 wards and communes) and its people,
    through the directory import, beside the directory fixture's units and users."""
    province = simulated.generate(34, random.Random(2015))
    with system.db.transaction() as session:
        simulated.populate(session=session, province=province, today=TODAY, now=NOW)
    return province


class Loader:
    """Bulk-inserts a province's year: documents with their intake instances and classify user tasks, and
    assignments with their units, instances and the user tasks of the steps they have taken."""

    def __init__(self, session, province: simulated.Province, states: dict, rng: random.Random) -> None:
        self.session, self.states, self.rng = session, states, rng
        self.province = province
        self.leads = sorted({*province.reporting, "XA_BX"})  # and the directory fixture's commune
        self.specialists = ["cv", *(p.username for p in province.with_role("vp_specialist"))]
        self.signers = [p.full_name for p in province.with_role("province_leadership")]
        self.numbers: dict[int, str] = {}  # document id -> its number, for the subjects of user tasks
        self.tasks: list[dict] = []
        self.groups: list[dict] = []

    def load(self, *, documents: int, assignments: int) -> None:
        docs = self.documents(documents)
        classified = docs[: len(docs) - max(1, len(docs) * 3 // 100)]  # the newest 3% await classification
        counts = [1] * len(classified)
        for _ in range(assignments - len(classified)):  # 1 to ~12 tasks each, 4 on average
            counts[self.rng.randrange(len(classified))] += 1
        made = [self.assignment(d, seq) for d, n in zip(classified, counts, strict=True) for seq in range(n)]
        rows = [row for row, _ in made]
        units = []
        for row, assignment_id, (_, coordinating) in zip(
            rows, self.returning(Assignment, rows), made, strict=True
        ):
            row["id"] = assignment_id
            units.append({"assignment_id": assignment_id, "unit_code": row["lead_unit_code"], "role": LEAD})
            units += [
                {"assignment_id": assignment_id, "unit_code": c, "role": COORDINATING} for c in coordinating
            ]
        self.insert(AssignmentUnit, units)
        processes = self.instances(
            "assignment", [(f"assignment:{r['id']}", r["created_at"], r["confirmed_at"]) for r in rows]
        )
        self.session.execute(
            update(Assignment),
            [{"id": r["id"], "instance_id": i} for r, i in zip(rows, processes, strict=True)],
        )
        first = {}
        for row, instance_id in zip(rows, processes, strict=True):
            first.setdefault(row["document_id"], row)
            self.assignment_tasks(row, instance_id)
        intakes = self.instances(
            "intake",
            [
                (
                    f"document:{d['id']}",
                    d["created_at"],
                    first[d["id"]]["created_at"] if d["id"] in first else None,
                )
                for d in docs
            ],
        )
        self.session.execute(
            update(Document),
            [{"id": d["id"], "intake_instance_id": i} for d, i in zip(docs, intakes, strict=True)],
        )
        for doc, instance_id in zip(docs, intakes, strict=True):
            due = CALENDAR.end_of_day(CALENDAR.add_working_days(doc["issued_on"], 5))
            subject, done = f"{doc['number']}: {doc['title']}", doc["id"] in first
            name = "Phân loại nhiệm vụ, chuyển theo dõi"
            self.task(
                instance_id,
                "intake",
                "classify",
                name,
                VP_GROUPS,
                None,
                subject,
                doc["created_at"],
                due,
                done,
            )
        self.insert(UserTaskRow, self.tasks)
        self.insert(UserTaskGroup, self.groups)

    def documents(self, total: int) -> list[dict]:
        """`total` documents issued over the year, registered in the order they were issued."""
        span = (TODAY - timedelta(days=2) - FIRST_ISSUE).days
        numbers = {suffix: 0 for _, suffix, _ in DOC_TYPES}
        numbers["QĐ-UBND"] = 12  # 12/QĐ-UBND is the real document of real_states
        rows = []
        for day in sorted(FIRST_ISSUE + timedelta(days=self.rng.randrange(span)) for _ in range(total)):
            doc_type, suffix, title = self.rng.choice(DOC_TYPES)
            numbers[suffix] += 1
            submitted = self.rng.random() < 0.3  # drafted by a sở (cơ quan trình), the others by VP
            rows.append(
                {
                    "number": f"{numbers[suffix]}/{suffix}",
                    "doc_type": doc_type,
                    "title": title.format(self.rng.choice(TOPICS)),
                    "issued_on": day,
                    "signer": self.rng.choice(self.signers),
                    "submitting_agency": self.province.name_of(self.rng.choice(self.province.departments))
                    if submitted
                    else None,
                    "needs_consultation": False,
                    "draft_tasks": [],
                    "created_by": "cv",
                    "created_at": utc(day + timedelta(days=1)),
                }
            )
        for row, document_id in zip(rows, self.returning(Document, rows), strict=True):
            row["id"] = document_id
            self.numbers[document_id] = row["number"]
        return rows

    def assignment(self, doc: dict, index: int) -> tuple[dict, list[str]]:
        """Task `index` of `doc` (its row and its coordinating units), at a stage its age makes likely."""
        rng, issued = self.rng, doc["issued_on"]
        topic = next(t for t in TOPICS if t in doc["title"])
        lead = rng.choice(self.leads)
        coordinating = rng.sample([c for c in self.leads if c != lead], rng.choice((0, 0, 0, 1, 2)))
        due = issued + timedelta(days=rng.randrange(20, 200)) if rng.random() < 0.8 else None
        if rng.random() < min(0.85, (TODAY - issued).days / 330):  # the older, the likelier done
            stage = RESULT_REPORTED if rng.random() < 0.1 else CONFIRMED
        else:
            stage = rng.choices((ACCEPTED, AWAITING_ACCEPTANCE, RETURNED), (75, 15, 10))[0]
        done = stage in (CONFIRMED, RESULT_REPORTED)
        completed = min(TODAY - timedelta(days=3), issued + timedelta(days=rng.randrange(10, 150)))
        row = {
            "document_id": doc["id"],
            "seq": index + 1,
            "content": f"{ACTIONS[index % len(ACTIONS)]} {topic}",
            "lead_unit_code": lead,
            "has_deadline": due is not None,
            "must_report": True,
            "deadline_kind": "completion" if due else None,
            "due_date": due,
            "effective_due_date": due and CALENDAR.effective_due_date(due),
            "tracking_room": "Phòng Tổng hợp",
            "tracking_specialist": rng.choice(self.specialists),
            "progress": "done" if done else ("in_progress" if stage == ACCEPTED else "not_started"),
            "stage": stage,
            "completed_on": completed if done else None,
            "confirmed_at": utc(completed + timedelta(days=2)) if stage == CONFIRMED else None,
            "created_by": "cv",
            "created_at": utc(issued + timedelta(days=2), hour=3),
        }
        return row, coordinating

    def instances(self, process_id: str, rows: list[tuple[str, datetime, datetime | None]]) -> list[int]:
        """(business key, started, ended or None) -> the ids of new instances of `process_id`."""
        definition = self.states["definitions"][process_id]
        running = self.states["intake_waiting" if process_id == "intake" else "assignment"]
        done = self.states["intake_done" if process_id == "intake" else "assignment"]
        values = [
            {
                "definition_id": definition,
                "process_id": process_id,
                "business_key": business_key,
                "status": FINISHED if ended else RUNNING,
                "state": done if ended else running,
                "data": {},
                "lock_version": 1,
                "started_by": "cv",
                "started_at": started,
                "updated_at": ended or started,
                "ended_at": ended,
            }
            for business_key, started, ended in rows
        ]
        return self.returning(ProcessInstance, values)

    def assignment_tasks(self, row: dict, instance_id: int) -> None:
        """The user tasks of the steps its assignment process has reached: done ones, and the one open."""
        stage, lead, created = row["stage"], row["lead_unit_code"], row["created_at"]
        steps = [("review", "Tiếp nhận nhiệm vụ", UNIT_GROUPS, lead, stage != AWAITING_ACCEPTANCE)]
        if stage == RETURNED:
            steps.append(("handle_return", "Xử lý nhiệm vụ bị trả lại", VP_GROUPS, None, False))
        if stage in (ACCEPTED, RESULT_REPORTED, CONFIRMED):
            steps.append(("update", "Cập nhật tình hình thực hiện", UNIT_GROUPS, lead, stage != ACCEPTED))
        if stage in (RESULT_REPORTED, CONFIRMED):
            steps.append(("confirm", "Xác nhận hoàn thành", VP_GROUPS, None, stage == CONFIRMED))
        subject = f"{self.numbers[row['document_id']]}: {row['content']}"
        for n, (bpmn_id, name, groups, unit, done) in enumerate(steps):
            opened = created + timedelta(days=7 * n)
            due = row["effective_due_date"] if bpmn_id == "update" else None
            due = CALENDAR.end_of_day(due or CALENDAR.add_working_days(opened.date(), 3))
            self.task(instance_id, "assignment", bpmn_id, name, groups, unit, subject, opened, due, done)

    def task(self, instance_id, process_id, bpmn_id, name, groups, unit, subject, opened, due, done) -> None:
        """One user task and its candidate groups; some open ones already claimed by cv or by sotc."""
        task_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        if groups == VP_GROUPS:
            assignee = "cv" if done or self.rng.random() < 0.3 else None
        else:
            claimed = done or (unit == FINANCE and self.rng.random() < 0.4)
            assignee = "sotc" if unit == FINANCE and claimed else None
        self.tasks.append(
            {
                "id": task_id,
                "instance_id": instance_id,
                "process_id": process_id,
                "bpmn_id": bpmn_id,
                "name": name,
                "candidate_groups": groups,
                "unit_code": unit,
                "assignee": assignee,
                "form": f"{bpmn_id}.schema.json",
                "ui_form": f"{bpmn_id}.uischema.json",
                "subject": subject,
                "instructions": f"Văn bản **{subject}**\n\nXem văn bản, ghi kết quả vào biểu mẫu.",
                "due_at": due,
                "state": COMPLETED if done else READY,
                # Seconds apart, so that the inbox's order never comes down to the random ids.
                "created_at": opened + timedelta(seconds=len(self.tasks)),
                "completed_at": opened + timedelta(days=1) if done else None,
                "completed_by": assignee if done else None,
            }
        )
        self.groups += [{"user_task_id": task_id, "group_name": g} for g in groups]

    def returning(self, model, rows: list[dict]) -> list[int]:
        """Insert `rows`, a chunk at a time; their new ids in order."""
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids: list[int] = []
        for start in range(0, len(rows), CHUNK):
            ids += self.session.scalars(statement, rows[start : start + CHUNK], execution_options=BULK)
        return ids

    def insert(self, model, rows: list[dict]) -> None:
        for start in range(0, len(rows), CHUNK):
            self.session.execute(insert(model), rows[start : start + CHUNK], execution_options=BULK)


def analyze(system) -> None:
    """PostgreSQL's statistics as autovacuum leaves them after such a load (a fresh table's guesses mislead
    the planner). SQLite is measured as the embedded install runs it: nothing there runs ANALYZE."""
    if system.db.is_postgres:
        with system.db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()


class Truth:
    """What the searches must find, from the plain columns: never from search_text."""

    def __init__(self, session) -> None:
        self.units: dict[int, set[str]] = {}
        for assignment_id, code in session.execute(
            select(AssignmentUnit.assignment_id, AssignmentUnit.unit_code)
        ):
            self.units.setdefault(assignment_id, set()).add(code)
        self.assignments = session.execute(
            select(Assignment.id, Assignment.content, Assignment.effective_due_date, Assignment.instance_id)
        ).all()
        self.documents = session.execute(
            select(Document.id, Document.title, Document.submitting_agency, Document.intake_instance_id)
        ).all()
        groups: dict[str, set[str]] = {}
        for task_id, group in session.execute(select(UserTaskGroup.user_task_id, UserTaskGroup.group_name)):
            groups.setdefault(task_id, set()).add(group)
        self.ready = [
            (row, groups[row.id])
            for row in session.execute(
                select(
                    UserTaskRow.id,
                    UserTaskRow.subject,
                    UserTaskRow.unit_code,
                    UserTaskRow.assignee,
                    UserTaskRow.due_at,
                    UserTaskRow.created_at,
                ).where(UserTaskRow.state == READY)
            )
        ]

    def naming(self, code: str) -> set[int]:
        """The assignments `code` leads or coordinates."""
        return {a for a, codes in self.units.items() if code in codes}

    def about(self, phrase: str) -> set[int]:
        return {a.id for a in self.assignments if phrase in a.content}

    def first_page(self, ids: set[int]) -> list[int]:
        """The list's default order: the soonest due first, those without a deadline last, then by id."""
        found = [a for a in self.assignments if a.id in ids]
        found.sort(key=lambda a: (a.effective_due_date is None, a.effective_due_date or date.min, a.id))
        return [a.id for a in found[:PAGE]]

    def inbox(self, user, phrase: str) -> list[str]:
        """The open user tasks `user` may act on whose subject holds `phrase`, soonest due first."""
        found = [
            t
            for t, groups in self.ready
            if groups & user.roles
            and t.unit_code in (None, user.unit_code)
            and t.assignee in (None, user.username)
            and phrase in t.subject
        ]
        never = datetime.max.replace(tzinfo=UTC)
        found.sort(key=lambda t: (t.due_at is None, t.due_at or never, t.created_at, t.id))
        return [t.id for t in found]


@pytest.mark.postgres
def test_bench_finding_things_in_a_province(system, directory, full, backend):
    n_documents, n_assignments = (5_000, 20_000) if full else (500, 2_000)
    states = real_states(system, directory)  # one real document and its two tasks, through the processes
    province = import_province(system)
    began = time.perf_counter()
    with system.db.transaction() as session:
        loader = Loader(session, province, states, random.Random(35))
        loader.load(documents=n_documents - 1, assignments=n_assignments - 2)
    loaded = time.perf_counter() - began
    began = time.perf_counter()
    with system.db.transaction() as session:
        filled = upkeep.rebuild(session)
    first_rebuild = time.perf_counter() - began
    analyze(system)
    cv, sotc = directory["cv"], directory["sotc"]
    renamed = next(code for code, name, _ in province.units if name == RENAMED)
    finance, digital = words("tai chinh"), words("CHUYỂN ĐỔI SỐ")
    settings = system.settings
    with system.db.reading() as session:
        truth = Truth(session)
        calendar = workdays.calendar(session=session, settings=settings)
        day = {"user": cv, "calendar": calendar, "today": TODAY, "soon_days": settings.due_soon_days}
        windows = inbox.DueWindows.of(calendar, NOW, settings.due_soon_days)

        def assignment_page(filters, sort=DEFAULT_SORT):
            rows_ms, rows = timed(
                lambda: assignments.list_(session, **day, filters=filters, sort=sort, limit=PAGE)
            )
            count_ms, total = timed(lambda: assignments.count_(session, **day, filters=filters))
            return [a.id for a, _, _ in rows], total, rows_ms, count_ms

        everything = assignment_page(assignments.Filters())
        of_finance = assignment_page(assignments.Filters(words=finance))
        by_lead = assignment_page(assignments.Filters(words=digital), Sort("lead"))
        lead_of = dict(session.execute(select(Assignment.id, Assignment.lead_unit_code)).all())

        poverty = document_list.DocumentFilters(words=words("giam ngheo"))
        docs_ms, docs = timed(lambda: document_list.list_(session=session, filters=poverty, limit=PAGE))
        docs_count_ms, docs_total = timed(lambda: document_list.count(session=session, filters=poverty))

        inbox_figures = {}
        rural_tasks = inbox.InboxFilters(words=words("nông thôn mới"))
        for who in (cv, sotc):
            rows_ms, rows = timed(
                lambda who=who: usertasks.inbox(
                    session=session, user=who, words=rural_tasks.words, windows=windows, limit=PAGE
                )
            )
            counts_ms, counts = timed(  # the tabs' counts (and the total) and the procedure select's
                lambda who=who: (
                    inbox.view_counts(session, user=who, filters=rural_tasks, windows=windows),
                    inbox.process_counts(session, user=who, filters=rural_tasks, windows=windows),
                )
            )
            inbox_figures[who.username] = ([t.id for t in rows], counts, rows_ms, counts_ms)

        of_finance_instances = instance_listing.InstanceFilters(words=finance)
        instances_ms, instances = timed(
            lambda: instance_listing.list_(session=session, filters=of_finance_instances, limit=PAGE)
        )
        instances_count_ms, instances_total = timed(
            lambda: instance_listing.count(session=session, filters=of_finance_instances)
        )
        old_phrase = Assignment.search_text.contains(fold(RENAMED), autoescape=True)
        named_before = session.scalar(select(func.count()).select_from(Assignment).where(old_phrase))

    # The assignments page: everything, Sở Tài chính's, and a topic sorted by lead unit.
    assert everything[1] == n_assignments and everything[0] == truth.first_page(set(lead_of))
    expected_finance = truth.naming(FINANCE)
    decoys = truth.about("thiên tai") | truth.about("hành chính") | truth.about("ngân sách")
    assert decoys - expected_finance  # tasks with "tai" or "chinh" that are not Sở Tài chính's exist
    assert of_finance[1] == len(expected_finance) and of_finance[0] == truth.first_page(expected_finance)
    expected_topic = truth.about("chuyển đổi số")
    assert by_lead[1] == len(expected_topic) and set(by_lead[0]) <= expected_topic and len(by_lead[0]) == PAGE
    runs = [(lead, list(ids)) for lead, ids in groupby(by_lead[0], key=lead_of.get)]
    assert len({lead for lead, _ in runs}) == len(runs)  # each unit's rows together
    for n, (lead, ids) in enumerate(runs):  # by id within a unit, and all of a unit before the next
        of_unit = sorted(a for a in expected_topic if lead_of[a] == lead)
        assert ids == (of_unit[: len(ids)] if n == len(runs) - 1 else of_unit)
    # Documents about reducing poverty, the newest first. (Not "nong thon moi": that also finds, rightly,
    # a Thông báo drafted by Sở Nông nghiệp và Môi trường, each word being somewhere in its text.)
    expected_docs = sorted((d.id for d in truth.documents if "giảm nghèo" in d.title), reverse=True)
    assert docs_total == len(expected_docs) and [d.id for d in docs] == expected_docs[:PAGE]
    # The inboxes: VP's specialist and Sở Tài chính's staff member, tasks about new rural areas.
    for who in (cv, sotc):
        rows, (tabs, procedures), _, _ = inbox_figures[who.username]
        expected_tasks = truth.inbox(who, "nông thôn mới")
        assert rows == expected_tasks[:PAGE] and tabs[""] == len(expected_tasks) == sum(procedures.values())
    # Instances about Sở Tài chính: its tasks' processes and the intakes of the documents it drafted.
    expected_instances = {a.instance_id for a in truth.assignments if a.id in expected_finance}
    expected_instances |= {
        d.intake_instance_id for d in truth.documents if d.submitting_agency == FINANCE_NAME
    }
    assert instances_total == len(expected_instances)
    assert [i.id for i in instances] == sorted(expected_instances, reverse=True)[:PAGE]

    # Renaming the ward: each commit rewrites the search text of every assignment naming it.
    naming_ward = truth.naming(renamed)
    assert named_before == len(naming_ward)

    def rename(name: str) -> float:
        began = time.perf_counter()
        with system.db.transaction() as session:
            directory_units.update(
                session=session, code=renamed, values={"name": name}, actor="admin", today=TODAY, now=NOW
            )
        return (time.perf_counter() - began) * 1000

    rename_ms = min(rename(NEW_NAME), rename(RENAMED), rename(NEW_NAME))
    with system.db.reading() as session:
        found_by_new_name = assignments.count_(
            session, **day, filters=assignments.Filters(words=words(NEW_NAME))
        )
        named_after = session.scalar(select(func.count()).select_from(Assignment).where(old_phrase))
    assert found_by_new_name == len(naming_ward) and named_after == 0

    def rebuild():
        with system.db.transaction() as session:
            return upkeep.rebuild(session)

    rebuild_ms, rebuilt = timed(rebuild, repeat=3)
    assert rebuilt == filled and filled["assignments"] == n_assignments and filled["documents"] == n_documents

    def page(rows_ms: float, count_ms: float, total: int) -> str:
        return f"{rows_ms:.1f} ms + count {count_ms:.1f} ms ({total:,} found)"

    leads = len(lead_of) / len({lead_of[a] for a in lead_of})
    _, vp_counts, vp_ms, vp_counts_ms = inbox_figures["cv"]
    _, unit_counts, unit_ms, unit_counts_ms = inbox_figures["sotc"]
    report(
        f"finding things ({backend}): {n_documents:,} documents, {n_assignments:,} assignments led by "
        f"{len(set(lead_of.values()))} units, {sum(filled.values()):,} search texts; best of 5",
        [
            ("bulk load (rows only)", f"{loaded:.1f} s"),
            ("first upkeep.rebuild (blank texts)", f"{first_rebuild * 1000:.0f} ms"),
            ("assignments, page of 50, no search", page(everything[2], everything[3], everything[1])),
            ("assignments, q=tai chinh", page(of_finance[2], of_finance[3], of_finance[1])),
            ("assignments, q=chuyen doi so, by lead unit", page(by_lead[2], by_lead[3], by_lead[1])),
            ("documents, q=giam ngheo", page(docs_ms, docs_count_ms, docs_total)),
            ("inbox of VP's specialist, q=nong thon moi", page(vp_ms, vp_counts_ms, vp_counts[0][""])),
            ("inbox of Sở Tài chính's staff, same q", page(unit_ms, unit_counts_ms, unit_counts[0][""])),
            ("instances, q=tai chinh", page(instances_ms, instances_count_ms, instances_total)),
            (
                f"rename a ward leading {sum(lead_of[a] == renamed for a in lead_of)} (avg {leads:.0f})",
                f"{rename_ms:.0f} ms to commit, {len(naming_ward)} assignments rewritten",
            ),
            ("upkeep.rebuild of everything (best of 3)", f"{rebuild_ms:.0f} ms {rebuilt}"),
        ],
    )
