"""The regulation end to end over HTTP, as a new user would try it: a document with three tasks for two
units; classification; a return and a transfer; progress, a missed deadline, the T2 reminder, an urging
letter, a late result confirmed ("Đã hoàn thành quá hạn"); a difficulty and the Chairman's extension, the
deadline timer following the new date. Timers are fired by the sweep, as the timer loop does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.instances import sweep as timer_sweep

ISSUED = "2025-03-31"  # a Monday
DUE_A = "2025-04-24"  # Thursday; T2 ends Monday 28/04/2025 (Saturday 26/04 is a make-up working day)
END_OF_DUE_A = datetime(2025, 4, 24, 17, 0, tzinfo=UTC)  # 24:00 local
END_OF_T2_A = datetime(2025, 4, 28, 17, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


class Http:
    """One user's calls; every answer must succeed unless the test says otherwise."""

    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def get(self, path):
        response = self.client.get(path, headers=self.headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def post(self, path, body, status=200):
        response = self.client.post(path, json=body, headers=self.headers)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def inbox(self, bpmn_id):
        return [t for t in self.get("/api/v1/user-tasks")["items"] if t["bpmn_id"] == bpmn_id]

    def complete(self, task, body):
        return self.post(f"/api/v1/user-tasks/{task['id']}/complete", body)


def sweep(system, clock, at):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def test_three_tasks_two_units_from_registration_to_late_completion_and_extension(
    client, auth_headers, system, clock
):
    clock.move_to(datetime(2025, 3, 31, 2, 0, tzinfo=UTC))  # the tokens below live 90 days from today
    cv, sotc, soxd, ct = (Http(client, auth_headers(u)) for u in ("cv", "sotc", "soxd", "ct"))
    document = cv.post(
        "/api/v1/documents",
        {
            "number": "45/QĐ-UBND",
            "doc_type": "Quyết định",
            "title": "Về việc giao nhiệm vụ cải cách hành chính quý II năm 2025",
            "issued_on": ISSUED,
            "signer": "Chủ tịch UBND tỉnh",
            "tasks": [
                {
                    "content": "Báo cáo đánh giá chỉ số cải cách hành chính",
                    "lead_unit": "SO_TC",
                    "due_date": DUE_A,
                },
                {
                    "content": "Rà soát quy hoạch vùng nguyên liệu",
                    "lead_unit": "SO_XD",
                    "due_date": "2025-06-30",
                },
                {"content": "Xây dựng đề án nhà ở xã hội", "lead_unit": "SO_XD", "due_date": "2025-05-15"},
            ],
        },
        status=201,
    )

    # P1: VP classifies and dispatches; each task gets its own assignment process.
    [classify] = cv.inbox("classify")
    drafted = cv.get(f"/api/v1/user-tasks/{classify['id']}")["data"]["tasks"]
    tasks = [{**t, "has_deadline": True, "deadline_kind": "completion", "must_report": True} for t in drafted]
    cv.complete(classify, {"tracking_room": "Phòng Tổng hợp", "tracking_specialist": "cv", "tasks": tasks})
    a, b, c = cv.get(f"/api/v1/documents/{document['id']}")["assignments"]
    assert [x["lead_unit"] for x in (a, b, c)] == ["SO_TC", "SO_XD", "SO_XD"]
    assert [t["subject"] for t in sotc.inbox("review")] and len(soxd.inbox("review")) == 2
    assert client.get(f"/api/v1/assignments/{a['id']}", headers=soxd.headers).status_code == 403

    # P2: Sở Xây dựng returns task B as not its mandate; VP transfers it to Sở Tài chính.
    review_b = next(t for t in soxd.inbox("review") if t["instance_id"] == _instance(cv, b))
    soxd.complete(
        review_b,
        {"decision": "return", "reason_kind": "not_our_mandate", "reason": "Thuộc lĩnh vực tài chính"},
    )
    [handle] = cv.inbox("handle_return")
    cv.complete(handle, {"resolution": "transferred", "to_unit": "SO_TC", "note": "Chuyển Sở Tài chính"})
    assert cv.get(f"/api/v1/assignments/{b['id']}")["lead_unit"] == "SO_TC"
    for review in sotc.inbox("review"):
        sotc.complete(review, {"decision": "accept"})
    [review_c] = soxd.inbox("review")
    soxd.complete(review_c, {"decision": "accept"})
    assert {x["id"] for x in sotc.get("/api/v1/assignments?view=lead")["items"]} == {a["id"], b["id"]}

    # P3: Sở Tài chính reports progress on A, then misses 24/04/2025.
    update_a = _update_task(sotc, cv, a)
    sotc.complete(update_a, {"kind": "progress", "situation": "Đang tổng hợp số liệu các sở"})
    assert _instance(cv, a) not in sweep(system, clock, END_OF_DUE_A - SECOND).advanced
    assert _instance(cv, a) in sweep(system, clock, END_OF_DUE_A + SECOND).advanced
    reminders = [u for u in cv.get(f"/api/v1/assignments/{a['id']}")["related"]["urgings"]]
    assert [u["kind"] for u in reminders] == ["update_reminder"]
    assert cv.inbox("send_urging") == []

    # P5: T2 passes without an update: VP sends an urging letter.
    sweep(system, clock, END_OF_T2_A + SECOND)
    [urge] = cv.inbox("send_urging")
    cv.complete(urge, {"number": "312/VP-TH", "content": "Đề nghị Sở Tài chính khẩn trương báo cáo kết quả"})
    urgings = cv.get(f"/api/v1/assignments/{a['id']}")["related"]["urgings"]
    assert [(u["kind"], u["number"]) for u in urgings] == [
        ("update_reminder", None),
        ("urging_letter", "312/VP-TH"),
    ]
    assert any("312/VP-TH" in n["message"] for n in sotc.get("/api/v1/notifications")["items"])

    # The late result; VP confirms; the bucket says "Đã hoàn thành quá hạn".
    clock.move_to(datetime(2025, 5, 6, 2, 0, tzinfo=UTC))
    sotc.complete(
        _update_task(sotc, cv, a),
        {"kind": "result", "result": "Đã ban hành báo cáo số 88/BC-STC", "completed_on": "2025-05-05"},
    )
    [confirm] = cv.inbox("confirm")
    cv.complete(confirm, {"decision": "confirm"})
    done = sotc.get(f"/api/v1/assignments/{a['id']}")
    assert (done["bucket"], done["bucket_label"], done["completed_on"]) == (
        "done_late",
        "Đã hoàn thành quá hạn",
        "2025-05-05",
    )

    # P7: Sở Xây dựng reports a difficulty on C; VP advises (Đ9.1.b), the Chairman extends the deadline;
    # the timer follows.
    soxd.complete(
        _update_task(soxd, cv, c),
        {
            "kind": "difficulty",
            "difficulties": "Chưa bố trí được quỹ đất",
            "proposals": "Đề nghị gia hạn đến 16/06/2025",
            "proposed_due_date": "2025-06-16",
        },
    )
    [advice] = cv.inbox("advise_difficulty")
    cv.complete(advice, {"advice": "Có cơ sở", "proposal": "extend", "advised_due_date": "2025-06-16"})
    [direction] = ct.inbox("give_direction")
    ct.complete(
        direction,
        {"decision": "extend", "new_due_date": "2025-06-16", "direction": "Đồng ý gia hạn đến 16/06/2025"},
    )
    extended = soxd.get(f"/api/v1/assignments/{c['id']}")
    assert extended["effective_due_date"] == "2025-06-16"
    adjustment = extended["related"]["deadline_adjustments"][0]
    assert (adjustment["old_effective_due_date"], adjustment["new_effective_due_date"]) == (
        "2025-05-15",
        "2025-06-16",
    )
    timers = _instance_detail(client, auth_headers, _instance(cv, c))["timers"]
    assert [t["fire_at"] for t in timers] == ["2025-06-16T17:00:00+00:00"]
    assert _instance(cv, c) not in sweep(system, clock, datetime(2025, 5, 15, 17, 0, 1, tzinfo=UTC)).advanced
    assert soxd.get(f"/api/v1/assignments/{c['id']}")["related"]["urgings"] == []

    # Every step is in the event log and in the assignment's history.
    events = _instance_detail(client, auth_headers, _instance(cv, a))["events"]
    completed = [e["bpmn_id"] for e in events if e["kind"] == "user_task_completed"]
    assert completed == ["review", "update", "send_urging", "update", "confirm"]
    assert sum(e["kind"] == "timer_fired" for e in events) == 2
    history = cv.get(f"/api/v1/assignments/{a['id']}/history")["items"]
    actors = {(h["entity"], h["actor"]) for h in history}
    assert {("assignments", "cv"), ("assignments", "sotc"), ("status_updates", "sotc")} <= actors
    assert ("urgings", "cv") in actors and ("urgings", None) in actors  # the letter, and the timer's reminder
    transfer_history = cv.get(f"/api/v1/assignments/{b['id']}/history")["items"]
    assert any(
        h["entity"] == "assignments" and h["changes"].get("lead_unit_code") == ["SO_XD", "SO_TC"]
        for h in transfer_history
    )


def _instance(http, assignment) -> int:
    return http.get(f"/api/v1/assignments/{assignment['id']}")["instance_id"]


def _update_task(unit, cv, assignment):
    [task] = [t for t in unit.inbox("update") if t["instance_id"] == _instance(cv, assignment)]
    return task


def _instance_detail(client, auth_headers, instance_id):
    return client.get(f"/api/v1/process-instances/{instance_id}", headers=auth_headers("monitor")).get_json()
