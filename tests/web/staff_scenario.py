"""A busy office, built the way staff build it (through the pages, as fetch() and the forms post): documents,
an assignment returned and transferred, progress, a missed deadline with its reminder and urging letter, a
late result waiting for confirmation, a difficulty waiting for the Chairman, a data correction, a local
feedback, a calendar change, and a document still waiting for classification. Shared by the audit of the
staff pages' language and by the browser tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from engine.assignments import service as assignment_service
from engine.documents import service as document_service
from engine.instances import sweep as timer_sweep
from engine.usertasks import service as usertasks
from tests.web.test_pages import csrf, login

ISSUED = "2025-03-31"  # a Monday
END_OF_DUE_A = datetime(2025, 4, 24, 17, 0, tzinfo=UTC)  # 24/04/2025, 24:00 local
END_OF_T2_A = datetime(2025, 4, 28, 17, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@dataclass
class Office:
    """What the scenario left behind, for the tests to look at."""

    document_ids: list[int] = field(default_factory=list)
    assignment_ids: list[int] = field(default_factory=list)


class Person:
    """One signed-in browser: posts forms as form.js does (JSON with the CSRF header) or as a page does."""

    def __init__(self, app, username: str) -> None:
        self.client = app.test_client()
        self.username = username
        assert login(self.client, username).status_code == 302

    def post_json(self, url: str, body: dict) -> dict:
        answer = self.client.post(url, json=body, headers={"X-CSRF-Token": csrf(self.client)})
        if answer.status_code == 401:  # weeks passed on the clock: sign in again, as the dialog does
            assert login(self.client, self.username).status_code == 302
            answer = self.client.post(url, json=body, headers={"X-CSRF-Token": csrf(self.client)})
        assert answer.status_code == 200, (url, answer.status_code, answer.get_data(as_text=True)[:500])
        return answer.get_json()

    def post_form(self, url: str, form: dict) -> None:
        assert login(self.client, self.username).status_code == 302
        answer = self.client.post(url, data={**form, "csrf_token": csrf(self.client)})
        assert answer.status_code in (200, 302), (url, answer.status_code)

    def complete(self, system, directory, bpmn_id: str, data: dict, which: int = 0) -> None:
        with system.db.reading() as session:
            tasks = [
                t
                for t in usertasks.inbox(session=session, user=directory[self.username])
                if t.bpmn_id == bpmn_id
            ]
        assert tasks, f"{self.username} has no {bpmn_id}"
        self.post_json(f"/tasks/{tasks[which].id}/complete", data)


def sweep(system, clock, at: datetime) -> None:
    clock.move_to(at)
    timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def build_office(app, system, directory, clock) -> Office:
    """Run the scenario; the clock ends on Tuesday 06/05/2025, 09:00 local."""
    office = Office()
    clock.move_to(datetime(2025, 3, 31, 2, 0, tzinfo=UTC))
    cv, sotc, soxd, xabx, admin = (Person(app, u) for u in ("cv", "sotc", "soxd", "xabx", "admin"))
    cv.post_json(
        "/documents/new",
        {
            "number": "45/QĐ-UBND",
            "doc_type": "Quyết định",
            "title": "Về việc giao nhiệm vụ cải cách hành chính quý II năm 2025",
            "issued_on": ISSUED,
            "signer": "Chủ tịch UBND tỉnh",
            "secrecy": "normal",
            "tasks": [
                {
                    "content": "Báo cáo đánh giá chỉ số cải cách hành chính",
                    "lead_unit": "SO_TC",
                    "coordinating_units": ["SO_NV"],
                    "due_date": "2025-04-24",
                },
                {
                    "content": "Rà soát quy hoạch vùng nguyên liệu",
                    "lead_unit": "SO_XD",
                    "due_date": "2025-06-30",
                },
                {"content": "Xây dựng đề án nhà ở xã hội", "lead_unit": "SO_XD", "due_date": "2025-05-15"},
            ],
        },
    )
    with system.db.reading() as session:
        office.document_ids = [
            d.id for d in document_service.list_documents(session=session, limit=10, offset=0)
        ]
        drafted = document_service.get_document_or_raise(
            session=session, document_id=office.document_ids[0]
        ).draft_tasks
    tasks = [
        {
            **t,
            "has_deadline": True,
            "deadline_kind": "completion",
            "must_report": True,
            "coordinating_units": t.get("coordinating_units") or [],
        }
        for t in drafted
    ]
    cv.complete(
        system,
        directory,
        "classify",
        {"tracking_room": "Phòng Tổng hợp", "tracking_specialist": "cv", "tasks": tasks},
    )
    with system.db.reading() as session:
        assignments = assignment_service.assignments_of(session=session, document_id=office.document_ids[0])
        office.assignment_ids = [a.id for a in assignments]
        instance_of = {a.id: a.instance_id for a in assignments}
    a, b, c = office.assignment_ids

    def review_of(person, assignment_id):
        with system.db.reading() as session:
            rows = usertasks.of_instance(session=session, instance_id=instance_of[assignment_id])
        return next(t for t in rows if t.bpmn_id == "review" and t.state == "ready")

    # Sở Xây dựng returns B; VP transfers it to Sở Tài chính; the units accept the rest.
    soxd.post_json(
        f"/tasks/{review_of(soxd, b).id}/complete",
        {"decision": "return", "reason_kind": "not_our_mandate", "reason": "Thuộc lĩnh vực tài chính"},
    )
    cv.complete(
        system,
        directory,
        "handle_return",
        {"resolution": "transferred", "to_unit": "SO_TC", "note": "Chuyển Sở Tài chính"},
    )
    sotc.post_json(f"/tasks/{review_of(sotc, a).id}/complete", {"decision": "accept"})
    sotc.post_json(f"/tasks/{review_of(sotc, b).id}/complete", {"decision": "accept"})
    soxd.post_json(f"/tasks/{review_of(soxd, c).id}/complete", {"decision": "accept"})

    def update_of(assignment_id):
        with system.db.reading() as session:
            rows = usertasks.of_instance(session=session, instance_id=instance_of[assignment_id])
        return next(t for t in rows if t.bpmn_id == "update" and t.state == "ready")

    # A: progress, then the deadline and T2 pass; VP sends an urging letter.
    sotc.post_json(
        f"/tasks/{update_of(a).id}/complete",
        {"kind": "progress", "situation": "Đang tổng hợp số liệu các sở"},
    )
    sweep(system, clock, END_OF_DUE_A + SECOND)
    sweep(system, clock, END_OF_T2_A + SECOND)
    cv.complete(
        system,
        directory,
        "send_urging",
        {"number": "312/VP-TH", "content": "Đề nghị Sở Tài chính khẩn trương báo cáo kết quả"},
    )

    # A: the late result waits for VP's confirmation; C: a difficulty waits for the Chairman.
    clock.move_to(datetime(2025, 5, 6, 2, 0, tzinfo=UTC))
    sotc.post_json(
        f"/tasks/{update_of(a).id}/complete",
        {"kind": "result", "result": "Đã ban hành báo cáo số 88/BC-STC", "completed_on": "2025-05-05"},
    )
    soxd.post_json(
        f"/tasks/{update_of(c).id}/complete",
        {
            "kind": "difficulty",
            "difficulties": "Chưa bố trí được quỹ đất",
            "proposals": "Đề nghị gia hạn",
            "proposed_due_date": "2025-06-16",
        },
    )
    cv.complete(  # VP advises before the Chairman directs (Đ9.1.b)
        system,
        directory,
        "advise_difficulty",
        {"advice": "Đề nghị có cơ sở", "proposal": "extend", "advised_due_date": "2025-06-16"},
    )

    # VP asks Sở Tài chính to correct B's data; UBND xã Bát Xát reports about A; a second document arrives.
    cv.post_json(
        "/start/data_correction", {"assignment_id": b, "problem": "Số liệu tiến độ chưa khớp với báo cáo quý"}
    )
    xabx.post_json(
        "/start/local_feedback",
        {"about_unit": "SO_TC", "assignment_id": a, "content": "Chậm báo cáo chỉ số cải cách hành chính"},
    )
    cv.post_json(
        "/documents/new",
        {
            "number": "77/CT-UBND",
            "doc_type": "Chỉ thị",
            "title": "Về tăng cường kỷ luật, kỷ cương hành chính",
            "issued_on": "2025-05-05",
            "signer": "Chủ tịch UBND tỉnh",
            "secrecy": "normal",
            "tasks": [{"content": "Kiểm tra công vụ đột xuất", "lead_unit": "SO_NV"}],
        },
    )
    # The administrator declares a make-up day off, which moves nothing of the above.
    admin.post_form(
        "/calendar/overrides", {"day": "2025-12-26", "action": "off", "note": "Thông báo số 9/TB-UBND"}
    )
    with system.db.reading() as session:
        office.document_ids = [
            d.id for d in document_service.list_documents(session=session, limit=10, offset=0)
        ]
    return office
