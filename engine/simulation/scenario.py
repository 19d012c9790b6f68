"""The year's script, drawn once from the seed: the directive documents with their tasks, and the few
events that happen once (inspections, local feedbacks, the calendar correction, the new diagram)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from engine.simulation.options import Options
from engine.simulation.province import Province
from engine.simulation.timing import WorkingTime

DOC_TYPES = [  # (loại văn bản, ký hiệu, weight)
    ("Quyết định", "QĐ-UBND", 3),
    ("Kế hoạch", "KH-UBND", 3),
    ("Công văn", "UBND-TH", 5),
    ("Chỉ thị", "CT-UBND", 1),
    ("Thông báo kết luận", "TB-UBND", 2),
]
TOPICS = [
    "chuyển đổi số trong cơ quan hành chính nhà nước",
    "cải cách hành chính",
    "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "giải ngân vốn đầu tư công",
    "xây dựng nông thôn mới",
    "phát triển du lịch Sa Pa và Y Tý",
    "bảo vệ và phát triển rừng",
    "giảm nghèo bền vững vùng đồng bào dân tộc thiểu số",
    "an toàn giao thông",
    "thu ngân sách nhà nước",
    "sắp xếp đơn vị hành chính cấp xã",
    "phòng, chống dịch bệnh",
    "hỗ trợ doanh nghiệp và thu hút đầu tư",
    "quản lý đất đai và khoáng sản",
    "xóa nhà tạm, nhà dột nát",
]
ACTIONS = [
    "Xây dựng kế hoạch triển khai",
    "Rà soát, tổng hợp, báo cáo kết quả",
    "Tham mưu dự thảo văn bản chỉ đạo về",
    "Tổ chức kiểm tra, hướng dẫn thực hiện",
    "Đề xuất giải pháp tháo gỡ khó khăn trong",
    "Hoàn thiện hồ sơ trình UBND tỉnh về",
    "Tuyên truyền, phổ biến các quy định về",
]
SIGNERS = ["Chủ tịch UBND tỉnh", "Phó Chủ tịch Thường trực UBND tỉnh", "Phó Chủ tịch UBND tỉnh"]
DEADLINE_KINDS = [("completion", 7), ("report", 2), ("submission", 1)]


@dataclass(frozen=True)
class TaskDraft:
    """One task as the document states it (and as VP classifies it)."""

    content: str
    lead_unit: str
    coordinating_units: tuple[str, ...]
    due_date: date | None
    deadline_kind: str | None


@dataclass(frozen=True)
class DocumentPlan:
    """A directive document, when it is registered, and how late VP is with it."""

    key: int
    number: str
    doc_type: str
    title: str
    issued_on: date
    registered_at: datetime
    signer: str
    needs_consultation: bool
    tasks: tuple[TaskDraft, ...]
    late_classification: bool

    def payload(self) -> dict:
        """What the registration form (POST /documents) sends."""
        return {
            "number": self.number,
            "doc_type": self.doc_type,
            "title": self.title,
            "issued_on": self.issued_on.isoformat(),
            "signer": self.signer,
            "urgency": "Thường",
            "needs_consultation": self.needs_consultation,
            "tasks": [
                {
                    "content": t.content,
                    "lead_unit": t.lead_unit,
                    "coordinating_units": list(t.coordinating_units),
                    "due_date": t.due_date.isoformat() if t.due_date else None,
                }
                for t in self.tasks
            ],
        }


@dataclass(frozen=True)
class OneOff:
    """An event that happens once at `at`: kind is inspection, feedback, correction_request, calendar or
    deploy."""

    at: datetime
    kind: str
    key: int = 0
    day: date | None = None  # the calendar correction's day off


@dataclass
class Scenario:
    """The documents and the one-off events, each in time order."""

    documents: list[DocumentPlan] = field(default_factory=list)
    one_offs: list[OneOff] = field(default_factory=list)


def draw(options: Options, province: Province, time: WorkingTime, start: datetime, end: datetime) -> Scenario:
    """The script of the run: every document and one-off event, in time order."""
    rng = random.Random(f"{options.seed}:scenario")
    rates = options.rates
    last_day = time.local_date(end) - timedelta(days=1)
    working = [d for d in _days(time.local_date(start), last_day) if time.calendar.is_working_day(d)]
    issue_days = working[: max(1, len(working) - 2)]
    counters: dict[str, int] = {}
    scenario = Scenario()
    for key, issued_on in enumerate(sorted(rng.choice(issue_days) for _ in range(options.documents))):
        doc_type, suffix, _ = rng.choices(DOC_TYPES, weights=[w for *_, w in DOC_TYPES])[0]
        counters[suffix] = counters.get(suffix, 0) + 1
        topic = rng.choice(TOPICS)
        tasks = tuple(_task(rng, province, issued_on, topic, rates) for _ in range(_task_count(rng)))
        # VP's clerical staff register most documents on the day they are issued, some a day or two on.
        registered = time.on(issued_on, rng)
        if rng.random() < 0.3:
            registered = time.after(registered, rng.randint(1, 2), rng)
        scenario.documents.append(
            DocumentPlan(
                key=key,
                number=f"{counters[suffix]}/{suffix}",
                doc_type=doc_type,
                title=f"Về việc {topic} năm {issued_on.year}",
                issued_on=issued_on,
                registered_at=registered,
                signer=rng.choice(SIGNERS),
                needs_consultation=rng.random() < rates.needs_consultation,
                tasks=tasks,
                late_classification=rng.random() < rates.late_classification,
            )
        )
    years = options.days / 365
    for kind, per_year in (
        ("inspection", rates.inspections_per_year),
        ("feedback", rates.feedbacks_per_year),
        ("correction_request", rates.correction_requests_per_year),
    ):
        for key in range(_count(rng, per_year * years)):
            # Inspections and feedbacks look back at work under way: not in the first weeks.
            day = working[min(len(working) - 1, int(len(working) * rng.uniform(0.2, 0.9)))]
            scenario.one_offs.append(OneOff(time.on(day, rng), kind, key))
    middle = working[len(working) // 2]
    scenario.one_offs.append(OneOff(time.on(working[int(len(working) * 0.35)], rng), "deploy"))
    correction_at = time.on(middle, rng)
    # The day declared off: a working day two to three weeks ahead, so that deadlines due then are
    # still open when the correction is made (the case it must handle).
    target = time.calendar.add_working_days(middle, 12)
    if target < last_day:
        scenario.one_offs.append(OneOff(correction_at, "calendar", day=target))
    scenario.one_offs.sort(key=lambda o: o.at)
    return scenario


def _task(rng: random.Random, province: Province, issued_on: date, topic: str, rates) -> TaskDraft:
    departments, communes = province.departments, province.communes
    lead = rng.choice(departments) if rng.random() < 0.7 or not communes else rng.choice(communes)
    coordinating: tuple[str, ...] = ()
    if rng.random() < rates.coordinating_units:
        others = [u for u in departments + communes if u != lead]
        coordinating = tuple(sorted(rng.sample(others, min(len(others), rng.randint(1, 3)))))
    if rng.random() < rates.tasks_without_deadline:
        due, kind = None, None
    else:
        due = issued_on + timedelta(days=rng.randint(15, 120))
        kind = rng.choices([k for k, _ in DEADLINE_KINDS], weights=[w for _, w in DEADLINE_KINDS])[0]
    return TaskDraft(f"{rng.choice(ACTIONS)} {topic}", lead, coordinating, due, kind)


def _task_count(rng: random.Random) -> int:
    return rng.choices([1, 2, 3, 4, 5], weights=[35, 25, 20, 12, 8])[0]


def _count(rng: random.Random, expected: float) -> int:
    """A whole number of events with mean `expected` (at least one when any is expected)."""
    whole = int(expected)
    count = whole + (1 if rng.random() < expected - whole else 0)
    return max(count, 1 if expected > 0 else 0)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
