"""Đôn đốc by channel (Đ11.3-4): VP records a phone, meeting or e-mail urging on the assignment; the process's
letters are văn bản and its reminders hệ thống; all of them are Urging rows shown on the assignment."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from engine import history
from engine.assignments.models import Urging
from engine.history import ChangeRecord
from tests.factories import add_assignment, add_document
from tests.web.test_pages import csrf, login

NOW = datetime(2025, 6, 30, 3, 0, tzinfo=UTC)  # Monday 30/06/2025, 10:00 local


@pytest.fixture
def assignment_id(system, directory, clock) -> int:
    """Sở Tài chính leads a task of a plan issued 01/03/2025; Sở Nội vụ coordinates."""
    clock.move_to(NOW)
    with history.acting_as("cv"), system.db.transaction() as session:
        document = add_document(session, number="20/KH-UBND", issued_on=date(2025, 3, 1))
        return add_assignment(
            session, document, seq=1, lead="SO_TC", due=date(2025, 6, 27), coordinating=("SO_NV",)
        ).id


PHONE = {
    "channel": "dien_thoai",
    "urged_on": "2025-06-27",
    "person": "Ông Nguyễn Văn A, Phó Giám đốc Sở Tài chính",
    "content": "Đề nghị Sở khẩn trương báo cáo kết quả giải ngân.",
}


def urgings(system) -> list[Urging]:
    with system.db.reading() as session:
        return list(session.scalars(select(Urging).order_by(Urging.id)))


def test_vp_records_a_phone_urging_through_the_api(client, auth_headers, system, assignment_id):
    answer = client.post(
        f"/api/v1/assignments/{assignment_id}/urgings", json=PHONE, headers=auth_headers("cv")
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["channel"], body["channel_label"], body["urged_on"]) == (
        "dien_thoai",
        "Điện thoại",
        "2025-06-27",
    )
    [row] = urgings(system)
    assert (row.kind, row.channel, row.urged_on, row.unit_code) == (
        "urging_contact",
        "dien_thoai",
        date(2025, 6, 27),
        "SO_TC",
    )
    assert (row.person, row.content, row.recorded_by, row.issued_at) == (
        PHONE["person"],
        PHONE["content"],
        "cv",
        NOW,
    )
    # The assignment's API and its Lịch sử xử lý carry it.
    related = client.get(f"/api/v1/assignments/{assignment_id}", headers=auth_headers("cv")).get_json()
    assert [u["channel"] for u in related["related"]["urgings"]] == ["dien_thoai"]
    with system.db.reading() as session:
        [change] = session.scalars(select(ChangeRecord).where(ChangeRecord.entity == "urgings")).all()
    assert change.actor == "cv" and change.changes["channel"] == [None, "dien_thoai"]


def test_a_letter_recorded_by_hand_is_an_urging_letter_with_its_number(
    client, auth_headers, system, assignment_id
):
    letter = {**PHONE, "channel": "van_ban", "number": "88/VP-TH", "unit_code": "SO_NV"}
    answer = client.post(
        f"/api/v1/assignments/{assignment_id}/urgings", json=letter, headers=auth_headers("cv")
    )
    assert answer.status_code == 201
    [row] = urgings(system)
    assert (row.kind, row.channel, row.number, row.unit_code) == (
        "urging_letter",
        "van_ban",
        "88/VP-TH",
        "SO_NV",
    )


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"urged_on": "2025-07-01"}, "urged_on", "sau ngày hôm nay"),
        ({"urged_on": "2025-02-28"}, "urged_on", "trước ngày ban hành văn bản (01/03/2025)"),
        ({"channel": "bo_cau"}, "channel", "Điện thoại"),
        ({"channel": "he_thong"}, "channel", "Thư điện tử"),
        ({"person": ""}, "person", "người được liên hệ"),
        ({"unit_code": "SO_XD"}, "unit_code", "không chủ trì hoặc phối hợp"),
        ({"urged_on": "27/06/2025"}, "urged_on", "ngày đôn đốc"),
    ],
    ids=["future", "before_issue", "unknown_channel", "system_channel", "no_person", "other_unit", "bad_day"],
)
def test_bad_urging_is_refused_in_vietnamese_and_nothing_is_stored(
    client, auth_headers, system, assignment_id, change, field, words
):
    answer = client.post(
        f"/api/v1/assignments/{assignment_id}/urgings", json={**PHONE, **change}, headers=auth_headers("cv")
    )
    assert answer.status_code == 422
    fields = answer.get_json()["details"]["fields"]
    assert words in fields[field]
    assert urgings(system) == []


def test_only_vp_records_urgings(client, auth_headers, system, assignment_id):
    answer = client.post(
        f"/api/v1/assignments/{assignment_id}/urgings", json=PHONE, headers=auth_headers("sotc")
    )
    assert answer.status_code == 403
    assert (
        client.post("/api/v1/assignments/999/urgings", json=PHONE, headers=auth_headers("cv")).status_code
        == 404
    )
    assert urgings(system) == []


def test_the_page_action_records_and_lists_channel_date_person_and_content(client, system, assignment_id):
    login(client, "cv")
    page = client.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert "Ghi nhận đôn đốc" in page
    form = {**PHONE, "urged_on": "27/06/2025", "unit_code": "SO_TC", "number": "", "csrf_token": csrf(client)}
    saved = client.post(f"/assignments/{assignment_id}/urgings", data=form)
    assert saved.status_code == 302
    page = client.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    section = page[page.index('id="don-doc"') : page.index("Khó khăn, vướng mắc và đề xuất")]
    for shown in ("27/06/2025", "Điện thoại", PHONE["person"], PHONE["content"], "Nguyễn Thị Theo Dõi"):
        assert shown in section
    history_part = page[page.index('id="lich-su"') :]
    assert "Điện thoại" in history_part and "Ngày đôn đốc" in history_part

    refused = client.post(
        f"/assignments/{assignment_id}/urgings",
        data={**form, "urged_on": "01/07/2025", "csrf_token": csrf(client)},
    )
    assert refused.status_code == 422
    assert "ngày đôn đốc không được sau ngày hôm nay" in refused.get_data(as_text=True)
    assert len(urgings(system)) == 1


def test_a_unit_sees_urgings_but_not_the_action(client, system, assignment_id):
    with system.db.transaction() as session:
        session.add(
            Urging(
                kind="update_reminder",
                assignment_id=assignment_id,
                unit_code="SO_TC",
                content="Nhắc cập nhật",
                issued_at=NOW,
            )
        )
    login(client, "sotc")
    page = client.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert "Hệ thống" in page and "30/06/2025" in page  # a row written without them: system, that day
    assert "Ghi nhận đôn đốc" not in page
    refused = client.post(f"/assignments/{assignment_id}/urgings", data={**PHONE, "csrf_token": csrf(client)})
    assert refused.status_code == 403
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Urging)) == 1


def test_only_the_lead_unit_is_offered_to_flag_wrong_data(client, system, directory, assignment_id):
    login(client, "sotc")
    page = client.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert "Đề nghị điều chỉnh thông tin" in page and "/start/data_correction_request" in page
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "cv")
    assert "Đề nghị điều chỉnh thông tin" not in client.get(f"/assignments/{assignment_id}").get_data(
        as_text=True
    )
